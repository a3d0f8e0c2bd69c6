"""`workbench bench`: its parts, what runs when, and the perplexity measurement, at a small scale on
the real engine."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from workbench import bench_windows
from workbench.bench import DEFAULT_PARTS, PARTS, _surprisal_cost, parse_parts, pass_text, run_bench
from workbench.engine.client import EngineClient
from workbench.errors import BadInputError
from workbench.values.params import LoadParams

from tests.helpers.processes import exited


def test_perplexity_cost_compares_full_passes(model_path: Path) -> None:
    from workbench.engine.llamacpp.reference import ReferenceRunner

    # Small batches, so a pass that found its text in the cache would evaluate a fraction of it.
    client = EngineClient()
    try:
        client.load(LoadParams(path=str(model_path), n_ctx=512, n_batch=32))
        with ReferenceRunner(str(model_path), 512, 2) as reference:
            report = _surprisal_cost(client, reference, n_tokens=240, rounds=3)
    finally:
        client.close()
    assert report["perplexity_tokens"] > 200
    assert len(report["perplexity_vs_eval_rounds"]) == len(report["perplexity_vs_logits_eval_rounds"]) == 3
    assert all(ratio > 0 for ratio in report["perplexity_vs_eval_rounds"] + report["perplexity_vs_logits_eval_rounds"])
    assert report["perplexity_batch_rows"] == 256  # the engine's scoring batch for SmolLM2 on the CPU
    assert report["perplexity_rss_mb"] < 64  # 32 rows of logits, not the context's


def test_no_perplexity_pass_can_reuse_another_passes_cache(engine: EngineClient) -> None:
    # A pass that found another's text in the cache would evaluate a fraction of it (a ratio of 5
    # or more, once): every pass's tokens differ from every other's within the first two.
    texts = [pass_text(side, round_, "the keeper read the message") for round_ in range(3) for side in ("plain", "scored", "logits")]
    tokens = [engine.tokenize(text) for text in texts]
    for i, a in enumerate(tokens):
        for b in tokens[i + 1 :]:
            assert [x for x, _ in a[:2]] != [x for x, _ in b[:2]]


# -- parts ----------------------------------------------------------------------------------


def test_parse_parts_takes_any_subset_in_run_order() -> None:
    assert parse_parts("gui,next") == ("next", "gui")
    assert parse_parts(" store , generation ,tokens") == ("generation", "tokens", "store")
    assert parse_parts("perplexity") == ("perplexity",)
    assert parse_parts(",".join(reversed(PARTS))) == PARTS
    assert parse_parts("next,next") == ("next",)
    assert DEFAULT_PARTS == tuple(p for p in PARTS if p not in ("store", "remote"))  # both start heavy things


@pytest.mark.parametrize("text", ["next,speed", "", " , "])
def test_parse_parts_refuses_unknown_names_and_names_the_valid_ones(text: str) -> None:
    with pytest.raises(BadInputError) as caught:
        parse_parts(text)
    message = str(caught.value)
    assert all(part in message for part in PARTS)
    if "speed" in text:
        assert "speed" in message


def _forbid(monkeypatch: pytest.MonkeyPatch, target: str, what: str) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError(f"{what} ran")

    monkeypatch.setattr(target, refuse)


def test_only_next_reports_its_keys_and_no_others(model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _forbid(monkeypatch, "workbench.bench.window_parts", "a window part")
    report = run_bench(model=str(model_path), parts=("next",))
    assert set(report) == {
        "model", "n_threads", "parts", "n_ctx", "backend",
        "next_step_ms", "next_decode_ms", "next_step_vs_decode", "restage_ms", "restage_max_ms",
    }
    assert report["parts"] == ["next"]
    assert 0 < report["next_step_ms"] < 5000 and 0 < report["next_decode_ms"] < report["next_step_ms"] * 100
    assert 0 < report["restage_ms"] <= report["restage_max_ms"]


def test_without_the_store_part_no_database_is_written(
    model_path: Path, tmp_path: Path, workbench_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forbid(monkeypatch, "workbench.store.bench.store_bench", "the store part")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the store part writes its database
    report = run_bench(model=str(model_path), parts=("next",), store_runs=50)
    assert report["parts"] == ["next"]
    assert not any(key.startswith("store_") for key in report)
    written = [p for folder in (scratch, workbench_home) if folder.exists() for p in folder.rglob("*")]
    assert written == []


def test_the_store_part_alone_starts_no_engine_and_sizes_its_database(monkeypatch: pytest.MonkeyPatch) -> None:
    _forbid(monkeypatch, "workbench.bench.EngineClient", "an engine")
    _forbid(monkeypatch, "workbench.bench.window_parts", "a window part")
    sizes: list[int] = []

    def store_bench(runs: int) -> dict[str, object]:
        sizes.append(runs)
        return {"store_runs": runs}

    monkeypatch.setattr("workbench.store.bench.store_bench", store_bench)
    assert run_bench(parts=("store",))["parts"] == ["store"]
    assert run_bench(parts=("store",), store_runs=50)["store_runs"] == 50
    assert sizes == [100_000, 50]
    with pytest.raises(BadInputError):
        run_bench(parts=("store",), store_runs=0)



def test_window_processes_start_only_after_the_engine_host_exited(
    model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hosts: list[int] = []

    class RecordingClient(EngineClient):
        def load(self, *args: Any, **kwargs: Any) -> Any:
            loaded = super().load(*args, **kwargs)
            assert self.host_pid is not None
            hosts.append(self.host_pid)
            return loaded

    starts: list[tuple[str, list[bool]]] = []

    def run_window(module: str, args: list[str], env: dict[str, str]) -> bench_windows.WindowRun:
        starts.append((module, [exited(pid) for pid in hosts]))
        return bench_windows.WindowRun(1.0, {"tokens_100k_total_s": 0.1, "gui_stall_p99_ms": 1.0})

    monkeypatch.setattr("workbench.bench.EngineClient", RecordingClient)
    monkeypatch.setattr(bench_windows, "run_window", run_window)
    report = run_bench(model=str(model_path), parts=("next", "tokens", "gui"))
    assert len(hosts) == 1
    assert starts == [("workbench.gui.bench_bare", [True]), ("workbench.gui.bench_gui", [True])]
    assert report["parts"] == ["next", "tokens", "gui"]
    assert report["gui_window_shown_s"] == 1.0 and report["qt_bare_window_s"] == 1.0
    assert "next_step_ms" in report and "tokens_100k_total_s" in report


def _blocked_child() -> subprocess.Popen[bytes]:
    """A process that runs until its stdin closes."""
    return subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)


def test_wait_exited_waits_for_the_process_to_end() -> None:
    with _blocked_child() as child:
        assert bench_windows.wait_exited(child.pid, timeout_s=0.05) is False
        assert child.poll() is None
        assert child.stdin is not None
        child.stdin.close()
        assert bench_windows.wait_exited(child.pid, timeout_s=30) is True  # exited, not yet reaped
        assert child.wait(timeout=5) == 0
    assert bench_windows.wait_exited(child.pid, timeout_s=0) is True  # reaped


def test_a_host_that_does_not_exit_is_killed_before_the_next_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_windows, "HOST_EXIT_S", 0.05)
    with _blocked_child() as child:
        bench_windows.wait_hosts_exited([child.pid])
        assert exited(child.pid)
        assert child.wait(timeout=5) == -signal.SIGKILL


def test_the_remote_part_reports_a_parallel_ratio_against_a_real_server(model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Smaller than the real part (4 cases, one round): the report's shape and plausible figures."""
    from workbench import bench_remote

    monkeypatch.setattr(bench_remote, "CASES", 4)
    monkeypatch.setattr(bench_remote, "ROUNDS", 1)
    monkeypatch.setattr(bench_remote, "REPLAY_TOKENS", 500)
    report = bench_remote.remote_parts(str(model_path), 2)
    assert report["remote_server"] == "llama-cpp-python" and report["remote_server_slots"] == 1
    assert report["remote_cases"] == 4 and report["remote_parallel"] == 4
    assert report["remote_serial_s"] > 0 and report["remote_parallel_s"] > 0
    assert report["remote_parallel_speedup"] == pytest.approx(report["remote_serial_s"] / report["remote_parallel_s"])
    assert 0 < report["remote_client_ms_per_token"] < 50
