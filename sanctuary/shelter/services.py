"""Shelter writes: stay requests, matcher runs, approvals, host answers, stays and safety.

Each write is one transaction, takes the acting person and is audited (labels and ids only).
No overbooking, ever: `book_stay` locks the offer row, then books each night with a guarded
UPDATE whose row count it checks; the BedNight CheckConstraint is the last line of defence.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanctuary.accounts.models import User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.cases.models import CaseFile
from sanctuary.cases.services import urgency_of
from sanctuary.cases.stages import CaseType
from sanctuary.cases.urgency import Level
from sanctuary.country_fields import validate_country
from sanctuary.hosts.models import Host, Offer
from sanctuary.keyring import crypto
from sanctuary.keyring import services as keyring
from sanctuary.keyring.groups import SHELTER_COORDINATORS
from sanctuary.keyring.models import Holder, SealedKey
from sanctuary.notices.models import Kind as NoticeKind
from sanctuary.notices.services import do_notify
from sanctuary.shelter import matcher
from sanctuary.shelter.models import (
    AddressDisclosure,
    BedNight,
    DeclinedPair,
    MatchOverride,
    MatchRun,
    Proposal,
    SafetyReport,
    Stay,
    StayRequest,
)

DESERTER_TYPES = frozenset({CaseType.DESERTER_RUSSIA.value, CaseType.DESERTER_ABROAD.value})
HIGH_URGENCY = frozenset({Level.HIGH, Level.CRITICAL})
ACTIVE_STAY = (Stay.Status.CONFIRMED, Stay.Status.CHECKED_IN)
# Written into the matcher's Override: the real reason stays sealed in MatchOverride.reason.
REASON_ON_FILE = "written reason on file"


class ShelterError(Exception):
    """A refusal the person can act on; the message is translated."""


class Overbooked(ShelterError):
    """Confirming would push a night of the offer over its beds: the whole stay is refused."""


def policy() -> matcher.Policy:
    """The network's matching policy: its vetting tiers (the settings hosts.policy reads too),
    default weights."""
    return matcher.Policy(
        min_tier_for_guests=settings.SHELTER_MIN_TIER_FOR_GUESTS,
        min_tier_for_children=settings.SHELTER_MIN_TIER_FOR_CHILDREN,
        shared_language_required=settings.SHELTER_SHARED_LANGUAGE_REQUIRED,
    )


def city_key(country: str, city: str) -> str:
    """How the matcher compares places: same country and same city, whatever the case."""
    return f"{country.strip().upper()}:{city.strip().casefold()}"


def nights_of(first_night: dt.date, nights: int) -> list[dt.date]:
    """The nights of a stay: [first_night, first_night + nights). The check-out day is free."""
    return [first_night + dt.timedelta(days=i) for i in range(nights)]


# ---- stay requests --------------------------------------------------------------------------


def danger_from_case(file: CaseFile) -> bool:
    """A deserter at high urgency is in immediate danger (DESIGN.md, shelter priorities)."""
    return file.case_type in DESERTER_TYPES and urgency_of(file).level in HIGH_URGENCY


@transaction.atomic
def do_create_request(
    file: CaseFile, *, data: dict[str, Any], keychain: keyring.Keychain
) -> StayRequest:
    """A counselor holding the case asks for a bed; the needs are sealed under the case key."""
    validate_country(data["country"])
    opened = keyring.open_record(file.case, keychain)
    request = StayRequest(
        case=file.case,
        created_by=keychain.user,
        country=data["country"],
        city=data["city"],
        arrival=data["arrival"],
        nights=data["nights"],
        adult_men=data["adult_men"],
        adult_women=data["adult_women"],
        children=data["children"],
        languages=data["languages"],
        needs_step_free=data["needs_step_free"],
        has_pets=data["has_pets"],
        medical_needs=data["medical_needs"],
        immediate_danger=danger_from_case(file),
    )
    opened.write_into(request, needs=data.get("needs") or "")
    request.save()
    record(
        Action.STAY_REQUESTED,
        actor=keychain.user,
        object_type="intake.case",
        object_id=file.case_id,
        details={"request": str(request.pk), "persons": request.persons},
    )
    return request


@transaction.atomic
def do_cancel_request(request: StayRequest, *, acting_user: User) -> None:
    """The party no longer needs the bed: a waiting proposal is withdrawn, a stay cancelled."""
    locked = StayRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == StayRequest.Status.CANCELLED:
        return
    for proposal in Proposal.objects.filter(request=locked, status=Proposal.Status.APPROVED):
        _close_proposal(proposal, Proposal.Status.WITHDRAWN, acting_user)
    for stay in Stay.objects.filter(request=locked, status=Stay.Status.CONFIRMED):
        _cancel_stay(stay, acting_user)
    locked.status = StayRequest.Status.CANCELLED
    locked.save(update_fields=["status"])
    request.status = locked.status
    record(
        Action.STAY_REQUEST_CANCELLED,
        actor=acting_user,
        object_type="intake.case",
        object_id=locked.case_id,
        details={"request": str(locked.pk)},
    )


@transaction.atomic
def do_guest_declines(request: StayRequest, *, acting_user: User) -> None:
    """On the seeker's word, his counselor declines the proposed or confirmed (not yet begun)
    stay: the pair is never proposed again and the request waits for another bed."""
    locked = StayRequest.objects.select_for_update().get(pk=request.pk)
    declined = None
    for proposal in Proposal.objects.filter(request=locked, status=Proposal.Status.APPROVED):
        declined = proposal.offer_id
        _close_proposal(proposal, Proposal.Status.DECLINED, acting_user)
    for stay in Stay.objects.filter(request=locked, status=Stay.Status.CONFIRMED):
        declined = stay.offer_id
        _cancel_stay(stay, acting_user)
    if declined is None:
        raise ShelterError(_("There is no proposed or confirmed stay to decline."))
    DeclinedPair.objects.get_or_create(
        request=locked,
        offer_id=declined,
        defaults={"by": DeclinedPair.By.GUEST, "by_user": acting_user},
    )
    locked.status = StayRequest.Status.OPEN
    locked.save(update_fields=["status"])
    request.status = locked.status
    record(
        Action.PROPOSAL_DECLINED,
        actor=acting_user,
        object_type="intake.case",
        object_id=locked.case_id,
        details={"request": str(locked.pk), "by": "guest"},
    )


# ---- the matcher ----------------------------------------------------------------------------


@dataclass
class Built:
    instance: matcher.Instance
    requests: dict[str, StayRequest]
    offers: dict[str, Offer]
    overrides: dict[tuple[str, str], MatchOverride]


def open_requests(today: dt.date) -> list[StayRequest]:
    return list(
        StayRequest.objects.filter(status=StayRequest.Status.OPEN, arrival__gte=today).defer(
            "needs"
        )
    )


def cannot_ask(host: Host, holders_with_keys: set[int]) -> str:
    """Why the host cannot be asked through the portal now; empty when he can. An approval
    seals his address to his own key, so he needs an account with keys."""
    if host.user_id is None:
        return "no_account"
    if host.user_id not in holders_with_keys:
        return "no_keys"
    return ""


def users_with_keys(user_ids: Iterable[int | None]) -> set[int]:
    ids = {i for i in user_ids if i is not None}
    return set(
        Holder.objects.filter(user_id__in=ids)
        .exclude(public_key=b"")
        .values_list("user_id", flat=True)
    )


def build_instance(today: dt.date, as_of: MatchRun | None = None) -> Built:
    """The matcher's input from the database: open requests whose first night is not past,
    active offers of active hosts with nights left (each with whether its host can be asked),
    the stays already confirmed and the approved proposals waiting for a host (their beds are
    held), declined pairs, overrides.

    ``as_of`` a run: the input as that run would see it now, its own approvals taken back
    (their requests waiting again, their beds free), so that approving a plan part by part
    does not make the rest of it out of date."""
    requests = {str(r.pk): r for r in open_requests(today)}
    own: set[UUID] = set()
    if as_of is not None:
        own = set(
            Proposal.objects.filter(run=as_of, status=Proposal.Status.APPROVED).values_list(
                "pk", flat=True
            )
        )
        for r in StayRequest.objects.filter(
            status=StayRequest.Status.PENDING_HOST,
            arrival__gte=today,
            proposals__run=as_of,
            proposals__status=Proposal.Status.APPROVED,
        ).defer("needs"):
            r.status = StayRequest.Status.OPEN
            requests[str(r.pk)] = r
    offers = {
        str(o.pk): o
        for o in Offer.objects.active()
        .filter(last_night__gte=today)
        .select_related("host")
        .defer("notes", "host__name", "host__address", "host__contact")
    }
    with_keys = users_with_keys(o.host.user_id for o in offers.values())
    confirmed = [
        matcher.ConfirmedStay(str(s.offer_id), s.first_night, s.nights, s.persons)
        for s in Stay.objects.filter(status__in=ACTIVE_STAY, offer_id__in=list(offers))
    ] + [
        matcher.ConfirmedStay(str(p.offer_id), p.first_night, p.nights, p.persons)
        for p in Proposal.objects.filter(
            status=Proposal.Status.APPROVED, offer_id__in=list(offers)
        ).exclude(pk__in=own)
    ]
    declined = frozenset(
        (str(request_id), str(offer_id))
        for request_id, offer_id in DeclinedPair.objects.filter(
            request_id__in=list(requests)
        ).values_list("request_id", "offer_id")
    )
    override_rows = {
        (str(o.request_id), str(o.offer_id)): o
        for o in MatchOverride.objects.filter(
            request_id__in=list(requests), offer_id__in=list(offers)
        ).defer("reason")
    }
    instance = matcher.Instance(
        offers=tuple(_offer(o, cannot_ask(o.host, with_keys)) for o in offers.values()),
        requests=tuple(_request(r, today) for r in requests.values()),
        policy=policy(),
        confirmed=tuple(confirmed),
        declined=declined,
        overrides=tuple(
            matcher.Override(request_id, offer_id, matcher.Rule(o.rule), REASON_ON_FILE)
            for (request_id, offer_id), o in override_rows.items()
        ),
    )
    return Built(instance, requests, offers, override_rows)


def _offer(offer: Offer, not_askable: str = "") -> matcher.Offer:
    return matcher.Offer(
        offer_id=str(offer.pk),
        host_id=str(offer.host_id),
        city=city_key(offer.country, offer.city),
        beds=offer.beds,
        first_night=offer.first_night,
        last_night=offer.last_night,
        max_nights=offer.max_nights,
        tier=offer.host.tier,
        accepts_men_only_parties=offer.accepts_men_only_parties,
        women_only=offer.women_only,
        accepts_children=offer.accepts_children,
        families_only=offer.families_only,
        accepts_pets=offer.accepts_pets,
        step_free=offer.step_free,
        languages=frozenset(offer.languages),
        cannot_ask=not_askable,
        one_party=offer.one_party,
    )


def matcher_request(request: StayRequest) -> matcher.StayRequest:
    """The request as the matcher sees it today (for its segment and priority on a page)."""
    return _request(request, timezone.localdate())


def _request(request: StayRequest, today: dt.date) -> matcher.StayRequest:
    return matcher.StayRequest(
        request_id=str(request.pk),
        city=city_key(request.country, request.city),
        arrival=request.arrival,
        nights=request.nights,
        created_at=request.created_at,
        adult_men=request.adult_men,
        adult_women=request.adult_women,
        children=request.children,
        languages=frozenset(request.languages),
        needs_step_free=request.needs_step_free,
        has_pets=request.has_pets,
        # "Arriving tonight without a bed" is immediate danger too.
        immediate_danger=request.immediate_danger or request.arriving_tonight_without_bed(today),
        medical_needs=request.medical_needs,
    )


def _reasons(reasons: Iterable[matcher.Reason]) -> list[list[Any]]:
    return [[reason.code, dict(reason.params)] for reason in reasons]


def _with_host_codes(reasons: Iterable[matcher.Reason], offers: dict[str, Offer]) -> list[Any]:
    """The explanation's reasons, each naming another offer by its host's reference, which
    people read (H-7KQ2MX), rather than by the offer's id."""
    out = []
    for code, params in _reasons(reasons):
        offer = offers.get(str(params.get("offer", "")))
        if offer is not None:
            params["host"] = offer.host.reference
        out.append([code, params])
    return out


@transaction.atomic
def do_run_matcher(acting_user: User | None, now: dt.datetime | None = None) -> MatchRun:
    """Runs the matcher on the whole open demand and stores its plan. The proposals of earlier
    runs not yet approved are withdrawn: only the newest plan can be approved."""
    now = now or timezone.now()
    built = build_instance(timezone.localdate(now))
    plan = matcher.plan(built.instance)
    problems = matcher.check_plan(built.instance, plan)
    if problems:  # never store a plan the independent recount refuses
        raise AssertionError(f"the matcher's plan failed its check: {problems[:5]}")
    explained = {
        request_id: _with_host_codes(reasons, built.offers)
        for request_id, reasons in matcher.explain(built.instance, plan).items()
    }
    Proposal.objects.filter(status__in=[Proposal.Status.PROPOSED, Proposal.Status.BY_HAND]).update(
        status=Proposal.Status.WITHDRAWN
    )
    run = MatchRun.objects.create(
        by=acting_user,
        at=now,
        inputs=matcher.fingerprint(built.instance),
        requests=len(built.requests),
        offers=len(built.offers),
        segments=[
            {
                "segment": s.segment.value,
                "requested": s.persons_requested,
                "placed": s.persons_placed,
                "floor": s.floor,
            }
            for s in plan.segments
        ],
        unplaced=[
            {"request": u.request_id, "persons": u.persons, "reasons": _reasons(u.reasons)}
            for u in plan.unplaced
        ],
    )
    Proposal.objects.bulk_create(
        Proposal(
            run=run,
            request_id=UUID(p.request_id),
            offer_id=UUID(p.offer_id),
            first_night=p.first_night,
            nights=p.nights,
            persons=p.persons,
            score=p.score,
            reasons=_reasons(p.reasons) + explained.get(p.request_id, []),
            override=built.overrides.get((p.request_id, p.offer_id)) if p.override else None,
            status=Proposal.Status.BY_HAND if by_hand else Proposal.Status.PROPOSED,
        )
        for by_hand, proposals in ((False, plan.proposals), (True, plan.by_hand))
        for p in proposals
    )
    record(
        Action.MATCHER_RUN,
        actor=acting_user,
        object_type="shelter.matchrun",
        object_id=run.pk,
        details={
            "proposals": len(plan.proposals),
            "unplaced": len(plan.unplaced),
            "by_hand": len(plan.by_hand),
        },
    )
    return run


# What changed under a plan, as people name it.
INPUT_PARTS = {
    "requests": "requests",
    "offers": "offers",
    "answers": "answers",
    "declined": "answers",
    "overrides": "overrides",
    "policy": "policy",
}


def out_of_date(run: MatchRun, today: dt.date | None = None) -> list[str]:
    """What changed under the plan since it was made ("requests", "offers", "answers",
    "overrides", "policy"), compared on the matcher's whole input as that run would see it
    now; empty while the plan is up to date. A run stored without a digest is out of date."""
    if not run.inputs:
        return ["requests", "offers", "answers"]
    built = build_instance(today or timezone.localdate(), as_of=run)
    now = matcher.fingerprint(built.instance)
    changed = [INPUT_PARTS[part] for part, digest in now.items() if run.inputs.get(part) != digest]
    return sorted(set(changed), key=list(INPUT_PARTS.values()).index)


@transaction.atomic
def do_add_override(
    request: StayRequest,
    offer: Offer,
    *,
    rule: matcher.Rule,
    reason: str,
    keychain: keyring.Keychain,
) -> MatchOverride:
    """A coordinator waives one hard rule for one pair, with a written reason sealed to the
    shelter group. Audited when written and again when a proposal using it is approved."""
    group = keyring.group_holder(SHELTER_COORDINATORS)
    if group is None or not keychain.holds(group.pk):
        raise ShelterError(_("Only a shelter coordinator can override a rule."))
    if MatchOverride.objects.filter(request=request, offer=offer).exists():
        raise ShelterError(_("This pair already has an override."))
    override = MatchOverride(request=request, offer=offer, rule=rule.value, by=keychain.user)
    key = keyring.seal_new_record(override, [group])
    keyring.write_fields(override, key, reason=reason)
    override.save()
    record(
        Action.OVERRIDE_ADDED,
        actor=keychain.user,
        object_type="shelter.matchoverride",
        object_id=override.pk,
        details={"request": str(request.pk), "offer": str(offer.pk), "rule": rule.value},
    )
    return override


def latest_run() -> MatchRun | None:
    return MatchRun.objects.order_by("-at", "-pk").first()


@dataclass
class Approval:
    """What one approval did: the proposals approved, and each refused one with why
    (translated)."""

    approved: list[Proposal]
    refused: list[tuple[Proposal, str]]


def _matcher_proposal(p: Proposal) -> matcher.Proposal:
    return matcher.Proposal(
        request_id=str(p.request_id),
        offer_id=str(p.offer_id),
        host_id=str(p.offer.host_id),
        first_night=p.first_night,
        nights=p.nights,
        persons=p.persons,
        score=p.score,
        reasons=(),
    )


@transaction.atomic
def do_approve(
    proposal_ids: list[UUID], *, keychain: keyring.Keychain, now: dt.datetime | None = None
) -> Approval:
    """The coordinator approves proposals of the newest plan. Each is judged on its own
    against the requests, offers, hosts and answers as they are now: the good ones are
    approved, each refused one is named with why, and none holds up the others. For each
    approved one, the host's address and contact are copied into a disclosure sealed to the
    shelter group and the host: only the host's acceptance will grant it to the guest."""
    from sanctuary.shelter.reasons import describe

    now = now or timezone.now()
    group = keyring.group_holder(SHELTER_COORDINATORS)
    if group is None or not keychain.holds(group.pk):
        raise ShelterError(_("Only a shelter coordinator can approve a plan."))
    latest = latest_run()
    proposals = list(
        Proposal.objects.select_for_update()
        .filter(pk__in=proposal_ids)
        .select_related("offer__host")
        .defer("offer__notes", "offer__host__name")
        .order_by("-score", "pk")
    )
    if not proposals or len(proposals) != len(set(proposal_ids)):
        raise ShelterError(_("Choose at least one proposal of the plan."))
    deadline = now + dt.timedelta(hours=settings.SHELTER_ANSWER_HOURS)
    instance = build_instance(timezone.localdate(now)).instance
    result = Approval(approved=[], refused=[])
    booked: list[matcher.ConfirmedStay] = []
    for proposal in proposals:
        why = ""
        if proposal.status == Proposal.Status.BY_HAND:
            why = _("the host has no portal account with keys: contact him by hand.")
        elif proposal.status != Proposal.Status.PROPOSED:
            why = _("it is no longer proposed (%(status)s).") % {
                "status": proposal.get_status_display()
            }
        elif latest is None or proposal.run_id != latest.pk:
            why = _("a newer run has replaced this plan: review the new plan.")
        else:
            problems = matcher.approval_problems(
                instance, _matcher_proposal(proposal), also_booked=booked
            )
            why = " ".join(describe(r.code, dict(r.params)) for r in problems)
        if why:
            result.refused.append((proposal, why))
            continue
        host = proposal.offer.host
        assert host.user_id is not None  # approval_problems refused a host without an account
        host_holder = Holder.objects.get(user_id=host.user_id)
        request = StayRequest.objects.select_for_update().get(pk=proposal.request_id)
        _disclose(proposal, host, host_holder, group, keychain)
        proposal.status = Proposal.Status.APPROVED
        proposal.approved_by = keychain.user
        proposal.approved_at = now
        proposal.answer_by = deadline
        proposal.save(update_fields=["status", "approved_by", "approved_at", "answer_by"])
        request.status = StayRequest.Status.PENDING_HOST
        request.save(update_fields=["status"])
        booked.append(
            matcher.ConfirmedStay(
                str(proposal.offer_id), proposal.first_night, proposal.nights, proposal.persons
            )
        )
        result.approved.append(proposal)
        # The host hears that a proposal waits for him, and nothing more: its guests, dates
        # and deadline are on his page.
        do_notify([host.user], NoticeKind.PROPOSAL_WAITING, reverse("shelter:host"))
        record(
            Action.PROPOSAL_APPROVED,
            actor=keychain.user,
            object_type="shelter.proposal",
            object_id=proposal.pk,
            details={"request": str(request.pk), "offer": str(proposal.offer_id)},
        )
        if proposal.override_id is not None:
            override = MatchOverride.objects.get(pk=proposal.override_id)
            record(
                Action.OVERRIDE_USED,
                actor=keychain.user,
                object_type="shelter.matchoverride",
                object_id=override.pk,
                details={"proposal": str(proposal.pk), "rule": override.rule},
            )
    return result


def _disclose(
    proposal: Proposal, host: Host, host_holder: Holder, group: Holder, keychain: keyring.Keychain
) -> AddressDisclosure:
    opened = keyring.open_record(host, keychain)
    disclosure = AddressDisclosure(proposal=proposal)
    key = keyring.seal_new_record(disclosure, [group, host_holder])
    keyring.write_fields(
        disclosure, key, address=opened.text("address"), contact=opened.text("contact")
    )
    disclosure.save()
    return disclosure


# ---- no overbooking -------------------------------------------------------------------------


@transaction.atomic
def book_stay(
    *,
    request: StayRequest,
    offer_id: UUID,
    first_night: dt.date,
    nights: int,
    persons: int,
    proposal: Proposal | None = None,
) -> Stay:
    """Books every night of a stay or none. Concurrent confirmations on one offer queue on its
    row lock; each night is then booked by an UPDATE that only matches while the beds suffice,
    and a night it does not match refuses the whole stay (the transaction rolls back)."""
    offer = Offer.objects.select_for_update().only(
        "pk", "beds", "first_night", "last_night", "one_party"
    )
    locked = offer.filter(pk=offer_id).first()
    if locked is None:
        raise ShelterError(_("This offer no longer exists."))
    wanted = nights_of(first_night, nights)
    if nights < 1 or wanted[0] < locked.first_night or wanted[-1] > locked.last_night:
        raise Overbooked(_("The host does not offer these nights."))
    existing = set(
        BedNight.objects.filter(offer_id=offer_id, night__in=wanted).values_list("night", flat=True)
    )
    for night in wanted:
        if night in existing:
            continue
        try:
            with transaction.atomic():  # a savepoint: a lost race only skips this insert
                BedNight.objects.create(offer_id=offer_id, night=night, beds=locked.beds)
        except IntegrityError:
            pass  # created meanwhile by a confirmation that did not wait for the lock
    try:
        for night in wanted:
            # One party at a time: only a night nobody has booked yet.
            room = Q(booked=0) if locked.one_party else Q(booked__lte=F("beds") - persons)
            booked = (
                BedNight.objects.filter(room, offer_id=offer_id, night=night)
                .filter(booked__lte=F("beds") - persons)
                .update(booked=F("booked") + persons)
            )
            if booked != 1:
                raise Overbooked(
                    _("No longer enough free beds on %(night)s: the stay is not confirmed.")
                    % {"night": night.isoformat()}
                )
    except IntegrityError as error:  # the CheckConstraint: never reached while the guard holds
        raise Overbooked(_("No longer enough free beds: the stay is not confirmed.")) from error
    return Stay.objects.create(
        request=request,
        offer_id=offer_id,
        proposal=proposal,
        first_night=first_night,
        nights=nights,
        persons=persons,
    )


def _free_nights(stay: Stay, from_night: dt.date | None = None) -> None:
    """Gives back the stay's nights (from a night on, for an early check-out)."""
    Offer.objects.select_for_update().filter(pk=stay.offer_id).only("pk").first()
    nights = [
        n for n in nights_of(stay.first_night, stay.nights) if not from_night or n >= from_night
    ]
    BedNight.objects.filter(offer_id=stay.offer_id, night__in=nights).update(
        booked=F("booked") - stay.persons
    )


def _cancel_stay(stay: Stay, acting_user: User | None) -> None:
    locked = Stay.objects.select_for_update().get(pk=stay.pk)
    if not locked.active:
        return
    _free_nights(locked)
    locked.status = Stay.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancelled_at"])
    stay.status = locked.status
    _shred_disclosure(locked.proposal_id, acting_user)
    record(
        Action.STAY_CANCELLED,
        actor=acting_user,
        object_type="shelter.stay",
        object_id=locked.pk,
        details={"offer": str(locked.offer_id)},
    )


@transaction.atomic
def do_cancel_stay(stay: Stay, *, acting_user: User | None) -> None:
    _cancel_stay(stay, acting_user)


# ---- the host's answer ----------------------------------------------------------------------


def _shred_disclosure(proposal_id: UUID | None, acting_user: User | None) -> None:
    if proposal_id is None:
        return
    disclosure = AddressDisclosure.objects.filter(
        proposal_id=proposal_id, shredded_at__isnull=True
    ).first()
    if disclosure is None:
        return
    keyring.shred(disclosure, acting_user=acting_user)
    disclosure.shredded_at = timezone.now()
    disclosure.save(update_fields=["shredded_at"])


def _close_proposal(proposal: Proposal, status: str, acting_user: User | None) -> None:
    proposal.status = status
    proposal.answered_at = timezone.now()
    proposal.save(update_fields=["status", "answered_at"])
    _shred_disclosure(proposal.pk, acting_user)


def _locked_waiting(proposal: Proposal, now: dt.datetime) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("request").get(pk=proposal.pk)
    if locked.status != Proposal.Status.APPROVED:
        raise ShelterError(_("This proposal is no longer waiting for your answer."))
    if locked.answer_by is not None and locked.answer_by < now:
        raise ShelterError(_("The time to answer this proposal has passed."))
    return locked


@transaction.atomic
def do_host_accept(
    proposal: Proposal, *, keychain: keyring.Keychain, now: dt.datetime | None = None
) -> Stay:
    """Both have confirmed: the nights are booked (or nothing happens), and only then the
    host's keychain grants the address disclosure to the case's seeker."""
    now = now or timezone.now()
    locked = _locked_waiting(proposal, now)
    request = StayRequest.objects.select_for_update().select_related("case__seeker")
    guest = request.get(pk=locked.request_id)
    stay = book_stay(
        request=guest,
        offer_id=locked.offer_id,
        first_night=locked.first_night,
        nights=locked.nights,
        persons=locked.persons,
        proposal=locked,
    )
    disclosure = AddressDisclosure.objects.get(proposal=locked, shredded_at__isnull=True)
    keyring.grant(disclosure, to=guest.case.seeker, keychain=keychain)
    disclosure.granted_at = now
    disclosure.save(update_fields=["granted_at"])
    locked.status = Proposal.Status.ACCEPTED
    locked.answered_at = now
    locked.save(update_fields=["status", "answered_at"])
    guest.status = StayRequest.Status.CONFIRMED
    guest.save(update_fields=["status"])
    record(
        Action.PROPOSAL_ACCEPTED,
        actor=keychain.user,
        object_type="shelter.proposal",
        object_id=locked.pk,
        details={"stay": str(stay.pk)},
    )
    _notify_answered(locked)
    return stay


def _notify_answered(proposal: Proposal) -> None:
    """The coordinator who approved the proposal hears that the host answered."""
    if proposal.approved_by_id is not None:
        approver = User.objects.filter(pk=proposal.approved_by_id).first()
        do_notify([approver], NoticeKind.HOST_ANSWERED, reverse("shelter:plan"))


@transaction.atomic
def do_host_decline(
    proposal: Proposal, *, acting_user: User, now: dt.datetime | None = None
) -> None:
    now = now or timezone.now()
    locked = _locked_waiting(proposal, now)
    _close_proposal(locked, Proposal.Status.DECLINED, acting_user)
    DeclinedPair.objects.get_or_create(
        request_id=locked.request_id,
        offer_id=locked.offer_id,
        defaults={"by": DeclinedPair.By.HOST, "by_user": acting_user},
    )
    StayRequest.objects.filter(pk=locked.request_id, status=StayRequest.Status.PENDING_HOST).update(
        status=StayRequest.Status.OPEN
    )
    record(
        Action.PROPOSAL_DECLINED,
        actor=acting_user,
        object_type="shelter.proposal",
        object_id=locked.pk,
        details={"by": "host"},
    )
    _notify_answered(locked)


def expire_proposals(now: dt.datetime | None = None) -> int:
    """Every approved proposal past its answer deadline expires: its disclosure is shredded
    and the request waits for another bed. Returns how many expired."""
    now = now or timezone.now()
    due = Proposal.objects.filter(status=Proposal.Status.APPROVED, answer_by__lt=now)
    return sum(_expire(pk, now) for pk in list(due.values_list("pk", flat=True)))


@transaction.atomic
def _expire(pk: UUID, now: dt.datetime) -> int:
    proposal = Proposal.objects.select_for_update().filter(pk=pk).first()
    if proposal is None or proposal.status != Proposal.Status.APPROVED:
        return 0  # answered meanwhile
    if proposal.answer_by is None or proposal.answer_by >= now:
        return 0
    _close_proposal(proposal, Proposal.Status.EXPIRED, None)
    StayRequest.objects.filter(
        pk=proposal.request_id, status=StayRequest.Status.PENDING_HOST
    ).update(status=StayRequest.Status.OPEN)
    record(
        Action.PROPOSAL_EXPIRED,
        actor=None,
        object_type="shelter.proposal",
        object_id=proposal.pk,
    )
    return 1


# ---- the stay -------------------------------------------------------------------------------


@transaction.atomic
def do_check_in(stay: Stay, *, acting_user: User) -> None:
    locked = Stay.objects.select_for_update().get(pk=stay.pk)
    if locked.status != Stay.Status.CONFIRMED:
        raise ShelterError(_("This stay cannot be checked in now."))
    locked.status = Stay.Status.CHECKED_IN
    locked.checked_in_at = timezone.now()
    locked.save(update_fields=["status", "checked_in_at"])
    record(Action.STAY_CHECKED_IN, actor=acting_user, object_type="shelter.stay", object_id=stay.pk)


@transaction.atomic
def do_check_out(stay: Stay, *, acting_user: User) -> None:
    """The guest left: nights from today on are free again, and the address he was given is
    shredded (he no longer needs it)."""
    locked = Stay.objects.select_for_update().get(pk=stay.pk)
    if locked.status != Stay.Status.CHECKED_IN:
        raise ShelterError(_("This stay cannot be checked out now."))
    _free_nights(locked, from_night=timezone.localdate())
    locked.status = Stay.Status.CHECKED_OUT
    locked.checked_out_at = timezone.now()
    locked.save(update_fields=["status", "checked_out_at"])
    _shred_disclosure(locked.proposal_id, acting_user)
    record(
        Action.STAY_CHECKED_OUT, actor=acting_user, object_type="shelter.stay", object_id=stay.pk
    )


@transaction.atomic
def do_safety_check_in(stay: Stay, *, side: str, acting_user: User | None) -> None:
    """The host or the guest says all is well after the first night."""
    locked = Stay.objects.select_for_update().get(pk=stay.pk)
    if not locked.safety_check_in_open(timezone.localdate()):
        raise ShelterError(_("The safety check-in opens after the first night."))
    field = "host_safe_at" if side == SafetyReport.Side.HOST else "guest_safe_at"
    setattr(locked, field, timezone.now())
    locked.save(update_fields=[field])
    record(
        Action.STAY_SAFE,
        actor=acting_user,
        object_type="shelter.stay",
        object_id=stay.pk,
        details={"side": side},
    )


@transaction.atomic
def do_safety_report(stay: Stay, *, side: str, body: str, acting_user: User | None) -> SafetyReport:
    """Either side reports a safety problem: sealed to the shelter group (the guest needs only
    its public key), the stay is flagged and the report escalated in the audit log."""
    group = keyring.group_holder(SHELTER_COORDINATORS)
    if group is None:
        raise ShelterError(_("No shelter coordinator can receive reports yet."))
    report = SafetyReport(stay=stay, side=side)
    key = keyring.seal_new_record(report, [group])
    keyring.write_fields(report, key, body=body)
    report.save()
    Stay.objects.filter(pk=stay.pk, flagged_at__isnull=True).update(flagged_at=report.created_at)
    record(
        Action.SAFETY_REPORTED,
        actor=acting_user,
        object_type="shelter.stay",
        object_id=stay.pk,
        details={"side": side, "report": str(report.pk), "escalated": True},
    )
    return report


# ---- reading ---------------------------------------------------------------------------------


def disclosure_for_seeker(
    disclosure: AddressDisclosure, seeker: Holder, keypair: crypto.KeyPair
) -> dict[str, str] | None:
    """The address and contact, opened with the seeker's key pair; None when no copy was
    granted to him (not yet accepted, or shredded)."""
    copy = SealedKey.objects.for_record(disclosure).filter(holder=seeker).first()
    if copy is None:
        return None
    key = crypto.unseal(bytes(copy.sealed), keypair)
    return {
        "address": keyring.read_field(disclosure, key, "address"),
        "contact": keyring.read_field(disclosure, key, "contact"),
    }
