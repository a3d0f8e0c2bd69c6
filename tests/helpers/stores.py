"""Stores over real SQLite files, set up as the application sets them up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.helpers.runs import new_run

from workbench.prompts.templates import check_template
from workbench.store.database import Database
from workbench.store.runs import RunStore
from workbench.store.templates import TemplateStore


def template_store(path: Path | str | None = None, read_only: bool = False) -> TemplateStore:
    """A TemplateStore on the database at ``path`` (default: the data folder's), with the checks
    the workspace gives it; no starter library."""
    return TemplateStore(Database(path, read_only=read_only), check=check_template)


def make_history(path: Path) -> list[int]:
    """Two runs saved and the database closed, as the app leaves it: no -wal or -shm file."""
    db = Database(path)
    store = RunStore(db)
    ids = [store.save(new_run("The sky is", "blue today")), store.save(new_run("今天我很高兴，因为", "天气很好"))]
    db.close()
    return ids


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def integrity(path: Path) -> str:
    """PRAGMA integrity_check of the file with its write-ahead log, read without writing either (a
    file with no log waiting is read immutable: no -shm needed; one with a log is only whole with it)."""
    wal = Path(f"{path}-wal")
    waiting = wal.exists() and wal.stat().st_size > 0
    connection = sqlite3.connect(path.absolute().as_uri() + ("?mode=ro" if waiting else "?mode=ro&immutable=1"), uri=True)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()
