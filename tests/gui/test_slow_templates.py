"""A chat template that takes its whole time limit (a model file's, or one the user gave) while the
window runs, counts and evaluates the prompt: the template renders on a worker thread, so the event
loop keeps running (measured with a timer, real engine, offscreen), and what it stopped is said in
the window, which stays usable."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers.event_loop import measured_event_loop
from tests.helpers.window import T, open_window
from workbench.app.prompt_spec import PreparedRun
from workbench.gui.main_window import MainWindow
from workbench.prompts.chat_formats import FormatChoice
from workbench.prompts.sandbox import MAX_RENDER_SECONDS

# Emits nothing while it loops: only the render's deadline stops it (about MAX_RENDER_SECONDS).
SLOW = "{% for i in range(10**5) %}{% for j in range(10**5) %}{% endfor %}{% endfor %}{{ messages[0].content }}"
# The event loop at rest ticks every 10 ms; under the suite's load a tick may be late, never by
# the template's whole time limit (before the render moved off the GUI thread it was 2 s).
MAX_STALL_S = MAX_RENDER_SECONDS / 4
TOO_SLOW = f"took longer than {MAX_RENDER_SECONDS:g} s to render"


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    win = open_window(qtbot)
    win.editors.set_mode("chat")
    win.editors.chat.rows[0].text.setPlainText("Hello there")
    win.sampling.apply_preset("Deterministic")
    win.sampling.max_tokens.setValue(4)
    yield win
    win.close()


def slow_format(qtbot: QtBot, win: MainWindow) -> None:
    """Use the slow template; the token count it starts (also a render) fails first, in the status bar."""
    with qtbot.wait_signal(win.prompt_count.counter.failed, timeout=T) as failed:
        win.models.use_format(FormatChoice(template=SLOW))
    assert failed.args[0].key == "template.too_slow"
    qtbot.wait_until(lambda: not win.bridge.busy, timeout=T)


def test_run_with_a_slow_chat_template_keeps_the_window_live_and_says_what_stopped(qtbot: QtBot, window: MainWindow) -> None:
    slow_format(qtbot, window)
    with measured_event_loop() as loop, qtbot.wait_signal(window.bridge.prepareFailed, timeout=T) as failed:
        assert window.run()
    assert failed.args[0].key == "template.too_slow"
    assert loop.ticks > 20 and loop.longest < MAX_STALL_S, (loop.ticks, loop.longest)
    assert window.error.isVisible() and TOO_SLOW in window.error.text()
    assert window.editors.chat.rows[0].text.toPlainText() == "Hello there"  # nothing lost
    qtbot.wait_until(lambda: window.run_action.isEnabled(), timeout=T)

    # The window is usable at once: another format, and the same chat runs.
    window.models.use_format(FormatChoice(name="chatml"))
    with qtbot.wait_signal(window.runFinished, timeout=T) as finished:
        assert window.run()
    assert finished.args[0].tokens and not window.error.isVisible()


@pytest.mark.parametrize("panel", ["next", "surprisal", "resample"])
def test_the_panels_that_evaluate_the_prompt_render_it_off_the_gui_thread(qtbot: QtBot, window: MainWindow, panel: str) -> None:
    slow_format(qtbot, window)
    next_, surprisal, resample = window.next_panel, window.surprisal_panel, window.resample_panel
    start, ended, said = {
        "next": (next_.refresh, next_.failed, next_.error.text),
        "surprisal": (surprisal.score, surprisal.failed, surprisal.summary.text),
        "resample": (resample.start, resample.finished, resample.summary.text),
    }[panel]
    with measured_event_loop() as loop, qtbot.wait_signal(ended, timeout=T):
        assert start()
    assert TOO_SLOW in said()
    assert loop.ticks > 20 and loop.longest < MAX_STALL_S, (loop.ticks, loop.longest)
    qtbot.wait_until(lambda: not window.bridge.busy, timeout=T)
    assert window.bridge.has_model  # the engine was never at fault


def test_a_token_count_with_a_slow_template_keeps_the_window_live(qtbot: QtBot, window: MainWindow) -> None:
    with measured_event_loop() as loop:
        slow_format(qtbot, window)
    assert loop.ticks > 20 and loop.longest < MAX_STALL_S, (loop.ticks, loop.longest)
    assert TOO_SLOW in window.status.timing_label.text()
    # The gauge does not keep the count of a prompt that is no longer what a run would send.
    gauge = window.status.context_gauge
    assert gauge.format() == f"? / {window.loaded.n_ctx:,} tokens" and TOO_SLOW in gauge.toolTip()
    window.models.use_format(FormatChoice(name="chatml"))
    qtbot.wait_until(lambda: gauge.format().split()[0].isdigit(), timeout=T)
    assert not gauge.format().startswith("?") and "could not be counted" not in gauge.toolTip()


def test_the_exact_prompt_with_a_slow_template_keeps_the_window_live(qtbot: QtBot, window: MainWindow) -> None:
    slow_format(qtbot, window)
    with measured_event_loop() as loop, qtbot.assert_not_emitted(window.exactPromptShown):
        window.show_exact_prompt()
        qtbot.wait_until(window.error.isVisible, timeout=T)
    assert TOO_SLOW in window.error.text()
    assert loop.ticks > 20 and loop.longest < MAX_STALL_S, (loop.ticks, loop.longest)


def test_a_library_template_that_takes_its_whole_limit_keeps_the_window_live_and_the_editor_as_it_was(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.library_panel
    qtbot.wait_until(lambda: panel.store is not None, timeout=T)
    panel.store.add("slow", SLOW.replace("messages[0].content", "q"), variables=[{"name": "q", "default": "x"}])
    panel.refresh(select="slow")
    with measured_event_loop() as loop, qtbot.wait_signal(window.libraryFailed, timeout=T) as failed:
        panel.use_button.click()
    assert failed.args[0].key == "template.too_slow" and "took longer than" in panel.summary.text()
    assert loop.ticks > 20 and loop.longest < MAX_STALL_S, (loop.ticks, loop.longest)
    assert window.editors.mode() == "chat" and window.editors.chat.rows[0].text.toPlainText() == "Hello there"

    # Run from the library: the same, and nothing runs.
    with measured_event_loop() as loop, qtbot.wait_signal(window.libraryFailed, timeout=T):
        panel.run_button.click()
    assert loop.longest < MAX_STALL_S and not window.bridge.busy


def test_stop_while_the_prompt_renders_runs_nothing_and_saves_nothing(qtbot: QtBot, window: MainWindow) -> None:
    """The run is made by a function that waits until Stop has been pressed (a render that
    takes as long as the test wants), as the window's Run hands the bridge."""
    window.recorder.flush()
    before = window.recorder.store.count()
    make = window.runs.prepared_later()
    stopped = threading.Event()

    def slow_make() -> PreparedRun:
        assert stopped.wait(T / 1000)
        return make()

    with qtbot.wait_signal(window.bridge.runStopped, timeout=T), qtbot.assert_not_emitted(window.bridge.generationStarted):
        assert window.bridge.run(slow_make)
        assert window.stop_action.isEnabled()
        window.stop_action.trigger()
        stopped.set()
    qtbot.wait_until(lambda: not window.bridge.busy, timeout=T)
    window.recorder.flush()
    assert window.recorder.store.count() == before and not window.output.tokens
    assert window.bridge.has_model and window.run_action.isEnabled()


def test_a_run_started_while_a_library_template_renders_keeps_the_editor_it_took(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.library_panel
    qtbot.wait_until(lambda: panel.store is not None, timeout=T)
    panel.store.add("slow", SLOW.replace("messages[0].content", "q"), variables=[{"name": "q", "default": "x"}])
    panel.refresh(select="slow")
    # The library's answer (a failure, after the 2 s limit) comes after the run began: it is
    # not wanted any more, and neither fills nor blames anything.
    with qtbot.assert_not_emitted(window.libraryFailed, wait=int(MAX_RENDER_SECONDS * 1500)):
        panel.use_button.click()
        with qtbot.wait_signal(window.runFinished, timeout=T):
            assert window.run()
    assert window.editors.mode() == "chat" and window.editors.chat.rows[0].text.toPlainText() == "Hello there"
    assert not window.error.isVisible()


def test_a_library_vote_whose_chat_template_is_slow_renders_off_the_gui_thread(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.library_panel
    qtbot.wait_until(lambda: panel.store is not None, timeout=T)
    vote = {"name": "vote", "kind": "self_consistency", "samples": 2, "temperature": 0.7, "extract": {"rule": "regex", "pattern": "(\\d+)"}}
    panel.store.add("chat vote", "Q: {{ q }}", mode="chat", variables=[{"name": "q", "default": "2+2?"}], variants=[vote])
    panel.refresh(select="chat vote")
    assert panel.select("chat vote", "vote")
    slow_format(qtbot, window)
    with measured_event_loop() as loop, qtbot.wait_signal(window.bridge.prepareFailed, timeout=T) as failed:
        panel.run_button.click()
    assert failed.args[0].key == "template.too_slow" and TOO_SLOW in window.error.text()
    assert loop.ticks > 20 and loop.longest < MAX_STALL_S, (loop.ticks, loop.longest)
    qtbot.wait_until(lambda: not window.bridge.busy, timeout=T)
    assert not panel.progress.isVisible()  # the vote never started
