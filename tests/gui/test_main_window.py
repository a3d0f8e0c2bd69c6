"""The first window with the real engine, offscreen: load, run, stream, stop, errors, close."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers.window import run_completion
from workbench.gui.app import create_window
from workbench.gui.main_window import MainWindow
from workbench.store.database import Database
from workbench.store.runs import RunStore
from workbench.values.params import SamplerParams

LOAD_TIMEOUT_MS = 60_000
RUN_TIMEOUT_MS = 60_000


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    win = create_window(model=None)
    qtbot.addWidget(win)
    win.show()
    with qtbot.wait_signal(win.bridge.modelLoaded, timeout=LOAD_TIMEOUT_MS):
        assert win.load_model("default")
    yield win
    win.close()


def test_model_loads_in_background_with_progress(qtbot: QtBot) -> None:
    win = create_window(model=None)
    qtbot.addWidget(win)
    win.show()
    assert not win.run_action.isEnabled()  # nothing to run yet
    with qtbot.wait_signal(win.bridge.modelLoaded, timeout=LOAD_TIMEOUT_MS):
        win.load_model("default")
        assert win.status.load_progress.isVisible()
        assert win.status.model_label.text().startswith("Loading")
    assert not win.status.load_progress.isVisible()
    assert "Smollm2" in win.status.model_label.text()
    assert win.status.backend_label.text() == "CPU"
    assert win.run_action.isEnabled()
    win.close()


def test_run_streams_coloured_tokens(qtbot: QtBot, window: MainWindow) -> None:
    window.sampling.fixed_seed.setChecked(True)
    window.sampling.seed.setValue(42)
    generation = run_completion(qtbot, window, "Name a colour.", 12, preset=None)
    assert generation.done.finish_reason == "length"  # seed 42 runs its 12 tokens
    assert window.output.tokens and len(window.output.tokens) == len(generation.tokens)
    assert window.output.toPlainText() == generation.text
    assert "tok/s" in window.status.speed_label.text()
    assert window.status.context_gauge.value() == generation.done.prompt_tokens + generation.done.completion_tokens
    tip = window.output.tooltip_html(window.output.tokens[0])
    assert "%" in tip and "logprob" in tip
    assert window.output.token_at(0) is window.output.tokens[0]


def test_stop_cancels_a_long_run(qtbot: QtBot, window: MainWindow) -> None:
    window.sampling.max_tokens.setValue(5000)
    window.sampling.temperature.setValue(1.5)
    window.editors.set_mode("completion")
    window.editors.completion.setPlainText("Once upon a time")
    with qtbot.wait_signal(window.runFinished, timeout=RUN_TIMEOUT_MS) as finished:
        with qtbot.wait_signal(window.bridge.tokensArrived, timeout=RUN_TIMEOUT_MS):
            window.run_action.trigger()
        assert window.stop_action.isEnabled() and not window.run_action.isEnabled()
        window.stop_action.trigger()
    assert finished.args[0].done.finish_reason == "cancelled"
    assert "stopped" in window.status.speed_label.text()
    qtbot.wait_until(lambda: window.run_action.isEnabled())
    assert not window.stop_action.isEnabled()


def test_empty_prompt_is_explained(window: MainWindow) -> None:
    window.editors.set_mode("completion")
    window.editors.completion.setPlainText("   ")
    window.run_action.trigger()
    assert window.error.isVisible()
    assert "empty" in window.error.text()


def test_bad_model_file_shows_reason_and_keeps_model(tmp_path: Path, window: MainWindow) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"\0" * 1000)
    assert not window.load_model(str(junk))
    assert window.error.isVisible() and "not a GGUF model" in window.error.text()
    assert window.run_action.isEnabled()  # the loaded model is still there


def test_engine_crash_is_reported_and_next_run_works(qtbot: QtBot, window: MainWindow) -> None:
    window.sampling.max_tokens.setValue(3000)
    window.editors.set_mode("completion")
    window.editors.completion.setPlainText("Once upon a time")
    pid = window.bridge.client.host_pid
    assert pid
    with qtbot.wait_signal(window.bridge.runFinished, timeout=RUN_TIMEOUT_MS) as failed:
        with qtbot.wait_signal(window.bridge.tokensArrived, timeout=RUN_TIMEOUT_MS):
            window.run_action.trigger()
        os.kill(pid, signal.SIGKILL)
    assert "SIGKILL" in str(failed.args[0].error)
    assert window.error.isVisible()
    qtbot.wait_until(lambda: window.run_action.isEnabled())
    generation = run_completion(qtbot, window, "Hello", 4, preset=None)
    assert generation.tokens
    assert not window.error.isVisible()


def test_closing_mid_generation_ends_the_engine(qtbot: QtBot, window: MainWindow) -> None:
    window.sampling.max_tokens.setValue(5000)
    window.sampling.set_sampler(SamplerParams(temperature=0.0))  # greedy: this prompt runs far past the closing
    window.editors.set_mode("completion")
    window.editors.completion.setPlainText("Once upon a time")
    with qtbot.wait_signal(window.bridge.tokensArrived, timeout=RUN_TIMEOUT_MS):
        window.run_action.trigger()
    pid = window.bridge.client.host_pid
    assert pid
    window.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    # The run cut short by the closing window is in the history, as cancelled.
    store = RunStore(Database())
    qtbot.wait_until(lambda: store.count() == 1, timeout=RUN_TIMEOUT_MS)
    [run] = store.list()
    assert run.prompt == "Once upon a time" and run.completion_tokens > 0
    assert run.status == "cancelled"


def test_a_small_window_keeps_a_wide_prompt_column(qtbot: QtBot) -> None:
    """Issue 13: at 1024×700 the panels took two thirds and the prompt column shrank to ~280 px;
    the History panel's filter row alone asked for ~800 px."""
    from workbench.gui.app import create_window

    win = create_window(model=None)
    qtbot.addWidget(win)
    win.resize(1024, 700)
    win.show()
    qtbot.wait_exposed(win)
    assert win.minimumSizeHint().width() <= 1024
    assert win.width() <= 1024
    qtbot.wait_until(lambda: win.editors.width() >= 0.45 * win.width())
    for dock in (win.history_dock, win.library_dock, win.sampling_dock):
        assert dock.minimumSizeHint().width() < 1024 - 420


def test_a_note_too_long_for_the_status_bar_is_cut_with_an_ellipsis_and_whole_in_its_tooltip(qtbot: QtBot) -> None:
    from tests.helpers.window import open_window
    from workbench.gui.status_bar import NOTE_CHARS

    win = open_window(qtbot, model=None)
    label = win.status.timing_label
    short = "Prompt replaced"
    win.status.note(short)
    assert label.text() == short and not label.toolTip()
    long = "The model's chat template failed while rendering: " + "x" * 100
    win.status.note(long)
    assert len(label.text()) == NOTE_CHARS and label.text().endswith("…") and long.startswith(label.text()[:-1])
    assert label.toolTip() == long
    win.status.note(short)
    assert not label.toolTip()
    win.close()
