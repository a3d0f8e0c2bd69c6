"""Pure-numpy mirror of llama.cpp's sampler chain, for display.

llama.cpp itself samples (so results match llama.cpp exactly); this module computes, from the same
logits, what each stage keeps, so the workbench can show which tokens survive and which stage cut
the others. The chain order is the one the engine builds: repeat penalty -> top-k -> top-p ->
min-p -> temperature -> draw (or greedy at temperature 0).

Rows are as wide as the vocabulary (262,144 tokens for Gemma 3), and the Next-token panel restages
one on every slider move, so the whole row gets only vectorised float32 passes: no sort of it
(each stage keeps a prefix of the ranking by logit, so it is a count; top-p over the whole
vocabulary finds its cut from value bins), no float64 exponentials, no Python loop over it.
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


def score_rows(
    rows: np.ndarray, targets: Sequence[int], scratch: np.ndarray, exp_sum: ExpSum | None = None, kernel_address: int = 0
) -> list[float]:
    """log softmax(rows[i])[targets[i]] for each target (rows may hold more rows than targets).

    Perplexity calls this once per batch on llama.cpp's logits buffer. The C extension reads each
    row once from memory (its maximum, then ggml's exp-sum while the row is cached); numpy needs a
    few passes. ``scratch``: one float32 row, overwritten."""
    n_vocab = rows.shape[1]
    wanted = np.asarray(targets, dtype=np.int32)
    if _capture is not None and rows.dtype == np.float32 and rows.flags.c_contiguous:
        found = _capture.logprobs(rows, wanted, n_vocab, scratch, kernel_address)
        if found is not None:
            return found
    normaliser = RowCapture(0, False, exp_sum, kernel_address)
    return [float(rows[i, token]) - normaliser(rows[i])[0] for i, token in enumerate(wanted.tolist())]


def entropy_nats(row: np.ndarray, lse: float) -> float:
    """Entropy in nats of the softmax of ``row``, given its log-sum-exp (float64: a reference, slow
    on big vocabularies; the engine uses ``normaliser_and_entropy``)."""
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


_EXACT_ROWS = 4096  # up to this many entries, work in float64 and sort; above, avoid both


def _exp_weights(z: np.ndarray, peak: float, scale: float = 1.0) -> np.ndarray:
    """exp((z - peak) * scale) in float32: numpy vectorises those exponentials, float64 ones cost
    5-30x more on a 262k-token row. Sum them in float64."""
    shifted = np.subtract(z, np.float32(peak), dtype=np.float32)
    if scale != 1.0:
        np.multiply(shifted, np.float32(scale), out=shifted)
    return np.exp(shifted, out=shifted)


def _softmax_at(z: np.ndarray, members: np.ndarray | None, scale: float) -> np.ndarray:
    """softmax(z[members] * scale) (members None: the whole row), aligned with ``members``."""
    logits = z if members is None else z[members]
    if logits.shape[0] <= _EXACT_ROWS:
        wide = logits.astype(np.float64) * scale
        probs = np.exp(wide - wide.max())
        return probs / probs.sum()
    weights = _exp_weights(logits, float(logits.max()), scale)
    return weights.astype(np.float64) / float(weights.sum(dtype=np.float64))


class Ranking:
    """The vocabulary ranked by (penalized) logit, largest first, equal values in id order, as a
    stable sort of the whole row would give it; never materialised beyond what is asked for.

    Every sampler stage keeps a prefix of this ranking, so a stage is just a count. A prefix of a
    few thousand is sorted; a larger one is found by one partition, in no order."""

    def __init__(self, z: np.ndarray) -> None:
        self.z = z
        self.n = int(z.shape[0])
        self.peak = float(z.max()) if self.n else 0.0
        self._prefix = np.empty(0, dtype=np.int64)
        self._members: dict[int, np.ndarray] = {}

    def prefix(self, m: int) -> np.ndarray:
        """Ids of the ``m`` largest logits, in ranking order (a sort of ``m`` entries)."""
        m = min(m, self.n)
        if self._prefix.shape[0] < m:
            self._prefix = top_ids(self.z, m)
        return self._prefix[:m]

    def members(self, m: int) -> np.ndarray:
        """Ids of the ``m`` largest logits, in no particular order."""
        m = min(m, self.n)
        if m <= self._prefix.shape[0] or m <= _EXACT_ROWS:
            return self.prefix(m)
        if m not in self._members:
            self._members[m] = self._partitioned(m)
        return self._members[m]

    def _partitioned(self, m: int) -> np.ndarray:
        if m == self.n:
            return np.arange(self.n)
        floor = np.partition(self.z, self.n - m)[self.n - m]
        above = np.flatnonzero(self.z > floor)
        ties = np.flatnonzero(self.z == floor)[: m - above.shape[0]]  # lower ids first, as ranked
        if above.shape[0] + ties.shape[0] != m:  # NaNs defeat the comparisons
            return self.prefix(m)
        return np.concatenate((above, ties))


_BINS = 4096
_UNDERFLOW = 104.0  # exp(-104) is 0 in float32: logits further below the peak weigh nothing


def _top_p_whole_vocabulary(ranking: Ranking, top_p: float) -> int:
    """Top-p's count over the whole vocabulary without sorting it: the weights go into value bins
    (bins respect the order, ties share a bin), the bin where the cumulative mass from the top
    reaches ``top_p`` is found from the bins' sums, and only that bin is sorted."""
    z, peak = ranking.z, ranking.peak
    if not np.isfinite(peak):
        return _top_p_sorted(ranking, ranking.n, top_p)
    weights = _exp_weights(z, peak)
    total = float(weights.sum(dtype=np.float64))
    scale = np.float32(_BINS / _UNDERFLOW)
    position = np.subtract(z, np.float32(peak - _UNDERFLOW), dtype=np.float32)
    np.multiply(position, scale, out=position)
    np.clip(position, 0, _BINS - 1, out=position)
    bins = position.astype(np.intp)
    mass = np.bincount(bins, weights=weights, minlength=_BINS)[::-1]  # the top bin first
    reached = np.flatnonzero(np.cumsum(mass) >= top_p * total)
    crossing = _BINS - 1 - (int(reached[0]) if reached.shape[0] else _BINS - 1)
    above = bins > crossing
    mass_above = float(mass[: _BINS - 1 - crossing].sum())
    inside = np.flatnonzero(bins == crossing)
    inside = inside[np.argsort(-z[inside], kind="stable")]
    cumulative = (mass_above + np.cumsum(weights[inside], dtype=np.float64)) / total
    last = int(np.searchsorted(cumulative, top_p, side="left")) + 1
    return max(1, min(int(np.count_nonzero(above)) + last, ranking.n))


def _top_p_sorted(ranking: Ranking, count: int, top_p: float) -> int:
    """Top-p's count over the first ``count`` ranked tokens, from their sorted probabilities."""
    weights = np.exp(ranking.z[ranking.prefix(count)].astype(np.float64) - ranking.peak)
    cumulative = np.cumsum(weights) / weights.sum()
    last = int(np.searchsorted(cumulative, top_p, side="left")) + 1
    return max(1, min(last, cumulative.shape[0]))


def _top_p_count(ranking: Ranking, count: int, top_p: float) -> int:
    """How many of the first ``count`` ranked tokens top-p keeps: the smallest prefix whose
    probability (softmax over those ``count``) reaches ``top_p``."""
    if count < ranking.n:  # after a top-k: rank its tokens only
        return _top_p_sorted(ranking, count, top_p)
    return _top_p_whole_vocabulary(ranking, top_p)


def _min_p_count(ranking: Ranking, count: int, min_p: float) -> int:
    """How many of the first ``count`` ranked tokens have a probability of at least ``min_p`` times
    the best one's: those logits come first in the ranking, so no ranking is needed."""
    floor = np.float32(ranking.peak + float(np.log(min_p)))
    return min(count, int(np.count_nonzero(ranking.z >= floor)))


@dataclass
class StageResult:
    """Which tokens survive the sampler, and which stage cut the others.

    Each stage keeps a prefix of ``ranking``, so ``survivors`` holds counts; asking about a few
    ids (the ones shown) never sorts the whole vocabulary."""

    penalized: np.ndarray  # logits after the repeat penalty (the whole vocabulary)
    ranking: Ranking
    survivors: list[tuple[str, int]]  # (stage, how many tokens are still in after it), in chain order
    temperature: float  # 0: greedy

    @property
    def n_kept(self) -> int:
        """How many tokens survive every stage."""
        return self.survivors[-1][1] if self.survivors else self.ranking.n

    def kept(self) -> np.ndarray:
        """Ids that survive every stage, most likely first (sorts them: for tests and small sets)."""
        if self.temperature == 0:
            return np.array([int(np.argmax(self.penalized))])
        return self.ranking.prefix(self.n_kept)

    def _alive(self, ids: np.ndarray, count: int) -> np.ndarray:
        if self.temperature == 0:
            return ids == int(np.argmax(self.penalized))
        if count >= self.ranking.n:
            return np.ones(len(ids), dtype=bool)
        alive = np.zeros(self.ranking.n, dtype=bool)  # a lookup table: np.isin sorts both sides
        alive[self.ranking.members(count)] = True
        return alive[ids]

    def cut_by(self, ids: np.ndarray) -> list[str | None]:
        """For each id, the stage that removed it, or None if it can be drawn."""
        result: list[str | None] = [None] * len(ids)
        pending = np.ones(len(ids), dtype=bool)
        for stage, count in self.survivors:
            out = pending & ~self._alive(ids, count)
            for i in np.flatnonzero(out):
                result[i] = stage
            pending &= ~out
        return result

    def final_probs(self, ids: np.ndarray) -> np.ndarray:
        """Each id's probability of being drawn after every stage and the temperature (0 if cut)."""
        ids = np.asarray(ids, dtype=np.int64)
        if self.temperature == 0:
            return self._alive(ids, 1).astype(np.float64)
        scale = 1.0 / self.temperature
        if self.n_kept >= self.ranking.n:  # nothing cut: the softmax of z / T over the whole row
            return _softmax_at(self.penalized, None, scale)[ids]
        kept = self.ranking.members(self.n_kept)
        dense = np.zeros(self.ranking.n)
        dense[kept] = _softmax_at(self.penalized, kept, scale)
        return dense[ids]


def run_stages(row: np.ndarray, params: SamplerParams, history: Sequence[int] = ()) -> StageResult:
    """Follow one row of logits through the sampler chain."""
    z = apply_repeat_penalty(row, history, params)
    ranking = Ranking(z)
    if params.temperature == 0:
        return StageResult(z, ranking, [("greedy", 1)], 0.0)
    survivors: list[tuple[str, int]] = []
    count = ranking.n
    if 0 < params.top_k < count:
        count = params.top_k
        survivors.append(("top_k", count))
    if params.top_p < 1.0:
        count = _top_p_count(ranking, count, params.top_p)
        survivors.append(("top_p", count))
    if params.min_p > 0.0:
        count = _min_p_count(ranking, count, params.min_p)
        survivors.append(("min_p", count))
    return StageResult(z, ranking, survivors, params.temperature)
