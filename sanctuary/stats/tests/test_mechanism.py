"""The mechanism's guarantee, checked statistically: over many runs, the outputs for two
datasets that differ by one person have probabilities within a factor e^epsilon of each other.
A mechanism with far less noise than its stated epsilon allows (the positive control) is
caught by the same check."""

import math
from collections import Counter
from collections.abc import Callable, Sequence

import pytest

from sanctuary.stats import mechanism

RUNS = 100_000
# An outcome is compared only if both datasets gave it this often: its probability is then
# estimated within a few percent, and the tolerance below covers that sampling error.
WELL_POPULATED = 3_000
TOLERANCE = 1.15

Sampler = Callable[[int, int], Sequence[int]]


def laplace_sampler(sensitivity: int, epsilon: float) -> Sampler:
    """RUNS independent draws of the released count for a true count: one OpenDP call on a
    vector of RUNS copies, each noised independently, exactly as a release noises its cells."""

    def sample(count: int, runs: int) -> Sequence[int]:
        measurement = mechanism.count_measurement(
            runs, mechanism.laplace_scale(sensitivity, epsilon)
        )
        return list(measurement([count] * runs))

    return sample


def worst_ratio(sample: Sampler, count: int, neighbour: int) -> float:
    """The largest ratio of the two empirical probabilities over well-populated outcomes."""
    first = Counter(sample(count, RUNS))
    second = Counter(sample(neighbour, RUNS))
    ratios = [
        max(first[o] / second[o], second[o] / first[o])
        for o in first
        if first[o] >= WELL_POPULATED and second[o] >= WELL_POPULATED
    ]
    assert len(ratios) >= 2, "too few well-populated outcomes to compare"
    return max(ratios)


@pytest.mark.parametrize("epsilon", [0.5, 1.0])
def test_it_keeps_neighbouring_counts_within_epsilon(epsilon: float) -> None:
    """One person more in a cell (sensitivity 1) or in a table of sensitivity 4."""
    for sensitivity, step in ((1, 1), (4, 4)):
        ratio = worst_ratio(laplace_sampler(sensitivity, epsilon), 30, 30 + step)
        assert ratio <= math.exp(epsilon) * TOLERANCE, (sensitivity, ratio)
        # The bound is nearly reached: the test measures the mechanism, not its own slack.
        assert ratio >= math.exp(epsilon) / TOLERANCE, (sensitivity, ratio)


def test_it_catches_a_mechanism_noisier_in_words_than_in_fact() -> None:
    """Positive control: noise calibrated for epsilon 2 while epsilon 0.5 is stated."""
    stated = 0.5
    ratio = worst_ratio(laplace_sampler(1, 4 * stated), 30, 31)
    assert ratio > math.exp(stated) * TOLERANCE


def test_it_catches_noise_that_ignores_the_sensitivity() -> None:
    """Positive control: a table where one person counts 4 times noised as if once."""
    stated = 0.5
    ratio = worst_ratio(laplace_sampler(1, stated), 30, 34)
    assert ratio > math.exp(stated) * TOLERANCE


def test_it_spends_what_it_states() -> None:
    noised, spent = mechanism.noise_counts([5, 0, 12], 3, 0.4)
    assert len(noised) == 3
    assert spent == pytest.approx(0.4)
    value, spent = mechanism.private_median([3, 4, 5] * 20, [1, 2, 4, 8], 0.3)
    assert value in (1, 2, 4, 8)
    assert spent == pytest.approx(0.3)


def test_it_refuses_no_budget() -> None:
    with pytest.raises(mechanism.MechanismError):
        mechanism.noise_counts([1], 1, 0.0)
    with pytest.raises(mechanism.MechanismError):
        mechanism.private_median([1], [1, 2], 0.0)


def test_it_keeps_the_median_of_neighbours_within_epsilon() -> None:
    """The private median: one person's reply time more shifts no outcome's probability by
    more than e^epsilon."""
    epsilon = 0.5
    candidates = [1, 2, 4, 8, 16]
    unit = mechanism.privacy_loss(mechanism.median_measurement(candidates, 1.0), 1)
    measurement = mechanism.median_measurement(candidates, unit / epsilon)
    assert mechanism.privacy_loss(measurement, 1) == pytest.approx(epsilon)
    base = [2] * 3 + [4] * 2 + [8] * 3
    runs = 10_000
    first = Counter(measurement(base) for _ in range(runs))
    second = Counter(measurement([*base, 16]) for _ in range(runs))
    ratios = [
        max(first[o] / second[o], second[o] / first[o])
        for o in candidates
        if first[o] >= 500 and second[o] >= 500
    ]
    assert len(ratios) >= 2, (first, second)
    assert max(ratios) <= math.exp(epsilon) * TOLERANCE
