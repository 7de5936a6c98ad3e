import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from sanctuary.cases.stages import LABELS, CaseType, Stage
from sanctuary.keyring.fields import EncryptedField

if TYPE_CHECKING:
    from sanctuary.accounts.models import User

TYPE_CHOICES = [(t.value, LABELS["en"][t.value]) for t in CaseType]
STAGE_CHOICES = [(s.value, LABELS["en"][s.value]) for s in Stage]


class CaseFileQuerySet(models.QuerySet["CaseFile"]):
    def open(self) -> "CaseFileQuerySet":
        return self.exclude(stage=Stage.CLOSED)

    def for_triage(self) -> "CaseFileQuerySet":
        """New cases nobody has taken yet: the intake group's queue."""
        return self.open().filter(counselor__isnull=True).select_related("case")

    def assigned_to(self, user: "User") -> "CaseFileQuerySet":
        return self.open().filter(counselor=user).select_related("case")


class CaseFile(models.Model):
    """Casework on one intake case. Every column is plain on purpose: triage, the queue and
    statistics need them, and none identifies a person alone (DESIGN.md). Dates come from the
    seeker's situation so the urgency score can be computed without opening the case."""

    case = models.OneToOneField(
        "intake.Case", on_delete=models.CASCADE, primary_key=True, related_name="file"
    )
    case_type = models.CharField(max_length=32, choices=TYPE_CHOICES)
    stage = models.CharField(max_length=32, choices=STAGE_CHOICES, default=Stage.NEW)
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    summons_date = models.DateField(null=True, blank=True)
    left_unit_date = models.DateField(null=True, blank=True)
    criminal_case = models.CharField(max_length=16, default="none")
    children = models.PositiveSmallIntegerField(default=0)
    detained = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseFileQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["stage", "counselor"])]

    def __str__(self) -> str:
        return f"file of {self.case_id}"


class StageChange(models.Model):
    """The history of a case's type and stage."""

    file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="changes")
    from_type = models.CharField(max_length=32, choices=TYPE_CHOICES)
    to_type = models.CharField(max_length=32, choices=TYPE_CHOICES)
    from_stage = models.CharField(max_length=32, choices=STAGE_CHOICES)
    to_stage = models.CharField(max_length=32, choices=STAGE_CHOICES)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class Note(models.Model):
    """A counselor's note, encrypted under the case's data key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("intake.Case", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = EncryptedField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class TaskQuerySet(models.QuerySet["Task"]):
    def overdue(self, today: date) -> "TaskQuerySet":
        return self.filter(done_at__isnull=True, due_date__lt=today).order_by("due_date")


class Task(models.Model):
    """Something to do on a case by a date; its text is encrypted under the case's key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("intake.Case", on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_tasks"
    )
    text = EncryptedField()
    due_date = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date"]

    def __str__(self) -> str:
        return f"task {self.pk}"
