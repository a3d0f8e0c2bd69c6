"""The branches of a run: generate, pick another token somewhere, continue from there; repeat.

A tree of token sequences. Each branch keeps its whole token list (the shared prefix included),
so any branch can be shown, compared or continued on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from workbench.tokens.groups import TokenGroups
from workbench.values.params import GenerateParams
from workbench.values.tokens import Alternative, TokenEvent


@dataclass
class Branch:
    id: int
    parent: int | None
    at: int  # where it leaves its parent: index of the first token that differs
    tokens: list[TokenEvent]
    finish_reason: str = ""
    redraw: bool = False  # another draw of the whole output (Regenerate), not a token picked by hand

    @property
    def text(self) -> str:
        return b"".join(t.bytes for t in self.tokens).decode("utf-8", errors="replace")

    @property
    def mean_logprob(self) -> float | None:
        """Average log-probability of the branch's tokens (None when it has none)."""
        return sum(t.logprob for t in self.tokens) / len(self.tokens) if self.tokens else None

    @property
    def perplexity(self) -> float | None:
        """exp(-mean logprob): how surprised the model was by its own output, on average."""
        mean = self.mean_logprob
        return math.exp(-mean) if mean is not None else None

    def label(self) -> str:
        if self.parent is None:
            return "main"
        if self.redraw:
            return f"draw {self.id}"
        # The whole character the chosen token belongs to: alone, a piece of one is "\ufffd".
        choice = TokenGroups(t.bytes for t in self.tokens).of(self.at).text if self.at < len(self.tokens) else "?"
        return f"branch {self.id} from {self.parent} at token {self.at}: {choice!r}"


@dataclass
class BranchTree:
    """All branches of one run, rooted at the first generation."""

    base: GenerateParams
    branches: list[Branch] = field(default_factory=list)

    def add_root(self, tokens: list[TokenEvent], finish_reason: str) -> Branch:
        self.branches = [Branch(0, None, 0, list(tokens), finish_reason)]
        return self.branches[0]

    def get(self, branch_id: int) -> Branch:
        return self.branches[branch_id]

    def children(self, branch_id: int) -> list[Branch]:
        return [b for b in self.branches if b.parent == branch_id]

    def shared_prefix(self, a: int, b: int) -> int:
        """How many leading tokens branches ``a`` and ``b`` have in common."""
        n = 0
        for x, y in zip(self.get(a).tokens, self.get(b).tokens):
            if x.id != y.id:
                break
            n += 1
        return n

    def branch_params(self, parent_id: int, at: int, choice: Alternative) -> GenerateParams:
        """Generation settings that continue ``parent`` after replacing its token ``at`` by ``choice``."""
        parent = self.get(parent_id)
        if not 0 <= at < len(parent.tokens):
            raise IndexError(f"token {at} is not in branch {parent_id}")
        params = GenerateParams.from_dict(self.base.to_dict())
        params.suffix_ids = list(self.base.suffix_ids) + [t.id for t in parent.tokens[:at]] + [choice.id]
        params.max_tokens = max(1, self.base.max_tokens - at - 1)
        return params

    def add_branch(self, parent_id: int, at: int, choice: Alternative, continuation: list[TokenEvent], finish_reason: str) -> Branch:
        parent = self.get(parent_id)
        original = parent.tokens[at]
        chosen = TokenEvent(choice.id, choice.text, choice.bytes, choice.logprob, original.top)
        branch = Branch(len(self.branches), parent_id, at, parent.tokens[:at] + [chosen] + list(continuation), finish_reason)
        self.branches.append(branch)
        return branch

    def add_draw(self, tokens: list[TokenEvent], finish_reason: str) -> Branch:
        """Regenerate: another whole output for the same prompt, a sibling of the first."""
        branch = Branch(len(self.branches), 0, 0, list(tokens), finish_reason, redraw=True)
        self.branches.append(branch)
        return branch

    def extend(self, branch_id: int, more: list[TokenEvent], finish_reason: str) -> Branch:
        """Continue: more tokens at the end of a branch."""
        branch = self.get(branch_id)
        branch.tokens.extend(more)
        branch.finish_reason = finish_reason
        return branch

    def to_json(self) -> dict[str, Any]:
        return {
            "branches": [
                {
                    "id": b.id,
                    "parent": b.parent,
                    "at": b.at,
                    "text": b.text,
                    "finish_reason": b.finish_reason,
                    "redraw": b.redraw,
                    "tokens": [t.to_dict() for t in b.tokens],
                }
                for b in self.branches
            ]
        }
