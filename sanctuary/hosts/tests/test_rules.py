"""The vetting rules and the tier policy, as plain Python (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctuary.hosts import vetting
from sanctuary.hosts.policy import tier_allows
from sanctuary.hosts.vetting import Step, VettingRefused, next_tier

ALICE, BOB = 1, 2


def test_it_raises_an_interviewed_host_to_tier_1_and_keeps_a_higher_tier() -> None:
    assert next_tier(0, [], vetting.INTERVIEW, ALICE) == 1
    assert next_tier(2, [], vetting.INTERVIEW, ALICE) == 2


def test_it_needs_identity_reference_and_another_coordinator_for_tier_2() -> None:
    steps = [Step(vetting.INTERVIEW, ALICE)]
    with pytest.raises(VettingRefused) as refused:
        next_tier(1, steps, vetting.SECOND_APPROVAL, BOB)
    assert refused.value.code == "identity_first"
    steps.append(Step(vetting.IDENTITY_SEEN, ALICE))
    with pytest.raises(VettingRefused) as refused:
        next_tier(1, steps, vetting.SECOND_APPROVAL, BOB)
    assert refused.value.code == "reference_first"
    steps.append(Step(vetting.REFERENCE, ALICE))
    with pytest.raises(VettingRefused) as refused:
        next_tier(1, steps, vetting.SECOND_APPROVAL, ALICE)
    assert refused.value.code == "same_coordinator"
    assert next_tier(1, steps, vetting.SECOND_APPROVAL, BOB) == 2


def test_it_refuses_a_second_approval_before_the_interview_or_after_tier_2() -> None:
    steps = [Step(vetting.IDENTITY_SEEN, ALICE), Step(vetting.REFERENCE, ALICE)]
    with pytest.raises(VettingRefused) as refused:
        next_tier(0, steps, vetting.SECOND_APPROVAL, BOB)
    assert refused.value.code == "interview_first"
    with pytest.raises(VettingRefused) as refused:
        next_tier(2, steps, vetting.SECOND_APPROVAL, BOB)
    assert refused.value.code == "already_tier_2"


def test_it_voids_the_evidence_before_a_downgrade() -> None:
    steps = [
        Step(vetting.INTERVIEW, ALICE),
        Step(vetting.IDENTITY_SEEN, ALICE),
        Step(vetting.REFERENCE, ALICE),
        Step(vetting.SECOND_APPROVAL, BOB),
    ]
    assert next_tier(2, steps, vetting.DOWNGRADE, ALICE, target=1) == 1
    steps.append(Step(vetting.DOWNGRADE, ALICE))
    with pytest.raises(VettingRefused) as refused:
        next_tier(1, steps, vetting.SECOND_APPROVAL, BOB)
    assert refused.value.code == "identity_first"


@given(tier=st.integers(0, 2), target=st.one_of(st.none(), st.integers(-3, 5)))
def test_it_only_lowers_the_tier_with_a_downgrade(tier: int, target: int | None) -> None:
    try:
        after = next_tier(tier, [], vetting.DOWNGRADE, ALICE, target=target)
    except VettingRefused as refused:
        assert refused.code == "not_lower"
        assert target is None or not 0 <= target < tier
    else:
        assert target is not None and 0 <= after == target < tier


def test_it_refuses_an_unknown_step() -> None:
    with pytest.raises(VettingRefused):
        next_tier(1, [], "bribe", ALICE)


def test_it_tells_what_a_tier_allows_under_the_default_policy() -> None:
    allows = [tier_allows(t, min_tier_for_guests=1, min_tier_for_children=2) for t in (0, 1, 2)]
    assert [(a.guests, a.families) for a in allows] == [(False, False), (True, False), (True, True)]


@given(tier=st.integers(0, 2), guests=st.integers(0, 2), children=st.integers(0, 2))
def test_it_never_lets_families_go_where_guests_may_not(
    tier: int, guests: int, children: int
) -> None:
    allows = tier_allows(tier, min_tier_for_guests=guests, min_tier_for_children=children)
    assert allows.guests == (tier >= guests)
    assert allows.families == (tier >= guests and tier >= children)
