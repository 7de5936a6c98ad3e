"""Writes about hosts, their vetting and their offers. Each runs in one transaction and writes
its audit entry (labels and counts only, never a name, an address or a note)."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanctuary import countries
from sanctuary.accounts import services as accounts
from sanctuary.accounts.models import Invitation, Role, User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.hosts import vetting
from sanctuary.hosts.countries import COUNTRY_CODES
from sanctuary.hosts.models import Host, Offer, VettingStep
from sanctuary.hosts.sheet import OfferRow, Problem
from sanctuary.keyring import crypto
from sanctuary.keyring.groups import SHELTER_COORDINATORS
from sanctuary.keyring.models import Holder
from sanctuary.keyring.services import (
    Keychain,
    OpenedRecord,
    grant_with_key,
    group_holder,
    open_record,
    seal_new_record,
    write_fields,
)

OFFER_FIELDS = (
    "country",
    "city",
    "beds",
    "first_night",
    "last_night",
    "max_nights",
    "accepts_men_only_parties",
    "women_only",
    "accepts_children",
    "families_only",
    "accepts_pets",
    "step_free",
    "one_party",
)


class HostsError(Exception):
    """A refusal the person can act on; its message is already translated."""


def _check_country(code: str) -> None:
    """Hosts live only in the countries of the policy list (hosts/countries.py)."""
    if code not in COUNTRY_CODES:
        raise HostsError(
            _("The network has no hosts in %(country)s.")
            % {"country": countries.name(code, get_language())}
        )


def _shelter_group() -> Holder:
    group = group_holder(SHELTER_COORDINATORS)
    if group is None:
        raise HostsError(
            _("The shelter coordinators' key group does not exist yet. Ask an administrator.")
        )
    return group


# ---- invitation ------------------------------------------------------------------------------


def _invitation_key(token: str) -> bytes:
    """A key only the invitation link gives: the database stores the token's SHA-256 digest,
    never this BLAKE2b derivation of it."""
    return hashlib.blake2b(token.encode(), digest_size=32, person=b"host-invite-key").digest()


def _invitation_aad(host: Host) -> bytes:
    return f"sanctuary-host-invitation:{host.pk}".encode()


def _attach_invitation(host: Host, key: crypto.DataKey, acting_user: User) -> str:
    invitation, token = accounts.do_create_invitation(
        roles=[Role.HOST.value], acting_user=acting_user
    )
    if host.invitation_id is not None:
        Invitation.objects.open().filter(pk=host.invitation_id).update(
            revoked_at=invitation.created_at
        )
    host.invitation = invitation
    host.invitation_key = crypto.wrap_with_key(
        key.raw, _invitation_key(token), aad=_invitation_aad(host)
    )
    return token


@transaction.atomic
def do_invite_host(
    *,
    name: str,
    address: str,
    contact: str,
    country: str,
    city: str,
    languages: Iterable[str],
    acting_user: User,
) -> tuple[Host, str]:
    """A new tier-0 host sealed to the shelter-coordinators group, and the raw token of the
    invitation that gives him a portal account (shown once)."""
    _check_country(country)
    host = Host(country=country, city=city, languages=sorted(languages), created_by=acting_user)
    key = seal_new_record(host, [_shelter_group()])
    write_fields(host, key, name=name, address=address, contact=contact)
    token = _attach_invitation(host, key, acting_user)
    host.save()
    record(
        Action.HOST_INVITED,
        actor=acting_user,
        object_type="hosts.host",
        object_id=host.pk,
        details={"reference": host.reference, "invitation": host.invitation_id or ""},
    )
    return host, token


@transaction.atomic
def do_new_invitation(host: Host, *, keychain: Keychain) -> str:
    """A fresh invitation for a host without an account (the first one expired, or the host
    came from a partner's sheet); the previous one stops working."""
    if host.user_id is not None:
        raise HostsError(_("This host already has an account."))
    opened = open_record(host, keychain)
    token = _attach_invitation(host, opened.key, keychain.user)
    host.save(update_fields=["invitation", "invitation_key"])
    record(
        Action.HOST_INVITED,
        actor=keychain.user,
        object_type="hosts.host",
        object_id=host.pk,
        details={"reference": host.reference, "invitation": host.invitation_id or ""},
    )
    return token


def on_invitation_accepted(
    sender: Any, *, invitation: Invitation, user: User, token: str, **kwargs: Any
) -> None:
    """Runs inside do_accept_invitation's transaction: the invited host gets his account, and
    his own record's key is sealed to him (he knows his address; he writes his offers' notes
    under that key). The wrapped copy the link carried is then deleted."""
    host = Host.objects.select_for_update().filter(invitation=invitation).first()
    if host is None or host.user_id is not None:
        return
    host.user = user
    wrapped = host.invitation_key
    host.invitation_key = None
    host.save(update_fields=["user", "invitation_key"])
    holder = Holder.objects.filter(user=user).first()
    if wrapped and holder is not None:
        raw = crypto.unwrap_with_key(
            bytes(wrapped), _invitation_key(token), aad=_invitation_aad(host)
        )
        grant_with_key(host, crypto.DataKey(raw), to=holder, acting_user=user, via="invitation")
    record(
        Action.HOST_LINKED,
        actor=user,
        object_type="hosts.host",
        object_id=host.pk,
        details={"invitation": invitation.pk},
    )


# ---- vetting ---------------------------------------------------------------------------------


@transaction.atomic
def do_vet(host: Host, *, kind: str, acting_user: User, target: int | None = None) -> int:
    """Records one vetting step and returns the new tier; vetting.VettingRefused otherwise."""
    locked = Host.objects.select_for_update().get(pk=host.pk)
    steps = [
        vetting.Step(step.kind, step.by_id) for step in locked.vetting_steps.order_by("at", "pk")
    ]
    before = locked.tier
    after = vetting.next_tier(before, steps, kind, acting_user.pk, target=target)
    VettingStep.objects.create(host=locked, kind=kind, tier_after=after, by=acting_user)
    locked.tier = after
    locked.save(update_fields=["tier"])
    host.tier = after
    record(
        Action.HOST_VETTED,
        actor=acting_user,
        object_type="hosts.host",
        object_id=host.pk,
        details={"step": kind, "tier_before": before, "tier_after": after},
    )
    return after


@transaction.atomic
def do_set_active(host: Host, *, active: bool, acting_user: User) -> None:
    """A deactivated host's offers leave matching at once; his record and history stay."""
    locked = Host.objects.select_for_update().get(pk=host.pk)
    if locked.active == active:
        return
    locked.active = active
    locked.save(update_fields=["active"])
    host.active = active
    kind = VettingStep.Kind.REACTIVATED if active else VettingStep.Kind.DEACTIVATED
    VettingStep.objects.create(host=locked, kind=kind, tier_after=locked.tier, by=acting_user)
    record(
        Action.HOST_ACTIVE_CHANGED,
        actor=acting_user,
        object_type="hosts.host",
        object_id=host.pk,
        details={"active": active},
    )


# ---- offers ----------------------------------------------------------------------------------


@transaction.atomic
def do_save_offer(
    host: Host,
    *,
    offer: Offer | None,
    data: dict[str, Any],
    opened: OpenedRecord,
    acting_user: User,
) -> Offer:
    """Creates or changes an offer; its notes are encrypted under the host record's key."""
    if not host.active:
        raise HostsError(_("This host is deactivated; reactivate him before changing offers."))
    _check_country(data["country"])
    creating = offer is None
    if offer is None:
        offer = Offer(host=host, created_by=acting_user)
    for name in OFFER_FIELDS:
        # A caller that predates "one party at a time" leaves it as it is.
        setattr(offer, name, data.get(name, offer.one_party) if name == "one_party" else data[name])
    offer.languages = sorted(data.get("languages") or [])
    opened.write_into(offer, notes=data.get("notes") or "")
    offer.save()
    record(
        Action.OFFER_CREATED if creating else Action.OFFER_CHANGED,
        actor=acting_user,
        object_type="hosts.offer",
        object_id=offer.pk,
        details={"host": host.reference, "beds": offer.beds},
    )
    return offer


@transaction.atomic
def do_withdraw_offer(offer: Offer, *, acting_user: User) -> None:
    if not offer.active:
        return
    offer.active = False
    offer.save(update_fields=["active"])
    record(
        Action.OFFER_WITHDRAWN,
        actor=acting_user,
        object_type="hosts.offer",
        object_id=offer.pk,
        details={"host": offer.host.reference},
    )


# ---- import ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    hosts_created: int = 0
    offers_created: int = 0
    problems: list[Problem] = field(default_factory=list)


@transaction.atomic
def do_import_offers(
    rows: list[OfferRow], *, problems: list[Problem], keychain: Keychain
) -> ImportResult:
    """Writes the good rows of a checked sheet in one transaction: each row's new host (tier 0,
    sealed to the shelter-coordinators group) together with its offer, or its offer on the
    existing host its reference names. Rows naming an unknown host join the problems."""
    result = ImportResult(problems=list(problems))
    group = _shelter_group()
    references = {row.host_ref for row in rows if row.host_ref}
    known = {h.reference: h for h in Host.objects.filter(reference__in=references)}
    opened: dict[str, OpenedRecord] = {}
    user = keychain.user
    for row in rows:
        if row.host_ref:
            host = known.get(row.host_ref)
            if host is None or not host.active:
                result.problems.append(Problem(row.row, "host_ref", "unknown_host"))
                continue
            if row.host_ref not in opened:
                opened[row.host_ref] = open_record(host, keychain)
            record_key = opened[row.host_ref]
        else:
            host = Host(
                country=row.country,
                city=row.city,
                languages=list(row.languages),
                created_by=user,
            )
            key = seal_new_record(host, [group])
            write_fields(host, key, name=row.name, address=row.address, contact=row.contact)
            host.save()
            record_key = OpenedRecord(host, key)
            result.hosts_created += 1
        offer = Offer(host=host, created_by=user, languages=list(row.languages))
        for name in OFFER_FIELDS:
            setattr(offer, name, getattr(row, name))
        record_key.write_into(offer, notes=row.notes)
        offer.save()
        result.offers_created += 1
    result.problems.sort(key=lambda p: (p.row, p.field))
    record(
        Action.OFFERS_IMPORTED,
        actor=user,
        object_type="hosts.offer",
        details={
            "hosts_created": result.hosts_created,
            "offers_created": result.offers_created,
            "rows_refused": len({p.row for p in result.problems}),
        },
    )
    return result
