"""Work the window must not wait for, on a worker thread: rendering a template (a library
template, the exact prompt), which may take its whole time limit. The answer is delivered on the
GUI thread; an answer to a request that a newer one of the same kind replaced is dropped."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.errors import WorkbenchError
from workbench.gui.qt_helpers import emit_safely


class Background(QObject):
    """Runs functions on worker threads, one newest request per kind; ``done(result)`` or
    ``failed(error)`` (a WorkbenchError) is then called on the GUI thread."""

    _answered = Signal(str, int, bool, object)  # kind, serial, succeeded, result or error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._newest: dict[str, tuple[int, Callable[[Any], None], Callable[[WorkbenchError], None]]] = {}
        self._serial = 0
        self._answered.connect(self._deliver)

    def call(self, kind: str, work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[WorkbenchError], None]) -> None:
        """Run ``work()`` in the background; it must not touch widgets (read them first). A newer
        call of the same ``kind`` makes this one's answer dropped."""
        self._serial += 1
        serial = self._serial
        self._newest[kind] = (serial, done, failed)

        def run() -> None:
            try:
                answer: tuple[bool, object] = (True, work())
            except WorkbenchError as e:
                answer = (False, e)
            except Exception as e:  # a bug of ours: said in the window, never a dead thread
                answer = (False, WorkbenchError(f"Unexpected error: {e!r}"))
            emit_safely(self, "_answered", kind, serial, *answer)

        threading.Thread(target=run, daemon=True, name=f"background-{kind}").start()

    def pending(self, kind: str) -> bool:
        """A request of ``kind`` has not been answered yet."""
        return kind in self._newest

    def _deliver(self, kind: str, serial: int, succeeded: bool, result: object) -> None:
        newest = self._newest.get(kind)
        if newest is None or newest[0] != serial:
            return  # replaced by a newer request
        del self._newest[kind]
        _serial, done, failed = newest
        if succeeded:
            done(result)
        else:
            assert isinstance(result, WorkbenchError)
            failed(result)
