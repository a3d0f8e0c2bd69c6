"""Where the workbench keeps its data: one folder, overridable with WORKBENCH_HOME.

A home that cannot be written (a read-only or full disk, a missing home directory) does not stop
the app: it says so once, on standard error and through ``data_dir_notice()`` for the window, and
keeps its data in a private folder under the system's temporary directory, the same one for every
process of this user (the engine host, later starts) until the system empties it."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from pathlib import Path

import platformdirs

from workbench.errors import StoreError
from workbench.messages import Notice

APP_NAME = "prompt-workbench"

_chosen: Path | None = None
_notice: Notice | None = None
_writable: Path | None = None  # a home already probed and found writable: not probed again


def data_dir() -> Path:
    """The user data folder (created on first use); a temporary one when it cannot be written."""
    global _chosen, _notice, _writable
    override = os.environ.get("WORKBENCH_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if _chosen is not None and _notice is not None and _notice.fields.get("path") == str(path):
        return _chosen  # already fell back from this very home: say it once
    if path == _writable:
        return path
    reason = _unwritable(path)
    if reason is None:
        _writable = path
        return path
    fallback = Path(tempfile.gettempdir()) / f"{APP_NAME}-{_user()}"
    fallback_reason = _unwritable(fallback, private=True)
    if fallback_reason is not None:
        raise StoreError.of("home.unwritable", path=path, reason=reason, fallback=fallback, fallback_reason=fallback_reason)
    _chosen, _notice = fallback, Notice.of("home.fallback", path=str(path), reason=reason, fallback=str(fallback))
    print(f"warning: {_notice}", file=sys.stderr)
    return fallback


def data_dir_notice() -> Notice | None:
    """Why the data is kept in a temporary folder, if it is (after ``data_dir()`` fell back)."""
    return _notice


def _unwritable(path: Path, private: bool = False) -> str | None:
    """Why ``path`` cannot be this app's data folder (created here if missing), or None."""
    try:
        path.mkdir(mode=0o700 if private else 0o777, parents=True, exist_ok=True)
        if private and path.stat().st_uid != os.getuid():
            return "it belongs to another user"
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        return os.strerror(e.errno) if e.errno else str(e)
    if not path.is_dir():
        return os.strerror(errno.ENOTDIR)
    return None


def _user() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")


def log_dir() -> Path:
    """Engine and application logs."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def assets_dir() -> Path:
    """The shipped assets (starter library, icons...): inside the bundle when frozen, else the repository's."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "assets" if bundle else Path(__file__).resolve().parent.parent / "assets"
