"""`workbench bench --only remote`: experiments against a real server, and the client's own cost.

- ``remote_parallel_speedup``: the same 64-case experiment against llama-cpp-python's server on
  loopback (the bundled model), with 4 parallel requests against 1: the median wall time at 1
  over the median at 4, rounds alternating which goes first. The server's parallel slots decide
  the ceiling (``remote_server_slots``): llama-cpp-python's server computes one request at a time,
  so with it the gain can only come from overlapping one request's HTTP and bookkeeping with the
  next one's computation; llama.cpp's ``llama-server --parallel N`` and vLLM batch them.
- ``remote_client_ms_per_token``: the client's own work per streamed token (reading the events,
  JSON, turning logprobs into tokens), measured against a loopback server that replays a
  recorded stream as fast as it can: its wall time per token is an upper bound of the client's cost.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from workbench.app.model import ModelContext
from workbench.engine.remote.backend import RemoteEngine
from workbench.engine.remote.capabilities import probe
from workbench.engine.remote.endpoint import Endpoint
from workbench.engine.remote.local_server import SERVER_MODEL, SERVER_SLOTS, available, llama_server
from workbench.models.info import remote_info
from workbench.values.params import GenerateParams, SamplerParams

CASES = 64
TOKENS = 8
PARALLEL = 4
ROUNDS = 2
REPLAY_TOKENS = 4000


def remote_parts(model_path: str, n_threads: int) -> dict[str, Any]:
    report: dict[str, Any] = {"remote_client_ms_per_token": _client_cost()}
    if not available():
        report["remote_skipped"] = "llama-cpp-python's server is not installed (pip install 'llama-cpp-python[server]')"
        return report
    with llama_server(model_path, n_threads=n_threads) as url:
        endpoint = Endpoint("bench", url)
        capabilities = probe(endpoint, SERVER_MODEL)
        times: dict[int, list[float]] = {1: [], PARALLEL: []}
        with tempfile.TemporaryDirectory(prefix="workbench-bench-remote-") as folder:
            for r in range(ROUNDS):
                for width in ((1, PARALLEL) if r % 2 == 0 else (PARALLEL, 1)):
                    times[width].append(_experiment(Path(folder), f"r{r}w{width}", endpoint, capabilities, width, seed=r))
    one, many = statistics.median(times[1]), statistics.median(times[PARALLEL])
    report.update({
        "remote_server": capabilities.server,
        "remote_server_slots": SERVER_SLOTS,
        "remote_cases": CASES,
        "remote_serial_s": one,
        "remote_parallel_s": many,
        "remote_parallel": PARALLEL,
        "remote_parallel_speedup": one / many,
        "remote_runs_s": {str(k): v for k, v in times.items()},
    })
    return report


def _experiment(folder: Path, name: str, endpoint: Endpoint, capabilities: Any, width: int, seed: int) -> float:
    """One experiment of CASES short generations on a fresh scratch database: its wall time."""
    from workbench.app.experiments.definition import load_file
    from workbench.app.experiments.runner import ExperimentRunner
    from workbench.app.workspace import Workspace

    rows = [{"n": str(i), "thing": ["lamp", "river", "clock", "garden"][i % 4]} for i in range(CASES)]
    definition = {
        "name": f"bench: remote x{width}",
        "prompts": [{"id": "story", "text": "Note {{ n }}: a short line about a {{ thing }}:"}],
        "models": [{"path": "default", "id": "remote", "concurrency": width}],
        "dataset": rows, "sampler": {"temperature": 0.8, "max_tokens": TOKENS}, "seed": 100 + seed,
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")

    def opener(settings: Any) -> tuple[RemoteEngine, ModelContext]:
        engine = RemoteEngine(endpoint, SERVER_MODEL, capabilities)
        loaded = engine.open()
        return engine, ModelContext(remote_info(loaded.path, engine.identity, loaded.n_ctx), loaded, settings.chat_format)

    workspace = Workspace(folder / f"{name}.sqlite")
    try:
        runner = ExperimentRunner(workspace, load_file(path), source="bench", opener=opener)
        started = time.perf_counter()
        outcome = runner.run()
        wall = time.perf_counter() - started
        cases = workspace.experiments.cases(outcome.experiment_id)
        bad = [c.error for c in cases if c.status != "ok"]
        assert outcome.status == "done" and not bad, bad[:1]
        return wall
    finally:
        workspace.close()


def _client_cost() -> float:
    """Milliseconds per token of streaming a recorded reply (top-5 logprobs per token) from a
    loopback server that sends it as fast as it can: the client's cost, plus the replay's."""
    chunk = []
    for i in range(REPLAY_TOKENS):
        text = f" w{i % 50}"
        top = {f" w{(i + j) % 50}": -0.5 - j for j in range(5)}
        event = {"id": "x", "object": "text_completion", "choices": [{"text": text, "index": 0, "finish_reason": None,
                 "logprobs": {"tokens": [text], "token_logprobs": [-0.5], "top_logprobs": [top], "text_offset": [i]}}]}
        chunk.append(b"data: " + json.dumps(event).encode() + b"\n\n")
    end = {"choices": [{"text": "", "index": 0, "finish_reason": "length", "logprobs": None}]}
    body = b"".join(chunk) + b"data: " + json.dumps(end).encode() + b"\n\ndata: [DONE]\n\n"

    class Replay(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        engine = RemoteEngine(Endpoint("replay", f"http://127.0.0.1:{server.server_address[1]}"), "replay")
        from workbench.engine.remote.capabilities import Capabilities

        engine.capabilities = Capabilities(reachable=True, models=["replay"], logprobs=True, top_logprobs_max=5)
        costs = []
        for _ in range(5):
            params = GenerateParams("x", SamplerParams(temperature=0.8, seed=1), max_tokens=REPLAY_TOKENS, top_logprobs=5)
            started = time.perf_counter()
            result = engine.generate(params).result()
            costs.append((time.perf_counter() - started) * 1000 / len(result.tokens))
            assert len(result.tokens) == REPLAY_TOKENS
        return statistics.median(costs)
    finally:
        server.shutdown()
        server.server_close()
