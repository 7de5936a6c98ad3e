"""Case types, their stages, the transition rule, retyping and the intake mapping."""

from __future__ import annotations

import itertools

import pytest

from sanctuary.cases.stages import (
    INTAKE_STATUSES,
    LABELS,
    LOCATION_KINDS,
    STAGE_ORDER,
    CaseType,
    Stage,
    TransitionError,
    TransitionRefusal,
    allowed_next,
    check_transition,
    label,
    retype,
    stages_for,
    type_for_intake_status,
)

EVERY_TYPE = list(CaseType)
STATUSES = [
    "civilian",
    "summons_received",
    "conscript",
    "mobilized",
    "contract_soldier",
    "deserter",
    "abroad",
    "captivity",
]
LOCATIONS = ["russia", "occupied", "abroad"]


@pytest.mark.parametrize("case_type", EVERY_TYPE)
def test_it_starts_every_type_at_new_and_ends_at_closed(case_type: CaseType) -> None:
    stages = stages_for(case_type)
    assert stages[0] == Stage.NEW
    assert stages[-1] == Stage.CLOSED


@pytest.mark.parametrize("case_type", EVERY_TYPE)
def test_it_keeps_every_type_in_the_global_stage_order(case_type: CaseType) -> None:
    stages = stages_for(case_type)
    positions = [STAGE_ORDER.index(stage) for stage in stages]
    assert positions == sorted(set(positions))
    assert Stage.COUNSELLING in stages


def test_it_uses_stable_string_codes() -> None:
    assert [stage.value for stage in Stage] == [
        "new",
        "counselling",
        "route_chosen",
        "in_transit",
        "arrived",
        "application_filed",
        "closed",
    ]
    assert CaseType("deserter_russia") is CaseType.DESERTER_RUSSIA
    assert {case_type.value for case_type in CaseType}.isdisjoint({stage.value for stage in Stage})


def test_it_really_skips_the_stages_a_type_does_not_use() -> None:
    assert stages_for(CaseType.EMIGRE_HOUSING) == (
        Stage.NEW,
        Stage.COUNSELLING,
        Stage.ARRIVED,
        Stage.CLOSED,
    )
    assert stages_for(CaseType.RELATIVE) == (Stage.NEW, Stage.COUNSELLING, Stage.CLOSED)
    assert stages_for(CaseType.ASYLUM_APPLICANT) == (
        Stage.NEW,
        Stage.COUNSELLING,
        Stage.APPLICATION_FILED,
        Stage.CLOSED,
    )
    assert Stage.APPLICATION_FILED not in stages_for(CaseType.CONSCRIPT)
    assert Stage.IN_TRANSIT in stages_for(CaseType.CONSCRIPT)
    for case_type in (CaseType.MOBILIZED, CaseType.CONTRACT_SOLDIER, CaseType.DESERTER_RUSSIA):
        assert stages_for(case_type) == STAGE_ORDER


def test_it_allows_forward_to_any_later_stage_and_back_one_step() -> None:
    assert allowed_next(CaseType.DESERTER_RUSSIA, Stage.ROUTE_CHOSEN) == (
        Stage.COUNSELLING,
        Stage.IN_TRANSIT,
        Stage.ARRIVED,
        Stage.APPLICATION_FILED,
        Stage.CLOSED,
    )
    assert allowed_next(CaseType.CONSCRIPT, Stage.NEW) == (
        Stage.COUNSELLING,
        Stage.ROUTE_CHOSEN,
        Stage.IN_TRANSIT,
        Stage.ARRIVED,
        Stage.CLOSED,
    )
    # Back one step means one step of this type: the émigré's arrived goes back to counselling.
    assert allowed_next(CaseType.EMIGRE_HOUSING, Stage.ARRIVED) == (
        Stage.COUNSELLING,
        Stage.CLOSED,
    )


def test_it_lets_a_relatives_case_close_right_after_counselling() -> None:
    check_transition(CaseType.RELATIVE, Stage.COUNSELLING, Stage.CLOSED)
    assert allowed_next(CaseType.RELATIVE, Stage.COUNSELLING) == (Stage.NEW, Stage.CLOSED)


@pytest.mark.parametrize("case_type", EVERY_TYPE)
def test_it_closes_from_every_stage_and_reopens_only_into_counselling(
    case_type: CaseType,
) -> None:
    for stage in stages_for(case_type)[:-1]:
        check_transition(case_type, stage, Stage.CLOSED)
    assert allowed_next(case_type, Stage.CLOSED) == (Stage.COUNSELLING,)
    check_transition(case_type, Stage.CLOSED, Stage.COUNSELLING)


@pytest.mark.parametrize("case_type", EVERY_TYPE)
def test_it_agrees_between_allowed_next_and_check_transition(case_type: CaseType) -> None:
    for from_stage, to_stage in itertools.product(Stage, Stage):
        allowed = to_stage in allowed_next(case_type, from_stage)
        try:
            check_transition(case_type, from_stage, to_stage)
        except TransitionError:
            assert not allowed
        else:
            assert allowed


@pytest.mark.parametrize(
    ("case_type", "from_stage", "to_stage", "code"),
    [
        (CaseType.MOBILIZED, Stage.ARRIVED, Stage.COUNSELLING, "back_more_than_one_step"),
        (CaseType.MOBILIZED, Stage.IN_TRANSIT, Stage.IN_TRANSIT, "same_stage"),
        (CaseType.EMIGRE_HOUSING, Stage.COUNSELLING, Stage.IN_TRANSIT, "to_stage_not_in_type"),
        (CaseType.RELATIVE, Stage.ARRIVED, Stage.CLOSED, "from_stage_not_in_type"),
        (CaseType.CONSCRIPT, Stage.CLOSED, Stage.ARRIVED, "reopen_only_to_counselling"),
        (CaseType.CONSCRIPT, Stage.CLOSED, Stage.NEW, "reopen_only_to_counselling"),
    ],
)
def test_it_refuses_transitions_with_a_clear_code(
    case_type: CaseType, from_stage: Stage, to_stage: Stage, code: str
) -> None:
    with pytest.raises(TransitionError) as refused:
        check_transition(case_type, from_stage, to_stage)
    assert refused.value.code == TransitionRefusal(code)
    assert str(from_stage) in str(refused.value)
    assert str(to_stage) in str(refused.value)


def test_it_offers_nothing_from_a_stage_the_type_does_not_have() -> None:
    assert allowed_next(CaseType.ASYLUM_APPLICANT, Stage.IN_TRANSIT) == ()


@pytest.mark.parametrize(
    ("old_type", "stage", "new_type", "landing"),
    [
        # Same stage when the new type has it.
        (CaseType.CONSCRIPT, Stage.IN_TRANSIT, CaseType.DESERTER_RUSSIA, Stage.IN_TRANSIT),
        (CaseType.DESERTER_ABROAD, Stage.APPLICATION_FILED, CaseType.ASYLUM_APPLICANT,
         Stage.APPLICATION_FILED),
        (CaseType.MOBILIZED, Stage.CLOSED, CaseType.RELATIVE, Stage.CLOSED),
        # Else the nearest earlier stage it has, never a later one.
        (CaseType.DESERTER_RUSSIA, Stage.IN_TRANSIT, CaseType.EMIGRE_HOUSING, Stage.COUNSELLING),
        (CaseType.DESERTER_RUSSIA, Stage.ARRIVED, CaseType.ASYLUM_APPLICANT, Stage.COUNSELLING),
        (CaseType.DESERTER_ABROAD, Stage.APPLICATION_FILED, CaseType.CONSCRIPT, Stage.ARRIVED),
        (CaseType.CONSCRIPT, Stage.ROUTE_CHOSEN, CaseType.RELATIVE, Stage.COUNSELLING),
        (CaseType.EMIGRE_HOUSING, Stage.NEW, CaseType.RELATIVE, Stage.NEW),
    ],
)  # fmt: skip
def test_it_retypes_to_the_same_or_nearest_earlier_stage(
    old_type: CaseType, stage: Stage, new_type: CaseType, landing: Stage
) -> None:
    assert retype(old_type, stage, new_type) == landing


def test_it_lands_every_retype_on_a_stage_of_the_new_type_no_later_than_before() -> None:
    for old_type, new_type in itertools.product(CaseType, CaseType):
        for stage in stages_for(old_type):
            landing = retype(old_type, stage, new_type)
            assert landing in stages_for(new_type)
            assert STAGE_ORDER.index(landing) <= STAGE_ORDER.index(stage)


def test_it_refuses_to_retype_from_a_stage_the_old_type_lacks() -> None:
    with pytest.raises(TransitionError) as refused:
        retype(CaseType.RELATIVE, Stage.IN_TRANSIT, CaseType.MOBILIZED)
    assert refused.value.code == TransitionRefusal.FROM_STAGE_NOT_IN_TYPE


def test_it_lists_the_intake_questionnaires_statuses_and_locations() -> None:
    assert list(INTAKE_STATUSES) == STATUSES
    assert list(LOCATION_KINDS) == LOCATIONS


@pytest.mark.parametrize("on_behalf", [False, True])
@pytest.mark.parametrize("location_kind", LOCATIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_it_maps_every_intake_status_and_location_to_a_type(
    status: str, location_kind: str, on_behalf: bool
) -> None:
    case_type = type_for_intake_status(status, location_kind, on_behalf)
    assert case_type in CaseType
    assert (case_type == CaseType.RELATIVE) == on_behalf
    # Occupied territory is under Russian control: it maps like Russia.
    if location_kind == "occupied":
        assert case_type == type_for_intake_status(status, "russia", on_behalf)


@pytest.mark.parametrize(
    ("status", "location_kind", "expected"),
    [
        ("civilian", "russia", CaseType.CONSCRIPT),
        ("civilian", "abroad", CaseType.EMIGRE_HOUSING),
        ("summons_received", "russia", CaseType.CONSCRIPT),
        ("summons_received", "abroad", CaseType.EMIGRE_HOUSING),
        ("conscript", "abroad", CaseType.CONSCRIPT),
        ("mobilized", "occupied", CaseType.MOBILIZED),
        ("contract_soldier", "russia", CaseType.CONTRACT_SOLDIER),
        ("deserter", "russia", CaseType.DESERTER_RUSSIA),
        ("deserter", "occupied", CaseType.DESERTER_RUSSIA),
        ("deserter", "abroad", CaseType.DESERTER_ABROAD),
        ("abroad", "abroad", CaseType.EMIGRE_HOUSING),
        ("abroad", "russia", CaseType.CONSCRIPT),
        ("captivity", "abroad", CaseType.DESERTER_ABROAD),
        ("captivity", "occupied", CaseType.DESERTER_ABROAD),
    ],
)
def test_it_maps_intake_statuses_as_documented(
    status: str, location_kind: str, expected: CaseType
) -> None:
    assert type_for_intake_status(status, location_kind, on_behalf=False) == expected


@pytest.mark.parametrize(("status", "location_kind"), [("veteran", "russia"), ("abroad", "moon")])
def test_it_refuses_unknown_intake_values(status: str, location_kind: str) -> None:
    with pytest.raises(ValueError, match="unknown"):
        type_for_intake_status(status, location_kind, on_behalf=True)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_it_labels_every_type_and_stage_in_english_and_russian(language: str) -> None:
    codes = {*CaseType, *Stage}
    assert set(LABELS[language]) == codes
    for code in codes:
        assert label(code, language).strip()
    assert set(LABELS) == {"en", "ru"}


def test_it_has_russian_labels_that_are_not_english_copies() -> None:
    assert all(LABELS["ru"][code] != LABELS["en"][code] for code in LABELS["en"])
    assert label(Stage.IN_TRANSIT, "ru") == "В пути"
