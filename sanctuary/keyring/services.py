"""The keyring's Django side: holders, keychains, sealed records, grants, revocation, shredding.

Every grant, revocation, shredding and opening of a sensitive record is written to the audit
log here, and only here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _

from sanctuary.audit.models import Action
from sanctuary.audit.services import record as audit
from sanctuary.keyring import crypto, erasure
from sanctuary.keyring.fields import EncryptedField
from sanctuary.keyring.groups import APPROVALS_FOR_CASE_GROUPS, CASE_GROUPS
from sanctuary.keyring.models import (
    GroupMembership,
    Holder,
    PendingAccess,
    PendingApproval,
    SealedKey,
    record_type,
)

if TYPE_CHECKING:
    # The keyring sits below accounts: it knows a staff member only as settings.AUTH_USER_MODEL.
    from sanctuary.accounts.models import Invitation, User

# Who invited a person or reset his password, oldest first. Accounts answers it (it registers
# the lookup in AccountsConfig.ready()): the keyring sits below accounts and imports none of it.
_invitations_lookup: list[Callable[[Any], list[Invitation]]] = []


def register_invitations_lookup(lookup: Callable[[Any], list[Invitation]]) -> None:
    _invitations_lookup[:] = [lookup]


def _invitations_used_by(user_id: Any) -> list[Invitation]:
    return _invitations_lookup[0](user_id) if _invitations_lookup and user_id else []


class NoAccess(crypto.KeyringError):
    """The acting person holds no key that opens this record. The message is translated."""


def seeker_pepper() -> bytes:
    """The server-held secret mixed into every codename derivation and referral packet key. It
    lives in configuration, never in the database, so a copy cannot test guesses."""
    return str(settings.SEEKER_PEPPER).encode()


def password_limits() -> crypto.ArgonLimits:
    limits = getattr(settings, "KEYRING_PASSWORD_LIMITS", None)
    return limits if isinstance(limits, crypto.ArgonLimits) else crypto.PASSWORD_LIMITS


# ---- holders -------------------------------------------------------------------------------


def give_staff_keys(user: User, password: str) -> crypto.KeyPair:
    """A new key pair for a staff member, its secret wrapped under their password."""
    keypair = crypto.KeyPair.generate()
    wrapped = crypto.wrap_with_password(keypair.secret_key, password, limits=password_limits())
    Holder.objects.update_or_create(
        user=user,
        defaults={
            "kind": Holder.Kind.STAFF,
            "public_key": keypair.public_key,
            "wrapped_secret": wrapped,
        },
    )
    return keypair


def open_staff_secret(user: User, password: str) -> crypto.KeyPair | None:
    """The staff member's key pair, opened with the password they just logged in with."""
    holder = Holder.objects.filter(user=user).first()
    if holder is None or not holder.wrapped_secret:
        return None
    secret = crypto.unwrap_with_password(bytes(holder.wrapped_secret), password)
    if crypto.password_wrap_needs_upgrade(bytes(holder.wrapped_secret), password_limits()):
        holder.wrapped_secret = crypto.wrap_with_password(
            secret, password, limits=password_limits()
        )
        holder.save(update_fields=["wrapped_secret"])
    return crypto.KeyPair.from_secret_key(secret)


def rewrap_staff_secret(user: User, old_password: str, new_password: str) -> None:
    holder = Holder.objects.get(user=user)
    secret = crypto.unwrap_with_password(bytes(holder.wrapped_secret or b""), old_password)
    holder.wrapped_secret = crypto.wrap_with_password(
        secret, new_password, limits=password_limits()
    )
    holder.save(update_fields=["wrapped_secret"])


def recovery_code_limits() -> crypto.ArgonLimits:
    limits = getattr(settings, "RECOVERY_CODE_LIMITS", None)
    return limits if isinstance(limits, crypto.ArgonLimits) else crypto.RECOVERY_CODE_LIMITS


def hash_recovery_code(prehash: bytes) -> bytes:
    return crypto.hash_recovery_code(prehash, limits=recovery_code_limits())


def recovery_code_matches(stored: bytes, prehash: bytes) -> bool:
    """Whether a stored recovery-code hash is of this code; a damaged hash matches nothing."""
    try:
        return crypto.recovery_code_matches(stored, prehash)
    except crypto.KeyringError:
        return False


def seal_to_staff(user: User, secret: bytes) -> bytes | None:
    """A secret of the person's own (their second factor's key) sealed to their public key:
    only their password, through their secret key, opens it. None when they have no key."""
    holder = Holder.objects.filter(user=user).first()
    if holder is None or not holder.has_key:
        return None
    return crypto.seal_secret(secret, bytes(holder.public_key))


def open_sealed_to_staff(sealed: bytes, keypair: crypto.KeyPair) -> bytes | None:
    """What `seal_to_staff` sealed, or None when this key pair does not open it."""
    try:
        return crypto.unseal_secret(sealed, keypair)
    except crypto.KeyringError:
        return None


def group_holder(name: str) -> Holder | None:
    return Holder.objects.filter(kind=Holder.Kind.GROUP, group=name).first()


def create_group(name: str, members: Iterable[Holder]) -> Holder:
    """A new group key pair, its secret sealed to each first member and then forgotten."""
    keypair = crypto.KeyPair.generate()
    group = Holder.objects.create(kind=Holder.Kind.GROUP, group=name, public_key=keypair.public_key)
    for member in members:
        seal_group_secret(group, keypair, member)
    return group


def seal_group_secret(group: Holder, keypair: crypto.KeyPair, member: Holder) -> None:
    sealed = crypto.seal(crypto.DataKey(keypair.secret_key), bytes(member.public_key))
    GroupMembership.objects.update_or_create(
        group=group, member=member, defaults={"sealed_secret": sealed}
    )
    PendingAccess.objects.filter(holder=member, group=group).delete()


# ---- keychains -----------------------------------------------------------------------------


@dataclass
class Keychain:
    """The key pairs one person has unlocked for one request: their own and their groups'."""

    user: User
    holder_id: UUID
    keypairs: dict[UUID, crypto.KeyPair] = field(default_factory=dict)

    def holds(self, holder_id: UUID) -> bool:
        return holder_id in self.keypairs

    def holds_group(self, name: str) -> bool:
        """Whether this person holds the named group's key (is in the intake group, say)."""
        group = group_holder(name)
        return group is not None and self.holds(group.pk)

    def opens(self, record: models.Model) -> bool:
        """Whether a copy of the record's key is sealed to one of these key pairs."""
        return SealedKey.objects.for_record(record).filter(holder_id__in=self.keypairs).exists()

    def data_key(self, record: models.Model) -> crypto.DataKey:
        copy = SealedKey.objects.for_record(record).filter(holder_id__in=self.keypairs).first()
        if copy is None:
            raise NoAccess(_("You do not hold a key to this record."))
        return crypto.unseal(bytes(copy.sealed), self.keypairs[copy.holder_id])


def keychain_for(user: User, keypair: crypto.KeyPair) -> Keychain:
    holder = Holder.objects.get(user=user)
    keychain = Keychain(user=user, holder_id=holder.pk, keypairs={holder.pk: keypair})
    for membership in GroupMembership.objects.filter(member=holder):
        group_secret = crypto.unseal(bytes(membership.sealed_secret), keypair)
        keychain.keypairs[membership.group_id] = crypto.KeyPair.from_secret_key(group_secret.raw)
    return keychain


# ---- group membership follows roles --------------------------------------------------------


@transaction.atomic
def sync_groups(
    user: User,
    *,
    acting_user: User | None,
    keychain: Keychain | None,
    invitation: Invitation | None = None,
) -> None:
    """Makes the person's group keys follow their roles. Leaving a group deletes their copy at
    once. Joining one waits as pending for colleagues who hold the key, unless the acting admin
    holds it, may give it (did not invite the person, is not the person) and it opens no case:
    a key that opens cases always waits for two colleagues (`approve_pending`)."""
    holder = Holder.objects.filter(user=user).first()
    if holder is None:
        return
    wanted = user.key_groups() if user.is_active else set()
    for membership in GroupMembership.objects.filter(member=holder).select_related("group"):
        if membership.group.group not in wanted:
            membership.delete()
            audit(
                Action.GROUP_LEFT,
                actor=acting_user,
                object_type="user",
                object_id=user.pk,
                details={"group": membership.group.group},
            )
    PendingAccess.objects.filter(holder=holder, group__isnull=False).exclude(
        group__group__in=wanted
    ).delete()
    for name in sorted(wanted):
        group = group_holder(name)
        if (
            group is not None
            and GroupMembership.objects.filter(group=group, member=holder).exists()
        ):
            continue
        if group is None and holder.has_key:
            create_group(name, [holder])
        elif (
            group is not None
            and keychain is not None
            and keychain.holds(group.pk)
            and holder.has_key
            and name not in CASE_GROUPS
            and approval_refusal(holder, keychain.user) is None
        ):
            seal_group_secret(group, keychain.keypairs[group.pk], holder)
        elif group is not None:
            _ask_for(holder, group, acting_user=acting_user, invitation=invitation)
            continue
        else:
            continue
        audit(
            Action.GROUP_JOINED,
            actor=acting_user,
            object_type="user",
            object_id=user.pk,
            details={"group": name},
        )


def _ask_for(
    holder: Holder, group: Holder, *, acting_user: User | None, invitation: Invitation | None
) -> None:
    """A pending group copy that names who asked for it: the inviter, or the acting admin."""
    if invitation is not None:
        reason = (
            PendingAccess.Reason.RESET
            if invitation.for_user_id
            else PendingAccess.Reason.INVITATION
        )
        requested_by = invitation.created_by
    else:
        reason, requested_by = PendingAccess.Reason.ROLES, acting_user
    _row, created = PendingAccess.objects.get_or_create(
        holder=holder,
        group=group,
        defaults={"reason": reason, "requested_by": requested_by, "invitation": invitation},
    )
    if created:
        audit(
            Action.ACCESS_PENDING,
            actor=acting_user,
            object_type="user",
            object_id=holder.user_id or "",
            details={
                "group": group.group or "",
                "reason": reason.value,
                "requested_by": requested_by.pk if requested_by else None,
            },
        )


# ---- sealed records ------------------------------------------------------------------------


def _aad(record: models.Model, field_name: str) -> bytes:
    return crypto.field_aad(record_type(record), str(record.pk), field_name)


def _encrypted_field(record: models.Model, name: str) -> EncryptedField:
    model_field = record._meta.get_field(name)
    if not isinstance(model_field, EncryptedField):
        raise crypto.MalformedInput(f"{record._meta.label}.{name} is not an encrypted field")
    return model_field


def seal_new_record(record: models.Model, readers: Iterable[Holder]) -> crypto.DataKey:
    """A fresh data key for a new record, sealed to each reader. The caller encrypts fields
    with `write_fields` and saves the record in the same transaction. The record's erasure key
    is committed to its store first: a rolled-back record leaves only a harmless orphan key."""
    erasure.ensure(record_type(record), str(record.pk))
    key = crypto.new_data_key()
    for reader in readers:
        copy = SealedKey(record_type=record_type(record), record_id=str(record.pk))
        copy.holder = reader
        copy.sealed = crypto.seal(key, bytes(reader.public_key))
        copy.save()
    return key


def write_fields(record: models.Model, key: crypto.DataKey, **values: str | bytes) -> None:
    """Encrypts values into the record's encrypted fields (the caller saves the record)."""
    for name, value in values.items():
        _encrypted_field(record, name)
        plaintext = value.encode() if isinstance(value, str) else value
        setattr(record, name, crypto.encrypt_field(key, plaintext, aad=_aad(record, name)))


def read_bytes(record: models.Model, key: crypto.DataKey, name: str) -> bytes:
    _encrypted_field(record, name)
    blob = getattr(record, name)
    if blob is None:
        return b""
    return crypto.decrypt_field(key, bytes(blob), aad=_aad(record, name))


def read_field(record: models.Model, key: crypto.DataKey, name: str) -> str:
    return read_bytes(record, key, name).decode()


@dataclass
class OpenedRecord:
    record: models.Model
    key: crypto.DataKey

    def text(self, name: str) -> str:
        return read_field(self.record, self.key, name)

    def write(self, **values: str | bytes) -> None:
        write_fields(self.record, self.key, **values)

    def write_into(self, row: models.Model, **values: str | bytes) -> None:
        """Encrypts values into a row that belongs to this record (a note, a message) under
        the record's key; the row's own id and field bind each ciphertext to its place."""
        write_fields(row, self.key, **values)

    def read_from(self, row: models.Model, name: str) -> str:
        return read_field(row, self.key, name)


def open_record(record: models.Model, keychain: Keychain) -> OpenedRecord:
    """Opens a record for the keychain's owner and writes that to the audit log."""
    key = keychain.data_key(record)
    audit(
        Action.RECORD_OPENED,
        actor=keychain.user,
        object_type=record_type(record),
        object_id=record.pk,
    )
    return OpenedRecord(record, key)


def holders_of(record: models.Model) -> list[Holder]:
    ids = SealedKey.objects.for_record(record).values_list("holder_id", flat=True)
    return list(Holder.objects.filter(pk__in=ids).select_related("user"))


@transaction.atomic
def grant(record: models.Model, *, to: Holder, keychain: Keychain) -> None:
    """Seals the record's key to another holder. Only someone who can open it can grant it."""
    if not to.has_key:
        raise NoAccess(_("This person has no key yet; the grant waits until they set a password."))
    key = keychain.data_key(record)
    SealedKey.objects.update_or_create(
        record_type=record_type(record),
        record_id=str(record.pk),
        holder=to,
        defaults={"sealed": crypto.seal(key, bytes(to.public_key))},
    )
    PendingAccess.objects.filter(
        holder=to, record_type=record_type(record), record_id=str(record.pk)
    ).delete()
    audit(
        Action.KEY_GRANTED,
        actor=keychain.user,
        object_type=record_type(record),
        object_id=record.pk,
        details={"to": _holder_label(to)},
    )


@transaction.atomic
def grant_with_key(
    record: models.Model, key: crypto.DataKey, *, to: Holder, acting_user: User, via: str
) -> None:
    """Seals a record's key, already opened some other way (`via`, e.g. an invitation link
    that carried it), to a holder."""
    if not to.has_key:
        raise NoAccess(_("This person has no key yet; the grant waits until they set a password."))
    SealedKey.objects.update_or_create(
        record_type=record_type(record),
        record_id=str(record.pk),
        holder=to,
        defaults={"sealed": crypto.seal(key, bytes(to.public_key))},
    )
    audit(
        Action.KEY_GRANTED,
        actor=acting_user,
        object_type=record_type(record),
        object_id=record.pk,
        details={"to": _holder_label(to), "via": via},
    )


@transaction.atomic
def revoke(record: models.Model, *, holder: Holder, acting_user: User) -> None:
    """Deletes one holder's copy of the record's key."""
    deleted, _counts = SealedKey.objects.for_record(record).filter(holder=holder).delete()
    if deleted:
        audit(
            Action.KEY_REVOKED,
            actor=acting_user,
            object_type=record_type(record),
            object_id=record.pk,
            details={"holder": _holder_label(holder)},
        )


@transaction.atomic
def shred(record: models.Model, *, acting_user: User | None) -> None:
    """Destroys the record's erasure key, then deletes every sealed copy of its data key and
    every ciphertext: nothing opens the record again, not a full database copy with every
    password, nor the deleted rows read back from the database's files or write-ahead log.

    The erasure key goes first and at once, outside this transaction: should the rest fail,
    the record stays unreadable, which is what its shredding asked for."""
    erasure.destroy(record_type(record), str(record.pk))
    SealedKey.objects.for_record(record).delete()
    PendingAccess.objects.filter(record_type=record_type(record), record_id=str(record.pk)).delete()
    names = [f.name for f in record._meta.get_fields() if isinstance(f, EncryptedField)]
    for name in names:
        setattr(record, name, None)
    record.save(update_fields=names)
    audit(
        Action.RECORD_SHREDDED,
        actor=acting_user,
        object_type=record_type(record),
        object_id=record.pk,
    )


def _holder_label(holder: Holder) -> str:
    if holder.kind == Holder.Kind.STAFF and holder.user_id:
        return f"user:{holder.user_id}"
    if holder.kind == Holder.Kind.GROUP:
        return f"group:{holder.group}"
    return str(holder.kind)


# ---- password resets and pending access ----------------------------------------------------


@transaction.atomic
def forget_staff_keys(user: User, *, acting_user: User | None = None) -> int:
    """An admin reset: the old secret is gone, so every copy sealed to it is lost. Each lost
    record and group becomes pending, for a colleague who holds it to grant again. Returns how
    many records were lost."""
    holder = Holder.objects.filter(user=user).first()
    if holder is None:
        return 0
    asked = {"reason": PendingAccess.Reason.RESET, "requested_by": acting_user}
    lost = list(SealedKey.objects.filter(holder=holder).values_list("record_type", "record_id"))
    for kind, record_id in lost:
        PendingAccess.objects.get_or_create(
            holder=holder, record_type=kind, record_id=record_id, defaults=asked
        )
    for membership in GroupMembership.objects.filter(member=holder):
        PendingAccess.objects.get_or_create(holder=holder, group=membership.group, defaults=asked)
    SealedKey.objects.filter(holder=holder).delete()
    GroupMembership.objects.filter(member=holder).delete()
    holder.public_key = b""
    holder.wrapped_secret = None
    holder.save(update_fields=["public_key", "wrapped_secret"])
    return len(lost)


class ApprovalRefused(crypto.KeyringError):
    """This person may not approve this copy. The message is translated."""


def approval_refusal(subject: Holder, approver: User) -> str | None:
    """Why `approver` may not give `subject` a key, or None. Nobody approves their own access,
    and an admin never gives a key to someone he invited or reset: a stolen admin login must
    not be enough to let someone in."""
    if subject.user_id is not None and subject.user_id == approver.pk:
        return _("You cannot approve your own access: colleagues who hold the key must.")
    invited = _invitations_used_by(subject.user_id)
    if any(invitation.created_by_id == approver.pk for invitation in invited):
        return _(
            "You invited this person or reset their password, so colleagues who hold the key "
            "must approve their access, not you."
        )
    return None


def _requester_refusal(row: PendingAccess, approver: User) -> str | None:
    refusal = approval_refusal(row.holder, approver)
    if refusal is None and row.requested_by_id == approver.pk:
        return _("You asked for this access, so colleagues who hold the key must approve it.")
    return refusal


def approvals_needed(row: PendingAccess) -> int:
    """How many different colleagues must say yes. A group key that opens cases needs two,
    unless the group has a single member so far: then only that member can ever approve."""
    if row.group is None or row.group.group not in CASE_GROUPS:
        return 1
    members = GroupMembership.objects.filter(group=row.group).count()
    return APPROVALS_FOR_CASE_GROUPS if members >= APPROVALS_FOR_CASE_GROUPS else 1


def _approvers(row: PendingAccess) -> list[User]:
    """Those who approved and still hold what they approved (a member who left no longer
    counts)."""
    approvals = list(row.approvals.select_related("approver"))
    if row.group is None:
        return [approval.approver for approval in approvals]
    members = set(
        GroupMembership.objects.filter(group=row.group).values_list("member__user_id", flat=True)
    )
    return [approval.approver for approval in approvals if approval.approver_id in members]


@dataclass
class PendingRow:
    """A pending copy as the pending-access page shows it to one colleague."""

    row: PendingAccess
    needed: int
    approvers: list[User]
    refusal: str | None
    approved_by_me: bool
    # How the person came in, when this row is about something else (a role, a reset).
    account_invitation: Invitation | None = None

    @property
    def alone(self) -> bool:
        """A key that opens cases, in a group whose only member is the one approving."""
        return (
            self.row.group is not None and self.row.group.group in CASE_GROUPS and self.needed == 1
        )


def _can_seal(row: PendingAccess, keychain: Keychain) -> bool:
    if row.group_id is not None:
        return keychain.holds(row.group_id)
    return SealedKey.objects.filter(
        record_type=row.record_type, record_id=row.record_id, holder_id__in=keychain.keypairs
    ).exists()


def pending_for(keychain: Keychain) -> list[PendingRow]:
    """Pending copies this keychain can seal: groups it holds, records it can open; with who
    asked, who approved already, and whether this person may approve."""
    rows = (
        PendingAccess.objects.select_related(
            "holder__user", "group", "requested_by", "invitation__created_by"
        )
        .exclude(holder__public_key=b"")
        .order_by("created_at", "pk")
    )
    shown = []
    for row in rows:
        if not _can_seal(row, keychain):
            continue
        approvers = _approvers(row)
        account_invitation = None
        if row.reason != PendingAccess.Reason.INVITATION:
            account_invitation = next(
                (i for i in _invitations_used_by(row.holder.user_id) if i.for_user_id is None),
                None,
            )
        shown.append(
            PendingRow(
                row=row,
                needed=approvals_needed(row),
                approvers=approvers,
                refusal=_requester_refusal(row, keychain.user),
                approved_by_me=any(user.pk == keychain.user.pk for user in approvers),
                account_invitation=account_invitation,
            )
        )
    return shown


def _pending_details(row: PendingAccess) -> dict[str, object]:
    what: dict[str, object] = (
        {"group": row.group.group or ""}
        if row.group is not None
        else {"record_type": row.record_type, "record_id": row.record_id}
    )
    return {**what, "reason": row.reason, "requested_by": row.requested_by_id}


def approve_pending(row: PendingAccess, *, keychain: Keychain) -> bool:
    """One colleague's approval of a pending copy. Returns True when it sealed the copy (enough
    different colleagues approved), False when it waits for another. Raises ApprovalRefused,
    written to the audit log, for the person themselves, whoever asked for the access and
    whoever invited or reset the person."""
    refusal = _requester_refusal(row, keychain.user)
    if refusal is not None:
        audit(
            Action.ACCESS_REFUSED,
            actor=keychain.user,
            object_type="user",
            object_id=row.holder.user_id or "",
            details=_pending_details(row),
        )
        raise ApprovalRefused(refusal)
    return _approve(row, keychain=keychain)


@transaction.atomic
def _approve(row: PendingAccess, *, keychain: Keychain) -> bool:
    # The lock makes two colleagues approving at once count as two, never as one each.
    row = (
        PendingAccess.objects.select_for_update(of=("self",))
        .select_related("holder", "group")
        .get(pk=row.pk)
    )
    if not _can_seal(row, keychain):
        raise NoAccess(_("You do not hold a key to this record."))
    _approval, created = PendingApproval.objects.get_or_create(pending=row, approver=keychain.user)
    if created:
        audit(
            Action.ACCESS_APPROVED,
            actor=keychain.user,
            object_type="user",
            object_id=row.holder.user_id or "",
            details=_pending_details(row),
        )
    approvers = _approvers(row)
    if len(approvers) < approvals_needed(row):
        return False
    _seal_pending(row, keychain=keychain, approvers=sorted(user.pk for user in approvers))
    return True


def _seal_pending(row: PendingAccess, *, keychain: Keychain, approvers: list[int]) -> None:
    holder = row.holder
    if row.group is not None:
        seal_group_secret(row.group, keychain.keypairs[row.group.pk], holder)
        audit(
            Action.GROUP_JOINED,
            actor=keychain.user,
            object_type="user",
            object_id=holder.user_id or "",
            details={"group": row.group.group or "", "approved_by": approvers},
        )
        return
    copy = SealedKey.objects.filter(
        record_type=row.record_type, record_id=row.record_id, holder_id__in=keychain.keypairs
    ).first()
    if copy is None:
        raise NoAccess(_("You do not hold a key to this record."))
    key = crypto.unseal(bytes(copy.sealed), keychain.keypairs[copy.holder_id])
    SealedKey.objects.update_or_create(
        record_type=row.record_type,
        record_id=row.record_id,
        holder=holder,
        defaults={"sealed": crypto.seal(key, bytes(holder.public_key))},
    )
    row.delete()
    audit(
        Action.KEY_GRANTED,
        actor=keychain.user,
        object_type=row.record_type,
        object_id=row.record_id,
        details={"to": _holder_label(holder), "regrant": True, "approved_by": approvers},
    )
