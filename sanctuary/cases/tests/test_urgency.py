"""The urgency score: hand-checked cases and properties that must hold for any case."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sanctuary.cases.stages import CaseType, Stage
from sanctuary.cases.urgency import (
    DEFAULT_WEIGHTS,
    FORMATTERS,
    LANGUAGES,
    MAX_SCORE,
    MESSAGES,
    CriminalCase,
    Level,
    Reason,
    ReasonCode,
    Urgency,
    UrgencyInput,
    Weights,
    placeholders,
    render_reason,
    score,
)

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def case(**changes: object) -> UrgencyInput:
    """A calm case opened an hour ago, answered, in counselling; ``changes`` add the risks."""
    base = UrgencyInput(
        today=TODAY,
        now=NOW,
        case_type=CaseType.CONSCRIPT,
        stage=Stage.COUNSELLING,
        created_at=NOW - dt.timedelta(hours=1),
        last_counselor_contact=NOW - dt.timedelta(hours=1),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def codes(urgency: Urgency) -> list[str]:
    return [reason.code.value for reason in urgency.reasons]


def days(number: int) -> dt.date:
    return TODAY + dt.timedelta(days=number)


# Hand-checked cases ---------------------------------------------------------------------------


def test_it_scores_a_calm_case_low_with_no_reasons() -> None:
    assert score(case()) == Urgency(0, Level.LOW, ())


def test_it_rates_a_summons_in_2_days_high() -> None:
    urgency = score(case(summons_date=days(2)))
    assert (urgency.score, urgency.level, codes(urgency)) == (50, Level.HIGH, ["summons_soon"])
    assert urgency.reasons[0].params == (("in_days", 2),)
    assert render_reason(urgency.reasons[0], "en") == "summons date in 2 days"
    assert render_reason(urgency.reasons[0], "ru") == "повестка через 2 дня"


def test_it_rates_a_summons_in_ten_days_medium_only_with_something_else() -> None:
    assert score(case(summons_date=days(10))).level == Level.LOW
    urgency = score(case(summons_date=days(10), children=2))
    assert (urgency.score, urgency.level) == (30, Level.MEDIUM)
    assert codes(urgency) == ["summons_soon", "children"]


def test_it_rates_a_passed_summons_date_high() -> None:
    urgency = score(case(summons_date=days(-1)))
    assert (urgency.level, codes(urgency)) == (Level.HIGH, ["summons_passed"])
    assert render_reason(urgency.reasons[0], "en") == "summons date passed yesterday"
    assert render_reason(urgency.reasons[0], "ru") == "дата по повестке прошла вчера"


def test_it_counts_the_more_pressing_of_summons_and_reporting_date_once() -> None:
    urgency = score(case(summons_date=days(12), reporting_date=days(0)))
    assert (urgency.score, codes(urgency)) == (50, ["reporting_soon"])
    assert render_reason(urgency.reasons[0], "ru") == "срок явки сегодня"


def test_it_ignores_call_up_dates_once_he_is_out_of_reach() -> None:
    assert score(case(summons_date=days(1), stage=Stage.ARRIVED)).reasons == ()
    assert score(case(summons_date=days(1), case_type=CaseType.EMIGRE_HOUSING)).reasons == ()


def test_it_rates_detained_critical_by_itself() -> None:
    urgency = score(case(detained_or_missing=True))
    assert (urgency.score, urgency.level, codes(urgency)) == (80, Level.CRITICAL, ["detained"])
    assert render_reason(urgency.reasons[0], "ru") == "задержан или пропал"


def test_it_rates_a_check_in_overdue_by_1_hour_critical() -> None:
    check_ins = ((NOW - dt.timedelta(hours=3), True), (NOW - dt.timedelta(hours=1), False))
    urgency = score(case(check_ins=check_ins, stage=Stage.IN_TRANSIT))
    assert (urgency.level, codes(urgency)) == (Level.CRITICAL, ["check_in_overdue"])
    assert render_reason(urgency.reasons[0], "en") == "check-in overdue by 1 h"
    assert render_reason(urgency.reasons[0], "ru") == "пропущена отметка (просрочено на 1 ч)"


def test_it_does_not_alarm_for_a_check_in_due_later_or_already_confirmed() -> None:
    check_ins = ((NOW + dt.timedelta(hours=2), False), (NOW - dt.timedelta(hours=1), True))
    urgency = score(case(check_ins=check_ins, stage=Stage.IN_TRANSIT))
    assert (urgency.level, codes(urgency)) == (Level.LOW, [])


def test_it_gives_a_grace_period_to_check_ins_only_when_the_network_sets_one() -> None:
    late = case(check_ins=((NOW - dt.timedelta(minutes=5), False),))
    assert codes(score(late)) == ["check_in_overdue"]
    assert render_reason(score(late).reasons[0], "en") == "check-in overdue by 5 min"
    lenient = Weights(check_in_grace=dt.timedelta(minutes=15))
    assert codes(score(late, lenient)) == []


def test_it_rates_a_deserter_inside_russia_above_a_deserter_abroad() -> None:
    inside = score(case(case_type=CaseType.DESERTER_RUSSIA, left_unit_date=days(-4)))
    abroad = score(case(case_type=CaseType.DESERTER_ABROAD, left_unit_date=days(-4)))
    assert (inside.score, inside.level, codes(inside)) == (
        65,
        Level.HIGH,
        ["left_unit_in_russia"],
    )
    assert (abroad.score, abroad.level, codes(abroad)) == (50, Level.HIGH, ["left_unit"])
    assert render_reason(abroad.reasons[0], "en") == "has left his unit"


def test_it_adds_criminal_case_children_and_medical_needs_in_order_of_points() -> None:
    urgency = score(
        case(
            case_type=CaseType.DESERTER_RUSSIA,
            left_unit_date=days(-1),
            criminal_case=CriminalCase.WANTED,
            children=3,
            medical_needs=True,
        )
    )
    assert codes(urgency) == ["left_unit_in_russia", "wanted", "children", "medical_needs"]
    assert [reason.points for reason in urgency.reasons] == [65, 30, 10, 10]
    assert (urgency.score, urgency.level) == (100, Level.CRITICAL)
    assert render_reason(urgency.reasons[1], "ru") == "объявлен в розыск"
    assert render_reason(urgency.reasons[2], "en") == "children: 3"


def test_it_scores_a_closed_case_zero_with_the_single_reason_closed() -> None:
    urgency = score(
        case(stage=Stage.CLOSED, detained_or_missing=True, summons_date=days(1), children=2)
    )
    assert urgency == Urgency(0, Level.LOW, (Reason(ReasonCode.CLOSED, 0),))
    assert render_reason(urgency.reasons[0], "ru") == "дело закрыто"


def test_it_caps_waiting_10_days_with_no_counselor_reply() -> None:
    ten = score(case(last_counselor_contact=NOW - dt.timedelta(days=10)))
    thirty = score(case(last_counselor_contact=NOW - dt.timedelta(days=30)))
    assert (ten.score, ten.level, codes(ten)) == (20, Level.LOW, ["no_reply"])
    assert thirty.score == 20
    assert render_reason(ten.reasons[0], "en") == "no counselor reply for 10 days"
    assert render_reason(ten.reasons[0], "ru") == "нет ответа консультанта 10 дней"


def test_it_counts_waiting_since_intake_when_nobody_has_answered() -> None:
    urgency = score(
        case(created_at=NOW - dt.timedelta(days=3, hours=2), last_counselor_contact=None)
    )
    assert (urgency.score, codes(urgency)) == (6, ["waiting"])
    assert render_reason(urgency.reasons[0], "en") == "waiting for 3 days"
    assert render_reason(urgency.reasons[0], "ru") == "ждёт 3 дня"


def test_it_rates_arriving_tomorrow_without_a_bed_high() -> None:
    urgency = score(case(case_type=CaseType.EMIGRE_HOUSING, arriving_without_bed=days(1)))
    assert (urgency.level, codes(urgency)) == (Level.HIGH, ["arriving_without_bed"])
    assert render_reason(urgency.reasons[0], "en") == "arriving tomorrow without a bed"
    assert render_reason(urgency.reasons[0], "ru") == "приезжает завтра, жилья нет"
    later = score(case(arriving_without_bed=days(5)))
    assert (later.score, later.level) == (25, Level.MEDIUM)
    arrived = score(case(arriving_without_bed=days(-2)))
    assert render_reason(arrived.reasons[0], "en") == "arrived 2 days ago without a bed"


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день"), (24, "24 дня")],
)
def test_it_uses_russian_plural_forms(number: int, expected: str) -> None:
    assert FORMATTERS["days"](number, "ru") == expected


@pytest.mark.parametrize(
    "broken",
    [
        {"detained": 40},
        {"date_passed": 30},
        {"criminal_case_opened": 40},
        {"medium_at": 60},
        {"children": -1},
        {"check_in_grace": dt.timedelta(minutes=-1)},
    ],
)
def test_it_refuses_weights_that_break_the_documented_promises(broken: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="invalid urgency weights"):
        Weights(**broken)  # type: ignore[arg-type]


def test_it_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        case(now=NOW.replace(tzinfo=None))


# Properties ----------------------------------------------------------------------------------

MOMENTS = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 6, 1), timezones=st.just(UTC)
)
OPTIONAL_DAYS = st.one_of(st.none(), st.integers(-30, 30).map(days))


@st.composite
def inputs(draw: st.DrawFn) -> UrgencyInput:
    return UrgencyInput(
        today=TODAY,
        now=NOW,
        case_type=draw(st.sampled_from(CaseType)),
        stage=draw(st.sampled_from(Stage)),
        created_at=draw(MOMENTS),
        summons_date=draw(OPTIONAL_DAYS),
        reporting_date=draw(OPTIONAL_DAYS),
        left_unit_date=draw(OPTIONAL_DAYS),
        detained_or_missing=draw(st.booleans()),
        criminal_case=draw(st.sampled_from(CriminalCase)),
        children=draw(st.integers(0, 6)),
        medical_needs=draw(st.booleans()),
        check_ins=tuple(draw(st.lists(st.tuples(MOMENTS, st.booleans()), max_size=4))),
        last_counselor_contact=draw(st.one_of(st.none(), MOMENTS)),
        arriving_without_bed=draw(OPTIONAL_DAYS),
    )


CRIMINAL_ORDER = list(CriminalCase)

# Each function adds one risk to a case, or returns None when the case already has that field
# set (changing an existing date is not adding a risk).
RISKS: dict[str, Callable[[UrgencyInput, dt.date], UrgencyInput | None]] = {
    "detained": lambda c, _: dataclasses.replace(c, detained_or_missing=True),
    "check_in": lambda c, day: dataclasses.replace(
        c, check_ins=(*c.check_ins, (dt.datetime.combine(day, dt.time(9), UTC), False))
    ),
    "summons": lambda c, day: None if c.summons_date else dataclasses.replace(c, summons_date=day),
    "reporting": lambda c, day: (
        None if c.reporting_date else dataclasses.replace(c, reporting_date=day)
    ),
    "left_unit": lambda c, day: (
        None if c.left_unit_date else dataclasses.replace(c, left_unit_date=day)
    ),
    "criminal_case": lambda c, _: dataclasses.replace(
        c, criminal_case=CRIMINAL_ORDER[min(3, CRIMINAL_ORDER.index(c.criminal_case) + 1)]
    ),
    "child": lambda c, _: dataclasses.replace(c, children=c.children + 1),
    "medical": lambda c, _: dataclasses.replace(c, medical_needs=True),
    "no_bed": lambda c, day: (
        None if c.arriving_without_bed else dataclasses.replace(c, arriving_without_bed=day)
    ),
}


@given(inputs())
def test_it_keeps_the_score_within_0_and_100_and_the_level_consistent(
    urgency_input: UrgencyInput,
) -> None:
    urgency = score(urgency_input)
    assert 0 <= urgency.score <= MAX_SCORE
    assert urgency.level == _level(urgency.score)


@given(inputs(), st.sampled_from(sorted(RISKS)), st.integers(-30, 30).map(days))
def test_it_never_lowers_the_score_when_a_risk_is_added(
    urgency_input: UrgencyInput, risk: str, day: dt.date
) -> None:
    riskier = RISKS[risk](urgency_input, day)
    assume(riskier is not None)
    assert riskier is not None
    assert score(riskier).score >= score(urgency_input).score


@given(inputs())
def test_it_is_deterministic(urgency_input: UrgencyInput) -> None:
    assert score(urgency_input) == score(dataclasses.replace(urgency_input))


@given(inputs())
def test_it_sorts_reasons_by_points_and_sums_them_to_the_score_before_the_cap(
    urgency_input: UrgencyInput,
) -> None:
    urgency = score(urgency_input)
    points = [reason.points for reason in urgency.reasons]
    assert points == sorted(points, reverse=True)
    assert urgency.score == min(MAX_SCORE, sum(points))
    assert len({reason.code for reason in urgency.reasons}) == len(urgency.reasons)


@given(inputs())
def test_it_renders_every_reason_in_english_and_russian(urgency_input: UrgencyInput) -> None:
    for reason in score(urgency_input).reasons:
        assert placeholders(MESSAGES["en"][reason.code]) == {name for name, _ in reason.params}
        for language in LANGUAGES:
            text = render_reason(reason, language)
            assert text.strip()
            assert "{" not in text


def test_it_has_a_message_in_both_languages_for_every_reason_code() -> None:
    assert LANGUAGES == ("en", "ru")
    for language in LANGUAGES:
        assert set(MESSAGES[language]) == set(ReasonCode)
        for template in MESSAGES[language].values():
            assert placeholders(template) <= set(FORMATTERS)
    for code in ReasonCode:
        assert placeholders(MESSAGES["en"][code]) == placeholders(MESSAGES["ru"][code])
        assert MESSAGES["en"][code] != MESSAGES["ru"][code]


def _level(points: int) -> Level:
    weights = DEFAULT_WEIGHTS
    if points >= weights.critical_at:
        return Level.CRITICAL
    if points >= weights.high_at:
        return Level.HIGH
    return Level.MEDIUM if points >= weights.medium_at else Level.LOW
