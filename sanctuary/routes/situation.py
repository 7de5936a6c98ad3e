"""The situation of a person asking for options: one definition for intake and the engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema

from sanctuary.routes.knowledge import describe_error, field_path, leaf_errors, load_schema

# Every status a situation can have, in the questionnaire's order: the schema is the one list.
STATUSES: tuple[str, ...] = tuple(
    load_schema("situation.schema.json")["properties"]["status"]["enum"]
)
MILITARY_STATUSES = frozenset({"conscript", "mobilized", "contract_soldier"})
CHILD_DOCUMENT_AGE = 14
SCHEMA_VERSION = 2
WANTS: tuple[str, ...] = tuple(load_schema("situation.schema.json")["properties"]["wants"]["enum"])


class SituationError(ValueError):
    """The situation does not match the schema; ``field`` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Location:
    kind: str
    country: str | None = None
    region: str | None = None
    since: dt.date | None = None

    @property
    def in_russia(self) -> bool:
        # Occupied territory is under Russian control: Russian exit rules apply there too.
        return self.kind in ("russia", "occupied")

    @property
    def country_code(self) -> str:
        return "RU" if self.in_russia else (self.country or "")


@dataclass(frozen=True)
class InternationalPassport:
    expires: dt.date


@dataclass(frozen=True)
class Documents:
    internal_passport: bool
    international_passport: InternationalPassport | None = None
    military_id: bool = False


@dataclass(frozen=True)
class Summons:
    """A summons as facts: ``date`` is the day it came (handed over or placed in the register)."""

    kind: str
    date: dt.date
    report_by: dt.date | None = None
    in_register: bool | None = None
    served: bool | None = None
    purpose: str | None = None


@dataclass(frozen=True)
class ProtectionClaim:
    country: str
    date: dt.date


@dataclass(frozen=True)
class Companion:
    relation: str
    age: int
    international_passport: bool = False
    birth_certificate: bool = True
    internal_passport: bool | None = None

    @property
    def is_young_child(self) -> bool:
        return self.age < CHILD_DOCUMENT_AGE


@dataclass(frozen=True)
class Situation:
    status: str
    location: Location
    documents: Documents
    today: dt.date
    summons: Summons | None = None
    left_unit_date: dt.date | None = None
    criminal_case: str = "none"
    companions: tuple[Companion, ...] = ()
    wished_destinations: tuple[str, ...] = ()
    public_activism: bool = False
    age: int | None = None
    wants: str | None = None
    protection_claim: ProtectionClaim | None = None
    other_statuses: tuple[str, ...] = ()
    travel_date: dt.date | None = None

    @property
    def statuses(self) -> frozenset[str]:
        """Every status he has or had: the main one and the others."""
        return frozenset((self.status, *self.other_statuses))

    @property
    def days_here(self) -> int | None:
        """Days since he entered the country he is in now, counting the day of entry."""
        since = self.location.since
        return None if since is None else (self.today - since).days + 1

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Situation:
        """Validate against situation.schema.json; raise SituationError naming the field.

        A version 1 situation (no ``version``) is read as version 2 without the answers that
        version 1 could not hold; ``to_dict`` writes version 2.
        """
        validator = jsonschema.Draft202012Validator(load_schema("situation.schema.json"))
        errors = sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))
        for error in errors:
            for leaf in leaf_errors(error):
                path, message = describe_error(leaf)
                raise SituationError(field_path(path), message)
        documents = data["documents"]
        passport = documents.get("international_passport")
        summons = data.get("summons")
        return cls(
            status=data["status"],
            location=Location(
                kind=data["location"]["kind"],
                country=data["location"].get("country"),
                region=data["location"].get("region"),
                since=(
                    _date(data["location"]["since"], "location.since")
                    if data["location"].get("since")
                    else None
                ),
            ),
            documents=Documents(
                internal_passport=documents["internal_passport"],
                international_passport=(
                    InternationalPassport(
                        _date(passport["expires"], "documents.international_passport.expires")
                    )
                    if passport
                    else None
                ),
                military_id=documents.get("military_id", False),
            ),
            today=_date(data["today"], "today"),
            summons=_summons(summons) if summons else None,
            left_unit_date=(
                _date(data["left_unit_date"], "left_unit_date")
                if data.get("left_unit_date")
                else None
            ),
            criminal_case=data.get("criminal_case", "none"),
            companions=tuple(
                Companion(
                    relation=item["relation"],
                    age=item["age"],
                    international_passport=item.get("international_passport", False),
                    birth_certificate=item.get("birth_certificate", True),
                    internal_passport=item.get("internal_passport"),
                )
                for item in data.get("companions", ())
            ),
            wished_destinations=tuple(data.get("wished_destinations", ())),
            public_activism=data.get("public_activism", False),
            age=data.get("age"),
            wants=data.get("wants"),
            protection_claim=(
                ProtectionClaim(claim["country"], _date(claim["date"], "protection_claim.date"))
                if (claim := data.get("protection_claim"))
                else None
            ),
            other_statuses=tuple(data.get("other_statuses", ())),
            travel_date=(
                _date(data["travel_date"], "travel_date") if data.get("travel_date") else None
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; ``Situation.from_dict(s.to_dict()) == s``."""
        location: dict[str, Any] = {"kind": self.location.kind}
        if self.location.country is not None:
            location["country"] = self.location.country
        if self.location.region is not None:
            location["region"] = self.location.region
        if self.location.since is not None:
            location["since"] = self.location.since.isoformat()
        passport = self.documents.international_passport
        data: dict[str, Any] = {
            "version": SCHEMA_VERSION,
            "status": self.status,
            "location": location,
            "documents": {
                "internal_passport": self.documents.internal_passport,
                "international_passport": (
                    {"expires": passport.expires.isoformat()} if passport else None
                ),
                "military_id": self.documents.military_id,
            },
            "summons": _summons_dict(self.summons) if self.summons else None,
            "left_unit_date": self.left_unit_date.isoformat() if self.left_unit_date else None,
            "criminal_case": self.criminal_case,
            "companions": [
                {
                    "relation": companion.relation,
                    "age": companion.age,
                    "international_passport": companion.international_passport,
                    "birth_certificate": companion.birth_certificate,
                    **(
                        {"internal_passport": companion.internal_passport}
                        if companion.internal_passport is not None
                        else {}
                    ),
                }
                for companion in self.companions
            ],
            "wished_destinations": list(self.wished_destinations),
            "public_activism": self.public_activism,
        }
        if self.age is not None:
            data["age"] = self.age
        if self.wants is not None:
            data["wants"] = self.wants
        claim = self.protection_claim
        data["protection_claim"] = (
            {"country": claim.country, "date": claim.date.isoformat()} if claim else None
        )
        if self.other_statuses:
            data["other_statuses"] = list(self.other_statuses)
        if self.travel_date is not None:
            data["travel_date"] = self.travel_date.isoformat()
        data["today"] = self.today.isoformat()
        return data


def _summons(data: Mapping[str, Any]) -> Summons:
    return Summons(
        kind=data["kind"],
        date=_date(data["date"], "summons.date"),
        report_by=_date(data["report_by"], "summons.report_by") if data.get("report_by") else None,
        in_register=data.get("in_register"),
        served=data.get("served"),
        purpose=data.get("purpose"),
    )


def _summons_dict(summons: Summons) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": summons.kind, "date": summons.date.isoformat()}
    if summons.report_by is not None:
        data["report_by"] = summons.report_by.isoformat()
    for name in ("in_register", "served", "purpose"):
        if (value := getattr(summons, name)) is not None:
            data[name] = value
    return data


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SituationError(field, f"{text!r} is not a real date") from None
