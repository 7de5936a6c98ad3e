"""Propose guest-host pairs for coordinators to approve: a deterministic, explainable greedy
followed by an improvement pass (eject and reinsert, repack) that keeps only moves placing
strictly more priority-weighted persons.

Pure Python on plain data: frozen dataclasses in (``Instance``), frozen dataclasses out
(``Plan``). No Django, no clock, no randomness; the same instance always gives the same plan,
whatever the order of its offers and requests. The plan is a proposal: hosts and coordinators
confirm or decline each pair, and declined pairs come back as input so they are never proposed
again. ``check_plan`` re-verifies any plan from scratch; ``first_come_first_served`` is the
spreadsheet baseline the greedy is measured against (docs/matching.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum

ParamValue = str | int


class Rule(StrEnum):
    """A hard rule of the host or the network. Only these can be overridden, one per pair."""

    HOST_TIER = "host_tier"  # host not yet vetted to the tier that receives guests
    CHILDREN_TIER = "children_tier"  # children go only to hosts of the children tier
    WOMEN_ONLY = "women_only"  # women-only household: no adult men at all
    NO_MEN_ONLY_PARTIES = "no_men_only_parties"  # men only together with women or children
    NO_CHILDREN = "no_children"
    FAMILIES_ONLY = "families_only"  # host takes only parties with children
    NO_PETS = "no_pets"
    NOT_STEP_FREE = "not_step_free"
    # Only where the network makes it hard (Policy.shared_language_required): host and party
    # must share a language when both have said which they speak.
    SHARED_LANGUAGE = "shared_language"


class Segment(StrEnum):
    SINGLE_MEN = "single_men"
    SINGLE_WOMEN = "single_women"
    FAMILIES_WITH_CHILDREN = "families_with_children"
    OTHER_GROUPS = "other_groups"


class Urgency(IntEnum):
    """Priority class, in the order of the network policy; higher goes first."""

    STANDARD = 0  # ordered by waiting time within the class
    CARE = 1  # children or medical needs
    DANGER = 2  # immediate danger: deserter at risk, arriving tonight without a bed


@dataclass(frozen=True)
class Offer:
    offer_id: str
    host_id: str
    city: str
    beds: int
    first_night: dt.date
    last_night: dt.date
    max_nights: int
    tier: int  # 0 registered, 1 interviewed, 2 identity seen + second coordinator + reference
    accepts_men_only_parties: bool = True  # single adult men, or groups of men
    women_only: bool = False  # a women-only household takes no adult men, even in a family
    accepts_children: bool = True
    families_only: bool = False
    accepts_pets: bool = False
    step_free: bool = False
    languages: frozenset[str] = frozenset()
    # Why the host cannot be asked through the portal now ("no_account", "no_keys"); empty
    # when he can. Such offers are never proposed: they are named for contact by hand.
    cannot_ask: str = ""
    # One party at a time: many hosts will not mix strangers in one home. A party booked on
    # a night takes the whole home for that night, whatever its size.
    one_party: bool = False


@dataclass(frozen=True)
class StayRequest:
    request_id: str
    city: str
    arrival: dt.date  # the first night
    nights: int
    created_at: dt.datetime  # waiting time orders requests of the same urgency
    adult_men: int
    adult_women: int
    children: int = 0
    languages: frozenset[str] = frozenset()
    needs_step_free: bool = False
    has_pets: bool = False
    immediate_danger: bool = False
    medical_needs: bool = False

    @property
    def persons(self) -> int:
        return self.adult_men + self.adult_women + self.children

    @property
    def men_only(self) -> bool:
        return self.adult_men > 0 and self.adult_women == 0 and self.children == 0


@dataclass(frozen=True)
class ConfirmedStay:
    """A stay already confirmed on an offer: capacity the matcher must leave alone."""

    offer_id: str
    first_night: dt.date
    nights: int
    persons: int


@dataclass(frozen=True)
class Override:
    """A coordinator's written decision to waive one hard rule for one request-offer pair."""

    request_id: str
    offer_id: str
    rule: Rule
    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("an override needs a written reason")


@dataclass(frozen=True)
class Policy:
    """Network policy (DESIGN.md, "Shelter policy defaults"); every network may change it."""

    min_tier_for_guests: int = 1
    min_tier_for_children: int = 2
    urgency_weights: Mapping[Urgency, float] = field(
        default_factory=lambda: {Urgency.DANGER: 3.0, Urgency.CARE: 2.0, Urgency.STANDARD: 1.0}
    )
    segment_weights: Mapping[Segment, float] = field(
        default_factory=lambda: {segment: 1.0 for segment in Segment}
    )
    # Share of a segment's requested persons placed before the general priority order runs.
    # Single men are the network's main population: under scarcity the priority order alone
    # would leave most of them without a bed (research/matching-anchors.md, section 6.4).
    segment_floors: Mapping[Segment, float] = field(
        default_factory=lambda: {Segment.SINGLE_MEN: 0.5}
    )
    language_bonus: float = 2.0  # a shared language matters more than a tight fit
    spare_bed_penalty: float = 0.25  # per bed left free on the stay's tightest night
    scarce_capability_penalty: float = 0.5  # per host capability the party does not need
    host_load_penalty: float = 0.3  # per proposal this host already got in this run
    # A network may make a shared language a hard rule (Rule.SHARED_LANGUAGE), not a score.
    shared_language_required: bool = False


@dataclass(frozen=True)
class Instance:
    offers: tuple[Offer, ...]
    requests: tuple[StayRequest, ...]
    policy: Policy = field(default_factory=Policy)
    confirmed: tuple[ConfirmedStay, ...] = ()
    declined: frozenset[tuple[str, str]] = frozenset()  # (request_id, offer_id)
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        pairs = Counter((o.request_id, o.offer_id) for o in self.overrides)
        repeated = sorted(pair for pair, count in pairs.items() if count > 1)
        if repeated:
            raise ValueError(f"one override per pair only: {repeated}")


@dataclass(frozen=True)
class Reason:
    """A reason code with parameters; the Django side turns it into a translated sentence."""

    code: str
    params: tuple[tuple[str, ParamValue], ...] = ()

    def param(self, name: str) -> ParamValue:
        return dict(self.params)[name]


@dataclass(frozen=True)
class Proposal:
    request_id: str
    offer_id: str
    host_id: str
    first_night: dt.date
    nights: int
    persons: int
    score: float
    reasons: tuple[Reason, ...]
    override: Override | None = None  # to be written to the audit log when confirmed


@dataclass(frozen=True)
class Unplaced:
    request_id: str
    persons: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class SegmentPlacement:
    segment: Segment
    persons_requested: int
    persons_placed: int
    floor: float

    @property
    def share(self) -> float:
        return self.persons_placed / self.persons_requested if self.persons_requested else 1.0

    @property
    def floor_met(self) -> bool:
        return self.share >= self.floor


@dataclass(frozen=True)
class Plan:
    proposals: tuple[Proposal, ...]
    unplaced: tuple[Unplaced, ...]
    segments: tuple[SegmentPlacement, ...]
    weighted_placed: float  # priority-weighted persons placed
    weighted_requested: float
    # For unplaced parties: a host who would have a bed but cannot be asked through the
    # portal; the coordinator contacts him by hand. Not counted as placed.
    by_hand: tuple[Proposal, ...] = ()

    @property
    def weighted_share(self) -> float:
        return self.weighted_placed / self.weighted_requested if self.weighted_requested else 1.0

    @property
    def persons_placed(self) -> int:
        return sum(p.persons for p in self.proposals)

    @property
    def overrides_used(self) -> tuple[Override, ...]:
        return tuple(p.override for p in self.proposals if p.override is not None)


# --- the rules, one predicate shared by the greedy, the baseline and check_plan -------------


def segment_of(request: StayRequest) -> Segment:
    if request.children:
        return Segment.FAMILIES_WITH_CHILDREN
    if request.persons == 1:
        return Segment.SINGLE_MEN if request.adult_men else Segment.SINGLE_WOMEN
    return Segment.OTHER_GROUPS


def urgency_of(request: StayRequest) -> Urgency:
    if request.immediate_danger:
        return Urgency.DANGER
    if request.children or request.medical_needs:
        return Urgency.CARE
    return Urgency.STANDARD


def weight_per_person(request: StayRequest, policy: Policy) -> float:
    return policy.urgency_weights[urgency_of(request)] * policy.segment_weights[segment_of(request)]


# What the hard rules look at in a request; requests with the same profile share candidates.
# men, men only, children, pets, step-free, languages
_Profile = tuple[bool, bool, bool, bool, bool, frozenset[str]]


def _profile(request: StayRequest, policy: Policy) -> _Profile:
    """Languages count only where the network makes a shared language a hard rule: otherwise
    requests that speak differently share their candidates (and the caches)."""
    return (
        request.adult_men > 0,
        request.men_only,
        request.children > 0,
        request.has_pets,
        request.needs_step_free,
        request.languages if policy.shared_language_required else frozenset(),
    )


def _rules_broken(profile: _Profile, offer: Offer, policy: Policy) -> tuple[Rule, ...]:
    men, men_only, children, pets, step_free, languages = profile
    checks = (
        (Rule.HOST_TIER, offer.tier < policy.min_tier_for_guests),
        (Rule.CHILDREN_TIER, children and offer.tier < policy.min_tier_for_children),
        (Rule.WOMEN_ONLY, men and offer.women_only),
        (Rule.NO_MEN_ONLY_PARTIES, men_only and not offer.accepts_men_only_parties),
        (Rule.NO_CHILDREN, children and not offer.accepts_children),
        (Rule.FAMILIES_ONLY, not children and offer.families_only),
        (Rule.NO_PETS, pets and not offer.accepts_pets),
        (Rule.NOT_STEP_FREE, step_free and not offer.step_free),
        (
            Rule.SHARED_LANGUAGE,
            policy.shared_language_required
            and bool(languages)
            and bool(offer.languages)
            and not languages & offer.languages,
        ),
    )
    return tuple(rule for rule, broken in checks if broken)


def violated_rules(request: StayRequest, offer: Offer, policy: Policy) -> tuple[Rule, ...]:
    """The hard rules this pair breaks; empty when the host may receive this party."""
    return _rules_broken(_profile(request, policy), offer, policy)


def _spare_capabilities(profile: _Profile, offer: Offer, policy: Policy) -> int:
    """How many scarce kinds of guest this host could take that this party does not need.

    Beds that accept men alone, children (tier 2), pets or wheelchairs are what other parties
    cannot do without; a party that needs none of them should rather use a plainer bed.
    """
    _men, men_only, children, pets, step_free, _languages = profile
    takes_children = offer.accepts_children and offer.tier >= policy.min_tier_for_children
    return (
        (offer.accepts_men_only_parties and not offer.women_only and not men_only)
        + (takes_children and not children)
        + (offer.accepts_pets and not pets)
        + (offer.step_free and not step_free)
    )


def _night(day: dt.date) -> int:
    return day.toordinal()


# --- per-night bed ledger ---------------------------------------------------------------------


class _Ledger:
    """Free beds per offer and night, from the offer's first night to its last."""

    def __init__(self, offers: Iterable[Offer], confirmed: Iterable[ConfirmedStay]) -> None:
        self.first: dict[str, int] = {}
        self.free: dict[str, list[int]] = {}
        # An offer that takes one party at a time: a booking takes all its beds.
        self.whole: dict[str, int] = {}
        for offer in offers:
            if offer.one_party:
                self.whole[offer.offer_id] = offer.beds
            self.first[offer.offer_id] = _night(offer.first_night)
            length = _night(offer.last_night) - _night(offer.first_night) + 1
            self.free[offer.offer_id] = [offer.beds] * max(length, 0)
        for stay in confirmed:
            self.book(stay.offer_id, _night(stay.first_night), stay.nights, stay.persons)

    def spare(self, offer_id: str, first: int, nights: int) -> int:
        """Free beds on the fullest night of the stay; -1 if outside the offer's window."""
        start = first - self.first[offer_id]
        free = self.free[offer_id]
        if start < 0 or start + nights > len(free):
            return -1
        return min(free[start : start + nights])

    def book(self, offer_id: str, first: int, nights: int, persons: int) -> None:
        free = self.free.get(offer_id)
        if free is None:
            return
        whole = self.whole.get(offer_id)
        if whole is not None:  # one party at a time: it takes (or gives back) the whole home
            persons = whole if persons > 0 else -whole
        start = first - self.first[offer_id]
        for i in range(max(start, 0), min(start + nights, len(free))):
            free[i] -= persons


# --- the greedy -------------------------------------------------------------------------------

# The improvement pass (``_Greedy.improve``): rounds over the unplaced requests; searches
# allowed per request and in all (the budget counts searches, not seconds, so that the plan is
# the same on any machine); moves tried per request (cheapest first); how much more value than
# the request's own the parties taken off may have (others may fill their nights); and
# waiting parties tried in the nights a left-out party gave up.
_IMPROVEMENT_ROUNDS = 3
_IMPROVEMENT_WORK = 40
_IMPROVEMENT_WORK_CAP = 60_000
_MOVES_TRIED = 3
_EJECTION_SLACK = 2.0
_FILL_TRIES = 12


@dataclass(frozen=True)
class _Candidate:
    offer: Offer
    first: int
    last: int
    base_score: float  # the part of the score that depends only on the profile
    spare_capabilities: int
    override: Override | None


# free beds per night of the offer, the stay's first night's index in them, the maximum
# nights, the candidate's base score, the offer's languages as bits, the host, the candidate
_Slot = tuple[list[int], int, int, float, int, str, _Candidate]


@dataclass
class _Search:
    """What the search for one request saw, to explain a failure."""

    in_city: int = 0
    accepting: int = 0
    on_dates: int = 0
    not_declined: int = 0


class _Greedy:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.policy = instance.policy
        self.ledger = _Ledger(instance.offers, instance.confirmed)
        self.offers_by_city: dict[str, list[Offer]] = defaultdict(list)
        for offer in sorted(instance.offers, key=lambda o: o.offer_id):
            self.offers_by_city[offer.city].append(offer)
        self.overrides: dict[str, list[Override]] = defaultdict(list)
        for override in instance.overrides:
            self.overrides[override.request_id].append(override)
        self.declined: dict[str, set[str]] = defaultdict(set)
        for request_id, offer_id in instance.declined:
            self.declined[request_id].add(offer_id)
        self.offer_by_id = {offer.offer_id: offer for offer in instance.offers}
        self.profile_cache: dict[tuple[str, _Profile], list[_Candidate]] = {}
        self.dated_cache: dict[tuple[str, _Profile, int, int], list[_Candidate]] = {}
        self.pair_cache: dict[tuple[str, _Profile], _Candidate] = {}
        self.slot_cache: dict[tuple[str, _Profile, int], list[_Slot]] = {}
        self.language_bit: dict[str, int] = {}
        self.host_load: Counter[str] = Counter()
        self.requests = {request.request_id: request for request in instance.requests}
        self.arrival = {r.request_id: _night(r.arrival) for r in instance.requests}
        self.value = {
            r.request_id: r.persons * weight_per_person(r, self.policy) for r in instance.requests
        }
        self.proposals: dict[str, Proposal] = {}
        self.on_offer: dict[str, list[str]] = defaultdict(list)  # request ids proposed there
        self.priority_reasons: dict[str, tuple[Reason, ...]] = {}
        self.unmovable: set[str] = set()
        self.placed: Counter[Segment] = Counter()  # persons placed per segment
        self.weighted = 0.0  # priority-weighted persons placed
        self.journal: list[tuple[str, Proposal | None]] = []  # bookings, to undo a trial move
        self.gave_way: dict[str, str] = {}  # unplaced request id -> the request it gave way to
        self.work = 0  # searches done by the improvement passes, bounded by a budget
        self.requested = _persons_by_segment(instance.requests)
        self.longest = max((r.nights for r in instance.requests), default=1)
        # Requests by city and first night, most value per bed-night first: who could use
        # the nights a party gave up.
        self.waiting: dict[tuple[str, int], list[StayRequest]] = defaultdict(list)

    def candidates(self, request: StayRequest) -> list[_Candidate]:
        profile = _profile(request, self.policy)
        key = (request.city, profile)
        if key not in self.profile_cache:
            self.profile_cache[key] = [
                self._candidate(offer, profile, None)
                for offer in self.offers_by_city[request.city]
                if not _rules_broken(profile, offer, self.policy)
            ]
        extra = [
            self._candidate(self.offer_by_id[o.offer_id], profile, o)
            for o in self._usable_overrides(request)
        ]
        if not extra:
            return self.profile_cache[key]
        return sorted(self.profile_cache[key] + extra, key=lambda c: c.offer.offer_id)

    def options(self, request: StayRequest) -> list[_Candidate]:
        """The candidates whose window holds the stay and whose host allows that many nights."""
        first = self.arrival[request.request_id]
        nights = request.nights
        last = first + nights - 1
        if request.request_id in self.overrides:
            return [
                c
                for c in self.candidates(request)
                if c.first <= first and last <= c.last and nights <= c.offer.max_nights
            ]
        profile = _profile(request, self.policy)
        key = (request.city, profile, first, nights)
        dated = self.dated_cache.get(key)
        if dated is None:
            dated = [
                c
                for c in self.candidates(request)
                if c.first <= first and last <= c.last and nights <= c.offer.max_nights
            ]
            self.dated_cache[key] = dated
        return dated

    def search(self, request: StayRequest) -> _Search:
        """What a search for this request sees, whatever the beds: to explain a failure."""
        options = self.options(request)
        declined = self.declined.get(request.request_id, set())
        return _Search(
            in_city=len(self.offers_by_city.get(request.city, ())),
            accepting=len(self.candidates(request)),
            on_dates=len(options),
            not_declined=sum(1 for c in options if c.offer.offer_id not in declined),
        )

    def _usable_overrides(self, request: StayRequest) -> list[Override]:
        """Overrides that make a pair possible: same city and the waived rule the only one."""
        usable = []
        for override in self.overrides.get(request.request_id, []):
            offer = self.offer_by_id.get(override.offer_id)
            if offer is None or offer.city != request.city:
                continue
            if violated_rules(request, offer, self.policy) == (override.rule,):
                usable.append(override)
        return usable

    def _candidate(self, offer: Offer, profile: _Profile, override: Override | None) -> _Candidate:
        spare = _spare_capabilities(profile, offer, self.policy)
        return _Candidate(
            offer=offer,
            first=_night(offer.first_night),
            last=_night(offer.last_night),
            base_score=-self.policy.scarce_capability_penalty * spare,
            spare_capabilities=spare,
            override=override,
        )

    def place(self, request: StayRequest, reasons: tuple[Reason, ...]) -> bool:
        self.priority_reasons[request.request_id] = reasons
        best = self._best(request)
        if best is None:
            return False
        self._book(request, *best)
        return True

    def _best(
        self, request: StayRequest, excluded_offer: str = ""
    ) -> tuple[_Candidate, int, float] | None:
        """The best-scoring offer with a bed for the whole party on every night of the stay,
        as (candidate, free beds on the fullest night, score); ties go to the lowest offer id."""
        persons = request.persons
        declined = self.declined.get(request.request_id, ())
        host_load = self.host_load
        spare_penalty = self.policy.spare_bed_penalty
        load_penalty = self.policy.host_load_penalty
        nights = request.nights
        language_bonus = self.policy.language_bonus
        languages = self._language_mask(request.languages)
        best: tuple[_Slot, int, float] | None = None
        for slot in self._slots(request):
            free, start, max_nights, base_score, offer_languages, host_id, candidate = slot
            spare = free[start]
            if spare < persons:  # most offers are full on the first night under scarcity
                continue
            if nights > 1:
                end = start + nights
                if nights > max_nights or end > len(free):
                    continue
                spare = min(free[start:end])
                if spare < persons:
                    continue
            elif max_nights < 1:
                continue
            offer_id = candidate.offer.offer_id
            if offer_id == excluded_offer or offer_id in declined:
                continue
            # The same sum, in the same order, as _score.
            score = base_score - spare_penalty * (spare - persons)
            score -= load_penalty * host_load[host_id]
            if languages & offer_languages:
                score += language_bonus
            if best is None or score > best[2]:
                best = (slot, spare, score)
        if best is None:
            return None
        return best[0][6], best[1], best[2]

    def _language_mask(self, languages: frozenset[str]) -> int:
        mask = 0
        for language in languages:
            if language not in self.language_bit:
                self.language_bit[language] = 1 << len(self.language_bit)
            mask |= self.language_bit[language]
        return mask

    def _slots(self, request: StayRequest) -> list[_Slot]:
        """The candidates whose window holds the first night, prepared for a fast search:
        the offer's free beds per night and the first night's index in them, the maximum
        nights, the parts of the score that do not change, the host and the candidate."""
        first = self.arrival[request.request_id]
        key = (request.city, _profile(request, self.policy), first)
        cached = None if request.request_id in self.overrides else self.slot_cache.get(key)
        if cached is not None:
            return cached
        slots = []
        for candidate in self.candidates(request):
            if not candidate.first <= first <= candidate.last:
                continue
            offer = candidate.offer
            slots.append(
                (
                    self.ledger.free[offer.offer_id],
                    first - candidate.first,
                    offer.max_nights,
                    candidate.base_score,
                    self._language_mask(offer.languages),
                    offer.host_id,
                    candidate,
                )
            )
        if request.request_id not in self.overrides:
            self.slot_cache[key] = slots
        return slots

    def place_by_moving(self, request: StayRequest, remember: bool = True) -> bool:
        """Make room for an unplaced party by moving one proposed party to another host.

        Nobody loses a bed, so the pass only ever adds persons and never reorders priority.
        A party that could not move once is not tried again (``remember``): beds elsewhere
        only fill up while this pass runs.
        """
        first = self.arrival[request.request_id]
        declined = self.declined.get(request.request_id, ())
        for candidate in self.options(request):
            offer = candidate.offer
            if offer.offer_id in declined or offer.beds < request.persons:
                continue
            for blocker_id in sorted(self.on_offer[offer.offer_id]):
                if blocker_id not in self.unmovable and self._frees_enough(
                    request, first, candidate, self.proposals[blocker_id]
                ):
                    self.work += 1
                    if self._move_elsewhere(blocker_id, offer.offer_id):
                        self._book(request, *self._fit_on(request, candidate))
                        return True
                    if remember:
                        self.unmovable.add(blocker_id)
        return False

    def _frees_enough(
        self, request: StayRequest, first: int, candidate: _Candidate, blocker: Proposal
    ) -> bool:
        free = self.ledger.free[candidate.offer.offer_id]
        blocker_first = self.arrival[blocker.request_id]
        blocker_end = blocker_first + blocker.nights
        return all(
            free[night - candidate.first]
            + (blocker.persons if blocker_first <= night < blocker_end else 0)
            >= request.persons
            for night in range(first, first + request.nights)
        )

    def _move_elsewhere(self, request_id: str, offer_id: str) -> bool:
        request = self.requests[request_id]
        target = self._best(request, excluded_offer=offer_id)
        if target is None:
            return False
        self._unbook(request_id)
        self._book(request, *target)
        return True

    def _fit_on(self, request: StayRequest, candidate: _Candidate) -> tuple[_Candidate, int, float]:
        spare = self.ledger.spare(
            candidate.offer.offer_id, self.arrival[request.request_id], request.nights
        )
        return candidate, spare, self._score(request, candidate, spare)

    def _score(self, request: StayRequest, candidate: _Candidate, spare: int) -> float:
        policy = self.policy
        score = candidate.base_score - policy.spare_bed_penalty * (spare - request.persons)
        score -= policy.host_load_penalty * self.host_load[candidate.offer.host_id]
        if request.languages & candidate.offer.languages:
            score += policy.language_bonus
        return score

    def _book(self, request: StayRequest, candidate: _Candidate, spare: int, score: float) -> None:
        offer = candidate.offer
        request_id = request.request_id
        load = self.host_load[offer.host_id]
        reasons = self.priority_reasons[request_id]
        self._enter(
            Proposal(
                request_id=request_id,
                offer_id=offer.offer_id,
                host_id=offer.host_id,
                first_night=request.arrival,
                nights=request.nights,
                persons=request.persons,
                score=round(score, 6),
                reasons=reasons + _fit_reasons(request, candidate, spare, load),
                override=candidate.override,
            )
        )
        self.journal.append((request_id, None))

    def _unbook(self, request_id: str) -> None:
        self.journal.append((request_id, self._leave(request_id)))

    def _enter(self, proposal: Proposal) -> None:
        request_id = proposal.request_id
        first = self.arrival[request_id]
        self.ledger.book(proposal.offer_id, first, proposal.nights, proposal.persons)
        self.on_offer[proposal.offer_id].append(request_id)
        self.host_load[proposal.host_id] += 1
        self.proposals[request_id] = proposal
        self.placed[segment_of(self.requests[request_id])] += proposal.persons
        self.weighted += self.value[request_id]

    def _leave(self, request_id: str) -> Proposal:
        proposal = self.proposals.pop(request_id)
        first = self.arrival[request_id]
        self.ledger.book(proposal.offer_id, first, proposal.nights, -proposal.persons)
        self.on_offer[proposal.offer_id].remove(request_id)
        self.host_load[proposal.host_id] -= 1
        self.placed[segment_of(self.requests[request_id])] -= proposal.persons
        self.weighted -= self.value[request_id]
        return proposal

    def _undo_to(self, mark: int) -> None:
        """Take back every booking and unbooking after the journal's mark, newest first."""
        while len(self.journal) > mark:
            request_id, before = self.journal.pop()
            if before is None:
                self._leave(request_id)
            else:
                self._enter(before)

    # --- the improvement pass: eject and reinsert ---------------------------------------------

    def improve(self, ordered: list[StayRequest], floors: Mapping[Segment, float]) -> None:
        """Place unplaced parties by taking parties of less value off an offer and placing
        those elsewhere, or leaving them out when the weighted value placed strictly grows;
        then repack offers one at a time (``repack``).

        A trial move is booked, judged and kept or undone whole. It is refused when it would
        leave a party in immediate danger without a bed, or take a segment below its floor.
        The value strictly grows with every kept move, so the pass ends; a budget of searches
        bounds its time on big instances. Unplaced parties are tried in order of weighted
        value per bed-night (then priority): under scarcity that is what the optimum keeps.
        """
        budget = min(_IMPROVEMENT_WORK * len(ordered), _IMPROVEMENT_WORK_CAP)
        rank = {r.request_id: i for i, r in enumerate(ordered)}

        def per_bed_night(request: StayRequest) -> tuple[float, int]:
            bed_nights = request.persons * request.nights
            return (-self.value[request.request_id] / bed_nights, rank[request.request_id])

        by_density = sorted(ordered, key=per_bed_night)
        for _ in range(_IMPROVEMENT_ROUNDS):
            self.waiting.clear()  # only the unplaced: the lists are scanned for every offer
            for request in by_density:
                if request.request_id not in self.proposals:
                    self.waiting[request.city, self.arrival[request.request_id]].append(request)
            improved = False
            for request in by_density:
                if request.request_id in self.proposals:
                    continue
                if self.work > budget:
                    return
                if self._insert(request, floors):
                    improved = True
            self.repack(floors, budget)
            if not improved:
                return

    def _insert(self, request: StayRequest, floors: Mapping[Segment, float]) -> bool:
        self.work += 1
        best = self._best(request)
        if best is not None:
            self._book(request, *best)
            self.gave_way.pop(request.request_id, None)
            return True
        value = self.value[request.request_id]
        first = self.arrival[request.request_id]
        nights = request.nights
        persons = request.persons
        declined = self.declined.get(request.request_id, ())
        moves: list[tuple[float, str, _Candidate, tuple[str, ...]]] = []
        for candidate in self.options(request):
            offer_id = candidate.offer.offer_id
            if candidate.offer.beds < persons or offer_id in declined:
                continue
            start = first - candidate.first
            free = self.ledger.free[offer_id][start : start + nights]
            cover = self._cover(offer_id, first, [persons - f for f in free])
            if cover is not None and cover[0] < _EJECTION_SLACK * value:
                moves.append((cover[0], offer_id, candidate, cover[1]))
        moves.sort(key=lambda move: (move[0], move[1]))
        for _cost, _offer_id, candidate, ejected in moves[:_MOVES_TRIED]:
            if self._try_move(request, candidate, ejected, floors):
                return True
        return False

    def _cover(
        self, offer_id: str, first: int, need: list[int]
    ) -> tuple[float, tuple[str, ...]] | None:
        """Parties on the offer whose leaving frees the beds needed on each night of a stay,
        chosen greedily by beds freed per unit of value lost: (value lost, request ids), or
        None when all of them together do not free enough."""
        self.work += 1
        nights = len(need)
        blockers: list[tuple[str, int, int, int, float]] = []  # id, from, to, persons, cost
        for request_id in sorted(self.on_offer[offer_id]):
            proposal = self.proposals[request_id]
            start = self.arrival[request_id] - first
            if start < nights and start + proposal.nights > 0:
                # A party in immediate danger costs its value too: the move is undone if it
                # finds no other bed.
                cost = self.value[request_id]
                low, high = max(start, 0), min(start + proposal.nights, nights)
                blockers.append((request_id, low, high, proposal.persons, cost))
        need = list(need)
        chosen: list[str] = []
        total = 0.0
        while max(need) > 0:
            pick: tuple[float, int] | None = None
            for index, (_id, low, high, persons, cost) in enumerate(blockers):
                freed = sum(min(need[i], persons) for i in range(low, high) if need[i] > 0)
                if freed and (pick is None or -freed / cost < pick[0]):
                    pick = (-freed / cost, index)
            if pick is None:
                return None
            request_id, low, high, persons, cost = blockers.pop(pick[1])
            chosen.append(request_id)
            for i in range(low, high):
                need[i] -= persons
            total += cost
        return total, tuple(chosen)

    def _try_move(
        self,
        request: StayRequest,
        candidate: _Candidate,
        ejected: tuple[str, ...],
        floors: Mapping[Segment, float],
    ) -> bool:
        """Book the move, then keep it only if it places strictly more weighted value without
        breaking the danger class or a floor; otherwise undo every booking it made."""
        mark = len(self.journal)
        weighted_before = self.weighted
        placed_before = Counter(self.placed)
        for request_id in ejected:
            self._unbook(request_id)
        self._book(request, *self._fit_on(request, candidate))
        for request_id in sorted(ejected, key=lambda i: (-self.value[i], i)):
            self.work += 1
            target = self._best(self.requests[request_id])
            if target is not None:
                self._book(self.requests[request_id], *target)
        left_out = [i for i in ejected if i not in self.proposals]
        for request_id in left_out:
            self.work += 1
            self.place_by_moving(self.requests[request_id], remember=False)
        left_out = [i for i in ejected if i not in self.proposals]
        if any(urgency_of(self.requests[i]) is Urgency.DANGER for i in left_out):
            self._undo_to(mark)
            return False
        filled = self._fill(left_out) if left_out else []
        return self._keep_if_better(
            mark, weighted_before, placed_before, floors, left_out, (request.request_id, *filled)
        )

    def _keep_if_better(
        self,
        mark: int,
        weighted_before: float,
        placed_before: Counter[Segment],
        floors: Mapping[Segment, float],
        left_out: Iterable[str],
        placed: tuple[str, ...],
    ) -> bool:
        """Keep a trial move if it places strictly more weighted value, nobody in immediate
        danger lost a bed and no segment fell below its floor; otherwise undo it whole."""
        left_out = [i for i in left_out if i not in self.proposals]
        below_floor = any(
            self.placed[segment] < share * self.requested[segment]
            and self.placed[segment] < placed_before[segment]
            for segment, share in floors.items()
        )
        if (
            below_floor
            or self.weighted <= weighted_before + 1e-9
            or any(urgency_of(self.requests[i]) is Urgency.DANGER for i in left_out)
        ):
            self._undo_to(mark)
            return False
        for request_id in placed:
            self.gave_way.pop(request_id, None)
        for request_id in left_out:
            self.gave_way[request_id] = placed[0]
        return True

    def repack(self, floors: Mapping[Segment, float], budget: int) -> None:
        """Empty one offer at a time and fill it again from its parties and the unplaced ones
        that fit it, the most value per bed-night first; parties that no longer fit there go
        elsewhere if they can. Kept only when the weighted value placed grows (as above)."""
        for offer in sorted(self.offer_by_id.values(), key=lambda o: (o.city, o.offer_id)):
            if self.work > budget:
                return
            if self.on_offer[offer.offer_id] and self.ledger.free[offer.offer_id]:
                self._repack(offer, floors)

    def _repack(self, offer: Offer, floors: Mapping[Segment, float]) -> bool:
        self.work += 1
        offer_id = offer.offer_id
        first = _night(offer.first_night)
        last = _night(offer.last_night)
        waiting: list[tuple[StayRequest, _Candidate]] = []
        for day in range(first, last + 1):
            for request in self.waiting.get((offer.city, day), ()):
                if (
                    request.request_id in self.proposals
                    or day + request.nights - 1 > last
                    or request.nights > offer.max_nights
                    or request.persons > offer.beds
                    or offer_id in self.declined.get(request.request_id, ())
                ):
                    continue
                candidate = self._candidate_on(request, offer)
                if candidate is not None:
                    waiting.append((request, candidate))
        if not waiting:
            return False
        mark = len(self.journal)
        weighted_before = self.weighted
        placed_before = Counter(self.placed)
        resident = sorted(self.on_offer[offer_id])
        candidate_of: dict[str, _Candidate | None] = {r.request_id: c for r, c in waiting}
        for request_id in resident:
            candidate_of[request_id] = self._candidate_on(self.requests[request_id], offer)
            self._unbook(request_id)
        pool = resident + [r.request_id for r, _ in waiting]
        emptied = len(self.journal)
        best_order: list[str] = []
        best_value = -1.0
        for key in (self._density_key, self._value_key, self._size_key):
            pool.sort(key=key)
            self._refill(offer, pool, resident, candidate_of)
            if self.weighted > best_value + 1e-9:
                best_order, best_value = list(pool), self.weighted
            self._undo_to(emptied)
        self._refill(offer, best_order, resident, candidate_of)
        gained = tuple(r.request_id for r, _ in waiting if r.request_id in self.proposals)
        if not gained:
            self._undo_to(mark)
            return False
        return self._keep_if_better(mark, weighted_before, placed_before, floors, resident, gained)

    def _refill(
        self,
        offer: Offer,
        pool: list[str],
        resident: list[str],
        candidate_of: Mapping[str, _Candidate | None],
    ) -> None:
        """Fill the emptied offer from the pool in its order, then send its former parties
        that did not get back in to their best offer elsewhere, if any has a bed."""
        free = self.ledger.free[offer.offer_id]
        first = _night(offer.first_night)
        for request_id in pool:
            request = self.requests[request_id]
            candidate = candidate_of[request_id]
            start = self.arrival[request_id] - first
            if candidate is None:
                continue
            if min(free[start : start + request.nights]) >= request.persons:
                self._book(request, *self._fit_on(request, candidate))
        for request_id in resident:
            if request_id not in self.proposals:
                self.work += 1
                target = self._best(self.requests[request_id])
                if target is not None:
                    self._book(self.requests[request_id], *target)

    def _value_key(self, request_id: str) -> tuple[float, float, int, str]:
        """Danger first, then the most weighted value, the shortest stay, then the id."""
        request = self.requests[request_id]
        danger = urgency_of(request) is Urgency.DANGER
        return (0.0 if danger else 1.0, -self.value[request_id], request.nights, request_id)

    def _size_key(self, request_id: str) -> tuple[float, int, int, str]:
        """Danger first, then the biggest party, the longest stay, then the id."""
        request = self.requests[request_id]
        danger = urgency_of(request) is Urgency.DANGER
        return (0.0 if danger else 1.0, -request.persons, -request.nights, request_id)

    def _density_key(self, request_id: str) -> tuple[float, float, str]:
        """Danger first, then the most weighted value per bed-night, then the id."""
        request = self.requests[request_id]
        danger = urgency_of(request) is Urgency.DANGER
        density = self.value[request_id] / (request.persons * request.nights)
        return (0.0 if danger else 1.0, -density, request_id)

    def _candidate_on(self, request: StayRequest, offer: Offer) -> _Candidate | None:
        """The pair as a candidate if the rules (or an override of the one rule) allow it."""
        profile = _profile(request, self.policy)
        broken = _rules_broken(profile, offer, self.policy)
        if not broken:
            key = (offer.offer_id, profile)
            cached = self.pair_cache.get(key)
            if cached is None:
                cached = self.pair_cache[key] = self._candidate(offer, profile, None)
            return cached
        for override in self._usable_overrides(request):
            if override.offer_id == offer.offer_id:
                return self._candidate(offer, profile, override)
        return None

    def _fill(self, left_out: list[str]) -> list[str]:
        """Unplaced parties that fit now in the nights the left-out parties gave up."""
        filled: list[str] = []
        tries = 0
        for request_id in left_out:
            left = self.requests[request_id]
            start = self.arrival[request_id]
            end = start + left.nights
            for day in range(start - self.longest + 1, end):
                for waiting in self.waiting.get((left.city, day), ()):
                    waiting_id = waiting.request_id
                    if waiting_id in self.proposals or day + waiting.nights <= start:
                        continue
                    if tries >= _FILL_TRIES:
                        return filled
                    tries += 1
                    self.work += 1
                    target = self._best(waiting)
                    if target is not None:
                        self._book(waiting, *target)
                        filled.append(waiting_id)
        return filled


def _fit_reasons(
    request: StayRequest, candidate: _Candidate, spare: int, host_load: int
) -> tuple[Reason, ...]:
    offer = candidate.offer
    reasons = [Reason("same_city", (("city", offer.city),))]
    common = sorted(request.languages & offer.languages)
    if common:
        reasons.append(Reason("speaks", (("language", common[0]),)))
    else:
        reasons.append(Reason("no_common_language"))
    reasons.append(Reason("best_fit", (("free", spare), ("beds", offer.beds))))
    if candidate.spare_capabilities == 0:
        reasons.append(Reason("keeps_scarce_beds_free"))
    if host_load:
        reasons.append(Reason("host_already_proposed", (("proposals", host_load),)))
    if request.needs_step_free:
        reasons.append(Reason("step_free_access"))
    if request.has_pets:
        reasons.append(Reason("pets_welcome"))
    if candidate.override is not None:
        o = candidate.override
        reasons.append(Reason("override", (("rule", o.rule.value), ("reason", o.reason))))
    return tuple(reasons)


def _priority_reasons(request: StayRequest) -> tuple[Reason, ...]:
    urgency = urgency_of(request)
    if urgency is Urgency.DANGER:
        return (Reason("priority_immediate_danger"),)
    if urgency is Urgency.CARE:
        need = "children" if request.children else "medical_needs"
        return (Reason("priority_care", (("need", need),)),)
    return (Reason("priority_waiting", (("since", request.created_at.isoformat()),)),)


def _priority_key(policy: Policy) -> Callable[[StayRequest], tuple[float, dt.datetime, str]]:
    # Higher weight first, then the longest wait, then the id so that ties never depend on
    # the input's order.
    def key(request: StayRequest) -> tuple[float, dt.datetime, str]:
        return (
            -weight_per_person(request, policy),
            request.created_at,
            request.request_id,
        )

    return key


def plan(instance: Instance, improve: bool = True) -> Plan:
    """The scoring greedy: danger first, then the segment floors, then everyone by priority;
    then the improvement pass (unless ``improve`` is false, for comparison).

    Each request takes the best-scoring offer that still has a bed on every night of the
    stay for the whole party; capacity only ever shrinks in the greedy, so a request that
    fails once is not retried there. The improvement pass then moves and exchanges parties
    only when the priority-weighted persons placed strictly grow, never leaving a party in
    immediate danger without a bed or a segment below its floor (docs/matching.md).
    """
    askable = tuple(o for o in instance.offers if not o.cannot_ask)
    if len(askable) == len(instance.offers):
        return _plan(instance, improve)
    # Hosts who cannot be asked through the portal take no part in the plan: a proposal to
    # them could not be approved. The parties left without a bed are then tried on their
    # offers alone, for the coordinator to contact by hand.
    main = _plan(replace(instance, offers=askable), improve)
    waiting = {u.request_id for u in main.unplaced}
    rest = replace(
        instance,
        offers=tuple(o for o in instance.offers if o.cannot_ask),
        requests=tuple(r for r in instance.requests if r.request_id in waiting),
    )
    by_hand_plan = _plan(rest, improve=False)
    offers = {o.offer_id: o for o in instance.offers}
    by_hand = tuple(
        replace(p, reasons=(_by_hand_reason(offers[p.offer_id]), *p.reasons))
        for p in by_hand_plan.proposals
    )
    found = {p.request_id: p for p in by_hand}
    unplaced = tuple(
        replace(u, reasons=(*u.reasons, _by_hand_reason(offers[found[u.request_id].offer_id])))
        if u.request_id in found
        else u
        for u in main.unplaced
    )
    return replace(main, unplaced=unplaced, by_hand=by_hand)


def _by_hand_reason(offer: Offer) -> Reason:
    return Reason("contact_by_hand", (("offer", offer.offer_id), ("why", offer.cannot_ask)))


def _plan(instance: Instance, improve: bool) -> Plan:
    policy = instance.policy
    greedy = _Greedy(instance)
    ordered = sorted(instance.requests, key=_priority_key(policy))
    tried: set[str] = set()
    placed: Counter[Segment] = Counter()

    def attempt(request: StayRequest, extra: tuple[Reason, ...] = ()) -> None:
        tried.add(request.request_id)
        if greedy.place(request, _priority_reasons(request) + extra):
            placed[segment_of(request)] += request.persons

    for request in ordered:
        if urgency_of(request) is Urgency.DANGER:
            attempt(request)
    requested = _persons_by_segment(instance.requests)
    for segment in Segment:
        target = policy.segment_floors.get(segment, 0.0) * requested[segment]
        floor_reason = (Reason("segment_floor", (("segment", segment.value),)),)
        for request in ordered:
            if placed[segment] >= target:
                break
            if segment_of(request) is segment and request.request_id not in tried:
                attempt(request, floor_reason)
    for request in ordered:
        if request.request_id not in tried:
            attempt(request)
    for request in ordered:
        if request.request_id not in greedy.proposals and greedy.place_by_moving(request):
            placed[segment_of(request)] += request.persons
    if improve:
        greedy.improve(ordered, policy.segment_floors)
    unplaced = [
        Unplaced(r.request_id, r.persons, _why_unplaced(greedy, r))
        for r in ordered
        if r.request_id not in greedy.proposals
    ]
    proposals = [
        greedy.proposals[r.request_id] for r in ordered if r.request_id in greedy.proposals
    ]
    return _assemble(instance, proposals, unplaced)


def _why_unplaced(greedy: _Greedy, request: StayRequest) -> tuple[Reason, ...]:
    search = greedy.search(request)
    city = ("city", request.city)
    stay = (("arrival", request.arrival.isoformat()), ("nights", request.nights))
    if search.in_city == 0:
        return (Reason("no_offer_in_city", (city,)),)
    if search.accepting == 0:
        blocking = _blocking_rules(greedy, request)
        return (
            Reason("no_host_accepts_party", (city, ("party", _party_label(request)), *blocking)),
        )
    if search.on_dates == 0:
        return (Reason("no_offer_on_dates", (city, *stay, ("accepting", search.accepting))),)
    if search.not_declined == 0:
        return (Reason("only_declined_offers", (city, ("declined", search.on_dates))),)
    full = Reason("all_full", (city, *stay, ("offers", search.not_declined)))
    displaced_by = greedy.gave_way.get(request.request_id)
    if displaced_by is None or displaced_by not in greedy.proposals:
        return (full,)
    # It had a bed until the improvement pass gave it to a party of more weighted value.
    return (full, Reason("gave_way", (("to", displaced_by),)))


def _blocking_rules(greedy: _Greedy, request: StayRequest) -> tuple[tuple[str, ParamValue], ...]:
    """How many of the city's offers each rule rules out, most blocking first."""
    counts: Counter[str] = Counter()
    for offer in greedy.offers_by_city[request.city]:
        counts.update(rule.value for rule in violated_rules(request, offer, greedy.policy))
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _party_label(request: StayRequest) -> str:
    if request.men_only:
        return "adult_men"
    if request.children:
        return "family_with_children"
    return "adults_with_men" if request.adult_men else "women"


def _persons_by_segment(requests: Iterable[StayRequest]) -> Counter[Segment]:
    counts: Counter[Segment] = Counter()
    for request in requests:
        counts[segment_of(request)] += request.persons
    return counts


def _assemble(instance: Instance, proposals: list[Proposal], unplaced: list[Unplaced]) -> Plan:
    policy = instance.policy
    requests = {r.request_id: r for r in instance.requests}
    placed: Counter[Segment] = Counter()
    weighted = 0.0
    for proposal in proposals:
        request = requests[proposal.request_id]
        placed[segment_of(request)] += request.persons
        weighted += request.persons * weight_per_person(request, policy)
    requested = _persons_by_segment(instance.requests)
    segments = tuple(
        SegmentPlacement(s, requested[s], placed[s], policy.segment_floors.get(s, 0.0))
        for s in Segment
    )
    return Plan(
        proposals=tuple(proposals),
        unplaced=tuple(unplaced),
        segments=segments,
        weighted_placed=weighted,
        weighted_requested=sum(r.persons * weight_per_person(r, policy) for r in instance.requests),
    )


# --- the spreadsheet baseline -----------------------------------------------------------------


def first_come_first_served(instance: Instance) -> Plan:
    """What volunteers do with a spreadsheet: requests in the order they came, each takes the
    first offer row in its city that accepts the party and has the beds on those nights."""
    ledger = _Ledger(instance.offers, instance.confirmed)
    by_city: dict[str, list[Offer]] = defaultdict(list)
    for row in instance.offers:
        by_city[row.city].append(row)
    proposals: list[Proposal] = []
    unplaced: list[Unplaced] = []
    for request in sorted(instance.requests, key=lambda r: (r.created_at, r.request_id)):
        offer = _first_fitting(instance, ledger, by_city[request.city], request)
        if offer is None:
            unplaced.append(Unplaced(request.request_id, request.persons, (Reason("no_fit"),)))
            continue
        ledger.book(offer.offer_id, _night(request.arrival), request.nights, request.persons)
        proposals.append(
            Proposal(
                request_id=request.request_id,
                offer_id=offer.offer_id,
                host_id=offer.host_id,
                first_night=request.arrival,
                nights=request.nights,
                persons=request.persons,
                score=0.0,
                reasons=(Reason("first_come_first_served"),),
            )
        )
    return _assemble(instance, proposals, unplaced)


def _first_fitting(
    instance: Instance, ledger: _Ledger, offers: list[Offer], request: StayRequest
) -> Offer | None:
    first = _night(request.arrival)
    for offer in offers:
        if (
            not offer.cannot_ask
            and request.nights <= offer.max_nights
            and (request.request_id, offer.offer_id) not in instance.declined
            and not violated_rules(request, offer, instance.policy)
            and ledger.spare(offer.offer_id, first, request.nights) >= request.persons
        ):
            return offer
    return None


# --- the independent check --------------------------------------------------------------------


def check_plan(instance: Instance, plan: Plan) -> list[str]:
    """Every way the plan breaks the instance's constraints; empty when it is feasible.

    Written apart from the greedy's ledger: occupancy is recounted night by night from the
    confirmed stays and the proposals, so a bookkeeping bug in the engine cannot hide here.
    """
    offers = {o.offer_id: o for o in instance.offers}
    requests = {r.request_id: r for r in instance.requests}
    overrides = {(o.request_id, o.offer_id): o for o in instance.overrides}
    problems: list[str] = []
    occupancy: Counter[tuple[str, dt.date]] = Counter()
    for stay in instance.confirmed:
        for i in range(stay.nights):
            occupancy[stay.offer_id, stay.first_night + dt.timedelta(days=i)] += stay.persons
    every = plan.proposals + plan.by_hand
    seen: Counter[str] = Counter(p.request_id for p in every)
    problems += [
        f"{rid}: proposed {n} times (split or doubled)" for rid, n in seen.items() if n > 1
    ]
    by_hand = set(plan.by_hand)
    for p in every:
        request, offer = requests.get(p.request_id), offers.get(p.offer_id)  # nosec B113  # a dict
        if request is None or offer is None:
            problems.append(f"{p.request_id}->{p.offer_id}: unknown request or offer")
            continue
        if offer.cannot_ask and p not in by_hand:
            problems.append(f"{p.request_id}->{p.offer_id}: proposed to a host who cannot be asked")
        if not offer.cannot_ask and p in by_hand:
            problems.append(f"{p.request_id}->{p.offer_id}: by hand, though the host can be asked")
        problems += _pair_problems(
            instance, request, offer, p, overrides.get((p.request_id, p.offer_id))
        )
        for i in range(p.nights):
            occupancy[p.offer_id, p.first_night + dt.timedelta(days=i)] += p.persons
    for (offer_id, night), persons in sorted(occupancy.items()):
        beds = offers[offer_id].beds if offer_id in offers else 0
        if persons > beds:
            problems.append(f"{offer_id} on {night}: {persons} persons in {beds} beds")
    parties: Counter[tuple[str, dt.date]] = Counter()
    for offer_id, first_night, nights in [
        (s.offer_id, s.first_night, s.nights) for s in instance.confirmed
    ] + [(p.offer_id, p.first_night, p.nights) for p in every]:
        if offer_id in offers and offers[offer_id].one_party:
            for i in range(nights):
                parties[offer_id, first_night + dt.timedelta(days=i)] += 1
    problems += [
        f"{offer_id} on {night}: {n} parties in a home that takes one at a time"
        for (offer_id, night), n in sorted(parties.items())
        if n > 1
    ]
    return problems


def _pair_problems(
    instance: Instance, request: StayRequest, offer: Offer, p: Proposal, override: Override | None
) -> list[str]:
    pair = f"{request.request_id}->{offer.offer_id}"
    problems = []
    if p.persons != request.persons:
        problems.append(f"{pair}: {p.persons} of a party of {request.persons} (group split)")
    if p.first_night != request.arrival or p.nights != request.nights:
        problems.append(f"{pair}: dates differ from the request")
    if offer.city != request.city:
        problems.append(f"{pair}: {offer.city} is not {request.city}")
    last_night = p.first_night + dt.timedelta(days=p.nights - 1)
    if p.first_night < offer.first_night or last_night > offer.last_night:
        problems.append(f"{pair}: outside the offer's availability")
    if p.nights > offer.max_nights:
        problems.append(f"{pair}: {p.nights} nights over the host's maximum {offer.max_nights}")
    if (request.request_id, offer.offer_id) in instance.declined:
        problems.append(f"{pair}: declined pair proposed again")
    broken = violated_rules(request, offer, instance.policy)
    waived = override.rule if override is not None else None
    problems += [f"{pair}: breaks {rule.value}" for rule in broken if rule != waived]
    if waived in broken and p.override != override:
        problems.append(f"{pair}: override of {waived} used but not reported")
    if p.override is not None and p.override != override:
        problems.append(f"{pair}: reports an override the coordinator did not give")
    return problems


# --- approval: is one proposal still good now? ------------------------------------------------


def approval_problems(
    instance: Instance, proposal: Proposal, also_booked: Iterable[ConfirmedStay] = ()
) -> tuple[Reason, ...]:
    """Why this proposal cannot be approved against the instance as it is now (the open
    requests, active offers, stays and approvals of this moment); empty when it can.

    ``also_booked`` are the proposals approved just before it in the same approval. Each
    proposal is judged on its own, so one that is no longer good never holds up the rest.
    """
    request = next((r for r in instance.requests if r.request_id == proposal.request_id), None)
    offer = next((o for o in instance.offers if o.offer_id == proposal.offer_id), None)
    if request is None:
        return (Reason("request_not_waiting"),)
    if offer is None:
        return (Reason("offer_withdrawn"),)
    if offer.cannot_ask:
        return (Reason("cannot_ask", (("why", offer.cannot_ask),)),)
    problems: list[Reason] = []
    last_night = proposal.first_night + dt.timedelta(days=proposal.nights - 1)
    if (
        proposal.first_night != request.arrival
        or proposal.nights != request.nights
        or proposal.persons != request.persons
        or offer.city != request.city
    ):
        problems.append(Reason("request_changed"))
    elif (
        proposal.first_night < offer.first_night
        or last_night > offer.last_night
        or proposal.nights > offer.max_nights
    ):
        problems.append(Reason("offer_dates_changed"))
    if (request.request_id, offer.offer_id) in instance.declined:
        problems.append(Reason("declined_pair"))
    waived = {
        o.rule
        for o in instance.overrides
        if (o.request_id, o.offer_id) == (request.request_id, offer.offer_id)
    }
    problems += [
        Reason("breaks_rule", (("rule", rule.value),))
        for rule in violated_rules(request, offer, instance.policy)
        if rule not in waived
    ]
    occupancy: Counter[dt.date] = Counter()
    for stay in (*instance.confirmed, *also_booked):
        if stay.offer_id == offer.offer_id:
            for i in range(stay.nights):
                # One party at a time: any party there takes the whole home.
                taken = offer.beds if offer.one_party else stay.persons
                occupancy[stay.first_night + dt.timedelta(days=i)] += taken
    for i in range(proposal.nights):
        night = proposal.first_night + dt.timedelta(days=i)
        if occupancy[night] + proposal.persons > offer.beds:
            problems.append(Reason("no_longer_free", (("night", night.isoformat()),)))
            break
    return tuple(problems)


def fingerprint(instance: Instance) -> dict[str, str]:
    """A digest of each part of the matcher's input: requests, offers, answers (stays and
    approvals holding beds), declined pairs, overrides and policy. A plan is out of date
    when a digest of the input as it is now differs from the one stored with the plan."""

    def digest(rows: Iterable[object]) -> str:
        canonical = sorted(json.dumps(row, sort_keys=True, default=_plain) for row in rows)
        return hashlib.sha256("\n".join(canonical).encode()).hexdigest()[:16]

    return {
        "requests": digest(instance.requests),
        "offers": digest(instance.offers),
        "answers": digest(instance.confirmed),
        "declined": digest(sorted(instance.declined)),
        "overrides": digest(instance.overrides),
        "policy": digest([instance.policy]),
    }


def _plain(value: object) -> object:
    """JSON for the input's dataclasses, dates and sets, the same in every process."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    raise TypeError(f"not plain: {type(value)}")


# --- explanations for people ------------------------------------------------------------------


def explain(instance: Instance, plan: Plan, passed_over: int = 2) -> dict[str, tuple[Reason, ...]]:
    """For each proposal, in plain terms: whether it is the only home in the city with a free
    bed for this party on these nights (``only_free_home``) or how many others had one
    (``other_free_homes``), and why the best ``passed_over`` other offers were not chosen
    (``passed_*{offer}``). Read against the finished plan: "full" means the plan gave that
    home's beds to others. The best others are those that had a bed (highest score first),
    then those whose host cannot be asked, full ones, wrong dates, declined, and last those
    whose rules exclude the party."""
    policy = instance.policy
    ledger = _Ledger(instance.offers, instance.confirmed)
    for p in plan.proposals + plan.by_hand:
        ledger.book(p.offer_id, _night(p.first_night), p.nights, p.persons)
    load = Counter(p.host_id for p in plan.proposals)
    offers = {o.offer_id: o for o in instance.offers}
    by_city: dict[str, list[Offer]] = defaultdict(list)
    for offer in sorted(instance.offers, key=lambda o: o.offer_id):
        by_city[offer.city].append(offer)
    waived = {(o.request_id, o.offer_id): o.rule for o in instance.overrides}
    requests = {r.request_id: r for r in instance.requests}
    explained: dict[str, tuple[Reason, ...]] = {}
    for proposal in plan.proposals:
        request = requests[proposal.request_id]
        chosen = offers[proposal.offer_id]
        first = _night(request.arrival)
        ranked: list[tuple[int, float, str, Reason]] = []
        free_homes = 0
        for offer in by_city[request.city]:
            if offer.offer_id == chosen.offer_id:
                continue
            pair = (request.request_id, offer.offer_id)
            broken = [r for r in violated_rules(request, offer, policy) if waived.get(pair) != r]
            spare = ledger.spare(offer.offer_id, first, request.nights)
            host_load = load[offer.host_id] - (offer.host_id == chosen.host_id)
            score = _plain_score(request, offer, spare, host_load, policy)
            ref = ("offer", offer.offer_id)
            if broken:
                rank, reason = 5, Reason("passed_rule", (ref, ("rule", broken[0].value)))
            elif pair in instance.declined:
                rank, reason = 4, Reason("passed_declined", (ref,))
            elif spare < 0 or request.nights > offer.max_nights:
                rank, reason = 3, Reason("passed_dates", (ref,))
            elif spare < request.persons:
                rank, reason = 2, Reason("passed_full", (ref,))
            elif offer.cannot_ask:
                rank, reason = 1, Reason("passed_cannot_ask", (ref, ("why", offer.cannot_ask)))
            else:
                free_homes += 1
                rank, reason = 0, _why_lower(request, chosen, offer, spare, host_load, load, policy)
            ranked.append((rank, -score, offer.offer_id, reason))
        ranked.sort(key=lambda item: item[:3])
        party = (
            ("men", request.adult_men),
            ("women", request.adult_women),
            ("children", request.children),
        )
        stay = (("arrival", request.arrival.isoformat()), ("nights", request.nights))
        city = ("city", request.city)
        headline = (
            Reason("only_free_home", (city, *party, *stay))
            if free_homes == 0
            else Reason("other_free_homes", (city, ("count", free_homes)))
        )
        explained[proposal.request_id] = (headline, *(r for *_k, r in ranked[:passed_over]))
    return explained


def _plain_score(
    request: StayRequest, offer: Offer, spare: int, host_load: int, policy: Policy
) -> float:
    """The greedy's score of this offer for this party, with the beds it has free now."""
    capabilities = _spare_capabilities(_profile(request, policy), offer, policy)
    score = -policy.scarce_capability_penalty * capabilities
    score -= policy.spare_bed_penalty * max(spare - request.persons, 0)
    score -= policy.host_load_penalty * host_load
    if request.languages & offer.languages:
        score += policy.language_bonus
    return score


def _why_lower(
    request: StayRequest,
    chosen: Offer,
    offer: Offer,
    spare: int,
    host_load: int,
    load: Counter[str],
    policy: Policy,
) -> Reason:
    """The main reason an offer that had a bed was not the one proposed."""
    ref = ("offer", offer.offer_id)
    if request.languages & chosen.languages and not request.languages & offer.languages:
        return Reason("passed_no_language", (ref,))
    profile = _profile(request, policy)
    if _spare_capabilities(profile, offer, policy) > _spare_capabilities(profile, chosen, policy):
        return Reason("passed_scarce", (ref,))
    if host_load > load[chosen.host_id] - 1:
        return Reason("passed_host_busy", (ref, ("proposals", host_load)))
    if spare - request.persons > 0:
        return Reason("passed_roomier", (ref, ("free", spare - request.persons)))
    return Reason("passed_equal", (ref,))
