"""Benchmark: the shelter matcher on seeded Kazakhstan-surge instances (September 2022).

Run with ``.venv/bin/python bench/matching.py`` (``--quick`` skips the 10k x 5k runs). Prints,
per scenario, the scoring greedy beside the first-come-first-served spreadsheet baseline and,
on 2k x 1k, the LP-relaxation bound from HiGHS. Prints figures and which targets are met; it
asserts nothing about time. Distributions follow research/matching-anchors.md, section 5.1.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import math
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sanctuary.shelter.matcher import (
    Instance,
    Offer,
    Plan,
    Segment,
    StayRequest,
    check_plan,
    first_come_first_served,
    plan,
    violated_rules,
    weight_per_person,
)

FIRST_DAY = dt.date(2022, 9, 22)  # the day after the mobilisation order
# city: (share of demand, share of supply, transit town). Border towns get many guests for
# one to three nights and few beds; Almaty and Astana are where people stay.
CITIES: dict[str, tuple[float, float, bool]] = {
    "Almaty": (0.28, 0.34, False),
    "Astana": (0.18, 0.24, False),
    "Uralsk": (0.16, 0.07, True),
    "Aktobe": (0.08, 0.07, True),
    "Kostanay": (0.08, 0.06, True),
    "Petropavl": (0.07, 0.06, True),
    "Pavlodar": (0.06, 0.06, True),
    "Atyrau": (0.05, 0.05, True),
    "Semey": (0.04, 0.05, True),
}
PARTY_SIZES = ([1, 2, 3, 4, 5, 6], [0.62, 0.18, 0.10, 0.07, 0.02, 0.01])
ARRIVAL_DAY_WEIGHTS = [0.05, 0.12, 0.18, 0.20, 0.17, 0.12, 0.08, 0.04, 0.02, 0.01, 0.01]
OFFER_BEDS = ([1, 2, 3, 4, 6, 10], [0.35, 0.30, 0.15, 0.12, 0.05, 0.03])
# accepts any adults / no men-only parties / women-only household / families only
HOST_POLICIES = (["any", "no_men_only", "women_only", "families_only"], [0.60, 0.22, 0.10, 0.08])
TIERS = ([0, 1, 2], [0.10, 0.50, 0.40])


@dataclass(frozen=True)
class Scenario:
    name: str
    requests: int
    offers: int
    supply: float  # multiplies every offer's beds: the bed supply knob
    seed: int


SCENARIOS = [
    Scenario(f"{supply_name} {size_name}", n_requests, n_requests // 2, supply, seed)
    for size_name, n_requests, seed in (("2k x 1k", 2_000, 1), ("10k x 5k", 10_000, 2))
    for supply_name, supply in (("ample", 1.5), ("tight", 1.0), ("scarce", 0.6))
]


def _party(rng: random.Random) -> tuple[int, int, int]:
    """(adult men, adult women, children): mostly men alone, as at the Kazakh border."""
    size = rng.choices(*PARTY_SIZES)[0]
    if size == 1:
        return (1, 0, 0) if rng.random() < 0.9 else (0, 1, 0)
    if size == 2:
        kind = rng.random()
        return (1, 1, 0) if kind < 0.6 else (2, 0, 0) if kind < 0.9 else (0, 1, 1)
    return (1, 1, size - 2) if rng.random() < 0.8 else (size, 0, 0)


def _request(rng: random.Random, index: int) -> StayRequest:
    city = rng.choices(list(CITIES), [c[0] for c in CITIES.values()])[0]
    arrival_day = rng.choices(range(len(ARRIVAL_DAY_WEIGHTS)), ARRIVAL_DAY_WEIGHTS)[0]
    if CITIES[city][2]:
        nights = rng.randint(1, 3)
    else:
        nights = min(max(round(math.exp(rng.gauss(math.log(4), 0.6))), 1), 10)
    men, women, children = _party(rng)
    languages = {"ru"} if rng.random() < 0.98 else {"uk"}
    languages |= {"en"} if rng.random() < 0.35 else set()
    # People register on the road: the registration order is the arrival order, blurred.
    registered = dt.datetime(2022, 9, 21) + dt.timedelta(days=arrival_day + rng.gauss(0, 0.7))
    return StayRequest(
        request_id=f"r{index:05d}",
        city=city,
        arrival=FIRST_DAY + dt.timedelta(days=arrival_day),
        nights=nights,
        created_at=registered,
        adult_men=men,
        adult_women=women,
        children=children,
        languages=frozenset(languages),
        needs_step_free=rng.random() < 0.03,
        has_pets=rng.random() < 0.06,
        immediate_danger=rng.random() < 0.08,
        medical_needs=rng.random() < 0.05,
    )


def _offer(rng: random.Random, index: int, supply: float) -> Offer:
    city = rng.choices(list(CITIES), [c[1] for c in CITIES.values()])[0]
    start = 0 if rng.random() < 0.35 else rng.randint(1, 5)
    length = rng.randint(3, 21)
    host_policy = rng.choices(*HOST_POLICIES)[0]
    languages = {lang for lang, p in (("ru", 0.9), ("kk", 0.6), ("en", 0.25)) if rng.random() < p}
    return Offer(
        offer_id=f"o{index:05d}",
        host_id=f"h{index:05d}",
        city=city,
        beds=max(1, round(rng.choices(*OFFER_BEDS)[0] * supply)),
        first_night=FIRST_DAY + dt.timedelta(days=start),
        last_night=FIRST_DAY + dt.timedelta(days=start + length - 1),
        max_nights=rng.choice([3, 5, 7, 14, 30]),
        tier=rng.choices(*TIERS)[0],
        accepts_men_only_parties=host_policy == "any",
        women_only=host_policy == "women_only",
        accepts_children=host_policy == "families_only" or rng.random() < 0.85,
        families_only=host_policy == "families_only",
        accepts_pets=rng.random() < 0.30,
        step_free=rng.random() < 0.10,
        languages=frozenset(languages),
    )


def generate(n_requests: int, n_offers: int, supply: float, seed: int) -> Instance:
    rng = random.Random(seed)
    requests = tuple(_request(rng, i) for i in range(n_requests))
    offers = tuple(_offer(rng, i, supply) for i in range(n_offers))
    return Instance(offers=offers, requests=requests)


def supply_ratio(instance: Instance) -> float:
    """Offered bed-nights over requested person-nights."""
    offered = sum(o.beds * ((o.last_night - o.first_night).days + 1) for o in instance.offers)
    return offered / sum(r.persons * r.nights for r in instance.requests)


# --- measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    solver: str
    plan: Plan
    seconds: float
    cpu_seconds: float  # this process's CPU time: what the run costs when others share the CPU
    peak_mb: float
    violations: int


def measure(name: str, solver: Callable[[Instance], Plan], instance: Instance) -> Run:
    """Time one run untraced, then trace a second run for its peak memory: tracemalloc slows
    Python down, so a traced run's time would not be the matcher's time."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = solver(instance)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    tracemalloc.start()
    solver(instance)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    violations = len(check_plan(instance, result))
    return Run(name, result, seconds, cpu_seconds, peak / 2**20, violations)


def _feasible(instance: Instance, request: StayRequest, offer: Offer) -> bool:
    last = request.arrival + dt.timedelta(days=request.nights - 1)
    return (
        offer.city == request.city
        and offer.first_night <= request.arrival
        and last <= offer.last_night
        and request.nights <= offer.max_nights
        and request.persons <= offer.beds
        and (request.request_id, offer.offer_id) not in instance.declined
        and not violated_rules(request, offer, instance.policy)
    )


def lp_bound(instance: Instance) -> tuple[float, float]:
    """Upper bound on priority-weighted persons placed: the LP relaxation of the exact model
    (parties may be split fractionally, per-night capacity kept) solved by HiGHS through
    ``scipy.optimize.milp`` with no integrality. Returns (bound, seconds)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    started = time.perf_counter()
    by_city: dict[str, list[Offer]] = {}
    for offer in instance.offers:
        by_city.setdefault(offer.city, []).append(offer)
    pairs = [
        (request, offer)
        for request in instance.requests
        for offer in by_city.get(request.city, [])
        if _feasible(instance, request, offer)
    ]
    # Occupancy peaks on a night when some stay starts, so those nights are the only rows.
    starts: dict[str, list[int]] = {}
    for request, offer in pairs:
        starts.setdefault(offer.offer_id, []).append(request.arrival.toordinal())
    for nights in starts.values():
        nights[:] = sorted(set(nights))
    request_row = {r.request_id: i for i, r in enumerate(instance.requests)}
    capacity_row: dict[tuple[str, int], int] = {}
    rows, cols, values, objective = [], [], [], []
    for col, (request, offer) in enumerate(pairs):
        objective.append(-request.persons * weight_per_person(request, instance.policy))
        rows.append(request_row[request.request_id])
        cols.append(col)
        values.append(1.0)
        first = request.arrival.toordinal()
        offer_starts = starts[offer.offer_id]
        low = bisect.bisect_left(offer_starts, first)
        high = bisect.bisect_left(offer_starts, first + request.nights)
        for night in offer_starts[low:high]:
            key = (offer.offer_id, night)
            row = capacity_row.setdefault(key, len(instance.requests) + len(capacity_row))
            rows.append(row)
            cols.append(col)
            values.append(float(request.persons))
    beds = {o.offer_id: o.beds for o in instance.offers}
    upper = [1.0] * len(instance.requests) + [float(beds[o]) for o, _ in capacity_row]
    matrix = coo_array((values, (rows, cols)), shape=(len(upper), len(pairs))).tocsr()
    result = milp(
        np.array(objective),
        integrality=np.zeros(len(pairs)),
        bounds=Bounds(0.0, 1.0),
        constraints=LinearConstraint(matrix, -np.inf, np.array(upper)),
    )
    if result.status != 0:
        raise RuntimeError(f"HiGHS did not solve the LP: {result.message}")
    return -float(result.fun), time.perf_counter() - started


# --- printing ---------------------------------------------------------------------------------

SEGMENT_COLUMNS = [
    (Segment.SINGLE_MEN, "single men"),
    (Segment.SINGLE_WOMEN, "single women"),
    (Segment.FAMILIES_WITH_CHILDREN, "families"),
    (Segment.OTHER_GROUPS, "other groups"),
]
HEADER = (
    "| scenario | supply ratio | solver | persons placed | weighted share | "
    + " | ".join(label for _, label in SEGMENT_COLUMNS)
    + " | bed-nights used | time s | CPU s | peak MB | violations |"
)


def _row(scenario: Scenario, ratio: float, run: Run, instance: Instance) -> str:
    requested = sum(r.persons for r in instance.requests)
    segments = {s.segment: s for s in run.plan.segments}
    bed_nights = sum(p.persons * p.nights for p in run.plan.proposals)
    cells = [
        scenario.name,
        f"{ratio:.2f}",
        run.solver,
        f"{run.plan.persons_placed}/{requested} ({run.plan.persons_placed / requested:.1%})",
        f"{run.plan.weighted_share:.1%}",
        *(f"{segments[s].share:.1%}" for s, _ in SEGMENT_COLUMNS),
        f"{bed_nights}",
        f"{run.seconds:.2f}",
        f"{run.cpu_seconds:.2f}",
        f"{run.peak_mb:.0f}",
        f"{run.violations}",
    ]
    return "| " + " | ".join(cells) + " |"


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="only the 2k x 1k scenarios")
    parser.add_argument("--no-lp", action="store_true", help="skip the HiGHS bound")
    args = parser.parse_args(argv)
    targets: list[str] = []
    print("Peak MB: tracemalloc peak of Python allocations during one planning run.")
    print(HEADER)
    print("|" + "---|" * HEADER.count(" | ") + "---|")
    for scenario in SCENARIOS:
        if args.quick and scenario.requests > 2_000:
            continue
        instance = generate(scenario.requests, scenario.offers, scenario.supply, scenario.seed)
        ratio = supply_ratio(instance)
        greedy = measure("greedy", plan, instance)
        fcfs = measure("FCFS", first_come_first_served, instance)
        print(_row(scenario, ratio, greedy, instance))
        print(_row(scenario, ratio, fcfs, instance))
        targets += _targets(scenario, instance, greedy, fcfs, lp=not args.no_lp)
    print()
    for line in targets:
        print(line)


def _targets(scenario: Scenario, instance: Instance, greedy: Run, fcfs: Run, lp: bool) -> list[str]:
    name = scenario.name
    requested = sum(r.persons for r in instance.requests)
    lines = [
        f"{name}: weighted share greedy {greedy.plan.weighted_share:.1%} > FCFS "
        f"{fcfs.plan.weighted_share:.1%}: "
        + _verdict(greedy.plan.weighted_share > fcfs.plan.weighted_share)
    ]
    if scenario.requests >= 10_000:
        fast = greedy.seconds <= 10 and greedy.peak_mb <= 300
        lines.append(
            f"{name}: planned in {greedy.seconds:.1f} s (<= 10; CPU {greedy.cpu_seconds:.1f} s) "
            f"with {greedy.peak_mb:.0f} MB "
            f"(<= 300): {_verdict(fast)}"
        )
    if name.startswith("ample"):
        share = greedy.plan.persons_placed / requested
        lines.append(f"{name}: {share:.1%} of persons placed (>= 95 %): {_verdict(share >= 0.95)}")
    if lp and scenario.requests <= 2_000:
        bound, seconds = lp_bound(instance)
        gap = 1 - greedy.plan.weighted_placed / bound
        fcfs_gap = 1 - fcfs.plan.weighted_placed / bound
        lines.append(
            f"{name}: LP bound {bound:.1f} ({seconds:.1f} s); "
            f"greedy {greedy.plan.weighted_placed:.1f}, gap {gap:.2%} (<= 3 %): "
            f"{_verdict(gap <= 0.03)}; FCFS gap {fcfs_gap:.2%}"
        )
    return lines


if __name__ == "__main__":
    main()
