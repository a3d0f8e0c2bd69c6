"""The window's run session without a window: run, branch, continue and regenerate on the real
engine, and what each means for the history (a new record, or the saved run's tree changed)."""

from __future__ import annotations

from dataclasses import replace

from workbench.app.prompt_spec import PromptSpec, RunRequest, prepare
from workbench.app.resample import resample
from workbench.app.run_session import RunSession
from workbench.app.runs import RunExecutor, RunResult
from workbench.engine.client import EngineClient
from workbench.errors import EngineError
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import GenerationResult

from tests.helpers.models import context_of

GREEDY = SamplerParams(temperature=0.0)


def test_run_branch_continue_and_regenerate(engine: EngineClient) -> None:
    model = context_of(engine)
    executor = RunExecutor(engine)

    def params_for(prompt: str) -> GenerateParams:
        return GenerateParams(prompt, GREEDY, max_tokens=6, top_logprobs=3)

    session = RunSession()
    first = prepare(RunRequest(PromptSpec(text="The capital of France is"), GREEDY, max_tokens=6, top_logprobs=3),
                    model.chat_format, lambda: None)
    session.start(first)
    assert session.opening_tokens() == []  # a new run clears the output
    run = session.finish(executor.execute(first).generation, model.path)
    assert run.record is not None and run.record.status == "ok" and not run.tree_changed
    root = session.tree.get(0)
    assert [t.id for t in root.tokens] == [t.id for t in run.shown.tokens] and session.tree_model == model.path

    # Branch at token 1 with its second alternative: the prefix and the choice, then a continuation.
    choice = root.tokens[1].top[1]
    branching = session.branch(1, choice, GREEDY)
    session.start(branching)
    opening = session.opening_tokens()
    assert [t.id for t in opening] == [root.tokens[0].id, choice.id]
    branched = session.finish(executor.execute(branching).generation, model.path)
    assert branched.record is None and branched.tree_changed and branched.new_branch
    assert session.branch_id == 1 and branched.shown.tokens[1].id == choice.id
    assert branched.shown.text.startswith(root.tokens[0].text + choice.text)

    # Continue the branch shown: its exact tokens, then more.
    more = session.continuation(params_for)
    assert more is not None and more.params.suffix_ids[-len(branched.shown.tokens):] == [t.id for t in branched.shown.tokens]
    session.start(more, continuing=True)
    assert session.opening_tokens() is None  # the output keeps what it shows
    continued = session.finish(executor.execute(more).generation, model.path)
    assert continued.record is None and continued.tree_changed
    assert len(session.tree.get(1).tokens) > len(branched.shown.tokens)

    # Regenerate after a continuation runs the first run's own prompt again.
    again = session.regenerate(params_for)
    assert again is not None and again.params.prompt == "The capital of France is" and again.params.suffix_ids == []

    # A failed branch leaves the saved run alone; a failed new run is a record of its own, with
    # the tokens that came before the failure.
    session.branch(0, root.tokens[0].top[1], GREEDY)
    assert session.fail(RunResult(first, error=EngineError("boom"))) is None
    session.start(first)
    partial = GenerationResult(root.tokens[:2], "", None)
    failed = session.fail(RunResult(first, generation=partial, error=EngineError("boom")))
    assert failed is not None and failed.status == "error" and failed.tokens == root.tokens[:2]


def test_showing_a_branch_and_a_search(engine: EngineClient) -> None:
    model = context_of(engine)
    session = RunSession()
    first = prepare(RunRequest(PromptSpec(text="Hello"), GREEDY, max_tokens=3), model.chat_format, lambda: None)
    session.start(first)
    session.finish(RunExecutor(engine).execute(first).generation, model.path)
    branch = session.show_branch(0)
    assert branch is not None and session.last is not None and session.last.text == branch.text
    session.searched()
    assert session.prepared is None and session.regenerate(lambda p: GenerateParams(p)) is None


def test_resampling_counts_and_repeats_with_a_seed(engine: EngineClient) -> None:
    base = GenerateParams("My favourite colour is", SamplerParams(temperature=1.0, seed=11), max_tokens=3, top_logprobs=5)
    seen: list[int] = []
    first = resample(engine, base, 6, lambda r: seen.append(r.runs))
    assert first.runs == 6 and sum(first.first_tokens.values()) == 6 and seen == [1, 2, 3, 4, 5, 6]
    assert not first.cancelled and resample(engine, base, 6).outputs == first.outputs
    stopped = resample(engine, replace(base), 6, stopped=lambda: True)
    assert stopped.runs == 0 and stopped.cancelled


def test_regenerate_is_another_draw_in_the_same_tree(engine: EngineClient) -> None:
    """Regenerate keeps the tree: the new output is a sibling of the first (issue 13: it used to
    start a new tree and throw the branches away), and it is not a new history record."""
    model = context_of(engine)
    executor = RunExecutor(engine)
    warm = SamplerParams(temperature=1.2, seed=7)

    def params_for(prompt: str) -> GenerateParams:
        return GenerateParams(prompt, replace(warm, seed=8), max_tokens=5, top_logprobs=3)

    session = RunSession()
    first = prepare(RunRequest(PromptSpec(text="Once upon a time"), warm, max_tokens=5, top_logprobs=3), model.chat_format, lambda: None)
    session.start(first)
    session.finish(executor.execute(first).generation, model.path)
    choice = session.tree.get(0).tokens[0].top[1]
    branching = session.branch(0, choice, warm)
    session.start(branching)
    session.finish(executor.execute(branching).generation, model.path)
    assert len(session.tree.branches) == 2

    again = session.regenerate(params_for)
    assert again is not None
    session.start(again)
    assert session.opening_tokens() == []  # the output starts empty for the new draw
    drawn = session.finish(executor.execute(again).generation, model.path)
    assert drawn.record is None and drawn.tree_changed and drawn.new_branch
    tree = session.tree
    assert len(tree.branches) == 3 and tree.get(2).redraw and tree.get(2).parent == 0
    assert session.branch_id == 2 and [t.id for t in tree.get(2).tokens] == [t.id for t in drawn.shown.tokens]
    assert tree.get(2).label() == "draw 2"

    # An offered draw that never started does not turn the next plain run into one.
    session.regenerate(params_for)
    session.start(first)
    assert session.finish(executor.execute(first).generation, model.path).record is not None
    assert len(session.tree.branches) == 1
