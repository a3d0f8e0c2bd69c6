"""Another application's SQLite file given as the history is refused, naming what it holds, and
left exactly as it was (not a byte written: no workbench tables, no journal mode change)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.helpers.cli import workbench
from workbench.errors import StoreError
from workbench.store.database import Database


def _foreign(path: Path) -> bytes:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, distance REAL)")
    connection.execute("INSERT INTO contacts (name) VALUES ('Ada')")
    connection.commit()
    connection.close()
    return path.read_bytes()


def test_another_applications_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    before = _foreign(path)
    with pytest.raises(StoreError) as caught:
        Database(path)
    assert caught.value.key == "db.foreign" and "contacts, runs" in str(caught.value)
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(before).digest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]  # no -wal or -shm beside it


def test_the_cli_says_so_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    before = _foreign(path)
    done = workbench("history", "list", "--db", str(path))
    assert done.returncode == 2 and "not a workbench history" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and path.read_bytes() == before


def test_an_empty_file_and_a_workbench_database_still_open(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    Database(empty).close()
    Database(empty).close()  # now ours: it opens again


@pytest.mark.parametrize("where", ["/dev/null", "{tmp}"])
def test_a_device_or_a_folder_is_not_a_database(where: str, tmp_path: Path) -> None:
    done = workbench("history", "list", "--db", where.format(tmp=tmp_path))
    assert done.returncode == 2 and ("is not a workbench database" in done.stderr or "not a regular file" in done.stderr) and "disk" not in done.stderr
