"""The experiment runner on the real engine and a real SQLite file: every case an ordinary run of
the history, identical cases answered from it, cancel / pause / resume, an edited file on resume,
engine crashes and a vanished model file recorded as errors while the experiment goes on."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.experiments import LentEngine, Opener, write_csv, write_experiment, write_jsonl
from workbench.app.experiments.definition import load_file
from workbench.app.experiments.report import summary
from workbench.app.experiments.runner import ExperimentRunner
from workbench.app.workspace import Workspace
from workbench.engine.client import EngineClient
from workbench.errors import ExperimentFileError
from workbench.store.experiments import NewCase
from workbench.store.run_records import RunFilter

ROWS = [
    {"review": "这家餐厅的菜太好吃了，服务也很周到", "label": "正面"},
    {"review": "等了一个小时才上菜，再也不来了", "label": "负面"},
    {"review": "价格一般，味道一般", "label": "中性"},
]
EXPERIMENT = """
name: 舆情
prompts:
  - {id: terse, text: "评论：{{ review }}\\n情感："}
  - {id: lib, template: "舆情分析@production", variants: [direct, zero_shot_cot]}
dataset: reviews.csv
sampler: {temperature: 0, max_tokens: 8}
seed: 7
assert: [{type: contains, value: "{{ label }}"}]
classify: {labels: [正面, 负面, 中性], expected: label}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_csv(tmp_path / "reviews.csv", ROWS)
    return tmp_path


def run(workspace: Workspace, path: Path, opener: Any, **kwargs: Any) -> tuple[ExperimentRunner, Any]:
    runner = ExperimentRunner(workspace, load_file(path), opener=opener, on_case=kwargs.pop("on_case", None))
    return runner, runner.run(**kwargs)


def test_every_case_is_a_run_of_the_history_and_a_second_run_comes_from_it(engine: EngineClient, folder: Path) -> None:
    workspace = Workspace(folder / "h.sqlite")
    opener = Opener(engine)
    _, outcome = run(workspace, write_experiment(folder, EXPERIMENT), opener)
    assert outcome.status == "done" and len(opener.loads) == 1  # one load for the model, not one per case
    result = summary(workspace, outcome.experiment_id)
    assert [c["id"] for c in result["columns"]] == ["terse", "lib/direct", "lib/zero_shot_cot"]
    assert result["n_done"] == result["n_cases"] == 9 and opener.lent.generations == 9 and opener.lent.scorings == 9
    for case in result["cases"]:
        run_record = workspace.runs.get(case["run_id"])
        assert run_record.output == case["output"] and run_record.status == "ok"
        assert run_record.details["experiment"] == {"id": outcome.experiment_id, "column": case["column"], "row": case["row"], "repeat": 0}
        assert sum(case["label_probs"].values()) == pytest.approx(1.0)
        assert case["passed"] == (case["vars"]["label"] in case["output"]) and not case["cached"]
    library = [workspace.runs.get(c["run_id"]) for c in result["cases"] if c["column"].startswith("lib")]
    assert {r.template for r in library} == {"舆情分析@1"} and {r.variant for r in library} == {"direct", "zero_shot_cot"}
    assert workspace.runs.count(RunFilter(experiment=outcome.experiment_id)) == 9

    again = Opener(engine)
    _, second = run(workspace, folder / "experiment.yaml", again)
    repeated = summary(workspace, second.experiment_id)
    assert again.lent.generations == 0 and again.lent.scorings == 0  # identical cases: answered from the history
    assert all(c["cached"] for c in repeated["cases"])
    assert [(c["run_id"], c["passed"], c["label_probs"]) for c in repeated["cases"]] == [
        (c["run_id"], c["passed"], c["label_probs"]) for c in result["cases"]]
    assert workspace.runs.count(RunFilter()) == 9  # no new runs


def test_a_cancelled_experiment_resumes_where_it_stopped(engine: EngineClient, folder: Path) -> None:
    workspace = Workspace(folder / "h.sqlite")
    path = write_experiment(folder, EXPERIMENT)
    seen: list[NewCase] = []
    runner = ExperimentRunner(workspace, load_file(path), opener=Opener(engine), on_case=seen.append)
    runner.on_case = lambda case: (seen.append(case), len(seen) == 4 and runner.cancel())
    outcome = runner.run()
    assert outcome.status == "cancelled" and workspace.experiments.get(outcome.experiment_id).n_done == 4
    assert workspace.experiments.get(outcome.experiment_id).status == "cancelled"
    opener = Opener(engine)
    _, resumed = run(workspace, path, opener, resume_id=outcome.experiment_id)
    assert resumed.experiment_id == outcome.experiment_id and resumed.status == "done" and resumed.notices == []
    assert opener.lent.generations == 5  # only what was left
    result = summary(workspace, outcome.experiment_id)
    assert len(result["cases"]) == 9 and len({(c["row"], c["column"]) for c in result["cases"]}) == 9
    fresh = Workspace(folder / "fresh.sqlite")
    _, whole = run(fresh, path, Opener(engine))
    assert sorted((c["row"], c["column"], c["output"]) for c in summary(fresh, whole.experiment_id)["cases"]) == sorted(
        (c["row"], c["column"], c["output"]) for c in result["cases"])


def test_a_file_edited_before_its_resume_resumes_only_the_unchanged_columns(engine: EngineClient, folder: Path) -> None:
    workspace = Workspace(folder / "h.sqlite")
    path = write_experiment(folder, EXPERIMENT)
    _, first = run(workspace, path, Opener(engine), limit=1)
    write_experiment(folder, EXPERIMENT.replace("情感：", "情绪："))
    opener = Opener(engine)
    _, resumed = run(workspace, path, opener, resume_id=first.experiment_id)
    assert any("column terse changed since it ran (prompt)" in n for n in resumed.notices)
    cases = summary(workspace, first.experiment_id)["cases"]
    assert sorted((c["row"], c["column"]) for c in cases) == sorted(
        [(0, "terse")] + [(r, c) for r in range(3) for c in ("lib/direct", "lib/zero_shot_cot")])
    assert opener.lent.generations == 4


def test_pause_holds_between_cases_until_resume(engine: EngineClient, folder: Path) -> None:
    workspace = Workspace(folder / "h.sqlite")
    runner = ExperimentRunner(workspace, load_file(write_experiment(folder, EXPERIMENT)), opener=Opener(engine))
    paused = threading.Event()
    counts: list[int] = []

    def on_case(case: NewCase) -> None:
        counts.append(1)
        if len(counts) == 2:
            runner.pause()
            paused.set()

    runner.on_case = on_case
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(runner.run()))
    worker.start()
    assert paused.wait(60)
    eid = runner.experiment_id
    assert eid is not None
    for _ in range(500):  # the runner marks the experiment paused before it blocks
        if workspace.experiments.get(eid).status == "paused":
            break
        threading.Event().wait(0.01)
    assert workspace.experiments.get(eid).status == "paused" and len(counts) == 2
    runner.resume()
    worker.join(120)
    assert outcome[0].status == "done" and len(counts) == 9


def test_a_dataset_missing_a_column_is_named_before_anything_runs(engine: EngineClient, folder: Path) -> None:
    write_jsonl(folder / "reviews.jsonl", [{"review": "好", "label": "正面"}, {"text": "差", "label": "负面"}])
    workspace = Workspace(folder / "h.sqlite")
    opener = Opener(engine)
    with pytest.raises(ExperimentFileError, match=r"the prompt terse needs the column review, which row 2 \(line 2\)"):
        run(workspace, write_experiment(folder, EXPERIMENT.replace("reviews.csv", "reviews.jsonl")), opener)
    assert opener.loads == [] and workspace.runs.count(RunFilter()) == 0 and workspace.experiments.list() == []


def test_logprob_classification_alone_scores_labels_without_generating(engine: EngineClient, folder: Path) -> None:
    workspace = Workspace(folder / "h.sqlite")
    opener = Opener(engine)
    path = write_experiment(folder, """
        prompts: [{id: terse, text: "评论：{{ review }}\\n情感："}]
        dataset: reviews.csv
        classify: {labels: [正面, 负面, 中性], expected: label}
    """)
    _, outcome = run(workspace, path, opener)
    result = summary(workspace, outcome.experiment_id)
    assert opener.lent.generations == 0 and opener.lent.scorings == 3
    for case in result["cases"]:
        best = max(case["label_probs"], key=case["label_probs"].get)
        assert case["output"] == best and case["passed"] == (best == case["vars"]["label"])
        assert workspace.runs.get(case["run_id"]).output == best
    column = result["columns"][0]
    assert column["classification"]["accuracy"] == column["pass_rate"]
    assert column["classification"]["multi_token_labels"] == ["中性", "正面", "负面"]  # SmolLM2 cuts each in byte pieces


class _KillingEngine(LentEngine):
    """Kills the engine host in the middle of the ``kill_at``-th generation (a crash in llama.cpp)."""

    def __init__(self, engine: EngineClient, kill_at: int) -> None:
        super().__init__(engine)
        self.kill_at = kill_at

    def generate(self, params: Any) -> Any:
        stream = super().generate(params)
        if self.generations != self.kill_at:
            return stream
        return _Killed(stream, self.engine)


class _Killed:
    def __init__(self, stream: Any, engine: EngineClient) -> None:
        self.stream, self.engine = stream, engine

    def __iter__(self) -> Iterator[Any]:
        for i, token in enumerate(self.stream):
            if i == 0:
                os.kill(self.engine.host_pid or 0, signal.SIGKILL)
            yield token

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def test_an_engine_crash_is_one_error_and_the_experiment_goes_on(own_engine: EngineClient, folder: Path) -> None:
    workspace = Workspace(folder / "h.sqlite")
    opener = Opener(own_engine)
    opener.lent = _KillingEngine(own_engine, kill_at=2)
    _, outcome = run(workspace, write_experiment(folder, EXPERIMENT), opener)
    result = summary(workspace, outcome.experiment_id)
    assert outcome.status == "done" and len(result["cases"]) == 9
    errors = [c for c in result["cases"] if c["status"] == "error"]
    assert len(errors) == 1 and "engine" in errors[0]["error"].lower() and errors[0]["passed"] is False
    assert workspace.runs.get(errors[0]["run_id"]).status == "error"  # saved with what arrived
    assert sum(1 for c in result["cases"] if c["status"] == "ok") == 8  # the host came back
    assert result["columns"][0]["errors"] == 1


def test_a_model_file_that_disappears_between_cases_fails_those_cases_only(model_path: Path, folder: Path) -> None:
    copy = folder / "model.gguf"
    shutil.copyfile(model_path, copy)
    path = write_experiment(folder, EXPERIMENT.replace("seed: 7", "seed: 7\nmodels: [{path: model.gguf, ctx: 2048}]"))
    workspace = Workspace(folder / "h.sqlite")
    runner = ExperimentRunner(workspace, load_file(path))
    done: list[NewCase] = []

    def on_case(case: NewCase) -> None:
        done.append(case)
        if len(done) == 2:
            copy.unlink()
            engine = runner.current_engine  # killed, it must load the file again
            assert isinstance(engine, EngineClient) and engine.host_pid is not None
            os.kill(engine.host_pid, signal.SIGKILL)

    runner.on_case = on_case
    outcome = runner.run()
    result = summary(workspace, outcome.experiment_id)
    assert outcome.status == "done" and len(result["cases"]) == 9
    statuses = [c["status"] for c in sorted(result["cases"], key=lambda c: (c["column"] != "terse", c["column"], c["row"]))]
    assert statuses[:2] == ["ok", "ok"] and set(statuses[2:]) == {"error"}
    errors = [c["error"] for c in sorted(result["cases"], key=lambda c: c["run_id"] or 0) if c["status"] == "error"]
    # The case after the kill may find the engine dead (or the client restarts it first and the
    # reload fails); every later one is told the file is gone.
    assert all("killed by SIGKILL" in e or str(copy) in e for e in errors), errors
    assert sum(f"Model file not found: {copy}" in e for e in errors) >= len(errors) - 1


class _BlindTokenizer(LentEngine):
    """The real engine, but a tokenizer that makes nothing of one label (byte-level BPE never
    does that; SentencePiece vocabularies can for some texts)."""

    def tokenize(self, text: str, add_special: bool = True, parse_special: bool = False) -> list[tuple[int, bytes]]:
        return [] if text == "\u200b" else self.engine.tokenize(text, add_special, parse_special)


def test_labels_that_make_no_tokens_stop_the_experiment_once(engine: EngineClient, folder: Path) -> None:
    workspace = Workspace(folder / "h.sqlite")
    path = write_experiment(folder, """
        prompts: [{id: p, text: "{{ review }} ->"}]
        dataset: reviews.csv
        classify: {labels: [好, "\u200b"], expected: label}
    """)
    opener = Opener(engine)
    opener.lent = _BlindTokenizer(engine)
    with pytest.raises(ExperimentFileError, match="make no tokens under the tokenizer"):
        run(workspace, path, opener)
    (record,) = workspace.experiments.list()
    assert record.status == "error" and record.n_done == 0 and opener.lent.scorings == 0


def test_a_vote_gives_its_shares_as_the_label_confidence(engine: EngineClient, folder: Path) -> None:
    workspace = Workspace(folder / "h.sqlite")
    path = write_experiment(folder, """
        prompts:
          - id: vote
            text: "Review: {{ review }}\\nIs it positive or negative? Answer:"
            variants: [{name: sc, kind: self_consistency, samples: 3, temperature: 0.9, max_tokens: 6,
                        extract: {rule: regex, pattern: "(positive|negative)"}}]
        dataset: [{review: "I loved it, perfect.", label: positive}, {review: "Broken on day one.", label: negative}]
        seed: 3
        assert: [{type: equals, value: "{{ label }}", extract: variant}]
        classify: {labels: [positive, negative], expected: label}
    """)
    opener = Opener(engine)
    _, outcome = run(workspace, path, opener)
    result = summary(workspace, outcome.experiment_id)
    assert opener.lent.scorings == 0 and opener.lent.generations >= 6  # three samples a case, no label scoring
    for case in result["cases"]:
        details = workspace.runs.get(case["run_id"]).details
        votes = {v["answer"].lower(): v["count"] for v in details["votes"]}
        assert case["label_probs"] == pytest.approx({label: votes.get(label, 0) / 3 for label in ("positive", "negative")})
        assert case["answer"] == details["winner"]
