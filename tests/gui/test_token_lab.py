"""The tokens panel: lanes per tokenizer, spans, hover, two-way selection, decoder, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from workbench.engine.client import EngineClient
from workbench.values.params import LoadParams
from workbench.gui.bridge import EngineBridge
from workbench.gui.token_lab import MAX_VIEW_CHARS, MODEL_KEY, TokenLab, display_text, utf16_offsets

T = 30_000
TEXT = "Hello 世界! 🙂\ttab\nline <|endoftext|>"


@pytest.fixture(scope="module")
def vocab_client(model_path: Path) -> Iterator[EngineClient]:
    client = EngineClient()
    client.load(LoadParams(path=str(model_path), vocab_only=True))
    yield client
    client.close()


@pytest.fixture
def lab(qtbot: QtBot, vocab_client: EngineClient) -> TokenLab:
    widget = TokenLab(EngineBridge(vocab_client))
    qtbot.addWidget(widget)
    widget.resize(900, 800)
    widget.show()
    widget.model_name = "SmolLM2"
    return widget


def show(qtbot: QtBot, lab: TokenLab, text: str) -> None:
    expected = lab.serial + 1
    with qtbot.wait_signal(lab.resultsReady, timeout=T, check_params_cb=lambda serial, _r: serial == expected):
        lab.input.setPlainText(text)  # debounced: the refresh comes after a pause in typing


def test_lanes_compare_model_and_tiktoken(qtbot: QtBot, lab: TokenLab) -> None:
    show(qtbot, lab, TEXT)
    assert list(lab.lanes) == [MODEL_KEY, "cl100k_base"]
    model, tik = lab.lanes[MODEL_KEY].result, lab.lanes["cl100k_base"].result
    assert model is not None and tik is not None
    assert model.count != tik.count
    assert "tokens" in lab.lanes[MODEL_KEY].header.text() and "partial" in lab.lanes[MODEL_KEY].header.text()
    assert lab.lanes["cl100k_base"].view.toPlainText() == display_text(TEXT)
    assert tik.spans[-1].special and tik.spans[-1].id == 100257
    assert lab.table_model.rowCount() == model.count  # the table shows the first lane
    document = lab.lanes["cl100k_base"].view.document()
    assert len(document.firstBlock().layout().formats()) >= 5  # tinted token by token
    last = document.lastBlock().layout().formats()
    assert last[-1].format.background().color().name() == "#3b3b58"  # the special token, drawn dark


def test_one_huge_paragraph_is_tinted_where_it_is_seen(qtbot: QtBot, lab: TokenLab) -> None:
    text = "tokens 分词 cut text differently, " * 3000  # ~90,000 characters, no newline
    show(qtbot, lab, text)
    view = lab.lanes["cl100k_base"].view
    block = view.document().firstBlock()
    qtbot.wait_until(lambda: bool(block.layout().formats()), timeout=T)
    first = block.layout().formats()
    # Only around the visible part: formatting all 30,000 tokens of one block freezes the window.
    assert 10 < len(first) < 5_000 and first[0].start == 0
    scroll = view.verticalScrollBar()
    qtbot.wait_until(lambda: view.isVisible() and scroll.maximum() > 100, timeout=T)
    scroll.setValue(scroll.maximum())
    qtbot.wait_until(lambda: block.layout().formats()[-1].start > len(text) - 100, timeout=T)
    assert block.layout().formats()[0].start > 50_000
    assert scroll.value() == scroll.maximum()  # formatting did not jump back to the top


def test_hover_shows_ids_bytes_offsets_and_groups_split_characters(qtbot: QtBot, lab: TokenLab) -> None:
    show(qtbot, lab, "我很好")
    model = lab.lanes[MODEL_KEY].result
    assert model is not None
    split = next(s for s in model.spans if s.partial)
    tip = lab.tooltip_html(MODEL_KEY, split.start)
    group = lab.tokens_at(MODEL_KEY, split.start)
    assert len(group) >= 2
    assert "share" in tip and split.bytes.hex(" ") in tip and str(split.id) in tip
    assert f"[{split.start}, {split.end})" in tip


def test_selection_goes_both_ways(qtbot: QtBot, lab: TokenLab) -> None:
    show(qtbot, lab, "one two three four")
    rows = lab.select_tokens_for_text(MODEL_KEY, 4, 7)  # "two"
    selected = sorted({i.row() for i in lab.table.selectionModel().selectedRows()})
    assert selected == rows and rows
    assert all(lab.lanes[MODEL_KEY].result.spans[r].end > 4 for r in rows)
    start, end = lab.select_text_for_tokens(MODEL_KEY, [0])
    cursor = lab.lanes[MODEL_KEY].view.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (start, end) == (0, 3)
    # Selecting rows in the table selects text in the lane.
    lab.table.selectRow(2)
    cursor = lab.lanes[MODEL_KEY].view.textCursor()
    span = lab.lanes[MODEL_KEY].result.spans[2]
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (span.start, span.end)


def test_emoji_positions_map_to_qt_utf16(qtbot: QtBot, lab: TokenLab) -> None:
    text = "a🙂b"
    offsets = utf16_offsets(text)
    assert offsets.tolist() == [0, 1, 3, 4]
    show(qtbot, lab, text)
    b_token = lab.tokens_at("cl100k_base", 2)
    assert lab.lanes["cl100k_base"].result.spans[b_token[0]].text.endswith("b")


def test_copy_ids_and_decoder(qtbot: QtBot, lab: TokenLab) -> None:
    show(qtbot, lab, "Hello world")
    lab.current_key = "cl100k_base"
    assert json.loads(lab.copy_ids()) == [9906, 1917]
    assert QApplication.clipboard().text() == "[9906, 1917]"
    lab.decoder_input.setText("[9906, 1917]")
    assert lab.decode() == "Hello world"
    assert "48 65 6c 6c 6f" in lab.decoder_output.toPlainText()
    lab.decoder_input.setText("99999999")
    assert lab.decode() == "" and "not in cl100k_base" in lab.decoder_output.toPlainText()


def test_no_model_loaded_keeps_tiktoken_working(qtbot: QtBot) -> None:
    lab = TokenLab(EngineBridge(EngineClient()))
    qtbot.addWidget(lab)
    show(qtbot, lab, "still works")
    assert lab.lanes[MODEL_KEY].result is None
    assert "no model is loaded" in lab.lanes[MODEL_KEY].header.text()
    assert lab.lanes["cl100k_base"].result is not None and lab.lanes["cl100k_base"].result.count == 2
    assert lab.current_key == "cl100k_base"


def test_invalid_utf8_and_nul_from_a_file_are_shown(qtbot: QtBot, lab: TokenLab, tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"nul\x00here bad\xff\xfebytes")
    with qtbot.wait_signal(lab.resultsReady, timeout=T):
        lab.load_text_file(str(path))
    assert "not valid UTF-8" in lab.note.text()
    assert "\ufffd" in lab.input.toPlainText()
    assert "\u2400" in lab.lanes["cl100k_base"].view.toPlainText()  # NUL drawn as a visible symbol


def test_huge_text_is_capped_with_a_message(qtbot: QtBot, lab: TokenLab) -> None:
    lab.set_selected(["cl100k_base"])
    show(qtbot, lab, "ab " * (MAX_VIEW_CHARS // 2))
    assert lab.note.isVisible() and "tokens are shown for the first" in lab.note.text()
    assert len(lab.lanes["cl100k_base"].result.text) == MAX_VIEW_CHARS


def test_import_encoding_adds_a_choice(qtbot: QtBot, lab: TokenLab, tmp_path: Path) -> None:
    from workbench.errors import BadInputError

    bad = tmp_path / "o200k_base.tiktoken"
    bad.write_bytes(b"eA== 0\n")
    with pytest.raises(BadInputError, match="published SHA-256"):
        lab.import_encoding(str(bad))
    assert [lab.chooser.item(i).data(256) for i in range(lab.chooser.count())] == [MODEL_KEY, "cl100k_base"]
