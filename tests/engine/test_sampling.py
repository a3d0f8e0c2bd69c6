"""The numpy helpers the engine runs between two decodes: exact answers on any row of logits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from workbench.engine import sampling

rows = arrays(
    np.float32,
    st.integers(1, 3000),
    elements=st.one_of(
        st.floats(-40, 40, width=32),
        st.sampled_from([float("-inf"), 0.0, 1.0]),  # masked tokens and ties
    ),
)


def _full_partition(row: np.ndarray, k: int) -> np.ndarray:
    if k == 0:
        return np.empty(0, dtype=np.int64)
    idx = np.argpartition(row, -k)[-k:]
    return idx[np.argsort(-row[idx], kind="stable")]


@settings(max_examples=300, deadline=None)
@given(rows, st.integers(0, 120))
def test_top_ids_gives_the_values_of_a_full_partition(row: np.ndarray, k: int) -> None:
    fast = sampling.top_ids(row, k)
    assert len(fast) == min(k, len(row))
    assert len(set(fast.tolist())) == len(fast)
    if len(fast):
        # Ties may come out in another order; the values, largest first, may not differ.
        assert np.array_equal(row[fast], row[_full_partition(row, len(fast))])


def test_top_ids_on_a_vocabulary_sized_row_peaked_flat_and_with_nan() -> None:
    rng = np.random.default_rng(0)
    peaked = np.full(49_152, -30.0, dtype=np.float32)
    peaked[rng.choice(49_152, 10, replace=False)] = np.arange(10, dtype=np.float32)
    assert peaked[sampling.top_ids(peaked, 10)].tolist() == list(range(9, -1, -1))
    flat = rng.normal(size=49_152).astype(np.float32) * 1e-3
    assert np.array_equal(flat[sampling.top_ids(flat, 100)], flat[_full_partition(flat, 100)])
    with_nan = flat.copy()
    with_nan[7] = np.nan
    assert len(sampling.top_ids(with_nan, 10)) == 10


def test_float32_normaliser_matches_float64() -> None:
    row = np.random.default_rng(1).normal(scale=6, size=49_152).astype(np.float32)
    exact = np.log(np.exp(row.astype(np.float64) - row.max()).sum()) + row.max()
    assert abs(sampling.log_softmax_normaliser(row) - exact) < 1e-5
    lse, entropy = sampling.normaliser_and_entropy(row)
    p = np.exp(row.astype(np.float64) - exact)
    assert abs(lse - exact) < 1e-5
    assert abs(entropy - float(-(p * np.log(p)).sum())) < 1e-4


def test_ggml_exp_sum_kernel_is_found_and_agrees_with_float64() -> None:
    from workbench.engine.llamacpp import kernels

    assert kernels.exp_sum is not None, "ggml's soft-max kernel was not found: generation falls back to numpy"
    rng = np.random.default_rng(2)
    for scale, shift in ((1.0, 0.0), (6.0, 40.0), (20.0, -90.0)):
        row = (rng.normal(scale=scale, size=49_152) + shift).astype(np.float32)
        row[:3] = -np.inf  # masked tokens
        wide = row.astype(np.float64)
        exact = np.log(np.exp(wide - wide.max()).sum()) + wide.max()
        p = np.exp(wide - exact)
        entropy = float(-(p[p > 0] * np.log(p[p > 0])).sum())
        lse, h = sampling.normaliser_and_entropy(row, np.empty_like(row), kernels.exp_sum)
        assert abs(sampling.log_softmax_normaliser(row, None, kernels.exp_sum) - exact) < 1e-5
        assert abs(lse - exact) < 1e-5 and abs(h - entropy) < 1e-4


@pytest.fixture(params=["C extension", "numpy"])
def capture_impl(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    from workbench.engine.llamacpp import kernels

    if request.param == "numpy":
        monkeypatch.setattr(sampling, "_capture", None)
    else:
        assert sampling._capture is not None, "the _capture C extension was not built: make install builds it"
    assert kernels.exp_sum_address
    return str(request.param)


def _check_capture(row: np.ndarray, k: int, entropy: bool) -> None:
    from workbench.engine.llamacpp import kernels

    for address in (kernels.exp_sum_address, 0):  # ggml's kernel, and the extension's own loop
        lse, h, top = sampling.RowCapture(k, entropy, kernels.exp_sum, address)(row)
        wide = row.astype(np.float64)
        finite = wide[np.isfinite(wide)]
        exact = np.log(np.exp(finite - finite.max()).sum()) + finite.max()
        assert abs(lse - exact) < 1e-5 * max(1.0, abs(exact))
        assert isinstance(top, list) and np.array_equal(row[top], row[_full_partition(row, min(k, len(row)))])
        assert top == sampling.top_ids(row, k).tolist()  # ties too: lower id first
        if entropy:
            p = np.exp(wide - exact)
            assert h is not None and abs(h - float(-(p[p > 0] * np.log(p[p > 0])).sum())) < 1e-4
        else:
            assert h is None


finite_rows = arrays(
    np.float32,
    st.integers(1, 3000),
    elements=st.one_of(st.floats(-40, 40, width=32), st.sampled_from([float("-inf"), 0.0, 1.0])),
).filter(lambda r: bool(np.isfinite(r).any()))


# The fixture only picks the implementation, the same for every generated row.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(finite_rows, st.integers(0, 100), st.booleans())
def test_row_capture_equals_the_numpy_functions(capture_impl: str, row: np.ndarray, k: int, entropy: bool) -> None:
    _check_capture(row, k, entropy)


def test_row_capture_on_a_vocabulary_row_and_odd_rows(capture_impl: str) -> None:
    row = np.random.default_rng(3).normal(scale=5, size=49_152).astype(np.float32)
    _check_capture(row, 10, True)
    _check_capture(row, 100, False)
    with_nan = row.copy()
    with_nan[5] = np.nan  # numpy's answer, whatever it is, rather than a guess
    lse, _, top = sampling.RowCapture(10)(with_nan)
    assert len(top) == 10 and np.isnan(lse)
    strided = np.repeat(row, 2)[::2]  # not contiguous: numpy path
    assert sampling.RowCapture(10)(strided)[2] == sampling.top_ids(row, 10).tolist()


def test_a_small_entropy_beside_a_high_peak_keeps_its_precision() -> None:
    """Found by Hypothesis: one logit 16 nats above 2,678 equal ones. Computed as lse - E[x] in
    float32, the entropy (0.0051 nats) came out 2 % low."""
    row = np.full(2679, 23.0, dtype=np.float32)
    row[0] = 39.0
    _check_capture(row, 0, True)
