"""Variants run on the real engine: single passes, self-consistency votes, tree-of-thought search."""

from __future__ import annotations

import json
from typing import Any

import pytest

from workbench.engine.client import EngineClient
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import CandidateToken, Distribution
from workbench.errors import BadInputError
from workbench.prompts.answers import extract
from workbench.prompts import variant_runner
from workbench.prompts.variant_runner import TRACE_TOP, VariantRunner, VariantTask, make_task, sample_trace, trace_tokens
from workbench.prompts.variants import complete, flatten

from tests.helpers import runs

QUESTION = "Q: Tom has 3 apples and buys 5 more. How many apples does he have?\nA:"
SHOTS = [{"input": "x", "question": "Q: Ann has 2 pens and buys 3 more. How many pens?\nA:",
          "reasoning": "2 + 3 = 5.", "output": "5"}]


def _task(kind: str, top_logprobs: int = 3, token_entropy: bool = False, **settings: Any) -> VariantTask:
    base = GenerateParams(prompt="", sampler=SamplerParams(temperature=0.7, seed=11), max_tokens=24, top_logprobs=top_logprobs,
                          token_entropy=token_entropy)
    return make_task(complete({"kind": kind, **settings}), "", QUESTION, SHOTS, flatten, base)


def test_a_single_pass_variant_is_one_generation_of_its_prompt(engine: EngineClient) -> None:
    task = _task("few_shot_cot", max_tokens=12)
    result = VariantRunner(engine).run(task)
    assert result.prompt == task.prompt() and result.prompt.startswith("Q: Ann has 2 pens")
    assert 0 < len(result.tokens) <= 12 and result.status == "ok"
    assert result.output == b"".join(t.bytes for t in result.tokens).decode("utf-8", "replace")
    assert "\n\n" not in result.output  # the blank line that ends a worked answer stops it


def test_self_consistency_votes_over_its_samples_and_repeats_with_a_seed(engine: EngineClient) -> None:
    task = _task("self_consistency", samples=3, max_tokens=24)
    seen: list[tuple[int, int]] = []
    result = VariantRunner(engine, lambda done, total, what: seen.append((done, total))).run(task)
    details = result.details
    assert len(details["samples"]) == 3 and seen[0] == (0, 3) and seen[-1] == (3, 3)
    for s in details["samples"]:
        assert s["answer"] == extract(s["text"], details["extract"])
    assert sum(v["count"] for v in details["votes"]) + details["unanswered"] == 3
    assert len({s["seed"] for s in details["samples"]}) == 3  # each sample draws differently
    assert result.output.startswith(f"Answer: {details['winner'] if details['winner'] is not None else '(none)'}")
    again = VariantRunner(engine).run(_task("self_consistency", samples=3, max_tokens=24))
    assert [s["text"] for s in again.details["samples"]] == [s["text"] for s in details["samples"]]


def test_a_chain_of_thought_that_never_states_its_answer_is_asked_for_it(engine: EngineClient) -> None:
    # Eight tokens of reasoning never reach "The answer is": the second step (Kojima et al.) asks.
    task = _task("self_consistency", samples=2, max_tokens=8, stop=["\nQ:"])
    assert task.params(task.prompt()).stop == ["\nQ:"]
    result = VariantRunner(engine).run(task)
    for sample in result.details["samples"]:
        assert "\nThe answer is" in sample["text"] and sample["tokens"] > 8
    assert task.record_params().sampler.temperature == 0.7  # saved as the samples were drawn


def test_each_sample_keeps_its_tokens_compactly_and_within_a_budget(engine: EngineClient, monkeypatch: pytest.MonkeyPatch) -> None:
    result = VariantRunner(engine).run(_task("self_consistency", 8, True, samples=2, max_tokens=8))
    assert json.loads(json.dumps(result.details)) == result.details  # saved as it is, in the run's JSON
    for sample in result.details["samples"]:
        tokens, lead, follow = trace_tokens(sample["trace"])
        assert 0 < len(tokens) <= 8 and len(tokens) + len(follow) == sample["tokens"]
        assert all(len(t.top) == TRACE_TOP and t.entropy is not None for t in tokens)  # 8 asked, the 5 likeliest kept
        # The tokens as generated: the text the vote read, then any stop string that ended it.
        chain = b"".join(t.bytes for t in tokens).decode("utf-8", "replace")
        if lead:  # asked for its answer (Kojima's second step): the lead is text, the answer tokens
            answer = b"".join(t.bytes for t in follow).decode("utf-8", "replace")
            assert sample["text"].startswith(chain.rstrip() + lead) and (chain.rstrip() + lead + answer).startswith(sample["text"])
        else:
            assert chain.startswith(sample["text"]) and not follow
    # Over the budget a sample keeps its text only.
    monkeypatch.setattr(variant_runner, "TRACE_TOKENS", result.details["samples"][0]["tokens"])
    capped = VariantRunner(engine).run(_task("self_consistency", 8, True, samples=2, max_tokens=8))  # the same draws
    assert [s["text"] for s in capped.details["samples"]] == [s["text"] for s in result.details["samples"]]
    assert capped.details["samples"][0]["trace"] is not None and capped.details["samples"][1]["trace"] is None


def test_a_trace_keeps_half_characters_and_an_unreadable_one_is_none() -> None:
    tokens = runs.tokens()
    back, lead, follow = trace_tokens(sample_trace(tokens, "\nThe answer is", tokens[2:]))
    def shape(ts: list[Any]) -> list[Any]:
        return [(t.id, t.bytes, [(a.id, a.bytes, round(a.logprob, 4)) for a in t.top], round(t.logprob, 4)) for t in ts]

    assert shape(back) == shape(tokens)
    assert back[0].bytes == runs.HALF[:2] and back[1].entropy is None and back[0].entropy == 3.5
    assert lead == "\nThe answer is" and [t.id for t in follow] == [7]
    assert trace_tokens(None) is None and trace_tokens({"pieces": {"1": "zz"}, "tokens": [[1, 0.0, None, []]]}) is None


def test_tree_of_thought_keeps_the_best_steps_and_answers_from_them(engine: EngineClient) -> None:
    task = _task("tree_of_thought", breadth=2, depth=2, beam=1, step_tokens=16, max_tokens=8)
    result = VariantRunner(engine).run(task)
    nodes = {n["id"]: n for n in result.details["nodes"]}
    assert nodes[0]["depth"] == 0 and 1 < len(nodes) <= 1 + 2 + 2
    for depth in (1, 2):
        level = [n for n in nodes.values() if n["depth"] == depth]
        kept = [n for n in level if n["kept"]]
        assert len(kept) <= 1
        for n in level:
            assert 0.0 <= n["score"] <= 1.0 and nodes[n["parent"]]["kept"] and n["step"] == n["step"].strip()
        if kept:  # the beam keeps the highest score
            assert kept[0]["score"] == max(n["score"] for n in level)
    best = nodes[result.details["best"]]
    path, node = [], best
    while node["parent"] is not None:
        path.insert(0, node["step"])
        node = nodes[node["parent"]]
    assert result.details["path"] == path
    assert all(step in result.prompt for step in path) and result.prompt.endswith("Therefore, the answer is")
    assert len(set(path)) == len(path) and not any("\ufffd" in n["step"] for n in nodes.values())
    assert len(result.tokens) <= 8


class _Scripted:
    """An engine whose next-token distribution is fixed: to test how a score is read."""

    def __init__(self, probs: dict[str, float]) -> None:
        self.probs = probs

    def next_token(self, params: GenerateParams, top_n: int = 20) -> Distribution:
        tokens = [CandidateToken(i, t, t.encode(), 0.0, p, True, None, p) for i, (t, p) in enumerate(self.probs.items())]
        return Distribution(1, tokens, 1.0, 0.0, len(tokens))

    def generate(self, params: GenerateParams) -> Any:
        raise AssertionError("not used")


def test_a_step_score_is_the_share_of_yes_against_no() -> None:
    runner = VariantRunner(_Scripted({" Yes": 0.3, "No": 0.1, "是": 0.1, " maybe": 0.4, "\n": 0.1}))
    score, p_yes, p_no = runner._score(_task("tree_of_thought"), ["step"])
    assert (round(p_yes, 6), round(p_no, 6), round(score, 6)) == (0.4, 0.1, 0.8)
    assert VariantRunner(_Scripted({" maybe": 1.0}))._score(_task("tree_of_thought"), ["step"])[0] == 0.5


def test_few_shot_without_examples_and_a_cancelled_search_are_clear() -> None:
    base = GenerateParams(prompt="")
    with pytest.raises(BadInputError, match="worked examples"):
        make_task(complete({"kind": "few_shot_cot"}), "", QUESTION, [], flatten, base)
    runner = VariantRunner(_Scripted({}))
    runner.stop.set()
    result = runner.run(_task("self_consistency", samples=4))
    assert result.cancelled and result.details["samples"] == [] and result.status == "cancelled"
