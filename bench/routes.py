"""Benchmark: advice latency over 10,000 seeded random situations.

Run with ``.venv/bin/python bench/routes.py``. Target: p99 <= 10 ms per advice. Prints the
figures only; timing never decides a test.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from typing import Any

from sanctuary.routes.engine import advise
from sanctuary.routes.knowledge import KnowledgeBase, load
from sanctuary.routes.situation import STATUSES, Situation

SITUATIONS = 10_000
SEED = 20260301
FIRST_DAY = dt.date(2022, 1, 1)
LAST_DAY = dt.date(2027, 6, 30)


def _day(rng: random.Random) -> str:
    return (FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))).isoformat()


def random_situation(rng: random.Random, destinations: list[str]) -> Situation:
    status = rng.choice(STATUSES)
    abroad = status == "abroad" or rng.random() < 0.2
    location: dict[str, Any] = (
        {"kind": "abroad", "country": rng.choice(destinations)}
        if abroad
        else {"kind": rng.choice(["russia", "russia", "occupied"]), "region": "region"}
    )
    summons: dict[str, Any] | None = (
        {"kind": rng.choice(["paper", "electronic"]), "date": _day(rng)}
        if status == "summons_received" or rng.random() < 0.2
        else None
    )
    if summons is not None:
        # Situation v2: the summons as facts, each answer sometimes left unknown.
        for name in ("in_register", "served"):
            if rng.random() < 0.6:
                summons[name] = rng.random() < 0.5
        if rng.random() < 0.6:
            summons["purpose"] = rng.choice(["conscription", "mobilisation", "records"])
    data: dict[str, Any] = {
        "status": status,
        "location": location,
        "documents": {
            "internal_passport": rng.random() < 0.9,
            "international_passport": {"expires": _day(rng)} if rng.random() < 0.5 else None,
            "military_id": status in ("conscript", "mobilized", "contract_soldier", "deserter"),
        },
        "summons": summons,
        "left_unit_date": _day(rng) if status == "deserter" else None,
        "criminal_case": rng.choice(["none", "none", "likely", "opened", "wanted"]),
        "companions": [
            {
                "relation": "child",
                "age": rng.randrange(0, 18),
                "international_passport": rng.random() < 0.5,
            }
            for _ in range(rng.choice([0, 0, 1, 2]))
        ]
        + [
            {
                "relation": "partner",
                "age": rng.randrange(18, 60),
                "international_passport": rng.random() < 0.5,
                **({"internal_passport": rng.random() < 0.9} if rng.random() < 0.7 else {}),
            }
            for _ in range(rng.choice([0, 0, 1]))
        ],
        "wished_destinations": rng.sample(destinations, rng.choice([0, 1, 2])),
        "public_activism": rng.random() < 0.15,
        "today": _day(rng),
    }
    if rng.random() < 0.3:
        data["other_statuses"] = [rng.choice([s for s in STATUSES if s != status])]
    if rng.random() < 0.3:
        today = dt.date.fromisoformat(data["today"])
        data["travel_date"] = (today + dt.timedelta(days=rng.randrange(1, 120))).isoformat()
    if rng.random() < 0.5:
        data["age"] = rng.randrange(18, 60)
        data["wants"] = rng.choice(["transit", "months", "settle"])
    return Situation.from_dict(data)


def percentile(sorted_values: list[float], share: float) -> float:
    index = min(len(sorted_values) - 1, round(share * (len(sorted_values) - 1)))
    return sorted_values[index]


def main() -> None:
    started = time.perf_counter()
    kb: KnowledgeBase = load()
    load_ms = (time.perf_counter() - started) * 1000
    rng = random.Random(SEED)
    destinations = sorted({route.destination_id for route in kb.routes})
    situations = [random_situation(rng, destinations) for _ in range(SITUATIONS)]

    latencies: list[float] = []
    # CPU time of this process too: on a shared, loaded machine wall time mostly measures
    # waiting for a core.
    cpu: list[float] = []
    options = 0
    for situation in situations:
        started = time.perf_counter()
        cpu_started = time.process_time()
        result = advise(situation, kb)
        cpu.append((time.process_time() - cpu_started) * 1000)
        latencies.append((time.perf_counter() - started) * 1000)
        options += len(result.options)
    latencies.sort()
    cpu.sort()
    print(
        f"knowledge base: {len(kb.facts)} facts, {len(kb.routes)} routes, "
        f"loaded in {load_ms:.1f} ms"
    )
    print(f"situations: {SITUATIONS} (seed {SEED}), {options / SITUATIONS:.1f} options each")
    print(
        f"advise latency: p50 {percentile(latencies, 0.50):.3f} ms, "
        f"p99 {percentile(latencies, 0.99):.3f} ms, max {latencies[-1]:.3f} ms, "
        f"mean {statistics.fmean(latencies):.3f} ms (target p99 <= 10 ms)"
    )
    print(
        f"advise CPU time: p50 {percentile(cpu, 0.50):.3f} ms, p99 {percentile(cpu, 0.99):.3f} ms"
    )
    averages = os.getloadavg()
    print(f"load average while measuring: {averages[0]:.2f} {averages[1]:.2f} {averages[2]:.2f}")


if __name__ == "__main__":
    main()
