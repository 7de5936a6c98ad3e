"""Loading and checking the knowledge base, with broken YAML written to tmp_path."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import textwrap
from pathlib import Path

import pytest

from sanctuary import countries
from sanctuary.routes import cli
from sanctuary.routes.knowledge import (
    DEFAULT_DATA_DIR,
    KnowledgeError,
    default_knowledge_base,
    load,
    unconfirmed_facts,
)

DOCS = Path(__file__).resolve().parents[3] / "docs"
TODAY = dt.date(2026, 12, 3)

GOOD_FACT = """\
facts:
  - id: A-XX-001
    kind: stay
    places: [KZ]
    profiles: [any]
    summary:
      en: A test fact about staying in Kazakhstan.
      ru: Проверочный факт о пребывании в Казахстане.
    source_url: "https://example.org/page"
    source_date: "2024-05-01"
    last_verified: 2026-03-01
    confidence: high
    status: current
    valid_from: null
    valid_until: null
"""


def data_dir(tmp_path: Path, facts: str, name: str = "test.yaml") -> Path:
    directory = tmp_path / "data"
    directory.mkdir(exist_ok=True)
    shutil.copy(DEFAULT_DATA_DIR / "destinations.yaml", directory / "destinations.yaml")
    (directory / name).write_text(textwrap.dedent(facts), encoding="utf-8")
    return directory


def problems_for(tmp_path: Path, facts: str) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load(data_dir(tmp_path, facts), TODAY)
    return caught.value.problems


def test_it_ships_a_base_of_at_least_100_facts_that_passes_check() -> None:
    out = io.StringIO()
    assert cli.check(today=TODAY, out=out) == 0, out.getvalue()
    assert len(default_knowledge_base().facts) >= 100
    assert "0 error(s)" in out.getvalue()


def test_it_covers_every_destination_with_a_route() -> None:
    kb = default_knowledge_base()
    for place_id, place in kb.places.items():
        if place.routes:
            assert any(rule.type == "entry" for rule in kb.destination_rules[place_id]), place_id


def test_it_reports_a_missing_field_with_file_line_and_field(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace('    source_url: "https://example.org/page"\n', "")
    assert problems_for(tmp_path, broken) == ["data/test.yaml:2: facts[0].source_url: is required"]


def test_it_reports_a_bad_enum_value_on_its_own_line(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace("confidence: high", "confidence: certain")
    [problem] = problems_for(tmp_path, broken)
    assert problem.startswith("data/test.yaml:12: facts[0].confidence: 'certain' is not one of")


def test_it_reports_an_unknown_field(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace("    status: current\n", "    status: current\n    colour: red\n")
    assert problems_for(tmp_path, broken) == [
        "data/test.yaml:14: facts[0].colour: is not a known field"
    ]


def test_it_reports_a_broken_rule_inside_a_fact(tmp_path: Path) -> None:
    broken = GOOD_FACT + "    rules:\n      - {type: risk, kind: handover}\n"
    assert problems_for(tmp_path, broken) == [
        "data/test.yaml:17: facts[0].rules[0].level: is required"
    ]


def test_it_reports_yaml_syntax_errors_with_the_line(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace("    kind: stay\n", "    kind: stay: twice\n")
    [problem] = problems_for(tmp_path, broken)
    assert problem.startswith("data/test.yaml:3: ")


def test_it_rejects_duplicate_keys(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace("    status: current\n", "    status: current\n    status: verify\n")
    [problem] = problems_for(tmp_path, broken)
    assert problem == "data/test.yaml:14: duplicate key 'status'"


def test_it_reports_dates_that_do_not_exist(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace('source_date: "2024-05-01"', 'source_date: "2023-02-30"')
    assert problems_for(tmp_path, broken) == [
        "data/test.yaml:10: facts[0].source_date: '2023-02-30' is not a real date"
    ]


def test_it_reports_a_range_that_ends_before_it_starts(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace("valid_from: null", "valid_from: 2025-01-01").replace(
        "valid_until: null", "valid_until: 2024-01-01"
    )
    assert problems_for(tmp_path, broken) == [
        "data/test.yaml:15: facts[0].valid_until: 2024-01-01 is before valid_from 2025-01-01"
    ]


def test_it_reports_a_last_verified_date_in_the_future(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace("last_verified: 2026-03-01", "last_verified: 2026-12-24")
    assert problems_for(tmp_path, broken) == [
        "data/test.yaml:11: facts[0].last_verified: 2026-12-24 is in the future"
    ]


def test_it_refuses_a_moved_last_verified_date_without_a_recorded_reading(tmp_path: Path) -> None:
    moved = GOOD_FACT.replace("last_verified: 2026-03-01", "last_verified: 2026-12-01")
    assert problems_for(tmp_path, moved) == [
        "data/test.yaml:11: facts[0].last_verified: 2026-12-01 is later than the first "
        "compilation, but no check records the reading"
    ]


CHECK = """    checked:
      on: {on}
      by: A. Lawyer
      read: "https://example.org/newer-page"
      read_date: "2026-11-20"
      note: The page still says so.
"""


def test_it_takes_a_moved_date_with_the_reading_that_moved_it(tmp_path: Path) -> None:
    moved = GOOD_FACT.replace("last_verified: 2026-03-01", "last_verified: 2026-12-01")
    kb = load(data_dir(tmp_path, moved + CHECK.format(on="2026-12-01")), TODAY)
    check = kb.facts["A-XX-001"].checked
    assert check is not None
    assert (check.on, check.read, check.read_date) == (
        dt.date(2026, 12, 1),
        "https://example.org/newer-page",
        "2026-11-20",
    )


def test_it_refuses_a_reading_on_another_day_than_last_verified(tmp_path: Path) -> None:
    moved = GOOD_FACT.replace("last_verified: 2026-03-01", "last_verified: 2026-12-01")
    assert problems_for(tmp_path, moved + CHECK.format(on="2026-11-30")) == [
        "data/test.yaml:11: facts[0].last_verified: differs from checked.on '2026-11-30'"
    ]


def test_it_reports_references_to_unknown_facts_and_places(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace("places: [KZ]", "places: [XX]") + "    see: [B-NOPE-001]\n"
    assert problems_for(tmp_path, broken) == [
        "data/test.yaml:2: see: B-NOPE-001 is not a fact id",
        "data/test.yaml:2: places: 'XX' is not in destinations.yaml",
    ]


def test_it_reports_a_fact_id_defined_twice(tmp_path: Path) -> None:
    directory = data_dir(tmp_path, GOOD_FACT, "a.yaml")
    (directory / "b.yaml").write_text(GOOD_FACT, encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load(directory, TODAY)
    assert caught.value.problems == ["data/b.yaml:2: id: A-XX-001 is also defined at data/a.yaml:2"]


def test_it_reads_norway_as_a_country_code_not_a_boolean(tmp_path: Path) -> None:
    fact = GOOD_FACT.replace("places: [KZ]", "places: [NO]")
    kb = load(data_dir(tmp_path, fact), TODAY)
    assert kb.facts["A-XX-001"].places == ("NO",)


def test_it_check_command_prints_errors_and_fails(tmp_path: Path) -> None:
    broken = GOOD_FACT.replace("status: current", "status: maybe")
    out = io.StringIO()
    assert cli.check(data_dir(tmp_path, broken), TODAY, out) == 1
    assert "data/test.yaml:13: facts[0].status: 'maybe' is not one of" in out.getvalue()


def test_it_check_command_rejects_a_warning_code_without_text(tmp_path: Path) -> None:
    fact = GOOD_FACT + (
        "    rules:\n      - {type: warning, code: made_up, level: low, when: {in_russia: true}}\n"
    )
    out = io.StringIO()
    assert cli.check(data_dir(tmp_path, fact), TODAY, out) == 1
    assert "'made_up' has no message text" in out.getvalue()


def test_it_check_command_lists_stale_facts(tmp_path: Path) -> None:
    out = io.StringIO()
    assert cli.check(data_dir(tmp_path, GOOD_FACT), dt.date(2026, 12, 1), out) == 0
    assert "stale: data/test.yaml:2: A-XX-001 last verified 2026-03-01" in out.getvalue()


def test_it_lists_every_unconfirmed_fact_in_docs() -> None:
    text = (DOCS / "routes.md").read_text(encoding="utf-8")
    section = text.split("## Facts we could not confirm", 1)[1]
    for fact in unconfirmed_facts(default_knowledge_base()):
        assert f"`{fact.id}`" in section, fact.id


def test_it_keeps_the_documented_situation_schema_in_step() -> None:
    shipped = (DEFAULT_DATA_DIR.parent / "schema" / "situation.schema.json").read_text()
    assert (DOCS / "situation.schema.json").read_text() == shipped


def places_dir(tmp_path: Path, old: str, new: str) -> Path:
    directory = data_dir(tmp_path, GOOD_FACT)
    places = directory / "destinations.yaml"
    text = places.read_text(encoding="utf-8")
    assert old in text
    places.write_text(text.replace(old, new, 1), encoding="utf-8")
    return directory


def test_it_names_countries_and_territories_from_the_one_country_list() -> None:
    kb = default_knowledge_base()
    for place_id in ("KG", "NO", "RU", "abkhazia", "south-ossetia"):
        assert kb.places[place_id].names() == countries.names(place_id)
    assert kb.places["KG"].name("ru") == "Киргизия"
    assert kb.places["EU"].name("ru") == "Евросоюз / Шенген"  # a bloc names itself


def test_it_refuses_a_country_that_is_not_an_iso_code(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as caught:
        load(places_dir(tmp_path, "- id: TJ\n", "- id: TQ\n"), TODAY)
    assert any("'TQ' is not an ISO 3166-1 country code" in p for p in caught.value.problems)


def test_it_refuses_a_territory_the_country_list_does_not_name(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as caught:
        load(places_dir(tmp_path, "- id: abkhazia\n", "- id: narnia\n"), TODAY)
    assert any("'narnia' is not a territory" in p for p in caught.value.problems)


def test_it_refuses_a_second_name_for_a_country(tmp_path: Path) -> None:
    directory = places_dir(
        tmp_path,
        "- id: TJ\n    kind: country\n",
        "- id: TJ\n    kind: country\n    name: {en: Tj, ru: Тж}\n",
    )
    with pytest.raises(KnowledgeError) as caught:
        load(directory, TODAY)
    [problem] = caught.value.problems
    assert ".name: is not allowed here: a country or territory takes its names" in problem
