"""The experiment statistics, checked against published values and brute force."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.app.experiments import stats
from workbench.app.experiments.stats import (
    Calibration,
    Paired,
    ReliabilityBin,
    calibration,
    describe_pair,
    mcnemar_exact,
    pass_at_k,
    pass_hat_k,
    paired,
    proportion,
    wilson,
)


def columns(both: int, b_only: int, a_only: int, neither: int) -> tuple[list[bool], list[bool]]:
    """Columns a and b with the given 2×2 counts (b is the table's first variable)."""
    a = [True] * both + [False] * b_only + [True] * a_only + [False] * neither
    b = [True] * both + [True] * b_only + [False] * a_only + [False] * neither
    return a, b


# --- Wilson ---------------------------------------------------------------------------------


def test_wilson_matches_newcombe_1998_table_i() -> None:
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I.
    lo, hi = wilson(81, 263)
    assert lo == pytest.approx(0.2553, abs=5e-5)
    assert hi == pytest.approx(0.3662, abs=5e-5)


def test_wilson_matches_the_textbook_formula() -> None:
    z = 1.959963984540054
    for passed, n in [(1, 3), (7, 10), (15, 148), (0, 20), (20, 20)]:
        p = passed / n
        root = z * math.sqrt(p * (1 - p) * n + z * z / 4)
        expected = ((2 * passed + z * z - 2 * root) / (2 * (n + z * z)), (2 * passed + z * z + 2 * root) / (2 * (n + z * z)))
        assert wilson(passed, n) == pytest.approx(expected, abs=1e-12)


def test_wilson_edges() -> None:
    assert wilson(0, 0) == (0.0, 1.0)
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and 0 < hi < 0.35
    lo, hi = wilson(10, 10)
    assert hi == 1.0 and 0.65 < lo < 1
    with pytest.raises(ValueError):
        wilson(3, 2)
    with pytest.raises(ValueError):
        wilson(-1, 2)


@given(st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_the_rate(counts: tuple[int, int]) -> None:
    passed, n = counts
    lo, hi = wilson(passed, n)
    rate = passed / n if n else 0.5
    assert 0.0 <= lo <= rate <= hi <= 1.0


def test_proportion() -> None:
    assert proportion(3, 4) == proportion(3, 4)
    p = proportion(3, 4)
    assert (p.passed, p.n, p.rate, p.ci95) == (3, 4, 0.75, wilson(3, 4))
    empty = proportion(0, 0)
    assert empty.rate == 0.0 and empty.ci95 == (0.0, 1.0)


# --- McNemar --------------------------------------------------------------------------------


def brute_mcnemar(x: int, y: int) -> Fraction:
    n, k = x + y, min(x, y)
    return min(Fraction(1), Fraction(2 * sum(math.comb(n, i) for i in range(k + 1)), 2**n))


@pytest.mark.parametrize("x,y", [(0, 1), (1, 0), (0, 5), (2, 9), (9, 2), (6, 16), (3, 3), (4, 5), (30, 12), (0, 60)])
def test_mcnemar_matches_the_binomial_sum(x: int, y: int) -> None:
    assert mcnemar_exact(x, y) == pytest.approx(float(brute_mcnemar(x, y)), rel=1e-12)


def test_mcnemar_known_values() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(5, 5) == 1.0
    assert mcnemar_exact(0, 5) == pytest.approx(2 / 32)
    assert mcnemar_exact(1, 9) == pytest.approx(2 * 11 / 1024)
    with pytest.raises(ValueError):
        mcnemar_exact(-1, 3)


def test_mcnemar_in_logs_agrees_with_the_exact_sum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stats, "_EXACT_MCNEMAR_MAX", 10)
    for x, y in [(5, 9), (40, 70), (290, 310), (0, 25)]:
        assert mcnemar_exact(x, y) == pytest.approx(float(brute_mcnemar(x, y)), rel=1e-9)


def test_mcnemar_stays_finite_for_many_pairs() -> None:
    big = mcnemar_exact(49_800, 50_200)
    assert 0.0 < big <= 1.0
    # The normal approximation is close at this size: z = 400 / sqrt(100000) ≈ 1.265.
    assert big == pytest.approx(math.erfc(398.5 / math.sqrt(100_000) / math.sqrt(2)), rel=1e-2)
    assert mcnemar_exact(0, 20_000) == 0.0  # 2^-19999 underflows to 0, not an error


# --- paired ---------------------------------------------------------------------------------


def test_paired_matches_fagerland_example() -> None:
    # Cavo et al. (2012) in Fagerland, Lydersen & Laake (2017), chapter 8: the Newcombe
    # square-and-add interval -0.0621 (-0.1186 to -0.0046).
    a, b = columns(59, 6, 16, 80)
    result = paired(a, b)
    assert result.n == 161
    assert (result.a_only, result.b_only) == (16, 6)
    assert result.diff == pytest.approx(-10 / 161)
    assert result.ci95[0] == pytest.approx(-0.1186, abs=5e-5)
    assert result.ci95[1] == pytest.approx(-0.0046, abs=5e-5)
    assert result.p_value == pytest.approx(float(brute_mcnemar(16, 6)))
    # The interval excludes 0 but the exact test gives p = 0.052: a verdict needs both.
    assert result.p_value > 0.05 and result.verdict == "none"


def test_paired_is_antisymmetric() -> None:
    a, b = columns(59, 6, 16, 80)
    forward, backward = paired(a, b), paired(b, a)
    assert backward.diff == pytest.approx(-forward.diff)
    assert backward.ci95 == pytest.approx((-forward.ci95[1], -forward.ci95[0]))
    assert backward.verdict == forward.verdict == "none"
    assert (backward.a_only, backward.b_only) == (forward.b_only, forward.a_only)
    assert (backward.a_rate, backward.b_rate) == (forward.b_rate, forward.a_rate)


def test_paired_verdicts() -> None:
    a, b = columns(50, 30, 2, 18)
    assert paired(a, b).verdict == "b"
    assert paired(b, a).verdict == "a"
    a, b = columns(50, 3, 2, 45)
    assert paired(a, b).verdict == "none"


def test_paired_edges() -> None:
    assert paired([], []) == Paired(0, 0.0, 0.0, 0.0, (-1.0, 1.0), 1.0, 0, 0, "none")
    with pytest.raises(ValueError):
        paired([True], [True, False])
    same = paired([True] * 10, [True] * 10)
    assert same.diff == 0.0 and same.p_value == 1.0 and same.verdict == "none"
    assert same.ci95[0] < 0 < same.ci95[1]
    assert paired([False] * 10, [False] * 10).verdict == "none"
    all_b = paired([False] * 30, [True] * 30)
    assert all_b.diff == 1.0 and all_b.ci95[1] == 1.0 and all_b.verdict == "b"
    assert all_b.p_value == pytest.approx(2 / 2**30)


def test_paired_interval_shrinks_with_more_rows() -> None:
    widths = []
    for scale in (1, 4, 16):
        a, b = columns(10 * scale, 6 * scale, 2 * scale, 12 * scale)
        lo, hi = paired(a, b).ci95
        widths.append(hi - lo)
    assert widths[0] > widths[1] > widths[2]


@settings(max_examples=200)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=60))
def test_paired_interval_properties(rows: list[tuple[bool, bool]]) -> None:
    a = [x for x, _ in rows]
    b = [y for _, y in rows]
    result = paired(a, b)
    lo, hi = result.ci95
    assert -1.0 <= lo <= result.diff <= hi <= 1.0
    assert result.diff == pytest.approx(result.b_rate - result.a_rate)
    assert result.a_only - result.b_only == sum(a) - sum(b)
    decided = result.p_value < 0.05
    assert result.verdict == ("b" if lo > 0 and decided else "a" if hi < 0 and decided else "none")
    assert 0.0 <= result.p_value <= 1.0


# --- pass@k and pass^k ----------------------------------------------------------------------


def brute_draws(n: int, c: int, k: int) -> tuple[Fraction, Fraction]:
    samples = [True] * c + [False] * (n - c)
    subsets = list(combinations(range(n), k))
    any_pass = sum(1 for s in subsets if any(samples[i] for i in s))
    all_pass = sum(1 for s in subsets if all(samples[i] for i in s))
    return Fraction(any_pass, len(subsets)), Fraction(all_pass, len(subsets))


def test_pass_at_k_and_pass_hat_k_match_enumeration() -> None:
    for n in range(1, 8):
        for c in range(n + 1):
            for k in range(1, n + 1):
                at, hat = brute_draws(n, c, k)
                assert pass_at_k(n, c, k) == pytest.approx(float(at), abs=1e-15)
                assert pass_hat_k(n, c, k) == pytest.approx(float(hat), abs=1e-15)


def test_pass_at_k_edges() -> None:
    assert pass_at_k(5, 0, 3) == 0.0
    assert pass_at_k(5, 5, 3) == 1.0
    assert pass_at_k(5, 2, 5) == 1.0  # k = n: some draw is a pass whenever one exists
    assert pass_hat_k(5, 4, 5) == 0.0  # k = n: all pass only if every sample did
    assert pass_hat_k(5, 5, 5) == 1.0
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    assert pass_hat_k(10, 3, 1) == pytest.approx(0.3)


def test_pass_at_k_large_n_is_accurate() -> None:
    # 1 − C(n−1, 1)/C(n, 1) = 1/n exactly; a float product would lose digits here.
    assert pass_at_k(10**6, 1, 1) == pytest.approx(1e-6, rel=1e-12)
    assert pass_at_k(2000, 1000, 50) == pytest.approx(1.0)
    assert pass_hat_k(2000, 1000, 2) == pytest.approx(1000 * 999 / (2000 * 1999), rel=1e-12)


@pytest.mark.parametrize("n,c,k", [(3, 4, 1), (3, -1, 1), (3, 1, 0), (3, 1, 4), (0, 0, 1)])
def test_pass_at_k_rejects_bad_counts(n: int, c: int, k: int) -> None:
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)
    with pytest.raises(ValueError):
        pass_hat_k(n, c, k)


# --- calibration ----------------------------------------------------------------------------


def test_calibration_bins_and_ece() -> None:
    conf = [0.0, 0.05, 0.1, 0.7, 0.75, 1.0, 0.95]
    correct = [False, False, True, True, False, True, True]
    cal = calibration(conf, correct)
    assert len(cal.bins) == 10
    first, eighth, last = cal.bins[0], cal.bins[6], cal.bins[9]
    assert (first.lo, first.hi, first.n) == (0.0, 0.1, 3)  # 0 and 0.1 both land in [0, 0.1]
    assert first.confidence == pytest.approx(0.05) and first.accuracy == pytest.approx(1 / 3)
    assert (eighth.lo, eighth.hi, eighth.n) == (0.6, 0.7, 1)  # 0.7 is an upper edge
    assert cal.bins[7].n == 1  # 0.75
    assert last.n == 2 and last.confidence == pytest.approx(0.975) and last.accuracy == 1.0
    empty = cal.bins[3]
    assert (empty.n, empty.confidence, empty.accuracy) == (0, None, None)
    expected = (3 * abs(1 / 3 - 0.05) + 1 * abs(1 - 0.7) + 1 * abs(0 - 0.75) + 2 * abs(1 - 0.975)) / 7
    assert cal.ece == pytest.approx(expected)


def test_calibration_every_edge_lands_below_itself() -> None:
    for n_bins in (3, 7, 10, 15):
        for i in range(1, n_bins + 1):
            bins = calibration([i / n_bins], [True], n_bins).bins
            assert bins[i - 1].n == 1, (n_bins, i)


def test_calibration_perfect_and_worst() -> None:
    assert calibration([1.0] * 5, [True] * 5).ece == 0.0
    assert calibration([0.0] * 5, [False] * 5).ece == 0.0
    assert calibration([1.0, 0.0], [False, True]).ece == 1.0


def test_calibration_empty_and_bad_input() -> None:
    cal = calibration([], [])
    assert cal.ece == 0.0
    assert all(b.n == 0 and b.confidence is None for b in cal.bins)
    with pytest.raises(ValueError):
        calibration([0.5], [True, False])
    with pytest.raises(ValueError):
        calibration([1.5], [True])
    with pytest.raises(ValueError):
        calibration([float("nan")], [True])
    with pytest.raises(ValueError):
        calibration([0.5], [True], n_bins=0)


def test_calibration_json() -> None:
    cal = calibration([0.3], [True], n_bins=2)
    assert cal == Calibration(0.7, (ReliabilityBin(0.0, 0.5, 1, 0.3, 1.0), ReliabilityBin(0.5, 1.0, 0, None, None)))
    assert cal.to_json() == {
        "ece": 0.7,
        "reliability": [
            {"lo": 0.0, "hi": 0.5, "n": 1, "confidence": 0.3, "accuracy": 1.0},
            {"lo": 0.5, "hi": 1.0, "n": 0, "confidence": None, "accuracy": None},
        ],
    }


@given(st.lists(st.tuples(st.floats(0.0, 1.0), st.booleans()), max_size=40), st.integers(1, 20))
def test_calibration_properties(rows: list[tuple[float, bool]], n_bins: int) -> None:
    cal = calibration([p for p, _ in rows], [ok for _, ok in rows], n_bins)
    assert 0.0 <= cal.ece <= 1.0 + 1e-12
    assert sum(b.n for b in cal.bins) == len(rows)
    for b in cal.bins:
        if b.confidence is not None:
            assert b.lo - 1e-12 <= b.confidence <= b.hi + 1e-12


# --- describe_pair --------------------------------------------------------------------------


def test_describe_pair_b_wins() -> None:
    p = Paired(200, 0.5, 0.62, 0.12, (0.04, 0.2), 0.0031, 6, 30, "b")
    assert describe_pair(p, "direct", "cot") == "cot beats direct by 12 points [4, 20] (McNemar p = 0.0031, n = 200)"


def test_describe_pair_a_wins_flips_signs() -> None:
    p = Paired(200, 0.62, 0.5, -0.12, (-0.2, -0.04), 0.0004, 30, 6, "a")
    assert describe_pair(p, "direct", "cot") == "direct beats cot by 12 points [4, 20] (McNemar p < 0.001, n = 200)"


def test_describe_pair_no_difference() -> None:
    p = Paired(200, 0.5, 0.53, 0.03, (-0.02, 0.08), 0.4123, 10, 16, "none")
    assert describe_pair(p, "A", "B") == "no difference shown between A and B: +3 points [-2, 8] (p = 0.41, n = 200)"
    q = Paired(200, 0.53, 0.5, -0.03, (-0.08, 0.02), 1.0, 16, 10, "none")
    assert describe_pair(q, "A", "B") == "no difference shown between A and B: -3 points [-8, 2] (p = 1, n = 200)"


def test_describe_pair_from_real_result() -> None:
    a, b = columns(50, 30, 2, 18)
    text = describe_pair(paired(a, b), "x", "y")
    assert text.startswith("y beats x by 28 points [")
    assert "McNemar p < 0.001" in text and text.endswith("n = 100)")
