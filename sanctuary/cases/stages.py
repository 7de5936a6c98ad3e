"""Case types and the stages each type runs through, kept as data.

A case moves through a fixed vocabulary of stages (``Stage``); each case type (``CaseType``)
uses an ordered subset of them, always starting at ``new`` and ending at ``closed``. Stage
meanings are the same for every type, so filters and statistics can compare types:

- ``new``: intake received, nobody has answered yet;
- ``counselling``: a counselor is advising;
- ``route_chosen``: a plan to reach safety (destination and way) is agreed;
- ``in_transit``: travelling; check-ins are expected;
- ``arrived``: at the destination (for an émigré already abroad: with his host);
- ``application_filed``: a protection or residence application is filed in the destination;
- ``closed``: no further work.

The codes are stable and are stored in the database: never rename one, add a new one instead.
No Django here: the Django app wraps these labels for gettext and stores the codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from sanctuary.routes.situation import STATUSES


class CaseType(StrEnum):
    CONSCRIPT = "conscript"
    MOBILIZED = "mobilized"
    CONTRACT_SOLDIER = "contract_soldier"
    DESERTER_RUSSIA = "deserter_russia"
    DESERTER_ABROAD = "deserter_abroad"
    RELATIVE = "relative"
    EMIGRE_HOUSING = "emigre_housing"
    ASYLUM_APPLICANT = "asylum_applicant"


class Stage(StrEnum):
    NEW = "new"
    COUNSELLING = "counselling"
    ROUTE_CHOSEN = "route_chosen"
    IN_TRANSIT = "in_transit"
    ARRIVED = "arrived"
    APPLICATION_FILED = "application_filed"
    CLOSED = "closed"


# Declaration order of ``Stage`` is the one global order; every type's list is a subsequence.
STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)

_EVERY_STAGE = STAGE_ORDER
_WITHOUT_APPLICATION = tuple(stage for stage in STAGE_ORDER if stage != Stage.APPLICATION_FILED)

STAGES_BY_TYPE: Mapping[CaseType, tuple[Stage, ...]] = MappingProxyType(
    {
        # Evaders of conscription are rarely granted protection (Germany protects deserters,
        # not those who left before call-up), so the type has no application stage; a conscript
        # who files one is retyped to asylum applicant.
        CaseType.CONSCRIPT: _WITHOUT_APPLICATION,
        # Soldiers and deserters leave Russia's reach and then need protection from extradition.
        CaseType.MOBILIZED: _EVERY_STAGE,
        CaseType.CONTRACT_SOLDIER: _EVERY_STAGE,
        CaseType.DESERTER_RUSSIA: _EVERY_STAGE,
        # A deserter in Armenia or Kazakhstan is not safe (renditions, deportations): the type
        # keeps the onward route to a safer country.
        CaseType.DESERTER_ABROAD: _EVERY_STAGE,
        # We counsel the relative; work for the person himself happens in his own case.
        CaseType.RELATIVE: (Stage.NEW, Stage.COUNSELLING, Stage.CLOSED),
        # Already abroad: no route and no transit; "arrived" marks the start of his stay.
        CaseType.EMIGRE_HOUSING: (Stage.NEW, Stage.COUNSELLING, Stage.ARRIVED, Stage.CLOSED),
        # Already where he applies; someone who must travel first has a route-carrying type.
        CaseType.ASYLUM_APPLICANT: (
            Stage.NEW,
            Stage.COUNSELLING,
            Stage.APPLICATION_FILED,
            Stage.CLOSED,
        ),
    }
)

# A reopened case goes back to counselling: someone has to re-assess before anything else.
REOPEN_STAGE = Stage.COUNSELLING

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "en": MappingProxyType(
            {
                CaseType.CONSCRIPT: "Conscript",
                CaseType.MOBILIZED: "Mobilized reservist",
                CaseType.CONTRACT_SOLDIER: "Contract soldier",
                CaseType.DESERTER_RUSSIA: "Deserter inside Russia",
                CaseType.DESERTER_ABROAD: "Deserter abroad",
                CaseType.RELATIVE: "Relative asking on someone's behalf",
                CaseType.EMIGRE_HOUSING: "Émigré needing housing",
                CaseType.ASYLUM_APPLICANT: "Asylum applicant",
                Stage.NEW: "New",
                Stage.COUNSELLING: "Counselling",
                Stage.ROUTE_CHOSEN: "Route chosen",
                Stage.IN_TRANSIT: "In transit",
                Stage.ARRIVED: "Arrived",
                Stage.APPLICATION_FILED: "Application filed",
                Stage.CLOSED: "Closed",
            }
        ),
        "ru": MappingProxyType(
            {
                CaseType.CONSCRIPT: "Призывник",
                CaseType.MOBILIZED: "Мобилизованный",
                CaseType.CONTRACT_SOLDIER: "Контрактник",
                CaseType.DESERTER_RUSSIA: "Дезертир в России",
                CaseType.DESERTER_ABROAD: "Дезертир за границей",
                CaseType.RELATIVE: "Родственник обращается за другого",
                CaseType.EMIGRE_HOUSING: "Эмигрант, нужно жильё",
                CaseType.ASYLUM_APPLICANT: "Просит убежища",
                Stage.NEW: "Новое",
                Stage.COUNSELLING: "Консультирование",
                Stage.ROUTE_CHOSEN: "Маршрут выбран",
                Stage.IN_TRANSIT: "В пути",
                Stage.ARRIVED: "Прибыл",
                Stage.APPLICATION_FILED: "Заявление подано",
                Stage.CLOSED: "Закрыто",
            }
        ),
    }
)


def label(code: CaseType | Stage, language: str) -> str:
    """The label of a case type or stage in ``language`` ("en" or "ru")."""
    return LABELS[language][code]


def stages_for(case_type: CaseType) -> tuple[Stage, ...]:
    """The stages of ``case_type`` in order: ``new`` first, ``closed`` last."""
    return STAGES_BY_TYPE[case_type]


def has_stage(case_type: CaseType, stage: Stage) -> bool:
    """Whether ``case_type`` uses ``stage`` at all."""
    return stage in STAGES_BY_TYPE[case_type]


# Transitions ---------------------------------------------------------------------------------


class TransitionRefusal(StrEnum):
    FROM_STAGE_NOT_IN_TYPE = "from_stage_not_in_type"
    TO_STAGE_NOT_IN_TYPE = "to_stage_not_in_type"
    SAME_STAGE = "same_stage"
    BACK_MORE_THAN_ONE_STEP = "back_more_than_one_step"
    REOPEN_ONLY_TO_COUNSELLING = "reopen_only_to_counselling"


class TransitionError(ValueError):
    """A stage change the rule refuses; ``code`` says why, for a translated message."""

    def __init__(
        self, code: TransitionRefusal, case_type: CaseType, from_stage: Stage, to_stage: Stage
    ) -> None:
        super().__init__(f"{code}: {case_type} case cannot move from {from_stage} to {to_stage}")
        self.code = code
        self.case_type = case_type
        self.from_stage = from_stage
        self.to_stage = to_stage


def allowed_next(case_type: CaseType, stage: Stage) -> tuple[Stage, ...]:
    """The stages a case of ``case_type`` may move to from ``stage``, in stage order.

    The rule: forward to any later stage of the type (counselors often learn late that a person
    has already travelled, so skipping is normal; ``closed`` is the last stage, so a case can
    close from anywhere); back exactly one step (a route fell through, a stage was set by
    mistake); a closed case only reopens, into ``counselling``. Never to the same stage.
    """
    own = stages_for(case_type)
    if stage not in own:
        return ()
    if stage == Stage.CLOSED:
        return (REOPEN_STAGE,)
    position = own.index(stage)
    back = own[position - 1 : position] if position > 0 else ()
    return back + own[position + 1 :]


def check_transition(case_type: CaseType, from_stage: Stage, to_stage: Stage) -> None:
    """Raise ``TransitionError`` unless ``allowed_next`` permits ``from_stage`` → ``to_stage``."""
    own = stages_for(case_type)
    refusal: TransitionRefusal | None = None
    if from_stage not in own:
        refusal = TransitionRefusal.FROM_STAGE_NOT_IN_TYPE
    elif to_stage not in own:
        refusal = TransitionRefusal.TO_STAGE_NOT_IN_TYPE
    elif to_stage == from_stage:
        refusal = TransitionRefusal.SAME_STAGE
    elif to_stage not in allowed_next(case_type, from_stage):
        refusal = (
            TransitionRefusal.REOPEN_ONLY_TO_COUNSELLING
            if from_stage == Stage.CLOSED
            else TransitionRefusal.BACK_MORE_THAN_ONE_STEP
        )
    if refusal is not None:
        raise TransitionError(refusal, case_type, from_stage, to_stage)


def retype(old_type: CaseType, stage: Stage, new_type: CaseType) -> Stage:
    """The stage a case at ``stage`` of ``old_type`` lands in when retyped to ``new_type``.

    The same stage if the new type has it, else the nearest earlier stage it has (never a later
    one: a retype must not claim progress nobody recorded). Every type has ``new``, so there is
    always one.
    """
    if not has_stage(old_type, stage):
        raise TransitionError(TransitionRefusal.FROM_STAGE_NOT_IN_TYPE, old_type, stage, stage)
    position = STAGE_ORDER.index(stage)
    return next(
        candidate
        for candidate in reversed(STAGE_ORDER[: position + 1])
        if has_stage(new_type, candidate)
    )


# Intake --------------------------------------------------------------------------------------

INTAKE_STATUSES = STATUSES
LOCATION_KINDS: tuple[str, ...] = ("russia", "occupied", "abroad")

# status -> (type while under Russian control, type abroad). Occupied territory counts as
# Russia: Russian law and Russian police reach him there (as in routes.situation.Location).
_INTAKE_TYPES: Mapping[str, tuple[CaseType, CaseType]] = MappingProxyType(
    {
        # A civilian in Russia is counselled against call-up; abroad, he is an émigré.
        "civilian": (CaseType.CONSCRIPT, CaseType.EMIGRE_HOUSING),
        # Abroad a summons cannot be served on him: what he needs is status and a bed.
        "summons_received": (CaseType.CONSCRIPT, CaseType.EMIGRE_HOUSING),
        # A soldier stationed abroad (Gyumri, Tajikistan) is still serving, still in reach.
        "conscript": (CaseType.CONSCRIPT, CaseType.CONSCRIPT),
        "mobilized": (CaseType.MOBILIZED, CaseType.MOBILIZED),
        "contract_soldier": (CaseType.CONTRACT_SOLDIER, CaseType.CONTRACT_SOLDIER),
        "deserter": (CaseType.DESERTER_RUSSIA, CaseType.DESERTER_ABROAD),
        # "abroad" means he left before any call-up; if he is back in Russia, call-up is again
        # what threatens him.
        "abroad": (CaseType.CONSCRIPT, CaseType.EMIGRE_HOUSING),
        # A prisoner of war is outside Russian control whatever the form says; Russia punishes
        # voluntary surrender like desertion and an exchange sends him back, so his case is
        # refusing exchange and seeking protection: the deserter-abroad stages.
        "captivity": (CaseType.DESERTER_ABROAD, CaseType.DESERTER_ABROAD),
    }
)


def type_for_intake_status(status: str, location_kind: str, on_behalf: bool) -> CaseType:
    """The case type for an intake questionnaire's situation status and location kind.

    Someone writing on another person's behalf always opens a ``relative`` case (we counsel the
    relative; the person himself gets his own case if he makes contact). Otherwise see the
    table in ``_INTAKE_TYPES``; ``russia`` and ``occupied`` are treated alike.
    """
    if status not in _INTAKE_TYPES:
        raise ValueError(f"unknown intake status {status!r}; expected one of {INTAKE_STATUSES}")
    if location_kind not in LOCATION_KINDS:
        raise ValueError(f"unknown location kind {location_kind!r}; expected {LOCATION_KINDS}")
    if on_behalf:
        return CaseType.RELATIVE
    under_russia, abroad = _INTAKE_TYPES[status]
    return abroad if location_kind == "abroad" else under_russia
