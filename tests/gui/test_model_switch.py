"""Loading another model while the engine works, and Stop on a busy machine (real engine, real
window, issue 13): the work stops, a stopped run is saved as cancelled with what identifies it
(seed, prompt tokens, timings, the model it ran on), then the new model loads; the window lives on.

A host held with SIGSTOP stands for a CPU too busy to give it any time."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers.stalling_host import stall_loads
from tests.helpers.window import T, open_window, run_completion
from workbench.engine import client as client_module
from workbench.gui.main_window import MainWindow
from workbench.values.params import LoadParams, SamplerParams


@pytest.fixture(scope="module")
def other_model(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> str:
    """The bundled model under another path (a symlink would resolve back to the same one)."""
    other = tmp_path_factory.mktemp("models") / "other-model.gguf"
    try:
        os.link(model_path, other)
    except OSError:  # another file system
        shutil.copyfile(model_path, other)
    return str(other)


def start_long_run(qtbot: QtBot, win: MainWindow) -> None:
    """A greedy run of hundreds of tokens, two batches of it shown (a speed can be measured); the
    seed is drawn (not fixed)."""
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("Once upon a time")
    win.sampling.set_sampler(SamplerParams(temperature=0.0))
    win.sampling.max_tokens.setValue(1000)
    batches: list[object] = []
    win.bridge.tokensArrived.connect(batches.append)
    win.run_action.trigger()
    qtbot.wait_until(lambda: len(batches) >= 2, timeout=T)
    win.bridge.tokensArrived.disconnect(batches.append)


def last_saved(win: MainWindow):  # type: ignore[no-untyped-def]
    win.recorder.flush()
    return win.recorder.store.get(win.recorder.store.list(limit=1)[0].id)


def assert_identified(row, n_ctx: int) -> None:  # type: ignore[no-untyped-def]
    """A stopped run that can be re-run: its seed, prompt, timings, and the model it ran on."""
    assert row.status == "cancelled" and row.finish_reason == "cancelled"
    assert row.seed not in (None, 0)  # 0: the seed lost with a killed host
    assert row.prompt_tokens > 0 and row.completion_tokens > 0
    assert row.prompt_s > 0 and row.tokens_per_s > 0
    assert row.load_params["n_ctx"] == n_ctx and row.model is not None


def resume(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGCONT)
    except ProcessLookupError:  # killed meanwhile
        pass


def test_loading_another_model_mid_generation_saves_the_run_then_loads(qtbot: QtBot, other_model: str) -> None:
    win = open_window(qtbot)
    first, first_info = win.loaded, win.info
    assert first is not None and first.n_ctx != 1024
    start_long_run(qtbot, win)
    with qtbot.wait_signals([win.runFinished, win.bridge.modelLoaded], timeout=T, order="strict"):
        assert win.load_model(other_model, LoadParams(path=other_model, n_ctx=1024))
        assert win.bridge.load_waits
        assert win.loaded is first and win.info is first_info  # the old model's until its run is saved
    assert_identified(last_saved(win), first.n_ctx)
    assert win.loaded is not None and (win.loaded.path, win.loaded.n_ctx) == (other_model, 1024)
    assert win.info is not None and win.info.path == other_model
    qtbot.wait_until(lambda: win.run_action.isEnabled(), timeout=T)
    assert run_completion(qtbot, win, "Hello", 3).tokens  # type: ignore[attr-defined]
    win.close()


def test_the_model_manager_switches_models_mid_generation(qtbot: QtBot, other_model: str) -> None:
    win = open_window(qtbot)
    first = win.loaded
    assert first is not None
    dialog = win.open_model_manager()
    assert dialog.add_model_file(other_model)
    dialog.ctx.setValue(1024)
    start_long_run(qtbot, win)
    with qtbot.wait_signals([win.runFinished, win.bridge.modelLoaded], timeout=T, order="strict"):
        assert dialog.start_load()
    assert_identified(last_saved(win), first.n_ctx)
    assert win.loaded is not None and (win.loaded.path, win.loaded.n_ctx) == (other_model, 1024)
    qtbot.wait_until(lambda: not dialog.isVisible(), timeout=T)
    win.close()


def test_loading_another_model_mid_resample(qtbot: QtBot, other_model: str) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("Once upon a time")
    win.sampling.set_sampler(SamplerParams(temperature=1.0))
    win.sampling.max_tokens.setValue(64)
    panel = win.resample_panel
    panel.runs.setValue(1000)
    with qtbot.wait_signal(panel.progressed, timeout=T):
        assert panel.start()
    ended: list[tuple[int, bool]] = []
    panel.finished.connect(lambda runs, cancelled: ended.append((runs, cancelled)))
    with qtbot.wait_signals([panel.finished, win.bridge.modelLoaded], timeout=T, order="strict"):
        assert win.load_model(other_model, LoadParams(path=other_model, n_ctx=1024))
    [(runs, cancelled)] = ended
    assert cancelled and 0 < runs < 1000 and "stopped after" in panel.summary.text()
    assert win.loaded is not None and win.loaded.path == other_model
    qtbot.wait_until(lambda: panel.start_button.isEnabled() and win.run_action.isEnabled(), timeout=T)
    panel.runs.setValue(2)
    win.sampling.max_tokens.setValue(8)
    with qtbot.wait_signal(panel.finished, timeout=T) as again:
        assert panel.start()
    assert again.args == [2, False]
    win.close()


def test_calling_off_a_switch_before_it_begins_keeps_the_model(qtbot: QtBot, other_model: str) -> None:
    win = open_window(qtbot)
    first = win.loaded
    start_long_run(qtbot, win)
    pid = win.bridge.client.host_pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # the run cannot stop before the switch is called off
    try:
        with qtbot.wait_signal(win.runFinished, timeout=T):
            assert win.load_model(other_model, LoadParams(path=other_model, n_ctx=1024))
            assert win.bridge.load_pending
            with qtbot.wait_signal(win.bridge.loadCancelled, timeout=T):
                win.bridge.cancel()  # the model manager's Cancel loading, or Stop
            os.kill(pid, signal.SIGCONT)
    finally:
        resume(pid)
    assert not win.bridge.busy and not win.bridge.load_pending
    assert win.loaded is first and win.bridge.client.load_params is not None
    assert win.bridge.client.load_params.path != other_model
    qtbot.wait_until(lambda: win.run_action.isEnabled(), timeout=T)
    win.close()


# -- Stop on a busy machine ----------------------------------------------------------------------


def test_stop_while_the_host_gets_no_cpu_stops_it_without_a_kill(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    start_long_run(qtbot, win)
    pid = win.bridge.client.host_pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    wake = threading.Timer(1.0, resume, (pid,))
    wake.start()
    with qtbot.wait_signal(win.runFinished, timeout=T):
        win.stop_action.trigger()
    wake.join()
    assert win.bridge.client.host_pid == pid  # the same host: no restart, no reload
    row = last_saved(win)
    assert win.loaded is not None
    assert_identified(row, win.loaded.n_ctx)
    assert win.sampling.seed.value() == row.seed  # shown, to tick "fixed" and repeat the run
    win.close()


def test_stop_that_ends_by_a_kill_keeps_what_identifies_the_run(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "CANCEL_GRACE_S", 0.2)
    win = open_window(qtbot)
    start_long_run(qtbot, win)
    pid = win.bridge.client.host_pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # for good: only the kill ends it
    with qtbot.wait_signal(win.runFinished, timeout=T):
        win.stop_action.trigger()
    assert win.bridge.client.host_pid != pid  # killed (a read may have started the next one already)
    assert win.loaded is not None
    assert_identified(last_saved(win), win.loaded.n_ctx)
    qtbot.wait_until(lambda: win.run_action.isEnabled(), timeout=T)
    assert run_completion(qtbot, win, "Hello", 3).tokens  # type: ignore[attr-defined]  # a fresh host
    win.close()


def test_a_model_that_kills_the_engine_while_loading_is_reported_and_another_loads(
    qtbot: QtBot, other_model: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A file llama.cpp dies on (simulated: the host aborted as the load reports progress): the
    window says which file and why, keeps working, and the next model loads on a fresh host."""
    flag = tmp_path / "stall"
    stall_loads(monkeypatch, flag)
    win = open_window(qtbot, model=None)
    try:
        local = win.bridge.local
        local.start()
        pid = local.host_pid
        assert pid is not None
        load = local._load
        killed: list[int] = []

        def dying_load(params: LoadParams, on_progress: object = None) -> object:
            def progress(fraction: float) -> None:
                if not killed:
                    killed.append(pid)
                    os.kill(pid, signal.SIGABRT)
            return load(params, progress)

        monkeypatch.setattr(local, "_load", dying_load)
        with qtbot.wait_signal(win.bridge.loadFailed, timeout=T) as failed:
            assert win.load_model(other_model)
        monkeypatch.setattr(local, "_load", load)
        flag.unlink()
        assert "other-model.gguf" in failed.args[0] and "crashed" in failed.args[0]
        assert not win.bridge.has_model and win.isVisible()
        with qtbot.wait_signal(win.bridge.modelLoaded, timeout=T):
            assert win.load_model("default")
        assert local.host_pid not in (None, pid)
        generation = run_completion(qtbot, win, "The capital of France is", 3)
        assert generation.done is not None and len(generation.tokens) == 3  # type: ignore[attr-defined]
    finally:
        win.close()
