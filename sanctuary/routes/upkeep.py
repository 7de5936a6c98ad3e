"""Keeping the base current: which fact a lawyer should re-read at its source first.

Pure (no Django). A fact's priority is ``age x use x risk``:

- **age**: days since it was last verified, divided by the staleness limit (180 days), so a
  fact at the limit weighs 1; a fact verified today still weighs a little (1/180), never 0.
- **use**: 1 + the number of answers that cite it, over a fixed sample of situations
  (``SAMPLE_SITUATIONS``: every status, in Russia, in Georgia and in Kazakhstan, with and
  without a passport, with and without a summons or a wanted notice). Recent cases' advice is
  not stored, so it cannot be counted; the sample stands for the people we advise.
- **risk**: what a wrong fact would cost, from the rules it carries: 4 for a fact that can send
  a man back to Russia (a high return risk, a prudent default of one, or an exit control),
  3 for one that opens or closes a route (entry, border closure, child documents, a document
  made invalid) or a high risk of another kind, 2 for a medium risk, a stay limit or a
  protection outlook, 1 otherwise. A fact whose status is ``verify`` or ``conflict`` weighs
  one more: it is already doubted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sanctuary.routes.engine import RETURN_RISK_KINDS, advise
from sanctuary.routes.knowledge import (
    STALE_AFTER_DAYS,
    UNCONFIRMED_STATUSES,
    Fact,
    KnowledgeBase,
)
from sanctuary.routes.situation import Situation

ROUTE_DECIDING_TYPES = frozenset({"entry", "entry_closed", "child_document", "document_invalid"})


@dataclass(frozen=True)
class QueueItem:
    fact: Fact
    age_days: int
    uses: int
    risk: int
    priority: float


def age_factor(fact: Fact, today: dt.date) -> float:
    days = max((today - fact.last_verified).days, 1)
    return days / STALE_AFTER_DAYS


def use_factor(uses: int) -> int:
    return 1 + uses


def risk_factor(fact: Fact) -> int:
    weight = 1
    for rule in fact.rules:
        if rule.type == "exit_control" or (
            rule.type in ("risk", "prudence")
            and rule.level == "high"
            and rule.kind in RETURN_RISK_KINDS
        ):
            weight = max(weight, 4)
        elif rule.type in ROUTE_DECIDING_TYPES or (
            rule.type in ("risk", "prudence") and rule.level == "high"
        ):
            weight = max(weight, 3)
        elif rule.type in ("risk", "prudence", "stay", "protection", "warning"):
            weight = max(weight, 2)
    if fact.status in UNCONFIRMED_STATUSES:
        weight += 1
    return weight


def priority(fact: Fact, today: dt.date, uses: int) -> float:
    return age_factor(fact, today) * use_factor(uses) * risk_factor(fact)


def sample_situations(today: dt.date) -> list[Situation]:
    """The fixed sample the "use" factor counts over (see the module's docstring)."""
    passport = {"expires": (today + dt.timedelta(days=5 * 365)).isoformat()}
    statuses = ("civilian", "summons_received", "mobilized", "contract_soldier", "deserter")
    places: list[dict[str, Any]] = [
        {"kind": "russia"},
        {"kind": "abroad", "country": "GE"},
        {"kind": "abroad", "country": "KZ"},
    ]
    situations = []
    for status in statuses:
        for place in places:
            for holds_passport in (False, True):
                data: dict[str, Any] = {
                    "status": status,
                    "location": place,
                    "documents": {
                        "internal_passport": True,
                        "international_passport": passport if holds_passport else None,
                    },
                    "today": today.isoformat(),
                    "criminal_case": "wanted" if status == "deserter" else "none",
                }
                if status == "summons_received":
                    data["summons"] = {"kind": "electronic", "date": today.isoformat()}
                situations.append(Situation.from_dict(data))
    return situations


def citation_counts(kb: KnowledgeBase, situations: Iterable[Situation]) -> Counter[str]:
    """How many answers cite each fact: once per answer, wherever in it."""
    counts: Counter[str] = Counter()
    for situation in situations:
        counts.update(advise(situation, kb).to_dict("en")["citations"].keys())
    return counts


def reverification_queue(
    kb: KnowledgeBase, today: dt.date, uses: Mapping[str, int] | None = None
) -> list[QueueItem]:
    """Every fact, the one to re-read first at the top; ties by id."""
    counts = citation_counts(kb, sample_situations(today)) if uses is None else uses
    items = [
        QueueItem(
            fact=fact,
            age_days=(today - fact.last_verified).days,
            uses=counts.get(fact.id, 0),
            risk=risk_factor(fact),
            priority=priority(fact, today, counts.get(fact.id, 0)),
        )
        for fact in kb.facts.values()
    ]
    return sorted(items, key=lambda item: (-item.priority, item.fact.id))
