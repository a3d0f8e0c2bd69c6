"""Opening the workbench database: SQLite with safe settings, migrated to this version's schema.

Every connection runs in WAL mode with ``synchronous=FULL`` (a committed run survives a killed
process or a power cut), foreign keys on and a busy timeout (two app instances can write at
once: one waits for the other). Sessions are per thread. Alembic migrations ship in the package
and run on open; a database from a newer version is refused rather than damaged.

A database that cannot be written opens for browsing: a read-only file, a read-only folder (where
SQLite cannot make its ``-wal`` and ``-shm`` files), or a disk too full for them. Writing to it
then fails with a message that says why (read-only, or the disk is full), and nothing is lost.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from sqlalchemy.pool import QueuePool

from workbench.errors import StoreError
from workbench.paths import data_dir
from workbench.store.search_text import search_text

BUSY_TIMEOUT_MS = 10_000
MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision. A database already there opens without loading Alembic (~0.15 s
# of start-up); tests check this equals the head of the shipped migrations.
SCHEMA_HEAD = "0009"


def default_path() -> Path:
    return data_dir() / "workbench.sqlite"


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def schema_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _connect(target: str, uri: bool) -> sqlite3.Connection:
    """A DB-API connection to ``target`` (a path, or a ``file:`` URI when ``uri``): every
    connection of an engine is made here (tests put faults in here)."""
    return sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)


def _uri(path: Path, **params: str) -> str:
    """A SQLite URI for ``path``, whatever characters it has (spaces, ?, #, %)."""
    return path.absolute().as_uri() + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def describe_error(error: Exception, path: Path) -> StoreError:
    """The error a person can act on, for a failure of SQLite on ``path``."""
    detail = str(getattr(error, "orig", None) or error).lower()
    if "disk is full" in detail or "disk i/o" in detail:
        return StoreError.of("db.disk_full", path=path)
    if "readonly" in detail or "read-only" in detail:
        # A file this user may write in a folder they may not: SQLite's -wal and -shm cannot be made.
        in_folder = path.is_file() and os.access(path, os.W_OK) and not os.access(path.parent, os.W_OK)
        return StoreError.of("db.read_only_folder" if in_folder else "db.read_only", path=path, folder=path.parent)
    if "locked" in detail or "busy" in detail:
        return StoreError.of("db.locked", path=path, seconds=BUSY_TIMEOUT_MS // 1000)
    if "not a database" in detail or "malformed" in detail:
        return StoreError.of("db.damaged", path=path)
    if "unable to open" in detail:
        return StoreError.of("db.cannot_open", path=path)
    return StoreError.of("db.failed", path=path, detail=error)


def _refuse_foreign(path: Path) -> None:
    """A SQLite file with tables but no workbench schema is another application's: refuse it,
    naming what it holds, read without writing a byte (not even the journal mode)."""
    if not path.is_file() or _size(path) == 0:
        return
    # immutable=1: a WAL file in a folder where SQLite can make no -shm index (read-only, full)
    for uri in (_uri(path, mode="ro"), _uri(path, mode="ro", immutable="1")):
        try:
            connection = _connect(uri, True)
        except sqlite3.Error:
            continue
        try:
            tables = [row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            break
        except sqlite3.Error:
            continue
        finally:
            connection.close()
    else:
        return  # not a database, damaged, or unreadable: said by the open that follows
    if tables and "alembic_version" not in tables:
        shown = ", ".join(tables[:8]) + (f" and {len(tables) - 8} more" if len(tables) > 8 else "")
        raise StoreError.of("db.foreign", path=path, tables=shown)


class Database:
    """One database file: an engine, per-thread sessions, and the schema brought up to date."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False) -> None:
        """Open (creating and migrating as needed) the database at ``path`` (default: the data
        folder). ``read_only``, a file this user cannot write, or a file in a folder this user
        cannot write opens for reading only; so does a database the disk is too full to open for
        writing (writing to it then says the disk is full)."""
        self.path = Path(path) if path is not None else default_path()
        exists = self.path.exists()
        self.read_only = read_only or (exists and not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)))
        self._write_error: StoreError | None = None  # why this database opened read-only, when not asked to
        self._snapshot: Path | None = None  # a private copy read in place of the file (see _open_read_only)
        if self.read_only and not exists:
            raise StoreError.of("db.missing", path=self.path)
        if not exists:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError.of("db.no_folder", path=self.path, reason=e.strerror) from None
        if exists and not self.path.is_file():  # /dev/null, a folder, a pipe
            raise StoreError.of("db.damaged", path=self.path)
        _refuse_foreign(self.path)  # before anything (WAL mode, the schema) is written into it
        if self.read_only:
            self._open_read_only()
        else:
            self._open_writable()
        self.sessions = scoped_session(sessionmaker(self.engine, expire_on_commit=False))

    def _start(self, target: str, uri: bool) -> None:
        """Make the engine on ``target`` and bring the schema up to date; StoreError if it fails."""
        self.engine: Engine = create_engine("sqlite://", creator=lambda: _connect(target, uri), poolclass=QueuePool)
        event.listen(self.engine, "connect", self._configure)
        try:
            self._migrate()
        except (OperationalError, DatabaseError, sqlite3.Error) as e:
            self.engine.dispose()
            raise describe_error(e, self.path) from None
        except StoreError:
            self.engine.dispose()
            raise

    def _open_writable(self) -> None:
        try:
            self._start(str(self.path), uri=False)
        except StoreError as error:
            # A disk too full (or failing) for SQLite's -wal and -shm files: the history already
            # there can still be browsed, and writing says why it cannot be.
            if error.key not in ("db.disk_full", "db.cannot_open") or _size(self.path) == 0:
                raise
            self.read_only, self._write_error = True, error
            try:
                self._open_read_only()
            except StoreError as second:
                raise (second if second.key == "db.newer" else error) from None

    def _open_read_only(self) -> None:
        """Open for reading only, in the first of these ways that works.

        ``mode=ro``: SQLite reads the file and its write-ahead log, which needs the ``-shm`` index
        to exist or to be creatable. In a read-only folder (or on a full disk) without one:
        ``immutable=1`` (no index, no locks) when no log is waiting to be read, else a private
        copy of the file and its log, read with ``mode=ro`` (the log's runs are not left out)."""
        wal = Path(f"{self.path}-wal")
        try:
            self._start(_uri(self.path, mode="ro"), uri=True)
            return
        except StoreError as e:
            if e.key not in ("db.cannot_open", "db.disk_full"):  # not for want of an index: said as it is
                raise
            error = e
        if _size(wal) == 0:
            self._start(_uri(self.path, mode="ro", immutable="1"), uri=True)
            return
        snapshot = Path(tempfile.mkdtemp(prefix="workbench-history-"))
        copy = snapshot / self.path.name
        try:
            shutil.copyfile(self.path, copy)
            shutil.copyfile(wal, f"{copy}-wal")
            self._start(_uri(copy, mode="ro"), uri=True)
        except (OSError, StoreError) as e:
            shutil.rmtree(snapshot, ignore_errors=True)
            raise (e if isinstance(e, StoreError) and e.key in ("db.newer", "db.read_only_upgrade") else error) from None
        self._snapshot = snapshot

    def _configure(self, dbapi_connection: sqlite3.Connection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not self.read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
        # The search index's triggers call it (see workbench.store.search_text).
        dbapi_connection.create_function("wb_search_text", 4, search_text, deterministic=True)

    def _current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            try:
                return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except OperationalError as e:
                if "no such table" in str(e):
                    return None  # a new file: no schema yet
                raise  # cannot be read at all (cannot be opened, disk I/O): said by the caller

    def _migrate(self) -> None:
        if self._current_revision() == SCHEMA_HEAD:
            return
        from alembic import command
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = _alembic_config()
        script = ScriptDirectory.from_config(config)
        known = {r.revision for r in script.walk_revisions()}
        head = script.get_current_head()
        with self.engine.begin() as connection:  # one transaction: a failed upgrade leaves the old schema
            current = MigrationContext.configure(connection).get_current_revision()
            if current is not None and current not in known:
                raise StoreError.of("db.newer", path=self.path, schema=current, head=head)
            if current == head:
                return
            if self.read_only:
                raise StoreError.of("db.read_only_upgrade", path=self.path)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """This thread's session for one unit of work: committed at the end, rolled back on error.
        SQLite failures come out as StoreError with a message to show."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except (OperationalError, DatabaseError) as e:
            session.rollback()
            error = describe_error(e, self.path)
            if error.key == "db.read_only" and self._write_error is not None:
                error = self._write_error  # opened read-only because of this (a full disk): say so
            raise error from None
        except BaseException:
            session.rollback()
            raise
        finally:
            self.sessions.remove()

    def integrity_ok(self) -> bool:
        with self.engine.connect() as connection:
            return connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"

    def revision(self) -> str | None:
        """The schema revision the file is at (None: no schema yet)."""
        return self._current_revision()

    def close(self) -> None:
        self.sessions.remove()
        self.engine.dispose()
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)
            self._snapshot = None
