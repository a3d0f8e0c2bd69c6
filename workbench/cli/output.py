"""Printing for the commands: JSON, warnings, probability colours, terminal columns, Ctrl+C."""

from __future__ import annotations

import json
import signal
import sys
import threading
import unicodedata
from collections.abc import Callable
from typing import Any


def print_json(data: Any, indent: int | None = 2, file: Any = None) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=indent), file=file or sys.stdout)


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
