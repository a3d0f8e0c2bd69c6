"""Pure-numpy mirror of llama.cpp's sampler chain, for display.

llama.cpp itself samples (so results match llama.cpp exactly); this module computes, from the same
logits, what each stage keeps, so the workbench can show which tokens survive and which stage cut
the others. The chain order is the one the engine builds: repeat penalty -> top-k -> top-p ->
min-p -> temperature -> draw (or greedy at temperature 0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.engine.protocol import SamplerParams

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
    row: np.ndarray, scratch: np.ndarray | None = None, exp_sum: ExpSum | None = None
) -> tuple[float, float]:
    """(log-sum-exp, entropy in nats) of a row of logits, in one pass plus a dot product:
    with w = exp(row - max), H = lse - sum(w * row) / sum(w)."""
    m = float(row.max())
    buf = scratch if scratch is not None else np.empty_like(row)
    total = (exp_sum or _exp_sum)(row, m, buf)
    lse = m + float(np.log(total))
    with np.errstate(invalid="ignore"):
        weighted = float(np.dot(buf, row))
    if not np.isfinite(weighted):  # masked (-inf) logits: their weight is 0, and 0 * -inf is NaN
        alive = buf > 0
        weighted = float(np.dot(buf[alive], row[alive]))
    return lse, lse - weighted / total


_GROUP = 64  # entries per group


def top_ids(row: np.ndarray, k: int) -> np.ndarray:
    """Ids of the k largest entries, largest first.

    Runs once per generated token, so it avoids partitioning the whole vocabulary: split the row
    into groups (strided, which numpy reduces fastest); the k-th largest of the group maxima is a
    floor that at least k entries reach (one in each of those groups), and at most k groups' worth
    of entries pass it, so only those few are partitioned.
    """
    n = row.shape[0]
    k = min(k, n)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    n_groups = n // _GROUP
    if n_groups >= 4 * k:
        maxima = row[: n_groups * _GROUP].reshape(_GROUP, n_groups).max(axis=0)
        floor = np.partition(maxima, -k)[-k]
        near = np.flatnonzero(row >= floor)
        if near.shape[0] >= k:  # fewer only when NaNs defeat the comparison
            idx = near[np.argpartition(row[near], -k)[-k:]]
            return idx[np.argsort(-row[idx], kind="stable")]
    idx = np.argpartition(row, -k)[-k:]
    return idx[np.argsort(-row[idx], kind="stable")]


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
