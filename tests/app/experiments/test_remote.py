"""Experiments against a remote endpoint: llama-cpp-python's real server on loopback beside the
local engine on the same model, in one experiment; parallel cases on the endpoint."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from tests.helpers.experiments import write_csv, write_experiment
from workbench.app.endpoints import EndpointStore
from workbench.app.experiments.definition import load_file
from workbench.app.experiments.report import summary
from workbench.app.experiments.runner import ExperimentRunner
from workbench.app.workspace import Workspace
from workbench.engine.remote.endpoint import Endpoint
from workbench.store.experiments import NewCase

ROWS = [{"country": c, "capital": k} for c, k in [("France", "Paris"), ("Italy", "Rome"), ("Spain", "Madrid"),
                                                  ("Germany", "Berlin"), ("Japan", "Tokyo"), ("Egypt", "Cairo")]]
EXPERIMENT = """
name: capitals, local and remote
prompts:
  - {id: plain, text: "The capital of {{ country }} is"}
models:
  - default
  - {path: lab/smollm2, id: remote, concurrency: 4}
dataset: rows.csv
sampler: {temperature: 0, max_tokens: 6}
seed: 3
assert: [{type: contains, value: "{{ capital }}"}]
"""


def test_a_remote_column_sits_beside_a_local_one_and_runs_cases_in_parallel(llama_server_url: str, tmp_path: Path) -> None:
    EndpointStore().add(Endpoint("lab", llama_server_url))
    write_csv(tmp_path / "rows.csv", ROWS)
    workspace = Workspace(tmp_path / "h.sqlite")
    in_flight = 0
    most = 0
    lock = threading.Lock()
    seen: list[NewCase] = []

    class Counting(ExperimentRunner):
        def _case(self, *args: Any) -> Any:
            nonlocal in_flight, most
            with lock:
                in_flight += 1
                most = max(most, in_flight)
            try:
                return super()._case(*args)
            finally:
                with lock:
                    in_flight -= 1

    runner = Counting(workspace, load_file(write_experiment(tmp_path, EXPERIMENT)), on_case=seen.append)
    outcome = runner.run()
    assert outcome.status == "done"
    result = summary(workspace, outcome.experiment_id)
    assert [c["id"] for c in result["columns"]] == ["plain@default", "plain@remote"]
    by_column: dict[str, dict[int, str]] = {}
    for case in result["cases"]:
        assert case["status"] == "ok", case["error"]
        by_column.setdefault(case["column"], {})[case["row"]] = case["output"]
    # Greedy decoding of the same model: the same words from the server as from the local engine.
    assert by_column["plain@remote"] == by_column["plain@default"] and len(by_column["plain@remote"]) == len(ROWS)
    assert most > 1  # the endpoint's cases overlapped (the local column runs one at a time)
    remote_runs = [workspace.runs.get(c["run_id"]) for c in result["cases"] if c["column"] == "plain@remote"]
    assert all(r.backend.startswith("remote http://127.0.0.1:") and r.model is not None and r.model.name == "smollm2" for r in remote_runs)
    assert len({r.model.fingerprint for r in remote_runs if r.model}) == 1 and remote_runs[0].model.fingerprint.startswith("remote:")
    local = {c["row"]: c["completion_tokens"] for c in result["cases"] if c["column"] == "plain@default"}
    assert {c["row"]: c["completion_tokens"] for c in result["cases"] if c["column"] == "plain@remote"} == local
