"""A huge prompt (a 200k-token paste): the context gauge says how far past the context it is, in
the warning colour; typing stays quick however long the prompt (a long line is shown in pieces,
the count runs off the GUI thread, one count at a time, the newest winning); and the editor gives
back exactly the text it holds (real engine, real widgets)."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressBar
from pytestqt.qtbot import QtBot

from workbench.gui.main_window import MainWindow
from workbench.gui.prompt_text import CHUNK, LONG_LINE, PromptTextEdit
from workbench.prompts.chat import ChatMessage

from tests.helpers.window import T, open_window

SENTENCE = "The quick brown fox jumps over the lazy dog and keeps running. "
HUGE = SENTENCE * 15_000  # one line of 945 kB: about 195,000 tokens for SmolLM2, past its 4,096 context
CHINESE = "在这个提示中有一个很长的中文句子，我们看看会怎样。" * 400  # 10,000 characters, no space to cut at


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    win = open_window(qtbot)
    yield win
    win.close()


def _exact_count(window: MainWindow) -> int:
    return len(window.bridge.client.tokenize(window.exact_prompt(), add_special=True, parse_special=True))


def _bar_colour(gauge: QProgressBar) -> QColor:
    """The colour of the bar's left part, clear of the text in its middle."""
    image = gauge.grab().toImage()
    return image.pixelColor(4, image.height() // 2)


def _is_warning_red(colour: QColor) -> bool:
    return colour.red() > 150 and colour.green() < 80 and colour.blue() < 80


def test_gauge_says_how_far_past_the_context_in_the_warning_colour(qtbot: QtBot, window: MainWindow) -> None:
    window.editors.set_mode("completion")
    with qtbot.wait_signal(window.tokenCountUpdated, timeout=T) as counted:
        window.editors.completion.setPlainText(HUGE)
    n, n_ctx = counted.args[0], window.loaded.n_ctx
    assert n == _exact_count(window) and n > 190_000
    gauge = window.status.context_gauge
    assert gauge.text() == f"{n:,} / {n_ctx:,} tokens · {n - n_ctx:,} over"
    assert gauge.value() == gauge.maximum() == n_ctx
    assert "Shorten the prompt" in gauge.toolTip() and f"{n - n_ctx:,} more than the {n_ctx:,}-token context" in gauge.toolTip()
    assert _is_warning_red(_bar_colour(gauge))

    # White on red reads the same on a dark theme: the bar does not take the palette's colours.
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = QGuiApplication.palette()
    dark = QPalette(QColor("#2b2b2b"))
    try:
        app.setPalette(dark)
        assert _is_warning_red(_bar_colour(gauge))
    finally:
        app.setPalette(light)

    with qtbot.wait_signal(window.tokenCountUpdated, timeout=T) as counted:
        window.editors.completion.setPlainText(SENTENCE)
    n = counted.args[0]
    assert gauge.text() == f"{n:,} / {n_ctx:,} tokens"
    assert "over" not in gauge.text() and not _is_warning_red(_bar_colour(gauge))


@pytest.mark.parametrize("mode", ["completion", "chat"])
def test_typing_in_a_huge_prompt_stays_quick(qtbot: QtBot, window: MainWindow, mode: str) -> None:
    window.editors.set_mode(mode)
    editor = window.editors.completion if mode == "completion" else window.editors.chat.rows[0].text
    with qtbot.wait_signal(window.tokenCountUpdated, timeout=T):
        editor.setPlainText(HUGE)
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    window.update_token_count()  # the worst case: a count of the whole prompt runs meanwhile
    app = QApplication.instance()
    assert app is not None
    app.processEvents()
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        QTest.keyClick(editor, Qt.Key.Key_A)
        app.processEvents()
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.05, [f"{t * 1000:.0f} ms" for t in times]
    assert editor.toPlainText() == HUGE + "a" * 15
    expected = _exact_count(window)
    qtbot.waitUntil(lambda: window.prompt_tokens == expected and not window.prompt_count.counter.in_flight, timeout=T)


def test_counts_do_not_pile_up_and_the_newest_wins(qtbot: QtBot, window: MainWindow) -> None:
    client = window.bridge.client
    calls: list[int] = []
    running = [0, 0]  # now, most at once
    lock = threading.Lock()
    tokenize = client.tokenize_pieces

    def counting(text: str, *args: object, **kwargs: object) -> object:
        with lock:
            calls.append(len(text))
            running[0] += 1
            running[1] = max(running)
        try:
            return tokenize(text, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            with lock:
                running[0] -= 1

    client.tokenize_pieces = counting  # type: ignore[method-assign]
    shown: list[int] = []
    window.tokenCountUpdated.connect(shown.append)
    long_chat = "\n".join([SENTENCE * 40] * 150)  # a 380 kB message: each count takes a while
    window.editors.set_mode("chat")
    for turn in range(6):  # each edit followed by a pause long enough for a count, while one runs
        window.editors.chat.set_messages([ChatMessage("user", long_chat + " more" * turn)])
        window.update_token_count()
    expected = len(tokenize(window.exact_prompt(), add_special=True, parse_special=True)[0])  # not one of the window's
    qtbot.waitUntil(lambda: not window.prompt_count.counter.in_flight and window.prompt_tokens == expected, timeout=T)
    # The one running, the newest that waited meanwhile, and the one after the last edit's pause.
    assert len(calls) <= 3, calls
    assert running[1] == 1
    assert shown[-1] == expected and shown == sorted(shown)  # each answer newer than the one before


# -- the editor: exact text, quick with long lines -----------------------------------------------


@pytest.fixture
def editor(qtbot: QtBot) -> PromptTextEdit:
    widget = PromptTextEdit()
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.show()
    return widget


def _put_cursor(editor: PromptTextEdit, block: int, column: int = 0) -> QTextCursor:
    cursor = QTextCursor(editor.document().findBlockByNumber(block))
    cursor.movePosition(QTextCursor.MoveOperation.Right, n=column)
    editor.setTextCursor(cursor)
    return cursor


def _offset(editor: PromptTextEdit, block: int, column: int = 0) -> int:
    """Where ``column`` of shown ``block`` is in the real text (the text has no soft breaks)."""
    return sum(len(editor.document().findBlockByNumber(b).text()) for b in range(block)) + column


@pytest.mark.parametrize("text", [HUGE, CHINESE, "short\r\nlines\n\nhere", SENTENCE * 200 + "\n" + CHINESE + "\nend", "e\u0301" * 5000])
def test_long_lines_are_shown_in_pieces_and_come_back_exact(editor: PromptTextEdit, text: str) -> None:
    editor.setPlainText(text)
    assert editor.toPlainText() == text.replace("\r\n", "\n")
    longest = max(len(editor.document().findBlockByNumber(b).text()) for b in range(editor.document().blockCount()))
    assert longest <= LONG_LINE
    assert not editor.document().isUndoAvailable()  # setting the text is no edit to undo


def test_editing_at_and_across_soft_breaks_keeps_the_text_exact(qtbot: QtBot, editor: PromptTextEdit) -> None:
    editor.setPlainText(HUGE)
    editor.setFocus()
    text = editor.toPlainText()
    assert editor.document().blockCount() >= len(HUGE) // CHUNK - 1

    _put_cursor(editor, 5, 10)
    at = _offset(editor, 5, 10)
    QTest.keyClick(editor, Qt.Key.Key_Return)  # a real newline, though Qt copies the soft mark
    assert editor.toPlainText() == text[:at] + "\n" + text[at:]
    editor.undo()
    assert editor.toPlainText() == text
    editor.redo()
    assert editor.toPlainText() == text[:at] + "\n" + text[at:]
    editor.undo()

    _put_cursor(editor, 5)
    at = _offset(editor, 5)
    QTest.keyClick(editor, Qt.Key.Key_Backspace)  # the character before the break goes
    assert editor.toPlainText() == text[: at - 1] + text[at:]
    editor.undo()
    cursor = _put_cursor(editor, 4)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.setTextCursor(cursor)
    QTest.keyClick(editor, Qt.Key.Key_Delete)  # the character after it
    assert editor.toPlainText() == text[:at] + text[at + 1 :]
    editor.undo()
    assert editor.toPlainText() == text

    # Copy across breaks: the real text, no newline added.
    start, end = _put_cursor(editor, 3, 5).position(), _put_cursor(editor, 7, 7).position()
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    mime = editor.createMimeDataFromSelection()
    assert mime.text() == text[_offset(editor, 3, 5) : _offset(editor, 7, 7)]

    # Paste lines, one of them long, inside a piece of a long line.
    _put_cursor(editor, 6, 3)
    at = _offset(editor, 6, 3)
    pasted = "line one\n" + "y" * 9000 + "\nlast"
    source = QMimeData()
    source.setText(pasted)
    editor.insertFromMimeData(source)
    assert editor.toPlainText() == text[:at] + pasted + text[at:]
    editor.undo()
    assert editor.toPlainText() == text

    editor.selectAll()
    QTest.keyClick(editor, Qt.Key.Key_Z)
    assert editor.toPlainText() == "z"
    editor.undo()
    assert editor.toPlainText() == text
