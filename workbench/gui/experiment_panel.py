"""The Experiments panel: write or open a definition (or pick a built-in suite), run it in the
background with a progress bar and its time left, pause, resume or cancel it, and read its
results as they come: the pass-rate chart, the paired comparisons and the matrix, whose cells
open their run in the output view. Stored experiments are listed to reopen, resume and export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.experiment_editor import ExperimentEditor
from workbench.gui.experiment_results import ExperimentResults
from workbench.gui.experiment_worker import ExperimentWorker
from workbench.gui.qt_helpers import Retranslating
from workbench.gui.suites_menu import fill_suites_menu

if TYPE_CHECKING:
    from workbench.gui.history_recorder import HistoryRecorder

EXPORT_FILTERS = {"csv": "CSV (*.csv)", "jsonl": "JSON Lines (*.jsonl)", "html": "HTML (*.html)"}


class ExperimentPanel(Retranslating, QWidget):
    """Experiments in the window. ``showRunRequested(run_id)``: a matrix cell was opened;
    ``historyRequested(experiment_id)``: list that experiment's runs in the History."""

    showRunRequested = Signal(int)
    historyRequested = Signal(int)
    failed = Signal(str)

    def __init__(self, recorder: HistoryRecorder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experiment-panel")
        self.recorder = recorder
        self.worker = ExperimentWorker(self)
        self.source = ""  # the file the definition came from ("" for one written here)
        self.current_id: int | None = None  # the experiment shown in Results

        self.experiments = QComboBox()
        self.experiments.setObjectName("experiment-list")
        self.experiments.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.experiments.setMinimumContentsLength(18)
        self.new_button = QPushButton()
        self.open_button = QPushButton()
        self.save_button = QPushButton()
        self.suites_button = QToolButton()
        self.suites_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.suites_menu = QMenu(self)
        self.suites_button.setMenu(self.suites_menu)
        self.run_button = QPushButton()
        self.run_button.setObjectName("experiment-run")
        self.pause_button = QPushButton()
        self.pause_button.setObjectName("experiment-pause")
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("experiment-cancel")
        self.resume_button = QPushButton()
        self.resume_button.setObjectName("experiment-resume")
        self.export_button = QToolButton()
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_menu = QMenu(self)
        self.export_actions = {fmt: self.export_menu.addAction(fmt.upper()) for fmt in EXPORT_FILTERS}
        self.export_button.setMenu(self.export_menu)
        self.history_button = QPushButton()
        self.progress = QProgressBar()
        self.progress.setObjectName("experiment-progress")
        self.progress_label = QLabel()
        self.progress_label.setObjectName("experiment-progress-label")
        self.progress_label.setWordWrap(True)
        self.editor = ExperimentEditor()
        self.results = ExperimentResults()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.editor, "")
        self.tabs.addTab(self.results, "")

        top = QHBoxLayout()
        top.addWidget(self.experiments, 1)
        for w in (self.new_button, self.open_button, self.save_button, self.suites_button):
            top.addWidget(w)
        controls = QHBoxLayout()
        for w in (self.run_button, self.pause_button, self.cancel_button, self.resume_button, self.export_button, self.history_button):
            controls.addWidget(w)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(controls)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.tabs, 1)

        self.new_button.clicked.connect(self.new_definition)
        self.open_button.clicked.connect(self._ask_open)
        self.save_button.clicked.connect(self._ask_save)
        self.run_button.clicked.connect(self.run)
        self.pause_button.clicked.connect(self._toggle_pause)
        self.cancel_button.clicked.connect(self.worker.cancel)
        self.resume_button.clicked.connect(self.resume_selected)
        self.history_button.clicked.connect(lambda: self.current_id is not None and self.historyRequested.emit(self.current_id))
        for fmt, action in self.export_actions.items():
            action.triggered.connect(lambda _checked=False, f=fmt: self._ask_export(f))
        self.experiments.activated.connect(lambda _i: self.show_experiment(self.experiments.currentData()))
        self.suites_menu.aboutToShow.connect(self._fill_suites)
        self.results.runRequested.connect(self.showRunRequested)
        self.editor.validityChanged.connect(lambda _v: self.update_actions())
        self.worker.started.connect(self._on_started)
        self.worker.progressed.connect(self._on_progress)
        self.worker.caseFinished.connect(self.results.update_case)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.pausedChanged.connect(lambda _p: self.retranslate())
        recorder.changed.connect(self._library_ready)
        self.progress.hide()
        self.editor.new_definition()
        self.retranslate()

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("Definition"))
        self.tabs.setTabText(1, self.tr("Results"))
        self.new_button.setText(self.tr("New"))
        self.open_button.setText(self.tr("Open…"))
        self.save_button.setText(self.tr("Save as…"))
        self.suites_button.setText(self.tr("Suites"))
        self.suites_button.setToolTip(self.tr("Built-in experiments in Chinese and English, each with its dataset"))
        self.run_button.setText(self.tr("Run"))
        self.run_button.setToolTip(self.tr("Run every case in the background; each one is saved in the History"))
        self.pause_button.setText(self.tr("Resume") if self.worker.paused else self.tr("Pause"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.resume_button.setText(self.tr("Continue"))
        self.resume_button.setToolTip(self.tr("Go on with the chosen experiment where it stopped"))
        self.export_button.setText(self.tr("Export"))
        self.history_button.setText(self.tr("Runs in History"))
        self.experiments.setToolTip(self.tr("Experiments in this history"))
        self.update_actions()

    # -- definitions --------------------------------------------------------------------------

    def new_definition(self) -> None:
        self.source = ""
        self.editor.new_definition()
        self.tabs.setCurrentWidget(self.editor)

    def open_file(self, path: str | Path) -> bool:
        """Show the definition in ``path`` (relative paths in it resolve from its folder)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self.failed.emit(self.tr("Cannot read {0}: {1}").format(path, getattr(e, "strerror", None) or e))
            return False
        self.source = str(path)
        self.editor.set_text(text, str(path), path.parent)
        self.tabs.setCurrentWidget(self.editor)
        return True

    def run_suite(self, path: str | Path) -> bool:
        """Open a built-in suite and run it."""
        return self.open_file(path) and self.run()

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open an experiment"), "", self.tr("Experiments (*.yaml *.yml *.json)"))
        if path:
            self.open_file(path)

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the experiment"), self.source, self.tr("Experiments (*.yaml)"))
        if not path:
            return
        try:
            Path(path).write_text(self.editor.text(), encoding="utf-8")
        except OSError as e:
            self.failed.emit(self.tr("Cannot write {0}: {1}").format(path, e.strerror or e))
            return
        self.source = path

    def _fill_suites(self) -> None:
        fill_suites_menu(self.suites_menu, self.open_file)

    def _library_ready(self) -> None:
        """Once the history is open: the template names for the editor, the experiments to list."""
        workspace = self.recorder.workspace
        if workspace is None:
            return
        try:
            self.editor.set_template_names([t.name for t in workspace.templates.list()])
        except WorkbenchError:
            pass
        self.refresh_list()

    # -- running ------------------------------------------------------------------------------

    def run(self) -> bool:
        """Run the definition in the editor; False (with the reason shown) if it cannot start."""
        return self._start(None)

    def resume_selected(self) -> bool:
        eid = self.experiments.currentData()
        return eid is not None and self._start(int(eid))

    def _start(self, resume_id: int | None) -> bool:
        workspace = self.recorder.workspace
        if workspace is None:
            self.failed.emit(self.tr("Experiments need the history database: {0}").format(self.recorder.error))
            return False
        try:
            experiment = self.editor.experiment()
        except WorkbenchError as e:
            self.tabs.setCurrentWidget(self.editor)
            self.failed.emit(user_message(e))
            return False
        if not self.worker.start(workspace, experiment, resume_id=resume_id):
            return False
        self.progress.setRange(0, 0)  # planning: the dataset is read and checked first
        self.progress.show()
        self.progress_label.setText(self.tr("Checking the definition and the dataset…"))
        self.update_actions()
        return True

    def _toggle_pause(self) -> None:
        if self.worker.paused:
            self.worker.resume()
        else:
            self.worker.pause()

    def _on_started(self, experiment_id: int) -> None:
        self.current_id = experiment_id
        self.results.set_summary(self._summary(experiment_id) or {})
        self.tabs.setCurrentWidget(self.results)
        self.refresh_list()

    def _on_progress(self, progress: Any) -> None:
        self.progress.setRange(0, max(1, progress.total))
        self.progress.setValue(progress.done)
        parts = [self.tr("{0} of {1} cases").format(progress.done, progress.total)]
        if progress.cached:
            parts.append(self.tr("{0} from the history").format(progress.cached))
        if progress.errors:
            parts.append(self.tr("{0} errors").format(progress.errors))
        if progress.eta_s is not None and progress.done < progress.total:
            parts.append(self.tr("about {0} left").format(_duration(progress.eta_s)))
        if self.worker.paused:
            parts.append(self.tr("paused"))
        self.progress_label.setText(" · ".join(parts))

    def _on_finished(self, outcome: Any) -> None:
        self.current_id = outcome.experiment_id
        summary = self._summary(outcome.experiment_id)
        if summary is not None:
            self.results.set_summary(summary)
        said = {"done": self.tr("Finished."), "cancelled": self.tr("Cancelled: Continue goes on where it stopped.")}
        notes = [said.get(outcome.status, outcome.status), *outcome.notices]
        self.progress_label.setText("\n".join(notes))
        self.progress.hide()
        self.refresh_list()
        self.update_actions()

    def _on_failed(self, message: str) -> None:
        self.progress.hide()
        self.progress_label.setText(message)
        self.failed.emit(message)
        self.refresh_list()
        self.update_actions()

    # -- stored experiments -------------------------------------------------------------------

    def refresh_list(self) -> None:
        workspace = self.recorder.workspace
        if workspace is None:
            return
        try:
            records = workspace.experiments.list()
        except WorkbenchError as e:
            self.progress_label.setText(user_message(e))
            return
        labels = {"running": self.tr("running"), "paused": self.tr("paused"), "done": self.tr("done"),
                  "cancelled": self.tr("cancelled"), "error": self.tr("error"), "interrupted": self.tr("interrupted")}
        keep = self.current_id
        self.experiments.blockSignals(True)
        self.experiments.clear()
        for r in records:
            self.experiments.addItem(f"#{r.id} {r.name} · {labels.get(r.status, r.status)} · {r.n_done}/{r.n_cases}", r.id)
        index = self.experiments.findData(keep) if keep is not None else -1
        self.experiments.setCurrentIndex(index if index >= 0 else (0 if records else -1))
        self.experiments.blockSignals(False)
        self.update_actions()

    def show_experiment(self, experiment_id: int | None) -> None:
        """Show a stored experiment: its results, and its definition (its file if it still exists)."""
        if experiment_id is None:
            return
        workspace = self.recorder.workspace
        if workspace is None:
            return
        try:
            record = workspace.experiments.get(int(experiment_id))
        except WorkbenchError as e:
            self.failed.emit(user_message(e))
            return
        self.current_id = record.id
        if not (record.source and Path(record.source).is_file() and self.open_file(record.source)):
            import yaml

            self.source = ""
            self.editor.set_text(yaml.safe_dump(record.definition, allow_unicode=True, sort_keys=False))
        summary = self._summary(record.id)
        if summary is not None:
            self.results.set_summary(summary)
        self.tabs.setCurrentWidget(self.results)
        self.update_actions()

    def _summary(self, experiment_id: int) -> dict[str, Any] | None:
        from workbench.app.experiments.report import summary

        workspace = self.recorder.workspace
        if workspace is None:
            return None
        try:
            return summary(workspace, experiment_id)
        except WorkbenchError as e:
            self.failed.emit(user_message(e))
            return None

    def _ask_export(self, fmt: str) -> None:
        if self.current_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the results"), f"experiment-{self.current_id}.{fmt}",
                                              EXPORT_FILTERS[fmt])
        if path:
            self.export(self.current_id, fmt, path)

    def export(self, experiment_id: int, fmt: str, path: str) -> bool:
        """Write the experiment's results to ``path`` as CSV, JSONL or a self-contained HTML report."""
        from workbench.app.experiments.export import export

        summary = self._summary(experiment_id)
        if summary is None:
            return False
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"  # Excel reads UTF-8 CSV only with a BOM
        try:
            with open(path, "w", encoding=encoding, newline="" if fmt == "csv" else None) as out:
                export(summary, fmt, out)
        except OSError as e:
            self.failed.emit(self.tr("Cannot write {0}: {1}").format(path, e.strerror or e))
            return False
        self.progress_label.setText(self.tr("Exported to {0}").format(path))
        return True

    def update_actions(self) -> None:
        running = self.worker.running
        chosen = self.experiments.currentData() is not None
        self.run_button.setEnabled(not running and self.editor.is_valid())
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        self.resume_button.setEnabled(not running and chosen and self.editor.is_valid())
        self.export_button.setEnabled(self.current_id is not None)
        self.history_button.setEnabled(self.current_id is not None)
        for w in (self.new_button, self.open_button):
            w.setEnabled(not running)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Closing the window: cancel a running experiment (its cases so far are kept)."""
        if self.worker.running:
            self.worker.cancel()
            self.worker.wait(timeout)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
