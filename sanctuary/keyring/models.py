import uuid
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanctuary.keyring import crypto, erasure


def record_type(record: Any) -> str:
    """The name a record's ciphertexts and key copies carry in their associated data: its
    model's label, or the label the model had when its rows were first sealed (``sealed_as``).
    A model that moves between apps keeps its old name here, because its ciphertexts cannot be
    sealed again without the keys of the people who read them."""
    sealed_as = getattr(record, "sealed_as", None)
    return str(sealed_as or record._meta.label_lower)


class SealedRecord(models.Model):
    """Base for models with EncryptedFields: the id exists before the row is saved, because
    every ciphertext names its row in its associated data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True

    @property
    def record_type(self) -> str:
        return record_type(self)


class Holder(models.Model):
    """Someone a data key can be sealed to: a staff member, a group or a seeker."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff member")
        GROUP = "group", _("Group")
        SEEKER = "seeker", _("Seeker")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="holder",
    )
    group = models.CharField(max_length=40, unique=True, null=True, blank=True)
    # Empty while a staff member waits to choose a new password after an admin reset.
    public_key = models.BinaryField(default=b"")
    # Staff only: the X25519 secret key, encrypted under Argon2id(password).
    wrapped_secret = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} holder {self.pk}"

    @property
    def has_key(self) -> bool:
        return bool(self.public_key)


class GroupMembership(models.Model):
    """A member's copy of a group's secret key, sealed to the member's public key."""

    group = models.ForeignKey(Holder, on_delete=models.CASCADE, related_name="member_rows")
    member = models.ForeignKey(Holder, on_delete=models.CASCADE, related_name="group_rows")
    sealed_secret = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="unique_group_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.group_id}"


class SealedKeyQuerySet(models.QuerySet["SealedKey"]):
    def for_record(self, record: Any) -> "SealedKeyQuerySet":
        return self.filter(record_type=record_type(record), record_id=str(record.pk))


class SealedKey(models.Model):
    """One holder's copy of one record's data key. Deleting every copy shreds the record.

    The column holds the sealed copy wrapped once more under the record's erasure key, which
    lives outside this database (`keyring/erasure.py`): once it is destroyed, no copy of this
    row, live or left in the database's files, opens with any password. `sealed` reads and
    writes the sealed copy itself, through the erasure key."""

    record_type = models.CharField(max_length=64)
    record_id = models.CharField(max_length=64)
    holder = models.ForeignKey(Holder, on_delete=models.CASCADE, related_name="sealed_keys")
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = SealedKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "holder"], name="unique_sealed_key"
            )
        ]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} for {self.holder_id}"

    def _erasure_aad(self) -> bytes:
        return crypto.erasure_aad(self.record_type, self.record_id, str(self.holder_id))

    @property
    def sealed(self) -> bytes:
        """The holder's sealed copy (`crypto.seal`); CannotOpen once the record is shredded."""
        key = erasure.key_for(self.record_type, self.record_id)
        if key is None:
            raise crypto.CannotOpen("cannot open sealed data key: the record was shredded")
        return crypto.unwrap_erasable(bytes(self.wrapped), key, aad=self._erasure_aad())

    @sealed.setter
    def sealed(self, value: bytes) -> None:
        # Only `seal_new_record` makes a record's erasure key. A grant racing a shred must not
        # make a new one and leave a live copy of the shredded record's data key behind.
        key = erasure.key_for(self.record_type, self.record_id)
        if key is None:
            raise crypto.CannotOpen("cannot seal a data key: the record was shredded")
        self.wrapped = crypto.wrap_erasable(value, key, aad=self._erasure_aad())


class PendingAccess(models.Model):
    """A copy a holder should get that only a colleague who holds the key can seal: a group
    joined through a new role, or records lost in a password reset. It says who asked for it,
    so that whoever approves it sees who let this person in."""

    class Reason(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        ROLES = "roles", _("new role")
        RESET = "reset", _("password reset")

    holder = models.ForeignKey(Holder, on_delete=models.CASCADE, related_name="pending")
    group = models.ForeignKey(
        Holder, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    record_type = models.CharField(max_length=64, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=12, choices=Reason.choices, default=Reason.ROLES)
    # The admin who invited the person, changed their roles or reset their password; empty when
    # the server did it (a first member, the demo). Neither they nor the person may approve.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invitation = models.ForeignKey(
        "accounts.Invitation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"pending for {self.holder_id}"


def _destroy_erasure_key_when_unheld(
    sender: type[SealedKey], instance: SealedKey, using: str, **kwargs: object
) -> None:
    """A record whose last copy goes (revoked, deleted with its case, its holder deleted) loses
    its erasure key once that deletion commits, so the copies left in the database's files
    open nothing either. `services.shred` destroys the key at once, before any row."""
    record_type, record_id = instance.record_type, instance.record_id

    def destroy_if_unheld() -> None:
        held = SealedKey.objects.using(using).filter(record_type=record_type, record_id=record_id)
        if not held.exists():
            erasure.destroy(record_type, record_id)

    transaction.on_commit(destroy_if_unheld, using=using)


models.signals.post_delete.connect(_destroy_erasure_key_when_unheld, sender=SealedKey)


class PendingApproval(models.Model):
    """One colleague's yes to a pending copy. A group key that opens cases is sealed only when
    enough different colleagues who hold it have said yes (keyring.groups.CASE_GROUPS)."""

    pending = models.ForeignKey(PendingAccess, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pending", "approver"], name="unique_pending_approver")
        ]

    def __str__(self) -> str:
        return f"approval of {self.pending_id} by {self.approver_id}"
