"""Resample: run the same prompt N times with the current sampler and count what comes out, so the
variation is measured, not anecdotal. Bounded (1-1000 runs), with progress and Cancel."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.app.resample import MAX_SAMPLES, ResampleResult, resample
from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.bridge import EngineBridge
from workbench.gui.labels import counted
from workbench.gui.qt_helpers import Retranslating, emit_safely
from workbench.tokens.pieces import piece_label
from workbench.values.params import GenerateParams

MAX_RUNS = MAX_SAMPLES


class ResamplePanel(Retranslating, QWidget):
    progressed = Signal(object)  # ResampleResult so far
    finished = Signal(int, bool)  # runs done, cancelled (after the view is updated)
    failed = Signal(str)

    def __init__(self, bridge: EngineBridge, params_later: Callable[[], Callable[[], GenerateParams]], parent: QWidget | None = None) -> None:
        """``params_later`` reads the editor and returns a function making its run's settings,
        which is called on the worker thread (a slow chat template does not stall the window)."""
        super().__init__(parent)
        self.setObjectName("resample-panel")
        self.bridge = bridge
        self.params_later = params_later
        self.running = False
        self._stop = threading.Event()
        self.runs = QSpinBox()
        self.runs.setRange(1, MAX_RUNS)
        self.runs.setValue(20)
        self.runs_label = QLabel()
        self.start_button = QPushButton()
        self.cancel_button = QPushButton()
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.outputs = QTableWidget(0, 3)
        self.firsts = QTableWidget(0, 3)
        for table in (self.outputs, self.firsts):
            table.verticalHeader().hide()
            table.horizontalHeader().setStretchLastSection(True)
        row = QHBoxLayout()
        for w in (self.runs_label, self.runs, self.start_button, self.cancel_button):
            row.addWidget(w)
        row.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.firsts, 1)
        layout.addWidget(self.outputs, 2)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.progressed.connect(self._show)
        self.failed.connect(self._failed)
        bridge.busyChanged.connect(lambda busy: self.start_button.setEnabled(not busy and not self.running))
        self.retranslate()

    def retranslate(self) -> None:
        self.runs_label.setText(self.tr("Runs:"))
        self.start_button.setText(self.tr("Resample"))
        self.start_button.setToolTip(self.tr("Run the prompt this many times with the current sampler"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.outputs.setHorizontalHeaderLabels([self.tr("Count"), self.tr("Share"), self.tr("Output")])
        self.firsts.setHorizontalHeaderLabels([self.tr("Count"), self.tr("Share"), self.tr("First token")])

    def start(self) -> bool:
        """Resample on the window's engine; False when it is busy with something else."""
        if self.running or self.bridge.busy:
            return False
        try:
            make = self.params_later()
        except WorkbenchError as e:
            self._failed(user_message(e))
            return False
        n = self.runs.value()
        self._stop.clear()

        def job(client: Any) -> ResampleResult:
            progress = lambda r: emit_safely(self, "progressed", r)  # noqa: E731 - from the worker thread
            return resample(client, make(), n, progress, self._stop.is_set)

        if not self.bridge.submit(job, self._done, self._failed_run, on_cancel=self._stop.set):
            return False
        self.running = True
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, n)
        self.progress.setValue(0)
        return True

    def cancel(self) -> None:
        self._stop.set()
        self.bridge.cancel()

    def _fill(self, table: QTableWidget, counts: Counter[str], total: int, quote: bool) -> None:
        rows = counts.most_common(200)
        table.setRowCount(len(rows))
        for r, (text, count) in enumerate(rows):
            for c, value in enumerate((str(count), f"{count / total * 100:.1f}%", repr(text) if quote else text)):
                table.setItem(r, c, QTableWidgetItem(value))

    def _show(self, result: ResampleResult) -> None:
        done = result.runs
        firsts: Counter[str] = Counter()
        for raw, count in result.first_tokens.items():
            firsts[piece_label(raw) if raw else "—"] += count  # labelled: "text" or <hex bytes>
        self.progress.setValue(done)
        self._fill(self.outputs, result.outputs, done, quote=True)
        self._fill(self.firsts, firsts, done, quote=False)
        self.summary.setText(" · ".join((
            counted(done, self.tr("{0} run"), self.tr("{0} runs")),
            counted(len(result.outputs), self.tr("{0} distinct output"), self.tr("{0} distinct outputs")),
            counted(len(firsts), self.tr("{0} distinct first token"), self.tr("{0} distinct first tokens")),
        )))

    def _done(self, result: ResampleResult) -> None:
        self.running = False
        self._show(result)
        self.start_button.setEnabled(not self.bridge.busy)  # busy still: a model switch loads next
        self.cancel_button.setEnabled(False)
        if result.cancelled:
            self.summary.setText(self.summary.text() + " · " + counted(result.runs, self.tr("stopped after {0} run"), self.tr("stopped after {0} runs")))
        self.finished.emit(result.runs, result.cancelled)

    def _failed_run(self, message: str) -> None:
        self.running = False
        self.start_button.setEnabled(not self.bridge.busy)
        self.cancel_button.setEnabled(False)
        self._failed(message)
        self.finished.emit(0, True)

    def _failed(self, message: str) -> None:
        self.summary.setText(message)
