"""The token-probability diff of two runs (store.compare.pair_diff), on hand-made tokens and on the
bundled model's real tokens of Chinese text."""

from __future__ import annotations

import math

from tests.helpers.chinese import CHATTY, CLEVER, run_tokens
from workbench.engine.client import EngineClient
from workbench.values.tokens import Alternative, TokenEvent
from workbench.store.compare import pair_diff
from workbench.store.models import RunRow

WORDS = {1: "The", 2: " cat", 3: " sat", 4: ".", 9: " black"}


def tokens(ids: list[int], logprobs: list[float], top: dict[int, list[tuple[int, float]]] | None = None) -> list[TokenEvent]:
    top = top or {}
    return [
        TokenEvent(i, WORDS[i], WORDS[i].encode(), lp, [Alternative(a, WORDS[a], alp) for a, alp in top.get(n, [])])
        for n, (i, lp) in enumerate(zip(ids, logprobs, strict=True))
    ]


def run(run_id: int, toks: list[TokenEvent]) -> RunRow:
    return RunRow(id=run_id, output="".join(t.text for t in toks))


def test_a_shifted_passage_still_lines_up() -> None:
    a = tokens([1, 2, 3, 4], [-0.1, -0.2, -0.3, -0.4], top={1: [(2, -0.2), (9, -2.5)]})
    b = tokens([1, 9, 2, 3, 4], [-0.1, -2.0, -0.2, -1.3, -0.4], top={1: [(9, -2.0), (2, -0.9)]})
    diff = pair_diff(run(1, a), run(2, b), a, b)
    assert diff.different_in_b == {1}  # only the inserted " black"; the rest matches after the shift
    assert diff.shared_tokens == 4 and diff.tokens_b == 5
    assert math.isclose(diff.shared_share or 0, 0.8)
    # Where they part: a drew " cat" (b found it at -0.9), b drew " black" (a found it at -2.5).
    assert diff.divergence is not None and diff.divergence.index == 1
    assert diff.divergence.a == {"text": " cat", "bytes": b" cat".hex(), "part": None, "logprob": -0.2, "logprob_in_b": -0.9}
    assert diff.divergence.b == {"text": " black", "bytes": b" black".hex(), "part": None, "logprob": -2.0, "logprob_in_a": -2.5}
    # The shared token whose probability moved most comes first; unchanged ones are left out.
    assert [(s.text, round(s.delta, 6)) for s in diff.shifts] == [(" sat", -1.0)]
    assert "+The black cat sat." in diff.text_diff


def test_identical_runs_have_no_difference() -> None:
    a = tokens([1, 2, 3], [-0.1, -0.2, -0.3])
    diff = pair_diff(run(1, a), run(2, a), a, a)
    assert diff.different_in_b == set() and diff.divergence is None and diff.shifts == []
    assert diff.text_diff == ""


def test_against_an_empty_run_every_token_differs() -> None:
    b = tokens([4, 1], [-0.5, -0.6])
    diff = pair_diff(run(1, []), run(2, b), [], b)
    assert diff.different_in_b == {0, 1} and diff.shared_share == 0 and diff.divergence is None


def test_tokens_that_are_parts_of_a_character_are_reported_as_that_character(engine: EngineClient) -> None:
    # The bundled model's real tokens: 聪 is e8 | 81 | aa and 聊 is e8 | 81 | 8a, so the two texts
    # part at the third token of that character.
    a, b = run_tokens(engine, CLEVER, -0.5), run_tokens(engine, CHATTY, -0.9)
    diff = pair_diff(RunRow(id=1, output=CLEVER), RunRow(id=2, output=CHATTY), a, b)
    d = diff.divergence
    assert d is not None and d.index == 11 and diff.different_in_b == {11}
    assert (d.a["text"], d.a["bytes"], d.a["part"]) == ("聪", "aa", [3, 3])
    assert (d.b["text"], d.b["bytes"], d.b["part"]) == ("聊", "8a", [3, 3])
    shifts = {(s.text, s.piece, tuple(s.part or ())) for s in diff.shifts}
    assert "\ufffd" not in "".join(text for text, _, _ in shifts)
    assert {("聊", b"\xe8", (1, 3)), ("聊", b"\x81", (2, 3)), ("提", b"\xe6\x8f", (1, 2)), ("在", "在".encode(), ())} <= shifts
    assert diff.to_json()["divergence"]["b"]["text"] == "聊"
