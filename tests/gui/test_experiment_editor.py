"""The experiment editor: the starter definition is valid, the form and the YAML stay in step
(keys the form does not show survive it), and a broken definition says where it is broken."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from workbench.errors import ExperimentFileError
from workbench.gui.experiment_editor import ExperimentEditor

CHINESE = """\
name: 舆情分析：直接 vs 思维链
description: 中文评论的情感分类
prompts:
  - id: 直接
    text: "评论：{{ review }}\\n情感："
dataset:
  - {review: 物流很快，包装完好。, label: 正面}
  - {review: 质量太差，再也不买了。, label: 负面}
classify: {labels: [正面, 负面, 中性], expected: label}
"""


@pytest.fixture
def editor(qtbot: QtBot) -> ExperimentEditor:
    widget = ExperimentEditor()
    qtbot.addWidget(widget)
    widget.resize(900, 650)
    widget.show()
    return widget


def _edit_yaml(editor: ExperimentEditor, text: str) -> None:
    """Type a new text on the YAML tab, as a user would replace it."""
    editor.tabs.setCurrentIndex(1)
    editor.yaml.selectAll()
    editor.yaml.insertPlainText(text)


def _type_chinese(field: QLineEdit, text: str) -> None:
    """What an input method does when the user picks the characters (QTest can only type Latin-1)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(field, event)


def test_the_starter_is_a_runnable_experiment(editor: ExperimentEditor) -> None:
    editor.new_definition()
    assert editor.is_valid()
    experiment = editor.experiment()
    assert [c.id for c in experiment.columns()] == ["review"]
    assert [row["label"] for row in experiment.dataset.rows] == ["正面", "负面", "中性"]
    assert experiment.classify.labels == ("正面", "负面", "中性") and experiment.classify.expected == "label"
    assert experiment.assertions == ({"type": "contains", "value": "{{ label }}"},)
    assert experiment.max_tokens == 16 and experiment.sampler.temperature == 0
    assert editor.status.text() == "Valid: 1 column × 3 inline rows"
    assert editor.dataset.isReadOnly() and editor.dataset.text() == "3 inline rows (edit in YAML)"
    assert editor.tabs.currentIndex() == 0 and editor.name.text() == "评论情感分类（示例）"


def test_editing_the_form_rewrites_the_yaml(qtbot: QtBot, editor: ExperimentEditor) -> None:
    with qtbot.wait_signal(editor.changed):
        editor.temperature.setValue(0.7)
    assert editor.definition()["sampler"] == {"temperature": 0.7, "max_tokens": 16}
    editor.prompts.add_button.click()
    table = editor.prompts.table
    row = table.rowCount() - 1
    table.item(row, 0).setText("terse")
    table.item(row, 2).setText("评论：{{ review }}\n情感：")
    table.item(row, 3).setText("direct, zero_shot_cot")
    assert editor.definition()["prompts"][1] == {"id": "terse", "text": "评论：{{ review }}\n情感：",
                                                 "variants": ["direct", "zero_shot_cot"]}
    assert "temperature: 0.7" in editor.text()
    assert editor.is_valid()  # checks at once, without waiting for the debounced check
    assert [c.id for c in editor.experiment().columns()] == ["review", "terse/direct", "terse/zero_shot_cot"]
    assert editor.status.text() == "Valid: 3 columns × 3 inline rows"


def test_yaml_edits_reach_the_form_and_unknown_keys_survive_it(qtbot: QtBot, editor: ExperimentEditor) -> None:
    data = editor.definition()
    data["name"] = "阈值实验"
    data["threshold"] = 0.5
    data["models"] = [{"path": "default", "ctx": 2048}]
    data["assert"] = [{"type": "contains", "value": "{{ label }}", "extract": {"rule": "last_line"}}]
    _edit_yaml(editor, yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "# a comment\n")
    assert editor.name.text() == "评论情感分类（示例）"  # not yet: the form loads when it is shown
    editor.tabs.setCurrentIndex(0)
    assert editor.tabs.currentIndex() == 0
    assert editor.name.text() == "阈值实验"
    assert editor.models.item(0).text() == "default"
    editor.max_tokens.setValue(32)
    editor.assertions.table.item(0, 2).setText("2")
    written = editor.definition()
    assert written["threshold"] == 0.5
    assert written["models"] == [{"path": "default", "ctx": 2048}]
    assert written["assert"] == [{"type": "contains", "value": "{{ label }}", "extract": {"rule": "last_line"}, "weight": 2}]
    assert written["sampler"] == {"temperature": 0, "max_tokens": 32}
    assert "# a comment" not in editor.text()  # as the form's note says
    assert list(written)[:9] == ["name", "description", "prompts", "dataset", "models", "sampler", "threshold",
                                 "assert", "classify"]
    experiment = editor.experiment()
    assert experiment.threshold == 0.5 and experiment.models[0].settings.n_ctx == 2048
    assert experiment.max_tokens == 32 and experiment.assertions[0]["weight"] == 2


def test_an_invalid_definition_says_which_line_and_fixing_it_says_so(qtbot: QtBot, editor: ExperimentEditor) -> None:
    assert editor.is_valid()
    good = editor.text()
    bad = good.replace("max_tokens: 16", "max_tokens: 0")
    line = bad.splitlines().index("  max_tokens: 0") + 1
    with qtbot.wait_signal(editor.validityChanged, timeout=2000) as blocker:
        _edit_yaml(editor, bad)
    assert blocker.args == [False]
    assert not editor.is_valid()
    assert editor.status.text().startswith(f"Line {line}: sampler.max_tokens: 0 is less than the minimum of 1")
    assert editor.go_to_line.isVisible() and editor.go_to_line.text() == f"Go to line {line}"
    [highlight] = editor.yaml.extraSelections()
    assert highlight.cursor.blockNumber() == line - 1
    editor.yaml.moveCursor(editor.yaml.textCursor().MoveOperation.Start)
    editor.go_to_line.click()
    assert editor.yaml.textCursor().blockNumber() == line - 1
    with qtbot.wait_signal(editor.validityChanged, timeout=2000) as blocker:
        _edit_yaml(editor, good)
    assert blocker.args == [True]
    assert editor.status.text() == "Valid: 1 column × 3 inline rows"
    assert not editor.go_to_line.isVisible() and editor.yaml.extraSelections() == []


def test_a_file_names_itself_and_its_line(editor: ExperimentEditor, tmp_path: Path) -> None:
    source = tmp_path / "评测.yaml"
    editor.set_text("prompts:\n  - {id: a, text: hi}\ndataset: reviews.csv\nrepeats: 0\n", str(source))
    assert not editor.is_valid()
    assert editor.status.text().startswith(f"{source}, line 4: repeats: 0 is less than the minimum of 1")
    editor.set_text("prompts:\n  - {id: a, text: hi}\ndataset: reviews.csv\n", str(source))
    assert editor.is_valid() and editor.status.text() == "Valid: 1 column × rows from reviews.csv"
    assert editor.experiment().dataset.path == (tmp_path / "reviews.csv").resolve()
    assert editor.experiment().name == "评测"
    assert not editor.dataset.isReadOnly() and editor.dataset.text() == "reviews.csv"


def test_broken_yaml_keeps_the_form_closed(qtbot: QtBot, editor: ExperimentEditor) -> None:
    _edit_yaml(editor, "name: 坏的\nprompts: [ {id: a\n")
    editor.tabs.setCurrentIndex(0)
    assert editor.tabs.currentIndex() == 1  # back on the YAML, which must be fixed first
    assert editor.name.text() == "评论情感分类（示例）"
    assert editor.status.text().startswith("Line 3: this is not valid YAML: while parsing a flow mapping")
    assert editor.definition() is None and not editor.is_valid()
    with pytest.raises(ExperimentFileError, match="not valid YAML") as caught:
        editor.experiment()
    assert caught.value.line == 3


def test_a_definition_that_is_not_a_mapping_opens_on_the_yaml(editor: ExperimentEditor) -> None:
    editor.set_text("- just\n- a list\n")
    assert editor.tabs.currentIndex() == 1
    assert "an experiment is a mapping" in editor.status.text()


def test_chinese_text_round_trips(qtbot: QtBot, editor: ExperimentEditor) -> None:
    editor.set_text(CHINESE)
    assert editor.is_valid() and editor.name.text() == "舆情分析：直接 vs 思维链"
    assert editor.labels.text() == "正面, 负面, 中性"
    editor.description.clear()
    _type_chinese(editor.description, "中文评论，三个标签")
    data = editor.definition()
    assert data["description"] == "中文评论，三个标签"
    assert data["name"] == "舆情分析：直接 vs 思维链"
    assert data["prompts"] == [{"id": "直接", "text": "评论：{{ review }}\n情感："}]
    assert data["dataset"][0] == {"review": "物流很快，包装完好。", "label": "正面"}
    assert "舆情分析" in editor.text() and "\\u" not in editor.text()
    editor.labels.clear()
    _type_chinese(editor.labels, "好，坏")  # a Chinese comma separates too
    assert editor.experiment().classify.labels == ("好", "坏")


def test_classify_and_stop_and_the_library(qtbot: QtBot, editor: ExperimentEditor) -> None:
    editor.classify.setChecked(False)
    assert "classify" not in editor.definition() and not editor.labels.isEnabled()
    editor.classify.setChecked(True)
    assert editor.definition()["classify"] == {"labels": ["正面", "负面", "中性"], "expected": "label"}
    qtbot.keyClicks(editor.stop, r"\n, ###")
    assert editor.definition()["sampler"]["stop"] == ["\n", "###"]
    editor.set_template_names(["舆情分析@production"])
    assert editor.library.isVisible()
    editor.library.activated.emit(1)  # as when the user picks it
    assert editor.definition()["prompts"][-1] == {"id": "舆情分析", "template": "舆情分析@production"}
    editor.prompts.table.setCurrentCell(0, 0)
    editor.prompts.remove_button.click()
    assert [p["id"] for p in editor.definition()["prompts"]] == ["舆情分析"]
    chat = editor.prompts.table.item(0, 4)
    chat.setCheckState(Qt.CheckState.Checked)
    assert editor.definition()["prompts"][0]["chat"] is True
