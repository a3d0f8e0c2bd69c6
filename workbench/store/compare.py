"""Compare saved runs: their settings, their texts (a line diff) and their tokens' probabilities.

The token-probability diff lines the runs' tokens up with a token-level diff (so a passage that
shifted but stayed the same still matches), then reports, for the tokens both runs share, how much
more or less likely each run found them; and where the runs first part, what each one drew and
how likely the other run found that same token. Every run is compared with the first one.

Tokens are reported with the characters they make: a token that is part of a character (a byte-level
tokenizer splits most Chinese characters) carries the whole character's text, its own bytes and
which part of it it is, so that no "\ufffd" stands for it.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from typing import Any

from workbench.values.tokens import TokenEvent
from workbench.errors import BadInputError
from workbench.store.models import RunRow
from workbench.store.run_records import iso_utc
from workbench.store.runs import RunStore
from workbench.tokens.groups import TokenGroups

SAMPLER_KEYS = ("temperature", "top_k", "top_p", "min_p", "repeat_penalty")
MAX_SHIFTS = 20


def mean_logprob(tokens: list[TokenEvent]) -> float | None:
    return sum(t.logprob for t in tokens) / len(tokens) if tokens else None


def _alternative_logprob(token: TokenEvent, token_id: int) -> float | None:
    """How likely the run that produced ``token`` found ``token_id`` at that position (None: not
    among the alternatives it recorded)."""
    if token.id == token_id:
        return token.logprob
    return next((a.logprob for a in token.top if a.id == token_id), None)


def part_of(groups: TokenGroups, index: int) -> list[int] | None:
    """[k, n] when token ``index`` is the k-th (from 1) of the n tokens that make its characters;
    None when it is whole text on its own."""
    group = groups.of(index)
    return [group.part(index) + 1, len(group)] if group.split else None


def _token_info(groups: TokenGroups, tokens: list[TokenEvent], index: int) -> dict[str, Any]:
    """A token as the divergence reports it: its characters, its own bytes and its part of them."""
    return {"text": groups.of(index).text, "bytes": tokens[index].bytes.hex(), "part": part_of(groups, index)}


@dataclass
class Shift:
    """A token both runs produced, with each run's log-probability for it."""

    text: str  # the characters the token makes in run b (with the tokens it shares them with)
    index_a: int
    index_b: int
    logprob_a: float
    logprob_b: float
    piece: bytes = b""  # the token's own bytes
    part: list[int] | None = None  # [k, n]: the k-th of the n tokens that make ``text``

    @property
    def delta(self) -> float:
        return self.logprob_b - self.logprob_a

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "bytes": self.piece.hex(), "part": self.part, "index_a": self.index_a,
                "index_b": self.index_b, "logprob_a": self.logprob_a, "logprob_b": self.logprob_b, "delta": self.delta}


@dataclass
class Divergence:
    """The first position where the two runs drew different tokens."""

    index: int
    # {"text", "bytes", "part", "logprob", "logprob_in_b"}: a's token (its characters, as in Shift),
    # and how likely b found it there
    a: dict[str, Any]
    b: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "a": self.a, "b": self.b}


@dataclass
class PairDiff:
    a: int  # run ids
    b: int
    text_diff: str
    shared_tokens: int
    tokens_b: int
    different_in_b: set[int] = field(default_factory=set)
    divergence: Divergence | None = None
    shifts: list[Shift] = field(default_factory=list)  # largest change first

    @property
    def shared_share(self) -> float | None:
        return self.shared_tokens / self.tokens_b if self.tokens_b else None

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a, "b": self.b, "text_diff": self.text_diff, "shared_tokens": self.shared_tokens,
            "shared_share": self.shared_share, "divergence": self.divergence.to_json() if self.divergence else None,
            "shifts": [s.to_json() for s in self.shifts],
        }


def pair_diff(a: RunRow, b: RunRow, tokens_a: list[TokenEvent], tokens_b: list[TokenEvent]) -> PairDiff:
    def lines(text: str) -> list[str]:
        return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(keepends=True)]

    text_diff = "".join(difflib.unified_diff(lines(a.output), lines(b.output), f"run {a.id}", f"run {b.id}"))
    ids_a, ids_b = [t.id for t in tokens_a], [t.id for t in tokens_b]
    groups_a, groups_b = TokenGroups(t.bytes for t in tokens_a), TokenGroups(t.bytes for t in tokens_b)
    shifts: list[Shift] = []
    different: set[int] = set()
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(a=ids_a, b=ids_b, autojunk=False).get_opcodes():
        if tag == "equal":
            shifts += [Shift(groups_b.of(j).text, i, j, tokens_a[i].logprob, tokens_b[j].logprob, tokens_b[j].bytes,
                             part_of(groups_b, j))
                       for i, j in zip(range(a0, a1), range(b0, b1), strict=True)]
        else:
            different.update(range(b0, b1))
    divergence = None
    first = next((i for i, (x, y) in enumerate(zip(ids_a, ids_b, strict=False)) if x != y), None)
    if first is not None:
        ta, tb = tokens_a[first], tokens_b[first]
        divergence = Divergence(
            first,
            {**_token_info(groups_a, tokens_a, first), "logprob": ta.logprob, "logprob_in_b": _alternative_logprob(tb, ta.id)},
            {**_token_info(groups_b, tokens_b, first), "logprob": tb.logprob, "logprob_in_a": _alternative_logprob(ta, tb.id)},
        )
    shared = len(shifts)
    shifts.sort(key=lambda s: (-abs(s.delta), s.index_b))
    return PairDiff(a.id, b.id, text_diff, shared, len(tokens_b), different, divergence,
                    [s for s in shifts[:MAX_SHIFTS] if s.delta != 0.0])


@dataclass
class Comparison:
    rows: list[RunRow]
    tokens: list[list[TokenEvent]]
    pairs: list[PairDiff]  # the first run against each other one

    def settings(self) -> list[tuple[str, list[Any]]]:
        """(setting, value per run), the model, template, variant, sampler and seed."""

        def sampler(row: RunRow, key: str) -> Any:
            return row.params.get("sampler", {}).get(key)

        return [
            ("model", [r.model.name if r.model else None for r in self.rows]),
            ("template", [r.template for r in self.rows]),
            ("variant", [r.variant for r in self.rows]),
            *[(key, [sampler(r, key) for r in self.rows]) for key in SAMPLER_KEYS],
            ("seed", [r.seed for r in self.rows]),
            ("max_tokens", [r.params.get("max_tokens") for r in self.rows]),
            ("prompt", [r.prompt for r in self.rows]),
        ]

    def differing_settings(self) -> list[tuple[str, list[Any]]]:
        return [(k, v) for k, v in self.settings() if any(x != v[0] for x in v)]

    def to_json(self) -> dict[str, Any]:
        runs = []
        for row, tokens in zip(self.rows, self.tokens, strict=True):
            mean = mean_logprob(tokens)
            runs.append({
                "id": row.id, "created_at": iso_utc(row.created_at), "status": row.status, "output": row.output,
                "completion_tokens": len(tokens), "mean_logprob": mean,
                "perplexity": math.exp(-mean) if mean is not None else None,
            })
        return {
            "runs": runs,
            "settings": [{"key": k, "values": v} for k, v in self.settings() if k != "prompt"],
            "differing": [k for k, _ in self.differing_settings()],
            "pairs": [p.to_json() for p in self.pairs],
        }


def compare_runs(store: RunStore, run_ids: list[int]) -> Comparison:
    if len(run_ids) < 2:
        raise BadInputError("Give two or more runs to compare.")
    rows = [store.get(i) for i in run_ids]
    tokens = [store.tokens(i) for i in run_ids]
    pairs = [pair_diff(rows[0], rows[k], tokens[0], tokens[k]) for k in range(1, len(rows))]
    return Comparison(rows, tokens, pairs)
