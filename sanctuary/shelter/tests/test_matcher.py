"""Hand-checked instances: the expected plan is written out by hand in each test."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sanctuary.shelter.matcher import (
    ConfirmedStay,
    Instance,
    Offer,
    Override,
    Plan,
    Policy,
    Proposal,
    Rule,
    Segment,
    StayRequest,
    check_plan,
    first_come_first_served,
    plan,
)

DAY = dt.date(2022, 9, 22)
REGISTERED = dt.datetime(2022, 9, 21, 12, 0)


def night(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def offer(offer_id: str, beds: int = 1, **fields: object) -> Offer:
    values: dict[str, object] = {
        "offer_id": offer_id,
        "host_id": f"host-{offer_id}",
        "city": "Uralsk",
        "beds": beds,
        "first_night": night(0),
        "last_night": night(9),
        "max_nights": 10,
        "tier": 2,
        "languages": frozenset({"ru"}),
    }
    return Offer(**{**values, **fields})  # type: ignore[arg-type]


def request(request_id: str, arrival: int = 0, nights: int = 1, **fields: object) -> StayRequest:
    values: dict[str, object] = {
        "request_id": request_id,
        "city": "Uralsk",
        "arrival": night(arrival),
        "nights": nights,
        "created_at": REGISTERED,
        "adult_men": 1,
        "adult_women": 0,
        "languages": frozenset({"ru"}),
    }
    return StayRequest(**{**values, **fields})  # type: ignore[arg-type]


def pairs(result: Plan) -> dict[str, str]:
    return {p.request_id: p.offer_id for p in result.proposals}


def proposal(result: Plan, request_id: str) -> Proposal:
    return next(p for p in result.proposals if p.request_id == request_id)


def codes(result: Plan, request_id: str) -> list[str]:
    found = [p.reasons for p in result.proposals if p.request_id == request_id]
    found += [u.reasons for u in result.unplaced if u.request_id == request_id]
    return [reason.code for reason in found[0]]


def test_it_fills_a_bed_with_staggered_stays_night_by_night() -> None:
    # Two beds: a fills nights 0-1, b nights 1-2, c nights 2-3. Night 1 and night 2 each hold
    # two guests, so all three fit; d (nights 1-2) would make three on night 1 and stays out.
    instance = Instance(
        offers=(offer("o1", beds=2),),
        requests=(
            request("a", 0, 2),
            request("b", 1, 2),
            request("c", 2, 2),
            request("d", 1, 2, created_at=REGISTERED + dt.timedelta(hours=1)),
        ),
    )
    result = plan(instance)
    assert pairs(result) == {"a": "o1", "b": "o1", "c": "o1"}
    assert [u.request_id for u in result.unplaced] == ["d"]
    assert codes(result, "d") == ["all_full"]
    assert check_plan(instance, result) == []


def test_it_never_books_a_stay_strictly_inside_another_on_one_bed() -> None:
    # The earlier tool's bug: a confirmed stay on nights 3-4 lies strictly inside the requested
    # nights 2-6 and touches neither end; the single bed is taken on nights 3 and 4.
    instance = Instance(
        offers=(offer("o1"),),
        requests=(request("long", 2, 5),),
        confirmed=(ConfirmedStay("o1", night(3), 2, 1),),
    )
    for result in (plan(instance), first_come_first_served(instance)):
        assert pairs(result) == {}
    # The same holds when the inner stay is a proposal of the same run.
    instance = Instance(
        offers=(offer("o1"),),
        requests=(
            request("inner", 3, 2, immediate_danger=True),
            request("long", 2, 5),
        ),
    )
    assert pairs(plan(instance)) == {"inner": "o1"}


def test_it_keeps_a_family_of_four_whole() -> None:
    family = request("family", adult_men=1, adult_women=1, children=2)
    instance = Instance(offers=(offer("o1", beds=2), offer("o2", beds=2)), requests=(family,))
    result = plan(instance)
    assert pairs(result) == {}
    assert codes(result, "family") == ["all_full"]
    assert pairs(first_come_first_served(instance)) == {}


def test_it_never_sends_an_adult_man_to_a_women_only_household_without_an_override() -> None:
    household = offer("o1", women_only=True, accepts_men_only_parties=False)
    man = request("man")
    instance = Instance(offers=(household,), requests=(man,))
    result = plan(instance)
    assert pairs(result) == {}
    assert codes(result, "man") == ["no_host_accepts_party"]
    assert result.unplaced[0].reasons[0].param("women_only") == 1

    # One override of one rule is not enough when the pair breaks two rules ...
    waive_women_only = Override("man", "o1", Rule.WOMEN_ONLY, "host's brother, vouched for")
    assert pairs(plan(dataclasses.replace(instance, overrides=(waive_women_only,)))) == {}
    # ... and is used, and reported, when it is the only rule in the way.
    household = offer("o1", women_only=True)
    overridden = Instance(offers=(household,), requests=(man,), overrides=(waive_women_only,))
    result = plan(overridden)
    assert pairs(result) == {"man": "o1"}
    assert result.overrides_used == (waive_women_only,)
    assert "override" in codes(result, "man")
    assert check_plan(overridden, result) == []
    # The check refuses the same plan when the override is gone.
    assert check_plan(dataclasses.replace(overridden, overrides=()), result) == [
        "man->o1: breaks women_only",
        "man->o1: reports an override the coordinator did not give",
    ]


def test_it_refuses_an_override_without_a_written_reason() -> None:
    with pytest.raises(ValueError, match="written reason"):
        Override("man", "o1", Rule.WOMEN_ONLY, "  ")
    with pytest.raises(ValueError, match="one override per pair"):
        Instance(
            offers=(),
            requests=(),
            overrides=(
                Override("man", "o1", Rule.WOMEN_ONLY, "vouched"),
                Override("man", "o1", Rule.HOST_TIER, "vouched"),
            ),
        )


def test_it_gives_a_tier_0_host_no_guests() -> None:
    instance = Instance(offers=(offer("o1", tier=0, beds=5),), requests=(request("a"),))
    assert pairs(plan(instance)) == {}
    assert pairs(first_come_first_served(instance)) == {}
    assert plan(instance).unplaced[0].reasons[0].param("host_tier") == 1


def test_it_sends_families_with_children_only_to_tier_2() -> None:
    family = request("family", adult_women=1, adult_men=0, children=1)
    instance = Instance(
        offers=(offer("o1", beds=4, tier=1), offer("o2", beds=4, tier=2)),
        requests=(family, request("man")),
    )
    result = plan(instance)
    assert proposal(result, "family").offer_id == "o2"
    # The man takes the tier-1 bed: it keeps the tier-2 home free for children.
    assert proposal(result, "man").offer_id == "o1"
    no_tier_2 = dataclasses.replace(instance, offers=(offer("o1", beds=4, tier=1),))
    assert pairs(plan(no_tier_2)) == {"man": "o1"}


def test_it_never_proposes_a_declined_pair_again() -> None:
    instance = Instance(
        offers=(offer("o1"), offer("o2")),
        requests=(request("a"),),
        declined=frozenset({("a", "o1")}),
    )
    assert pairs(plan(instance)) == {"a": "o2"}
    assert pairs(first_come_first_served(instance)) == {"a": "o2"}
    only_declined = dataclasses.replace(instance, offers=(offer("o1"),))
    result = plan(only_declined)
    assert pairs(result) == {}
    assert codes(result, "a") == ["only_declined_offers"]


def test_it_gives_the_last_bed_to_the_person_in_immediate_danger() -> None:
    early = request("waiting", created_at=REGISTERED - dt.timedelta(days=3))
    danger = request("danger", immediate_danger=True)
    instance = Instance(offers=(offer("o1"),), requests=(early, danger))
    result = plan(instance)
    assert pairs(result) == {"danger": "o1"}
    assert codes(result, "danger")[0] == "priority_immediate_danger"
    # The spreadsheet gives it to whoever wrote first.
    assert pairs(first_come_first_served(instance)) == {"waiting": "o1"}


def test_it_explains_every_proposal_and_every_refusal() -> None:
    instance = Instance(
        offers=(offer("o1", beds=3, languages=frozenset({"ru", "kk"})),),
        requests=(
            request("pair", adult_men=2, medical_needs=True),
            request("nobed", arrival=5, city="Almaty"),
        ),
    )
    result = plan(instance)
    reasons = {r.code: dict(r.params) for r in proposal(result, "pair").reasons}
    assert reasons["priority_care"] == {"need": "medical_needs"}
    assert reasons["same_city"] == {"city": "Uralsk"}
    assert reasons["speaks"] == {"language": "ru"}
    assert reasons["best_fit"] == {"free": 3, "beds": 3}
    assert result.unplaced[0].reasons[0].code == "no_offer_in_city"
    assert result.unplaced[0].reasons[0].param("city") == "Almaty"


def test_it_spreads_proposals_over_hosts_of_equal_fit() -> None:
    instance = Instance(
        offers=(offer("o1", beds=2), offer("o2", beds=2)),
        requests=(request("a"), request("b")),
    )
    # Without the load penalty both would go to o1 (the lower id at equal score).
    assert pairs(plan(instance)) == {"a": "o1", "b": "o2"}
    packed = dataclasses.replace(instance, policy=Policy(host_load_penalty=0.0))
    assert pairs(plan(packed)) == {"a": "o1", "b": "o1"}


def test_it_respects_the_window_and_the_hosts_maximum_nights() -> None:
    instance = Instance(
        offers=(offer("o1", last_night=night(2)), offer("o2", max_nights=2)),
        requests=(request("a", arrival=1, nights=3),),
    )
    result = plan(instance)
    assert pairs(result) == {}
    assert codes(result, "a") == ["no_offer_on_dates"]


def test_it_moves_a_proposed_party_to_make_room() -> None:
    # "a" (danger) takes the only family-capable home first, at equal score with o2;
    # the family then fits only if "a" moves to o2.
    instance = Instance(
        offers=(offer("o1", beds=3), offer("o2", beds=1, accepts_children=False)),
        requests=(
            request("a", immediate_danger=True, languages=frozenset({"en"})),
            request("family", adult_men=1, adult_women=1, children=1),
        ),
        policy=Policy(scarce_capability_penalty=0.0, language_bonus=0.0),
    )
    result = plan(instance)
    assert pairs(result) == {"a": "o2", "family": "o1"}
    assert check_plan(instance, result) == []


def test_it_reports_placement_per_segment() -> None:
    instance = Instance(
        offers=(offer("o1", beds=2),),
        requests=(
            request("man"),
            request("m2"),
            request("woman", adult_men=0, adult_women=1, created_at=REGISTERED - dt.timedelta(1)),
        ),
    )
    # Without a floor the two beds go to the longest waiting: the woman, then "m2" (id order).
    no_floor = plan(dataclasses.replace(instance, policy=Policy(segment_floors={})))
    assert pairs(no_floor) == {"woman": "o1", "m2": "o1"}
    # With a floor of all single men, both men are placed before the general order runs.
    floors = {Segment.SINGLE_MEN: 1.0}
    result = plan(dataclasses.replace(instance, policy=Policy(segment_floors=floors)))
    assert pairs(result) == {"m2": "o1", "man": "o1"}
    assert "segment_floor" in codes(result, "man")
    segments = {s.segment: (s.persons_placed, s.persons_requested) for s in result.segments}
    assert segments[Segment.SINGLE_MEN] == (2, 2)
    assert segments[Segment.SINGLE_WOMEN] == (0, 1)
    assert segments[Segment.FAMILIES_WITH_CHILDREN] == (0, 0)
    assert [s.floor_met for s in result.segments] == [True, True, True, True]


def test_it_reports_what_check_plan_finds_in_a_bad_plan() -> None:
    instance = Instance(offers=(offer("o1"),), requests=(request("a"), request("b")))
    overbooked = dataclasses.replace(
        plan(instance),
        proposals=(
            Proposal("a", "o1", "host-o1", night(0), 1, 1, 0.0, ()),
            Proposal("b", "o1", "host-o1", night(0), 1, 1, 0.0, ()),
        ),
    )
    assert check_plan(instance, overbooked) == [f"o1 on {night(0)}: 2 persons in 1 beds"]


def test_it_moves_two_proposed_parties_to_make_room_for_a_family() -> None:
    # Two men in immediate danger speak English, like the host of the only home that takes
    # children, and both go there first. The family then needs all three beds: moving one man
    # is not enough (the one-move pass fails), moving both to the plain single beds is.
    english = frozenset({"en"})
    instance = Instance(
        offers=(
            offer("o1", beds=3, languages=frozenset({"ru", "en"})),
            offer("o2", accepts_children=False),
            offer("o3", accepts_children=False),
        ),
        requests=(
            request("a", immediate_danger=True, languages=english),
            request("b", immediate_danger=True, languages=english),
            request("family", adult_men=1, adult_women=1, children=1),
        ),
    )
    assert pairs(plan(instance, improve=False)) == {"a": "o1", "b": "o1"}
    result = plan(instance)
    assert pairs(result) == {"a": "o2", "b": "o3", "family": "o1"}
    assert check_plan(instance, result) == []
    # The moved parties carry the reasons of where they are now, not of where they were.
    reasons = {r.code: dict(r.params) for r in proposal(result, "a").reasons}
    assert codes(result, "a")[0] == "priority_immediate_danger"
    assert reasons["best_fit"] == {"free": 1, "beds": 1}
    assert "no_common_language" in reasons
    assert "keeps_scarce_beds_free" in reasons
    assert "speaks" not in reasons


def test_it_gives_one_long_family_stay_up_for_two_shorter_ones() -> None:
    # Three beds; the family that wrote first stays six nights. Two families of three who
    # wrote later stay three nights each, one after the other: together they are worth twice
    # as much, so the improvement pass places them and says who the first family gave way to.
    family = {"adult_men": 1, "adult_women": 1, "children": 1}
    instance = Instance(
        offers=(offer("o1", beds=3),),
        requests=(
            request("long", 0, 6, created_at=REGISTERED - dt.timedelta(days=1), **family),
            request("early", 0, 3, **family),
            request("late", 3, 3, **family),
        ),
    )
    assert pairs(plan(instance, improve=False)) == {"long": "o1"}
    result = plan(instance)
    assert pairs(result) == {"early": "o1", "late": "o1"}
    assert codes(result, "long") == ["all_full", "gave_way"]
    assert result.unplaced[0].reasons[1].param("to") == "early"
    assert result.weighted_placed == 12.0
    assert check_plan(instance, result) == []


def test_it_gives_one_long_stay_on_one_bed_up_only_for_more_weighted_value() -> None:
    # One bed: a man who wrote first for nights 0-3, two men for nights 0-1 and 2-3.
    long_stay = request("long", 0, 4, created_at=REGISTERED - dt.timedelta(days=1))
    instance = Instance(
        offers=(offer("o1"),),
        requests=(long_stay, request("first", 0, 2), request("second", 2, 2)),
    )
    assert pairs(plan(instance, improve=False)) == {"long": "o1"}
    assert pairs(plan(instance)) == {"first": "o1", "second": "o1"}
    # With medical needs the long stay weighs 2, as much as both short ones: it keeps its bed.
    medical = dataclasses.replace(long_stay, medical_needs=True)
    same_value = dataclasses.replace(instance, requests=(medical, *instance.requests[1:]))
    assert pairs(plan(same_value)) == {"long": "o1"}
    # A party in immediate danger never gives its bed up, whatever the others are worth.
    danger = dataclasses.replace(long_stay, immediate_danger=True)
    short = [request(f"s{n}", n) for n in range(4)]
    in_danger = dataclasses.replace(instance, requests=(danger, *short))
    assert pairs(plan(in_danger)) == {"long": "o1"}


def test_it_does_not_trade_the_single_men_floor_for_weighted_value() -> None:
    # Three beds; two single men, then a family of three that needs all of them. The floor
    # (half the single men) places the first man before the family; the family would be
    # worth more than both men, but taking them off would leave the floor unmet.
    instance = Instance(
        offers=(offer("o1", beds=3),),
        requests=(
            request("m1", 0, 2, created_at=REGISTERED - dt.timedelta(days=1)),
            request("m2", 0, 2),
            request("family", 0, 2, adult_men=1, adult_women=1, children=1),
        ),
    )
    result = plan(instance)
    assert pairs(result) == {"m1": "o1", "m2": "o1"}
    assert all(segment.floor_met for segment in result.segments)
    # Without a floor the family goes first by priority (care before waiting time).
    no_floor = plan(dataclasses.replace(instance, policy=Policy(segment_floors={})))
    assert pairs(no_floor) == {"family": "o1"}
