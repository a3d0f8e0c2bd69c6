"""The Branches panel with the bundled model's real tokens of Chinese text: a branch that leaves
its parent in the middle of a character shows that whole character in the tree (the chosen token,
the preview) and in the side-by-side comparison, never a "\ufffd"."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from tests.helpers.chinese import CHATTY, CLEVER, run_tokens
from workbench.engine.client import EngineClient
from workbench.gui.branches_panel import BranchesPanel
from workbench.values.branches import BranchTree
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.tokens import Alternative


def columns(item: QTreeWidgetItem) -> list[str]:
    return [item.text(c) for c in range(item.columnCount())]


def test_a_branch_inside_a_chinese_character_shows_the_character(qtbot: QtBot, engine: EngineClient) -> None:
    clever, chatty = run_tokens(engine, CLEVER), run_tokens(engine, CHATTY)
    # 聪 is e8 | 81 | aa: branch at its third token with 8a, which makes 聊, and go on as the other text.
    tree = BranchTree(GenerateParams("猴子", SamplerParams(temperature=0.7), max_tokens=32))
    tree.add_root(clever, "stop")
    assert clever[11].bytes == b"\xaa" and chatty[11].bytes == b"\x8a"
    tree.add_branch(0, 11, Alternative(chatty[11].id, "\ufffd", -2.0, b"\x8a"), chatty[12:], "stop")
    assert tree.get(1).text == CHATTY
    panel = BranchesPanel()
    qtbot.addWidget(panel)
    panel.set_tree(tree, 1)

    main = panel.view.topLevelItem(0)
    child = main.child(0)
    assert columns(child)[1:4] == ["11", "'聊' 13.5%", str(len(chatty))]
    assert columns(child)[6] == "聊明的猴子。" and columns(main)[6] == CLEVER
    tip = child.toolTip(2)
    assert "'聊'" in tip and "<e8>" in tip and "<81>" in tip and "\u25b8 <8a> 13.5%" in tip
    assert not any("\ufffd" in text for item in (main, child) for text in columns(item))

    # Side by side: the shared beginning greyed up to the character where they part, shown whole.
    assert (panel.left.currentData(), panel.right.currentData()) == (0, 1)
    assert panel.left_text.toPlainText().endswith(CLEVER) and panel.right_text.toPlainText().endswith(CHATTY)
    for side, rest in ((panel.left_text, "聪明的猴子。"), (panel.right_text, "聊明的猴子。")):
        page = side.toHtml()
        assert '#8a8a8a;">在这个提示中有一个</span>' in page and f'background-color:#fff3bf;">{rest}</span>' in page
        assert "\ufffd" not in side.toPlainText()
