"""Saving runs from the window: one background writer, so a slow disk never stalls the GUI.

The database opens when the window asks (just after its first paint, so SQLAlchemy and the
migrations never delay it), or at the first use before that.

Writes go through one worker thread in order (a branch's update always follows the save of its
run); a database that cannot be opened or written is reported once as a message, and the app
keeps working without history.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from workbench.values.branches import BranchTree
from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.qt_helpers import emit_safely
from workbench.app.workspace import Workspace
from workbench.store.run_records import NewRun

if TYPE_CHECKING:
    from workbench.store.runs import RunStore


class HistoryRecorder(QObject):
    saved = Signal(int)  # run id
    changed = Signal()  # something was written: lists may refresh
    failed = Signal(str)

    def __init__(self, path: Path | str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store: RunStore | None = None
        self._workspace: Workspace | None = None
        self.error = ""
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="history")
        self._closed = False
        self._path = path
        self.opened = False  # open() has been tried

    @property
    def store(self) -> RunStore | None:
        """The runs of the database in use (opened now if it was not yet); None when it cannot be."""
        if not self.opened:
            self.open(self._path)
        return self._store

    @property
    def workspace(self) -> Workspace | None:
        """The workspace of the database in use (opened now if it was not yet)."""
        if not self.opened:
            self.open(self._path)
        return self._workspace

    def open(self, path: Path | str | None) -> bool:
        """Use the database at ``path`` (default: the data folder). False (and ``error``) if it cannot be."""
        self.opened = True
        workspace = Workspace(path or None)
        try:
            store = workspace.runs  # opens (creates, migrates) the database now, to say at once if it cannot be
        except WorkbenchError as e:
            self.error = user_message(e)
            self.changed.emit()  # the panels say why there is no history
            return False
        if self._workspace is not None:
            self._writer.submit(self._workspace.close)
        self._workspace, self._store, self.error = workspace, store, ""
        self.changed.emit()
        return True

    @property
    def path(self) -> Path | None:
        return self.store.db.path if self.store else None

    def save(self, run: NewRun) -> Future[int] | None:
        store = self.store
        if store is None:
            return None

        def job() -> int:
            try:
                run_id = store.save(run)
            except WorkbenchError as e:
                emit_safely(self, "failed", self.tr("The run was not saved in the history: {0}").format(user_message(e)))
                raise
            emit_safely(self, "saved", run_id)
            emit_safely(self, "changed")
            return run_id

        return self._submit(job)

    def update_tree(self, saved: Future[int] | None, tree: BranchTree) -> None:
        """After ``saved`` (the run's own save), store its branch tree as it is now."""
        store = self.store
        if store is None or saved is None:
            return
        snapshot = copy.copy(tree)
        snapshot.branches = [copy.copy(b) for b in tree.branches]
        for b in snapshot.branches:
            b.tokens = list(b.tokens)

        def job() -> None:
            try:
                store.update_tree(saved.result(), snapshot)
            except WorkbenchError as e:
                emit_safely(self, "failed", self.tr("The branches were not saved in the history: {0}").format(user_message(e)))
                return
            except Exception:  # the save itself failed: already reported
                return
            emit_safely(self, "changed")

        self._submit(job)

    def _submit(self, job: Callable[[], Any]) -> Future[Any]:
        if not self._closed:
            return self._writer.submit(job)
        # The window is closing (a run cancelled by the close finishes now): write it right here.
        done: Future[Any] = Future()
        try:
            done.set_result(job())
        except Exception as e:  # reported by the job itself
            done.set_exception(e)
        return done

    def flush(self, timeout: float = 10.0) -> None:
        """Wait for the writes queued so far (tests, and closing the window)."""
        self._writer.submit(lambda: None).result(timeout=timeout)

    def close(self) -> None:
        """Finish the queued writes; later ones (a run ended by the closing) are written inline."""
        self._closed = True
        self._writer.shutdown(wait=True)
        if self._workspace is not None:
            self._workspace.close()
