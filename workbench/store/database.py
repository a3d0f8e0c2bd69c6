"""Opening the workbench database: SQLite with safe settings, migrated to this version's schema.

Every connection runs in WAL mode with ``synchronous=FULL`` (a committed run survives a killed
process or a power cut), foreign keys on and a busy timeout (two app instances can write at
once: one waits for the other). Sessions are per thread. Alembic migrations ship in the package
and run on open; a database from a newer version is refused rather than damaged.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

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


def describe_error(error: Exception, path: Path) -> StoreError:
    """The error a person can act on, for a failure of SQLite on ``path``."""
    detail = str(getattr(error, "orig", None) or error).lower()
    if "disk is full" in detail or "disk i/o" in detail:
        return StoreError.of("db.disk_full", path=path)
    if "readonly" in detail or "read-only" in detail:
        return StoreError.of("db.read_only", path=path)
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
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return  # opening it properly says what is wrong
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    except sqlite3.Error:
        return  # not a database, or damaged: said by the open that follows
    finally:
        connection.close()
    if tables and "alembic_version" not in tables:
        shown = ", ".join(tables[:8]) + (f" and {len(tables) - 8} more" if len(tables) > 8 else "")
        raise StoreError.of("db.foreign", path=path, tables=shown)


class Database:
    """One database file: an engine, per-thread sessions, and the schema brought up to date."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False) -> None:
        """Open (creating and migrating as needed) the database at ``path`` (default: the data
        folder). A file this user cannot write, or ``read_only``, opens for reading only."""
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only or (self.path.exists() and not os.access(self.path, os.W_OK))
        if self.read_only and not self.path.exists():
            raise StoreError.of("db.missing", path=self.path)
        if not self.path.exists():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError.of("db.no_folder", path=self.path, reason=e.strerror) from None
        if self.path.exists() and not self.path.is_file():  # /dev/null, a folder, a pipe
            raise StoreError.of("db.damaged", path=self.path)
        _refuse_foreign(self.path)  # before anything (WAL mode, the schema) is written into it
        url = f"sqlite:///file:{self.path}?mode=ro&uri=true" if self.read_only else f"sqlite:///{self.path}"
        self.engine: Engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(self.engine, "connect", self._configure)
        try:
            self._migrate()
        except (OperationalError, DatabaseError, sqlite3.Error) as e:
            self.engine.dispose()
            raise describe_error(e, self.path) from None
        except StoreError:
            self.engine.dispose()
            raise
        self.sessions = scoped_session(sessionmaker(self.engine, expire_on_commit=False))

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
            except OperationalError:
                return None  # a new file: no schema yet

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
            raise describe_error(e, self.path) from None
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
