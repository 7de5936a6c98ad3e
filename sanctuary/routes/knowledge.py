"""The routes knowledge base: YAML files of sourced facts, validated and indexed for the engine.

Loading never trusts the files: every file is checked against its JSON Schema and every error
names the file, the line and the field (``data/entry.yaml:42: facts[3].source_url: is required``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from sanctuary import countries

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = PACKAGE_DIR / "data"
SCHEMA_DIR = PACKAGE_DIR / "schema"
PLACES_FILE = "destinations.yaml"

STALE_AFTER_DAYS = 180
# The research notes the base was first compiled from date from this day; a later last_verified
# must come with a ``checked`` record of the source that was read.
FIRST_COMPILED = dt.date(2026, 3, 2)
MAX_DEPTH = 20  # nesting of YAML collections; a fact needs four
UNCONFIRMED_STATUSES = frozenset({"verify", "conflict"})
LOWERED_STATUSES = frozenset({"verify", "conflict", "changed"})


class KnowledgeError(Exception):
    """The knowledge base is broken; ``problems`` lists every ``file:line: field: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- YAML with line numbers -------------------------------------------------------------------


class MarkedDict(dict[str, Any]):
    """A mapping that remembers the line of each key, so errors can point at the file."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class MarkedList(list[Any]):
    """A sequence that remembers the line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader that keeps line numbers and reads dates and country codes as plain strings.

    YAML 1.1 turns an unquoted ``NO`` (Norway) into ``False`` and ``2023-01-19`` into a date;
    both break schema validation in confusing ways, so only ``true``/``false`` are booleans.

    Text typed into a staff form goes through it too, so its work is bounded: no aliases (a
    few lines of them expand into billions of nodes for the schema check) and no nesting
    deeper than MAX_DEPTH (the composer recurses).
    """

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        problem = ""
        if self.check_event(yaml.AliasEvent):
            problem = "aliases are not allowed"
        elif self.depth >= MAX_DEPTH:
            problem = "nested too deeply"
        if problem:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, problem, mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_MarkedLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_MarkedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


def _construct_mapping(loader: _MarkedLoader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    mapping = MarkedDict(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, dict | list):  # `{{ x }}`: a mapping as a key, unhashable
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                "a key must be a plain value",
                key_node.start_mark,
            )
        if key in mapping:
            raise DuplicateKeyError(
                "while reading a mapping",
                node.start_mark,
                f"duplicate key {key!r}",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _MarkedLoader, node: yaml.SequenceNode) -> MarkedList:
    sequence = MarkedList(node.start_mark.line + 1)
    for item_node in node.value:
        sequence.append(loader.construct_object(item_node, deep=True))
        sequence.item_lines.append(item_node.start_mark.line + 1)
    return sequence


_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_marked_yaml(path: Path, label: str) -> Any:
    """Parse one YAML file; a syntax error becomes a KnowledgeError naming file and line."""
    with path.open(encoding="utf-8") as stream:
        return parse_marked_yaml(stream.read(), label)


def parse_marked_yaml(text: str, label: str) -> Any:
    """Parse YAML text as the loader reads files (dates and country codes stay strings)."""
    try:
        return yaml.load(text, Loader=_MarkedLoader)  # noqa: S506  # nosec B506  # a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise KnowledgeError([f"{label}:{line}: {error.problem or error.context}"]) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, like U+FFFF
        line = text.count("\n", 0, max(error.position, 0)) + 1
        problem = f"character U+{int(error.character):04X} is not allowed"
        raise KnowledgeError([f"{label}:{line}: {problem}"]) from None


def line_of(document: Any, path: Iterable[str | int]) -> int:
    """The line of the deepest node on ``path`` that the document still has."""
    node = document
    line = getattr(document, "line", 1)
    for step in path:
        if isinstance(node, MarkedDict) and isinstance(step, str) and step in node:
            line = node.key_lines[step]
            node = node[step]
        elif isinstance(node, MarkedList) and isinstance(step, int) and step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line


def field_path(path: Iterable[str | int]) -> str:
    """Render ``['facts', 3, 'source_url']`` as ``facts[3].source_url``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "(file)"


# --- Schema validation ------------------------------------------------------------------------


@cache
def load_schema(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / name).open(encoding="utf-8") as stream:
        schema: dict[str, Any] = json.load(stream)
    return schema


def describe_error(error: jsonschema.ValidationError) -> tuple[list[str | int], str]:
    """A short message and the path of the field it concerns."""
    path: list[str | int] = list(error.absolute_path)
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        if missing:
            return [*path, missing.group(1)], "is required"
    refused = error.validator_value if error.validator == "not" else None
    if isinstance(refused, Mapping) and refused.get("required"):
        why = error.schema.get("$comment") if isinstance(error.schema, Mapping) else None
        return [*path, refused["required"][0]], "is not allowed here" + (f": {why}" if why else "")
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = set(error.schema.get("properties", {}))
        unknown = sorted(str(key) for key in error.instance if key not in allowed)
        if unknown:
            return [*path, unknown[0]], "is not a known field"
    if error.validator == "pattern":
        return path, f"{error.instance!r} has the wrong format"
    if error.validator == "enum":
        choices = ", ".join(str(choice) for choice in error.validator_value)
        return path, f"{error.instance!r} is not one of: {choices}"
    if error.validator == "oneOf" and error.context:
        return path, error.context[0].message
    return path, error.message


def leaf_errors(error: jsonschema.ValidationError) -> Iterator[jsonschema.ValidationError]:
    # if/then and allOf wrap the useful error; report the innermost one.
    if error.validator in ("allOf", "anyOf") and error.context:
        for inner in error.context:
            yield from leaf_errors(inner)
    else:
        yield error


def schema_problems(document: Any, schema_name: str, label: str) -> list[str]:
    """Every violation of the schema, as ``label:line: field: message``, in file order."""
    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    found: list[tuple[int, str]] = []
    for error in validator.iter_errors(document):
        for leaf in leaf_errors(error):
            path, message = describe_error(leaf)
            line = line_of(document, path)
            found.append((line, f"{label}:{line}: {field_path(path)}: {message}"))
    return [text for _, text in sorted(set(found))]


# --- The model --------------------------------------------------------------------------------


def parse_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True, kw_only=True)
class When:
    """Conditions on the situation; every condition given must hold."""

    statuses: frozenset[str] | None = None
    profiles: frozenset[str] | None = None
    # None of these profiles: conscription advice is never for a reservist.
    unless_profiles: frozenset[str] | None = None
    criminal_case: frozenset[str] | None = None
    summons: frozenset[str] | None = None
    current_country: frozenset[str] | None = None
    in_russia: bool | None = None
    public_activism: bool | None = None
    has_international_passport: bool | None = None
    min_days_since_left_unit: int | None = None
    max_days_since_left_unit: int | None = None
    min_age: int | None = None
    max_age: int | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> When:
        if not data:
            return cls()

        def optional_set(key: str) -> frozenset[str] | None:
            return frozenset(data[key]) if key in data else None

        days = data.get("days_since_left_unit", {})
        age = data.get("age", {})
        return cls(
            statuses=optional_set("statuses"),
            profiles=optional_set("profiles"),
            unless_profiles=optional_set("unless_profiles"),
            criminal_case=optional_set("criminal_case"),
            summons=optional_set("summons"),
            current_country=optional_set("current_country"),
            in_russia=data.get("in_russia"),
            public_activism=data.get("public_activism"),
            has_international_passport=data.get("has_international_passport"),
            min_days_since_left_unit=days.get("min"),
            max_days_since_left_unit=days.get("max"),
            min_age=age.get("min"),
            max_age=age.get("max"),
        )


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One machine-readable consequence of a fact. Fields not used by a type keep defaults.

    ``valid_from``/``valid_until`` are the overlap of the rule's own range and its fact's.
    """

    type: str
    fact_id: str
    places: frozenset[str]
    modes: frozenset[str] | None = None
    when: When = field(default_factory=When)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    documents: tuple[str, ...] = ()
    visa_required: bool = False
    min_passport_validity_days: int | None = None
    requires: str | None = None
    days: int | None = None
    per_days: int | None = None
    unlimited: bool = False
    registration_days: int | None = None
    kind: str | None = None
    level: str | None = None
    outlook: str | None = None
    code: str | None = None
    params: tuple[tuple[str, str | int], ...] = ()
    document: str | None = None

    def covers_mode(self, mode: str) -> bool:
        return self.modes is None or mode in self.modes

    def in_range(self, today: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_until is None or today <= self.valid_until
        )


@dataclass(frozen=True, kw_only=True)
class FactCheck:
    """A reading of the fact's source that confirmed it: when, by whom, which page and its date."""

    on: dt.date
    by: str
    read: str
    read_date: str
    note: str


@dataclass(frozen=True, kw_only=True)
class Fact:
    id: str
    kind: str
    places: tuple[str, ...]
    profiles: tuple[str, ...]
    summary_en: str
    summary_ru: str
    source_url: str
    source_date: str
    source_date_approx: bool
    source_note: str | None
    also: tuple[tuple[str, str], ...]
    last_verified: dt.date
    confidence: str
    status: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    see: tuple[str, ...]
    rules: tuple[Rule, ...]
    origin: str
    checked: FactCheck | None = None
    unconfirmed: tuple[dt.date, str] | None = None

    def applies_on(self, today: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_until is None or today <= self.valid_until
        )

    def is_stale(self, today: dt.date) -> bool:
        return (today - self.last_verified).days > STALE_AFTER_DAYS

    @property
    def vague_source_date(self) -> bool:
        return self.source_date == "n.d." or self.source_date_approx

    def summary(self, lang: str) -> str:
        # Summaries are written in English and Russian only; Ukrainian readers get the Russian
        # one, which people from the occupied territories read, rather than English.
        return self.summary_en if lang == "en" else self.summary_ru


@dataclass(frozen=True)
class Route:
    destination_id: str
    mode: str
    documents: tuple[str, ...]
    # Where a land route can start; None for flights, which leave from anywhere.
    starts_from: frozenset[str] | None = None
    # False where leaving Russia this way passes no Russian border post (the Union State
    # border with Belarus): a Russian exit ban does not stop him there, Belarus's data does.
    russian_border_post: bool = True

    def starts_in(self, place_id: str) -> bool:
        return self.starts_from is None or place_id in self.starts_from

    @property
    def id(self) -> str:
        return f"{self.destination_id}-{self.mode}"


@dataclass(frozen=True)
class Place:
    id: str
    kind: str
    name_en: str
    name_ru: str
    name_uk: str | None
    member_of: tuple[str, ...]
    routes: tuple[Route, ...]
    origin: str

    @property
    def matching_places(self) -> frozenset[str]:
        """Facts about this place or about a bloc it belongs to apply to it."""
        return frozenset((self.id, *self.member_of))

    def name(self, lang: str) -> str:
        if lang == "uk" and self.name_uk:
            return self.name_uk
        return self.name_ru if lang == "ru" else self.name_en

    def names(self) -> dict[str, str]:
        return {lang: self.name(lang) for lang in ("en", "ru", "uk")}


DESTINATION_RULE_TYPES = frozenset(
    {"entry", "entry_closed", "child_document", "stay", "risk", "protection"}
)
PERSON_RULE_TYPES = frozenset({"warning", "exit_control", "document_invalid"})
# A prudence rule is a default for the places it names: it applies to a person there only while
# no specific fact about the same danger does (see engine._prudence_risks).
PRUDENCE_RULE_TYPES = frozenset({"prudence"})


@dataclass(frozen=True)
class KnowledgeBase:
    places: Mapping[str, Place]
    facts: Mapping[str, Fact]
    destination_rules: Mapping[str, tuple[Rule, ...]]
    person_rules: tuple[Rule, ...]
    prudence_rules: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict)
    # Every rule about a place (own or a bloc's), whether or not it has routes: what the
    # "where you are now" section reads.
    place_rules: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict)

    @property
    def routes(self) -> tuple[Route, ...]:
        return tuple(route for place in self.places.values() for route in place.routes)

    def warning_codes(self) -> frozenset[str]:
        return frozenset(
            rule.code for fact in self.facts.values() for rule in fact.rules if rule.code
        )


# --- Building the model from validated documents ----------------------------------------------


def _latest(*dates: dt.date | None) -> dt.date | None:
    known = [day for day in dates if day is not None]
    return max(known) if known else None


def _earliest(*dates: dt.date | None) -> dt.date | None:
    known = [day for day in dates if day is not None]
    return min(known) if known else None


def _rule(data: Mapping[str, Any], fact: Mapping[str, Any]) -> Rule:
    """A rule applies only while both it and its fact are in force, so store the overlap."""
    return Rule(
        type=data["type"],
        fact_id=fact["id"],
        places=frozenset(data.get("places", fact["places"])),
        modes=frozenset(data["modes"]) if "modes" in data else None,
        when=When.from_data(data.get("when")),
        valid_from=_latest(parse_date(fact["valid_from"]), parse_date(data.get("valid_from"))),
        valid_until=_earliest(parse_date(fact["valid_until"]), parse_date(data.get("valid_until"))),
        documents=tuple(data.get("documents", ())),
        visa_required=data.get("visa_required", False),
        min_passport_validity_days=data.get("min_passport_validity_days"),
        requires=data.get("requires"),
        days=data.get("days"),
        per_days=data.get("per_days"),
        unlimited=data.get("unlimited", False),
        registration_days=data.get("registration_days"),
        kind=data.get("kind"),
        level=data.get("level"),
        outlook=data.get("outlook"),
        code=data.get("code"),
        params=tuple(sorted(data.get("params", {}).items())),
        document=data.get("document"),
    )


def _fact(data: Mapping[str, Any], origin: str) -> Fact:
    places = tuple(data["places"])
    return Fact(
        id=data["id"],
        kind=data["kind"],
        places=places,
        profiles=tuple(data["profiles"]),
        summary_en=data["summary"]["en"].strip(),
        summary_ru=data["summary"]["ru"].strip(),
        source_url=data["source_url"],
        source_date=data["source_date"],
        source_date_approx=data.get("source_date_approx", False),
        source_note=data.get("source_note"),
        also=tuple((item["url"], item["date"]) for item in data.get("also", ())),
        last_verified=dt.date.fromisoformat(data["last_verified"]),
        confidence=data["confidence"],
        status=data["status"],
        valid_from=parse_date(data["valid_from"]),
        valid_until=parse_date(data["valid_until"]),
        see=tuple(data.get("see", ())),
        rules=tuple(_rule(rule, data) for rule in data.get("rules", ())),
        origin=origin,
        checked=_check(data.get("checked")),
        unconfirmed=(
            (dt.date.fromisoformat(data["unconfirmed"]["on"]), data["unconfirmed"]["reason"])
            if data.get("unconfirmed")
            else None
        ),
    )


def _check(data: Mapping[str, Any] | None) -> FactCheck | None:
    if not data:
        return None
    return FactCheck(
        on=dt.date.fromisoformat(data["on"]),
        by=data["by"],
        read=data["read"],
        read_date=data["read_date"],
        note=data["note"].strip(),
    )


def _place(data: Mapping[str, Any], origin: str) -> Place:
    # Countries and named territories are named by the one country list; blocs by the file.
    names = data.get("name") or countries.names(data["id"])
    return Place(
        id=data["id"],
        kind=data["kind"],
        name_en=names["en"],
        name_ru=names["ru"],
        name_uk=names.get("uk"),
        member_of=tuple(data.get("member_of", ())),
        routes=tuple(
            Route(
                data["id"],
                route["mode"],
                tuple(route["documents"]),
                frozenset(route["from"]) if "from" in route else None,
                route.get("russian_border_post", True),
            )
            for route in data.get("routes", ())
        ),
        origin=origin,
    )


def _date_problems(
    data: Mapping[str, Any], origin_of: Any, today: dt.date, *, shipped: bool
) -> list[str]:
    """Dates that match the schema's pattern but are not real, or out of order. In the shipped
    files (``shipped``), a ``last_verified`` later than the first compilation needs its reading."""
    problems: list[str] = []

    def check_day(path: list[str | int], text: Any) -> dt.date | None:
        if not isinstance(text, str) or text == "n.d.":
            return None
        padded = {4: "-01-01", 7: "-01"}.get(len(text), "")
        try:
            return dt.date.fromisoformat(text + padded)
        except ValueError:
            problems.append(f"{origin_of(path)}: {field_path(path)}: {text!r} is not a real date")
            return None

    for index, fact in enumerate(data.get("facts", ())):
        base: list[str | int] = ["facts", index]
        check_day([*base, "source_date"], fact.get("source_date"))
        for also_index, also in enumerate(fact.get("also", ())):
            check_day([*base, "also", also_index, "date"], also.get("date"))
        verified = check_day([*base, "last_verified"], fact.get("last_verified"))
        if verified and verified > today:
            problems.append(
                f"{origin_of([*base, 'last_verified'])}: {field_path([*base, 'last_verified'])}: "
                f"{verified} is in the future"
            )
        if shipped:
            where = f"{origin_of([*base, 'last_verified'])}: {field_path([*base, 'last_verified'])}"
            checked = fact.get("checked")
            if isinstance(checked, Mapping):
                check_day([*base, "checked", "read_date"], checked.get("read_date"))
                if checked.get("on") != fact.get("last_verified"):
                    # A date that moves says somebody read the source; the check is that reading.
                    problems.append(f"{where}: differs from checked.on {checked.get('on')!r}")
            elif verified and FIRST_COMPILED < verified <= today:
                problems.append(
                    f"{where}: {verified} is later than the first compilation, "
                    "but no check records the reading"
                )
        ranges = [(base, fact)] + [
            ([*base, "rules", rule_index], rule)
            for rule_index, rule in enumerate(fact.get("rules", ()))
        ]
        for path, holder in ranges:
            start = check_day([*path, "valid_from"], holder.get("valid_from"))
            end = check_day([*path, "valid_until"], holder.get("valid_until"))
            if start and end and start > end:
                problems.append(
                    f"{origin_of([*path, 'valid_until'])}: {field_path([*path, 'valid_until'])}: "
                    f"{end} is before valid_from {start}"
                )
    return problems


@dataclass
class _Loaded:
    label: str
    document: Any

    def origin(self, path: list[str | int]) -> str:
        return f"{self.label}:{line_of(self.document, path)}"


def _read_files(data_dir: Path) -> tuple[_Loaded, list[_Loaded], list[str]]:
    problems: list[str] = []
    places_path = data_dir / PLACES_FILE
    fact_paths = sorted(path for path in data_dir.glob("*.yaml") if path.name != PLACES_FILE)

    def read(path: Path, schema_name: str) -> _Loaded:
        label = f"{data_dir.name}/{path.name}"
        try:
            document = load_marked_yaml(path, label)
        except KnowledgeError as error:
            problems.extend(error.problems)
            return _Loaded(label, None)
        problems.extend(schema_problems(document, schema_name, label))
        return _Loaded(label, document)

    if not places_path.exists():
        problems.append(f"{data_dir.name}/{PLACES_FILE}:0: (file): is required")
        places = _Loaded(f"{data_dir.name}/{PLACES_FILE}", None)
    else:
        places = read(places_path, "destinations.schema.json")
    return places, [read(path, "facts.schema.json") for path in fact_paths], problems


def _reference_problems(places: list[Place], facts: list[Fact]) -> list[str]:
    problems: list[str] = []
    place_ids = {place.id for place in places}
    fact_ids: dict[str, str] = {}
    for place in places:
        if place.kind == "country" and not countries.is_country(place.id):
            problems.append(f"{place.origin}: id: {place.id!r} is not an ISO 3166-1 country code")
        if place.kind == "territory" and not countries.is_territory(place.id):
            problems.append(
                f"{place.origin}: id: {place.id!r} is not a territory of sanctuary/countries.py"
            )
        for bloc in place.member_of:
            if bloc not in place_ids:
                problems.append(f"{place.origin}: member_of: unknown place {bloc!r}")
        for route in place.routes:
            for start in sorted(route.starts_from or ()):
                if start not in place_ids:
                    problems.append(f"{place.origin}: routes: unknown place {start!r}")
    for fact in facts:
        if fact.id in fact_ids:
            problems.append(f"{fact.origin}: id: {fact.id} is also defined at {fact_ids[fact.id]}")
        fact_ids.setdefault(fact.id, fact.origin)
    for fact in facts:
        for ref in fact.see:
            if ref not in fact_ids:
                problems.append(f"{fact.origin}: see: {ref} is not a fact id")
        used_places = {*fact.places}
        for rule in fact.rules:
            used_places |= rule.places
            if rule.when.current_country:
                used_places |= rule.when.current_country
        for unknown in sorted(used_places - place_ids):
            problems.append(f"{fact.origin}: places: {unknown!r} is not in {PLACES_FILE}")
    return problems


def _index(places: list[Place], facts: list[Fact]) -> KnowledgeBase:
    by_place: dict[str, list[Rule]] = {}
    person_rules: list[Rule] = []
    prudence: dict[str, list[Rule]] = {}
    for fact in facts:
        for rule in fact.rules:
            if rule.type in PERSON_RULE_TYPES:
                person_rules.append(rule)
            elif rule.type in PRUDENCE_RULE_TYPES:
                for place_id in rule.places:
                    prudence.setdefault(place_id, []).append(rule)
            else:
                for place_id in rule.places:
                    by_place.setdefault(place_id, []).append(rule)
    place_rules = {
        place.id: tuple(
            rule
            for matching in sorted(place.matching_places)
            for rule in by_place.get(matching, ())
        )
        for place in places
    }
    destination_rules = {place.id: place_rules[place.id] for place in places if place.routes}
    return KnowledgeBase(
        places={place.id: place for place in places},
        facts={fact.id: fact for fact in facts},
        destination_rules=destination_rules,
        person_rules=tuple(person_rules),
        prudence_rules={place_id: tuple(rules) for place_id, rules in prudence.items()},
        place_rules=place_rules,
    )


def load(data_dir: Path | None = None, today: dt.date | None = None) -> KnowledgeBase:
    """Read, validate and index the knowledge base; raise KnowledgeError listing every problem.

    ``today`` only matters for the "last_verified is not in the future" check.
    """
    data_dir = data_dir or DEFAULT_DATA_DIR
    places_file, fact_files, problems = _read_files(data_dir)
    if problems:
        raise KnowledgeError(problems)
    return _build(places_file, fact_files, today, shipped=True)


def load_documents(
    places: Any, fact_files: Iterable[tuple[str, Any]], today: dt.date | None = None
) -> KnowledgeBase:
    """Validate and index documents already in memory (the live base in the database), with
    exactly the checks ``load`` runs on files. ``fact_files`` pairs a label with a document."""
    places_file = _Loaded(PLACES_FILE, places)
    problems = schema_problems(places, "destinations.schema.json", PLACES_FILE)
    loaded = []
    for label, document in fact_files:
        problems.extend(schema_problems(document, "facts.schema.json", label))
        loaded.append(_Loaded(label, document))
    if problems:
        raise KnowledgeError(problems)
    return _build(places_file, loaded, today, shipped=False)


def _build(
    places_file: _Loaded, fact_files: list[_Loaded], today: dt.date | None, *, shipped: bool
) -> KnowledgeBase:
    today = today or dt.date.today()
    problems: list[str] = []
    for loaded in fact_files:
        problems.extend(_date_problems(loaded.document, loaded.origin, today, shipped=shipped))
    if problems:
        raise KnowledgeError(problems)
    places = [
        _place(item, places_file.origin(["places", index]))
        for index, item in enumerate(places_file.document["places"])
    ]
    facts = [
        _fact(item, loaded.origin(["facts", index]))
        for loaded in fact_files
        for index, item in enumerate(loaded.document["facts"])
    ]
    problems = _reference_problems(places, facts)
    if problems:
        raise KnowledgeError(problems)
    return _index(places, facts)


@cache
def default_knowledge_base() -> KnowledgeBase:
    """The shipped base, loaded once per process."""
    return load()


def unconfirmed_facts(kb: KnowledgeBase) -> list[Fact]:
    """Facts with a vague source date, an unresolved status or a failed re-verification, for
    docs/routes.md."""
    return sorted(
        (
            fact
            for fact in kb.facts.values()
            if fact.vague_source_date
            or fact.status in UNCONFIRMED_STATUSES
            or fact.unconfirmed is not None
        ),
        key=lambda fact: fact.id,
    )
