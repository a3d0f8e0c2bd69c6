"""Tokens grouped into the characters they make (tokens.groups), on the bundled model's real
tokens of Chinese text and on hand-made partial-UTF-8 tokens."""

from __future__ import annotations

import pytest

from tests.helpers.chinese import CLEVER
from tests.helpers.runs import HALF, tokens
from workbench.engine.client import EngineClient
from workbench.tokens.groups import TokenGroups, ends_mid_character
from workbench.tokens.pieces import piece_text
from workbench.tokens.spans import Encoded, align


def test_real_chinese_tokens_group_into_their_characters(engine: EngineClient) -> None:
    pieces = [piece for _, piece in engine.tokenize(CLEVER, add_special=False)]
    assert sum(piece_text(p) is None for p in pieces) >= 6  # most characters are cut between tokens
    groups = TokenGroups(pieces)
    assert "".join(g.text for g in groups) == CLEVER and "\ufffd" not in "".join(g.text for g in groups)
    assert [g.text for g in groups if g.split] == ["提", "聪", "明", "猴"]
    assert groups.of(10) == groups.of(11) == groups[8] and groups[8].text == "聪" and groups[8].part(11) == 2
    # The same groups as the Tokens panel's spans: a group's tokens cover exactly its characters,
    # and no character belongs to two groups.
    spans = align(CLEVER, Encoded(list(range(len(pieces))), pieces, [False] * len(pieces)))
    at = 0
    for g in groups:
        start, end = int(spans.starts[g.start : g.end].min()), int(spans.ends[g.start : g.end].max())
        assert (start, CLEVER[start:end]) == (at, g.text)
        at = end
    assert groups.text(10) == "聪明的猴子。" and groups.text(0, 10) == "在这个提示中有一个"
    assert groups.boundary(11) == 9 and groups.boundary(12) == 12 and groups.boundary(len(pieces)) == len(pieces)


def test_pieces_that_never_complete_a_character_stay_replacement_characters() -> None:
    groups = TokenGroups(t.bytes for t in tokens())  # HALF[:2], HALF[2:], " 好"
    assert [(g.start, g.end, g.text) for g in groups] == [(0, 2, "世"), (2, 3, " 好")]
    cut = TokenGroups([b"a", HALF[:2]])  # a run stopped mid-character
    assert [g.text for g in cut] == ["a", "\ufffd"] and cut.of(1).end == 2
    broken = TokenGroups([b"\xff", HALF[:1], b"b", b""])  # invalid UTF-8, and a token with no bytes
    assert [(g.start, g.end, g.text) for g in broken] == [(0, 1, "\ufffd"), (1, 3, "\ufffdb"), (3, 4, "")]
    assert list(TokenGroups([])) == [] and TokenGroups([]).text() == ""
    with pytest.raises(IndexError):
        broken.of(4)


def test_ends_mid_character() -> None:
    assert ends_mid_character([b"ok ", HALF[:2]])
    assert not ends_mid_character([b"ok ", HALF[:2], HALF[2:]])
    assert not ends_mid_character([])
