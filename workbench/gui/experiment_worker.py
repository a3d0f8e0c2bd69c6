"""An experiment running in the background for the window: the application layer's runner on a
worker thread, its progress and finished cases as Qt signals, pause / resume / cancel from the
GUI thread. The runner loads its models in an engine host of its own, so the window's model stays
free to explore while an experiment runs.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.qt_helpers import emit_safely

if TYPE_CHECKING:
    from workbench.app.experiments.definition import Experiment
    from workbench.app.experiments.runner import ExperimentRunner
    from workbench.app.workspace import Workspace


class ExperimentWorker(QObject):
    """One experiment at a time. ``started(id)`` once it is recorded, ``progressed(Progress)``
    before each case, ``caseFinished(dict)`` after each (the summary's case object), then
    ``finished(Outcome)`` or ``failed(message)``."""

    started = Signal(int)
    progressed = Signal(object)
    caseFinished = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    pausedChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner: ExperimentRunner | None = None
        self._thread: threading.Thread | None = None
        self.paused = False
        self._active = False  # a run under way: from start() until just before its end is sent

    @property
    def running(self) -> bool:
        # Not the thread's life: it is still alive for a moment after it sends ``finished``, and
        # the window must see the run over when that signal arrives.
        return self._active

    def start(self, workspace: Workspace, experiment: Experiment, resume_id: int | None = None, limit: int | None = None) -> bool:
        """Run ``experiment`` (or go on with ``resume_id``); False if one is running already."""
        if self.running:
            return False
        from workbench.app.experiments.runner import ExperimentRunner

        announced = threading.Event()

        def on_progress(progress: Any) -> None:
            if not announced.is_set() and runner.experiment_id is not None:
                announced.set()
                emit_safely(self, "started", runner.experiment_id)
            emit_safely(self, "progressed", progress)

        def on_case(case: Any) -> None:
            emit_safely(self, "caseFinished", _case_json(case))

        runner = ExperimentRunner(workspace, experiment, source="gui", on_progress=on_progress, on_case=on_case)
        self._runner = runner
        self.paused = False

        def work() -> None:
            try:
                outcome = runner.run(resume_id=resume_id, limit=limit)
            except WorkbenchError as e:
                self._active = False
                emit_safely(self, "failed", user_message(e))
            except Exception as e:  # a bug of ours: the window stays up and says so
                self._active = False
                emit_safely(self, "failed", f"{type(e).__name__}: {e}")
            else:
                self._active = False
                emit_safely(self, "finished", outcome)
            finally:
                self._active = False

        self._active = True
        self._thread = threading.Thread(target=work, name="experiment", daemon=True)
        self._thread.start()
        return True

    def pause(self) -> None:
        if self._runner is not None and self.running and not self.paused:
            self._runner.pause()
            self.paused = True
            self.pausedChanged.emit(True)

    def resume(self) -> None:
        if self._runner is not None and self.paused:
            self._runner.resume()
            self.paused = False
            self.pausedChanged.emit(False)

    def cancel(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
        if self.paused:
            self.paused = False
            self.pausedChanged.emit(False)

    def wait(self, timeout: float = 30.0) -> bool:
        """Wait for the worker thread to end (closing the window, tests); True if it did."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    @property
    def experiment_id(self) -> int | None:
        return self._runner.experiment_id if self._runner is not None else None


def _case_json(case: Any) -> dict[str, Any]:
    """A just-finished case as the summary's ``cases`` item (its run id is the recorded one)."""
    from workbench.store.experiments import CaseRecord

    record = CaseRecord(**case.__dict__)
    return record.to_json()
