"""A history that cannot be written: a read-only file, a read-only folder (SQLite can make no
-wal or -shm file there), a disk that fills up. Each is browsed as it is, writing to it is a clear
error, and nothing in it is lost or damaged.

Made for real (read-only bind mounts, a small tmpfs filled to the last byte: tests/helpers/mounts.py);
where nothing can be mounted the same failures are injected instead, never skipped."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.helpers import mounts
from tests.helpers.runs import new_run
from tests.helpers.stores import files, integrity, make_history
from workbench.app.workspace import Workspace
from workbench.errors import StoreError
from workbench.store.database import Database
from workbench.store.run_records import RunFilter
from workbench.store.runs import RunStore


@pytest.fixture(autouse=True)
def no_mount_left_behind(tmp_path: Path) -> Iterator[None]:
    yield
    assert mounts.mounted(tmp_path) == []


def fails_with(key: str, write: Callable[[], object]) -> StoreError:
    with pytest.raises(StoreError) as caught:
        write()
    assert caught.value.key == key, caught.value
    assert "Traceback" not in str(caught.value)
    return caught.value


def browse(store: RunStore, ids: list[int]) -> None:
    """Everything reading does: list, count, full-text search (Chinese too), a run and its tokens."""
    assert [s.id for s in store.list()] == ids[::-1]
    assert store.count() == len(ids)
    assert [s.id for s in store.list(RunFilter(query="高兴"))] == [ids[1]]
    assert store.get(ids[0]).output == "blue today"
    assert [t.id for t in store.tokens(ids[0])] == [1, 2, 7]


def test_a_read_only_file_is_browsed_and_every_write_says_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "h.sqlite"
    ids = make_history(path)
    before = path.read_bytes()
    with mounts.read_only_or_injected(monkeypatch, path, folder=False):
        workspace = Workspace(path)  # as the app and the commands open it: no read_only asked for
        try:
            assert workspace.db.read_only
            browse(workspace.runs, ids)
            assert workspace.templates.list() == []  # no starter library imported, and no error either
            error = fails_with("db.read_only", lambda: workspace.runs.save(new_run("new run")))
            assert str(path) in str(error) and "read-only" in str(error)
            fails_with("db.read_only", lambda: workspace.runs.annotate(ids[0], starred=True))
            fails_with("db.read_only", lambda: workspace.runs.delete([ids[0]]))
            fails_with("db.read_only", lambda: workspace.templates.add("mine", "Say hello"))
            browse(workspace.runs, ids)  # still whole, still readable after the refusals
        finally:
            workspace.close()
    assert path.read_bytes() == before
    assert integrity(path) == "ok"


@pytest.mark.parametrize("name", ["history", "odd name #1 (50% ?) & more"])
def test_a_read_only_folder_without_wal_files_is_browsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The folder holding a WAL database is read-only and SQLite can make no -shm index there
    (plain ``mode=ro`` cannot open it): it is read as an immutable file. The name may hold
    anything a URI would misread."""
    folder = tmp_path / name
    folder.mkdir()
    path = folder / "h.sqlite"
    ids = make_history(path)
    before = files(folder)
    assert list(before) == ["h.sqlite"]  # closed cleanly: no -wal, no -shm
    with mounts.read_only_or_injected(monkeypatch, path, folder=True):
        db = Database(path)
        try:
            assert db.read_only and db.integrity_ok()
            browse(RunStore(db), ids)
            fails_with("db.read_only", lambda: RunStore(db).save(new_run("new run")))
            assert files(folder) == before  # not a byte written, no file made
        finally:
            db.close()
        asked = Database(path, read_only=True)  # asked for read-only: the same
        try:
            browse(RunStore(asked), ids)
        finally:
            asked.close()
    assert files(folder) == before
    assert integrity(path) == "ok"


@pytest.mark.parametrize("with_shm", [False, True], ids=["wal-only", "wal-and-shm"])
def test_a_read_only_folder_with_a_waiting_wal_loses_no_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_shm: bool) -> None:
    """A writer that stopped before its log was checkpointed leaves runs in -wal only (copied to
    a read-only disk, perhaps without its -shm). Those runs are shown too, and no copy of the file
    made to read them outlives the database."""
    source = tmp_path / "live"
    source.mkdir()
    first = make_history(source / "h.sqlite")
    db = Database(source / "h.sqlite")
    event.listen(db.engine, "connect", lambda c, _r: c.execute("PRAGMA wal_autocheckpoint = 0"))
    db.engine.dispose()
    waiting = RunStore(db).save(new_run("only in the log", "not checkpointed"))
    copy = tmp_path / "read-only copy"
    copy.mkdir()
    for suffix in ("", "-wal") + (("-shm",) if with_shm else ()):
        shutil.copyfile(source / f"h.sqlite{suffix}", copy / f"h.sqlite{suffix}")  # a consistent copy: no writer now
    db.close()
    path = copy / "h.sqlite"
    assert os.path.getsize(f"{path}-wal") > 0
    before = files(copy)
    with mounts.read_only_or_injected(monkeypatch, path, folder=True):
        db = Database(path)
        try:
            store = RunStore(db)
            assert [s.id for s in store.list()] == [waiting, *first[::-1]]
            assert store.get(waiting).output == "not checkpointed"
            assert [s.id for s in store.list(RunFilter(query="checkpointed"))] == [waiting]
            fails_with("db.read_only", lambda: store.save(new_run("new run")))
            snapshot = db._snapshot
        finally:
            db.close()
        assert snapshot is None or not snapshot.exists()
        assert files(copy) == before
    assert files(copy) == before


def test_a_full_disk_on_save_is_a_clear_error_loses_nothing_and_stays_browsable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "disk"
    with mounts.small_disk_or_plain(folder) as real:
        path = folder / "h.sqlite"
        db = Database(path)
        store = RunStore(db)
        ids = [store.save(new_run("The sky is", "blue today")), store.save(new_run("今天我很高兴，因为", "天气很好"))]
        free = mounts.fill_or_inject(monkeypatch, folder, real)
        if not real:
            db.engine.dispose()  # an injected fault reaches the connections made after it
        error = fails_with("db.disk_full", lambda: store.save(new_run("huge", "y" * 400_000)))
        assert str(path) in str(error) and "full" in str(error)
        fails_with("db.disk_full", lambda: store.save(new_run("huge again", "z" * 400_000)))
        browse(store, ids)  # the same database, still open, reads on
        assert db.integrity_ok() and integrity(path) == "ok"
        db.close()

        again = Database(path)  # a new process on the disk still full: browses, and says why it cannot write
        try:
            browse(RunStore(again), ids)
            fails_with("db.disk_full", lambda: RunStore(again).save(new_run("huge", "y" * 400_000)))
        finally:
            again.close()
        assert integrity(path) == "ok"

        free()
        db = Database(path)
        try:
            assert not db.read_only
            saved = RunStore(db).save(new_run("after freeing space", "y" * 400_000))
            assert [s.id for s in RunStore(db).list()] == [saved, *ids[::-1]]
        finally:
            db.close()
        assert integrity(path) == "ok"


def test_a_database_on_a_disk_already_full_opens_for_browsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No room for the -wal and -shm files SQLite makes on opening: the history opens read-only,
    and a save says the disk is full (not that the file is read-only)."""
    folder = tmp_path / "disk"
    with mounts.small_disk_or_plain(folder) as real:
        path = folder / "h.sqlite"
        ids = make_history(path)
        assert sorted(os.listdir(folder)) == ["h.sqlite"]
        free = mounts.fill_or_inject(monkeypatch, folder, real, opens=False)
        before = path.read_bytes()
        workspace = Workspace(path)
        try:
            assert workspace.db.read_only
            browse(workspace.runs, ids)
            error = fails_with("db.disk_full", lambda: workspace.runs.save(new_run("new run")))
            assert "full" in str(error)
            assert workspace.templates.list() == []
        finally:
            workspace.close()
        assert path.read_bytes() == before and integrity(path) == "ok"
        free()
        db = Database(path)
        try:
            assert not db.read_only
            RunStore(db).save(new_run("after freeing space"))
            assert RunStore(db).count() == 3
        finally:
            db.close()
        assert integrity(path) == "ok"


def test_a_writable_file_in_a_read_only_folder_names_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a user (not root) meets with a folder at 0555 and their own file in it: the file may
    be written, but SQLite cannot make its -wal and -shm beside it. The message names the folder,
    not the file, as the thing to make writable. (Root writes anywhere, so the folder's refusal
    is injected: os.access for the folder only, and SQLite's own answer.)"""
    from workbench.store import database

    db = tmp_path / "history" / "h.sqlite"
    db.parent.mkdir()
    make_history(db)
    real_access = os.access
    folder = str(db.parent.resolve())
    monkeypatch.setattr(database.os, "access", lambda p, mode, *a, **k: False if mode & os.W_OK and str(Path(p).resolve()) == folder
                        else real_access(p, mode, *a, **k))
    monkeypatch.setattr(database, "_connect", mounts.faulty_connect(mounts.READ_ONLY))
    store = RunStore(Database(db))
    assert store.count() == 2
    error = fails_with("db.read_only_folder", lambda: store.save(new_run("new run")))
    assert f"in a read-only folder ({db.parent})" in str(error) and "Make the folder writable" in str(error)
