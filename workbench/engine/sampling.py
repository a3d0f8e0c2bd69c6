"""Pure-numpy mirror of llama.cpp's sampler chain, for display.

llama.cpp itself samples (so results match llama.cpp exactly); this module computes, from the same
logits, what each stage keeps, so the workbench can show which tokens survive and which stage cut
the others. The chain order is the one the engine builds: repeat penalty -> top-k -> top-p ->
min-p -> temperature -> draw (or greedy at temperature 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.values.params import SamplerParams

try:
    from workbench.engine import _capture
except ImportError:  # built without a C compiler: RowCapture uses numpy
    _capture = None

STAGES = ("top_k", "top_p", "min_p", "greedy")


ExpSum = Callable[[np.ndarray, float, np.ndarray], float]


def _exp_sum(row: np.ndarray, peak: float, out: np.ndarray) -> float:
    """sum(exp(row - peak)), leaving the exponentials in ``out``."""
    np.subtract(row, peak, out=out)
    np.exp(out, out=out)
    # numpy's pairwise float32 sum is within ~1e-7 relative here, and twice as fast as float64.
    return float(out.sum())


def log_softmax_normaliser(row: np.ndarray, scratch: np.ndarray | None = None, exp_sum: ExpSum | None = None) -> float:
    """log(sum(exp(row))), computed stably. ``scratch`` (same shape, float32) avoids an allocation;
    ``exp_sum`` is a faster kernel for the sum (the engine passes ggml's)."""
    m = float(row.max())
    buf = scratch if scratch is not None else np.empty_like(row)
    return m + float(np.log((exp_sum or _exp_sum)(row, m, buf)))


def normaliser_and_entropy(
    row: np.ndarray, scratch: np.ndarray | None = None, exp_sum: ExpSum | None = None, centred: np.ndarray | None = None
) -> tuple[float, float]:
    """(log-sum-exp, entropy in nats) of a row of logits, in one pass plus a dot product:
    with w = exp(row - max), H = log(sum(w)) - sum(w * (row - max)) / sum(w)."""
    m = float(row.max())
    buf = scratch if scratch is not None else np.empty_like(row)
    total = (exp_sum or _exp_sum)(row, m, buf)
    lse = m + float(np.log(total))
    return lse, _entropy(row, buf, total, m, centred)


def _entropy(row: np.ndarray, weights: np.ndarray, total: float, peak: float, centred: np.ndarray | None = None) -> float:
    """Entropy in nats from the logits, their weights exp(row - peak) and the weights' sum.

    Measured from the peak: H = lse - E[x] subtracts two numbers near the largest logit, and in
    float32 that lost 2 % of a small entropy (a peak 16 nats above thousands of equal logits)."""
    centred = np.subtract(row, np.float32(peak), out=centred if centred is not None and centred.shape == row.shape else None)
    with np.errstate(invalid="ignore"):
        weighted = float(np.dot(weights, centred))
    if not np.isfinite(weighted):  # masked (-inf) logits: their weight is 0, and 0 * -inf is NaN
        alive = weights > 0
        weighted = float(np.dot(weights[alive], centred[alive]))
    return math.log(total) - weighted / total


_GROUP = 64  # entries per group


def top_ids(row: np.ndarray, k: int) -> np.ndarray:
    """Ids of the k largest entries, largest first, equal values in id order (as a stable sort of
    the whole row would give them).

    Avoids sorting, or even partitioning, the whole vocabulary: split the row into groups (strided,
    which numpy reduces fastest); the k-th largest of the group maxima is a floor that at least k
    entries reach (one in each of those groups), and usually only a few dozen pass it.
    """
    n = row.shape[0]
    k = min(k, n)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    n_groups = n // _GROUP
    if n_groups >= 4 * k:
        floor = np.partition(row[: n_groups * _GROUP].reshape(_GROUP, n_groups).max(axis=0), -k)[-k]
    else:
        floor = np.partition(row, -k)[-k]
    near = np.flatnonzero(row >= floor)
    if near.shape[0] < k:  # NaNs defeat the comparison
        near = np.argpartition(row, -k)[-k:]
    return near[np.argsort(-row[near], kind="stable")[:k]]


class RowCapture:
    """What a generation records at each token: log-sum-exp, entropy if asked, the top-k ids.

    The same answers as ``log_softmax_normaliser``, ``normaliser_and_entropy`` and ``top_ids``.
    Each numpy call made right after a decode costs several times its warm price (llama.cpp has
    just evicted the caches), so this makes one call into the ``_capture`` C extension, which
    finds the maximum and the top-k in one pass and then runs the exp-sum kernel at
    ``kernel_address`` (ggml's). Without the extension (no C compiler at install), numpy.
    """

    def __init__(self, k: int, entropy: bool = False, exp_sum: ExpSum | None = None, kernel_address: int = 0) -> None:
        self.k = k
        self.entropy = entropy
        self.exp_sum = exp_sum
        self.kernel_address = kernel_address
        self._scratch = np.empty(0, dtype=np.float32)
        self._centred = np.empty(0, dtype=np.float32)  # row - peak, for the entropy

    def __call__(self, row: np.ndarray) -> tuple[float, float | None, list[int]]:
        """(log-sum-exp, entropy or None, top-k ids largest first) of one row of logits."""
        if self._scratch.shape != row.shape:
            self._scratch = np.empty(row.shape, dtype=np.float32)
            self._centred = np.empty(row.shape, dtype=np.float32) if self.entropy else self._centred
        if _capture is not None and 0 <= self.k <= 128 and row.dtype == np.float32 and row.flags.c_contiguous:
            found = _capture.capture(row, self._scratch, self.k, self.kernel_address)
            if found is not None and math.isfinite(found[0]):
                peak, total, top = found
                lse = peak + math.log(total)
                entropy = _entropy(row, self._scratch, total, peak, self._centred) if self.entropy else None
                return lse, entropy, top
        kernel = self.exp_sum if row.dtype == np.float32 and row.flags.c_contiguous else None
        if self.entropy:
            lse, entropy = normaliser_and_entropy(row, self._scratch, kernel, self._centred)
        else:
            lse, entropy = log_softmax_normaliser(row, self._scratch, kernel), None
        return lse, entropy, top_ids(row, self.k).tolist()


def entropy_nats(row: np.ndarray, lse: float) -> float:
    logp = row.astype(np.float64) - lse
    return float(-(np.exp(logp) * logp).sum())


def apply_repeat_penalty(row: np.ndarray, history: Sequence[int], params: SamplerParams) -> np.ndarray:
    """Logits after llama.cpp's repeat penalty over the last ``repeat_last_n`` tokens."""
    if params.repeat_penalty == 1.0 or params.repeat_last_n == 0 or not history:
        return row
    z = row.copy()
    recent = np.unique(np.asarray(history[-params.repeat_last_n :], dtype=np.int64))
    vals = z[recent]
    z[recent] = np.where(vals <= 0, vals * params.repeat_penalty, vals / params.repeat_penalty)
    return z


@dataclass
class StageResult:
    """Which tokens survive the sampler, and which stage cut the others."""

    penalized: np.ndarray  # logits after the repeat penalty (the whole vocabulary)
    kept: np.ndarray  # ids that survive every stage, most likely first
    final_probs: np.ndarray  # their probability of being drawn, aligned with ``kept``
    survivors: list[tuple[str, np.ndarray]]  # (stage, ids still in after it), in chain order

    def cut_by(self, ids: np.ndarray) -> list[str | None]:
        """For each id, the stage that removed it, or None if it can be drawn."""
        result: list[str | None] = [None] * len(ids)
        pending = np.ones(len(ids), dtype=bool)
        for stage, alive in self.survivors:
            out = pending & ~np.isin(ids, alive)
            for i in np.flatnonzero(out):
                result[i] = stage
            pending &= ~out
        return result


def run_stages(row: np.ndarray, params: SamplerParams, history: Sequence[int] = ()) -> StageResult:
    """Follow one row of logits through the sampler chain."""
    z = apply_repeat_penalty(row, history, params)
    n = z.shape[0]
    if params.temperature == 0:
        best = np.array([int(np.argmax(z))])
        return StageResult(z, best, np.array([1.0]), [("greedy", best)])

    survivors: list[tuple[str, np.ndarray]] = []
    if 0 < params.top_k < n:
        cand = top_ids(z, params.top_k)
        survivors.append(("top_k", cand))
    else:
        cand = np.argsort(-z, kind="stable")

    # top-p: the smallest prefix whose probability (softmax over the candidates) reaches p.
    if params.top_p < 1.0:
        logits = z[cand].astype(np.float64)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        last = int(np.searchsorted(np.cumsum(p), params.top_p, side="left")) + 1
        cand = cand[: max(1, min(last, cand.shape[0]))]
        survivors.append(("top_p", cand))

    # min-p: keep tokens whose probability is at least min_p times the best one's.
    if params.min_p > 0.0:
        logits = z[cand]
        keep = logits >= float(logits.max()) + float(np.log(params.min_p))
        cand = cand[keep]
        survivors.append(("min_p", cand))

    logits = z[cand].astype(np.float64) / params.temperature
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    return StageResult(z, cand, probs, survivors)
