import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanctuary.keyring.fields import EncryptedField
from sanctuary.keyring.models import Holder, SealedRecord

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from sanctuary.cases.models import CheckIn


class HelpWanted(models.TextChoices):
    LEGAL = "legal", _("Legal advice")
    ROUTE = "route", _("A safe route")
    BED = "bed", _("A bed for the first nights")
    MONEY = "money", _("Money")
    PSYCHOLOGICAL = "psychological", _("Psychological support")


class CaseQuerySet(models.QuerySet["Case"]):
    def created_since(self, moment: datetime) -> "CaseQuerySet":
        return self.filter(created_at__gte=moment)


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

    objects = CaseQuerySet.as_manager()
    check_ins: "RelatedManager[CheckIn]"  # cases.CheckIn's reverse relation, for the checker

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

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class SeekerSession(models.Model):
    """A seeker signed in with his codename. The cookie holds an id and a key; this row holds
    the id's digest and his secret key wrapped under that key, so neither alone opens it."""

    id_digest = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    wrapped_secret = models.BinaryField()
    last_seen = models.DateTimeField(default=timezone.now)
    messages_sent = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"seeker session {self.pk}"
