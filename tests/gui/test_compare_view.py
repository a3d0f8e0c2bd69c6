"""The History compare dialog on a real database, with the bundled model's real tokens of Chinese
text: characters cut between tokens are shown whole in the outputs, the divergence and the table
of shared tokens, and the hover still tells the tokens apart."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QTableWidget, QTextBrowser
from pytestqt.qtbot import QtBot

from tests.helpers.chinese import CHATTY, CLEVER, run_tokens
from tests.helpers.runs import new_run
from workbench.engine.client import EngineClient
from workbench.gui.compare_view import CompareDialog
from workbench.store.database import Database
from workbench.store.runs import RunStore


def format_at(view: QTextBrowser, text: str, char: str):  # type: ignore[no-untyped-def]
    cursor = QTextCursor(view.document())
    cursor.setPosition(text.index(char) + 1)  # the format of the character before the cursor
    return cursor.charFormat()


def test_compare_shows_chinese_whole(qtbot: QtBot, tmp_path: Path, engine: EngineClient) -> None:
    store = RunStore(Database(tmp_path / "compare.sqlite"))
    clever, chatty = run_tokens(engine, CLEVER, -0.5), run_tokens(engine, CHATTY, -0.9)
    ids = [store.save(dataclasses.replace(new_run("猴子", text), tokens=toks)) for text, toks in ((CLEVER, clever), (CHATTY, chatty))]
    dialog = CompareDialog(store, ids)
    qtbot.addWidget(dialog)

    assert [v.toPlainText() for v in dialog.outputs] == [CLEVER, CHATTY]
    # The one differing token (the last third of 聊) underlines its whole character, not a "\ufffd".
    assert format_at(dialog.outputs[1], CHATTY, "聊").fontUnderline()
    assert not format_at(dialog.outputs[1], CHATTY, "明").fontUnderline()
    # Hovering 聪 tells its three tokens, byte by byte.
    hover = format_at(dialog.outputs[0], CLEVER, "聪").toolTip()
    assert hover.startswith("'聪'") and "<e8>" in hover and "<81>" in hover and "<aa>" in hover
    assert format_at(dialog.outputs[0], CLEVER, "在").toolTip() == "'在' p=60.7%"

    pane = dialog.probability_diffs.widget(0)
    divergence = pane.findChild(QLabel, "divergence").text()
    assert "They part at token 11" in divergence and "'聪' (3/3: aa)" in divergence and "'聊' (3/3: 8a)" in divergence
    table = pane.findChild(QTableWidget, "shifts")
    cells = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert table.rowCount() == 19 and "'聊' (1/3: e8)" in cells and "'在'" in cells
    assert not any("\ufffd" in view.toPlainText() for view in dialog.outputs)
    assert "\ufffd" not in divergence + "".join(cells)
    split = cells.index("'聊' (1/3: e8)")
    assert "e8" in table.item(split, 0).toolTip() and table.item(cells.index("'在'"), 0).toolTip() == ""
