"""Faults inside the engine host at the EngineClient level (real engine, issue 17): an abort and a
segfault while a model loads and while a prompt is evaluated, a load that runs out of memory, and
a cancel during a prompt's evaluation.

A fault is injected by signalling the real host at a known point of its work: on the load's first
progress report, or on the ``started`` message a generation sends just before it evaluates its
prompt. Whatever happens, the caller gets one of our own errors that says what (the signal), no
host process is left behind, and the next request works on a fresh host; a run keeps the seed it
was drawn with, so it can be saved and repeated."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.models import context_of
from tests.helpers.engine_spy import on_started
from tests.helpers.processes import exited
from tests.helpers.stalling_host import stall_loads
from workbench.app.prompt_spec import PreparedRun
from workbench.app.runs import RunExecutor, history_record, save_run
from workbench.app.workspace import Workspace
from workbench.engine import client as client_module
from workbench.engine.client import EngineClient
from workbench.errors import EngineCrashed, ModelLoadError
from workbench.values.params import GenerateParams, LoadParams, SamplerParams

FAULTS = [pytest.param(signal.SIGSEGV, id="segfault"), pytest.param(signal.SIGABRT, id="abort")]
LONG_PROMPT = "The quick brown fox jumps over the lazy dog. " * 150  # ~1500 tokens: seconds to evaluate here
RANDOM = SamplerParams(temperature=1.2, top_k=0, top_p=1.0, min_p=0.0)  # no seed: the client draws one
WAIT_S = 60.0  # far longer than any of these faults takes to be reported: past it, the client hangs


def within(seconds: float, work: Callable[[], Any]) -> Any:
    """``work()``'s result (or its exception, raised here), failing if it takes over ``seconds``:
    a fault must end in an error, never in a hang."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(("ok", work()))
        except BaseException as e:  # handed to the test's thread
            out.append(("error", e))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still waiting after {seconds} s: the client hangs"
    kind, value = out[0]
    if kind == "error":
        raise value
    return value


# -- a fault while loading -------------------------------------------------------------------


@pytest.mark.parametrize("sig", FAULTS)
def test_a_fault_while_loading_is_a_load_error_naming_the_signal(
    sig: signal.Signals, model_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    flag = tmp_path / "stall"
    stall_loads(monkeypatch, flag)  # the host waits at its first progress, to die there
    client = EngineClient()
    try:
        client.start()
        pid = client.host_pid
        assert pid is not None
        fractions: list[float] = []

        def fault_at_first_progress(fraction: float) -> None:
            fractions.append(fraction)
            if len(fractions) == 1:
                os.kill(pid, sig)

        with pytest.raises(ModelLoadError) as caught:
            within(WAIT_S, lambda: client.load(LoadParams(path=str(model_path), n_ctx=512), fault_at_first_progress))
        assert caught.value.key == "load.crashed" and sig.name in str(caught.value) and str(model_path) in str(caught.value)
        assert exited(pid) and client.host_pid is None  # no host left behind
        assert client.load_params is None and client.loaded is None
        # The next load starts a fresh host, which works.
        flag.unlink()
        assert client.load(LoadParams(path=str(model_path), n_ctx=512)) is not None
        assert client.host_pid not in (None, pid)
        assert len(client.generate(GenerateParams("Hello", SamplerParams(seed=1), max_tokens=3, ignore_eos=True)).result().tokens) == 3
    finally:
        client.close()


# -- a fault while a prompt is evaluated -------------------------------------------------------


@pytest.mark.parametrize("sig", FAULTS)
def test_a_fault_during_prompt_evaluation_is_a_crash_naming_the_signal(
    sig: signal.Signals, own_engine: EngineClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = own_engine.host_pid
    assert pid is not None
    started = on_started(own_engine, monkeypatch, lambda _: os.kill(pid, sig))
    gen = own_engine.generate(GenerateParams(LONG_PROMPT, RANDOM, max_tokens=20))
    with pytest.raises(EngineCrashed) as caught:
        within(WAIT_S, gen.result)
    [message] = started
    assert gen.tokens == []  # no token came: it died evaluating the prompt
    assert caught.value.key.startswith("engine.killed") and sig.name in str(caught.value)
    assert exited(pid) and own_engine.host_pid is None
    # What identifies the run outlives the host: the seed drawn for it, the prompt's size.
    done = gen.partial().done
    assert done is not None and done.finish_reason == "error"
    assert done.seed == message["seed"] != 0 and done.prompt_tokens == message["prompt_tokens"] > 1000
    monkeypatch.undo()
    # The next request starts a fresh host, reloads the model and evaluates the same prompt.
    again = own_engine.generate(GenerateParams(LONG_PROMPT, SamplerParams(seed=7), max_tokens=3, ignore_eos=True)).result()
    assert own_engine.host_pid not in (None, pid)
    assert again.done is not None and again.done.prompt_tokens == message["prompt_tokens"] and len(again.tokens) == 3


def test_a_run_whose_host_dies_mid_generation_is_saved_with_the_seed_it_drew(own_engine: EngineClient, tmp_path: Path) -> None:
    """No fixed seed: the one drawn for the run is saved with the failed run, and repeats its tokens."""
    workspace = Workspace(tmp_path / "w.sqlite")
    pid = own_engine.host_pid
    assert pid is not None
    model = context_of(own_engine)
    prepared = PreparedRun(GenerateParams("Once upon a time", RANDOM, max_tokens=2000, ignore_eos=True), "completion")
    seen: list[object] = []

    def fault_after_five(token: object) -> None:
        seen.append(token)
        if len(seen) == 5:
            os.kill(pid, signal.SIGSEGV)

    result = within(WAIT_S, lambda: RunExecutor(own_engine).execute(prepared, on_token=fault_after_five))
    assert isinstance(result.error, EngineCrashed) and "SIGSEGV" in str(result.error) and result.status == "error"
    assert exited(pid)
    came = [t.id for t in result.tokens]
    assert len(came) >= 5
    row = workspace.runs.get(save_run(workspace, history_record(result, model, "cli")).run_id)
    assert row.status == "error" and "SIGSEGV" in (row.error or "")
    assert row.params["sampler"]["seed"] is None  # not fixed: only the drawn seed can repeat it
    assert row.seed not in (None, 0) and row.prompt_tokens > 0 and row.completion_tokens == len(came)
    # The saved seed is the one the tokens were drawn with: the run repeats on a fresh host.
    again = own_engine.generate(
        GenerateParams("Once upon a time", SamplerParams(**{**RANDOM.to_dict(), "seed": row.seed}), max_tokens=len(came), ignore_eos=True)
    ).result()
    assert own_engine.host_pid not in (None, pid)
    assert [t.id for t in again.tokens] == came


# -- a load that runs out of memory --------------------------------------------------------------

# The host, with its address space capped while it loads a model: by the megabytes a file names
# (which the test removes to lift the cap), on top of what the host holds just before the load.
CAPPED_HOST = """
import os, resource, sys
from workbench.engine import host

limit_file = sys.argv[1]
load = host.Host.op_load

def capped_load(self, msg):
    if not os.path.exists(limit_file):
        return load(self, msg)
    with open(limit_file) as f:
        extra = int(f.read()) * 2**20
    with open("/proc/self/status") as f:
        size = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (size + extra, hard))
    try:
        load(self, msg)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

host.Host.op_load = capped_load
raise SystemExit(host.main())
"""


@pytest.fixture
def capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[EngineClient, Path]]:
    """A client whose hosts load models under the cap the returned file names."""
    limit_file = tmp_path / "limit-mb"
    monkeypatch.setattr(client_module, "host_command", lambda: [sys.executable, "-c", CAPPED_HOST, str(limit_file)])
    client = EngineClient()
    yield client, limit_file
    client.close()


def model_mb(model_path: Path) -> int:
    return model_path.stat().st_size >> 20


def test_a_model_too_big_for_memory_is_a_load_error_and_the_host_serves_on(capped: tuple[EngineClient, Path], model_path: Path) -> None:
    client, limit_file = capped
    limit_file.write_text(str(model_mb(model_path) // 2))  # the file cannot even be mapped
    client.start()
    pid = client.host_pid
    started = time.monotonic()
    with pytest.raises(ModelLoadError) as caught:
        within(WAIT_S, lambda: client.load(LoadParams(path=str(model_path), n_ctx=512, n_threads=2)))
    assert time.monotonic() - started < 10
    assert caught.value.key == "load.failed" and "Cannot allocate memory" in str(caught.value)
    assert client.load_params is None and client.host_pid == pid  # llama.cpp said no; the host lives on
    limit_file.unlink()
    assert client.load(LoadParams(path=str(model_path), n_ctx=512, n_threads=2)) is not None
    assert client.host_pid == pid


def test_a_context_too_big_for_memory_is_a_load_error_naming_the_allocation(capped: tuple[EngineClient, Path], model_path: Path) -> None:
    client, limit_file = capped
    limit_file.write_text(str(model_mb(model_path) + 150))  # the model fits, a 32k context's KV cache (~750 MB) does not
    with pytest.raises(ModelLoadError) as caught:
        within(WAIT_S, lambda: client.load(LoadParams(path=str(model_path), n_ctx=32768, n_threads=2)))
    assert caught.value.key == "load.no_context" and "failed to allocate" in str(caught.value)
    pid = client.host_pid
    assert pid is not None and client.load_params is None
    limit_file.unlink()
    assert client.load(LoadParams(path=str(model_path), n_ctx=512, n_threads=2)) is not None
    assert client.host_pid == pid


def test_a_load_that_dies_for_lack_of_memory_says_so_and_not_that_the_file_is_bad(
    capped: tuple[EngineClient, Path], model_path: Path
) -> None:
    """The model is mapped, but ggml's buffers are not: ggml asserts and the host aborts. The
    error says memory ran out (not "the file cannot be used": it can), naming the signal."""
    client, limit_file = capped
    limit_file.write_text(str(model_mb(model_path) + 40))
    client.start()
    pid = client.host_pid
    assert pid is not None
    with pytest.raises(ModelLoadError) as caught:
        within(WAIT_S, lambda: client.load(LoadParams(path=str(model_path), n_ctx=512, n_threads=2)))
    said = str(caught.value)
    assert caught.value.key == "load.failed" and "ran out of memory" in said and "SIGABRT" in said
    assert "cannot use it" not in said and str(model_path) in said
    assert exited(pid) and client.host_pid is None
    limit_file.unlink()
    assert client.load(LoadParams(path=str(model_path), n_ctx=512, n_threads=2)) is not None
    assert client.host_pid not in (None, pid)


def test_a_host_killed_by_the_system_while_loading_is_said_to_have_run_out_of_memory(model_path: Path) -> None:
    """SIGKILL during a load that no cancel asked for: what the kernel's out-of-memory killer sends."""
    client = EngineClient()
    try:
        client.start()
        pid = client.host_pid
        assert pid is not None
        with pytest.raises(ModelLoadError) as caught:
            within(WAIT_S, lambda: client.load(LoadParams(path=str(model_path), n_ctx=512), lambda _: os.kill(pid, signal.SIGKILL)))
        assert "ran out of memory" in str(caught.value) and "SIGKILL" in str(caught.value)
        assert exited(pid)
    finally:
        client.close()


# -- cancel during a prompt's evaluation -----------------------------------------------------------


def test_cancel_as_the_prompt_evaluation_starts_ends_it_promptly_on_the_same_host(
    own_engine: EngineClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = own_engine.host_pid
    cancelled_at: list[float] = []

    def cancel(_message: dict[str, Any]) -> None:
        cancelled_at.append(time.monotonic())
        own_engine.cancel()

    started = on_started(own_engine, monkeypatch, cancel)
    result = within(WAIT_S, own_engine.generate(GenerateParams(LONG_PROMPT, RANDOM, max_tokens=20)).result)
    elapsed = time.monotonic() - cancelled_at[0]
    [message] = started
    done = result.done
    assert done is not None and done.finish_reason == "cancelled" and result.tokens == []
    assert done.seed == message["seed"] != 0 and done.prompt_tokens == message["prompt_tokens"] > 1000
    assert elapsed < 1.0
    assert not own_engine._killed_for_cancel and own_engine.host_pid == pid  # stopped, not killed
    monkeypatch.undo()
    # The same host evaluates the whole prompt afterwards, and that takes far longer than the cancel did.
    full = own_engine.generate(GenerateParams(LONG_PROMPT, SamplerParams(seed=done.seed), max_tokens=2, ignore_eos=True)).result()
    assert full.done is not None and full.done.finish_reason == "length" and len(full.tokens) == 2
    assert full.done.timings.prompt_s > 2 * done.timings.prompt_s
    assert own_engine.host_pid == pid


def test_cancel_right_after_a_next_token_request_returns_none_and_the_host_serves_on(
    own_engine: EngineClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = own_engine.host_pid
    send = own_engine._send

    def send_then_cancel(message: dict[str, Any]) -> None:
        send(message)
        if message.get("type") == "next":
            own_engine.cancel()

    monkeypatch.setattr(own_engine, "_send", send_then_cancel)
    asked = time.monotonic()
    assert within(WAIT_S, lambda: own_engine.next_token(GenerateParams(LONG_PROMPT), top_n=5)) is None
    assert time.monotonic() - asked < 1.0
    monkeypatch.undo()
    assert own_engine.host_pid == pid and not own_engine._killed_for_cancel
    dist = own_engine.next_token(GenerateParams("The capital of France is"), top_n=5)
    assert dist is not None and len(dist.tokens) == 5

