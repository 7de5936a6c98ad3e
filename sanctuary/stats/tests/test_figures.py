"""The pure computation: consistency, suppression, the budget. No database."""

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.stats import figures

TYPES = ("conscript", "mobilized", "deserter_abroad", figures.NONE)
COUNTRIES = ("KZ", "GE", "AM")
QUERIES = figures.queries(TYPES, COUNTRIES)
MONTHS = ("2026-09", "2026-10")


def exact(counts: Sequence[int], sensitivity: int, epsilon: float) -> tuple[list[int], float]:
    """No noise at all: what suppression and consistency alone would publish."""
    return list(counts), epsilon


def middle(values: Sequence[int], candidates: Sequence[int], epsilon: float) -> tuple[int, float]:
    return sorted(values)[len(values) // 2] if values else candidates[0], epsilon


def raw_from(cases: list[tuple[int, int, int]]) -> figures.Raw:
    """Raw counts from cases given as (month index, type index, country index)."""
    counts: dict[str, dict[figures.Key, int]] = {}
    places = (*COUNTRIES, figures.OTHER, figures.NONE)
    for m, t, c in cases:
        month = MONTHS[m % len(MONTHS)]
        for name, key in (
            ("cases_total", (month,)),
            ("cases_by_type", (month, TYPES[t % len(TYPES)])),
            ("cases_by_country", (month, places[c % len(places)])),
            ("cases_by_destination", (month, figures.NONE)),
            ("help_by_kind", (month, "legal")),
            ("persons_placed", (month, f"{places[c % 4]}/single_men")),
        ):
            table = counts.setdefault(name, {})
            table[key] = table.get(key, 0) + 1
    return figures.Raw(months=MONTHS, counts=counts, reply_hours=[4] * len(cases))


@given(st.lists(st.floats(-50, 200), max_size=30), st.integers(0, 500))
def test_it_fits_whole_non_negative_numbers_to_the_total(values: list[float], total: int) -> None:
    fitted = figures.fit_to_total(values, total)
    assert len(fitted) == len(values)
    assert all(v >= 0 for v in fitted)
    if values:
        assert sum(fitted) == total


def test_it_keeps_values_already_consistent() -> None:
    assert figures.fit_to_total([3.0, 5.0, 0.0], 8) == [3, 5, 0]
    assert figures.fit_to_total([-4.0, 10.0, 2.0], 8) == [0, 8, 0]
    assert figures.fit_to_total([-4.0, 10.0, 4.0], 10) == [0, 8, 2]


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 60), max_size=8),
    st.integers(1, 30),
)
def test_it_never_shows_a_number_under_k(values: dict[str, int], k: int) -> None:
    rows, total = figures.suppress(values, sum(values.values()), k)
    assert all(v >= k for _label, v in rows)
    assert total is None or total >= k
    if total is not None:
        assert sum(v for _label, v in rows) == total


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 1), st.integers(0, 3), st.integers(0, 4)), max_size=80),
    st.integers(1, 25),
    st.sampled_from([0.5, 1.0, 3.0]),
)
def test_it_releases_no_cell_under_k(
    cases: list[tuple[int, int, int]], k: int, epsilon: float
) -> None:
    """Whatever the data, the real mechanism, k and epsilon: every published number is at
    least k, and each table's shown rows add up to its shown total."""
    release = figures.compute(raw_from(cases), epsilon=epsilon, k=k, queries=QUERIES)
    data = release.as_data()
    for table in data["tables"]:  # type: ignore[attr-defined]
        assert table["shown_from"] >= k
        for row in table["rows"]:
            assert row["value"] >= k, (table["name"], row)
        for month, total in table["totals"].items():
            assert total is None or total >= k
            shown = sum(r["value"] for r in table["rows"] if r["month"] == month)
            assert shown == (total or 0)
    assert abs(release.spent - epsilon) < 1e-9


def test_it_makes_the_breakdowns_of_cases_agree_on_one_total() -> None:
    cases = [(0, i % 4, i % 5) for i in range(300)] + [(1, i % 2, 0) for i in range(120)]
    release = figures.compute(raw_from(cases), epsilon=1.0, k=10, queries=QUERIES)
    by_name = {t.name: t for t in release.tables}
    for month in MONTHS:
        totals = {by_name[n].totals[month] for n in ("cases_by_type", "cases_by_country")}
        assert len(totals) == 1
        assert by_name["cases_by_destination"].totals[month] in totals


def test_it_publishes_exact_figures_without_noise() -> None:
    """The pipeline itself loses nothing: without noise, the big cells come out exact."""
    cases = [(0, 0, 0)] * 40 + [(0, 1, 1)] * 25 + [(0, 2, 2)] * 3 + [(0, 3, 3)] * 12
    release = figures.compute(
        raw_from(cases), epsilon=1e6, k=10, queries=QUERIES, noise=exact, median=middle
    )
    by_type = {t.name: t for t in release.tables}["cases_by_type"]
    # The 3 deserters are under k: they join the smaller cells, and so does the smallest shown
    # cell (12), so that no number shows them alone or lets them be found by subtraction.
    assert [r for r in by_type.rows if r[0] == "2026-09"] == [
        ("2026-09", "conscript", 40),
        ("2026-09", "mobilized", 25),
        ("2026-09", figures.SMALL, 15),
    ]
    assert by_type.totals == {"2026-09": 80, "2026-10": None}


@given(st.lists(st.floats(0.01, 5.0), max_size=20), st.floats(1.0, 24.0))
def test_it_refuses_overspending(asks: list[float], budget: float) -> None:
    spent = 0.0
    for asked in asks:
        try:
            figures.check_budget(asked, spent, budget)
        except figures.BudgetExceeded as refusal:
            assert spent + asked > budget
            assert refusal.left == max(0.0, budget - spent)
            continue
        spent += asked
        assert spent <= budget * (1 + 1e-9)


def test_it_refuses_the_release_that_would_pass_the_budget() -> None:
    figures.check_budget(1.0, 11.0, 12.0)
    try:
        figures.check_budget(1.5, 11.0, 12.0)
    except figures.BudgetExceeded as refusal:
        assert refusal.left == 1.0
    else:
        raise AssertionError("the budget let a release overspend")
