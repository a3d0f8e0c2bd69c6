"""Resample: run the same prompt N times with the current sampler and count what comes out, so the
variation is measured, not anecdotal. Bounded (1-1000 runs), with progress and Cancel."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

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

from workbench.engine.client import EngineClient
from workbench.engine.protocol import GenerateParams
from workbench.errors import WorkbenchError
from workbench.gui.qt_helpers import Retranslating, emit_safely
from workbench.tokens.pieces import piece_label

MAX_RUNS = 1000


class ResamplePanel(Retranslating, QWidget):
    progressed = Signal(int, object, object)  # runs done, outputs Counter, first-token Counter
    finished = Signal(int, bool)  # runs done, cancelled
    failed = Signal(str)

    def __init__(self, client: EngineClient, params: Callable[[], GenerateParams], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resample-panel")
        self.client = client
        self.params = params
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
        self.finished.connect(self._done)
        self.failed.connect(self._failed)
        self.retranslate()

    def retranslate(self) -> None:
        self.runs_label.setText(self.tr("Runs:"))
        self.start_button.setText(self.tr("Resample"))
        self.start_button.setToolTip(self.tr("Run the prompt this many times with the current sampler"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.outputs.setHorizontalHeaderLabels([self.tr("Count"), self.tr("Share"), self.tr("Output")])
        self.firsts.setHorizontalHeaderLabels([self.tr("Count"), self.tr("Share"), self.tr("First token")])

    def start(self) -> bool:
        if self.running:
            return False
        try:
            base = self.params()
        except WorkbenchError as e:
            self._failed(str(e))
            return False
        n = self.runs.value()
        self.running = True
        self._stop.clear()
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, n)
        self.progress.setValue(0)
        base.top_logprobs = 0

        def work() -> None:
            outputs: Counter[str] = Counter()
            firsts: Counter[str] = Counter()
            done = 0
            try:
                for run in range(n):
                    if self._stop.is_set():
                        break
                    sampler = base.sampler.to_dict()
                    sampler["seed"] = None if base.sampler.seed is None else (base.sampler.seed + run) % 2**32
                    params = GenerateParams.from_dict({**base.to_dict(), "sampler": sampler})
                    generation = self.client.generate(params).run()
                    if generation.done is None or generation.done.finish_reason == "cancelled":
                        break
                    outputs[generation.text] += 1
                    firsts[piece_label(generation.tokens[0].bytes) if generation.tokens else "—"] += 1
                    done += 1
                    emit_safely(self, "progressed", done, Counter(outputs), Counter(firsts))
            except WorkbenchError as e:
                emit_safely(self, "failed", str(e))
            finally:
                self.running = False
                emit_safely(self, "finished", done, self._stop.is_set() or done < n)

        threading.Thread(target=work, daemon=True, name="resample").start()
        return True

    def cancel(self) -> None:
        self._stop.set()
        self.client.cancel()

    def _fill(self, table: QTableWidget, counts: Counter[str], total: int, quote: bool) -> None:
        rows = counts.most_common(200)
        table.setRowCount(len(rows))
        for r, (text, count) in enumerate(rows):
            for c, value in enumerate((str(count), f"{count / total * 100:.1f}%", repr(text) if quote else text)):
                table.setItem(r, c, QTableWidgetItem(value))

    def _show(self, done: int, outputs: Counter[str], firsts: Counter[str]) -> None:
        self.progress.setValue(done)
        self._fill(self.outputs, outputs, done, quote=True)
        self._fill(self.firsts, firsts, done, quote=False)  # already labelled: "text" or <hex bytes>
        self.summary.setText(self.tr("{0} runs · {1} distinct outputs · {2} distinct first tokens").format(done, len(outputs), len(firsts)))

    def _done(self, done: int, cancelled: bool) -> None:
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if cancelled:
            self.summary.setText(self.summary.text() + " · " + self.tr("stopped after {0} runs").format(done))

    def _failed(self, message: str) -> None:
        self.summary.setText(message)
