"""The window's run session: the last run and its branch tree, and what the next run means.

A run starts a new tree; Continue extends the branch shown; a right-click on a token branches
from it with another choice; Regenerate runs the last prompt again, as another draw beside the
first in the same tree (a chat's regenerated reply keeps its siblings). Qt-free: the window's run
controller asks this session for the settings of each action, and hands it each result; the
session says what to show, whether the run is a new history record, and whether the saved run's
branch tree changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from workbench.app.prompt_spec import PreparedRun
from workbench.app.runs import RunResult
from workbench.errors import WorkbenchError
from workbench.values.branches import Branch, BranchTree
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import GenerationResult
from workbench.values.tokens import Alternative, TokenEvent

ParamsFor = Callable[[str], GenerateParams]  # a prompt -> the window's current generation settings


@dataclass(frozen=True)
class Finished:
    """What a finished generation means for the window."""

    shown: GenerationResult  # the whole branch now shown (a continuation or branch with what came before)
    record: RunResult | None  # a new run to save in the history (None: it extends the saved one)
    tree_changed: bool  # the saved run's branch tree has a new branch or longer tokens
    new_branch: bool


@dataclass(frozen=True)
class _PendingBranch:
    parent: int
    at: int
    choice: Alternative


class RunSession:
    """The last run of a window, its branches and the run in flight."""

    def __init__(self) -> None:
        self.tree: BranchTree | None = None
        self.tree_model = ""  # the model file the tree was generated with
        self.branch_id = 0
        self.prepared: PreparedRun | None = None  # the last single-generation run (None after a vote or search)
        self.last: GenerationResult | None = None  # the branch shown
        self.continuing = False
        self._base_prompt = ""  # the first run's prompt, for Regenerate after Continue
        self._pending: _PendingBranch | None = None
        self._redraw = False  # the run in flight is another draw of the tree's prompt
        self._draw: PreparedRun | None = None  # what regenerate() offered as another draw

    @property
    def params(self) -> GenerateParams | None:
        return self.prepared.params if self.prepared is not None else None

    # -- starting runs ----------------------------------------------------------------------

    def start(self, prepared: PreparedRun, continuing: bool = False) -> GenerateParams:
        """A run of ``prepared`` begins; returns what to generate."""
        self.continuing = continuing
        self._redraw = prepared is self._draw and not continuing
        self._draw = None
        if not continuing and self._pending is None:
            self._base_prompt = prepared.params.prompt
        self.prepared = prepared
        return prepared.params

    def regenerate(self, params_for: ParamsFor) -> PreparedRun | None:
        """The last prompt (the run's own, not a continuation's) with the current sampler."""
        if self.prepared is None:
            return None
        last = self.prepared
        prompt = self._base_prompt if self.continuing else last.params.prompt
        params = replace(params_for(prompt), parse_special=last.params.parse_special)
        draw = self.tree is not None and self.tree.base.prompt == prompt
        if draw:
            params = replace(params, suffix_ids=list(self.tree.base.suffix_ids))
        prepared = replace(last, params=params.validate())
        self._draw = prepared if draw else None
        return prepared

    def continuation(self, params_for: ParamsFor) -> PreparedRun | None:
        """Generate more after the branch shown, keeping it: the exact tokens shown, not a
        re-tokenized text."""
        if self.last is None or self.prepared is None:
            return None
        last = self.prepared
        params = replace(params_for(last.params.prompt + self.last.text), parse_special=last.params.parse_special)
        if self.tree is not None:
            params = replace(
                params,
                prompt=self.tree.base.prompt,
                suffix_ids=list(self.tree.base.suffix_ids) + [t.id for t in self.tree.get(self.branch_id).tokens],
            )
        return replace(last, params=params.validate())

    def branch(self, index: int, choice: Alternative, sampler: SamplerParams) -> PreparedRun:
        """Continue the branch shown from token ``index`` with ``choice`` instead."""
        if self.tree is None:
            raise WorkbenchError("There is no run to branch from yet.")
        params = replace(self.tree.branch_params(self.branch_id, index, choice), sampler=sampler)
        self._pending = _PendingBranch(self.branch_id, index, choice)
        base = self.prepared or PreparedRun(self.tree.base, "completion")
        return replace(base, params=params)

    def opening_tokens(self) -> list[TokenEvent] | None:
        """What the output shows when a generation starts: a branch's prefix with the chosen
        token, nothing for a new run, or None (keep what is shown: a continuation)."""
        if self._pending is not None and self.tree is not None:
            p = self._pending
            parent = self.tree.get(p.parent)
            chosen = TokenEvent(p.choice.id, p.choice.text, p.choice.bytes, p.choice.logprob, parent.tokens[p.at].top)
            return parent.tokens[: p.at] + [chosen]
        return None if self.continuing and not self._redraw else []

    # -- results ----------------------------------------------------------------------------

    def finish(self, generation: GenerationResult, model_path: str) -> Finished:
        """A generation ended (``done`` None: the engine was shut down under it)."""
        reason = generation.finish_reason
        if self._redraw and self.tree is not None:
            self._redraw = False
            branch = self.tree.add_draw(generation.tokens, reason)
            self.branch_id = branch.id
            self.last = generation
            return Finished(generation, None, True, True)
        if self._pending is not None and self.tree is not None:
            p, self._pending = self._pending, None
            branch = self.tree.add_branch(p.parent, p.at, p.choice, generation.tokens, reason)
            prefix = b"".join(t.bytes for t in branch.tokens[: p.at + 1]).decode("utf-8", "replace")
            self.branch_id = branch.id
            shown = GenerationResult(list(branch.tokens), prefix + generation.text, generation.done)
            self.last = shown
            return Finished(shown, None, True, True)
        if self.continuing and self.last is not None and self.tree is not None:
            tokens = self.tree.extend(self.branch_id, generation.tokens, reason).tokens[:]
            shown = GenerationResult(tokens, self.last.text + generation.text, generation.done)
            self.last = shown
            return Finished(shown, None, True, False)
        assert self.prepared is not None
        self.tree = BranchTree(self.prepared.params)
        self.tree_model = model_path
        self.tree.add_root(generation.tokens, reason)
        self.branch_id = 0
        self.last = generation
        return Finished(generation, RunResult(self.prepared, generation=generation), False, False)

    def fail(self, result: RunResult) -> RunResult | None:
        """A generation failed (``result.error``, with the tokens that came before it); returns the
        failed run to save (a failed branch or continuation leaves the saved run as it was)."""
        record = None
        if self._pending is None and not self._redraw and not self.continuing and self.prepared is not None:
            record = result
        self._pending = None
        self._redraw = False
        return record

    def searched(self) -> None:
        """A vote or a search ran: there is no single generation to regenerate, continue or branch."""
        self.prepared = None
        self.tree = None
        self.last = None
        self._redraw = False

    # -- showing ----------------------------------------------------------------------------

    def show_branch(self, branch_id: int) -> Branch | None:
        if self.tree is None:
            return None
        branch = self.tree.get(branch_id)
        self.branch_id = branch_id
        self.last = GenerationResult(list(branch.tokens), branch.text, None)
        return branch

    def show_stored(self, tree: BranchTree, model_path: str, prepared: PreparedRun) -> None:
        """A run from the history, with its branches, to branch or continue from."""
        self.tree, self.tree_model = tree, model_path
        self.prepared = prepared
        self.continuing = False
        self._pending = None
        self._redraw = False
        self._base_prompt = prepared.params.prompt
        self.show_branch(0)
