"""The urgency score of a case: a pure function of plain data, shown with its reasons.

The score is the sum of the points of the reasons that apply, capped at 100; the level follows
from the score through the thresholds in ``Weights``. Every reason carries a code and params,
never prose, so the case page renders it in the reader's language (``render_reason``).
No Django here, no clock: the caller passes ``today`` and ``now``.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from sanctuary.cases.stages import CaseType, Stage

MAX_SCORE = 100

Params = tuple[tuple[str, int], ...]
CheckIn = tuple[dt.datetime, bool]


class CriminalCase(StrEnum):
    NONE = "none"
    LIKELY = "likely"
    OPENED = "opened"
    WANTED = "wanted"


class Level(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ReasonCode(StrEnum):
    CLOSED = "closed"
    DETAINED = "detained"
    CHECK_IN_OVERDUE = "check_in_overdue"
    SUMMONS_SOON = "summons_soon"
    SUMMONS_PASSED = "summons_passed"
    REPORTING_SOON = "reporting_soon"
    REPORTING_PASSED = "reporting_passed"
    LEFT_UNIT = "left_unit"
    LEFT_UNIT_IN_RUSSIA = "left_unit_in_russia"
    CRIMINAL_CASE_LIKELY = "criminal_case_likely"
    CRIMINAL_CASE_OPENED = "criminal_case_opened"
    WANTED = "wanted"
    CHILDREN = "children"
    MEDICAL_NEEDS = "medical_needs"
    NO_REPLY = "no_reply"
    WAITING = "waiting"
    ARRIVING_WITHOUT_BED = "arriving_without_bed"
    ARRIVED_WITHOUT_BED = "arrived_without_bed"


@dataclass(frozen=True)
class Weights:
    """Points per reason and the level thresholds: network policy, not code.

    Defaults: detained/missing and an overdue check-in reach ``critical`` alone; a summons or
    reporting date within 3 days or already passed, having left the unit, and arriving within a
    day (or having arrived) without a bed reach ``high`` alone; a date within 14 days or a bed
    needed within 7 days reaches ``medium`` only with something else. Waiting without a counselor's
    reply adds 2 points a day up to 20, so a forgotten case rises slowly but never outranks danger.
    ``__post_init__`` refuses weights that break these promises.
    """

    critical_at: int = 80
    high_at: int = 50
    medium_at: int = 25
    detained: int = 80
    check_in_overdue: int = 80
    # Zero: a false alarm costs a message, a missed arrest costs a person.
    check_in_grace: dt.timedelta = dt.timedelta(0)
    date_imminent_days: int = 3
    date_imminent: int = 50
    date_passed: int = 50
    date_approaching_days: int = 14
    date_approaching: int = 20
    left_unit: int = 50
    left_unit_in_russia: int = 65
    criminal_case_likely: int = 10
    criminal_case_opened: int = 20
    wanted: int = 30
    children: int = 10
    medical_needs: int = 10
    waiting_per_day: int = 2
    waiting_cap: int = 20
    bed_imminent_days: int = 1
    bed_imminent: int = 50
    bed_soon_days: int = 7
    bed_soon: int = 25
    arrived_without_bed: int = 50

    def __post_init__(self) -> None:
        problems = _weight_problems(self)
        if problems:
            raise ValueError("invalid urgency weights: " + "; ".join(problems))


def _weight_problems(weights: Weights) -> list[str]:
    points = {
        name: value
        for name, value in vars(weights).items()
        if isinstance(value, int) and not name.endswith("_days")
    }
    problems = [f"{name} is negative" for name, value in points.items() if value < 0]
    if not 0 < weights.medium_at < weights.high_at < weights.critical_at <= MAX_SCORE:
        problems.append("thresholds must rise: 0 < medium_at < high_at < critical_at <= 100")
    for name in ("detained", "check_in_overdue"):
        if points[name] < weights.critical_at:
            problems.append(f"{name} must reach critical_at alone")
    for name in ("date_imminent", "date_passed", "left_unit", "bed_imminent"):
        if points[name] < weights.high_at:
            problems.append(f"{name} must reach high_at alone")
    if not weights.criminal_case_likely <= weights.criminal_case_opened <= weights.wanted:
        problems.append("criminal case weights must rise: likely <= opened <= wanted")
    if weights.left_unit_in_russia < weights.left_unit:
        problems.append("left_unit_in_russia must not be below left_unit")
    if weights.check_in_grace < dt.timedelta(0):
        problems.append("check_in_grace is negative")
    return problems


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class UrgencyInput:
    """What the score looks at; datetimes must be timezone-aware."""

    today: dt.date
    now: dt.datetime
    case_type: CaseType
    stage: Stage
    created_at: dt.datetime
    summons_date: dt.date | None = None
    reporting_date: dt.date | None = None
    left_unit_date: dt.date | None = None
    detained_or_missing: bool = False
    criminal_case: CriminalCase = CriminalCase.NONE
    children: int = 0
    medical_needs: bool = False
    check_ins: tuple[CheckIn, ...] = ()
    last_counselor_contact: dt.datetime | None = None
    arriving_without_bed: dt.date | None = None

    def __post_init__(self) -> None:
        moments = [self.now, self.created_at, *(due for due, _ in self.check_ins)]
        if self.last_counselor_contact is not None:
            moments.append(self.last_counselor_contact)
        if any(moment.utcoffset() is None for moment in moments):
            raise ValueError("urgency datetimes must be timezone-aware")
        if self.children < 0:
            raise ValueError("children cannot be negative")


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    points: int
    params: Params = ()


@dataclass(frozen=True)
class Urgency:
    score: int
    level: Level
    reasons: tuple[Reason, ...]


# Types whose person is abroad from the start; everyone else is within Russia's reach until the
# case arrives. A relative's case counts as within reach: when we do not know where he is, we
# assume the dangerous place.
_ABROAD_TYPES = frozenset(
    {CaseType.DESERTER_ABROAD, CaseType.EMIGRE_HOUSING, CaseType.ASYLUM_APPLICANT}
)
_BEFORE_ARRIVAL = frozenset({Stage.NEW, Stage.COUNSELLING, Stage.ROUTE_CHOSEN, Stage.IN_TRANSIT})


def within_russian_reach(case_type: CaseType, stage: Stage) -> bool:
    """Whether the person may still be in Russia or occupied territory (or a base abroad)."""
    return case_type not in _ABROAD_TYPES and stage in _BEFORE_ARRIVAL


def score(case: UrgencyInput, weights: Weights = DEFAULT_WEIGHTS) -> Urgency:
    """The urgency of ``case``: reasons sorted by points (highest first, then by code), score
    the sum of their points capped at 100, level from the thresholds. A closed case scores 0
    with the single reason ``closed``. Adding a risk never lowers the score.
    """
    if case.stage == Stage.CLOSED:
        return Urgency(0, Level.LOW, (Reason(ReasonCode.CLOSED, 0),))
    found = [
        reason
        for rule in _RULES
        if (reason := rule(case, weights)) is not None and reason.points > 0
    ]
    reasons = tuple(sorted(found, key=lambda reason: (-reason.points, reason.code)))
    total = min(MAX_SCORE, sum(reason.points for reason in reasons))
    return Urgency(total, level_for(total, weights), reasons)


def level_for(points: int, weights: Weights = DEFAULT_WEIGHTS) -> Level:
    """The level a score falls in: at or above a threshold is that level."""
    if points >= weights.critical_at:
        return Level.CRITICAL
    if points >= weights.high_at:
        return Level.HIGH
    if points >= weights.medium_at:
        return Level.MEDIUM
    return Level.LOW


# Rules: each returns at most one reason ------------------------------------------------------

Rule = Callable[[UrgencyInput, Weights], Reason | None]


def _detained(case: UrgencyInput, weights: Weights) -> Reason | None:
    return Reason(ReasonCode.DETAINED, weights.detained) if case.detained_or_missing else None


def _check_in_overdue(case: UrgencyInput, weights: Weights) -> Reason | None:
    overdue = [
        case.now - due
        for due, confirmed in case.check_ins
        if not confirmed and case.now - due > weights.check_in_grace
    ]
    if not overdue:
        return None
    minutes = int(max(overdue).total_seconds() // 60)
    return Reason(ReasonCode.CHECK_IN_OVERDUE, weights.check_in_overdue, (("overdue", minutes),))


def _date_reason(
    day: dt.date | None, soon: ReasonCode, passed: ReasonCode, case: UrgencyInput, w: Weights
) -> Reason | None:
    if day is None or not within_russian_reach(case.case_type, case.stage):
        return None
    days = (day - case.today).days
    if days < 0:
        return Reason(passed, w.date_passed, (("days_ago", -days),))
    if days <= w.date_imminent_days:
        return Reason(soon, w.date_imminent, (("in_days", days),))
    if days <= w.date_approaching_days:
        return Reason(soon, w.date_approaching, (("in_days", days),))
    return None


def _call_up_date(case: UrgencyInput, weights: Weights) -> Reason | None:
    # A reporting date is often the date on the summons: counting both would count one danger
    # twice, so only the more pressing of the two counts (summons first on a tie).
    candidates = [
        _date_reason(
            case.summons_date,
            ReasonCode.SUMMONS_SOON,
            ReasonCode.SUMMONS_PASSED,
            case,
            weights,
        ),
        _date_reason(
            case.reporting_date,
            ReasonCode.REPORTING_SOON,
            ReasonCode.REPORTING_PASSED,
            case,
            weights,
        ),
    ]
    found = [reason for reason in candidates if reason is not None]
    return max(found, key=lambda reason: reason.points, default=None)


def _left_unit(case: UrgencyInput, weights: Weights) -> Reason | None:
    if case.left_unit_date is None:
        return None
    if within_russian_reach(case.case_type, case.stage):
        return Reason(ReasonCode.LEFT_UNIT_IN_RUSSIA, weights.left_unit_in_russia)
    return Reason(ReasonCode.LEFT_UNIT, weights.left_unit)


def _criminal_case(case: UrgencyInput, weights: Weights) -> Reason | None:
    by_status = {
        CriminalCase.LIKELY: (ReasonCode.CRIMINAL_CASE_LIKELY, weights.criminal_case_likely),
        CriminalCase.OPENED: (ReasonCode.CRIMINAL_CASE_OPENED, weights.criminal_case_opened),
        CriminalCase.WANTED: (ReasonCode.WANTED, weights.wanted),
    }
    if case.criminal_case not in by_status:
        return None
    code, points = by_status[case.criminal_case]
    return Reason(code, points)


def _children(case: UrgencyInput, weights: Weights) -> Reason | None:
    # Children put a family in the priority class; how many does not change the class.
    if case.children == 0:
        return None
    return Reason(ReasonCode.CHILDREN, weights.children, (("count", case.children),))


def _medical(case: UrgencyInput, weights: Weights) -> Reason | None:
    return Reason(ReasonCode.MEDICAL_NEEDS, weights.medical_needs) if case.medical_needs else None


def _waiting(case: UrgencyInput, weights: Weights) -> Reason | None:
    if case.last_counselor_contact is None:
        code, since = ReasonCode.WAITING, case.created_at
    else:
        code, since = ReasonCode.NO_REPLY, case.last_counselor_contact
    days = (case.now - since).days
    if days < 1:
        return None
    return Reason(code, min(weights.waiting_cap, days * weights.waiting_per_day), (("days", days),))


def _bed(case: UrgencyInput, weights: Weights) -> Reason | None:
    if case.arriving_without_bed is None:
        return None
    days = (case.arriving_without_bed - case.today).days
    if days < 0:
        return Reason(
            ReasonCode.ARRIVED_WITHOUT_BED, weights.arrived_without_bed, (("days_ago", -days),)
        )
    if days <= weights.bed_imminent_days:
        return Reason(ReasonCode.ARRIVING_WITHOUT_BED, weights.bed_imminent, (("in_days", days),))
    if days <= weights.bed_soon_days:
        return Reason(ReasonCode.ARRIVING_WITHOUT_BED, weights.bed_soon, (("in_days", days),))
    return None


_RULES: tuple[Rule, ...] = (
    _detained,
    _check_in_overdue,
    _call_up_date,
    _left_unit,
    _criminal_case,
    _children,
    _medical,
    _waiting,
    _bed,
)


# Messages ------------------------------------------------------------------------------------

LANGUAGES = ("en", "ru")

# Each placeholder names a param, rendered by the formatter of the same name below.
MESSAGES: Mapping[str, Mapping[ReasonCode, str]] = MappingProxyType(
    {
        "en": MappingProxyType(
            {
                ReasonCode.CLOSED: "case closed",
                ReasonCode.DETAINED: "detained or missing",
                ReasonCode.CHECK_IN_OVERDUE: "check-in overdue by {overdue}",
                ReasonCode.SUMMONS_SOON: "summons date {in_days}",
                ReasonCode.SUMMONS_PASSED: "summons date passed {days_ago}",
                ReasonCode.REPORTING_SOON: "reporting date {in_days}",
                ReasonCode.REPORTING_PASSED: "reporting date passed {days_ago}",
                ReasonCode.LEFT_UNIT: "has left his unit",
                ReasonCode.LEFT_UNIT_IN_RUSSIA: "has left his unit, still within Russia's reach",
                ReasonCode.CRIMINAL_CASE_LIKELY: "criminal case likely",
                ReasonCode.CRIMINAL_CASE_OPENED: "criminal case opened",
                ReasonCode.WANTED: "wanted",
                ReasonCode.CHILDREN: "children: {count}",
                ReasonCode.MEDICAL_NEEDS: "medical needs",
                ReasonCode.NO_REPLY: "no counselor reply for {days}",
                ReasonCode.WAITING: "waiting for {days}",
                ReasonCode.ARRIVING_WITHOUT_BED: "arriving {in_days} without a bed",
                ReasonCode.ARRIVED_WITHOUT_BED: "arrived {days_ago} without a bed",
            }
        ),
        "ru": MappingProxyType(
            {
                ReasonCode.CLOSED: "дело закрыто",
                ReasonCode.DETAINED: "задержан или пропал",
                ReasonCode.CHECK_IN_OVERDUE: "пропущена отметка (просрочено на {overdue})",
                ReasonCode.SUMMONS_SOON: "повестка {in_days}",
                ReasonCode.SUMMONS_PASSED: "дата по повестке прошла {days_ago}",
                ReasonCode.REPORTING_SOON: "срок явки {in_days}",
                ReasonCode.REPORTING_PASSED: "срок явки прошёл {days_ago}",
                ReasonCode.LEFT_UNIT: "оставил часть",
                ReasonCode.LEFT_UNIT_IN_RUSSIA: "оставил часть, ещё в досягаемости властей РФ",
                ReasonCode.CRIMINAL_CASE_LIKELY: "вероятно уголовное дело",
                ReasonCode.CRIMINAL_CASE_OPENED: "возбуждено уголовное дело",
                ReasonCode.WANTED: "объявлен в розыск",
                ReasonCode.CHILDREN: "дети: {count}",
                ReasonCode.MEDICAL_NEEDS: "нужна медицинская помощь",
                ReasonCode.NO_REPLY: "нет ответа консультанта {days}",
                ReasonCode.WAITING: "ждёт {days}",
                ReasonCode.ARRIVING_WITHOUT_BED: "приезжает {in_days}, жилья нет",
                ReasonCode.ARRIVED_WITHOUT_BED: "приехал {days_ago}, жилья нет",
            }
        ),
    }
)


def _plural_en(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _plural_ru(number: int, one: str, few: str, many: str) -> str:
    tens, units = number % 100, number % 10
    if units == 1 and tens != 11:
        word = one
    elif 2 <= units <= 4 and not 12 <= tens <= 14:
        word = few
    else:
        word = many
    return f"{number} {word}"


def _days(number: int, language: str) -> str:
    if language == "ru":
        return _plural_ru(number, "день", "дня", "дней")
    return _plural_en(number, "day", "days")


def _in_days(number: int, language: str) -> str:
    special = {0: {"en": "today", "ru": "сегодня"}, 1: {"en": "tomorrow", "ru": "завтра"}}
    if number in special:
        return special[number][language]
    return f"через {_days(number, 'ru')}" if language == "ru" else f"in {_days(number, 'en')}"


def _days_ago(number: int, language: str) -> str:
    special = {0: {"en": "today", "ru": "сегодня"}, 1: {"en": "yesterday", "ru": "вчера"}}
    if number in special:
        return special[number][language]
    return f"{_days(number, language)} {'назад' if language == 'ru' else 'ago'}"


def _overdue(minutes: int, language: str) -> str:
    # Abbreviated units need no plural forms.
    if minutes < 60:
        return f"{minutes} {'мин' if language == 'ru' else 'min'}"
    return f"{minutes // 60} {'ч' if language == 'ru' else 'h'}"


def _count(number: int, language: str) -> str:
    return str(number)


FORMATTERS: Mapping[str, Callable[[int, str], str]] = MappingProxyType(
    {
        "days": _days,
        "in_days": _in_days,
        "days_ago": _days_ago,
        "overdue": _overdue,
        "count": _count,
    }
)


def placeholders(template: str) -> frozenset[str]:
    """The param names a message template uses."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def render_reason(reason: Reason, language: str) -> str:
    """The reason as a short phrase in ``language`` ("en" or "ru"), params formatted."""
    shown = {name: FORMATTERS[name](value, language) for name, value in reason.params}
    return MESSAGES[language][reason.code].format(**shown)
