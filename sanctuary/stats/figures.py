"""From true counts to the figures a release publishes. No Django here.

A release is computed in three steps, and only the last step's output is ever stored or shown:

1. `measure`: every query's cells are noised by `mechanism` (OpenDP) under its share of the
   release's epsilon. The cells are a fixed public domain (the months of the period times the
   case types, the countries of `Domain`...), never the values found in the data: a country
   listed only because someone from it wrote to us would itself be a disclosure.
2. `consistent`: post-processing only. The three breakdowns of cases opened (by type, by
   destination, by current country) and the separately measured total are reconciled to one
   total per month (inverse-variance weighted), then each table is fitted to it with
   non-negative whole numbers. Tables that partition nothing else get their total as their sum.
3. `suppress`: a cell under k is not shown; it is added to a "smaller cells" row, which itself
   is never under k (more cells join it, smallest first, until it reaches k or nothing is
   left); a total under k is not shown either.

Post-processing cannot weaken differential privacy, so the guarantee of step 1 holds for all
that is published.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sanctuary.stats import mechanism

Key = tuple[str, ...]  # (month, label) for a table's cell, (month,) for a total
SMALL = "_small"  # the row that holds the suppressed cells of a table
NONE = "_none"  # no value recorded (no destination known)
OTHER = "_other"  # a country outside the network's published list
METHOD = "sanctuary-stats/1"

# Per-person bounds: one case counts once in each table of cases, in at most every kind of
# help, with at most its first stay of a month (at most PERSONS_CAP persons, NIGHTS_CAP nights)
# and at most REFERRALS_CAP referrals a month. Larger contributions are clipped, so one
# person's weight in each table, its sensitivity, is known before the data is read.
PERSONS_CAP = 4
NIGHTS_CAP = 14
REFERRALS_CAP = 3
HELP_KINDS = ("legal", "route", "bed", "money", "psychological")
SEGMENTS = ("single_men", "single_women", "families_with_children", "other_groups")
# Hours from a case's arrival to staff's first answer among which the private median chooses.
REPLY_HOURS = (1, 2, 3, 4, 6, 8, 12, 18, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 720)


@dataclass(frozen=True)
class Query:
    name: str
    sensitivity: int
    labels: tuple[str, ...]
    # The name of the query measuring these cells' total per month; "" if none.
    total: str = ""
    # False when a person may be in several cells (help asked by kind): no total, no row of
    # smaller cells, as the cells add up to no number of people.
    partition: bool = True


def queries(case_types: Sequence[str], countries: Sequence[str]) -> tuple[Query, ...]:
    """Every count query a release makes, its public cells and its sensitivity."""
    places = (*countries, OTHER)
    country_segments = tuple(f"{c}/{s}" for c in places for s in SEGMENTS)
    return (
        Query("cases_total", 1, ("",)),
        Query("cases_by_type", 1, tuple(case_types), total="cases_total"),
        Query("cases_by_destination", 1, (*places, NONE), total="cases_total"),
        Query("cases_by_country", 1, (*places, NONE), total="cases_total"),
        Query("help_by_kind", len(HELP_KINDS), HELP_KINDS, partition=False),
        Query("persons_placed", PERSONS_CAP, country_segments),
        Query("bed_nights", PERSONS_CAP * NIGHTS_CAP, country_segments),
        Query("referrals", REFERRALS_CAP, places),
    )


MEDIAN = "median_first_reply_hours"


@dataclass(frozen=True)
class Raw:
    """True figures over a period, as counted from plain columns. Never stored, never shown."""

    months: tuple[str, ...]  # "YYYY-MM", the period's months in order
    counts: Mapping[str, Mapping[Key, int]]  # query name -> cell -> true count (missing: 0)
    reply_hours: Sequence[int] = ()  # one value per answered case, clipped to REPLY_HOURS


@dataclass
class Table:
    name: str
    rows: list[tuple[str, str, int]]  # (month, label, value), cells at least k only
    totals: dict[str, int | None]  # month -> total, None if under k; empty for non-partitions
    sensitivity: int
    epsilon: float
    scale: float
    shown_from: int  # the smallest value this table shows


@dataclass
class Release:
    months: tuple[str, ...]
    epsilon: float
    k: int
    tables: list[Table] = field(default_factory=list)
    median_first_reply_hours: int | None = None
    median_epsilon: float = 0.0

    @property
    def spent(self) -> float:
        return sum(t.epsilon for t in self.tables) + self.median_epsilon

    def as_data(self) -> dict[str, object]:
        """What is published: JSON-ready, plain types only."""
        return {
            "method": METHOD,
            "months": list(self.months),
            "epsilon": self.epsilon,
            "epsilon_spent": round(self.spent, 9),
            "k": self.k,
            "tables": [
                {
                    "name": t.name,
                    "sensitivity": t.sensitivity,
                    "epsilon": round(t.epsilon, 9),
                    "scale": round(t.scale, 6),
                    "shown_from": t.shown_from,
                    "totals": t.totals,
                    "rows": [{"month": m, "label": label, "value": v} for m, label, v in t.rows],
                }
                for t in self.tables
            ],
            "median_first_reply_hours": self.median_first_reply_hours,
            "median_epsilon": round(self.median_epsilon, 9),
        }


Noise = Callable[[Sequence[int], int, float], tuple[list[int], float]]
Median = Callable[[Sequence[int], Sequence[int], float], tuple[int, float]]


def cells(query: Query, months: Sequence[str]) -> list[Key]:
    if query.labels == ("",):
        return [(m,) for m in months]
    return [(m, label) for m in months for label in query.labels]


def shares(epsilon: float, count: int) -> float:
    return epsilon / count


# --- step 2: consistency ------------------------------------------------------------------


def fit_to_total(values: Sequence[float], total: int) -> list[int]:
    """The non-negative whole numbers summing to `total` closest to `values`: the Euclidean
    projection onto the scaled simplex, then largest-remainder rounding."""
    n = len(values)
    if n == 0:
        return []
    total = max(0, int(total))
    if total == 0:
        return [0] * n
    # Projection onto {x >= 0, sum x = total} (Duchi et al. 2008).
    ordered = sorted(values, reverse=True)
    running = 0.0
    theta = 0.0
    for i, value in enumerate(ordered, start=1):
        running += value
        candidate = (running - total) / i
        if value - candidate > 0:
            theta = candidate
    projected = [max(0.0, v - theta) for v in values]
    floors = [math.floor(p) for p in projected]
    missing = total - sum(floors)
    by_remainder = sorted(range(n), key=lambda i: (-(projected[i] - floors[i]), i))
    for i in by_remainder[: max(0, missing)]:
        floors[i] += 1
    return floors


def reconcile_total(
    measured: float, measured_var: float, sums: Iterable[tuple[float, float]]
) -> int:
    """One total from a measured total and the sums of tables that partition it, each with its
    variance, weighted by inverse variance; rounded, never negative."""
    weight = 1 / measured_var
    estimate = measured / measured_var
    for value, variance in sums:
        weight += 1 / variance
        estimate += value / variance
    return max(0, round(estimate / weight))


def laplace_variance(scale: float) -> float:
    """The variance of the discrete Laplace distribution of this scale."""
    q = math.exp(-1 / scale)
    return max(2 * q / (1 - q) ** 2, 1e-12)  # never zero: the weights divide by it


# --- step 3: suppression ------------------------------------------------------------------


def suppress(
    values: Mapping[str, int], total: int | None, k: int
) -> tuple[list[tuple[str, int]], int | None]:
    """The rows to show (label, value) and the total to show. No shown number is under k: a
    cell under k joins the SMALL row, which takes more cells, smallest first, until it is at
    least k; a total under k is hidden. Without a total (no partition) cells under k vanish."""
    shown = {label: v for label, v in values.items() if v >= k}
    if total is None:
        return sorted(shown.items(), key=lambda item: (-item[1], item[0])), None
    if total < k:
        return [], None
    small = total - sum(shown.values())
    while 0 < small < k and shown:
        label = min(shown, key=lambda lab: (shown[lab], lab))
        small += shown.pop(label)
    rows = sorted(shown.items(), key=lambda item: (-item[1], item[0]))
    if small > 0:
        rows.append((SMALL, small))
    return rows, total


def threshold(query: Query, scale: Mapping[str, float], k: int) -> int:
    """The smallest value shown: k, or the table's noise floor if higher, which a cell with no
    one in it passes one time in twenty (P(noise >= t) = q^t / (1 + q) for the discrete
    Laplace, q = exp(-1/scale)), so that noise alone rarely shows a number."""
    q = math.exp(-1 / scale[query.name])
    floor = math.ceil(-scale[query.name] * math.log(0.05 * (1 + q)))
    return max(k, floor)


# --- the whole release --------------------------------------------------------------------


def compute(
    raw: Raw,
    *,
    epsilon: float,
    k: int,
    queries: Sequence[Query],
    noise: Noise = mechanism.noise_counts,
    median: Median = mechanism.private_median,
) -> Release:
    """Measure, make consistent, suppress. `noise` and `median` are the mechanisms (tests put
    a noiseless one in to see what suppression alone would show)."""
    share = shares(epsilon, len(queries) + 1)
    release = Release(months=raw.months, epsilon=epsilon, k=k)
    noised: dict[str, dict[Key, int]] = {}
    spent: dict[str, float] = {}
    for query in queries:
        keys = cells(query, raw.months)
        true = raw.counts.get(query.name, {})
        values, used = noise([int(true.get(key, 0)) for key in keys], query.sensitivity, share)
        noised[query.name] = dict(zip(keys, values, strict=True))
        spent[query.name] = used

    scale = {q.name: mechanism.laplace_scale(q.sensitivity, share) for q in queries}
    by_name = {q.name: q for q in queries}
    totals: dict[str, dict[str, int]] = {}
    fitted: dict[str, dict[Key, int]] = {}
    for query in queries:
        if query.total or query.labels == ("",):
            continue
        if not query.partition:
            # Cells that add up to nothing: each clipped at zero on its own.
            fitted[query.name] = {key: max(0, v) for key, v in noised[query.name].items()}
            continue
        # A table on its own: its total is the sum of its noised cells (the noise has mean
        # zero, so the sum has none of the upward bias of cells clipped at zero one by one),
        # and the cells are fitted to it.
        fitted[query.name] = {}
        totals[query.name] = {}
        for month in raw.months:
            keys = [key for key in noised[query.name] if key[0] == month]
            values = [noised[query.name][key] for key in keys]
            totals[query.name][month] = max(0, sum(values))
            fitted[query.name].update(
                zip(keys, fit_to_total(values, totals[query.name][month]), strict=True)
            )
    for total_query in (q for q in queries if q.labels == ("",)):
        parts = [q for q in queries if q.total == total_query.name]
        month_totals: dict[str, int] = {}
        for month in raw.months:
            sums = []
            for part in parts:
                month_cells = [v for key, v in noised[part.name].items() if key[0] == month]
                variance = len(month_cells) * laplace_variance(scale[part.name])
                sums.append((float(sum(month_cells)), variance))
            month_totals[month] = reconcile_total(
                noised[total_query.name][(month,)], laplace_variance(scale[total_query.name]), sums
            )
        totals[total_query.name] = month_totals
        for part in parts:
            fitted[part.name] = {}
            for month in raw.months:
                keys = [key for key in noised[part.name] if key[0] == month]
                values = fit_to_total([noised[part.name][key] for key in keys], month_totals[month])
                fitted[part.name].update(zip(keys, values, strict=True))
            totals[part.name] = month_totals

    for query in queries:
        if query.labels == ("",):
            continue
        rows: list[tuple[str, str, int]] = []
        shown_totals: dict[str, int | None] = {}
        for month in raw.months:
            by_label = {key[1]: v for key, v in fitted[query.name].items() if key[0] == month}
            total = totals[query.name][month] if query.partition else None
            month_rows, shown_total = suppress(by_label, total, threshold(query, scale, k))
            rows.extend((month, label, v) for label, v in month_rows)
            if query.partition:
                shown_totals[month] = shown_total
        used = spent[query.name] + (spent[query.total] if query.total else 0.0)
        release.tables.append(
            Table(
                query.name,
                rows,
                shown_totals,
                query.sensitivity,
                used,
                scale[query.name],
                threshold(query, scale, k),
            )
        )
    # The total of cases is spent once: its epsilon is counted in the first table using it.
    counted: set[str] = set()
    for table in release.tables:
        query = by_name[table.name]
        if query.total:
            if query.total in counted:
                table.epsilon -= spent[query.total]
            counted.add(query.total)

    total_cases = sum(v or 0 for v in totals.get("cases_total", {}).values())
    value, used = median(list(raw.reply_hours), REPLY_HOURS, share)
    release.median_epsilon = used
    release.median_first_reply_hours = value if total_cases >= k else None
    return release


# --- the budget ---------------------------------------------------------------------------


class BudgetExceeded(ValueError):
    def __init__(self, asked: float, spent: float, budget: float) -> None:
        super().__init__(f"asked {asked}, spent {spent} of {budget}")
        self.asked = asked
        self.spent = spent
        self.budget = budget

    @property
    def left(self) -> float:
        return max(0.0, self.budget - self.spent)


def check_budget(asked: float, spent: float, budget: float) -> None:
    """Refuse a release whose epsilon would take the year's spending past its budget."""
    if not asked > 0:
        raise ValueError("a release spends a positive epsilon")
    if spent + asked > budget * (1 + 1e-9):
        raise BudgetExceeded(asked, spent, budget)
