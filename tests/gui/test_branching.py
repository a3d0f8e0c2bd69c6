"""Branching from an alternative token in the output, with the real engine."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.helpers.window import T, open_window, run_completion


def test_branch_from_an_alternative_and_navigate(qtbot: QtBot, model_path: Path) -> None:
    win = open_window(qtbot)
    first = run_completion(qtbot, win, "My favourite fruit is", 6)
    main_text = first.text
    assert not win.branch_box.isVisible()  # one branch only

    menu = win.output.branch_menu(1)
    choices = [a for a in menu.actions() if a.isEnabled()]
    assert len(choices) >= 5 and "%" in choices[0].text()
    with qtbot.wait_signal(win.runFinished, timeout=T) as branched:
        choices[0].trigger()
    branch = branched.args[0]
    alt = win.runs.session.tree.get(1).tokens[1]
    assert win.branch_box.isVisible() and win.branch_box.count() == 2
    assert win.runs.session.branch_id == 1 and branch.tokens[0].id == first.tokens[0].id
    assert branch.tokens[1].id == alt.id != first.tokens[1].id
    assert win.output.toPlainText() == branch.text != main_text

    # The tree in the Branches panel: main with branch 1 under it, raised when the branch came.
    panel = win.branches_panel
    assert win.branches_dock.isVisible()
    main_item = panel.view.topLevelItem(0)
    assert panel.view.topLevelItemCount() == 1 and main_item.childCount() == 1
    child = main_item.child(0)
    assert child.text(1) == "1" and "%" in child.text(2) and child.text(3) == str(len(branch.tokens))
    assert float(child.text(4)) == win.runs.session.tree.get(1).perplexity.__round__(2)
    # Side by side: the branch against the one it left, the shared first token greyed on both sides.
    assert (panel.left.currentData(), panel.right.currentData()) == (0, 1)
    assert panel.left_text.toPlainText().endswith(main_text) and panel.right_text.toPlainText().endswith(branch.text)
    for side in (panel.left_text, panel.right_text):
        assert '#8a8a8a;">' + first.tokens[0].text + "</span>" in side.toHtml()

    panel.view.itemClicked.emit(main_item, 0)  # choosing a row shows that branch
    assert win.runs.session.branch_id == 0 and win.output.toPlainText() == main_text
    win.show_branch(1)
    assert panel.view.currentItem() is child
    with qtbot.wait_signal(win.runFinished, timeout=T) as more:
        win.continue_action.trigger()
    assert more.args[0].text.startswith(branch.text) and len(win.runs.session.tree.get(1).tokens) > len(branch.tokens) - 1
    win.close()


def test_branching_a_run_of_another_model_offers_to_load_it(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    run_completion(qtbot, win, "Hello", 3, preset=None)
    win.runs.session.tree_model = "/elsewhere/other-model.gguf"  # as if another model were loaded since
    asked: list[str] = []
    win.confirm_load = lambda path: asked.append(path) or False  # type: ignore[method-assign]
    alt = win.output.tokens[0].top[1]
    assert not win.branch(0, alt)
    assert asked == ["/elsewhere/other-model.gguf"]
    win.close()


def test_colour_by_rank_and_entropy(qtbot: QtBot) -> None:
    from PySide6.QtGui import QTextCursor

    from workbench.gui.output_view import probability_colour

    win = open_window(qtbot)
    token = run_completion(qtbot, win, "Once upon a time", 5).tokens[0]
    assert token.rank == 0 and token.entropy is not None and token.entropy > 0

    def first_colour() -> str:
        cursor = QTextCursor(win.output.document())
        cursor.setPosition(1)
        return cursor.charFormat().background().color().name()

    assert first_colour() == probability_colour(token.prob).name()
    win.colour_box.setCurrentIndex(1)  # rank: greedy picks rank 0, the greenest
    assert first_colour() == probability_colour(1.0).name()
    win.colour_box.setCurrentIndex(2)
    assert first_colour() == probability_colour(max(0.0, 1 - token.entropy / 5)).name()
    win.close()
