"""The History panel with the real engine and a real database: runs saved from the window, found,
annotated, shown again with their tokens and branches, compared, re-run and deleted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from tests.helpers.window import T, open_window, run_completion
from tests.helpers.runs import new_run
from workbench.gui.settings import AppSettings


def saved_runs(win) -> list:  # type: ignore[no-untyped-def]
    win.recorder.flush()
    return win.recorder.store.list()


def test_runs_from_the_window_are_saved_found_and_shown_again(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    first = run_completion(qtbot, win, "My favourite fruit is", 6)
    second = run_completion(qtbot, win, "今天我很高兴，因为", 5)
    runs = saved_runs(win)
    assert [r.prompt for r in runs] == ["今天我很高兴，因为", "My favourite fruit is"]
    assert runs[1].output == first.text and runs[1].source == "gui" and runs[1].model.startswith("Smollm2")
    stored = win.recorder.store.tokens(runs[1].id)
    assert [t.id for t in stored] == [t.id for t in first.tokens] and len(stored[0].top) == 10

    panel = win.history_panel
    qtbot.wait_until(lambda: panel.model.total == 2, timeout=T)
    panel.search.setText("高兴")
    qtbot.wait_until(lambda: panel.model.total == 1, timeout=T)
    assert panel.model.rows[0].output == second.text
    panel.search.setText("")
    qtbot.wait_until(lambda: panel.model.total == 2, timeout=T)

    # Branch the first run: the branch is saved with it.
    win.show_run(runs[1].id)
    assert win.output.toPlainText() == first.text
    choice = next(a for a in win.output.tokens[1].top if a.id != first.tokens[1].id)
    with qtbot.wait_signal(win.runFinished, timeout=T):
        assert win.branch(1, choice)
    win.recorder.flush()
    tree = win.recorder.store.tree(runs[1].id)
    assert tree is not None and len(tree.branches) == 2 and tree.get(1).tokens[1].id == choice.id
    assert len(saved_runs(win)) == 2  # a branch belongs to its run, it is not a new run

    # Annotate, filter by star, compare, delete.
    panel.table.selectRow(1)
    assert panel.selected_ids() == [runs[1].id] and "My favourite fruit is" in panel.detail.toPlainText()
    panel.star.setChecked(True)
    panel.rating.setValue(4)
    panel.note.setText("good example")
    panel.note.editingFinished.emit()
    row = win.recorder.store.get(runs[1].id)
    assert (row.starred, row.rating, row.note) == (True, 4, "good example")
    panel.starred.setChecked(True)
    assert [r.id for r in panel.model.rows] == [runs[1].id]
    panel.starred.setChecked(False)
    panel.min_rating.setCurrentIndex(4)
    assert [r.id for r in panel.model.rows] == [runs[1].id]
    panel.min_rating.setCurrentIndex(5)
    assert panel.model.rows == []
    panel.min_rating.setCurrentIndex(0)
    assert panel.model_filter.count() == 2 and panel.model_filter.itemText(1).startswith("Smollm2")
    panel.model_filter.setCurrentIndex(1)
    assert len(panel.model.rows) == 2
    panel.model_filter.setCurrentIndex(0)

    dialog = win.compare_runs([runs[1].id, runs[0].id])
    assert dialog is not None and len(dialog.outputs) == 2
    stats = dict(dialog.stat_rows())
    assert stats["Tokens"] == [str(len(first.tokens)), str(len(second.tokens))]
    assert "<span" in dialog.outputs[1].toHtml()
    assert dialog.probability_diffs.count() == 1
    pair = dialog.comparison.pairs[0]
    divergence = dialog.probability_diffs.widget(0).findChild(QLabel, "divergence").text()
    assert divergence.startswith("They part at token") == (pair.divergence is not None)
    assert dialog.probability_diffs.widget(0).findChild(QTableWidget, "shifts").rowCount() == len(pair.shifts)
    dialog.close()

    panel.confirm_delete = lambda n: True  # type: ignore[method-assign]
    panel.table.selectRow(0)
    panel.delete_button.click()
    assert [r.id for r in saved_runs(win)] == [runs[1].id]
    win.close()


def test_rerun_repeats_a_seeded_run(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.sampling.fixed_seed.setChecked(True)
    win.sampling.seed.setValue(11)
    first = run_completion(qtbot, win, "Once upon a time", 8, preset=None)
    run_id = saved_runs(win)[0].id
    with qtbot.wait_signal(win.runFinished, timeout=T) as again:
        assert win.rerun(run_id)
    assert again.args[0].text == first.text
    assert len(saved_runs(win)) == 2
    win.close()


def test_unusable_database_leaves_the_app_working(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database " * 100)
    AppSettings().set_database_path(str(bad))
    win = open_window(qtbot)
    assert win.recorder.store is None
    assert win.status.history_status.isVisible() and "not a workbench database" in win.status.history_status.toolTip()
    assert "unavailable" in win.history_panel.count.text()
    generation = run_completion(qtbot, win, "Still works", 3)  # no history, but the run goes on
    assert len(generation.tokens) == 3
    assert bad.read_text().startswith("not a database")
    # File > History database...: another file, remembered for the next start.
    good = tmp_path / "good.sqlite"
    assert win.use_database(str(good)) and not win.status.history_status.isVisible()
    run_completion(qtbot, win, "Now saved", 3)
    assert [r.prompt for r in saved_runs(win)] == ["Now saved"] and win.recorder.path == good
    assert AppSettings().database_path() == str(good)
    assert not win.use_database(str(bad)) and "cannot be used" in win.error.text()
    assert win.recorder.path == good  # the good one stays in use
    win.close()


def test_the_list_pages_through_many_runs(qtbot: QtBot, tmp_path: Path) -> None:
    from workbench.gui.history_panel import PAGE, HistoryPanel
    from workbench.gui.history_recorder import HistoryRecorder
    from workbench.store.bench import fill
    from workbench.store.database import Database

    path = tmp_path / "many.sqlite"
    db = Database(path)
    fill(db, 2 * PAGE + 50, tokens_per_run=5)
    db.close()
    recorder = HistoryRecorder(path)
    assert not recorder.opened and recorder.open(path)  # the window opens it after its first paint
    panel = HistoryPanel(recorder)
    qtbot.addWidget(panel)
    model = panel.model
    assert len(model.rows) == PAGE and model.canFetchMore() and panel.count.text() == f"{2 * PAGE + 50} runs"
    while model.canFetchMore():
        model.fetchMore()
    ids = [r.id for r in model.rows]
    assert len(ids) == 2 * PAGE + 50 and ids == sorted(ids, reverse=True)  # newest first, none twice

    # A run saved while the user reads far down the list leaves the view where it was.
    panel.resize(900, 600)
    panel.show()
    qtbot.wait_exposed(panel)
    panel.table.scrollTo(model.index(2 * PAGE + 10, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    top = model.run_id(panel.table.rowAt(0))
    assert top == ids[2 * PAGE + 10]
    with qtbot.wait_signal(recorder.changed, timeout=T):
        assert recorder.save(new_run(prompt="a new run")) is not None
    assert model.rows[0].prompt == "a new run" and len(model.rows) == 2 * PAGE + 51
    assert model.run_id(panel.table.rowAt(0)) == top
    panel.table.scrollToTop()
    with qtbot.wait_signal(recorder.changed, timeout=T):
        recorder.save(new_run(prompt="another"))
    assert model.run_id(panel.table.rowAt(0)) == model.rows[0].id  # at the top, the new run shows

    panel.status.setCurrentIndex(2)  # cancelled: every 50th run of the generated ones
    assert model.total == len(model.rows) == 9 and {r.status for r in model.rows} == {"cancelled"}
    recorder.close()


def test_showing_a_saved_run_does_not_relabel_the_next_run_from_the_editor(qtbot: QtBot) -> None:
    """Show in output puts the run's prompt and settings back in the editor (issue 13); the
    user's own prompt is an undo step away, and a prompt the user writes after is theirs: not
    recorded as the shown run's template or vote."""
    win = open_window(qtbot)
    qtbot.wait_until(lambda: win.recorder.opened)
    store = win.recorder.store
    details = {"variant": {"name": "vote", "kind": "self_consistency"}, "task": {"mode": "chat", "system": "", "body": "2+2?", "examples": []}}
    stored = store.save(new_run(prompt="Q: 2+2?", template="arith@2", variant="self_consistency", details=details))  # type: ignore[arg-type]
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("My own prompt")
    win.sampling.max_tokens.setValue(3)
    assert win.show_run(stored)
    assert win.editors.completion.toPlainText() == "Q: 2+2?" and win.sampling.max_tokens.value() == 16
    assert win.sampling.temperature.value() == 0.7 and win.sampling.seed.value() == 5
    # A vote's last prompt run by hand is one plain generation, not a vote of the template.
    with qtbot.wait_signal(win.runFinished, timeout=T):
        win.run_action.trigger()
    win.recorder.flush()
    newest = store.get(store.list()[0].id)
    assert newest.prompt == "Q: 2+2?" and (newest.variant, newest.details) == (None, None)
    win.editors.completion.setPlainText("The sky is")
    win.sampling.max_tokens.setValue(3)
    with qtbot.wait_signal(win.runFinished, timeout=T) as finished:
        win.run_action.trigger()
    assert finished.args[0].tokens
    win.recorder.flush()
    newest = store.get(store.list()[0].id)
    assert newest.id != stored and newest.prompt == "The sky is"
    assert (newest.template, newest.variant, newest.details, newest.mode) == (None, None, None, "completion")
    assert win.undo_replace() and win.editors.completion.toPlainText() == "My own prompt"
    win.close()
