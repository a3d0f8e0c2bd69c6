"""A crash inside the engine host in the middle of a command's run (a segfault and an abort,
sent to the real host while it generates): the command says what happened, exits 1 (an engine
fault, not the input), saves the run as an error with its seed, settings and the tokens that
came, and leaves no host process behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.cli import workbench
from tests.helpers.processes import exited


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGABRT], ids=["segfault", "abort"])
def test_a_host_crash_mid_run_saves_the_run_as_an_error_with_its_seed(sig: signal.Signals, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    cli = subprocess.Popen(
        [sys.executable, "-m", "workbench", "run", "-p", "Once upon a time", "--max-tokens", "2000", "--seed", "11",
         "--temperature", "0.8", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert cli.stdout is not None
    cli.stdout.read(20)  # tokens are streaming: the host is generating
    hosts = _children(cli.pid)
    assert len(hosts) == 1
    os.kill(hosts[0], sig)
    _, err = cli.communicate(timeout=120)
    assert cli.returncode == 1 and sig.name in err and "Traceback" not in err
    deadline = time.monotonic() + 10
    while not exited(hosts[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert exited(hosts[0])
    runs = json.loads(workbench("history", "list", "--db", str(db), "--json").stdout)
    listed = runs["runs"] if isinstance(runs, dict) else runs
    assert len(listed) == 1 and listed[0]["status"] == "error" and listed[0]["completion_tokens"] >= 5
    shown = json.loads(workbench("history", "show", str(listed[0]["id"]), "--db", str(db), "--json").stdout)
    assert shown["params"]["sampler"]["seed"] == 11 and shown["params"]["max_tokens"] == 2000
    assert sig.name in shown["error"]
