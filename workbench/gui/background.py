"""Work the window must not wait for, on a worker thread: rendering a template (a library
template, the exact prompt), which may take its whole time limit. The answer is delivered on the
GUI thread. Of each kind of work one runs at a time: a request made meanwhile waits (a newer one
replaces it) and starts when the running one ends, whose answer is then dropped; renders that
shared the CPU would otherwise run into each other's time limits."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.errors import WorkbenchError
from workbench.gui.qt_helpers import emit_safely


@dataclass(frozen=True)
class _Request:
    serial: int
    work: Callable[[], Any]
    done: Callable[[Any], None]
    failed: Callable[[WorkbenchError], None]


class Background(QObject):
    """Runs functions on worker threads, one of each kind at a time, the newest request winning;
    ``done(result)`` or ``failed(error)`` (a WorkbenchError) is then called on the GUI thread."""

    _answered = Signal(str, int, bool, object)  # kind, serial, succeeded, result or error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._serial = 0
        self._newest: dict[str, int] = {}  # kind -> the serial whose answer is wanted
        self._running: dict[str, _Request] = {}
        self._waiting: dict[str, _Request] = {}
        self._answered.connect(self._deliver)

    def call(self, kind: str, work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[WorkbenchError], None]) -> None:
        """Run ``work()`` in the background; it must not touch widgets (read them first). A newer
        call of the same ``kind`` makes this one's answer dropped."""
        self._serial += 1
        request = _Request(self._serial, work, done, failed)
        self._newest[kind] = request.serial
        if kind in self._running:
            self._waiting[kind] = request
            return
        self._start(kind, request)

    def forget(self, kind: str) -> None:
        """No answer of ``kind`` asked so far is wanted any more (the window moved on)."""
        self._newest.pop(kind, None)
        self._waiting.pop(kind, None)

    def pending(self, kind: str) -> bool:
        """An answer of ``kind`` is still wanted."""
        return kind in self._newest

    def _start(self, kind: str, request: _Request) -> None:
        self._running[kind] = request

        def run() -> None:
            try:
                answer: tuple[bool, object] = (True, request.work())
            except WorkbenchError as e:
                answer = (False, e)
            except Exception as e:  # a bug of ours: said in the window, never a dead thread
                answer = (False, WorkbenchError(f"Unexpected error: {e!r}"))
            emit_safely(self, "_answered", kind, request.serial, *answer)

        threading.Thread(target=run, daemon=True, name=f"background-{kind}").start()

    def _deliver(self, kind: str, serial: int, succeeded: bool, result: object) -> None:
        request = self._running.pop(kind)
        waiting = self._waiting.pop(kind, None)
        if waiting is not None:
            self._start(kind, waiting)
        if self._newest.get(kind) != serial:
            return  # replaced by a newer request, or forgotten
        del self._newest[kind]
        if succeeded:
            request.done(result)
        else:
            assert isinstance(result, WorkbenchError)
            request.failed(result)
