"""Small pieces every widget here shares: live language switching, and signals from worker threads."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject


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
