"""Situation validation and the advise command."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from sanctuary.routes import cli
from sanctuary.routes.situation import Situation, SituationError

MINIMAL: dict[str, Any] = {
    "status": "civilian",
    "location": {"kind": "russia"},
    "documents": {"internal_passport": True},
    "today": "2026-03-01",
}


def error_for(data: dict[str, Any]) -> SituationError:
    with pytest.raises(SituationError) as caught:
        Situation.from_dict(data)
    return caught.value


def test_it_names_a_missing_field() -> None:
    data = {key: value for key, value in MINIMAL.items() if key != "status"}
    error = error_for(data)
    assert error.field == "status"
    assert str(error) == "status: is required"


def test_it_names_a_nested_field_with_a_bad_value() -> None:
    error = error_for({**MINIMAL, "criminal_case": "maybe"})
    assert error.field == "criminal_case"
    error = error_for({**MINIMAL, "companions": [{"relation": "child", "age": -1}]})
    assert error.field == "companions[0].age"


def test_it_rejects_a_date_that_does_not_exist() -> None:
    error = error_for({**MINIMAL, "today": "2026-02-30"})
    assert str(error) == "today: '2026-02-30' is not a real date"


def test_it_requires_the_country_when_abroad_and_the_summons_when_summoned() -> None:
    assert error_for({**MINIMAL, "location": {"kind": "abroad"}}).field == "location.country"
    assert error_for({**MINIMAL, "status": "summons_received"}).field == "summons"


def test_it_advise_command_prints_json_advice(tmp_path: Path) -> None:
    path = tmp_path / "situation.json"
    path.write_text(json.dumps({**MINIMAL, "status": "deserter"}), encoding="utf-8")
    out = io.StringIO()
    assert cli.advise(path, out, "ru") == 0
    advice = json.loads(out.getvalue())
    assert advice["lang"] == "ru"
    kazakhstan = next(o for o in advice["options"] if o["id"] == "KZ-land")
    assert kazakhstan["verdict"] == "unsafe"
    assert kazakhstan["destination_name"] == "Казахстан"
    assert set(kazakhstan["citations"]) <= set(advice["citations"])
    assert advice["citations"]["D-KZ-006"]["source_url"].startswith("https://")


def test_it_advise_command_names_the_bad_field(tmp_path: Path) -> None:
    path = tmp_path / "situation.json"
    path.write_text(json.dumps({**MINIMAL, "today": "tomorrow"}), encoding="utf-8")
    out = io.StringIO()
    assert cli.advise(path, out) == 2
    assert out.getvalue().startswith(f"error: {path}: today: 'tomorrow' has the wrong format")


def test_it_reads_a_version_1_situation_as_version_2() -> None:
    """Cases stored before version 2 keep working: read, then written back as version 2."""
    version_1 = {**MINIMAL, "location": {"kind": "abroad", "country": "KZ"}}
    situation = Situation.from_dict(version_1)
    assert (situation.age, situation.wants, situation.protection_claim) == (None, None, None)
    assert situation.location.since is None
    written = situation.to_dict()
    assert written["version"] == 2
    assert Situation.from_dict(written) == situation


def test_it_round_trips_the_version_2_answers() -> None:
    data = {
        **MINIMAL,
        "version": 2,
        "location": {"kind": "abroad", "country": "GE", "since": "2026-01-10"},
        "age": 24,
        "wants": "settle",
        "protection_claim": {"country": "DE", "date": "2026-02-01"},
    }
    situation = Situation.from_dict(data)
    assert situation.days_here == 51
    assert Situation.from_dict(situation.to_dict()) == situation
    assert error_for({**data, "wants": "forever"}).field == "wants"
    assert error_for({**data, "age": 9}).field == "age"
    assert error_for({**data, "version": 3}).field == "version"


def test_it_round_trips_the_summons_facts_statuses_companions_and_travel_date() -> None:
    data = {
        **MINIMAL,
        "version": 2,
        "status": "deserter",
        "other_statuses": ["contract_soldier"],
        "summons": {
            "kind": "electronic",
            "date": "2026-10-01",
            "report_by": "2026-10-20",
            "in_register": True,
            "served": False,
            "purpose": "mobilisation",
        },
        "companions": [
            {"relation": "partner", "age": 30, "internal_passport": True},
            {"relation": "child", "age": 8, "birth_certificate": True},
        ],
        "travel_date": "2026-12-20",
    }
    situation = Situation.from_dict(data)
    assert situation.statuses == {"deserter", "contract_soldier"}
    assert situation.summons is not None and situation.summons.report_by is not None
    assert situation.summons.report_by.isoformat() == "2026-10-20"
    assert situation.companions[0].internal_passport is True
    assert situation.companions[1].internal_passport is None
    assert Situation.from_dict(situation.to_dict()) == situation
    assert error_for({**data, "other_statuses": ["pirate"]}).field.startswith("other_statuses")
    assert error_for({**data, "travel_date": "2026-02-30"}).field == "travel_date"
    bad_claim = {**data, "protection_claim": {"country": "DE", "date": "2026-02-30"}}
    assert error_for(bad_claim).field == "protection_claim.date"
