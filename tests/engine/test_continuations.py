"""Scoring texts after a prompt (logprob classification): each label's tokens, against llama.cpp's
own logits evaluated the same way, the cache left holding the prompt, labels that make no tokens."""

from __future__ import annotations

import math
from contextlib import closing
from pathlib import Path

import pytest

from tests.helpers.models import llama_reference, reference_continuation, start_afresh
from workbench.engine.client import EngineClient
from workbench.errors import PromptError
from workbench.values.params import GenerateParams, SamplerParams

PROMPT = "Review: The battery died after two days.\nSentiment:"
LABELS = [" positive", " negative", " neutral", " 正面", " mixed feelings overall"]


def test_each_label_is_scored_token_by_token_as_llama_cpp_scores_it(any_engine: EngineClient, any_model_path: Path) -> None:
    # The reference evaluates exactly as the engine does (the prompt in one batch from an empty
    # cache, each label after it in one more): numbers agree to float32 precision, not to the
    # ~0.1 nats another batch split would move them by.
    start_afresh(any_engine)
    scores = any_engine.score_continuations(GenerateParams(PROMPT), LABELS)
    assert scores is not None and [c.text for c in scores.continuations] == LABELS
    assert any(len(c.ids) > 1 for c in scores.continuations)  # multi-token labels are summed
    prompt_ids = [i for i, _ in any_engine.tokenize(PROMPT)]
    assert scores.prompt_tokens == len(prompt_ids)
    with closing(llama_reference(any_model_path)) as llm:
        for c in scores.continuations:
            assert c.ids == [i for i, _ in any_engine.tokenize(c.text, add_special=False)]
            expected = reference_continuation(llm, prompt_ids, c.ids)
            assert c.logprobs == pytest.approx(expected, abs=2e-3)
            assert c.logprob == pytest.approx(math.fsum(expected), abs=5e-3)


def test_the_first_token_matches_the_next_token_distribution(any_engine: EngineClient) -> None:
    scores = any_engine.score_continuations(GenerateParams(PROMPT), [" positive", " negative"])
    dist = any_engine.next_token(GenerateParams(PROMPT, SamplerParams(temperature=1.0)), top_n=200)
    assert scores is not None and dist is not None
    listed = {t.id: t.logprob for t in dist.tokens}
    compared = [c for c in scores.continuations if c.ids[0] in listed]
    assert compared
    for c in compared:
        assert c.logprobs[0] == pytest.approx(listed[c.ids[0]], abs=1e-4)


def test_the_cache_still_holds_the_prompt_and_repeats_exactly(any_engine: EngineClient) -> None:
    first = any_engine.score_continuations(GenerateParams(PROMPT), LABELS)
    again = any_engine.score_continuations(GenerateParams(PROMPT), LABELS)
    assert first is not None and again is not None
    assert [c.logprobs for c in again.continuations] == [c.logprobs for c in first.continuations]
    # A generation after scoring sees the prompt, not a label left in the cache.
    greedy = GenerateParams(PROMPT, SamplerParams(temperature=0.0), max_tokens=4)
    after = any_engine.generate(greedy).result().text
    start_afresh(any_engine)
    assert any_engine.generate(greedy).result().text == after


def test_a_label_that_makes_no_tokens_is_refused(any_engine: EngineClient) -> None:
    with pytest.raises(PromptError, match="makes no tokens"):
        any_engine.score_continuations(GenerateParams(PROMPT), [" yes", ""])
