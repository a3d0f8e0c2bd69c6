"""The Library panel with the real engine and a real database: the starter library is there on first
start, a template runs with a chain-of-thought variant, and self-consistency and tree of thought show
their votes and tree and are saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from workbench.gui.library_panel import LibraryPanel
from workbench.prompts.templates import variant_of
from workbench.store import template_files
from workbench.store.database import Database
from workbench.store.runs import RunStore
from workbench.store.templates import TemplateStore

from tests.helpers.stores import template_store
from tests.helpers.window import T, open_window


def _tree_names(panel: LibraryPanel) -> list[str]:
    return [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]


def test_starter_library_variants_run_and_are_saved(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    panel = win.library_panel
    qtbot.wait_until(lambda: panel.store is not None)
    names = _tree_names(panel)
    assert {"算术应用题", "arithmetic word problems", "舆情分析", "今天我很"} <= set(names)

    panel.filter.setText("arith")
    visible = [n for i, n in enumerate(names) if not panel.tree.topLevelItem(i).isHidden()]
    assert visible == ["arithmetic word problems"]
    panel.filter.setText("")

    # Zero-shot CoT through the editor: streamed like any run, saved with its template and variant.
    assert panel.select("arithmetic word problems", "zero-shot CoT")
    panel.fields["question"].setPlainText("Sam has 4 red and 3 blue balls. How many balls?")
    win.sampling.apply_preset("Deterministic")
    win.sampling.max_tokens.setValue(6)
    with qtbot.wait_signal(win.runFinished, timeout=T):
        panel.run_button.click()
    assert win.editors.mode() == "completion"
    assert win.editors.completion.toPlainText().endswith("How many balls?\nA: Let's think step by step.")
    win.recorder.flush()
    saved = win.recorder.store.list()[0]
    assert (saved.template, saved.variant) == ("arithmetic word problems@1", "zero_shot_cot")
    assert win.recorder.store.get(saved.id).details["variant"]["cue"] == "Let's think step by step."

    # Self-consistency in the background: the votes in the panel, the samples in the history.
    panel.select("arithmetic word problems", "self-consistency")
    with qtbot.wait_signal(win.runFinished, timeout=T * 4):
        panel.run_button.click()
    win.recorder.flush()
    row = win.recorder.store.get(win.recorder.store.list()[0].id)
    assert row.variant == "self_consistency" and len(row.details["samples"]) == row.details["variant"]["samples"]
    votes = row.details["votes"]
    assert panel.votes.rowCount() == len(votes) and panel.results.currentWidget() is panel.votes
    if votes:
        assert panel.votes.item(0, 0).text() == votes[0]["answer"]
    assert panel.summary.text().startswith("Majority answer:")
    win.history_panel.refresh()
    win.history_panel.table.selectRow(0)
    assert f"votes over {len(row.details['samples'])} samples" in win.history_panel.detail.toPlainText()
    win.history_panel.variant.setCurrentText("self_consistency")
    assert [r.id for r in win.history_panel.model.rows] == [row.id]
    win.history_panel.variant.setCurrentIndex(0)
    # Re-running it from the History repeats the whole vote with the same seed.
    with qtbot.wait_signal(win.runFinished, timeout=T * 4):
        assert win.rerun(row.id)
    win.recorder.flush()
    again = win.recorder.store.get(win.recorder.store.list()[0].id)
    assert again.id != row.id and again.template == row.template and again.variant == "self_consistency"
    assert [x["text"] for x in again.details["samples"]] == [x["text"] for x in row.details["samples"]]

    # Tree of thought: the explored tree with the best path, and the answer coloured in the output.
    panel.select("算术应用题", "tree-of-thought")
    with qtbot.wait_signal(win.runFinished, timeout=T * 4):
        panel.run_button.click()
    win.recorder.flush()
    row = win.recorder.store.get(win.recorder.store.list()[0].id)
    assert row.variant == "tree_of_thought" and row.template == "算术应用题@1"
    root = panel.thoughts.topLevelItem(0)
    assert root is not None and root.childCount() == len([n for n in row.details["nodes"] if n["depth"] == 1])
    # (A character cut by the token limit shows as nothing in the view and as U+FFFD in the text.)
    assert win.output.toPlainText() == row.output.rstrip("\ufffd") and len(win.output.tokens) == row.completion_tokens

    # Shown again from the History, a search brings its tree back into the panel.
    panel.thoughts.clear()
    assert win.show_run(row.id)
    assert panel.thoughts.topLevelItem(0).childCount() == len([n for n in row.details["nodes"] if n["depth"] == 1])

    # Editing the prompt by hand makes it the user's own: no template is recorded for it.
    panel.select("今天我很")
    panel.use_button.click()
    assert win.editors.completion.toPlainText() == "今天我很" and win.runs.origin is not None
    win.editors.completion.setPlainText("今天我很开心")
    assert win.runs.origin is None
    win.close()


def test_a_broken_variable_and_files_in_the_panel(qtbot: QtBot, tmp_path: Path) -> None:
    win = open_window(qtbot, model=None)
    panel = win.library_panel
    qtbot.wait_until(lambda: panel.store is not None)  # the library opens just after the window
    store: TemplateStore = panel.store
    store.add("needs", "Q: {{ q }}", variables=[{"name": "q"}])
    panel.refresh(select="needs")
    assert panel.version is not None and panel.version.name == "needs"
    panel.fields["q"].setPlainText("")
    assert win.use_library(panel.choice())  # an empty value is still a value
    panel.use_button.click()
    assert win.editors.completion.toPlainText() == "Q: "

    store.add("broken", "{{ q | no_such_filter }}", variables=[{"name": "q", "default": "x"}])
    panel.refresh(select="broken")
    assert not win.use_library(panel.choice())
    assert "no_such_filter" in panel.summary.text() and win.editors.completion.toPlainText() == "Q: "

    path = tmp_path / "lib.yaml"
    panel.export_file(str(path))
    other = template_store(tmp_path / "other.sqlite")
    assert "needs" in other.import_(template_files.read(path))

    panel.confirm_delete = lambda name: True  # type: ignore[method-assign]
    panel.refresh(select="needs")
    panel.delete_action.trigger()
    assert "needs" not in _tree_names(panel)
    win.close()


def test_write_a_template_and_its_next_version_in_the_editor(qtbot: QtBot) -> None:
    win = open_window(qtbot, model=None)
    panel = win.library_panel
    qtbot.wait_until(lambda: panel.store is not None)  # the library opens just after the window
    editor = panel.open_editor(new=True)
    assert editor is not None
    editor.name.setText("评论")
    editor.mode.setCurrentText("completion")
    editor.body.setPlainText("评论：{{ review }}\n{{ aspect }}：")
    assert editor.declare_used_variables() == ["review", "aspect"]
    editor.variants.setPlainText("- name: think\n  kind: zero_shot_cot\n  samples: 3\n")
    assert not editor.save()  # a setting the kind does not have: refused, the text stays
    assert "has no setting samples" in editor.error.text() and "samples: 3" in editor.variants.toPlainText()
    editor.variants.setPlainText("- name: think\n  kind: zero_shot_cot\n")
    editor.note.setText("first")
    with qtbot.wait_signal(editor.accepted, timeout=T):
        assert editor.save()
    assert panel.version is not None and panel.version.ref == "评论@1"
    assert variant_of(panel.store.resolve("评论"), "think")["cue"] == "让我们一步一步地思考。"

    editor = panel.open_editor(new=False)
    assert editor is not None and editor.body.toPlainText() == "评论：{{ review }}\n{{ aspect }}："
    editor.body.setPlainText("评论：{{ review }}\n方面：{{ aspect }}\n情感：")
    assert not editor.save() and "Say what changed" in editor.error.text()
    editor.note.setText("ask for the sentiment")
    with qtbot.wait_signal(editor.accepted, timeout=T):
        assert editor.save()
    assert [v.number for v in panel.store.versions("评论")] == [1, 2] and panel.version.number == 2
    diff = panel.show_diff()
    assert diff is not None and "+方面：{{ aspect }}" in diff.findChild(QPlainTextEdit).toPlainText()
    diff.close()

    panel.ask_text = lambda title, label, default="": "评论副本"  # type: ignore[method-assign]
    panel.duplicate_action.trigger()
    assert {"评论", "评论副本"} <= set(_tree_names(panel))
    panel.ask_text = lambda title, label, default="": "prod"  # type: ignore[method-assign]
    panel.label_action.trigger()
    assert panel.store.resolve("评论副本@prod").number == 1
    panel.archive_action.trigger()
    assert "评论副本" not in _tree_names(panel)
    panel.show_archived.setChecked(True)
    assert "评论副本" in _tree_names(panel)
    win.close()


def test_closing_the_window_mid_vote_keeps_what_was_found(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    panel = win.library_panel
    qtbot.wait_until(lambda: panel.store is not None)
    db_path = win.recorder.store.db.path
    assert panel.select("arithmetic word problems", "self-consistency")
    with qtbot.wait_signal(win.bridge.variantProgress, timeout=T, check_params_cb=lambda done, total, what: done >= 1):
        panel.run_button.click()
    win.close()  # during the second sample
    store = RunStore(Database(db_path))
    qtbot.wait_until(lambda: store.count() == 1, timeout=T)
    row = store.get(store.list()[0].id)
    assert row.variant == "self_consistency" and row.status == "cancelled"
    assert 1 <= len(row.details["samples"]) < row.details["variant"]["samples"]
    assert "Stopped after" in row.output
    # The closed engine started no new host for the samples that were left.
    assert win.bridge.client._proc is None
