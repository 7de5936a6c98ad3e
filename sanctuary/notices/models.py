"""The outbox of notices and the channels that carry them.

A notice names a kind of event and a path inside Sanctuary, nothing more: no story, name or
place. Every column here may be read by someone holding a database copy.
"""

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    NEW_CASE = "new_case", _("A new case is waiting in triage")
    SEEKER_MESSAGE = "seeker_message", _("A seeker wrote in your case")
    MISSED_CHECK_IN = "missed_check_in", _("A check-in was missed")
    DETAINED = "detained", _("A case was flagged detained or missing")
    PROPOSAL_WAITING = "proposal_waiting", _("A stay proposal awaits your answer")
    HOST_ANSWERED = "host_answered", _("A host answered a stay proposal")
    TASK_DUE = "task_due", _("A task of yours is due")
    REFERRAL_OPENED = "referral_opened", _("A partner opened your referral")
    REFERRAL_LOST = "referral_lost", _("Your referral expired or was destroyed unopened")
    APPROVAL_WAITING = "approval_waiting", _("Public figures wait for a second coordinator")


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    HOURLY = "hourly", _("Hourly digest")
    DAILY = "daily", _("Daily digest")
    OFF = "off", _("Off")


class NoticeChannel(models.Model):
    """Where one person's notices go. The address (and a webhook's secret) are sealed."""

    class Type(models.TextChoices):
        EMAIL = "email", _("E-mail")
        OPENPGP_EMAIL = "openpgp_email", _("E-mail encrypted with OpenPGP")
        WEBHOOK = "webhook", _("Signed webhook")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_channels"
    )
    type = models.CharField(max_length=16, choices=Type.choices)
    sealed_address = models.BinaryField()
    sealed_secret = models.BinaryField(null=True, blank=True)
    # An OpenPGP channel's public key (armored): its user ids name the person, so it is sealed.
    sealed_public_key = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.type} channel {self.pk}"


class NoticePreference(models.Model):
    """How one person wants one kind of notice; without a row, immediately."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_notice_mode_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}={self.mode}"


class NoticeQuerySet(models.QuerySet["Notice"]):
    def pending(self) -> "NoticeQuerySet":
        return self.filter(sent_at__isnull=True, channel__isnull=False)

    def due(self, now: Any) -> "NoticeQuerySet":
        """Pending, due, claimed by no live worker, and for a person still active: someone
        whose account was closed hears nothing more, even of what was queued before."""
        return (
            self.pending()
            .filter(next_attempt_at__lte=now, recipient__is_active=True)
            .filter(unclaimed(now))
        )


def unclaimed(now: Any) -> models.Q:
    return models.Q(claim__isnull=True) | models.Q(claimed_until__lt=now)


class Notice(models.Model):
    """One notice to one person through one of his channels: an outbox row the task worker
    sends (sanctuary.notices.delivery). It is never deleted when delivery fails; the person's
    notices page shows it until it goes out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    # Empty when the person has no channel (the notice waits on his page) or removed it.
    channel = models.ForeignKey(
        NoticeChannel, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.IMMEDIATE)
    # A path inside Sanctuary without its language prefix, e.g. /staff/cases/<uuid>/.
    path = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker's claim: its token and until when it holds the row.
    claim = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The kind of failure (an exception's class), never a server's reply, which may quote us.
    last_error = models.CharField(max_length=64, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"notice {self.pk} ({self.kind})"

    @property
    def undelivered(self) -> bool:
        return self.sent_at is None and (self.attempts > 0 or self.channel_id is None)
