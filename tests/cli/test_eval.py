"""`workbench eval` as a user runs it (a real process, the bundled model): the JSON contract of
eval, eval list, eval show; the history filtered by experiment; resume; exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import workbench
from tests.helpers.experiments import write_csv, write_experiment

EXPERIMENT = """
name: arithmetic
prompts:
  - {id: plain, text: "Question: {{ q }}\\nAnswer:"}
  - {id: cot, text: "Question: {{ q }}\\nLet's think step by step.", variants: [direct, zero_shot_cot]}
dataset: rows.csv
sampler: {temperature: 0, max_tokens: 8, stop: ["\\n\\n"]}
repeats: 2
seed: 7
assert:
  - {type: numeric, value: "{{ answer }}"}
  - {type: max-tokens, value: 8, weight: 0.5}
"""
COLUMN_KEYS = {"id", "prompt", "variant", "model", "n", "passed", "pass_rate", "ci95", "mean_score", "classification"}
CASE_KEYS = {"row", "column", "repeat", "run_id", "passed", "score", "output", "assertions", "label_probs", "cached"}
PAIR_KEYS = {"a", "b", "diff", "ci95", "p_value"}


def eval_json(*args: str) -> dict:
    result = workbench("eval", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_eval_prints_the_contract_and_show_prints_the_same_object(tmp_path: Path) -> None:
    write_csv(tmp_path / "rows.csv", [{"q": "2 + 3", "answer": "5"}, {"q": "10 - 4", "answer": "6"}])
    path = write_experiment(tmp_path, EXPERIMENT)
    db = str(tmp_path / "h.sqlite")
    result = eval_json(str(path), "--db", db)
    assert result["experiment_id"] == 1 and result["status"] == "done"
    assert [c["id"] for c in result["columns"]] == ["plain", "cot/direct", "cot/zero_shot_cot"]
    for column in result["columns"]:
        assert COLUMN_KEYS <= set(column) and column["n"] == 4 and column["classification"] is None
        lo, hi = column["ci95"]
        assert 0 <= lo <= column["pass_rate"] <= hi <= 1
    assert len(result["pairs"]) == 3 and all(PAIR_KEYS <= set(p) for p in result["pairs"])
    assert len(result["cases"]) == 12
    for case in result["cases"]:
        assert CASE_KEYS <= set(case) and case["repeat"] in (0, 1) and case["cached"] is False
        assert [a["type"] for a in case["assertions"]] == ["numeric", "max-tokens"]
        assert case["score"] in (0.0, 0.5 / 1.5, 1.0 / 1.5, 1.0)
    listed = eval_json("list", "--db", db)["experiments"]
    assert [(e["id"], e["name"], e["status"], e["n_cases"], e["n_done"]) for e in listed] == [(1, "arithmetic", "done", 12, 12)]
    assert set(listed[0]) >= {"id", "name", "created_at", "status", "n_cases", "n_done"}
    assert eval_json("show", "1", "--db", db) == result
    runs = json.loads(workbench("history", "list", "--experiment", "1", "--db", db, "--json").stdout)
    assert runs["total"] == 12 and {r["id"] for r in runs["runs"]} == {c["run_id"] for c in result["cases"]}

    text = workbench("eval", "show", "1", "--db", db)
    assert text.returncode == 0 and "cot/zero_shot_cot" in text.stdout and "95% CI" in text.stdout


def test_limit_then_resume_runs_the_rest(tmp_path: Path) -> None:
    write_csv(tmp_path / "rows.csv", [{"q": f"{i} + 1", "answer": str(i + 1)} for i in range(3)])
    path = write_experiment(tmp_path, EXPERIMENT.replace("repeats: 2", "repeats: 1"))
    db = str(tmp_path / "h.sqlite")
    first = eval_json(str(path), "--db", db, "--limit", "1")
    assert len(first["cases"]) == 3
    resumed = eval_json(str(path), "--db", db, "--resume", str(first["experiment_id"]))
    assert resumed["experiment_id"] == first["experiment_id"] and len(resumed["cases"]) == 9
    assert sum(c["cached"] for c in resumed["cases"]) == 0
    again = eval_json("--resume", str(first["experiment_id"]), "--db", db)  # the file is found from the record
    assert again["n_done"] == 9


def test_bad_input_exits_2_with_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("prompts:\n  - {id: a, text: hi}\ndataset: rows.csv\nsampler: {temperature: -1}\n", encoding="utf-8")
    result = workbench("eval", str(bad), "--db", str(tmp_path / "h.sqlite"))
    assert result.returncode == 2 and f"{bad}, line 4: sampler.temperature" in result.stderr and "Traceback" not in result.stderr
    missing = workbench("eval", str(tmp_path / "none.yaml"))
    assert missing.returncode == 2 and "cannot read it" in missing.stderr
    unknown = workbench("eval", "show", "99", "--db", str(tmp_path / "h.sqlite"))
    assert unknown.returncode == 2 and "No experiment 99" in unknown.stderr
    nothing = workbench("eval")
    assert nothing.returncode == 2 and "Give an experiment file" in nothing.stderr


def test_a_killed_eval_is_interrupted_and_resumes_without_losing_a_case(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    write_csv(tmp_path / "rows.csv", [{"q": f"{i} + 2", "answer": str(i + 2)} for i in range(6)])
    path = write_experiment(tmp_path, EXPERIMENT.replace("repeats: 2", "repeats: 1"))
    db = str(tmp_path / "h.sqlite")
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "eval", str(path), "--db", db, "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # Kill it (and its engine host) once a few cases are stored: nothing may be half written.
        from workbench.app.workspace import Workspace

        workspace = Workspace(db)
        for _ in range(2000):
            if proc.poll() is not None:
                break
            try:
                listed = workspace.experiments.list()
            except Exception:  # the database is still being created
                listed = []
            if listed and listed[0].n_done >= 4:
                break
            threading_wait(0.02)
        assert proc.poll() is None  # still running: killed mid-experiment
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    (record,) = workspace.experiments.list()
    assert record.status == "interrupted" and 4 <= record.n_done < record.n_cases == 18
    kept = {(c.row, c.column): c.run_id for c in workspace.experiments.cases(record.id)}
    assert all(workspace.runs.get(run_id).status == "ok" for run_id in kept.values())  # every stored case has its run
    workspace.close()
    listed = eval_json("list", "--db", db)["experiments"]
    assert listed[0]["status"] == "interrupted"
    resumed = eval_json("--resume", str(record.id), "--db", db)
    assert resumed["status"] == "done" and len(resumed["cases"]) == 18
    assert {(c["row"], c["column"]): c["run_id"] for c in resumed["cases"] if (c["row"], c["column"]) in kept} == kept


def test_built_in_suites_are_listed_and_run(tmp_path: Path) -> None:
    listed = workbench("eval", "--suite", "list")
    names = [line.split("\t")[0] for line in listed.stdout.splitlines()]
    assert listed.returncode == 0 and {"arithmetic-cot", "arithmetic-cot-zh", "sentiment", "sentiment-zh", "call-centre-qa",
                                       "call-centre-qa-zh", "prompt-injection", "prompt-injection-zh"} <= set(names)
    result = eval_json("--suite", "sentiment-zh", "--limit", "2", "--db", str(tmp_path / "h.sqlite"))
    assert result["n_done"] == result["n_cases"] == 4 and all(c["status"] == "ok" for c in result["cases"])
    assert all(c["classification"] is not None for c in result["columns"])
    unknown = workbench("eval", "--suite", "nonsense")
    assert unknown.returncode == 2 and "sentiment-zh" in unknown.stderr


def threading_wait(seconds: float) -> None:
    import threading

    threading.Event().wait(seconds)
