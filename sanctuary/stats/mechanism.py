"""The privacy mechanisms, from OpenDP, on plain lists of numbers. No Django here.

Every count is noised with OpenDP's discrete Laplace mechanism (``make_laplace`` over an integer
domain): adding or removing one person changes a vector of counts by at most its ``sensitivity``
in L1 distance, and noise of scale ``sensitivity / epsilon`` makes the two outputs' distributions
differ by at most a factor e^epsilon. The median is OpenDP's private quantile (an exponential
mechanism over fixed candidates). Each function returns the epsilon OpenDP's own privacy map
certifies for what it did, and that is what a release records as spent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import opendp.prelude as dp

dp.enable_features("contrib")


class MechanismError(ValueError):
    pass


def privacy_loss(measurement: dp.Measurement, d_in: int) -> float:
    """The epsilon OpenDP's privacy map certifies for inputs this far apart."""
    return float(measurement.map(d_in))  # type: ignore[no-untyped-call]  # opendp's stubs


def laplace_scale(sensitivity: int, epsilon: float) -> float:
    if sensitivity < 1 or not epsilon > 0 or math.isinf(epsilon):
        raise MechanismError("sensitivity must be at least 1 and epsilon a positive number")
    return sensitivity / epsilon


def count_measurement(size: int, scale: float) -> dp.Measurement:
    """Discrete Laplace noise on a vector of `size` integer counts, L1 distance in."""
    domain = dp.vector_domain(dp.atom_domain(T=int), size=size)
    return dp.m.make_laplace(domain, dp.l1_distance(T=int), scale=scale)


def noise_counts(
    counts: Sequence[int], sensitivity: int, epsilon: float
) -> tuple[list[int], float]:
    """The counts with discrete Laplace noise, and the epsilon spent (OpenDP's privacy map at
    the given sensitivity, never more than `epsilon`)."""
    if not counts:
        return [], 0.0
    measurement = count_measurement(len(counts), laplace_scale(sensitivity, epsilon))
    spent = privacy_loss(measurement, sensitivity)
    if spent > epsilon * (1 + 1e-9):
        raise MechanismError(f"the mechanism would spend {spent}, more than {epsilon}")
    return [int(value) for value in measurement([int(c) for c in counts])], spent


def median_measurement(candidates: Sequence[int], scale: float) -> dp.Measurement:
    return dp.m.make_private_quantile(
        dp.vector_domain(dp.atom_domain(T=int)),
        dp.symmetric_distance(),
        dp.max_divergence(),
        candidates=list(candidates),
        alpha=0.5,
        scale=scale,
    )


def private_median(
    values: Sequence[int], candidates: Sequence[int], epsilon: float
) -> tuple[int, float]:
    """A median chosen among `candidates` by OpenDP's private quantile, each person bringing at
    most one value; the epsilon it spends."""
    if not epsilon > 0:
        raise MechanismError("epsilon must be a positive number")
    # The privacy map is linear in 1/scale: find the scale of unit epsilon, then divide.
    unit = privacy_loss(median_measurement(candidates, 1.0), 1)
    measurement = median_measurement(candidates, unit / epsilon)
    spent = privacy_loss(measurement, 1)
    if spent > epsilon * (1 + 1e-9):
        raise MechanismError(f"the mechanism would spend {spent}, more than {epsilon}")
    return int(measurement([int(v) for v in values])), spent
