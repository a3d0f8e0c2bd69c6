"""The window's prompt token count, kept current: counted once typing pauses, again when the
engine is free after a count it had no time for, shown in the status bar's gauge (or why the
prompt cannot be counted: its template failed).

The editor is read on the GUI thread; the exact prompt is made and counted on a worker thread
(``TokenCounter``), as the run controller would make it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.token_counter import TokenCounter

TOKEN_COUNT_DELAY_MS = 300


class PromptCount(QObject):
    """Counts the window's prompt and shows the answer; ``tokens`` is the last count (None: none yet)."""

    def __init__(self, window: Any) -> None:
        """``window``: the MainWindow whose editors, runs, status bar and bridge this uses
        (typed loosely: the window imports this module)."""
        super().__init__(window)
        self.w = window
        self.tokens: int | None = None
        self.counter = TokenCounter(window.bridge, self)
        self.counter.counted.connect(self._counted)
        self.counter.failed.connect(self._failed)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(TOKEN_COUNT_DELAY_MS)
        self.timer.timeout.connect(self.update)
        window.editors.changed.connect(self.timer.start)
        window.bridge.busyChanged.connect(self._busy_changed)

    def update(self) -> None:
        """Count the prompt in the background (the window's ``tokenCountUpdated`` says the answer)."""
        w = self.w
        if w.loaded is None:
            return
        if w.editors.is_empty():
            self.counter.reset()
            self._counted(0)
            return
        try:
            make = w.runs.exact_prompt_later()
        except WorkbenchError as e:
            self._failed(e)
            return
        self.counter.count(make, parse_special=True, model=w.loaded)

    def _failed(self, error: WorkbenchError) -> None:
        """The prompt could not be made (its template failed): said now, and again at Run."""
        self.w.status.note(user_message(error))
        self.w.status.prompt_uncounted(user_message(error))

    def _counted(self, n: int) -> None:
        if self.w.loaded is None:
            return
        self.tokens = n
        self.w.status.prompt_tokens(n)
        self.w.tokenCountUpdated.emit(n)

    def _busy_changed(self, busy: bool) -> None:
        if not busy and not self.timer.isActive() and self.tokens is None and not self.counter.in_flight:
            self.update()
