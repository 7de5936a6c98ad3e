"""Referral writes: each one transaction, audited with ids and labels only, never content.

The token and the code live only in the response that shows them to the counselor and in the
partner's request; nothing here stores, logs or audits either.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.cases.models import CaseFile, Note
from sanctuary.cases.services import case_path, read_case
from sanctuary.country_fields import validate_country
from sanctuary.keyring import crypto
from sanctuary.keyring import services as keyring
from sanctuary.notices.models import Kind as NoticeKind
from sanctuary.notices.services import do_notify
from sanctuary.referrals import packet as packets
from sanctuary.referrals.models import Consent, Partner, Referral, State

EXPIRY_DAYS = (1, 3, 7, 14)
MAX_ATTEMPTS = 5


class ReferralError(Exception):
    """A refusal the person can act on; the message is translated."""


ALREADY_CREATED = gettext_lazy(
    "This referral was already created: its link and code were shown once. If they were "
    "lost, revoke it on the case page and create a new one."
)


def kdf_limits() -> crypto.ArgonLimits:
    limits = getattr(settings, "REFERRAL_KDF_LIMITS", None)
    return limits if isinstance(limits, crypto.ArgonLimits) else crypto.REFERRAL_LIMITS


def pepper() -> bytes:
    """The server-held secret mixed into every packet key: the seeker pepper, which lives in
    configuration and never in the database (keyring.crypto.referral_key separates domains)."""
    return keyring.seeker_pepper()


# ---- partners --------------------------------------------------------------------------------


@transaction.atomic
def do_add_partner(*, organisation: str, country: str, services: str, acting_user: User) -> Partner:
    validate_country(country.upper())
    partner = Partner.objects.create(
        organisation=organisation, country=country.upper(), services=services
    )
    record(
        Action.PARTNER_ADDED,
        actor=acting_user,
        object_type="referrals.partner",
        object_id=partner.pk,
    )
    return partner


@transaction.atomic
def do_change_partner(partner: Partner, *, acting_user: User, **values: Any) -> None:
    for name, value in values.items():
        setattr(partner, name, value.upper() if name == "country" else value)
    if "country" in values:
        validate_country(partner.country)
    partner.save()
    record(
        Action.PARTNER_CHANGED,
        actor=acting_user,
        object_type="referrals.partner",
        object_id=partner.pk,
        details={"active": partner.active},
    )


# ---- what a case offers ------------------------------------------------------------------------


def available_items(file: CaseFile, opened: keyring.OpenedRecord) -> dict[str, Any]:
    """Each item the case holds, by key (packet.ITEMS, and "note:<id>" per note)."""
    case = file.case
    data = read_case(case, opened.key)
    contact = data["contact"]
    handle = str(contact.get("handle") or "")
    available: dict[str, Any] = {
        "case_type": file.case_type,
        "country": case.country,
        "languages": list(case.languages),
        "help_wanted": list(case.help_wanted),
        "summons_date": file.summons_date.isoformat() if file.summons_date else "",
        "left_unit_date": file.left_unit_date.isoformat() if file.left_unit_date else "",
        "criminal_case": "" if file.criminal_case == "none" else file.criminal_case,
        "children": file.children,
        "story": data["story"],
        "contact": {"channel": str(contact.get("channel") or ""), "handle": handle}
        if handle
        else {},
    }
    for note in Note.objects.filter(case=case):
        available[f"{packets.NOTE_PREFIX}{note.pk}"] = opened.read_from(note, "body")
    return available


# ---- creating, opening, revoking, expiring ----------------------------------------------------


@dataclass(frozen=True)
class Issued:
    """A new referral with its link token and code: shown once to the counselor, kept nowhere."""

    referral: Referral
    token: str = field(repr=False)
    code: str = field(repr=False)


def can_refer(user: User) -> bool:
    return user.has_role(Role.COUNSELOR)


@transaction.atomic
def do_create_referral(
    file: CaseFile,
    *,
    keychain: keyring.Keychain,
    partner: Partner,
    ticked: list[str],
    request: str,
    consent: bool,
    consent_how: str,
    days: int,
    once: str,
) -> Issued:
    if not can_refer(keychain.user):
        raise ReferralError(_("Only a counselor holding the case can refer it."))
    if not consent or consent_how not in Consent.values:
        raise ReferralError(_("Record the seeker's consent before referring his case."))
    if days not in EXPIRY_DAYS:
        raise ReferralError(_("Choose how long the link stays valid."))
    if not partner.active:
        raise ReferralError(_("This partner no longer receives referrals."))
    if not ticked:
        raise ReferralError(_("Tick at least one item to send."))
    form_digest = hashlib.sha256(once.encode()).hexdigest()
    if Referral.objects.filter(form_digest=form_digest).exists():
        raise ReferralError(ALREADY_CREATED)
    opened = keyring.open_record(file.case, keychain)
    try:
        packet = packets.build(available_items(file, opened), ticked, request)
    except packets.PacketError:
        raise ReferralError(_("An item ticked is no longer in the case.")) from None
    token, code = crypto.new_referral_token(), crypto.new_referral_code()
    now = timezone.now()
    referral = Referral(
        case=file.case,
        partner=partner,
        created_by=keychain.user,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        items=packets.kinds(ticked),
        consent_how=consent_how,
        token_digest=crypto.referral_token_digest(token),
        form_digest=form_digest,
        kdf=crypto.new_referral_kdf(kdf_limits()),
    )
    key = crypto.referral_key(token, code, bytes(referral.kdf), pepper())
    plaintext = json.dumps(packet.as_json_data(), ensure_ascii=False)
    keyring.write_fields(referral, key, packet=plaintext)
    referral.save()
    _audit(Action.REFERRAL_CREATED, referral, keychain.user, consent=consent_how, days=days)
    return Issued(referral, token, code)


def _audit(action: Action, referral: Referral, actor: User | None, **extra: Any) -> None:
    details = {"referral": str(referral.pk), "partner": str(referral.partner_id), **extra}
    if action == Action.REFERRAL_CREATED:
        details["items"] = list(referral.items)
    record(
        action, actor=actor, object_type="intake.case", object_id=referral.case_id, details=details
    )


def _tell_creator(referral: Referral, kind: NoticeKind) -> None:
    """The counselor who made the referral hears what became of it: the kind and his case's
    link, never the partner or what the packet held."""
    if referral.created_by_id is None:
        return  # his account is gone
    creator = User.objects.filter(pk=referral.created_by_id).first()
    do_notify([creator], kind, case_path(referral.case_id))


def _destroy(referral: Referral, state: State, now: dt.datetime) -> None:
    referral.packet = None
    referral.state = state
    referral.closed_at = now
    referral.save(update_fields=["packet", "state", "closed_at", "attempts"])


@dataclass(frozen=True)
class Opening:
    """What a partner's attempt gave: the packet, a wrong code (with tries left), the last
    wrong code, or nothing to open (unknown, expired, revoked, opened or destroyed: alike)."""

    outcome: str  # "opened", "wrong", "exhausted", "unavailable"
    packet: packets.Packet | None = None
    left: int = 0
    partner: Partner | None = None


UNAVAILABLE = Opening("unavailable")


def find_waiting(token: str) -> Referral | None:
    """The live referral a link names, or None, alike for every reason."""
    if not crypto.referral_token_well_formed(token):
        return None
    digest = crypto.referral_token_digest(token)
    referral = Referral.objects.filter(token_digest=digest, state=State.WAITING).first()
    if referral is None or referral.packet is None or referral.expires_at <= timezone.now():
        return None
    return referral


@transaction.atomic
def do_open_referral(token: str, code: str) -> Opening:
    """Opens the packet once: its ciphertext is destroyed in the same transaction. A wrong
    code counts; the last allowed wrong code destroys the packet."""
    if not crypto.referral_token_well_formed(token):
        return UNAVAILABLE
    digest = crypto.referral_token_digest(token)
    referral = (
        Referral.objects.select_for_update()
        .select_related("partner")
        .filter(token_digest=digest)
        .first()
    )
    if referral is None or referral.state != State.WAITING or referral.packet is None:
        return UNAVAILABLE
    now = timezone.now()
    if referral.expires_at <= now:
        _destroy(referral, State.EXPIRED, now)
        _audit(Action.REFERRAL_EXPIRED, referral, None)
        _tell_creator(referral, NoticeKind.REFERRAL_LOST)
        return UNAVAILABLE
    key = crypto.referral_key(token, code, bytes(referral.kdf), pepper())
    try:
        plaintext = keyring.read_field(referral, key, "packet")
    except crypto.CannotOpen:
        referral.attempts += 1
        if referral.attempts >= MAX_ATTEMPTS:
            _destroy(referral, State.EXHAUSTED, now)
            _audit(Action.REFERRAL_EXHAUSTED, referral, None, attempts=referral.attempts)
            _tell_creator(referral, NoticeKind.REFERRAL_LOST)
            return Opening("exhausted")
        referral.save(update_fields=["attempts"])
        _audit(Action.REFERRAL_WRONG_CODE, referral, None, attempts=referral.attempts)
        return Opening("wrong", left=MAX_ATTEMPTS - referral.attempts)
    _destroy(referral, State.OPENED, now)
    _audit(Action.REFERRAL_OPENED, referral, None)
    _tell_creator(referral, NoticeKind.REFERRAL_OPENED)
    return Opening(
        "opened", packet=packets.from_json_data(json.loads(plaintext)), partner=referral.partner
    )


def may_revoke(referral: Referral, user: User) -> bool:
    """Its creator, or a coordinator; both already hold the case (cases.access)."""
    return referral.created_by_id == user.pk or user.has_role(Role.COORDINATOR)


@transaction.atomic
def do_revoke_referral(referral: Referral, *, acting_user: User) -> bool:
    """Destroys a waiting packet at once. Returns False when it was no longer waiting."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.state != State.WAITING:
        return False
    _destroy(locked, State.REVOKED, timezone.now())
    _audit(Action.REFERRAL_REVOKED, locked, acting_user)
    return True


def expire_referrals(now: dt.datetime | None = None) -> int:
    """Destroys every waiting packet past its expiry. Returns how many."""
    now = now or timezone.now()
    due = Referral.objects.waiting().filter(expires_at__lte=now)
    return sum(_expire(pk, now) for pk in list(due.values_list("pk", flat=True)))


@transaction.atomic
def _expire(pk: Any, now: dt.datetime) -> int:
    referral = (
        Referral.objects.select_for_update()
        .filter(pk=pk, state=State.WAITING, expires_at__lte=now)
        .first()
    )
    if referral is None:
        return 0  # opened, revoked or expired since the query
    _destroy(referral, State.EXPIRED, now)
    _audit(Action.REFERRAL_EXPIRED, referral, None)
    _tell_creator(referral, NoticeKind.REFERRAL_LOST)
    return 1


def shown_state(referral: Referral, now: dt.datetime | None = None) -> str:
    """The true state for the counselor: a waiting referral past its time is expired even
    before the worker has destroyed it (and the partner can no longer open it)."""
    now = now or timezone.now()
    if referral.state == State.WAITING and referral.expires_at <= now:
        return State.EXPIRED
    return str(referral.state)
