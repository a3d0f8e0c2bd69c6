"""One owner of the engine in the window (real engine): whatever starts engine work, every action
that needs the engine is disabled until it ends, and a host that crashes under a panel's work
leaves the window working."""

from __future__ import annotations

import os
import signal

from pytestqt.qtbot import QtBot

from workbench.values.params import SamplerParams

from tests.helpers.window import T, open_window, run_completion


def engine_actions_enabled(win: object) -> list[bool]:
    return [win.run_action.isEnabled(), win.next_panel.next_button.isEnabled(),  # type: ignore[attr-defined]
            win.surprisal_panel.button.isEnabled(), win.resample_panel.start_button.isEnabled()]  # type: ignore[attr-defined]


def test_a_panel_busy_with_the_engine_disables_every_engine_action(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("My favourite colour is")
    win.sampling.max_tokens.setValue(4)
    qtbot.wait_until(lambda: all(engine_actions_enabled(win)), timeout=T)
    panel = win.resample_panel
    panel.runs.setValue(1000)
    with qtbot.wait_signal(panel.progressed, timeout=T):
        assert panel.start()
    assert engine_actions_enabled(win) == [False, False, False, False]
    assert win.bridge.busy and not win.run() and not win.next_panel.refresh() and not win.surprisal_panel.score()
    assert win.stop_action.isEnabled()
    with qtbot.wait_signal(panel.finished, timeout=T):
        win.stop_action.trigger()  # Stop in the toolbar stops the panel's work too
    assert not win.bridge.busy
    qtbot.wait_until(lambda: all(engine_actions_enabled(win)), timeout=T)
    # The next token panel's work disables Run in its turn.
    with qtbot.wait_signal(win.next_panel.distributionReady, timeout=T):
        assert win.next_panel.refresh()
        assert not win.run_action.isEnabled()
    win.close()


def test_a_host_crash_in_the_middle_of_a_panels_work(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("Once upon a time")
    panel = win.resample_panel
    panel.runs.setValue(1000)
    pid = win.bridge.client.host_pid
    assert pid
    win.sampling.set_sampler(SamplerParams(temperature=0.0))  # greedy: each generation runs its 256 tokens
    win.sampling.max_tokens.setValue(256)
    with qtbot.wait_signal(panel.finished, timeout=T) as finished:
        assert panel.start()
        qtbot.wait_until(lambda: win.bridge.client.in_flight, timeout=T)  # the first generation is under way
        assert not win.run()  # a run asked for meanwhile is refused, not lost in a queue
        os.kill(pid, signal.SIGKILL)
    assert finished.args[1] is True and "SIGKILL" in panel.summary.text()
    assert not win.bridge.busy
    qtbot.wait_until(lambda: win.run_action.isEnabled(), timeout=T)
    generation = run_completion(qtbot, win, "Hello", 3)  # a fresh host, the model loaded again
    assert generation.tokens
    win.close()
