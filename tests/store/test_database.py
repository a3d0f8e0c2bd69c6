"""The database file itself: safe settings, migrations, newer schemas, crashes, concurrency, faults."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, text

from tests.helpers.runs import new_run
from workbench.errors import StoreError
from workbench.store.database import SCHEMA_HEAD, Database, schema_head
from workbench.store.run_records import RunFilter
from workbench.store.runs import RunStore

FIXTURES = Path(__file__).parent / "fixtures"

WRITER = """
import sys
from workbench.store.database import Database
from workbench.store.runs import RunStore
from tests.helpers.runs import new_run
store = RunStore(Database(sys.argv[1]))
for i in range(int(sys.argv[2])):
    run_id = store.save(new_run(f"writer {sys.argv[3]} run {i}", "x" * 2000))
    print(run_id, flush=True)
"""


def writer(db: Path, runs: int, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(runs), name],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2],
    )


def test_every_connection_is_set_up_safely(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.sqlite")
    for _ in range(2):  # a fresh pool connection each time
        db.engine.dispose()
        with db.engine.connect() as c:
            settings = [c.execute(text(f"PRAGMA {p}")).scalar() for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")]
        assert settings == ["wal", 2, 1, 10_000]  # synchronous 2 = FULL
    assert db.revision() == schema_head() == SCHEMA_HEAD  # the constant that skips Alembic when up to date


def test_first_schema_is_migrated_and_its_runs_become_searchable(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "schema_0001.sqlite", path)
    db = Database(path)
    assert db.revision() == schema_head() != "0001"
    store = RunStore(db)
    assert [s.prompt for s in store.list(RunFilter(query="morning"))] == ["Translate: good morning"]
    assert [s.model for s in store.list(RunFilter(query="今天我"))] == ["Old model"]
    assert db.integrity_ok()


def test_a_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    Database(path).close()
    with Database(path).engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer Prompt Workbench"):
        Database(path)
    assert path.read_bytes() == before


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database " * 100)
    with pytest.raises(StoreError, match="not a workbench database"):
        Database(path)


def test_killed_writer_loses_no_committed_run_and_never_corrupts(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    Database(path).close()
    proc = writer(path, 100_000, "k")
    assert proc.stdout is not None
    committed = [int(proc.stdout.readline()) for _ in range(40)]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    db = Database(path)
    assert db.integrity_ok()
    store = RunStore(db)
    saved = {s.id for s in store.list(limit=100_000)}
    assert set(committed) <= saved
    assert len(store.list(RunFilter(query="writer"), limit=100_000)) == len(saved)  # the index is whole too


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    Database(path).close()
    procs = [writer(path, 40, name) for name in ("a", "b")]
    outputs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    store = RunStore(Database(path))
    assert store.count() == 80 and len(set(outputs[0]) | set(outputs[1])) == 80
    assert store.count(RunFilter(query="writer b")) == 40


def test_read_only_database_can_be_browsed_not_written(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    first = RunStore(Database(path)).save(new_run("kept run"))
    store = RunStore(Database(path, read_only=True))
    assert [s.id for s in store.list()] == [first]
    with pytest.raises(StoreError, match="read-only"):
        store.save(new_run("new run"))
    assert [s.id for s in store.list()] == [first]


def test_full_disk_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.sqlite")
    store = RunStore(db)
    first = store.save(new_run("kept run"))
    with db.engine.connect() as c:
        pages = c.execute(text("PRAGMA page_count")).scalar()
    # SQLite reports "database or disk is full" when it may not grow: the same path as a full disk.
    event.listen(db.engine, "connect", lambda conn, _r: conn.execute(f"PRAGMA max_page_count = {pages + 2}"))
    db.engine.dispose()
    with pytest.raises(StoreError, match="full"):
        store.save(new_run("huge", "y" * 200_000))
    assert [s.id for s in store.list()] == [first]
    assert db.integrity_ok()


def test_the_migrated_schema_is_the_models_schema(tmp_path: Path) -> None:
    """Migrating a blank database gives exactly the tables, columns, types and indexes the
    SQLAlchemy models declare; only the full-text search tables (FTS5, made by the migrations
    with raw SQL and kept in step by triggers) are the migrations' own."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from workbench.store.models import Base

    db = Database(tmp_path / "blank.sqlite")
    with db.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    search = {"runs_search", "runs_search_config", "runs_search_data", "runs_search_idx", "runs_search_docsize"}
    removed = {d[1].name for d in diffs if isinstance(d, tuple) and d[0] == "remove_table"}
    others = [d for d in diffs if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name in search)]
    assert removed == search
    assert others == []
