from datetime import UTC
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanctuary.audit.chain import Link


class Action(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login.failed", _("Failed login")
    LOGIN_THROTTLED = "login.throttled", _("Login refused by throttling")
    LOGOUT = "logout", _("Logged out")
    OTP_ENROLLED = "otp.enrolled", _("Second factor enrolled")
    OTP_VERIFIED = "otp.verified", _("Second factor passed")
    OTP_FAILED = "otp.failed", _("Second factor failed")
    RECOVERY_CODE_USED = "otp.recovery_used", _("Recovery code used")
    RECOVERY_CODES_ISSUED = "otp.recovery_issued", _("Recovery codes issued")
    INVITATION_CREATED = "invitation.created", _("Invitation created")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    ROLES_CHANGED = "roles.changed", _("Roles changed")
    ACCOUNT_DISABLED = "account.disabled", _("Account disabled")
    ACCOUNT_ENABLED = "account.enabled", _("Account enabled")
    PASSWORD_CHANGED = "password.changed", _("Password changed")
    ROUTES_EDIT_PROPOSED = "routes.edit_proposed", _("Knowledge base edit proposed")
    ROUTES_EDIT_APPROVED = "routes.edit_approved", _("Knowledge base edit approved")
    ROUTES_EDIT_REJECTED = "routes.edit_rejected", _("Knowledge base edit rejected")
    ROUTES_SOURCE_CHECKED = "routes.source_checked", _("Knowledge base fact checked at the source")
    ROUTES_IMPORTED = "routes.imported", _("Knowledge base imported")
    ROUTES_EXPORTED = "routes.exported", _("Knowledge base exported")
    KEYS_RESET = "keys.reset", _("Password and keys reset")
    RECORD_OPENED = "record.opened", _("Sensitive record opened")
    KEY_GRANTED = "key.granted", _("Access granted")
    KEY_REVOKED = "key.revoked", _("Access revoked")
    RECORD_SHREDDED = "record.shredded", _("Record shredded")
    GROUP_JOINED = "group.joined", _("Key group joined")
    GROUP_LEFT = "group.left", _("Key group left")
    ACCESS_PENDING = "access.pending", _("Access waits for colleagues' approval")
    ACCESS_APPROVED = "access.approved", _("Access approved by a colleague")
    ACCESS_REFUSED = "access.refused", _("Access approval refused")
    CASE_SUBMITTED = "case.submitted", _("Case submitted")
    MESSAGE_SENT = "message.sent", _("Message sent to a seeker")
    CASE_ASSIGNED = "case.assigned", _("Case assigned")
    CASE_STAGE_CHANGED = "case.stage", _("Case stage changed")
    CASE_DETAINED_FLAG = "case.detained", _("Detained or missing flag changed")
    CHECKLIST_CHANGED = "checklist.changed", _("Emergency checklist changed")
    CHECKLIST_STEP_DONE = "checklist.step_done", _("Emergency checklist step done")
    CHECKIN_SET = "checkin.set", _("Check-in set")
    CHECKIN_CONFIRMED = "checkin.confirmed", _("Check-in confirmed")
    CHECKIN_MISSED = "checkin.missed", _("Check-in missed: alarm raised")
    CASE_PURGED = "case.purged", _("Closed case purged after retention")
    PARTNER_ADDED = "partner.added", _("Partner organisation added")
    PARTNER_CHANGED = "partner.changed", _("Partner organisation changed")
    REFERRAL_CREATED = "referral.created", _("Referral created")
    REFERRAL_OPENED = "referral.opened", _("Referral opened by the partner")
    REFERRAL_WRONG_CODE = "referral.wrong_code", _("Referral: wrong code")
    REFERRAL_EXHAUSTED = "referral.exhausted", _("Referral destroyed after wrong codes")
    REFERRAL_REVOKED = "referral.revoked", _("Referral revoked")
    REFERRAL_EXPIRED = "referral.expired", _("Referral expired")
    BACKUP_CREATED = "backup.created", _("Backup written")
    BACKUP_RESTORED = "backup.restored", _("Backup restored")
    HOST_INVITED = "host.invited", _("Host invited")
    HOST_LINKED = "host.linked", _("Host account linked")
    HOST_VETTED = "host.vetted", _("Host vetting step recorded")
    HOST_ACTIVE_CHANGED = "host.active", _("Host deactivated or reactivated")
    OFFER_CREATED = "offer.created", _("Offer created")
    OFFER_CHANGED = "offer.changed", _("Offer changed")
    OFFER_WITHDRAWN = "offer.withdrawn", _("Offer withdrawn")
    OFFERS_IMPORTED = "offers.imported", _("Offers imported from a sheet")
    STAY_REQUESTED = "shelter.requested", _("Stay request created")
    STAY_REQUEST_CANCELLED = "shelter.request_cancelled", _("Stay request cancelled")
    MATCHER_RUN = "shelter.matcher_run", _("Matcher run")
    OVERRIDE_ADDED = "shelter.override_added", _("Safety rule override written")
    OVERRIDE_USED = "shelter.override_used", _("Safety rule override approved in a proposal")
    PROPOSAL_APPROVED = "shelter.approved", _("Stay proposal approved")
    PROPOSAL_ACCEPTED = "shelter.accepted", _("Stay proposal accepted by the host")
    PROPOSAL_DECLINED = "shelter.declined", _("Stay proposal declined")
    PROPOSAL_EXPIRED = "shelter.expired", _("Stay proposal expired without an answer")
    FIGURES_DRAFTED = "figures.drafted", _("Public figures drafted")
    FIGURES_SIGNED = "figures.signed", _("Public figures drafted by the monthly task signed")
    FIGURES_PUBLISHED = "figures.published", _("Public figures approved and published")
    FIGURES_DISCARDED = "figures.discarded", _("Public figures draft discarded")
    STAY_CHECKED_IN = "shelter.checked_in", _("Guest checked in")
    STAY_CHECKED_OUT = "shelter.checked_out", _("Guest checked out")
    STAY_CANCELLED = "shelter.stay_cancelled", _("Stay cancelled")
    STAY_SAFE = "shelter.safe", _("Safety check-in after the first night")
    SAFETY_REPORTED = "shelter.safety_report", _("Safety report filed: stay flagged, escalated")
    NOTICE_CHANNEL_ADDED = "notices.channel_added", _("Notice channel added")
    NOTICE_CHANNEL_REMOVED = "notices.channel_removed", _("Notice channel removed")
    NOTICE_PREFERENCES_SAVED = "notices.preferences", _("Notice preferences saved")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def in_chain_order(self) -> "AuditEntryQuerySet":
        return self.order_by("seq")

    def update(self, **kwargs: Any) -> int:
        raise ValueError("audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("audit entries are append-only")

    def as_links(self) -> list[Link]:
        return [entry.as_link() for entry in self.in_chain_order().iterator(chunk_size=2000)]


class AuditEntry(models.Model):
    """One append-only entry. It never holds sensitive content or a seeker's identifier."""

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    # A plain number, not a foreign key: entries outlive what they point at.
    actor_id = models.PositiveBigIntegerField(null=True, db_index=True)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "audit entries"
        # A case page lists who opened the case and when.
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("audit entries are append-only")

    @property
    def action_label(self) -> str:
        return str(Action(self.action).label) if self.action in Action.values else self.action

    def details_text(self) -> str:
        parts = []
        for key, value in sorted(self.details.items()):
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            parts.append(f"{key}: {shown or '—'}")
        return "; ".join(parts)

    def as_link(self) -> Link:
        return Link(
            seq=self.seq,
            created_at=canonical_time(self),
            actor_id=self.actor_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            details=self.details,
            prev_hash=self.prev_hash,
            hash=self.hash,
        )


def canonical_time(entry: AuditEntry) -> str:
    return entry.created_at.astimezone(UTC).isoformat(timespec="microseconds")


class AuditHead(models.Model):
    """The one row that serialises appends: whoever holds its lock writes the next entry."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head at #{self.seq}"
