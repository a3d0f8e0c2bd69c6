"""Printing for the commands: JSON, warnings, probability colours, terminal columns, Ctrl+C."""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from workbench.errors import BadInputError


def print_json(data: Any, indent: int | None = 2, file: Any = None) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=indent), file=file or sys.stdout)


@contextmanager
def whole_file(path: str, encoding: str = "utf-8", newline: str | None = None) -> Iterator[TextIO]:
    """A file written whole or not at all: into a temporary file beside it, renamed over it at
    the end. A full disk or any failure removes the partial file and leaves what was there."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".workbench-", suffix=".part", dir=folder)
    except OSError as e:
        raise BadInputError(f"Cannot write {path}: {e.strerror or e}.") from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as out:
            yield out
        os.replace(tmp, path)
    except OSError as e:
        _remove(tmp)
        raise BadInputError(f"Cannot write {path}: {e.strerror or e}. Nothing was left half written.") from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def note(message: str) -> None:
    print(f"note: {message}", file=sys.stderr)


def colour(prob: float) -> str:
    """ANSI 256-colour foreground for a probability: green (sure) to red (surprising); none
    for a token whose probability the engine did not give (NaN)."""
    if prob != prob:
        return ""
    for threshold, code in ((0.8, 40), (0.5, 112), (0.25, 184), (0.1, 208)):
        if prob >= threshold:
            return f"\x1b[38;5;{code}m"
    return "\x1b[38;5;196m"


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - columns)


def on_interrupt(cancel: Callable[[], None]) -> None:
    """Ctrl+C calls ``cancel`` (the result so far is still printed) instead of killing the program."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, lambda *_: cancel())
