"""Offline: running a prompt, tokenizing with the model and tiktoken, and an experiment open no
network connection, in the command's process or in its engine host.

Two independent witnesses: a Python audit hook installed in every Python process the commands
start (``sitecustomize`` on PYTHONPATH: the CLI and its engine host), which records any internet
socket and any name lookup; and strace following every process and thread, which also sees what
native code (llama.cpp) would do. Only configured endpoints are ever contacted (the remote-engine
tests talk to loopback servers the tests started)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GUARD = '''
import os, socket, sys
_LOG = os.environ["WORKBENCH_NET_LOG"]

def _hook(event, args):
    if event in ("socket.connect", "socket.bind", "socket.sendto"):
        sock = args[0]
        if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
            with open(_LOG, "a") as f:
                f.write(f"{os.getpid()} {event} {args[1]!r}\\n")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname"):
        with open(_LOG, "a") as f:
            f.write(f"{os.getpid()} {event} {args[0]!r}\\n")

sys.addaudithook(_hook)
'''

COMMANDS = [
    ["run", "-p", "The capital of France is", "--max-tokens", "4", "--temperature", "0"],
    ["tokens", "你好, world", "--model", "default", "--encoding", "cl100k_base"],
    ["eval", "--suite", "sentiment", "--limit", "2", "--json"],
    ["endpoints", "list"],
]


@pytest.fixture
def guarded(tmp_path: Path) -> tuple[dict[str, str], Path]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]),
               WORKBENCH_NET_LOG=str(log))
    return env, log


@pytest.mark.parametrize("argv", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_command_opens_no_network_socket_in_any_process(argv: list[str], guarded: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    env, log = guarded
    command = [sys.executable, "-m", "workbench", *argv]
    if argv[0] in ("run", "eval"):
        command += ["--db", str(tmp_path / "h.sqlite")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (log.read_text() if log.exists() else "") == ""
    # The hook is live in the engine host too: a process that did open one would be seen.
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.getaddrinfo('localhost', 80)"], env=env, timeout=60)
    assert probe.returncode == 0 and "getaddrinfo" in log.read_text()


def test_the_window_opens_loads_tokenizes_and_generates_without_a_network_socket(
    guarded: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    """The benchmark's window child is the app as a user starts it: the real main window loads the
    bundled model, the token lab tokenizes with the model's tokenizer and tiktoken, and a prompt
    streams tokens; then it quits by itself."""
    env, log = guarded
    env = dict(env, QT_QPA_PLATFORM="offscreen", WORKBENCH_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "workbench.gui.bench_gui", "--tokens", "4"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"gui_streamed_tokens": 4' in done.stdout and "tokens_100k_counts" in done.stdout
    assert (log.read_text() if log.exists() else "") == ""


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_strace_sees_no_internet_socket_in_a_run_and_its_engine_host(tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    done = subprocess.run(
        ["strace", "-f", "-qq", "-s", "200", "-e", "trace=socket,connect,execve", "-o", str(trace), sys.executable, "-m", "workbench",
         *COMMANDS[0], "--db", str(tmp_path / "h.sqlite")],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    calls = trace.read_text()
    assert "workbench.engine.host" in calls  # it followed the run into its engine host
    assert re.findall(r"socket\(AF_INET6?,|connect\(.*AF_INET6?", calls) == []
