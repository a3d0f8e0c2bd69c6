"""Branching: continue a run from any alternative token, with the real engine."""

from __future__ import annotations

from workbench.engine.branches import BranchTree
from workbench.engine.client import EngineClient
from workbench.engine.protocol import GenerateParams, SamplerParams


def test_branch_from_an_alternative_continues_from_there(engine: EngineClient) -> None:
    base = GenerateParams("The capital of France is", SamplerParams(temperature=0.0), max_tokens=8, top_logprobs=5)
    first = engine.generate(base).run()
    tree = BranchTree(base)
    root = tree.add_root(first.tokens, first.done.finish_reason)
    at = 1
    choice = next(a for a in root.tokens[at].top if a.id != root.tokens[at].id)
    params = tree.branch_params(0, at, choice)
    assert params.suffix_ids == [root.tokens[0].id, choice.id]
    more = engine.generate(params).run()
    branch = tree.add_branch(0, at, choice, more.tokens, more.done.finish_reason)
    assert branch.tokens[:at] == root.tokens[:at]
    assert branch.tokens[at].id == choice.id and branch.tokens[at].logprob == choice.logprob
    assert branch.text.startswith(root.tokens[0].text + choice.text)
    assert len(branch.tokens) <= base.max_tokens
    # Greedy from the branch point is what a fresh greedy run of that prefix gives.
    direct = engine.generate(GenerateParams(base.prompt + root.tokens[0].text + choice.text, SamplerParams(temperature=0.0), max_tokens=2)).run()
    assert [t.id for t in more.tokens[:1]] == [t.id for t in direct.tokens[:1]]
    data = tree.to_json()
    assert [b["parent"] for b in data["branches"]] == [None, 0]
    assert "branch 1 from 0 at token 1" in branch.label()
