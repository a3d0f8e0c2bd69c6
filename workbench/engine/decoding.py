"""The decoding tier: what the engine does with a loaded model, without any I/O of its own.

The host parses a request and calls one of these with the session, the parameters and an abort
predicate (polled between tokens, and by llama.cpp inside long prompt evaluations); a generation
also gets a ``TokenSink``, which the host sends on. What they return, the host replies.

* ``generate``: the decode loop (prompt, sampling, top-k logprobs, stop strings, limits, timings).
* ``NextToken``: the next-token distribution after a prompt, and the same logits restaged under
  other sampler settings; ``describe_distribution`` is what either shows.
* ``score_text``: the logprob of every token of a text, in windows of the context size.
* ``score_continuations``: the logprob of each of several texts after one prompt (labels).
"""

from __future__ import annotations

import codecs
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from workbench.engine import sampling
from workbench.errors import PromptError
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import CandidateToken, Continuation, ContinuationScores, Distribution, GenerationDone, Timings

if TYPE_CHECKING:  # importing it loads llama.cpp, which this module leaves to the host
    from workbench.engine.llamacpp.session import LlamaSession

FLUSH_S = 0.025  # the most a generated token waits in the sink before the sink is flushed
# A token that took longer than this (a big model, a busy CPU) has the next one polled for cancel
# inside llama.cpp too: its polling costs about a millisecond a token, small beside this.
SLOW_STEP_S = 0.1

AbortPredicate = Callable[[], bool]
Started = Callable[[int, int], None]  # (seed, prompt tokens): told before the prompt is evaluated


class TokenSink(Protocol):
    """Where a generation leaves its tokens, in the wire's shape (``protocol.TokenBatch``).

    The loop appends ``[id, logprob, entropy or None, top ids, top logprobs]`` to ``tokens``, puts
    a token's bytes in ``pieces`` the first time the generation mentions it (ids sampled or in a
    top-k), and calls ``flush()`` at most every FLUSH_S; flush hands both on and empties them (it
    may rebind them). Whatever the sink holds when ``generate`` returns is the caller's to send.

    Each flush wakes the reader, and on a small machine every wake-up, like every JSON encoding,
    is taken from llama.cpp's threads: hence batches, and bytes once per generation.
    """

    pieces: dict[int, bytes]
    tokens: list[list[Any]]

    def flush(self) -> None: ...


@dataclass(frozen=True)
class Generated:
    """How a generation ended, and its text (a stop string and what follows it cut off)."""

    done: GenerationDone
    text: str


def choose_seed(sampler: SamplerParams) -> int:
    """The sampler's seed, or a fresh one (reported in ``done`` so the run can be repeated)."""
    return sampler.seed if sampler.seed is not None else random.SystemRandom().randrange(2**32)


def prompt_ids(s: LlamaSession, params: GenerateParams) -> list[int]:
    """The tokens a request evaluates: its prompt (or the model's start tokens) and suffix ids."""
    ids = s.tokenize(params.prompt, params.add_special, params.parse_special) if params.prompt else s.start_tokens()
    s.check_ids(params.suffix_ids)
    ids = ids + list(params.suffix_ids)
    if not ids:
        raise PromptError.of("prompt.empty_no_start")
    return ids


def find_stop(text: str, stops: list[str]) -> int | None:
    """Where the earliest of ``stops`` begins in ``text`` (empty stop strings never match)."""
    hits = [text.find(s) for s in stops if s and s in text]
    return min(hits) if hits else None


def generate(
    s: LlamaSession, params: GenerateParams, should_abort: AbortPredicate, sink: TokenSink, started: Started | None = None
) -> Generated:
    """Evaluate the prompt, then sample token after token into ``sink`` until a stop.

    Ends on end-of-generation or a stop string (``stop``), ``max_tokens`` or a full context
    (``length``, ``context_full`` set for the latter), or ``should_abort()`` (``cancelled``).
    ``started(seed, prompt tokens)`` hears what identifies the run before its prompt is evaluated,
    so that a host killed in the middle still leaves a run that can be repeated.
    The loop body runs once per token between two llama.cpp decodes: keep it lean.
    """
    seed = choose_seed(params.sampler)
    ids = prompt_ids(s, params)
    if started is not None:
        started(seed, len(ids))
    t0 = time.perf_counter()
    if not s.evaluate(ids, should_abort):
        timings = Timings(prompt_s=time.perf_counter() - t0)
        return Generated(GenerationDone("cancelled", len(ids), 0, timings, seed, False), "")
    t1 = time.perf_counter()
    prompt_s = t1 - t0
    k = params.top_logprobs
    max_tokens, stops, ignore_eos = params.max_tokens, params.stop, params.ignore_eos
    capture = s.row_capture(k, params.token_entropy)
    utf8 = codecs.getincrementaldecoder("utf-8")("replace")
    monotonic = time.monotonic
    sent: set[int] = set()  # tokens whose bytes this generation has already put in the sink
    flushed_at = 0.0  # the first token goes out at once
    text = ""
    n = 0
    reason = "length"
    context_full = False
    slow = False  # the last token took over SLOW_STEP_S: poll for cancel inside the next decode
    with s.sampler(params.sampler, seed, ids) as sampler:
        while n < max_tokens:
            if should_abort():
                reason = "cancelled"
                break
            row = s.last_logits()
            lse, entropy, top = capture(row)
            token = sampler.sample(s.ctx)  # reads the logits; does not change them
            if s.is_eog(token) and not ignore_eos:
                reason = "stop"
                break
            if k:
                top_ids = top
                top_logprobs = np.subtract(row[top], lse, dtype=np.float64).tolist()
                for i in top_ids:
                    if i not in sent:
                        sent.add(i)
                        sink.pieces[i] = s.piece(i)
            else:
                top_ids = top_logprobs = []
            piece = s.piece(token)
            if token not in sent:
                sent.add(token)
                sink.pieces[token] = piece
            sink.tokens.append([token, float(row[token]) - lse, entropy, top_ids, top_logprobs])
            if monotonic() - flushed_at >= FLUSH_S:
                sink.flush()
                flushed_at = monotonic()
            n += 1
            text += utf8.decode(piece)
            if stops and (cut := find_stop(text, stops)) is not None:
                text = text[:cut]
                reason = "stop"
                break
            if n >= max_tokens:
                break
            if len(s.past) >= s.n_ctx:
                context_full = True
                break
            stepped_at = monotonic()
            if not s.step(token, should_abort if slow else None):
                reason = "cancelled"
                break
            slow = monotonic() - stepped_at > SLOW_STEP_S
    if reason != "stop" or not stops:
        text += utf8.decode(b"", final=True)
    gen_s = time.perf_counter() - t1
    timings = Timings(
        prompt_s=prompt_s,
        gen_s=gen_s,
        tokens_per_s=n / gen_s if gen_s > 0 else 0.0,
        prompt_tokens_per_s=len(ids) / prompt_s if prompt_s > 0 else 0.0,
    )
    return Generated(GenerationDone(reason, len(ids), n, timings, seed, context_full), text)


@dataclass(frozen=True)
class RowSummary:
    """What a distribution shows of its raw logits whatever the sampler: the log-sum-exp, the
    entropy and the ids of the largest logits (largest first)."""

    lse: float
    entropy: float
    top: list[int]

    @classmethod
    def of(cls, s: LlamaSession, row: np.ndarray, top_n: int) -> RowSummary:
        """One pass of the capture kernel (C, with ggml's exp-sum) where it applies, else numpy."""
        lse, entropy, top = s.row_capture(top_n, True)(row)
        assert entropy is not None
        return cls(lse, entropy, list(top))

    def top_ids(self, row: np.ndarray, top_n: int) -> list[int]:
        """The ``top_n`` largest ids, from the summary when it holds enough of them."""
        return self.top[:top_n] if top_n <= len(self.top) else sampling.top_ids(row, top_n).tolist()


@dataclass(frozen=True)
class _Evaluated:
    row: np.ndarray  # a copy: llama.cpp reuses its buffer
    history: list[int]
    start_token: str
    summary: RowSummary


class NextToken:
    """Next-token distributions after a prompt, restaged without evaluating it again.

    Keeps the logits of the last distribution (one row, a copy) with its prompt and what does not
    depend on the sampler (log-sum-exp, entropy, top ids), so new sampler settings only rerun the
    numpy mirror of the sampler chain. Clear it when the model changes.
    """

    def __init__(self) -> None:
        self._last: _Evaluated | None = None

    def clear(self) -> None:
        self._last = None

    def evaluate(
        self, s: LlamaSession, params: GenerateParams, top_n: int, should_abort: AbortPredicate
    ) -> Distribution | None:
        """The top ``top_n`` next tokens after the request's prompt; None if cancelled."""
        ids = prompt_ids(s, params)
        if not s.evaluate(ids, should_abort):
            return None
        row = s.last_logits().copy()
        start = s.piece(ids[0]).decode("utf-8", "replace") if not params.prompt and s.start_tokens() else ""
        self._last = _Evaluated(row, ids, start, RowSummary.of(s, row, top_n))
        return self._describe(s, params.sampler, top_n)

    def restage(self, s: LlamaSession, sampler: SamplerParams, top_n: int) -> Distribution:
        """The last distribution under other sampler settings."""
        if self._last is None:
            raise PromptError.of("prompt.no_distribution")
        return self._describe(s, sampler, top_n)

    def _describe(self, s: LlamaSession, sampler: SamplerParams, top_n: int) -> Distribution:
        last = self._last
        assert last is not None
        return describe_distribution(s, last.row, sampler, last.history, top_n, last.start_token, last.summary)


def describe_distribution(
    s: LlamaSession,
    row: np.ndarray,
    params: SamplerParams,
    history: list[int],
    top_n: int,
    start_token: str = "",
    summary: RowSummary | None = None,
) -> Distribution:
    """The top-N next tokens with their probabilities and what the sampler does to each.

    Work on the whole vocabulary is a few vectorised passes (none of them float64, no sort); the
    rest concerns the ``top_n`` ids shown."""
    summary = summary or RowSummary.of(s, row, top_n)
    stages = sampling.run_stages(row, params, history)
    ids = np.asarray(summary.top_ids(row, top_n), dtype=np.int64)
    cut = stages.cut_by(ids)
    final = stages.final_probs(ids).tolist()
    logprobs = (row[ids].astype(np.float64) - summary.lse).tolist()
    tokens = []
    for i, tid in enumerate(ids.tolist()):
        piece = s.piece(tid)
        tokens.append(
            CandidateToken(
                id=tid,
                text=piece.decode("utf-8", errors="replace"),
                bytes=piece,
                logprob=logprobs[i],
                prob=math.exp(logprobs[i]),
                kept=cut[i] is None,
                cut_by=cut[i],
                final_prob=final[i] if cut[i] is None else 0.0,
            )
        )
    shown = sum(t.prob for t in tokens)
    return Distribution(
        prompt_tokens=len(history),
        tokens=tokens,
        entropy=summary.entropy,
        mass_outside=max(0.0, 1.0 - shown),
        n_kept=stages.n_kept,
        stages=[{"stage": "vocabulary", "kept": int(row.shape[0])}]
        + [{"stage": name, "kept": count} for name, count in stages.survivors],
        start_token=start_token,
    )


@dataclass(frozen=True)
class Scores:
    """The logprob of every token of a text given the ones before it (None: first of a window)."""

    ids: list[int]
    logprobs: list[float | None]
    windows: int  # each window starts from an empty context
    window_tokens: int
    seconds: float


def score_text(s: LlamaSession, text: str, add_special: bool, should_abort: AbortPredicate) -> Scores | None:
    """Score ``text`` in windows of the context size (less one); None if cancelled."""
    ids = s.tokenize(text, add_special, False)
    if not ids:
        raise PromptError.of("prompt.text_empty")
    window = max(2, s.n_ctx - 1)
    logprobs: list[float | None] = []
    t0 = time.perf_counter()
    for start in range(0, len(ids), window):
        part = s.token_logprobs(ids[start : start + window], should_abort)
        if part is None:
            return None
        logprobs.extend(part)
    return Scores(ids, logprobs, (len(ids) + window - 1) // window, window, time.perf_counter() - t0)


def score_continuations(
    s: LlamaSession, params: GenerateParams, texts: Sequence[str], should_abort: AbortPredicate
) -> ContinuationScores | None:
    """The log-probability of each of ``texts`` right after the request's prompt (tokenized as
    plain text, no start token): the prompt is evaluated once (its cached prefix reused), each
    text from there. None if cancelled."""
    t0 = time.perf_counter()
    ids = prompt_ids(s, params)
    tokenized = [s.tokenize(text, False, False) for text in texts]
    empty = [text for text, t in zip(texts, tokenized) if not t]
    if empty:
        raise PromptError.of("prompt.continuation_empty", text=empty[0])
    if not s.evaluate(ids, should_abort):
        return None
    logprobs = s.continuation_logprobs(tokenized)
    scored = [Continuation(text, t, lp) for text, t, lp in zip(texts, tokenized, logprobs)]
    return ContinuationScores(len(ids), scored, time.perf_counter() - t0)
