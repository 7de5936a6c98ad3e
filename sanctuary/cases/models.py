import statistics
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanctuary.cases.stages import LABELS, CaseType, Stage
from sanctuary.keyring.fields import EncryptedField
from sanctuary.keyring.models import Holder, SealedRecord

if TYPE_CHECKING:
    from sanctuary.accounts.models import User

# What a seeker may answer, shared by the seeker's questionnaire, the case page and referrals.
LANGUAGE_CHOICES = [
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("en", _("English")),
    ("kk", _("Kazakh")),
    ("hy", _("Armenian")),
    ("ka", _("Georgian")),
    ("tr", _("Turkish")),
    ("sr", _("Serbian")),
]
CONTACT_CHOICES = [
    ("", _("Only through this mailbox")),
    ("signal", _("Signal")),
    ("telegram", _("Telegram")),
    ("email", _("Email")),
]
MAX_STORY = 20_000
MAX_MESSAGE = 10_000


class HelpWanted(models.TextChoices):
    LEGAL = "legal", _("Legal advice")
    ROUTE = "route", _("A safe route")
    BED = "bed", _("A bed for the first nights")
    MONEY = "money", _("Money")
    PSYCHOLOGICAL = "psychological", _("Psychological support")


# A median over fewer answered cases would say too much about each of them (and too little
# about the network): below this many, seekers read a general sentence instead.
FIRST_REPLY_MIN_CASES = 10


class CaseQuerySet(models.QuerySet["Case"]):
    def created_since(self, moment: datetime) -> "CaseQuerySet":
        return self.filter(created_at__gte=moment)

    def median_first_reply(self, minimum: int = FIRST_REPLY_MIN_CASES) -> timedelta | None:
        """The median, over these cases that staff have answered, of the time from the case's
        creation to the first message from staff; None when fewer than `minimum` were
        answered. Reads two timestamps per case, nothing sealed."""
        answered = (
            self.annotate(
                first_reply=models.Min(
                    "messages__created_at", filter=models.Q(messages__from_seeker=False)
                )
            )
            .filter(first_reply__isnull=False)
            .order_by()
            .values_list("created_at", "first_reply")
        )
        delays = [reply - created for created, reply in answered]
        if len(delays) < minimum:
            return None
        return timedelta(seconds=statistics.median(d.total_seconds() for d in delays))


class Case(SealedRecord):
    """A seeker's case. Plain columns hold only what triage and statistics need and cannot
    identify anyone alone; everything he wrote is sealed to the intake group and to him."""

    # Derived from the codename with a server-held secret: a database copy cannot test guesses.
    lookup_id = models.CharField(max_length=64, unique=True)
    seeker = models.OneToOneField(Holder, on_delete=models.PROTECT, related_name="case")
    status = models.CharField(max_length=32)
    on_behalf = models.BooleanField(default=False)
    country = models.CharField(max_length=40, blank=True)
    languages = models.JSONField(default=list)
    help_wanted = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    situation = EncryptedField()
    story = EncryptedField()
    contact = EncryptedField()

    # Its ciphertexts name the app it was first written in (see keyring.models.record_type).
    sealed_as: ClassVar[str] = "intake.case"

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"case {self.pk}"


class Message(models.Model):
    """One message in a case's mailbox, encrypted under the case's data key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    from_seeker = models.BooleanField()
    # Plain on purpose: staff see who wrote; a seeker's messages have no author row.
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = EncryptedField()
    created_at = models.DateTimeField(default=timezone.now)

    sealed_as: ClassVar[str] = "intake.message"

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Attachment(models.Model):
    """A file sent with a message: metadata stripped, then encrypted under the case's key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    media_type = models.CharField(max_length=40)
    filename = EncryptedField()
    content = EncryptedField()

    sealed_as: ClassVar[str] = "intake.attachment"

    def __str__(self) -> str:
        return f"attachment {self.pk}"


TYPE_CHOICES = [(t.value, LABELS["en"][t.value]) for t in CaseType]
STAGE_CHOICES = [(s.value, LABELS["en"][s.value]) for s in Stage]


class CaseFileQuerySet(models.QuerySet["CaseFile"]):
    def open(self) -> "CaseFileQuerySet":
        return self.exclude(stage=Stage.CLOSED)

    def for_triage(self) -> "CaseFileQuerySet":
        """New cases nobody has taken yet, and any open case whose alarm is raised (a missed
        check-in) or that is flagged detained or missing: the intake group's queue."""
        return (
            self.open()
            .filter(
                models.Q(counselor__isnull=True)
                | models.Q(alarm_at__isnull=False)
                | models.Q(detained=True)
            )
            .with_triage_fields()
        )

    def assigned_to(self, user: "User") -> "CaseFileQuerySet":
        return self.open().filter(counselor=user).with_triage_fields()

    def with_triage_fields(self) -> "CaseFileQuerySet":
        """The case rows a list shows, fetched for the page's rows only and without their
        ciphertexts: a join here made the database read every sealed case before paging."""
        plain = Case.objects.only("id", "created_at", "country", "languages", "help_wanted")
        return self.prefetch_related(models.Prefetch("case", queryset=plain), "case__check_ins")


class CaseFile(models.Model):
    """Casework on one intake case. Every column is plain on purpose: triage, the queue and
    statistics need them, and none identifies a person alone (DESIGN.md). Dates come from the
    seeker's situation so the urgency score can be computed without opening the case."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="file"
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
    # When a counselor last wrote to the seeker: urgency grows while he waits for an answer.
    last_reply_at = models.DateTimeField(null=True, blank=True)
    # The case's arrival, kept here so the queue orders without joining the sealed case rows.
    received_at = models.DateTimeField(default=timezone.now)
    # When a check-in was missed; cleared once every missed check-in is confirmed.
    alarm_at = models.DateTimeField(null=True, blank=True)
    # A closed case is shredded after this moment (cases.tasks.purge_expired_cases).
    retention_until = models.DateTimeField(null=True, blank=True, db_index=True)

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
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notes")
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

    def due_unnoticed(self, today: date) -> "TaskQuerySet":
        """Open tasks due today or earlier whose assignee has not been told yet."""
        return self.filter(done_at__isnull=True, due_date__lte=today, noticed_at__isnull=True)


class Task(models.Model):
    """Something to do on a case by a date; its text is encrypted under the case's key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_tasks"
    )
    text = EncryptedField()
    due_date = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When its assignee was told that it is due (sanctuary.notices): once per task.
    noticed_at = models.DateTimeField(null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date"]

    def __str__(self) -> str:
        return f"task {self.pk}"


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def open(self) -> "CheckInQuerySet":
        return self.filter(confirmed_at__isnull=True)

    def missed(self, now: datetime) -> "CheckInQuerySet":
        """Overdue, unconfirmed, on an open case, and not yet alarmed."""
        return (
            self.open()
            .filter(due_at__lt=now, missed_at__isnull=True)
            .exclude(case__file__stage=Stage.CLOSED)
        )


class CheckIn(models.Model):
    """A moment by which a person in transit confirms he is safe, set by his counselor. The
    label ("cross the border by 18:00") is encrypted under the case's key; the time is plain so
    the worker can raise the alarm without opening the case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="check_ins")
    label = EncryptedField()
    due_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set once by the worker when the alarm is raised, so it is raised (and audited) only once.
    missed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["confirmed_at", "due_at"])]

    def __str__(self) -> str:
        return f"check-in {self.pk}"


class ClosedCaseStat(models.Model):
    """What remains of a purged case: nothing that identifies anyone, only what statistics
    need (how many cases of which type from which country reached which stage, by month)."""

    case_type = models.CharField(max_length=32, choices=TYPE_CHOICES)
    country = models.CharField(max_length=40, blank=True)
    stage_reached = models.CharField(max_length=32, choices=STAGE_CHOICES)
    month = models.DateField()  # the first day of the month the case was closed

    class Meta:
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.case_type} {self.month:%Y-%m}"


class ChecklistItemQuerySet(models.QuerySet["ChecklistItem"]):
    def for_country(self, country: str) -> "ChecklistItemQuerySet":
        """The steps for one country, then the steps for every country."""
        return self.filter(models.Q(country=country) | models.Q(country="")).order_by(
            models.F("country").desc(), "position", "pk"
        )


class ChecklistItem(models.Model):
    """One step of the emergency checklist a "detained or missing" flag brings up: whom to
    call, which lawyer, which partner organisation. Kept as data that coordinators and lawyers
    edit. It holds the network's own working contacts (a duty lawyer's line, a partner's
    hotline), never a seeker's: plain on purpose so every counselor can read it in an emergency
    without a key (docs/threat-model.md says what not to write here)."""

    class Kind(models.TextChoices):
        ACTION = "action", _("Do")
        CALL = "call", _("Call")
        LAWYER = "lawyer", _("Lawyer")
        PARTNER = "partner", _("Partner organisation")

    country = models.CharField(max_length=2, blank=True)  # empty: every country
    position = models.PositiveSmallIntegerField(default=10)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACTION)
    text_en = models.TextField(max_length=500)
    text_ru = models.TextField(max_length=500)
    contact = models.CharField(max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        ordering = ["country", "position", "pk"]

    def __str__(self) -> str:
        return f"checklist {self.country or '*'} #{self.position}"

    def text(self, lang: str) -> str:
        return self.text_ru if lang == "ru" else self.text_en


class ChecklistTick(models.Model):
    """A checklist step done on one case: who did it and when."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="ticks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="ticks")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "item"], name="one_tick_per_case_step")
        ]

    def __str__(self) -> str:
        return f"tick {self.item_id} on {self.case_id}"


class CounselorProfile(models.Model):
    """What a counselor offers for assignment suggestions: the languages he counsels in and
    the countries he knows. Plain: it describes a staff handle, not a seeker."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counselor_profile"
    )
    languages = models.JSONField(default=list)
    countries = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"profile of {self.user_id}"
