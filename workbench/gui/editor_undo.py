"""The undo step kept when the Library or History replaces what the editor holds.

A replaced editor state goes on a short stack; Edit → Undo replacing the prompt brings the last
one back, and what the editor held instead takes its place, so a second Undo swaps back: nothing
typed is lost either way.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.gui.editors import PromptEditors

KEPT = 20


class EditorUndo(QObject):
    """The replaced editor states of one window, newest last."""

    available = Signal(bool)  # whether there is something to bring back
    kept = Signal()  # a replaced state was kept (the window says how to bring it back)

    def __init__(self, editors: PromptEditors, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editors = editors
        self.states: list[dict[str, Any]] = []

    def keep(self) -> None:
        """The editor is about to be replaced: keep what it holds (if anything was typed)."""
        if not self.editors.holds_work():
            return
        state = self.editors.state()
        if self.states and self.states[-1] == state:
            return
        self.states = [*self.states[-(KEPT - 1):], state]
        self.available.emit(True)
        self.kept.emit()

    def undo(self) -> bool:
        """Bring back the last replaced state; False when there is none."""
        if not self.states:
            return False
        state = self.states.pop()
        if self.editors.holds_work():
            self.states.append(self.editors.state())
        self.editors.set_state(state)
        self.available.emit(bool(self.states))
        return True
