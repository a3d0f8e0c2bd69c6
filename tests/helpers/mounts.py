"""Read-only folders and files, and small disks that fill up, made for real with mounts.

The tests run as root, and root writes through any file mode: chmod cannot make a folder
read-only for them. A bind mount remounted read-only can (the kernel answers EROFS, whoever
asks), and a small tmpfs is a disk that really fills. Each helper is a context manager that
unmounts when it ends, the test passed or not.

Mounting needs root in a namespace that allows it. Where it is impossible the helpers raise
``MountUnavailable`` and the tests inject the same failure instead (see ``inject_*`` below): a
test must never skip for want of a mount (set WB_TEST_NO_MOUNT=1 to run those fallbacks where
mounting works). ``mounted()`` lists what is mounted under a folder, so
a test can check that nothing was left behind.
"""

from __future__ import annotations

import errno
import gc
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest


class MountUnavailable(Exception):
    """Mounting is not possible here (not root, no mount command, a namespace that forbids it)."""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=30)


def _mount(*args: str) -> None:
    if os.environ.get("WB_TEST_NO_MOUNT"):  # to run the injected fallbacks where mounting works
        raise MountUnavailable("WB_TEST_NO_MOUNT is set")
    if os.geteuid() != 0 or shutil.which("mount") is None:
        raise MountUnavailable("mounting needs root and the mount command")
    try:
        result = _run("mount", *args)
    except (OSError, subprocess.SubprocessError) as e:
        raise MountUnavailable(str(e)) from None
    if result.returncode != 0:
        raise MountUnavailable(result.stderr.strip() or f"mount {' '.join(args)} failed")


def _unmount(target: Path) -> None:
    """Unmount ``target``; a mount kept busy by a file still open is detached lazily (gone as soon
    as that file closes), so that no test leaves a mount behind."""
    gc.collect()  # SQLite connections held only by garbage keep their files, and the mount, open
    for _ in range(20):
        if _run("umount", str(target)).returncode == 0:
            return
        time.sleep(0.1)
        gc.collect()
    result = _run("umount", "-l", str(target))
    assert result.returncode == 0, f"could not unmount {target}: {result.stderr}"


def mounted(under: Path) -> list[str]:
    """The mount points at or below ``under`` (from /proc/self/mounts)."""
    root = str(under.resolve())
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    points = [line.split()[1].encode().decode("unicode_escape") for line in lines if len(line.split()) > 1]
    return [p for p in points if p == root or p.startswith(root + "/")]


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """``path`` (a folder or a file) made read-only for everyone, root included, until the end.
    MountUnavailable if it cannot be."""
    _mount("--bind", str(path), str(path))
    try:
        _mount("-o", "remount,bind,ro", str(path))
    except MountUnavailable:
        _unmount(path)
        raise
    try:
        probe = path / ".probe" if path.is_dir() else path
        try:
            with open(probe, "a"):
                pass
        except OSError as e:
            assert e.errno in (errno.EROFS, errno.EACCES, errno.EPERM), e
        else:
            raise MountUnavailable(f"{path} is still writable after a read-only remount")
        yield path
    finally:
        _unmount(path)


@contextmanager
def small_disk(folder: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (made if needed) until the end; what is written
    there goes with it. MountUnavailable if it cannot be mounted."""
    folder.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        _unmount(folder)


def fill(folder: Path) -> Path:
    """Fill the disk holding ``folder`` to the last byte; the filler file, to delete to free it."""
    filler = folder / "filler.bin"
    with open(filler, "ab", buffering=0) as f:
        for block in (1 << 16, 512, 1):
            try:
                while True:
                    f.write(b"\0" * block)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
    return filler


# -- injected failures, where nothing can be mounted --------------------------------------------

FULL = "database or disk is full"
READ_ONLY = "attempt to write a readonly database"
CANNOT_OPEN = "unable to open database file"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class _FailingCursor(sqlite3.Cursor):
    failure = FULL

    def execute(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
        if sql.lstrip().upper().startswith(_WRITES):
            raise sqlite3.OperationalError(self.failure)
        return super().execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
        if sql.lstrip().upper().startswith(_WRITES):
            raise sqlite3.OperationalError(self.failure)
        return super().executemany(sql, *args)


def _failing_connection(failure: str) -> type[sqlite3.Connection]:
    cursor = type("Cursor", (_FailingCursor,), {"failure": failure})

    class Connection(sqlite3.Connection):
        def cursor(self, factory: Any = None) -> Any:  # type: ignore[override]
            return super().cursor(factory or cursor)

        def execute(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
            return self.cursor().execute(sql, *args)

    return Connection


def faulty_connect(failure: str, opens: Callable[[str, bool], bool] | None = None) -> Callable[..., sqlite3.Connection]:
    """A stand-in for ``workbench.store.database._connect`` where every write fails as SQLite
    fails it (``failure``: FULL or READ_ONLY), and a target for which ``opens(target, uri)`` is
    false cannot be opened at all (CANNOT_OPEN on a read-only folder, FULL on a full disk)."""
    factory = _failing_connection(failure)

    def connect(target: str, uri: bool) -> sqlite3.Connection:
        if opens is not None and not opens(target, uri):
            raise sqlite3.OperationalError(CANNOT_OPEN if failure == READ_ONLY else FULL)
        return sqlite3.connect(target, uri=uri, timeout=10, check_same_thread=False, factory=factory)

    return connect


def read_only_like_a_folder_mount(target: str, uri: bool) -> bool:
    """What SQLite opens in a read-only folder with no -shm file: only an immutable database (or a
    private copy in a writable folder)."""
    return uri and ("immutable=1" in target or "workbench-history-" in target)


def inject_read_only(monkeypatch: pytest.MonkeyPatch, path: Path, folder: bool) -> None:
    """In this process, ``path`` (or, ``folder``, the folder holding it) behaves as if mounted read-only."""
    from workbench.store import database

    real_access = os.access
    blocked = {str(path.parent.resolve()), str(path.resolve())} if folder else {str(path.resolve())}

    def access(p: Any, mode: int, *args: Any, **kw: Any) -> bool:
        if mode & os.W_OK and str(Path(p).resolve()) in blocked:
            return False
        return real_access(p, mode, *args, **kw)

    monkeypatch.setattr(database.os, "access", access)
    monkeypatch.setattr(database, "_connect", faulty_connect(READ_ONLY, read_only_like_a_folder_mount if folder else None))


def inject_full_disk(monkeypatch: pytest.MonkeyPatch, opens: bool = True) -> None:
    """In this process, every write to a database fails as on a full disk; ``opens`` false: a
    database cannot be opened for writing either (no room for its -wal and -shm files)."""
    from workbench.store import database

    if opens:
        monkeypatch.setattr(database, "_connect", faulty_connect(FULL))
        return
    # Only a read-only connection opens, and writing through it fails as SQLite fails it there.
    writable, read_only = faulty_connect(FULL, lambda target, uri: False), faulty_connect(READ_ONLY)

    def connect(target: str, uri: bool) -> sqlite3.Connection:
        return read_only(target, uri) if uri and "mode=ro" in target else writable(target, uri)

    monkeypatch.setattr(database, "_connect", connect)


SITECUSTOMIZE = '''
import os
from tests.helpers import mounts
from workbench.store import database

kind = os.environ.get("WB_TEST_FAULT", "")
if kind == "full":
    database._connect = mounts.faulty_connect(mounts.FULL)
elif kind == "read_only":
    folder = os.environ["WB_TEST_FAULT_FOLDER"]
    real_access = os.access
    database.os.access = lambda p, mode, *a, **k: False if mode & os.W_OK and os.path.realpath(p).startswith(folder) else real_access(p, mode, *a, **k)
    database._connect = mounts.faulty_connect(mounts.READ_ONLY, mounts.read_only_like_a_folder_mount)
'''


def inject_in_commands(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str, folder: Path | None = None) -> None:
    """The same failures (``kind``: "full" or "read_only" for ``folder``) in the `workbench`
    processes this test starts, through a sitecustomize module on their PYTHONPATH."""
    site = tmp_path / "faults-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    root = Path(__file__).parents[2]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(root), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("WB_TEST_FAULT", kind)
    if folder is not None:
        monkeypatch.setenv("WB_TEST_FAULT_FOLDER", str(folder.resolve()))


# -- for real where possible, injected where not ------------------------------------------------


@contextmanager
def read_only_or_injected(monkeypatch: pytest.MonkeyPatch, path: Path, folder: bool,
                          commands: Path | None = None) -> Iterator[bool]:
    """The database ``path`` (``folder``: the folder holding it) read-only until the end: mounted
    so (True), or, where nothing can be mounted, injected into this process and, given
    ``commands`` (a scratch folder), into the `workbench` commands it starts (False)."""
    with ExitStack() as stack:
        try:
            stack.enter_context(read_only(path.parent if folder else path))
            real = True
        except MountUnavailable:
            inject_read_only(monkeypatch, path, folder)
            if commands is not None:
                inject_in_commands(monkeypatch, commands, "read_only", path.parent if folder else path)
            real = False
        yield real


@contextmanager
def small_disk_or_plain(folder: Path, size: str = "4m") -> Iterator[bool]:
    """``folder`` on a small tmpfs until the end (True), or a plain folder where none can be
    mounted (False: then ``fill_or_inject`` injects the full disk)."""
    with ExitStack() as stack:
        try:
            stack.enter_context(small_disk(folder, size))
            real = True
        except MountUnavailable:
            folder.mkdir(parents=True, exist_ok=True)
            real = False
        yield real


def fill_or_inject(monkeypatch: pytest.MonkeyPatch, folder: Path, real: bool, *, opens: bool = True,
                   commands: Path | None = None) -> Callable[[], None]:
    """Make the disk of ``folder`` full: filled for real (``real``), else injected (in this process;
    in the commands it starts too, given ``commands``; ``opens``: see inject_full_disk). Returns
    what frees it again."""
    if real:
        filler = fill(folder)
        return lambda: filler.unlink()
    from workbench.store import database

    connect = database._connect
    inject_full_disk(monkeypatch, opens=opens)
    if commands is not None:
        inject_in_commands(monkeypatch, commands, "full")

    def free() -> None:
        monkeypatch.setattr(database, "_connect", connect)
        monkeypatch.delenv("WB_TEST_FAULT", raising=False)

    return free
