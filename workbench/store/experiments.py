"""Experiments in the history database: create one with its plan, record each case with its run
in one transaction (a kill between the two leaves neither), list, read back, find a case already
answered (the cache), delete.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from workbench.errors import BadInputError
from workbench.store.database import Database
from workbench.store.models import ExperimentCaseRow, ExperimentRow, RunRow
from workbench.store.run_records import NewRun, iso_utc, utc_now
from workbench.store.runs import RunStore

STATUSES = ("running", "paused", "done", "cancelled", "error", "interrupted")


@dataclass
class NewCase:
    """A finished case to record (its run, if it made one, is written with it)."""

    row: int
    column: str
    repeat: int
    status: str  # ok | error
    variables: dict[str, str]
    passed: bool | None = None
    score: float | None = None
    output: str = ""
    answer: str | None = None
    assertions: list[dict[str, Any]] = field(default_factory=list)
    label_probs: dict[str, float] | None = None
    label_tokens: dict[str, int] | None = None
    completion_tokens: int = 0
    latency_s: float = 0.0
    error: str | None = None
    case_key: str | None = None
    cached: bool = False
    run_id: int | None = None  # an existing run (a cached case): no new run is written


@dataclass
class CaseRecord(NewCase):
    """A recorded case, as read back."""

    id: int = 0
    created_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``cases`` item of ``eval --json``."""
        return {
            "row": self.row, "column": self.column, "repeat": self.repeat, "run_id": self.run_id,
            "status": self.status, "passed": self.passed, "score": self.score, "output": self.output,
            "answer": self.answer, "assertions": self.assertions, "label_probs": self.label_probs,
            "cached": self.cached, "error": self.error, "vars": self.variables,
            "completion_tokens": self.completion_tokens, "latency_s": self.latency_s,
        }


@dataclass
class ExperimentRecord:
    """An experiment as stored: its definition, plan and state (without its cases)."""

    id: int
    name: str
    source: str
    created_at: datetime
    updated_at: datetime
    status: str
    definition: dict[str, Any]
    plan: dict[str, Any]
    n_cases: int
    n_done: int
    error: str | None

    def to_json(self) -> dict[str, Any]:
        """The ``experiments`` item of ``eval list --json``."""
        return {"id": self.id, "name": self.name, "created_at": iso_utc(self.created_at), "status": self.status,
                "n_cases": self.n_cases, "n_done": self.n_done, "source": self.source}


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ExperimentStore:
    """The only way in and out of the experiments tables."""

    def __init__(self, db: Database, runs: RunStore) -> None:
        self.db = db
        self.runs = runs

    def create(self, name: str, source: str, definition: dict[str, Any], plan: dict[str, Any], n_cases: int) -> int:
        now = utc_now()
        with self.db.session() as session:
            row = ExperimentRow(name=name, source=source, created_at=now, updated_at=now, status="running",
                                runner_pid=os.getpid(), definition=definition, plan=plan, n_cases=n_cases)
            session.add(row)
            session.flush()
            return row.id

    def start(self, experiment_id: int, plan: dict[str, Any], n_cases: int) -> None:
        """Mark a resumed experiment as running in this process, with its plan as it is now."""
        self._update(experiment_id, status="running", runner_pid=os.getpid(), plan=plan, n_cases=n_cases, error=None)

    def finish(self, experiment_id: int, status: str, error: str | None = None) -> None:
        if status not in STATUSES:
            raise BadInputError(f"Unknown experiment status {status!r}.")
        self._update(experiment_id, status=status, runner_pid=None, error=error)

    def set_status(self, experiment_id: int, status: str) -> None:
        self._update(experiment_id, status=status)

    def _update(self, experiment_id: int, **values: Any) -> None:
        with self.db.session() as session:
            session.execute(update(ExperimentRow).where(ExperimentRow.id == experiment_id).values(updated_at=utc_now(), **values))

    def record(self, experiment_id: int, case: NewCase, run: NewRun | None = None) -> int:
        """Write a case (and its new run) in one transaction; returns the case's run id (or None).
        A case recorded again for the same cell replaces the old one."""
        with self.db.session() as session:
            run_id = self.runs.add(session, run) if run is not None else case.run_id
            session.execute(delete(ExperimentCaseRow).where(
                ExperimentCaseRow.experiment_id == experiment_id, ExperimentCaseRow.row == case.row,
                ExperimentCaseRow.column == case.column, ExperimentCaseRow.repeat == case.repeat))
            values = {k: v for k, v in case.__dict__.items() if k != "run_id"}
            session.add(ExperimentCaseRow(experiment_id=experiment_id, run_id=run_id, created_at=utc_now(), **values))
            session.execute(update(ExperimentRow).where(ExperimentRow.id == experiment_id).values(updated_at=utc_now()))
            return run_id

    def forget_column(self, experiment_id: int, column: str) -> int:
        """Drop a column's cases (its definition changed): returns how many went."""
        with self.db.session() as session:
            result = session.execute(delete(ExperimentCaseRow).where(
                ExperimentCaseRow.experiment_id == experiment_id, ExperimentCaseRow.column == column))
            return int(result.rowcount or 0)

    def cached(self, case_key: str) -> CaseRecord | None:
        """The newest good case with this key whose run is still in the history."""
        with self.db.session() as session:
            row = session.scalars(
                select(ExperimentCaseRow)
                .join(RunRow, RunRow.id == ExperimentCaseRow.run_id)
                .where(ExperimentCaseRow.case_key == case_key, ExperimentCaseRow.status == "ok", RunRow.status == "ok")
                .order_by(ExperimentCaseRow.id.desc())
                .limit(1)
            ).first()
            return _case(row) if row is not None else None

    def get(self, experiment_id: int) -> ExperimentRecord:
        with self.db.session() as session:
            row = session.get(ExperimentRow, experiment_id)
            if row is None:
                raise BadInputError(f"No experiment {experiment_id} in this history (`workbench eval list` shows them).")
            return self._record(session, row, self._done_counts(session, [experiment_id]).get(experiment_id, 0))

    def list(self, limit: int = 200) -> list[ExperimentRecord]:
        with self.db.session() as session:
            rows = session.scalars(select(ExperimentRow).order_by(ExperimentRow.id.desc()).limit(limit)).all()
            done = self._done_counts(session, [r.id for r in rows])
            return [self._record(session, r, done.get(r.id, 0)) for r in rows]

    def cases(self, experiment_id: int) -> Iterator[CaseRecord]:
        """The experiment's cases by row, column, repeat; read in pages (10,000 rows stay light)."""
        last = 0
        while True:
            with self.db.session() as session:
                page = session.scalars(
                    select(ExperimentCaseRow).where(ExperimentCaseRow.experiment_id == experiment_id, ExperimentCaseRow.id > last)
                    .order_by(ExperimentCaseRow.id).limit(1000)
                ).all()
                records = [_case(r) for r in page]
            if not records:
                return
            yield from records
            last = records[-1].id

    def done_cells(self, experiment_id: int) -> dict[tuple[int, str, int], dict[str, str]]:
        """(row, column, repeat) -> the row values each recorded case ran with."""
        with self.db.session() as session:
            return {(r, c, p): v for r, c, p, v in session.execute(
                select(ExperimentCaseRow.row, ExperimentCaseRow.column, ExperimentCaseRow.repeat, ExperimentCaseRow.variables)
                .where(ExperimentCaseRow.experiment_id == experiment_id))}

    def delete(self, experiment_id: int) -> None:
        """Delete an experiment and its cases (their runs stay in the history)."""
        with self.db.session() as session:
            session.execute(delete(ExperimentCaseRow).where(ExperimentCaseRow.experiment_id == experiment_id))
            session.execute(delete(ExperimentRow).where(ExperimentRow.id == experiment_id))

    @staticmethod
    def _done_counts(session: Any, ids: list[int]) -> dict[int, int]:
        if not ids:
            return {}
        return dict(session.execute(
            select(ExperimentCaseRow.experiment_id, func.count()).where(ExperimentCaseRow.experiment_id.in_(ids))
            .group_by(ExperimentCaseRow.experiment_id)).all())

    @staticmethod
    def _record(session: Any, row: ExperimentRow, n_done: int) -> ExperimentRecord:
        status = row.status
        if status == "running" and not _alive(row.runner_pid):
            status = "interrupted"  # its process was killed or crashed: `eval --resume` goes on
        return ExperimentRecord(row.id, row.name, row.source, row.created_at, row.updated_at, status,
                                row.definition, row.plan, row.n_cases, n_done, row.error)


def _case(row: ExperimentCaseRow) -> CaseRecord:
    return CaseRecord(
        row=row.row, column=row.column, repeat=row.repeat, status=row.status, variables=dict(row.variables or {}),
        passed=row.passed, score=row.score, output=row.output, answer=row.answer, assertions=list(row.assertions or []),
        label_probs=row.label_probs, label_tokens=row.label_tokens, completion_tokens=row.completion_tokens,
        latency_s=row.latency_s, error=row.error, case_key=row.case_key, cached=row.cached, run_id=row.run_id,
        id=row.id, created_at=row.created_at,
    )
