"""Statistics for prompt experiments, in plain Python: the Wilson interval of a pass rate, the
paired comparison of two columns over the same rows (Newcombe's interval for the difference and
the exact McNemar test), pass@k and pass^k over repeated draws, and the calibration of a
classifier's confidence. Every function is exact or closed-form; nothing is simulated."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

Z95 = 1.959963984540054
ALPHA = 0.05  # the significance level a verdict needs
_EXACT_MCNEMAR_MAX = 5000  # above this many discordant pairs, sum the binomial tail in logs


def wilson(passed: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for ``passed`` successes out of ``n`` (95% by default);
    ``(0.0, 1.0)`` when there is nothing to go on."""
    if not 0 <= passed <= n:
        raise ValueError(f"passed must be between 0 and n ({n}), not {passed}")
    if n == 0:
        return 0.0, 1.0
    p = passed / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At 0 and n the bound is exactly 0 or 1; floating point would leave a crumb either side.
    lo = 0.0 if passed == 0 else max(0.0, centre - half)
    hi = 1.0 if passed == n else min(1.0, centre + half)
    return lo, hi


def mcnemar_exact(a_only: int, b_only: int) -> float:
    """The exact two-sided McNemar p-value: a binomial test with p = 1/2 on the discordant pairs,
    ``min(1, 2·P(X ≤ min(a_only, b_only)))``; 1.0 when there are none."""
    if a_only < 0 or b_only < 0:
        raise ValueError(f"discordant counts must not be negative: {a_only}, {b_only}")
    n = a_only + b_only
    k = min(a_only, b_only)
    if n == 0 or 2 * k == n:
        return 1.0
    if n <= _EXACT_MCNEMAR_MAX:
        tail = 0
        term = 1  # C(n, 0), then C(n, i) by the recurrence, all in exact integers
        for i in range(k + 1):
            tail += term
            term = term * (n - i) // (i + 1)
        return min(1.0, float(Fraction(2 * tail, 2**n)))
    log_terms = [_log_comb(n, i) for i in range(k + 1)]
    top = max(log_terms)
    log_tail = top + math.log(math.fsum(math.exp(t - top) for t in log_terms))
    return min(1.0, math.exp(math.log(2) + log_tail - n * math.log(2)))


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


@dataclass(frozen=True)
class Paired:
    """Two columns compared over the same ``n`` rows: their pass rates, ``diff`` = b − a with its
    95% interval, the McNemar p-value, the rows only one of them passed, and which one the
    interval shows to be better ("a", "b", or "none")."""

    n: int
    a_rate: float
    b_rate: float
    diff: float
    ci95: tuple[float, float]
    p_value: float
    a_only: int
    b_only: int
    verdict: str


def paired(a: Sequence[bool], b: Sequence[bool]) -> Paired:
    """Compare column ``b`` with column ``a`` where ``a[i]`` and ``b[i]`` are the same row.

    The interval is Newcombe's hybrid score interval for paired proportions (1998, method 10):
    Wilson intervals for each rate, combined with the correlation between the columns."""
    if len(a) != len(b):
        raise ValueError(f"paired columns must have the same rows: {len(a)} and {len(b)} given")
    n = len(a)
    if n == 0:
        return Paired(0, 0.0, 0.0, 0.0, (-1.0, 1.0), 1.0, 0, 0, "none")
    both = b_only = a_only = neither = 0
    for x, y in zip(a, b):
        if x and y:
            both += 1
        elif y:
            b_only += 1
        elif x:
            a_only += 1
        else:
            neither += 1
    b_passed, a_passed = both + b_only, both + a_only
    b_rate, a_rate = b_passed / n, a_passed / n
    diff = b_rate - a_rate
    lb, ub = wilson(b_passed, n)
    la, ua = wilson(a_passed, n)
    phi = _phi(both, b_only, a_only, neither)
    below = math.sqrt(max(0.0, (b_rate - lb) ** 2 - 2 * phi * (b_rate - lb) * (ua - a_rate) + (ua - a_rate) ** 2))
    above = math.sqrt(max(0.0, (ub - b_rate) ** 2 - 2 * phi * (ub - b_rate) * (a_rate - la) + (a_rate - la) ** 2))
    ci = (max(-1.0, diff - below), min(1.0, diff + above))
    p_value = mcnemar_exact(a_only, b_only)
    # A winner only when both say so: the interval excludes 0 and the exact test rejects at 5 %
    # (with few discordant rows the approximate interval can exclude 0 while p is above 0.05).
    decided = p_value < ALPHA
    verdict = "b" if ci[0] > 0 and decided else "a" if ci[1] < 0 and decided else "none"
    return Paired(n, a_rate, b_rate, diff, ci, p_value, a_only, b_only, verdict)


def _phi(both: int, first_only: int, second_only: int, neither: int) -> float:
    """The correlation between the two columns, with Newcombe's correction: a positive
    ``ad − bc`` is shrunk by n/2 (not below 0); 0 when a margin is empty."""
    n = both + first_only + second_only + neither
    margins = (both + first_only) * (second_only + neither) * (both + second_only) * (first_only + neither)
    if margins == 0:
        return 0.0
    cross = both * neither - first_only * second_only
    if cross > 0:
        cross = max(0.0, cross - n / 2)
    return cross / math.sqrt(margins)


def _check_draws(n: int, c: int, k: int) -> None:
    if not 0 <= c <= n:
        raise ValueError(f"passes must be between 0 and n ({n}), not {c}")
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and n ({n}), not {k}")


def pass_at_k(n: int, c: int, k: int) -> float:
    """pass@k: the chance that at least one of k draws (without replacement) from ``n`` samples,
    ``c`` of them passing, passes — Chen et al. 2021's unbiased ``1 − C(n−c, k)/C(n, k)``,
    computed in exact integers."""
    _check_draws(n, c, k)
    total = math.comb(n, k)
    return float(Fraction(total - math.comb(n - c, k), total))


def pass_hat_k(n: int, c: int, k: int) -> float:
    """pass^k: the chance that all k draws pass, estimated as ``C(c, k)/C(n, k)`` (as in
    tau-bench), computed in exact integers."""
    _check_draws(n, c, k)
    return float(Fraction(math.comb(c, k), math.comb(n, k)))


@dataclass(frozen=True)
class ReliabilityBin:
    """One bin of a reliability diagram: confidences in ``(lo, hi]`` (the first bin also holds 0),
    how many fell in it, their mean confidence and the fraction correct (None when empty)."""

    lo: float
    hi: float
    n: int
    confidence: float | None
    accuracy: float | None

    def to_json(self) -> dict[str, Any]:
        return {"lo": self.lo, "hi": self.hi, "n": self.n, "confidence": self.confidence, "accuracy": self.accuracy}


@dataclass(frozen=True)
class Calibration:
    """The expected calibration error and the reliability bins it was measured over."""

    ece: float
    bins: tuple[ReliabilityBin, ...]

    def to_json(self) -> dict[str, Any]:
        return {"ece": self.ece, "reliability": [b.to_json() for b in self.bins]}


def calibration(confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> Calibration:
    """How well confidence matches accuracy, over ``n_bins`` equal-width bins of [0, 1]:
    ECE = Σ (bin size / N)·|accuracy − mean confidence|. With no input the ECE is 0 and every
    bin is empty."""
    if len(confidence) != len(correct):
        raise ValueError(f"confidence and correct must be the same length: {len(confidence)} and {len(correct)}")
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, not {n_bins}")
    edges = [i / n_bins for i in range(n_bins + 1)]
    sums = [0.0] * n_bins
    hits = [0] * n_bins
    counts = [0] * n_bins
    for p, ok in zip(confidence, correct):
        if not 0.0 <= p <= 1.0:  # also rejects NaN
            raise ValueError(f"a confidence must be between 0 and 1, not {p}")
        i = _bin_of(p, edges)
        sums[i] += p
        hits[i] += bool(ok)
        counts[i] += 1
    total = len(confidence)
    bins = []
    ece = 0.0
    for i in range(n_bins):
        if counts[i]:
            mean_conf, acc = sums[i] / counts[i], hits[i] / counts[i]
            ece += counts[i] / total * abs(acc - mean_conf)
            bins.append(ReliabilityBin(edges[i], edges[i + 1], counts[i], mean_conf, acc))
        else:
            bins.append(ReliabilityBin(edges[i], edges[i + 1], 0, None, None))
    return Calibration(ece, tuple(bins))


def _bin_of(p: float, edges: list[float]) -> int:
    """The bin with ``edges[i] < p <= edges[i + 1]`` (bin 0 for p == 0), judged against the edges
    themselves so that p = 0.7 lands where 0.7 is an upper edge, whatever 0.7 × 10 rounds to."""
    last = len(edges) - 2
    i = min(last, max(0, math.ceil(p * (last + 1)) - 1))
    while i > 0 and p <= edges[i]:
        i -= 1
    while i < last and p > edges[i + 1]:
        i += 1
    return i


@dataclass(frozen=True)
class Proportion:
    """A pass count out of ``n``, its rate (0 when n is 0) and the rate's Wilson 95% interval."""

    passed: int
    n: int
    rate: float
    ci95: tuple[float, float]


def proportion(passed: int, n: int) -> Proportion:
    """``passed`` out of ``n`` with its rate and Wilson 95% interval."""
    return Proportion(passed, n, passed / n if n else 0.0, wilson(passed, n))


def describe_pair(p: Paired, a: str, b: str) -> str:
    """One English line for a paired comparison, naming the columns ``a`` and ``b``: who wins and
    by how many points (percentage points, with the interval), or that no difference was shown."""
    low, high = _points(p.ci95[0]), _points(p.ci95[1])
    test = f"p {_p_text(p.p_value)}, n = {p.n}"
    if p.verdict == "b":
        return f"{b} beats {a} by {_points(p.diff)} points [{low}, {high}] (McNemar {test})"
    if p.verdict == "a":
        return f"{a} beats {b} by {_points(-p.diff)} points [{-high}, {-low}] (McNemar {test})"
    return f"no difference shown between {a} and {b}: {_points(p.diff):+d} points [{low}, {high}] ({test})"


def _points(x: float) -> int:
    """A difference of rates in whole percentage points, halves rounded away from zero."""
    whole = int(math.floor(abs(x) * 100 + 0.5))
    return -whole if x < 0 else whole


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.2g}"


def pair_sentence(pair: Mapping[str, Any]) -> str:
    """A ``pairs`` item of an experiment summary in words (the CLI, the window and the report say it so)."""
    low, high = (pair.get("ci95") or [-1.0, 1.0])[:2]
    result = Paired(
        n=int(pair.get("n") or 0), a_rate=float(pair.get("a_rate") or 0.0), b_rate=float(pair.get("b_rate") or 0.0),
        diff=float(pair.get("diff") or 0.0), ci95=(float(low), float(high)), p_value=float(pair.get("p_value", 1.0)),
        a_only=int(pair.get("a_only") or 0), b_only=int(pair.get("b_only") or 0), verdict=str(pair.get("verdict") or "none"),
    )
    return describe_pair(result, str(pair.get("a")), str(pair.get("b")))
