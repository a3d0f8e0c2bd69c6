"""The decoding tier in this process, on the real llama.cpp and both test models (SmolLM2, Gemma 3
270M): the decode loop's ends (stop strings, limits, a full context, cancels), the token sink,
restaging, whole-vocabulary distributions and scoring."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.helpers.models import only, start_afresh

from workbench.engine import decoding
from workbench.engine.client import EngineClient
from workbench.engine.llamacpp.session import LlamaSession
from workbench.errors import PromptError
from workbench.values.params import GenerateParams, LoadParams, SamplerParams

PROMPT = "The three primary colours are"
GREEDY = SamplerParams(temperature=0.0)
SEEDED = SamplerParams(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, seed=42)


class RecordingSink:
    """A TokenSink that keeps every flushed batch (the host's sends them instead)."""

    def __init__(self) -> None:
        self.pieces: dict[int, bytes] = {}
        self.tokens: list[list[Any]] = []
        self.batches: list[tuple[dict[int, bytes], list[list[Any]]]] = []

    def flush(self) -> None:
        self.batches.append((self.pieces, self.tokens))
        self.pieces, self.tokens = {}, []

    def all_batches(self) -> list[tuple[dict[int, bytes], list[list[Any]]]]:
        """Every batch, with what is still unflushed (what the host sends before ``done``) last."""
        return self.batches + ([(self.pieces, self.tokens)] if self.tokens or self.pieces else [])

    def rows(self) -> list[list[Any]]:
        return [row for _, tokens in self.all_batches() for row in tokens]

    def count(self) -> int:
        return sum(len(tokens) for _, tokens in self.batches) + len(self.tokens)


def never() -> bool:
    return False


def always() -> bool:
    return True


def run(
    s: LlamaSession, params: GenerateParams, should_abort: decoding.AbortPredicate = never
) -> tuple[decoding.Generated, RecordingSink]:
    sink = RecordingSink()
    return decoding.generate(s, params, should_abort, sink), sink


@pytest.fixture(scope="module")
def session(any_model_path: Path) -> Iterator[LlamaSession]:
    """The same context size as the shared ``any_engine`` fixture, so their numbers agree."""
    with LlamaSession(LoadParams(path=str(any_model_path), n_ctx=2048), []) as s:
        yield s


@pytest.fixture(scope="module")
def small(any_model_path: Path) -> Iterator[LlamaSession]:
    with LlamaSession(LoadParams(path=str(any_model_path), n_ctx=256), []) as s:
        yield s


# -- stop strings -------------------------------------------------------------------------


def test_find_stop_edge_cases() -> None:
    assert decoding.find_stop("abc", []) is None
    assert decoding.find_stop("abc", [""]) is None  # "" is in every text, but never stops
    assert decoding.find_stop("abc", ["", "c"]) == 2
    assert decoding.find_stop("abc", ["x", "abcd"]) is None
    assert decoding.find_stop("hello world", ["world", "o w"]) == 4  # the earliest, not the first listed
    assert decoding.find_stop("xab", ["b", "ab"]) == 1  # both end together: the one starting first
    assert decoding.find_stop("aaaa", ["aa"]) == 0
    assert decoding.find_stop("a\nb\n\nc", ["\n\n"]) == 3
    assert decoding.find_stop("今天天气很好", ["很好", "天气"]) == 2


def test_stop_strings_cut_at_the_first_stop(session: LlamaSession) -> None:
    full, sink = run(session, GenerateParams(PROMPT, GREEDY, max_tokens=40, ignore_eos=True, top_logprobs=0))
    text = full.text
    pieces = [session.piece(row[0]).decode("utf-8") for row in sink.rows()]
    assert "".join(pieces) == text  # ASCII here: each token's text is its bytes
    ends = [sum(len(p) for p in pieces[: i + 1]) for i in range(len(pieces))]
    # An early stop string across two tokens (so it is found only after the second), and a later one.
    i = next(i for i in range(4, 30) if len(pieces[i]) >= 2 and len(pieces[i + 1]) >= 2 and text.find(text[ends[i] - 2 : ends[i] + 2]) == ends[i] - 2)
    early = text[ends[i] - 2 : ends[i] + 2]
    late = next(p for p in pieces[i + 2 :] if len(p) >= 3 and p not in text[: ends[i + 1]])  # found only after

    cut, cut_sink = run(session, GenerateParams(PROMPT, GREEDY, max_tokens=40, ignore_eos=True, top_logprobs=0, stop=[late, early]))
    assert cut.text == text[: ends[i] - 2]
    assert cut.done.finish_reason == "stop" and not cut.done.context_full
    # Every token up to the one that completed the stop was generated and sent, none after it.
    assert cut.done.completion_tokens == i + 2
    assert [row[0] for row in cut_sink.rows()] == [row[0] for row in sink.rows()][: i + 2]


def test_stop_string_in_the_first_token_gives_empty_text(session: LlamaSession) -> None:
    first, _ = run(session, GenerateParams(PROMPT, GREEDY, max_tokens=1))
    assert first.text
    cut, sink = run(session, GenerateParams(PROMPT, GREEDY, max_tokens=10, stop=[first.text]))
    assert (cut.text, cut.done.finish_reason, cut.done.completion_tokens, sink.count()) == ("", "stop", 1, 1)


# -- limits -------------------------------------------------------------------------------


def test_max_tokens_ends_with_length(session: LlamaSession) -> None:
    result, sink = run(session, GenerateParams(PROMPT, GREEDY, max_tokens=7, ignore_eos=True))
    assert (result.done.finish_reason, result.done.completion_tokens, result.done.context_full) == ("length", 7, False)
    assert sink.count() == 7
    assert result.done.prompt_tokens == len(session.tokenize(PROMPT))
    assert result.done.timings.gen_s > 0 and result.done.timings.tokens_per_s > 0


def test_context_full_stops_the_generation(small: LlamaSession) -> None:
    assert small.n_ctx == 256
    prompt = "one two three four five six seven eight nine ten " * 24
    n_prompt = len(small.tokenize(prompt))
    assert small.n_ctx - 20 < n_prompt < small.n_ctx - 1  # a few tokens of room
    result, sink = run(small, GenerateParams(prompt, GREEDY, max_tokens=1000, ignore_eos=True, top_logprobs=0))
    assert result.done.finish_reason == "length" and result.done.context_full
    # The last token is sampled from the logits of a full cache, and is not evaluated itself.
    assert result.done.completion_tokens == small.n_ctx - n_prompt + 1 == sink.count()
    assert len(small.past) == small.n_ctx
    again, _ = run(small, GenerateParams(PROMPT, GREEDY, max_tokens=3))  # the cache is reused from there
    assert again.done.completion_tokens == 3


def test_a_prompt_that_fills_the_context_is_refused(small: LlamaSession) -> None:
    with pytest.raises(PromptError, match="but the context holds 256"):
        run(small, GenerateParams("word " * 300, GREEDY, max_tokens=2))


def test_empty_prompt_starts_from_the_start_token(session: LlamaSession) -> None:
    ids = decoding.prompt_ids(session, GenerateParams("", suffix_ids=[504]))
    assert ids == [session.bos, 504]
    with pytest.raises(PromptError, match="outside this model's vocabulary"):
        decoding.prompt_ids(session, GenerateParams(PROMPT, suffix_ids=[10**6]))


# -- cancel -------------------------------------------------------------------------------


def test_cancelled_prompt_evaluation_generates_nothing(session: LlamaSession) -> None:
    calls = 0

    def abort() -> bool:
        nonlocal calls
        calls += 1
        return True

    prompt = "The quick brown fox jumps over the lazy dog. " * 8
    session.forget()  # evaluated in one batch, like the run after the cancel (on Gemma the batches matter)
    expected, _ = run(session, GenerateParams(prompt, GREEDY, max_tokens=4))
    session.forget()
    result, sink = run(session, GenerateParams(prompt, GREEDY, max_tokens=4), abort)
    assert calls >= 1  # llama.cpp asked during the decode
    assert (result.done.finish_reason, result.done.completion_tokens, result.text) == ("cancelled", 0, "")
    assert result.done.prompt_tokens == len(session.tokenize(prompt))
    assert sink.count() == 0 and not sink.pieces
    assert session.past == []  # a cache left half-written is dropped
    again, _ = run(session, GenerateParams(prompt, GREEDY, max_tokens=4))
    assert again.text == expected.text


def test_cancel_between_tokens_stops_at_once(session: LlamaSession) -> None:
    sink = RecordingSink()
    result = decoding.generate(
        session, GenerateParams(PROMPT, SEEDED, max_tokens=200, ignore_eos=True), lambda: sink.count() >= 5, sink
    )
    assert (result.done.finish_reason, result.done.completion_tokens, sink.count()) == ("cancelled", 5, 5)


# -- the sink -----------------------------------------------------------------------------


def test_sink_rows_and_each_tokens_bytes_once(session: LlamaSession) -> None:
    result, sink = run(session, GenerateParams(PROMPT, SEEDED, max_tokens=30, ignore_eos=True, top_logprobs=5, token_entropy=True))
    rows = sink.rows()
    assert len(rows) == 30 == result.done.completion_tokens
    known: dict[int, bytes] = {}
    for pieces, tokens in sink.all_batches():
        assert not set(pieces) & set(known)  # bytes travel once per generation
        known.update(pieces)
        for token, logprob, entropy, top_ids, top_logprobs in tokens:
            assert {token, *top_ids} <= set(known)  # in this batch or an earlier one
            assert logprob <= 0 and entropy is not None and entropy >= 0
            assert len(top_ids) == 5 and top_logprobs == sorted(top_logprobs, reverse=True)
            assert logprob <= top_logprobs[0] + 1e-6
    assert set(known) == {row[0] for row in rows} | {i for row in rows for i in row[3]}
    assert b"".join(known[row[0]] for row in rows).decode("utf-8", "replace") == result.text


def test_without_top_logprobs_rows_carry_only_the_token(session: LlamaSession) -> None:
    _, sink = run(session, GenerateParams(PROMPT, SEEDED, max_tokens=5, ignore_eos=True, top_logprobs=0))
    assert all(row[2:] == [None, [], []] for row in sink.rows())
    sent = [i for pieces, _ in sink.all_batches() for i in pieces]
    assert sorted(sent) == sorted({row[0] for row in sink.rows()})  # the sampled tokens' bytes, each once


# -- seeds, and the host adding nothing ---------------------------------------------------


def test_seed_is_chosen_once_and_repeats(session: LlamaSession) -> None:
    assert decoding.choose_seed(SamplerParams(seed=7)) == 7
    assert 0 <= decoding.choose_seed(SamplerParams(seed=None)) < 2**32
    unseeded, _ = run(session, GenerateParams(PROMPT, SamplerParams(temperature=1.0, seed=None), max_tokens=8, ignore_eos=True))
    replay, _ = run(session, GenerateParams(PROMPT, SamplerParams(temperature=1.0, seed=unseeded.done.seed), max_tokens=8, ignore_eos=True))
    assert replay.text == unseeded.text and replay.done.seed == unseeded.done.seed


def test_the_host_streams_exactly_what_decoding_generates(session: LlamaSession, any_engine: EngineClient) -> None:
    params = GenerateParams(PROMPT, SEEDED, max_tokens=16, top_logprobs=3, token_entropy=True)
    session.forget()  # both evaluate the prompt from an empty cache in one batch
    ours, sink = run(session, params)
    start_afresh(any_engine)
    wire = any_engine.generate(params).result()
    assert wire.text == ours.text and wire.done is not None
    assert (wire.done.finish_reason, wire.done.completion_tokens, wire.done.seed) == (
        ours.done.finish_reason,
        ours.done.completion_tokens,
        ours.done.seed,
    )
    rows = sink.rows()
    assert [t.id for t in wire.tokens] == [row[0] for row in rows]
    assert [t.logprob for t in wire.tokens] == pytest.approx([row[1] for row in rows], abs=1e-5)
    assert [[a.id for a in t.top] for t in wire.tokens] == [row[3] for row in rows]


# -- next-token distributions and restaging -----------------------------------------------


def test_restage_reuses_the_last_evaluation(session: LlamaSession) -> None:
    staged = decoding.NextToken()
    with pytest.raises(PromptError, match="No next-token distribution yet"):
        staged.restage(session, GREEDY, 5)
    params = GenerateParams("The capital of France is", SamplerParams(top_k=40))
    first = staged.evaluate(session, params, 10, never)
    assert first is not None and first.prompt_tokens == len(session.tokenize(params.prompt))
    session.forget()  # restaging must not need the cache
    assert staged.restage(session, SamplerParams(top_k=40), 10) == first
    narrowed = staged.restage(session, SamplerParams(top_k=2), 10)
    assert [t.id for t in narrowed.tokens] == [t.id for t in first.tokens]
    assert [t.kept for t in narrowed.tokens[:3]] == [True, True, False]
    assert narrowed.tokens[2].cut_by == "top_k"
    assert staged.evaluate(session, params, 10, always) is None  # cancelled: the last one stays
    assert staged.restage(session, SamplerParams(top_k=40), 10) == first
    staged.clear()
    with pytest.raises(PromptError):
        staged.restage(session, GREEDY, 5)


def test_distribution_after_an_empty_prompt_names_the_start_token(session: LlamaSession) -> None:
    dist = decoding.NextToken().evaluate(session, GenerateParams(""), 5, never)
    assert dist is not None and dist.prompt_tokens == 1
    assert dist.start_token == session.piece(session.bos).decode()
    assert sum(t.prob for t in dist.tokens) + dist.mass_outside == pytest.approx(1.0, abs=1e-6)


def test_the_whole_vocabulary_is_a_distribution(session: LlamaSession) -> None:
    """All n_vocab next tokens (262,144 on Gemma): each once, likeliest first, their probabilities
    summing to 1; with nothing cut all are kept, and at temperature 1 the sampler's final
    probabilities are the model's."""
    everything = SamplerParams(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0)
    dist = decoding.NextToken().evaluate(session, GenerateParams("The capital of France is", everything), session.n_vocab, never)
    assert dist is not None and len(dist.tokens) == session.n_vocab
    assert sorted(t.id for t in dist.tokens) == list(range(session.n_vocab))
    probs = np.array([t.prob for t in dist.tokens])
    assert np.all(np.diff(probs) <= 0)
    assert math.fsum(probs) == pytest.approx(1.0, abs=1e-6) and dist.mass_outside < 1e-6
    assert dist.entropy == pytest.approx(-math.fsum(p * math.log(p) for p in probs if p > 0), abs=1e-4)
    assert dist.n_kept == session.n_vocab and dist.stages[0] == {"stage": "vocabulary", "kept": session.n_vocab}
    assert [t.final_prob for t in dist.tokens] == pytest.approx(probs.tolist(), abs=1e-6)


# -- scoring ------------------------------------------------------------------------------


@only("smollm2")  # 401 tokens scored: slow on Gemma's vocabulary, and the windows do not depend on it
def test_score_text_in_windows(small: LlamaSession) -> None:
    text = "word " * 400
    scores = decoding.score_text(small, text, True, never)
    assert scores is not None
    assert scores.ids == small.tokenize(text)
    assert (scores.windows, scores.window_tokens) == (2, 255)
    assert len(scores.logprobs) == len(scores.ids)
    assert [i for i, lp in enumerate(scores.logprobs) if lp is None] == [0, 255]  # each window starts fresh
    assert all(lp <= 0 for lp in scores.logprobs if lp is not None)


def test_score_text_cancelled_or_empty(small: LlamaSession) -> None:
    assert decoding.score_text(small, "word " * 50, True, always) is None
    assert small.past == []
    with pytest.raises(PromptError, match="empty"):
        decoding.score_text(small, "", False, never)
