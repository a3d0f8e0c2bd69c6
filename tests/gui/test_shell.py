"""The desktop shell, tried as a user would: every control does what its label says (real engine)."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from workbench.values.params import SamplerParams
from workbench.errors import BadInputError
from workbench.gui.app import create_window
from workbench.gui.main_window import MainWindow
from workbench.gui.sampling_panel import SamplingPanel
from workbench.gui.settings import AppSettings
from workbench.presets import PresetStore

from tests.helpers.stalling_host import stall_loads
from tests.helpers.window import T, exact_prompt_dialog, open_window, run_completion

@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    win = open_window(qtbot)
    yield win
    win.close()


# -- sampling panel -------------------------------------------------------------------------


def test_presets_apply_save_and_delete(qtbot: QtBot) -> None:
    panel = SamplingPanel(PresetStore())
    qtbot.addWidget(panel)
    items = [panel.preset.itemText(i) for i in range(panel.preset.count())]
    assert items == ["Deterministic", "Balanced", "Creative"]

    panel.apply_preset("Deterministic")
    assert panel.sampler().temperature == 0.0 and panel.sampler().top_k == 0
    assert not panel.delete_preset.isEnabled()  # built-in

    panel.temperature.setValue(0.33)
    assert panel.preset.currentText() == ""  # edited by hand: no longer the preset

    panel.top_k.setValue(7)
    panel.save_as("Mine")
    assert panel.current_preset() == "Mine" and panel.delete_preset.isEnabled()
    assert PresetStore().all()["Mine"].top_k == 7  # saved to disk

    panel.apply_preset("Creative")
    panel.apply_preset("Mine")
    assert (panel.sampler().temperature, panel.sampler().top_k) == (0.33, 7)

    panel.delete("Mine")
    assert "Mine" not in [panel.preset.itemText(i) for i in range(panel.preset.count())]
    assert "Mine" not in PresetStore().all()
    with pytest.raises(BadInputError, match="built-in"):
        panel.delete("Balanced")
    with pytest.raises(BadInputError, match="built-in"):
        panel.save_as("Creative")


def test_seed_and_stop_strings(qtbot: QtBot) -> None:
    panel = SamplingPanel(PresetStore())
    qtbot.addWidget(panel)
    assert panel.sampler().seed is None and not panel.seed.isEnabled()
    panel.fixed_seed.setChecked(True)
    panel.seed.setValue(99)
    assert panel.sampler().seed == 99
    panel.stop.setPlainText("###\nUser:\\n")
    assert panel.stop_strings() == ["###", "User:\n"]


# -- window: language, layout, shortcuts ----------------------------------------------------


def test_language_switch_changes_visible_labels(window: MainWindow) -> None:
    assert window.run_action.text() == "&Run"
    window.set_language("zh_CN")
    assert window.run_action.text() == "运行(&R)"
    assert window.sampling_dock.windowTitle() == "采样"
    assert window.sampling.labels["temperature"].text() == "温度(&T)"
    assert window.editors.tabText(0) == "对话"
    assert window.sampling.preset.itemText(0) == "确定性" and window.sampling.preset.itemData(0) == "Deterministic"
    assert window.editors.chat.rows[0].role.currentText() == "用户"
    assert window.editors.chat.messages() == []  # a fresh editor: one empty user message
    assert window.editors.chat.rows[0].message().role == "user"  # the role shown in Chinese is still "user"
    assert AppSettings().language() == "zh_CN"
    window.set_language("en")
    assert window.run_action.text() == "&Run"
    assert window.sampling_dock.windowTitle() == "Sampling"


def test_every_string_has_a_chinese_translation() -> None:
    ts = Path(__file__).parents[2] / "workbench" / "gui" / "i18n" / "workbench_zh_CN.ts"
    text = ts.read_text(encoding="utf-8")
    assert text.count("<source>") > 100
    assert 'type="unfinished"' not in text


def test_layout_mode_and_last_model_restored(qtbot: QtBot) -> None:
    first = open_window(qtbot)
    first.sampling_dock.hide()
    first.editors.set_mode("completion")
    first.splitter.setSizes([111, 500])
    saved_sizes = first.splitter.sizes()
    first.close()

    second = create_window()  # "last": the model used last time
    qtbot.addWidget(second)
    with qtbot.wait_signal(second.bridge.modelLoaded, timeout=T):
        second.show()
    assert not second.sampling_dock.isVisible()
    assert second.editors.mode() == "completion"
    assert second.splitter.sizes() == saved_sizes
    assert second.loaded is not None and second.loaded.n_ctx == first.loaded.n_ctx
    second.close()


def test_shortcuts_help_lists_the_keys(window: MainWindow) -> None:
    dialog = window.show_shortcuts()
    rows = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert rows["Run"].startswith("Ctrl+Return")
    assert rows["Stop"] == "Esc"
    assert rows["Regenerate"] == "Ctrl+R"
    assert "Ctrl+Shift+Return" in rows["Continue"]
    dialog.close()


# -- editors, exact prompt, token count, regenerate, continue ---------------------------------


def test_chat_editor_and_exact_prompt(qtbot: QtBot, window: MainWindow) -> None:
    window.editors.set_mode("chat")
    chat = window.editors.chat
    chat.system.setPlainText("Be terse.")
    chat.rows[0].text.setPlainText("Hi there")
    second = chat.add_message("assistant", "Hello.")
    chat.add_message("user", "How are you?")
    prompt = window.exact_prompt()
    assert prompt.startswith("<|im_start|>system\nBe terse.<|im_end|>")
    assert "<|im_start|>assistant\nHello.<|im_end|>" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")
    chat.remove_message(second)
    assert "Hello." not in window.exact_prompt()
    dialog = exact_prompt_dialog(qtbot, window)
    assert dialog.text.toPlainText() == window.exact_prompt()
    assert "characters" in dialog.summary.text()
    dialog.close()


def test_token_count_follows_typing(qtbot: QtBot, window: MainWindow) -> None:
    window.editors.set_mode("completion")
    with qtbot.wait_signal(window.tokenCountUpdated, timeout=T) as counted:
        window.editors.completion.setPlainText("one two three four five six seven eight")
    first = counted.args[0]
    assert first >= 8
    assert window.status.context_gauge.value() == first
    assert window.status.context_gauge.maximum() == window.loaded.n_ctx
    with qtbot.wait_signal(window.tokenCountUpdated, timeout=T) as counted:
        window.editors.completion.setPlainText("one two three four five six seven eight nine ten eleven twelve")
    assert counted.args[0] > first


def test_regenerate_and_continue(qtbot: QtBot, window: MainWindow) -> None:
    text = run_completion(qtbot, window, "The list of fruits: apple,", 6).text
    assert window.regenerate_action.isEnabled() and window.continue_action.isEnabled()
    with qtbot.wait_signal(window.runFinished, timeout=T) as again:
        window.regenerate_action.trigger()
    assert again.args[0].text == text  # greedy: the same again
    with qtbot.wait_signal(window.runFinished, timeout=T) as more:
        window.continue_action.trigger()
    longer = more.args[0].text
    assert longer.startswith(text) and len(longer) > len(text)
    assert window.output.toPlainText() == longer


# -- model manager --------------------------------------------------------------------------


def test_model_manager_shows_metadata_and_settings(qtbot: QtBot, window: MainWindow, model_path: Path) -> None:
    dialog = window.open_model_manager()
    assert dialog.current is not None and dialog.current.path == str(model_path)
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    assert headers[:6] == ["Name", "Size", "Quantization", "Architecture", "Parameters", "Context"]
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert row[2:6] == ["Q4_1", "llama", "135M", "8192"]
    assert "im_start" in dialog.template.toPlainText()
    assert "architecture: llama" in dialog.details.toPlainText()
    dialog.threads.setValue(409)  # more than this machine has: held at its core count
    assert dialog.threads.value() == dialog.threads.maximum() == (os.cpu_count() or 1)
    # No GPU in this build: the slider is off and says why.
    assert not dialog.gpu.isEnabled() and "no GPU support" in dialog.gpu_reason.text()
    assert dialog.gpu.maximum() == 31
    # The memory estimate follows the context size.
    dialog.ctx.setValue(2048)
    small = dialog.memory.text()
    dialog.ctx.setValue(8192)
    assert "Needs about" in small and dialog.memory.text() != small
    dialog.close()


def test_model_manager_load_with_settings_is_remembered(qtbot: QtBot, window: MainWindow, model_path: Path) -> None:
    dialog = window.open_model_manager()
    dialog.ctx.setValue(1024)
    dialog.batch.setValue(256)
    dialog.flash.setCurrentIndex(2)  # off
    with qtbot.wait_signal(window.bridge.modelLoaded, timeout=T) as loaded:
        assert dialog.start_load()
        assert dialog.progress.isVisible() and dialog.cancel_load.isVisible()
    assert loaded.args[0].n_ctx == 1024
    qtbot.wait_until(lambda: not dialog.isVisible())
    remembered = AppSettings().load_params_for(str(model_path))
    assert remembered is not None and (remembered.n_ctx, remembered.n_batch, remembered.flash_attn) == (1024, 256, False)
    again = window.open_model_manager()
    assert again.ctx.value() == 1024 and again.flash.currentIndex() == 2


def test_context_beyond_training_warns_and_asks(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.open_model_manager()
    dialog.ctx.setValue(16384)
    assert dialog.ctx_warning.isVisible() and "8192" in dialog.ctx_warning.text()
    asked: list[str] = []
    dialog.confirm = lambda title, question: asked.append(question) or False  # type: ignore[method-assign]
    assert not dialog.start_load()
    assert asked and "Load anyway?" in asked[0]
    dialog.confirm = lambda title, question: True  # type: ignore[method-assign]
    with qtbot.wait_signal(window.bridge.modelLoaded, timeout=T) as loaded:
        assert dialog.start_load()
    assert loaded.args[0].n_ctx == 16384
    assert "larger than the model was trained" in window.error.text()


def test_model_folders_are_scanned_and_problems_reported(tmp_path: Path, window: MainWindow, model_path: Path) -> None:
    folder = tmp_path / "models"
    (folder / "sub").mkdir(parents=True)
    os.symlink(model_path, folder / "sub" / "copy.gguf")
    (folder / "broken.gguf").write_bytes(b"GGUF" + b"\0" * 10)
    dialog = window.open_model_manager()
    dialog.add_folder_path(str(folder))
    assert dialog.folder_list() == [str(folder)]
    assert "broken.gguf" in dialog.problems.text()
    assert AppSettings().model_folders() == [str(folder)]
    shutil.rmtree(folder)  # the folder vanishes
    dialog.refresh()
    assert "no longer exists" in dialog.problems.text()
    dialog.close()


def test_model_manager_rejects_a_bad_file(tmp_path: Path, window: MainWindow) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_text("hello")
    dialog = window.open_model_manager()
    assert not dialog.add_model_file(str(bad))
    assert dialog.error.isVisible() and "not a GGUF model" in dialog.error.text()
    dialog.close()


def test_cancel_loading(qtbot: QtBot, model_path: Path) -> None:
    win = open_window(qtbot, model=None)
    # Direct: cancel from the loading thread at the first progress report, while the load runs.
    win.bridge.loadProgress.connect(lambda _f: win.bridge.cancel(), Qt.ConnectionType.DirectConnection)
    with qtbot.wait_signal(win.bridge.loadCancelled, timeout=T):
        assert win.load_model(str(model_path))
    assert win.loaded is None and win.status.model_label.text() == "No model"
    assert not win.run_action.isEnabled()
    with qtbot.wait_signal(win.bridge.modelLoaded, timeout=T):
        win.bridge.loadProgress.disconnect()
        assert win.load_model(str(model_path))
    win.close()


def test_second_load_while_loading_is_refused(qtbot: QtBot, model_path: Path) -> None:
    win = open_window(qtbot, model=None)
    with qtbot.wait_signal(win.bridge.modelLoaded, timeout=T):
        assert win.load_model(str(model_path))
        qtbot.wait_until(lambda: win.bridge.loading or win.loaded is not None, timeout=T)
        if win.bridge.loading:
            assert not win.load_model(str(model_path))
            assert "already loading" in win.error.text()
    win.close()


def test_engine_crash_during_load_is_reported(qtbot: QtBot, model_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    flag = tmp_path / "stall"
    stall_loads(monkeypatch, flag)  # the host waits at its first progress, to be killed there
    win = open_window(qtbot, model=None)
    win.bridge.client.start()
    pid = win.bridge.client.host_pid
    assert pid
    killed: list[int] = []

    def kill_once(_fraction: float) -> None:
        if not killed:
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)

    win.bridge.loadProgress.connect(kill_once, Qt.ConnectionType.DirectConnection)
    with qtbot.wait_signal(win.bridge.loadFailed, timeout=T) as failed:
        assert win.load_model(str(model_path))
    assert "SIGKILL" in failed.args[0]
    assert win.error.isVisible() and win.loaded is None
    win.bridge.loadProgress.disconnect()
    flag.unlink()
    with qtbot.wait_signal(win.bridge.modelLoaded, timeout=T):
        assert win.load_model(str(model_path))  # a fresh engine
    win.close()


def test_drop_a_gguf_file_loads_it(qtbot: QtBot, model_path: Path) -> None:
    win = open_window(qtbot, model=None)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(model_path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.wait_signal(win.bridge.modelLoaded, timeout=T):
        win.dropEvent(event)
    assert win.loaded is not None
    assert [a.text() for a in _recent_actions(win)] == [model_path.name]
    win.close()


def _recent_actions(win: MainWindow) -> list:
    win.models.fill_recent_menu(win.recent_menu)
    return win.recent_menu.actions()


def test_sampler_values_reach_the_engine(qtbot: QtBot, window: MainWindow) -> None:
    window.editors.set_mode("completion")
    window.editors.completion.setPlainText("Count: 1, 2, 3,")
    window.sampling.set_sampler(SamplerParams(temperature=0.0))
    window.sampling.max_tokens.setValue(3)
    window.sampling.stop.setPlainText("5")
    params = window.build_params()
    assert (params.sampler.temperature, params.max_tokens, params.stop) == (0.0, 3, ["5"])
