"""The window's messages speak to a user of the window: in its language (errors from the GGUF check,
the engine and the database included), naming its controls and never a command-line flag; table
headers, statuses and counts in Chinese too."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.helpers.runs import new_run
from tests.helpers.window import T, open_window
from workbench.errors import EngineCrashed, ModelFileError, StoreError, TemplateError
from workbench.gui.error_text import ErrorTexts, user_message
from workbench.gui.history_panel import HistoryPanel
from workbench.gui.history_recorder import HistoryRecorder
from workbench.gui.i18n import install_language
from workbench.messages import MESSAGES
from workbench.models.gguf import read_header
from workbench.values.params import LoadParams

CLI_FLAG = re.compile(r"(?<![\w-])--[a-z]")


@pytest.fixture
def chinese(qtbot: QtBot) -> Iterator[None]:
    install_language("zh_CN")
    yield
    install_language("en")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_window_words_every_message_key_itself(qtbot: QtBot) -> None:
    table = ErrorTexts().table()
    assert set(table) == set(MESSAGES)
    for key, text in table.items():
        assert fields(text) <= fields(MESSAGES[key]), key  # it can only say what the error carries
        assert not CLI_FLAG.search(text), key
    assert any(CLI_FLAG.search(text) for text in MESSAGES.values())  # the CLI's own words do name flags


def test_an_unknown_key_or_a_broken_translation_falls_back_to_english(qtbot: QtBot) -> None:
    assert user_message(StoreError("plain words")) == "plain words"
    odd = StoreError("English", key="db.no_such_key")
    assert user_message(odd) == "English"
    lost = StoreError.of("db.locked", path="/x.sqlite", seconds=10)
    lost.fields.pop("seconds")
    assert user_message(lost) == str(lost)


def test_a_bad_model_file_is_explained_in_chinese(qtbot: QtBot, tmp_path: Path, chinese: None) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_text("hello")
    with pytest.raises(ModelFileError) as caught:
        read_header(bad)
    english = str(caught.value)
    win = open_window(qtbot, model=None)
    install_language("zh_CN")  # the window has set the language of its settings
    dialog = win.open_model_manager()
    assert not dialog.add_model_file(str(bad))
    shown = dialog.error.text()
    assert str(bad) in shown and shown != english and "not a GGUF model" not in shown
    assert not CLI_FLAG.search(shown)

    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "broken.gguf").write_bytes(b"GGUF" + b"\0" * 10)
    dialog.add_folder_path(str(folder))
    problems = dialog.problems.text()
    assert "broken.gguf" in problems and "truncated" not in problems and "is not" not in problems
    dialog.close()
    win.close()


def test_engine_template_and_database_errors_are_in_chinese(qtbot: QtBot, chinese: None) -> None:
    for error in (
        EngineCrashed.of("engine.killed_said", signal="SIGKILL", output="GGML_ASSERT(x) failed"),
        TemplateError.of("template.undefined", what="template greeting@2", detail="'name' is undefined"),
        StoreError.of("db.read_only", path="/data/workbench.sqlite"),
    ):
        shown = user_message(error)
        assert shown != str(error) and not CLI_FLAG.search(shown)
        assert all(str(value) in shown for name, value in error.fields.items() if name != "what")
    assert "greeting@2" in user_message(TemplateError.of("template.syntax", what="template greeting@2", line=3, detail="x"))


def test_a_prompt_too_long_names_the_context_setting_not_the_flag(qtbot: QtBot) -> None:
    win = open_window(qtbot, model=None)
    with qtbot.wait_signal(win.bridge.modelLoaded, timeout=T):
        assert win.load_model("default", LoadParams(path="", n_ctx=256))
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("hello " * 400)
    with qtbot.wait_signal(win.bridge.runFinished, timeout=T) as finished:
        assert win.run_action.isEnabled()
        win.run_action.trigger()
    error = finished.args[0].error
    assert error is not None and "--ctx" in str(error)  # the command line's words are unchanged
    qtbot.wait_until(lambda: win.error.isVisible(), timeout=T)
    shown = win.error.text()
    assert "256" in shown and "--ctx" not in shown and "Models… → Context" in shown
    win.close()


def test_history_statuses_headers_and_counts_in_chinese(qtbot: QtBot, tmp_path: Path, chinese: None) -> None:
    path = tmp_path / "history.sqlite"
    recorder = HistoryRecorder(path)
    assert recorder.open(path)
    recorder.save(new_run(prompt="first"))
    recorder.save(new_run(prompt="second", status="cancelled"))
    recorder.flush()
    panel = HistoryPanel(recorder)
    qtbot.addWidget(panel)
    panel.refresh()
    model = panel.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "Status" not in headers and "Model" not in headers
    shown = {model.data(model.index(r, 4)) for r in range(model.rowCount())}
    assert len(shown) == 2 and not shown & {"ok", "cancelled"}
    assert {model.data(model.index(r, 3)) for r in range(model.rowCount())} != {"completion"}
    assert [panel.status.itemText(i) for i in range(1, panel.status.count())] != ["ok", "cancelled", "error"]
    panel.status.setCurrentIndex(2)  # filtering still uses the stored value
    assert [r.prompt for r in model.rows] == ["second"]
    assert "runs" not in panel.count.text()
    recorder.close()


def test_one_run_is_not_one_runs(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    recorder = HistoryRecorder(path)
    assert recorder.open(path)
    recorder.save(new_run(prompt="only"))
    recorder.flush()
    panel = HistoryPanel(recorder)
    qtbot.addWidget(panel)
    panel.refresh()
    assert panel.count.text() == "1 run"
    panel.table.selectRow(0)
    assert "4 prompt tokens" in panel.detail.toPlainText()
    recorder.close()


def test_the_next_token_summary_speaks_chinese(qtbot: QtBot, chinese: None) -> None:
    win = open_window(qtbot)
    install_language("zh_CN")
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("The capital of France is")
    with qtbot.wait_signal(win.next_panel.distributionReady, timeout=T) as shown:
        win.next_panel.next_button.click()
    summary = win.next_panel.summary.text()
    assert str(shown.args[0].stages[0]["kept"]) in summary  # the vocabulary's size, under its Chinese name
    assert "vocabulary" not in summary and "prompt tokens" not in summary and "entropy" not in summary
    win.close()
