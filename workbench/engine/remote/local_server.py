"""llama-cpp-python's own OpenAI-compatible server on a loopback port, for the benchmark and the
tests (``pip install 'llama-cpp-python[server]'``, which ``make`` installs from the cached wheel).

Parallel requests queue in it (``--interrupt_requests false``; by default a new request cuts the
one in flight short): it computes one at a time, so it has one slot.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import BadInputError

SERVER_MODEL = "smollm2"
SERVER_SLOTS = 1
START_TIMEOUT_S = 120.0


def available() -> bool:
    """Whether the server extra is installed (found on disk: llama_cpp is not imported here)."""
    spec = importlib.util.find_spec("llama_cpp")
    return spec is not None and any((Path(p) / "server" / "app.py").is_file() for p in spec.submodule_search_locations or ())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def llama_server(model: Path | str, *, n_ctx: int = 2048, api_key: str | None = None, n_threads: int | None = None,
                 alias: str = SERVER_MODEL) -> Iterator[str]:
    """Run the server until the block ends; yields its base URL (``http://127.0.0.1:PORT``,
    without ``/v1``). Its output goes to a log file in the temporary folder."""
    if not available():
        raise BadInputError("llama-cpp-python's server is not installed: pip install 'llama-cpp-python[server]' (make does).")
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias,
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(n_threads or os.cpu_count() or 2),
        "--flash_attn", "false", "--interrupt_requests", "false",
    ]
    if api_key:
        command += ["--api_key", api_key]
    log = open(Path(tempfile.gettempdir()) / f"llama-server-{port}.log", "wb")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(urllib.request.Request(url + "/v1/models", headers=headers), timeout=2) as reply:
                    json.load(reply)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"llama_cpp.server did not start within {START_TIMEOUT_S:.0f} s; see {log.name}") from None
                time.sleep(0.2)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
