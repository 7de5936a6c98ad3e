"""Properties that must hold for any situation (hypothesis)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.routes.engine import advise
from sanctuary.routes.knowledge import default_knowledge_base
from sanctuary.routes.situation import STATUSES, Situation

KB = default_knowledge_base()
DESTINATIONS = sorted({route.destination_id for route in KB.routes})
DAYS = st.dates(min_value=dt.date(2021, 6, 1), max_value=dt.date(2027, 12, 31))


def _iso(day: dt.date) -> str:
    return day.isoformat()


@st.composite
def situations(draw: st.DrawFn, today: dt.date | None = None) -> dict[str, Any]:
    day = today or draw(DAYS)
    status = draw(st.sampled_from(STATUSES))
    location_kind = draw(st.sampled_from(["russia", "occupied", "abroad"]))
    location: dict[str, Any] = {"kind": location_kind}
    if location_kind == "abroad":
        location["country"] = draw(st.sampled_from([*DESTINATIONS, "UA", "US"]))
    passport = draw(st.one_of(st.none(), DAYS.map(lambda d: {"expires": _iso(d)})))
    summons = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"kind": st.sampled_from(["paper", "electronic"]), "date": DAYS.map(_iso)}
            ),
        )
    )
    if status == "summons_received" and summons is None:
        summons = {"kind": "paper", "date": _iso(day)}
    companions = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "relation": st.sampled_from(["partner", "child", "parent", "other"]),
                    "age": st.integers(min_value=0, max_value=90),
                    "international_passport": st.booleans(),
                    "birth_certificate": st.booleans(),
                }
            ),
            max_size=3,
        )
    )
    return {
        "status": status,
        "location": location,
        "documents": {
            "internal_passport": draw(st.booleans()),
            "international_passport": passport,
            "military_id": draw(st.booleans()),
        },
        "summons": summons,
        "left_unit_date": draw(st.one_of(st.none(), DAYS.map(_iso))),
        "criminal_case": draw(st.sampled_from(["none", "likely", "opened", "wanted"])),
        "companions": companions,
        "wished_destinations": draw(
            st.lists(st.sampled_from(DESTINATIONS), unique=True, max_size=3)
        ),
        "public_activism": draw(st.booleans()),
        "today": _iso(day),
    }


@settings(max_examples=300, deadline=None)
@given(situations())
def test_it_every_option_cites_facts_that_exist(data: dict[str, Any]) -> None:
    result = advise(Situation.from_dict(data), KB)
    for option in result.options:
        assert option.citations, option.id
        cited = set(option.citations)
        for reason in option.reasons:
            assert set(reason.fact_ids) <= cited
        for risk in option.risks:
            assert risk.fact_ids and set(risk.fact_ids) <= cited
        assert cited <= set(KB.facts)
    for warning in result.warnings:
        assert set(warning.fact_ids) <= set(KB.facts)


@settings(max_examples=200, deadline=None)
@given(situations())
def test_it_gives_the_same_advice_for_the_same_input(data: dict[str, Any]) -> None:
    first = advise(Situation.from_dict(data), KB).to_dict("ru")
    second = advise(Situation.from_dict(json.loads(json.dumps(data))), KB).to_dict("ru")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


@settings(max_examples=300, deadline=None)
@given(situations())
def test_it_never_recommends_a_route_with_a_high_risk(data: dict[str, Any]) -> None:
    result = advise(Situation.from_dict(data), KB)
    for option in result.options:
        if any(risk.level == "high" for risk in option.risks):
            assert option.verdict != "recommended", option.id
        if any(KB.facts[fact_id].status in ("verify", "conflict") for fact_id in option.citations):
            assert option.verdict != "recommended", option.id


@settings(max_examples=300, deadline=None)
@given(situations())
def test_it_cites_a_fact_only_inside_its_validity_range(data: dict[str, Any]) -> None:
    situation = Situation.from_dict(data)
    result = advise(situation, KB)
    cited = {fact_id for option in result.options for fact_id in option.citations}
    cited |= {fact_id for warning in result.warnings for fact_id in warning.fact_ids}
    for fact_id in cited:
        assert KB.facts[fact_id].applies_on(situation.today), fact_id


@settings(max_examples=100, deadline=None)
@given(
    situations(),
    st.sampled_from(["KZ", "KG", "BY"]),
    st.integers(min_value=0, max_value=13),
)
def test_it_changes_the_answer_across_the_20_january_2026_child_passport_boundary(
    data: dict[str, Any], destination: str, age: int
) -> None:
    data.update(
        status="civilian",
        location={"kind": "russia"},
        criminal_case="none",
        companions=[{"relation": "child", "age": age, "international_passport": False}],
    )
    data["documents"]["internal_passport"] = True
    before = advise(Situation.from_dict({**data, "today": "2026-01-19"}), KB)
    after = advise(Situation.from_dict({**data, "today": "2026-01-20"}), KB)
    mode = "air" if destination == "KG" else "land"
    old, new = before.option(destination, mode), after.option(destination, mode)
    assert old is not None and new is not None
    assert old.verdict != "not_possible"
    assert new.verdict == "not_possible"
    assert "A-INTPASS-003" in old.citations and "A-INTPASS-002" in new.citations


@settings(max_examples=100, deadline=None)
@given(situations())
def test_it_situation_round_trips_through_its_dict(data: dict[str, Any]) -> None:
    situation = Situation.from_dict(data)
    assert Situation.from_dict(situation.to_dict()) == situation
