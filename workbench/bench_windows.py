"""The window parts of `workbench bench` (``tokens``, ``gui``) and their baseline, a bare Qt window.

Each runs in a fresh offscreen process (``workbench.gui.bench_gui``, ``workbench.gui.bench_bare``)
with its own empty data folder, and a window's start is timed the same way for both: from just
before the process is spawned to the moment it prints ``shown``, right after the window's first
``show()`` and event processing. ``qt_bare_window_s`` is what Python and Qt alone cost on the
machine at that moment, so a slow ``gui_window_shown_s`` can be told apart from a busy machine.

None of these processes starts while an engine host of an earlier part is alive: the caller passes
the hosts it started, and the window app reports its own (``host <pid>``) so the next part waits for
it too. Nothing here imports Qt; the processes do.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

WINDOW_PARTS = ("tokens", "gui")
STREAM_TOKENS = 256  # generated while the event loop's stalls are measured (about 500 ticks of 5 ms)
HOST_EXIT_S = 10.0


def wait_exited(pid: int, timeout_s: float | None = None) -> bool:
    """Wait until process ``pid`` (any process, not only a child) has exited; False after
    ``timeout_s`` (default ``HOST_EXIT_S``). A zombie counts as exited: it holds no memory, runs nothing."""
    timeout_s = HOST_EXIT_S if timeout_s is None else timeout_s
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    except (AttributeError, OSError):  # no pidfd (not Linux, or an old kernel): look every 10 ms
        return _poll_exited(pid, timeout_s)
    try:
        readable, _, _ = select.select([fd], [], [], timeout_s)  # readable once the process has exited
        return bool(readable)
    finally:
        os.close(fd)


def _poll_exited(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # someone else's process now holds the number: ours has exited
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


def wait_hosts_exited(pids: Iterable[int]) -> None:
    """Before a measurement: every engine host an earlier part started has exited. One that has not
    after ``HOST_EXIT_S`` (its client gave up on it) is killed: a measurement beside it means nothing."""
    for pid in pids:
        if not wait_exited(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            wait_exited(pid)


@dataclass
class WindowRun:
    """One timed window process: when its window showed, what it reported, the engine hosts it started."""

    shown_s: float | None
    report: dict[str, Any] = field(default_factory=dict)
    hosts: list[int] = field(default_factory=list)


def run_window(module: str, args: list[str], env: Mapping[str, str]) -> WindowRun:
    """Start ``python -m module args`` and read its lines: ``shown``, ``host <pid>``, one JSON object.
    Returns once the process and every engine host it reported have exited."""
    run = WindowRun(None)
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=dict(env),
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "shown" and run.shown_s is None:
                run.shown_s = time.perf_counter() - started
            elif line.startswith("host "):
                run.hosts.append(int(line.split()[1]))
            elif line.startswith("{"):
                run.report = json.loads(line)
    wait_hosts_exited(run.hosts)
    return run


def window_parts(
    parts: Iterable[str], stream_tokens: int = STREAM_TOKENS, after_hosts: Iterable[int] = (), model: str = "default"
) -> dict[str, Any]:
    """The ``tokens`` and ``gui`` parts among ``parts`` (both in one app process, as a person would
    meet them: the Tokens panel first, then a streamed generation and the Next-token panel's
    restaging), on ``model`` (a path or ``default``), and with ``gui`` the bare window."""
    wanted = [p for p in WINDOW_PARTS if p in set(parts)]
    if not wanted:
        return {}
    wait_hosts_exited(after_hosts)
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_HOME=home)
        bare = run_window("workbench.gui.bench_bare", [], env) if "gui" in wanted else None
        app = run_window("workbench.gui.bench_gui", ["--parts", ",".join(wanted), "--tokens", str(stream_tokens), "--model", model], env)
    report = dict(app.report)
    if bare is not None:
        report["gui_window_shown_s"] = app.shown_s
        report["qt_bare_window_s"] = bare.shown_s
    return report
