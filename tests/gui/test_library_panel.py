"""The Library panel with the real engine and a real database: the starter library is there on first
start, a template runs with a chain-of-thought variant, and self-consistency and tree of thought show
their votes and tree and are saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from workbench.gui.i18n import install_language
from workbench.gui.library_panel import LibraryPanel
from workbench.gui.template_editor import TemplateEditor
from workbench.prompts.templates import variant_of
from workbench.prompts.variant_runner import VariantResult
from workbench.store import template_files
from workbench.store.database import Database
from workbench.store.runs import RunStore
from workbench.store.starter import ensure_starter_library
from workbench.store.templates import TemplateStore

from tests.helpers.stores import template_store
from tests.helpers.window import T, open_window


def _tree_names(panel: LibraryPanel) -> list[str]:
    return [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]


def _visible(panel: LibraryPanel) -> set[str]:
    return {panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())
            if not panel.tree.topLevelItem(i).isHidden()}


@pytest.fixture
def panel(qtbot: QtBot, tmp_path: Path) -> LibraryPanel:
    """The panel alone, on a real database with the starter library."""
    store = template_store(tmp_path / "library.sqlite")
    ensure_starter_library(store)
    widget = LibraryPanel()
    qtbot.addWidget(widget)
    widget.set_store(store)
    return widget


TREE = {"kind": "tree_of_thought", "best": 1, "path": ["3 + 5 = 8"], "nodes": [
    {"id": 0, "parent": None, "depth": 0, "step": "", "score": None, "kept": True},
    {"id": 1, "parent": 0, "depth": 1, "step": "3 + 5 = 8", "score": 0.8, "p_yes": 0.4, "p_no": 0.1, "kept": True},
    {"id": 2, "parent": 0, "depth": 1, "step": "3 - 5", "score": 0.2, "p_yes": 0.1, "p_no": 0.4, "kept": False},
]}


def test_each_variant_is_listed_once(panel: LibraryPanel) -> None:
    assert panel.select("arithmetic word problems")  # declares all five kinds
    items = [(panel.variant_box.itemText(i), panel.variant_box.itemData(i)) for i in range(panel.variant_box.count())]
    assert items == [("as written (no variant)", ""), ("direct", "direct"), ("zero-shot CoT", "zero-shot CoT"),
                     ("few-shot CoT", "few-shot CoT"), ("self-consistency", "self-consistency"),
                     ("tree-of-thought", "tree-of-thought")]
    assert panel.select("review sentiment")  # no tree of thought declared: that kind with its defaults
    texts = [panel.variant_box.itemText(i) for i in range(panel.variant_box.count())]
    assert texts[1:] == ["direct", "zero-shot CoT", "few-shot CoT", "self-consistency", "tree-of-thought (defaults)"]


def test_the_filter_searches_names_descriptions_and_tags_in_both_languages(panel: LibraryPanel) -> None:
    injection = {"提示词注入-未防御", "提示词注入-已防御", "prompt injection - undefended", "prompt injection - defended"}
    for query in ("攻击", "Prompt 攻击", "security", "注入"):
        panel.filter.setText(query)
        assert _visible(panel) == injection, query
    panel.filter.setText("情感")  # a tag's Chinese word finds the English template too
    assert _visible(panel) == {"舆情分析", "review sentiment"}
    panel.filter.setText("GSM8K")  # a word of the description
    assert _visible(panel) == {"arithmetic word problems"}
    panel.filter.setText("中文 分类")  # every word: Chinese templates about classification
    assert _visible(panel) == {"舆情分析", "分类"}


def test_filtering_out_the_chosen_template_leaves_nothing_stale(panel: LibraryPanel) -> None:
    assert panel.select("分类")
    panel.fields["text"].setPlainText("我自己的工单")
    assert panel.description.text() and panel.edit_button.isEnabled() and panel.run_button.isEnabled()
    panel.filter.setText("json")
    assert panel.version is None and panel.description.text() == "" and panel.fields == {}
    assert not panel.edit_button.isEnabled() and not panel.run_button.isEnabled() and not panel.use_button.isEnabled()
    assert panel.choice() is None
    panel.filter.setText("分类")  # still visible: the choice stays
    assert panel.select("分类") and panel.version is not None
    assert panel.fields["text"].toPlainText() == "我自己的工单"  # what was typed came back
    panel.filter.setText("arith")
    assert panel.select("分类") and panel.filter.text() == ""  # asked for by name: shown


def test_empty_variables_are_refused_unless_declared_optional(qtbot: QtBot, panel: LibraryPanel) -> None:
    store = panel.store
    assert store is not None
    store.add("optional", "Q: {{ q }}{{ note }}", variables=[{"name": "q"}, {"name": "note", "default": ""}])
    panel.refresh(select="optional")
    panel.show()
    assert panel.fields["q"].placeholderText() == "required"
    assert panel.fields["note"].placeholderText() == "optional: may be left empty"
    with qtbot.assert_not_emitted(panel.runRequested):
        panel.run_button.click()
    assert panel.form_message.text() == "Fill in q: the template needs a value for it."
    panel.fields["q"].setPlainText("2+2?")
    with qtbot.wait_signal(panel.runRequested) as sent:
        panel.run_button.click()
    assert sent.args[0].values == {"q": "2+2?", "note": ""} and panel.form_message.isHidden()


def test_a_result_is_cleared_by_another_run_and_follows_the_language(panel: LibraryPanel) -> None:
    panel.show_result(VariantResult("Q: 3 + 5?\nA:", " 8 apples\n", [], None, TREE))
    assert panel.thoughts.topLevelItem(0).childCount() == 2 and panel.results.currentWidget() is panel.thoughts
    assert panel.summary.text() == "Answer from the best path: 8 apples"
    try:
        install_language("zh_CN")
        assert panel.summary.text() == "最佳路径给出的答案：8 apples"
        assert panel.thoughts.topLevelItem(0).text(0) == "（问题）"
        assert panel.thoughts.headerItem().text(0) != "Step"
    finally:
        install_language("en")
    assert panel.summary.text() == "Answer from the best path: 8 apples"
    panel.clear_result()
    assert panel.thoughts.topLevelItemCount() == 0 and panel.summary.text() == "" and panel.results.currentIndex() == 0
    install_language("zh_CN")  # nothing comes back with the language
    try:
        assert panel.summary.text() == "" and panel.thoughts.topLevelItemCount() == 0
    finally:
        install_language("en")


def test_the_editor_names_its_own_fields_for_an_undeclared_variable(qtbot: QtBot, panel: LibraryPanel) -> None:
    assert panel.store is not None
    editor = TemplateEditor(panel.store)
    qtbot.addWidget(editor)
    editor.name.setText("who")
    editor.body.setPlainText("Hello {{ name }}")
    assert not editor.save()
    message = editor.error.text()
    assert "Variables tab" in message and "name" in message and "--var" not in message
    assert editor.declare_used_variables() == ["name"]
    assert editor.save() and editor.saved is not None and editor.saved.variables[0]["default"] is None  # required


def test_starter_library_variants_run_and_are_saved(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    panel = win.library_panel
    qtbot.wait_until(lambda: panel.store is not None)
    names = _tree_names(panel)
    assert {"算术应用题", "arithmetic word problems", "舆情分析", "今天我很"} <= set(names)

    panel.filter.setText("arith")
    visible = [n for i, n in enumerate(names) if not panel.tree.topLevelItem(i).isHidden()]
    assert set(visible) == {"arithmetic word problems", "算术应用题"}  # its tag's words in both languages
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
    assert panel.votes.answers.rowCount() == len(votes) and panel.results.currentWidget() is panel.votes
    if votes:
        assert panel.votes.answers.item(0, 0).text() == votes[0]["answer"]
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
    with qtbot.wait_signal(win.libraryApplied, timeout=T):  # rendered in the background
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
    panel.fields["q"].setPlainText("  ")
    with qtbot.assert_not_emitted(panel.useRequested):
        panel.use_button.click()  # a required value left empty: refused in the panel, what was typed kept
    assert "Fill in q" in panel.form_message.text() and not panel.form_message.isHidden()
    assert panel.fields["q"].toPlainText() == "  "
    panel.fields["q"].setPlainText("x")
    with qtbot.wait_signal(win.libraryApplied, timeout=T):
        panel.use_button.click()
    assert win.editors.completion.toPlainText() == "Q: x" and panel.form_message.isHidden()

    store.add("broken", "{{ q | no_such_filter }}", variables=[{"name": "q", "default": "x"}])
    panel.refresh(select="broken")
    with qtbot.wait_signal(win.libraryFailed, timeout=T):
        win.use_library(panel.choice())
    assert "no_such_filter" in panel.summary.text() and win.editors.completion.toPlainText() == "Q: x"

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
