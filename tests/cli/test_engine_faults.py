"""A crash inside the engine host in the middle of a command's run (a segfault and an abort,
sent to the real host while it generates): the command says what happened, exits 1 (an engine
fault, not the input), saves the run as an error with its seed, settings and the tokens that
came, and leaves no host process behind. A model file that passes our check but makes llama.cpp
abort while loading is the input's fault: exit 2, naming the file and llama.cpp's assertion."""

from __future__ import annotations

import json
import os
import signal
import struct
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


def _mapping(path: Path) -> list[int]:
    """Processes that have ``path`` mapped (a live engine host maps its model)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(path) in (entry / "maps").read_text():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_a_file_that_passes_the_check_but_aborts_llama_cpp_exits_2_naming_the_file_and_the_assertion(
    tmp_path: Path, model_path: Path
) -> None:
    """The bundled model with one token's string made another's (same length, so the file stays
    well formed): our check accepts it, llama.cpp's vocabulary loader asserts (GGML_ASSERT,
    SIGABRT) on the collision. The command exits 2, naming the file and the assertion, and no host
    is left with the file mapped."""
    from workbench.models.gguf import read_header

    data = bytearray(model_path.read_bytes())
    tokens = read_header(model_path).get("tokenizer.ggml.tokens")
    spans, pos = [], tokens.start
    for _ in range(400):
        (n,) = struct.unpack_from("<Q", data, pos)
        spans.append((pos + 8, n))
        pos += 8 + n
    (a, n), (b, _) = next((x, y) for x, y in zip(spans[300:], spans[301:]) if x[1] == y[1])
    data[a : a + n] = data[b : b + n]
    bad = tmp_path / "colliding tokens.gguf"
    bad.write_bytes(bytes(data))
    read_header(bad)  # passes our check

    done = workbench("run", "--model", str(bad), "-p", "hi", "--max-tokens", "2", "--no-history")
    assert done.returncode == 2, done.stderr
    assert str(bad) in done.stderr and "GGML_ASSERT" in done.stderr and "SIGABRT" in done.stderr
    assert "Traceback" not in done.stderr and _mapping(bad) == []
