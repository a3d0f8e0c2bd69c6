"""The experiments tables on a real SQLite file: a case and its run written together, the cache
finds only good cases whose run is still kept, a dead runner reads as interrupted, deleting an
experiment keeps its runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.runs import new_run
from workbench.errors import BadInputError, StoreError
from workbench.store.database import Database
from workbench.store.experiments import ExperimentStore, NewCase
from workbench.store.run_records import RunFilter
from workbench.store.runs import RunStore


def stores(path: Path) -> tuple[ExperimentStore, RunStore]:
    runs = RunStore(Database(path))
    return ExperimentStore(runs.db, runs), runs


def case(row: int, column: str = "a", **kw: object) -> NewCase:
    return NewCase(row=row, column=column, repeat=0, status=kw.pop("status", "ok"), variables={"q": str(row)}, **kw)  # type: ignore[arg-type]


def test_a_case_and_its_run_are_recorded_together_and_read_back(tmp_path: Path) -> None:
    experiments, runs = stores(tmp_path / "h.sqlite")
    eid = experiments.create("demo", "/x.yaml", {"prompts": []}, {"columns": [{"id": "a"}]}, 2)
    run_id = experiments.record(eid, case(0, passed=True, score=1.0, output="42", case_key="k1"), new_run(output="42"))
    assert runs.get(run_id).output == "42"
    (stored,) = experiments.cases(eid)
    assert (stored.run_id, stored.passed, stored.output, stored.variables) == (run_id, True, "42", {"q": "0"})
    # Recording the same cell again replaces it (a resumed case), never duplicates it.
    experiments.record(eid, case(0, passed=False, score=0.0, output="41", case_key="k2"), new_run(output="41"))
    assert [c.output for c in experiments.cases(eid)] == ["41"]
    record = experiments.get(eid)
    assert (record.n_cases, record.n_done, record.status) == (2, 1, "running")
    assert runs.count(RunFilter(experiment=eid)) == 1 and runs.count(RunFilter()) == 2


def test_the_cache_answers_only_good_cases_whose_run_is_kept(tmp_path: Path) -> None:
    experiments, runs = stores(tmp_path / "h.sqlite")
    eid = experiments.create("demo", "", {}, {}, 3)
    kept = experiments.record(eid, case(0, case_key="same", output="first"), new_run())
    experiments.record(eid, case(1, case_key="broken", status="error", error="boom"), new_run(status="error"))
    assert experiments.cached("same").run_id == kept  # type: ignore[union-attr]
    assert experiments.cached("broken") is None and experiments.cached("never") is None
    runs.delete([kept])
    assert experiments.cached("same") is None  # its run was deleted from the history


def test_a_runner_that_died_leaves_an_interrupted_experiment(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    script = ("import sys; from workbench.store.database import Database; from workbench.store.runs import RunStore;"
              "from workbench.store.experiments import ExperimentStore; r = RunStore(Database(sys.argv[1]));"
              "print(ExperimentStore(r.db, r).create('gone', '', {}, {}, 5))")
    eid = int(subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True).stdout)
    experiments, _ = stores(path)
    assert experiments.get(eid).status == "interrupted"
    experiments.finish(eid, "cancelled")
    assert experiments.get(eid).status == "cancelled"
    with pytest.raises(BadInputError, match="Unknown experiment status"):
        experiments.finish(eid, "bogus")


def test_deleting_an_experiment_keeps_its_runs(tmp_path: Path) -> None:
    experiments, runs = stores(tmp_path / "h.sqlite")
    eid = experiments.create("demo", "", {}, {}, 1)
    run_id = experiments.record(eid, case(0), new_run())
    experiments.delete(eid)
    assert runs.get(run_id).output and experiments.list() == []
    with pytest.raises(BadInputError, match="No experiment"):
        experiments.get(eid)


def test_a_read_only_history_refuses_with_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    stores(path)[0].create("demo", "", {}, {}, 1)
    runs = RunStore(Database(path, read_only=True))
    with pytest.raises(StoreError):
        ExperimentStore(runs.db, runs).create("again", "", {}, {}, 1)
