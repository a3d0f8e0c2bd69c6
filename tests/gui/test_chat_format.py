"""The chat format in the window, tried as a user would (real engine, offscreen): the picker of a
model's load settings, the status bar, the exact prompt, the history, remembered per model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers.models import gemma_model_path
from tests.helpers.window import T, exact_prompt_dialog, open_window
from workbench.gui.app import create_window
from workbench.gui.main_window import MainWindow
from workbench.gui.model_manager import ModelManagerDialog
from workbench.gui.settings import AppSettings
from workbench.prompts.chat_formats import BUILTIN, CUSTOM, GGUF, FormatChoice


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    win = open_window(qtbot)
    yield win
    win.close()


def choose(dialog: ModelManagerDialog, data: str) -> None:
    combo = dialog.chat_format.combo
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def chat(win: MainWindow, text: str) -> None:
    win.editors.set_mode("chat")
    win.editors.chat.rows[0].text.setPlainText(text)


def test_the_picker_lists_automatic_the_files_own_the_builtins_and_custom(window: MainWindow) -> None:
    dialog = window.open_model_manager()
    combo = dialog.chat_format.combo
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts[0] == "Automatic (the model's own template)"  # SmolLM2 carries one
    assert texts[1] == "The model's own template" and combo.model().item(1).isEnabled()
    assert texts[2:-1] == [f.title for f in BUILTIN.values()]
    assert texts[-1] == "Custom Jinja template…"
    assert combo.currentIndex() == 0 and not dialog.chat_format.editor.isVisible()
    assert window.status.chat_label.text() == "Chat: the model's own template"
    assert not window.status.chat_label.styleSheet()
    dialog.close()


def test_gemma_for_smollm2_writes_the_prompt_is_shown_and_remembered(qtbot: QtBot, model_path: Path) -> None:
    win = open_window(qtbot)
    chat(win, "Hi")
    dialog = win.open_model_manager()
    choose(dialog, "gemma")
    assert win.format_choice == FormatChoice(name="gemma")
    prompt = win.exact_prompt()
    assert "<start_of_turn>user\nHi<end_of_turn>\n" in prompt and prompt.endswith("<start_of_turn>model\n")
    label = win.status.chat_label
    assert label.text() == "Chat: Gemma"
    # SmolLM2's vocabulary lacks Gemma's markers: said in the tooltip, and the label asks for attention.
    assert "<start_of_turn>" in label.toolTip() and "lacks them" in label.toolTip()
    assert label.styleSheet()
    assert "lacks them" in dialog.chat_format.message.text()
    shown = exact_prompt_dialog(qtbot, win)
    assert shown.text.toPlainText() == prompt
    assert "Gemma" in shown.chat_format.text() and "lacks them" in shown.chat_format.text()
    shown.close()
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("Once upon a time")
    shown = exact_prompt_dialog(qtbot, win)
    assert "no chat format applies" in shown.chat_format.text()
    shown.close()
    dialog.close()
    win.close()
    assert AppSettings().chat_format_for(str(model_path)) == FormatChoice(name="gemma")

    again = create_window()  # the last model, with its chat format
    qtbot.addWidget(again)
    with qtbot.wait_signal(again.bridge.modelLoaded, timeout=T):
        again.show()
    assert again.format_choice == FormatChoice(name="gemma")
    assert again.status.chat_label.text() == "Chat: Gemma"
    chat(again, "Hi")
    assert "<start_of_turn>user\nHi" in again.exact_prompt()
    manager = again.open_model_manager()
    assert manager.chat_format.combo.currentData() == "gemma"
    manager.close()
    again.close()


def test_a_custom_template_with_a_syntax_error_is_refused_and_the_old_choice_kept(window: MainWindow, model_path: Path) -> None:
    dialog = window.open_model_manager()
    picker = dialog.chat_format
    choose(dialog, "chatml")
    choose(dialog, CUSTOM)
    assert picker.editor.isVisible() and "im_start" in picker.editor.toPlainText()  # the file's own, to start from
    assert window.format_choice == FormatChoice(name="chatml")  # not applied until used

    picker.editor.setPlainText("{% for m in messages %}\n{{ m.content }\n{% endfor %}")
    assert not picker.apply_custom()
    assert "line 2" in picker.message.text() and "ChatML" in picker.message.text()
    assert window.format_choice == FormatChoice(name="chatml")
    assert AppSettings().chat_format_for(str(model_path)) == FormatChoice(name="chatml")
    assert window.status.chat_label.text() == "Chat: ChatML"
    assert not dialog.start_load()  # Load checks the template being written too

    # No generation prompt: a warning, but the template is used.
    template = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    picker.editor.setPlainText(template)
    assert picker.apply_custom()
    assert "generation prompt" in picker.message.text()
    assert window.format_choice == FormatChoice(template=template)
    assert window.status.chat_label.text() == "Chat: custom template"
    chat(window, "Hi")
    assert window.exact_prompt() == "<|im_start|>user\nHi<|im_end|>\n"
    dialog.close()


def test_a_chat_run_records_its_chat_format(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.open_model_manager()
    choose(dialog, "chatml")
    dialog.close()
    chat(window, "Name a colour.")
    window.sampling.apply_preset("Deterministic")
    window.sampling.max_tokens.setValue(2)
    with qtbot.wait_signal(window.runFinished, timeout=T):
        window.run_action.trigger()
    assert window.runs.saved is not None
    row = window.recorder.store.get(window.runs.saved.result(timeout=10))
    assert row.mode == "chat" and row.chat_format == "chatml"


def test_gemma_3_shows_its_detected_format_and_a_choice_it_cannot_take_falls_back(qtbot: QtBot) -> None:
    path = str(gemma_model_path())
    AppSettings().remember_chat_format(path, FormatChoice(name=GGUF))  # the file has no template of its own
    win = open_window(qtbot, path)
    assert "no chat template of its own" in win.error.text() and win.error.isVisible()
    assert win.format_choice == FormatChoice()
    label = win.status.chat_label
    assert label.text() == "Chat: Gemma"
    assert "chosen from its architecture (gemma3)" in label.toolTip()
    assert not label.styleSheet()  # detected, and the vocabulary holds its markers
    chat(win, "Hi")
    assert "<start_of_turn>user\nHi<end_of_turn>" in win.exact_prompt()
    dialog = win.open_model_manager()
    combo = dialog.chat_format.combo
    assert combo.itemText(0) == "Automatic (Gemma, chosen from its architecture and vocabulary)"
    assert not combo.model().item(combo.findData(GGUF)).isEnabled()
    assert combo.currentIndex() == 0
    dialog.close()
    win.close()


def test_a_broken_remembered_entry_reads_as_automatic(qtbot: QtBot) -> None:
    settings = AppSettings()
    settings._set("model/chat_formats", '{"/a.gguf": {"name": "gemma", "template": "x"}, "/b.gguf": 3}')
    assert settings.chat_format_for("/a.gguf") == FormatChoice()
    assert settings.chat_format_for("/b.gguf") == FormatChoice()
    settings._set("model/chat_formats", "not json")
    assert settings.chat_format_for("/a.gguf") == FormatChoice()
    settings.remember_chat_format("/a.gguf", FormatChoice(name="gemma"))
    assert settings.chat_format_for("/a.gguf") == FormatChoice(name="gemma")
    settings.remember_chat_format("/a.gguf", FormatChoice())
    assert settings.chat_format_for("/a.gguf") == FormatChoice()
