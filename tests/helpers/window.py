"""The real main window for GUI tests: opened with a real engine and the bundled model."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from workbench.gui.app import create_window
from workbench.gui.dialogs import ExactPromptDialog
from workbench.gui.main_window import MainWindow

T = 60_000


def open_window(qtbot: QtBot, model: str | None = "default") -> MainWindow:
    win = create_window(model=None)
    qtbot.addWidget(win)
    win.show()
    if model:
        with qtbot.wait_signal(win.bridge.modelLoaded, timeout=T):
            assert win.load_model(model)
    return win


def exact_prompt_dialog(qtbot: QtBot, win: MainWindow) -> ExactPromptDialog:
    """Open the exact prompt (it renders in the background) and return its dialog."""
    with qtbot.wait_signal(win.exactPromptShown, timeout=T) as shown:
        win.show_exact_prompt()
    return shown.args[0]


def run_completion(qtbot: QtBot, win: MainWindow, text: str, max_tokens: int, preset: str | None = "Deterministic") -> object:
    """Run ``text`` in completion mode and return the finished Generation."""
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText(text)
    if preset:
        win.sampling.apply_preset(preset)
    win.sampling.max_tokens.setValue(max_tokens)
    with qtbot.wait_signal(win.runFinished, timeout=T) as finished:
        win.run_action.trigger()
    return finished.args[0]
