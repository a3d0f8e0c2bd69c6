"""Branching: continue a run from any alternative token, with the real engine."""

from __future__ import annotations

import math

from workbench.values.branches import BranchTree
from workbench.engine.client import EngineClient
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.tokens import Alternative, TokenEvent


def test_branch_from_an_alternative_continues_from_there(engine: EngineClient) -> None:
    base = GenerateParams("The capital of France is", SamplerParams(temperature=0.0), max_tokens=8, top_logprobs=5)
    first = engine.generate(base).result()
    tree = BranchTree(base)
    root = tree.add_root(first.tokens, first.done.finish_reason)
    at = 1
    choice = next(a for a in root.tokens[at].top if a.id != root.tokens[at].id)
    params = tree.branch_params(0, at, choice)
    assert params.suffix_ids == [root.tokens[0].id, choice.id]
    more = engine.generate(params).result()
    branch = tree.add_branch(0, at, choice, more.tokens, more.done.finish_reason)
    assert branch.tokens[:at] == root.tokens[:at]
    assert branch.tokens[at].id == choice.id and branch.tokens[at].logprob == choice.logprob
    assert branch.text.startswith(root.tokens[0].text + choice.text)
    assert len(branch.tokens) <= base.max_tokens
    # Greedy from the branch point is what a fresh greedy run of that prefix gives.
    direct = engine.generate(GenerateParams(base.prompt + root.tokens[0].text + choice.text, SamplerParams(temperature=0.0), max_tokens=2)).result()
    assert [t.id for t in more.tokens[:1]] == [t.id for t in direct.tokens[:1]]
    data = tree.to_json()
    assert [b["parent"] for b in data["branches"]] == [None, 0]
    assert "branch 1 from 0 at token 1" in branch.label()


def _event(token: int, text: str, logprob: float) -> TokenEvent:
    return TokenEvent(token, text, text.encode(), logprob, [])


def test_tree_shape_shared_prefix_and_branch_statistics() -> None:
    tree = BranchTree(GenerateParams("Once", max_tokens=8))
    tree.add_root([_event(1, " upon", -0.5), _event(2, " a", -0.25), _event(3, " time", -1.0)], "length")
    b1 = tree.add_branch(0, 1, Alternative(9, " the", -2.0, b" the"), [_event(4, " end", -1.0)], "length")
    b2 = tree.add_branch(1, 2, Alternative(7, " day", -3.0, b" day"), [], "stop")
    assert [b.id for b in tree.children(0)] == [1] and [b.id for b in tree.children(1)] == [2]
    assert tree.shared_prefix(0, 1) == 1 and tree.shared_prefix(1, 2) == 2 and tree.shared_prefix(0, 0) == 3
    assert b1.text == " upon the end" and b2.text == " upon the day"
    assert b1.mean_logprob == (-0.5 - 2.0 - 1.0) / 3
    assert b1.perplexity == math.exp(3.5 / 3)
    assert tree.get(0).perplexity is not None and tree.get(0).perplexity > 1
