"""Turn a situation into ranked route options with reasons, risks and citations.

``advise`` is a pure function of the situation and the knowledge base: no Django, no clock,
no randomness. Only rules whose validity range contains ``situation.today`` are used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from sanctuary.routes.knowledge import (
    LOWERED_STATUSES,
    UNCONFIRMED_STATUSES,
    Fact,
    KnowledgeBase,
    Route,
    Rule,
    When,
)
from sanctuary.routes.messages import render
from sanctuary.routes.situation import Situation, Summons

VERDICTS = ("recommended", "possible", "unsafe", "exit_blocked", "not_possible")
# A high risk of one of these means being sent back to Russia: the route is unsafe.
RETURN_RISK_KINDS = frozenset(
    {"handover", "extradition", "abduction", "deportation", "russian_control"}
)
LEVELS = {"low": 0, "medium": 1, "high": 2}
OUTLOOKS = {"poor": 0, "limited": 1, "good": 2}
CONFIDENCES = ("low", "medium", "high")

VERDICT_BASE_SCORE = {
    "recommended": 100,
    "possible": 75,
    "unsafe": 50,
    "exit_blocked": 25,
    "not_possible": 0,
}
SCORE_BAND_WIDTH = 24
OUTLOOK_POINTS = {"good": 8, "limited": 3, "poor": -3}
RISK_PENALTY = {"high": 8, "medium": 4, "low": 1}
# Under Russian control return is not a risk but a given: rank it below every other option.
RISK_KIND_WEIGHT = {"russian_control": 3}

# Leaving the country while serving is desertion in Russian law, so soldiers who ask about
# routes face the risks documented for deserters.
STATUS_PROFILES: Mapping[str, frozenset[str]] = {
    "civilian": frozenset({"civilian"}),
    "summons_received": frozenset({"evader"}),
    "conscript": frozenset({"conscript", "deserter"}),
    "mobilized": frozenset({"reservist", "deserter"}),
    "contract_soldier": frozenset({"contract_soldier", "deserter"}),
    "deserter": frozenset({"deserter"}),
    "abroad": frozenset({"civilian"}),
    "captivity": frozenset(),
}
# A summons for mobilisation calls him as a reservist, whatever his status says.
MOBILISATION_PROFILES = frozenset({"reservist"})
# A summons placed in the electronic register counts as delivered this many days later.
REGISTER_DELIVERY_DAYS = 7
# Facts about the practice of one country say more about it than the law of its bloc.
GENERAL_PLACES = frozenset({"EU", "INT"})
# The ground a claim rests on, strongest first: a mobilised man who leaves claims as a deserter,
# so deserters' practice decides his outlook where a country has one for deserters.
CLAIM_PROFILES = (
    "deserter",
    "contract_soldier",
    "reservist",
    "conscript",
    "evader",
    "activist",
    "civilian",
    "family",
)

Params = tuple[tuple[str, str | int], ...]


@dataclass(frozen=True)
class Reason:
    code: str
    params: Params
    fact_ids: tuple[str, ...]


@dataclass(frozen=True)
class Risk:
    kind: str
    level: str
    fact_ids: tuple[str, ...]
    # A prudent default (a prudence rule), not a documented case: the text says so.
    default: bool = False

    @property
    def code(self) -> str:
        return "risk_default" if self.default else f"risk_{self.kind}"

    @property
    def params(self) -> Params:
        return (("kind", self.kind),) if self.default else ()


@dataclass(frozen=True)
class Warning:
    code: str
    level: str
    params: Params
    fact_ids: tuple[str, ...]


@dataclass(frozen=True)
class StayLimit:
    days: int | None
    per_days: int | None
    unlimited: bool
    registration_days: int | None
    fact_ids: tuple[str, ...]


@dataclass(frozen=True)
class Option:
    destination: str
    mode: str
    verdict: str
    score: int
    confidence: str
    reasons: tuple[Reason, ...]
    risks: tuple[Risk, ...]
    documents_required: tuple[str, ...]
    stay_limit: StayLimit | None
    citations: tuple[str, ...]
    stale: bool
    wished: bool
    # The facts its verdict rests on: only these make the option "old" when stale.
    deciding: tuple[str, ...] = ()
    # One plain line saying why the verdict is what it is.
    explanation: Reason | None = None

    @property
    def id(self) -> str:
        return f"{self.destination}-{self.mode}"


@dataclass(frozen=True)
class Here:
    """Where he is now: how long he may still stay, when to register, what threatens him."""

    country: str
    since: dt.date | None
    days_left: int | None
    until: dt.date | None
    registration_until: dt.date | None
    stay: StayLimit | None
    reasons: tuple[Reason, ...]
    risks: tuple[Risk, ...]

    @property
    def fact_ids(self) -> frozenset[str]:
        return frozenset(
            {fact_id for reason in self.reasons for fact_id in reason.fact_ids}
            | {fact_id for risk in self.risks for fact_id in risk.fact_ids}
        )


@dataclass(frozen=True)
class Advice:
    today: dt.date
    profiles: tuple[str, ...]
    options: tuple[Option, ...]
    warnings: tuple[Warning, ...]
    facts: Mapping[str, Fact]
    place_names: Mapping[str, Mapping[str, str]]
    here: Here | None = None
    checked_on: dt.date | None = None

    def option(self, destination: str, mode: str) -> Option | None:
        return next(
            (o for o in self.options if o.destination == destination and o.mode == mode), None
        )

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready advice; texts are rendered in ``lang`` ("en", "ru" or "uk")."""

        def text(code: str, params: Params) -> str:
            return render(code, dict(params), lang, self.place_names)

        def reason(item: Reason | Warning) -> dict[str, Any]:
            data: dict[str, Any] = {
                "code": item.code,
                "params": dict(item.params),
                "fact_ids": list(item.fact_ids),
                "text": text(item.code, item.params),
            }
            if isinstance(item, Warning):
                data["level"] = item.level
            return data

        def risk(item: Risk) -> dict[str, Any]:
            return {
                "kind": item.kind,
                "level": item.level,
                "code": item.code,
                "default": item.default,
                "fact_ids": list(item.fact_ids),
                "text": text(item.code, item.params),
            }

        def here(item: Here) -> dict[str, Any]:
            return {
                "country": item.country,
                "country_name": self.place_names[item.country][lang],
                "since": item.since.isoformat() if item.since else None,
                "days_left": item.days_left,
                "until": item.until.isoformat() if item.until else None,
                "registration_until": (
                    item.registration_until.isoformat() if item.registration_until else None
                ),
                "reasons": [reason(r) for r in item.reasons],
                "risks": [risk(r) for r in item.risks],
            }

        def option(item: Option) -> dict[str, Any]:
            stay = item.stay_limit
            return {
                "id": item.id,
                "destination": item.destination,
                "destination_name": self.place_names[item.destination][lang],
                "mode": item.mode,
                "verdict": item.verdict,
                "score": item.score,
                "confidence": item.confidence,
                "stale": item.stale,
                "deciding": list(item.deciding),
                "wished": item.wished,
                "reasons": [reason(r) for r in item.reasons],
                "risks": [risk(r) for r in item.risks],
                "documents_required": list(item.documents_required),
                "stay_limit": None
                if stay is None
                else {
                    "days": stay.days,
                    "per_days": stay.per_days,
                    "unlimited": stay.unlimited,
                    "registration_days": stay.registration_days,
                    "fact_ids": list(stay.fact_ids),
                },
                "citations": list(item.citations),
                "explanation": reason(item.explanation) if item.explanation else None,
            }

        cited = sorted(
            {fact_id for o in self.options for fact_id in o.citations}
            | {fact_id for w in self.warnings for fact_id in w.fact_ids}
            | (self.here.fact_ids if self.here else frozenset())
        )
        return {
            "today": self.today.isoformat(),
            "checked_on": (self.checked_on or self.today).isoformat(),
            "lang": lang,
            "profiles": list(self.profiles),
            "here": here(self.here) if self.here else None,
            "options": [option(o) for o in self.options],
            "warnings": [reason(w) for w in self.warnings],
            "citations": {fact_id: _citation(self.facts[fact_id], lang) for fact_id in cited},
        }


def _citation(fact: Fact, lang: str) -> dict[str, Any]:
    return {
        "summary": fact.summary(lang),
        "source_url": fact.source_url,
        "source_host": urlsplit(fact.source_url).hostname or fact.source_url,
        "source_date": fact.source_date,
        "source_date_approx": fact.source_date_approx,
        "last_verified": fact.last_verified.isoformat(),
        "confidence": fact.confidence,
        "status": fact.status,
    }


# --- The person as the rules see him ----------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    situation: Situation
    profiles: frozenset[str]
    has_international_passport: bool
    days_since_left_unit: int | None
    # The day he means to travel: entry rules, exit controls and his passport are judged then.
    travel_day: dt.date = dt.date.min
    # A summons binds him (bars him from leaving): served, in the register, or not known to be
    # neither, which prudence reads as binding.
    summons_binds: bool = False

    def matches(self, when: When) -> bool:
        situation = self.situation
        if when.statuses is not None and not (situation.statuses & when.statuses):
            return False
        if when.profiles is not None and not (
            "any" in when.profiles or when.profiles & self.profiles
        ):
            return False
        if when.unless_profiles is not None and when.unless_profiles & self.profiles:
            return False
        if when.criminal_case is not None and situation.criminal_case not in when.criminal_case:
            return False
        if when.summons is not None and (
            situation.summons is None
            or situation.summons.kind not in when.summons
            or not self.summons_binds
        ):
            return False
        if (
            when.current_country is not None
            and situation.location.country_code not in when.current_country
        ):
            return False
        if when.in_russia is not None and situation.location.in_russia != when.in_russia:
            return False
        if when.public_activism is not None and situation.public_activism != when.public_activism:
            return False
        if (
            when.has_international_passport is not None
            and self.has_international_passport != when.has_international_passport
        ):
            return False
        if not self._age_matches(when):
            return False
        return self._absence_matches(when)

    def _age_matches(self, when: When) -> bool:
        # Without his age the rule may concern him: say it rather than stay silent.
        age = self.situation.age
        if age is None:
            return True
        return (when.min_age is None or when.min_age <= age) and (
            when.max_age is None or age <= when.max_age
        )

    def _absence_matches(self, when: When) -> bool:
        if when.min_days_since_left_unit is None and when.max_days_since_left_unit is None:
            return True
        days = self.days_since_left_unit
        if days is None:
            return False
        low = when.min_days_since_left_unit or 0
        high = when.max_days_since_left_unit
        return low <= days and (high is None or days <= high)


def summons_binds(summons: Summons | None) -> bool:
    """Whether the summons bars him from leaving Russia.

    Since 437-FZ the ban runs from the day a summons is placed in the register (D-RU-003) or
    handed to him (D-RU-002). Only a summons known to be neither binds nothing yet; an
    electronic summons is in the register by nature, and unknown answers read as binding.
    """
    if summons is None:
        return False
    if summons.served or summons.in_register:
        return True
    return not (
        summons.served is False and summons.in_register is False and summons.kind == "paper"
    )


def _person(situation: Situation) -> _Person:
    profiles: set[str] = set()
    for status in situation.statuses:
        profiles |= STATUS_PROFILES[status]
    summons = situation.summons
    if summons is not None and summons.purpose == "mobilisation":
        profiles |= MOBILISATION_PROFILES
    if situation.public_activism:
        profiles.add("activist")
    if situation.companions:
        profiles.add("family")
    passport = situation.documents.international_passport
    left = situation.left_unit_date
    travel_day = max(situation.travel_date or situation.today, situation.today)
    return _Person(
        situation=situation,
        profiles=frozenset(profiles),
        has_international_passport=passport is not None and passport.expires >= travel_day,
        days_since_left_unit=(situation.today - left).days if left else None,
        travel_day=travel_day,
        summons_binds=summons_binds(summons),
    )


def _usable_documents(person: _Person, invalidating: Sequence[Rule]) -> frozenset[str]:
    documents = set()
    if person.situation.documents.internal_passport:
        documents.add("internal_passport")
    if person.has_international_passport:
        documents.add("international_passport")
    return frozenset(documents - {rule.document for rule in invalidating if rule.document})


# --- Situation-level warnings -----------------------------------------------------------------


def _merge_warnings(rules: Iterable[Rule]) -> list[Warning]:
    merged: dict[tuple[str, Params], tuple[str, list[str]]] = {}
    for rule in rules:
        key = (rule.code or "", rule.params)
        level, fact_ids = merged.get(key, ("low", []))
        if LEVELS[rule.level or "low"] > LEVELS[level]:
            level = rule.level or "low"
        merged[key] = (level, [*fact_ids, rule.fact_id])
    return [
        Warning(code, level, params, tuple(sorted(set(fact_ids))))
        for (code, params), (level, fact_ids) in merged.items()
    ]


def _document_warnings(person: _Person, invalidating: Sequence[Rule]) -> list[Warning]:
    warnings: list[Warning] = []
    passport = person.situation.documents.international_passport
    if passport is not None and passport.expires < person.situation.today:
        warnings.append(
            Warning("passport_expired", "high", (("date", passport.expires.isoformat()),), ())
        )
    elif passport is not None and passport.expires < person.travel_day:
        warnings.append(
            Warning(
                "passport_expires_before_travel",
                "high",
                (("date", passport.expires.isoformat()),),
                (),
            )
        )
    by_document: dict[str, list[str]] = {}
    for rule in invalidating:
        if rule.document:
            by_document.setdefault(rule.document, []).append(rule.fact_id)
    held = {"international_passport": person.has_international_passport}
    for document, fact_ids in sorted(by_document.items()):
        if held.get(document, True):
            warnings.append(
                Warning(
                    "document_invalidated",
                    "high",
                    (("document", document),),
                    tuple(sorted(set(fact_ids))),
                )
            )
    return warnings


# --- Options ----------------------------------------------------------------------------------


def _accepts(rule: Rule, document: str) -> bool:
    # A foreign-travel passport is accepted wherever the internal passport is.
    return document in rule.documents or (
        document == "international_passport" and "internal_passport" in rule.documents
    )


def _stay_limit(rules: Sequence[Rule]) -> StayLimit | None:
    if not rules:
        return None
    limited = [rule for rule in rules if rule.days is not None]
    # Where two rules give a limit, the shorter one is the safe one to tell a person.
    shortest = min(limited, key=lambda rule: rule.days or 0) if limited else None
    registrations = [rule.registration_days for rule in rules if rule.registration_days]
    return StayLimit(
        days=shortest.days if shortest else None,
        per_days=shortest.per_days if shortest else None,
        unlimited=shortest is None and any(rule.unlimited for rule in rules),
        registration_days=min(registrations) if registrations else None,
        fact_ids=tuple(sorted({rule.fact_id for rule in rules})),
    )


def _stay_reasons(stay: StayLimit | None) -> list[Reason]:
    if stay is None:
        return []
    reasons: list[Reason] = []
    if stay.days is not None and stay.per_days is not None:
        reasons.append(
            Reason(
                "stay_days_in_period",
                (("days", stay.days), ("per_days", stay.per_days)),
                stay.fact_ids,
            )
        )
    elif stay.days is not None:
        reasons.append(Reason("stay_days", (("days", stay.days),), stay.fact_ids))
    elif stay.unlimited:
        reasons.append(Reason("stay_unlimited", (), stay.fact_ids))
    if stay.registration_days is not None:
        reasons.append(Reason("registration", (("days", stay.registration_days),), stay.fact_ids))
    return reasons


def _grouped_risks(rules: Iterable[Rule]) -> list[Risk]:
    worst: dict[str, tuple[str, set[str]]] = {}
    for rule in rules:
        kind, level = rule.kind or "", rule.level or "low"
        current, fact_ids = worst.get(kind, ("low", set()))
        worst[kind] = (level if LEVELS[level] > LEVELS[current] else current, fact_ids)
        fact_ids.add(rule.fact_id)
    risks = [Risk(kind, level, tuple(sorted(ids))) for kind, (level, ids) in worst.items()]
    return sorted(risks, key=lambda risk: (-LEVELS[risk.level], risk.kind))


def _prudence_risks(
    kb: KnowledgeBase, place_id: str, person: _Person, specific: Sequence[Rule]
) -> tuple[list[Risk], list[Reason]]:
    """Defaults for dangers the base documents nowhere for this person in this place.

    A prudence rule stands for a sourced arrangement with Russia (CIS search, Union State,
    CSTO). It gives way to any specific risk fact of the same kind, and every default of a
    return kind gives way to any specific fact about a return: a sourced case, however mild,
    says more about a country than its treaties.
    """
    today = person.situation.today
    rules = [
        rule
        for rule in kb.prudence_rules.get(place_id, ())
        if rule.in_range(today) and person.matches(rule.when)
    ]
    if not rules:
        return [], []
    documented = {rule.kind for rule in specific if rule.type == "risk"}
    return_documented = bool(documented & RETURN_RISK_KINDS)
    kept = [
        rule
        for rule in rules
        if rule.kind not in documented
        and not (return_documented and rule.kind in RETURN_RISK_KINDS)
    ]
    bases: dict[str, set[str]] = {}
    for rule in kept:
        bases.setdefault(rule.code or "", set()).add(rule.fact_id)
    return (
        [replace(risk, default=True) for risk in _grouped_risks(kept)],
        [Reason(code, (), tuple(sorted(ids))) for code, ids in sorted(bases.items())],
    )


def _by_level(risks: Iterable[Risk]) -> list[Risk]:
    return sorted(risks, key=lambda risk: (-LEVELS[risk.level], risk.default, risk.kind))


def _claim_ground(rules: Sequence[Rule], profiles: frozenset[str]) -> list[Rule]:
    """The rules about his strongest ground of claim, and those about anyone."""
    named = {
        profile
        for rule in rules
        if rule.when.profiles is not None
        for profile in rule.when.profiles
    }
    ground = next((p for p in CLAIM_PROFILES if p in profiles and p in named), None)
    if ground is None:
        return list(rules)
    return [
        rule
        for rule in rules
        if rule.when.profiles is None or "any" in rule.when.profiles or ground in rule.when.profiles
    ]


def _protection_reasons(
    rules: Iterable[Rule], place_id: str, facts: Mapping[str, Fact], profiles: frozenset[str]
) -> list[tuple[Reason, str]]:
    """The outlook of each kind of protection in one country for this person's profiles.

    The rules given already match his profiles. The country's own practice decides over the
    law of its bloc (EU, international); among the deciding rules only the best-attested facts
    count (a low-confidence report does not outweigh a government's stated practice); when
    those disagree, the most cautious outlook is shown. The reason cites the deciding facts.
    """
    by_kind: dict[str, list[Rule]] = {}
    for rule in rules:
        by_kind.setdefault(rule.kind or "", []).append(rule)
    shown: list[tuple[Reason, str]] = []
    for kind, candidates in sorted(by_kind.items()):
        own = [rule for rule in candidates if place_id in rule.places]
        if not own:
            own = [rule for rule in candidates if not rule.places <= GENERAL_PLACES] or candidates
        own = _claim_ground(own, profiles)
        best = max(CONFIDENCES.index(facts[rule.fact_id].confidence) for rule in own)
        deciding = [
            rule for rule in own if CONFIDENCES.index(facts[rule.fact_id].confidence) == best
        ]
        outlook = min((rule.outlook or "poor" for rule in deciding), key=OUTLOOKS.__getitem__)
        ids = tuple(sorted({rule.fact_id for rule in deciding}))
        shown.append((Reason("protection", (("kind", kind), ("outlook", outlook)), ids), outlook))
    return shown


@dataclass
class _Draft:
    """An option while it is being assembled."""

    blocked: bool = False
    visa: bool = False
    # Children travel and the base holds no rule on their documents for this route.
    children_unknown: bool = False
    # A companion's documents were not said: the route cannot be recommended for the party.
    companions_unknown: bool = False
    reasons: list[Reason] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    cited: set[str] = field(default_factory=set)

    def add(self, reason: Reason) -> None:
        self.reasons.append(reason)
        self.cited.update(reason.fact_ids)


def _entry(
    draft: _Draft, route: Route, entries: Sequence[Rule], documents: frozenset[str], person: _Person
) -> None:
    entry_ids = tuple(sorted({rule.fact_id for rule in entries}))
    usable = [
        (document, [rule for rule in entries if _accepts(rule, document)])
        for document in route.documents
        if document in documents
    ]
    chosen = next(((doc, rules) for doc, rules in usable if rules), None)
    if chosen is None:
        needed = next(
            (doc for doc in route.documents if any(_accepts(rule, doc) for rule in entries)),
            route.documents[0],
        )
        draft.blocked = True
        draft.add(Reason("missing_document", (("document", needed),), entry_ids))
        return
    document, accepting = chosen
    accepting_ids = tuple(sorted({rule.fact_id for rule in accepting}))
    draft.documents.append(document)
    draft.add(Reason("entry_allowed", (("document", document),), accepting_ids))
    passport = person.situation.documents.international_passport
    days_left = (passport.expires - person.travel_day).days if passport else 0
    for rule in accepting:
        validity = rule.min_passport_validity_days
        if validity and document == "international_passport" and days_left < validity:
            draft.blocked = True
            draft.add(Reason("passport_validity_short", (("days", validity),), (rule.fact_id,)))
    visa_ids = tuple(sorted({rule.fact_id for rule in accepting if rule.visa_required}))
    if visa_ids:
        draft.visa = True
        draft.documents.append("visa")
        draft.add(Reason("visa_required", (), visa_ids))


def _children(draft: _Draft, rules: Sequence[Rule], person: _Person) -> None:
    children = [c for c in person.situation.companions if c.is_young_child]
    if not children:
        return
    if not rules:
        # No rule is not permission: say so, and never recommend the route for the family.
        draft.children_unknown = True
        draft.reasons.append(Reason("no_child_rule", (), ()))
        return
    for rule in rules:
        document = rule.requires or ""
        lacking = sorted(
            {
                c.age
                for c in children
                if not (
                    c.international_passport
                    if document == "international_passport"
                    else c.birth_certificate
                )
            }
        )
        draft.documents.append(f"child_{document}")
        if not lacking:
            draft.add(Reason("child_document_ok", (("document", document),), (rule.fact_id,)))
        for age in lacking:
            # Each child's own documents: the answer says which child lacks what.
            draft.blocked = True
            draft.add(
                Reason(
                    "child_lacks_document",
                    (("age", age), ("document", document)),
                    (rule.fact_id,),
                )
            )


def _companions(draft: _Draft, route: Route, entries: Sequence[Rule], person: _Person) -> None:
    """Every companion of 14 or more travels on his or her own document, checked like his."""
    if not entries:
        return
    for companion in person.situation.companions:
        if companion.is_young_child:
            continue
        held = {
            "international_passport": companion.international_passport,
            "internal_passport": companion.internal_passport,
        }
        usable = [
            document
            for document in route.documents
            if held[document] and any(_accepts(rule, document) for rule in entries)
        ]
        if usable:
            continue
        accepts_internal = "internal_passport" in route.documents and any(
            _accepts(rule, "internal_passport") for rule in entries
        )
        params: Params = (("age", companion.age),)
        if companion.internal_passport is None and accepts_internal:
            # Not said whether he or she has an internal passport: never assume it.
            draft.companions_unknown = True
            draft.reasons.append(Reason("companion_documents_unknown", params, ()))
            continue
        needed = next(
            (doc for doc in route.documents if any(_accepts(rule, doc) for rule in entries)),
            route.documents[0],
        )
        draft.blocked = True
        draft.add(
            Reason(
                "companion_needs_document",
                (*params, ("document", needed)),
                tuple(sorted({rule.fact_id for rule in entries})),
            )
        )


def _verdict(
    draft: _Draft,
    risks: Sequence[Risk],
    unconfirmed: Sequence[Fact],
    stay: StayLimit | None,
    exit_blocked: bool,
) -> str:
    if draft.blocked:
        return "not_possible"
    if exit_blocked:
        return "exit_blocked"
    if any(risk.level == "high" and risk.kind in RETURN_RISK_KINDS for risk in risks):
        return "unsafe"
    # Never "recommended" with a real risk, an unverified fact, a visa hurdle, or no known stay.
    if risks and any(LEVELS[risk.level] >= LEVELS["medium"] for risk in risks):
        return "possible"
    if draft.visa or draft.children_unknown or draft.companions_unknown:
        return "possible"
    if unconfirmed or stay is None:
        return "possible"
    return "recommended"


BLOCKING_REASONS = frozenset(
    {
        "missing_document",
        "entry_closed",
        "passport_validity_short",
        "child_lacks_document",
        "companion_needs_document",
    }
)
# What makes a route possible rather than recommended, besides risks and unconfirmed facts.
HURDLE_REASONS = frozenset({"visa_required", "no_child_rule", "companion_documents_unknown"})
# The one-line explanation of a route that is not possible: the first blocking reason decides.
WHY_NOT_POSSIBLE = {
    "entry_closed": "why_not_possible_closed",
    "missing_document": "why_not_possible_document",
    "passport_validity_short": "why_not_possible_passport",
    "child_lacks_document": "why_not_possible_child",
    "companion_needs_document": "why_not_possible_companion",
}
WHY_POSSIBLE = {
    "visa_required": "why_possible_visa",
    "no_child_rule": "why_possible_children",
    "companion_documents_unknown": "why_possible_companions",
    "relies_on_unconfirmed": "why_possible_unconfirmed",
    "no_stay_fact": "why_possible_no_stay",
}


def _explanation(
    verdict: str, reasons: Sequence[Reason], risks: Sequence[Risk], deciding: tuple[str, ...]
) -> Reason:
    """One plain line saying why: the verdict's first cause, in the order the verdict weighs."""
    if verdict == "not_possible":
        first = next(r for r in reasons if r.code in BLOCKING_REASONS)
        return Reason(WHY_NOT_POSSIBLE[first.code], (), first.fact_ids)
    if verdict == "exit_blocked":
        return Reason("why_exit_blocked", (), deciding)
    serious = [risk for risk in risks if LEVELS[risk.level] >= LEVELS["medium"]]
    if verdict == "unsafe":
        risk = next(r for r in serious if r.level == "high" and r.kind in RETURN_RISK_KINDS)
        code = "why_unsafe_default" if risk.default else "why_unsafe"
        return Reason(code, (("kind", risk.kind),), risk.fact_ids)
    if verdict == "possible":
        if serious:
            risk = serious[0]
            return Reason(
                "why_possible_risk", (("kind", risk.kind), ("level", risk.level)), risk.fact_ids
            )
        first = next(r for r in reasons if r.code in WHY_POSSIBLE)
        return Reason(WHY_POSSIBLE[first.code], (), first.fact_ids)
    return Reason("why_recommended", (), deciding)


GRANTING_REASONS = frozenset(
    {"entry_allowed", "child_document_ok", "stay_days_in_period", "stay_days", "stay_unlimited"}
)


def _deciding(
    verdict: str, reasons: Sequence[Reason], risks: Sequence[Risk], unconfirmed: Sequence[Fact]
) -> tuple[str, ...]:
    """The facts that decide the verdict: were one of them wrong, the verdict could change."""

    def from_reasons(codes: frozenset[str]) -> set[str]:
        return {fact_id for r in reasons if r.code in codes for fact_id in r.fact_ids}

    if verdict == "not_possible":
        ids = from_reasons(BLOCKING_REASONS)
    elif verdict == "exit_blocked":
        ids = from_reasons(frozenset({"exit_blocked"}))
    elif verdict == "unsafe":
        ids = {
            fact_id
            for risk in risks
            if risk.level == "high" and risk.kind in RETURN_RISK_KINDS
            for fact_id in risk.fact_ids
        }
    elif verdict == "possible":
        ids = from_reasons(HURDLE_REASONS) | {fact.id for fact in unconfirmed}
        ids |= {
            fact_id
            for risk in risks
            if LEVELS[risk.level] >= LEVELS["medium"]
            for fact_id in risk.fact_ids
        }
    else:
        ids = from_reasons(GRANTING_REASONS)
    return tuple(sorted(ids))


def _confidence(facts: Sequence[Fact]) -> str:
    lowest = min((CONFIDENCES.index(fact.confidence) for fact in facts), default=0)
    if any(fact.status in LOWERED_STATUSES for fact in facts):
        lowest = max(lowest - 1, 0)
    return CONFIDENCES[lowest]


def _score(
    verdict: str,
    risks: Sequence[Risk],
    outlooks: Sequence[str],
    facts: Sequence[Fact],
    stay: StayLimit | None,
    wished: bool,
    wants: str | None,
    visa: bool = False,
) -> int:
    points = SCORE_BAND_WIDTH // 2
    points += sum(OUTLOOK_POINTS[outlook] for outlook in outlooks)
    points -= sum(RISK_PENALTY[risk.level] * RISK_KIND_WEIGHT.get(risk.kind, 1) for risk in risks)
    points -= 2 * sum(fact.status in UNCONFIRMED_STATUSES for fact in facts)
    points -= sum(fact.status == "changed" for fact in facts)
    if stay is not None and (stay.unlimited or (stay.days or 0) >= 90):
        points += 3
    if wished:
        points += 2
    points += _wants_points(wants, stay, outlooks, visa)
    return VERDICT_BASE_SCORE[verdict] + max(0, min(SCORE_BAND_WIDTH, points))


def _option(
    route: Route,
    kb: KnowledgeBase,
    person: _Person,
    documents: frozenset[str],
    exit_risks: Sequence[Risk],
    exit_ban_facts: tuple[str, ...],
    checked_on: dt.date,
) -> Option | None:
    # What he meets on arrival is what is in force the day he travels.
    day = person.travel_day
    rules = [
        rule
        for rule in kb.destination_rules[route.destination_id]
        if rule.in_range(day) and rule.covers_mode(route.mode) and person.matches(rule.when)
    ]
    by_type: dict[str, list[Rule]] = {}
    for rule in rules:
        by_type.setdefault(rule.type, []).append(rule)
    closures, entries = by_type.get("entry_closed", []), by_type.get("entry", [])
    if not closures and not entries:
        return None  # Nothing known about entering this way on this date.

    draft = _Draft()
    if exit_ban_facts and not route.russian_border_post:
        # No Russian border post on this route: the ban does not stop him at the border, but
        # the country he reaches may hold Russia's list (the Union State's exchange, D-BY-002).
        draft.add(Reason("no_border_post", (), exit_ban_facts))
        exit_risks = [risk for risk in exit_risks if risk.kind != "exit_ban"]
        exit_ban_facts = ()
    elif exit_ban_facts:
        # The verdict itself: a border post will stop him; what follows is in the text.
        draft.add(Reason("exit_blocked", (), exit_ban_facts))
        exit_risks = [risk for risk in exit_risks if risk.kind != "exit_ban"]
    if closures:
        draft.blocked = True
        draft.add(
            Reason(
                "entry_closed",
                (("mode", route.mode),),
                tuple(sorted({rule.fact_id for rule in closures})),
            )
        )
    else:
        _entry(draft, route, entries, documents, person)
        _companions(draft, route, entries, person)
    _children(draft, by_type.get("child_document", []), person)

    stay = _stay_limit(by_type.get("stay", []))
    for reason in _stay_reasons(stay):
        draft.add(reason)
    risks = _grouped_risks(by_type.get("risk", []))
    defaults, bases = _prudence_risks(kb, route.destination_id, person, by_type.get("risk", []))
    for reason in bases:
        draft.add(reason)
    risks = _grouped_risks_with_exit(_by_level(risks + defaults), exit_risks)
    protections = _protection_reasons(
        by_type.get("protection", []), route.destination_id, kb.facts, person.profiles
    )
    for reason, _ in protections:
        draft.add(reason)
    if stay is None:
        draft.reasons.append(Reason("no_stay_fact", (), ()))
    for risk in risks:
        draft.cited.update(risk.fact_ids)

    facts = [kb.facts[fact_id] for fact_id in sorted(draft.cited)]
    unconfirmed = [fact for fact in facts if fact.status in UNCONFIRMED_STATUSES]
    changed = [fact for fact in facts if fact.status == "changed"]
    if unconfirmed:
        draft.reasons.append(
            Reason(
                "relies_on_unconfirmed",
                (("count", len(unconfirmed)),),
                tuple(fact.id for fact in unconfirmed),
            )
        )
    if changed:
        draft.reasons.append(
            Reason(
                "relies_on_changed", (("count", len(changed)),), tuple(fact.id for fact in changed)
            )
        )
    verdict = _verdict(draft, risks, unconfirmed, stay, bool(exit_ban_facts))
    deciding = _deciding(verdict, draft.reasons, risks, unconfirmed)
    # A fact deciding where he goes must still be fresh the day he travels.
    aged_on = max(checked_on, day)
    wished = route.destination_id in person.situation.wished_destinations
    return Option(
        destination=route.destination_id,
        mode=route.mode,
        verdict=verdict,
        score=_score(
            verdict,
            risks,
            [o for _, o in protections],
            facts,
            stay,
            wished,
            person.situation.wants,
            draft.visa,
        ),
        confidence=_confidence(facts),
        reasons=tuple(draft.reasons),
        risks=tuple(risks),
        documents_required=tuple(draft.documents),
        stay_limit=stay,
        citations=tuple(fact.id for fact in facts),
        stale=any(kb.facts[fact_id].is_stale(aged_on) for fact_id in deciding),
        wished=wished,
        deciding=deciding,
        explanation=_explanation(verdict, draft.reasons, risks, deciding),
    )


def _grouped_risks_with_exit(risks: list[Risk], exit_risks: Sequence[Risk]) -> list[Risk]:
    if not exit_risks:
        return risks
    combined = {risk.kind: risk for risk in risks}
    for risk in exit_risks:
        known = combined.get(risk.kind)
        if known is None:
            combined[risk.kind] = risk
        else:
            level = max(known.level, risk.level, key=LEVELS.__getitem__)
            ids = tuple(sorted(set(known.fact_ids) | set(risk.fact_ids)))
            combined[risk.kind] = Risk(risk.kind, level, ids, known.default and risk.default)
    return _by_level(combined.values())


def _current_country_warning(kb: KnowledgeBase, person: _Person) -> list[Warning]:
    """Warn when the country he is already in has a high risk of return for him."""
    country = person.situation.location.country_code
    if person.situation.location.in_russia:
        return []
    today = person.situation.today
    specific = [
        rule
        for rule in kb.place_rules.get(country, ())
        if rule.type == "risk" and rule.in_range(today) and person.matches(rule.when)
    ]
    fact_ids = sorted(
        {
            rule.fact_id
            for rule in specific
            if rule.level == "high" and rule.kind in RETURN_RISK_KINDS
        }
    )
    if fact_ids:
        return [Warning("current_country_unsafe", "high", (("country", country),), tuple(fact_ids))]
    defaults, _ = _prudence_risks(kb, country, person, specific)
    default_ids = sorted(
        {
            fact_id
            for risk in defaults
            if risk.level == "high" and risk.kind in RETURN_RISK_KINDS
            for fact_id in risk.fact_ids
        }
    )
    if not default_ids:
        return []
    return [
        Warning(
            "current_country_unsafe_default", "high", (("country", country),), tuple(default_ids)
        )
    ]


def _closing_warnings(
    options: Sequence[Option], kb: KnowledgeBase, aged_on: dt.date, captivity: bool
) -> list[Warning]:
    warnings: list[Warning] = []
    if captivity:
        warnings.append(Warning("captivity_no_routes", "high", (), ()))
    elif not any(option.verdict in ("recommended", "possible") for option in options):
        fact_ids = sorted(
            {
                fact_id
                for option in options
                if option.verdict == "unsafe"
                for risk in option.risks
                if risk.level == "high" and risk.kind in RETURN_RISK_KINDS
                for fact_id in risk.fact_ids
            }
        )
        warnings.append(Warning("no_safe_option", "high", (), tuple(fact_ids)))
    # Only the stale facts that decide a verdict are named, each with its age, counted from the
    # day the advice is given (not the situation's date, which may lie in the past), or from
    # the day he travels when that is later.
    stale = {
        fact_id
        for option in options
        for fact_id in option.deciding
        if kb.facts[fact_id].is_stale(aged_on)
    }
    for fact_id in sorted(stale):
        age = (aged_on - kb.facts[fact_id].last_verified).days
        warnings.append(Warning("stale_fact", "medium", (("days", age),), (fact_id,)))
    return warnings


# The facts on when a summons bars a man from leaving (service; placing in the register).
SUMMONS_FACTS = ("D-RU-002", "D-RU-003")


def _summons_warnings(kb: KnowledgeBase, person: _Person) -> list[Warning]:
    """What follows from the summons as he describes it: when it binds him, or that it does not."""
    summons = person.situation.summons
    if summons is None or not person.situation.location.in_russia:
        return []
    cited = tuple(fact_id for fact_id in SUMMONS_FACTS if fact_id in kb.facts)
    if not person.summons_binds:
        return [Warning("summons_not_binding", "medium", (), cited)]
    warnings: list[Warning] = []
    if summons.in_register and not summons.served:
        delivered = summons.date + dt.timedelta(days=REGISTER_DELIVERY_DAYS)
        warnings.append(
            Warning("summons_register_delivered", "high", (("date", delivered.isoformat()),), cited)
        )
    if summons.report_by is not None:
        warnings.append(
            Warning("summons_report_by", "high", (("date", summons.report_by.isoformat()),), cited)
        )
    return warnings


def _local_risks(kb: KnowledgeBase, country: str, person: _Person) -> list[Risk]:
    """The dangers documented (or assumed by default) for him in the country he is in."""
    today = person.situation.today
    specific = [
        rule
        for rule in kb.place_rules.get(country, ())
        if rule.type == "risk" and rule.in_range(today) and person.matches(rule.when)
    ]
    defaults, _ = _prudence_risks(kb, country, person, specific)
    return _by_level(_grouped_risks(specific) + defaults)


def _departure_risks(local: Sequence[Risk], country: str) -> list[Risk]:
    """Leaving a country where he faces a high risk of return means passing its border control,
    where wanted people have been stopped (D-KZ-002): that risk goes with every route."""
    ids = sorted(
        {
            fact_id
            for risk in local
            if risk.level == "high" and risk.kind in RETURN_RISK_KINDS
            for fact_id in risk.fact_ids
        }
    )
    return [Risk("departure_check", "high", tuple(ids))] if ids else []


def _here(kb: KnowledgeBase, person: _Person, local: Sequence[Risk]) -> Here | None:
    situation = person.situation
    country = situation.location.country_code
    if situation.location.in_russia or country not in kb.places:
        return None
    today = situation.today
    stay = _stay_limit(
        [
            rule
            for rule in kb.place_rules.get(country, ())
            if rule.type == "stay" and rule.in_range(today) and person.matches(rule.when)
        ]
    )
    since = situation.location.since
    reasons: list[Reason] = []
    days_left = until = registration_until = None
    if stay is None:
        reasons.append(Reason("no_stay_fact", (), ()))
    elif stay.days is not None and since is not None:
        until = since + dt.timedelta(days=stay.days - 1)
        days_left = (until - today).days
        params: Params = (
            ("days", stay.days),
            ("left", max(days_left, 0)),
            ("date", until.isoformat()),
        )
        if days_left < 0:
            reasons.append(Reason("here_overstay", params, stay.fact_ids))
        else:
            reasons.append(Reason("here_days_left", params, stay.fact_ids))
        if stay.per_days is not None:
            reasons.append(Reason("here_period", (("per_days", stay.per_days),), stay.fact_ids))
    else:
        reasons.extend(reason for reason in _stay_reasons(stay) if reason.code != "registration")
        if since is None and stay.days is not None:
            reasons.append(Reason("here_since_unknown", (), ()))
    if stay is not None and stay.registration_days is not None:
        if since is None:
            reasons.append(
                Reason("registration", (("days", stay.registration_days),), stay.fact_ids)
            )
        else:
            registration_until = since + dt.timedelta(days=stay.registration_days)
            code = "here_register_by" if registration_until >= today else "here_register_passed"
            reasons.append(
                Reason(
                    code,
                    (("days", stay.registration_days), ("date", registration_until.isoformat())),
                    stay.fact_ids,
                )
            )
    claim = situation.protection_claim
    if claim is not None and claim.country == country:
        reasons.append(Reason("here_claim_pending", (("date", claim.date.isoformat()),), ()))
    return Here(
        country=country,
        since=since,
        days_left=days_left,
        until=until,
        registration_until=registration_until,
        stay=stay,
        reasons=tuple(reasons),
        risks=tuple(local),
    )


def _wants_points(
    wants: str | None, stay: StayLimit | None, outlooks: Sequence[str], visa: bool
) -> int:
    """What he wants weighs the ranking: for transit a quick way in (no visa to wait for),
    for some months a long stay, to settle a long stay and a good protection outlook."""
    if wants is None:
        return 0
    if wants == "transit":
        return -3 if visa else 3
    long_stay = stay is not None and (stay.unlimited or (stay.days or 0) >= 180)
    short_stay = stay is None or (not stay.unlimited and (stay.days or 0) < 90)
    points = 4 if long_stay else -4 if short_stay else 0
    if wants == "settle":
        points += sum({"good": 6, "limited": 1, "poor": -3}[outlook] for outlook in outlooks)
    return points


def advise(situation: Situation, kb: KnowledgeBase, checked_on: dt.date | None = None) -> Advice:
    """Ranked options for ``situation`` on ``situation.today``, with situation-level warnings.

    ``checked_on`` is the day the advice is given, from which the age of facts is measured;
    the engine reads no clock, so callers pass it (it defaults to ``situation.today``).
    """
    today = situation.today
    checked_on = checked_on or today
    person = _person(situation)
    # Exit controls meet him the day he travels; every other person rule speaks of today.
    person_rules = [
        rule
        for rule in kb.person_rules
        if rule.in_range(person.travel_day if rule.type == "exit_control" else today)
        and person.matches(rule.when)
    ]
    invalidating = [rule for rule in person_rules if rule.type == "document_invalid"]
    exit_rules = [rule for rule in person_rules if rule.type == "exit_control"]
    warnings = _document_warnings(person, invalidating)
    warnings += _merge_warnings(
        rule for rule in person_rules if rule.type in ("warning", "exit_control")
    )
    warnings += _current_country_warning(kb, person)
    warnings += _summons_warnings(kb, person)

    exit_risks = _grouped_risks(exit_rules)
    local: list[Risk] = []
    if not situation.location.in_russia:
        local = _local_risks(kb, situation.location.country_code, person)
        exit_risks = _by_level(
            exit_risks + _departure_risks(local, situation.location.country_code)
        )
    # A high exit ban for a man still under Russian control: every border post will stop him.
    exit_ban_facts = tuple(
        sorted(
            {
                fact_id
                for risk in exit_risks
                if risk.kind == "exit_ban" and risk.level == "high"
                for fact_id in risk.fact_ids
            }
        )
    )
    if not situation.location.in_russia:
        exit_ban_facts = ()
    documents = _usable_documents(person, invalidating)
    captivity = situation.status == "captivity"
    options: list[Option] = []
    if not captivity:
        here = situation.location.country_code
        for route in kb.routes:
            if route.destination_id == here or not route.starts_in(here):
                continue
            option = _option(route, kb, person, documents, exit_risks, exit_ban_facts, checked_on)
            if option is not None:
                options.append(option)
    options.sort(key=lambda o: (-o.score, VERDICTS.index(o.verdict), o.destination, o.mode))
    warnings += _closing_warnings(options, kb, max(checked_on, person.travel_day), captivity)
    warnings.sort(key=lambda w: (-LEVELS[w.level], w.code, w.params))

    where = _here(kb, person, local)
    shown_places = (
        {o.destination for o in options}
        | {value for w in warnings for key, value in w.params if key == "country"}
        | ({where.country} if where else set())
    )
    return Advice(
        today=today,
        profiles=tuple(sorted(person.profiles)),
        options=tuple(options),
        warnings=tuple(warnings),
        facts=kb.facts,
        place_names={
            place_id: kb.places[place_id].names()
            for place_id in sorted(str(p) for p in shown_places)
        },
        here=where,
        checked_on=checked_on,
    )
