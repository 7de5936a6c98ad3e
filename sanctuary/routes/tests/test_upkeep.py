"""The re-verification queue: each factor of age x use x risk, and the order it gives."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sanctuary.routes.knowledge import default_knowledge_base
from sanctuary.routes.upkeep import (
    age_factor,
    citation_counts,
    priority,
    reverification_queue,
    risk_factor,
    sample_situations,
    use_factor,
)

TODAY = dt.date(2026, 12, 3)


def test_it_weighs_a_fact_by_what_a_wrong_one_would_cost() -> None:
    facts = default_knowledge_base().facts
    # A documented handover from Kazakhstan can send a man back: the highest weight.
    assert risk_factor(facts["D-KZ-002"]) == 4
    # The exit ban after a summons (an exit control) likewise.
    assert risk_factor(facts["D-RU-002"]) == 4
    # An entry rule opens or closes a route.
    assert risk_factor(facts["A-AM-001"]) == 3
    # A doubted fact weighs one more than the same fact confirmed.
    doubted = replace(facts["A-AM-001"], status="verify")
    assert risk_factor(doubted) == 4


def test_it_grows_with_age_and_never_reaches_zero() -> None:
    # A-ME-001 is one of the facts the December 2026 re-verification left dated 2026-03-02.
    fact = default_knowledge_base().facts["A-ME-001"]
    assert fact.last_verified < TODAY
    fresh = replace(fact, last_verified=TODAY)
    assert 0 < age_factor(fresh, TODAY) < age_factor(fact, TODAY)
    assert age_factor(replace(fact, last_verified=TODAY - dt.timedelta(days=180)), TODAY) == 1
    assert priority(fact, TODAY, 10) > priority(fact, TODAY, 0)
    assert use_factor(0) == 1


def test_it_counts_uses_over_the_fixed_sample_of_situations() -> None:
    kb = default_knowledge_base()
    sample = sample_situations(TODAY)
    assert len(sample) == 30
    counts = citation_counts(kb, sample)
    # The exit ban is cited for every man with a summons in Russia (2 of the sample) at least.
    assert counts["D-RU-002"] >= 2
    # The US has facts but no route: no answer of the sample cites its asylum practice.
    assert counts["C-US-001"] == 0


def test_it_puts_a_fact_read_today_below_the_same_fact_left_stale() -> None:
    kb = default_knowledge_base()
    uses = {"A-ME-001": 12, "A-KG-001": 12}
    queue = reverification_queue(kb, TODAY, uses)
    order = [item.fact.id for item in queue]
    assert len(order) == len(kb.facts)
    # D-CIS-002 was re-read on 2026-12-03: it sinks below every fact still left stale.
    stale = [fact_id for fact_id, fact in kb.facts.items() if fact.is_stale(TODAY)]
    assert kb.facts["D-CIS-002"].last_verified == TODAY and "A-ME-001" in stale
    assert order.index("D-CIS-002") > max(order.index(fact_id) for fact_id in stale)
    fresh_kb = replace(
        kb, facts={**kb.facts, "A-ME-001": replace(kb.facts["A-ME-001"], last_verified=TODAY)}
    )
    fresh_order = [item.fact.id for item in reverification_queue(fresh_kb, TODAY, uses)]
    assert fresh_order.index("A-ME-001") > order.index("A-ME-001")
    assert [item.priority for item in queue] == sorted(
        (item.priority for item in queue), reverse=True
    )
