"""`workbench run` saves every run; `workbench history` lists, searches, shows, exports, deletes, reruns."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.helpers.cli import workbench


def run_saved(prompt: str, *extra: str) -> dict:
    result = workbench("run", "--prompt", prompt, "--max-tokens", "6", "--temperature", "0", "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_runs_are_saved_searched_shown_exported_rerun_and_deleted(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite")
    first = run_saved("The capital of France is", "--db", db)
    second = run_saved("今天我很高兴，因为", "--db", db, "--top-logprobs", "3")
    assert (first["run_id"], second["run_id"]) == (1, 2)
    assert run_saved("Not kept", "--db", db, "--no-history")["run_id"] is None

    listed = json.loads(workbench("history", "list", "--db", db, "--json").stdout)
    assert listed["total"] == 2 and [r["id"] for r in listed["runs"]] == [2, 1]
    assert listed["runs"][1]["output"] == first["text"] and listed["runs"][1]["status"] == "ok"
    found = json.loads(workbench("history", "search", "高兴", "--db", db, "--json").stdout)
    assert [r["id"] for r in found["runs"]] == [2]

    shown = json.loads(workbench("history", "show", "2", "--db", db, "--json").stdout)
    assert shown["prompt"] == "今天我很高兴，因为" and shown["output"] == second["text"]
    assert len(shown["tokens"]) == len(second["tokens"])
    for saved, live in zip(shown["tokens"], second["tokens"]):
        assert {k: saved[k] for k in ("id", "text", "bytes", "logprob")} == {k: live[k] for k in ("id", "text", "bytes", "logprob")}
        assert [(a["id"], a["text"]) for a in saved["top"]] == [(a["id"], a["text"]) for a in live["top"]]
        assert [a["logprob"] for a in saved["top"]] == pytest.approx([a["logprob"] for a in live["top"]], rel=1e-6)
        assert len(saved["top"]) == 3
    assert shown["model"]["file_name"].endswith(".gguf") and shown["params"]["sampler"]["temperature"] == 0.0

    jsonl = workbench("history", "export", "--db", db, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in jsonl] == [2, 1]
    rows = list(csv.DictReader(io.StringIO(workbench("history", "export", "--db", db, "--format", "csv").stdout)))
    assert rows[1]["prompt"] == "The capital of France is" and rows[1]["status"] == "ok"
    md = tmp_path / "runs.md"
    assert workbench("history", "export", "--db", db, "--format", "md", "-o", str(md)).returncode == 0
    assert "## Run 1" in md.read_text() and "The capital of France is" in md.read_text()

    again = json.loads(workbench("history", "rerun", "1", "--db", db, "--json").stdout)
    assert again["text"] == first["text"] and again["run_id"] == 3  # greedy: the same output, saved anew

    bad = workbench("history", "delete", "1", "99", "--db", db)
    assert bad.returncode == 2 and "no run 99" in bad.stderr
    assert json.loads(workbench("history", "delete", "1", "3", "--db", db, "--json").stdout) == {"deleted": 2}
    assert json.loads(workbench("history", "list", "--db", db, "--json").stdout)["total"] == 1


def test_history_bad_input(tmp_path: Path) -> None:
    newer = tmp_path / "notes.sqlite"
    newer.write_text("not a database at all " * 50)
    result = workbench("history", "list", "--db", str(newer))
    assert result.returncode == 2 and "not a workbench database" in result.stderr and "Traceback" not in result.stderr
    result = workbench("history", "list", "--db", str(tmp_path / "h.sqlite"), "--since", "yesterday")
    assert result.returncode == 2 and "2026-11-23" in result.stderr
    result = workbench("history", "show", "5", "--db", str(tmp_path / "h.sqlite"))
    assert result.returncode == 2 and "no run 5" in result.stderr
    # A run whose history cannot be written still prints its result.
    unwritable = tmp_path / "dir.sqlite"
    unwritable.mkdir()
    out = workbench("run", "--prompt", "Hi", "--max-tokens", "2", "--json", "--db", str(unwritable))
    assert out.returncode == 0 and json.loads(out.stdout)["run_id"] is None
    assert "not saved in the history" in out.stderr


def test_compare_reports_settings_text_and_token_probabilities(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite")
    cold = run_saved("The best thing about Paris is", "--db", db, "--max-tokens", "12", "--top-logprobs", "10")
    hot = workbench("run", "--prompt", "The best thing about Paris is", "--max-tokens", "12", "--top-logprobs", "10",
                    "--temperature", "1.5", "--seed", "4", "--json", "--db", db)
    hot = json.loads(hot.stdout)
    same = run_saved("The best thing about Paris is", "--db", db, "--max-tokens", "12", "--top-logprobs", "10")
    result = workbench("history", "compare", str(cold["run_id"]), str(hot["run_id"]), str(same["run_id"]), "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["runs"]] == [cold["run_id"], hot["run_id"], same["run_id"]]
    assert "temperature" in data["differing"] and "top_k" not in data["differing"]
    to_hot, to_same = data["pairs"]
    assert to_same["text_diff"] == "" and to_same["shared_tokens"] == 12 and to_same["divergence"] is None
    assert to_same["shifts"] == []  # greedy twice: the same tokens with the same probabilities
    ids_cold = [t["id"] for t in cold["tokens"]]
    ids_hot = [t["id"] for t in hot["tokens"]]
    assert ids_cold != ids_hot  # seed 4 at temperature 1.5 leaves the greedy path
    first = next(i for i, (x, y) in enumerate(zip(ids_cold, ids_hot)) if x != y)
    d = to_hot["divergence"]
    assert d["index"] == first and d["a"]["logprob"] == cold["tokens"][first]["logprob"]
    # The greedy run drew the most likely token, so the other run saw it among its alternatives
    # (stored as float32, like llama.cpp's logits).
    assert d["a"]["logprob_in_b"] == pytest.approx(max(a["logprob"] for a in hot["tokens"][first]["top"]), abs=1e-6)
    assert to_hot["text_diff"].startswith(f"--- run {cold['run_id']}\n+++ run {hot['run_id']}\n")
    text = workbench("history", "compare", str(cold["run_id"]), str(hot["run_id"]), "--db", db).stdout
    assert "settings that differ: temperature 0.0 | 1.5" in text and "shared tokens:" in text
    one = workbench("history", "compare", str(cold["run_id"]), "--db", db)
    assert one.returncode == 2 and "two or more" in one.stderr
