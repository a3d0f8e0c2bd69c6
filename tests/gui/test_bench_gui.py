"""The window parts of `workbench bench`, in real offscreen processes with the real engine."""

from __future__ import annotations

import os
from typing import Any

import pytest

from workbench import bench_windows

from tests.helpers.processes import exited

run_window = bench_windows.run_window  # the real one, before a test wraps it

TOKENS_KEYS = {"tokens_100k_total_s", "tokens_100k_tokenize_s", "tokens_100k_layout_s", "tokens_100k_counts"}
GUI_KEYS = {
    "gui_window_shown_s", "qt_bare_window_s", "gui_stall_p99_ms", "gui_stall_max_ms", "gui_streamed_tokens",
    "gui_tokens_per_s", "gui_restage_ms", "gui_restage_max_ms", "gui_restage_debounce_ms",
}



def test_tokens_part_runs_without_the_gui_part_and_waits_for_the_apps_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[bench_windows.WindowRun] = []

    def recorded(*args: Any) -> bench_windows.WindowRun:
        runs.append(run_window(*args))
        return runs[-1]

    monkeypatch.setattr(bench_windows, "run_window", recorded)
    report = bench_windows.window_parts(("tokens",))
    assert set(report) == TOKENS_KEYS, report
    assert report["tokens_100k_total_s"] >= report["tokens_100k_tokenize_s"] > 0
    model_count, cl100k_count = report["tokens_100k_counts"]
    assert model_count > 10_000 and cl100k_count > 10_000
    # One process, the app's (no bare window without the gui part); its engine host has exited.
    [app] = runs
    assert app.shown_s is not None and app.shown_s > 0
    assert len(app.hosts) == 1 and app.hosts[0] != os.getpid()
    assert exited(app.hosts[0])


def test_gui_part_reports_the_window_beside_a_bare_one() -> None:
    report = bench_windows.window_parts(("gui",), stream_tokens=16)
    assert set(report) == GUI_KEYS, report
    assert report["gui_window_shown_s"] > report["qt_bare_window_s"] > 0  # the app does more than an empty window
    assert 0 < report["gui_streamed_tokens"] <= 16
