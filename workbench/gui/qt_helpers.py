"""Small pieces every widget here shares: live language switching, and signals from worker threads."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject

from workbench.errors import WorkbenchError


class Retranslating:
    """Mixin for widgets with a ``retranslate()`` that sets their texts: it runs again whenever the
    interface language changes (Qt sends LanguageChange to every widget)."""

    def retranslate(self) -> None:  # pragma: no cover - every user defines it
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]


def emit_safely(owner: QObject, signal: str, *args: object) -> None:
    """Emit ``owner.<signal>`` from a worker thread; the owner may have been deleted meanwhile
    (a window closed during a run), and then there is nobody left to tell."""
    try:
        getattr(owner, signal).emit(*args)
    except RuntimeError:  # "Signal source has been deleted"
        pass


def run_in_background(
    owner: QObject, job: Callable[[], object], done: str, failed: str, after: Callable[[], None] | None = None
) -> None:
    """Run an engine call on a worker thread: its result (unless None) goes to ``owner.<done>``,
    a WorkbenchError's message to ``owner.<failed>``; ``after`` runs on the worker either way,
    before the signal."""

    def work() -> None:
        try:
            result = job()
        except WorkbenchError as e:
            if after:
                after()
            emit_safely(owner, failed, str(e))
            return
        if after:
            after()
        if result is not None:
            emit_safely(owner, done, result)

    threading.Thread(target=work, daemon=True, name=f"{type(owner).__name__}-{done}").start()
