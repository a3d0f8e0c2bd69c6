"""The next-token panel: the distribution after the prompt, what each sampler stage keeps, and
manual decoding (click a token, or press its number, to append it; Undo steps back).

Changing a sampler setting re-runs only the sampler stages on the logits the engine kept, not
the model. Engine calls run on a worker thread; the panel never waits on them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from workbench.engine.client import EngineClient
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import CandidateToken, Distribution
from workbench.errors import WorkbenchError
from workbench.tokens.pieces import piece_label
from workbench.gui.error_text import user_message
from workbench.gui.bridge import EngineBridge
from workbench.gui.labels import counted, labels
from workbench.gui.qt_helpers import Retranslating
from workbench.gui.theme import current_scheme, set_tone

ROW_HEIGHT = 22
TOP_N = 20


class DistributionChart(QWidget):
    """Horizontal bars: probability (or logprob) per token; cut tokens grey with the stage that cut them."""

    tokenClicked = Signal(int)  # index into the distribution's tokens

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dist: Distribution | None = None
        self.log_scale = False
        self.setMinimumHeight(ROW_HEIGHT * 6)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_distribution(self, dist: Distribution | None) -> None:
        self.dist = dist
        self.setMinimumHeight(ROW_HEIGHT * max(6, len(dist.tokens) if dist else 0))
        self.update()

    def bar_fraction(self, token: CandidateToken) -> float:
        """Bar length: probability relative to the most likely token (the numbers beside stay absolute)."""
        if self.log_scale:
            return max(0.0, 1.0 + token.logprob / 20.0)  # 0 nats full width, -20 nats empty
        top = self.dist.tokens[0].prob if self.dist and self.dist.tokens else 1.0
        return token.prob / top if top > 0 else 0.0

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        dist = self.dist
        if dist is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Press “Next token” to see the distribution."))
            return
        label_w, pct_w = 130, 200
        bars = {name: QColor(colour) for name, colour in current_scheme().bars.items()}
        bar_w = max(40, self.width() - label_w - pct_w - 16)
        for i, t in enumerate(dist.tokens):
            y = i * ROW_HEIGHT
            colour = bars["kept"] if t.kept else bars["cut"]
            number = f"{i + 1}. " if i < 9 else "   "
            painter.setPen(self.palette().text().color() if t.kept else bars["cut_text"])
            painter.drawText(QRectF(4, y, label_w, ROW_HEIGHT), Qt.AlignmentFlag.AlignVCenter, number + piece_label(t.bytes))
            painter.fillRect(QRectF(label_w, y + 4, bar_w * self.bar_fraction(t), ROW_HEIGHT - 10), colour)
            if t.kept and t.final_prob > 0:  # green: the chance of being drawn after every stage
                painter.fillRect(QRectF(label_w, y + ROW_HEIGHT - 6, bar_w * t.final_prob, 3), bars["final"])
            text = f"{t.prob * 100:.2f}%  {t.logprob:.2f}"
            if not t.kept:
                text += "  " + self.tr("cut by {0}").format(labels().stage(t.cut_by or ""))
            painter.drawText(QRectF(label_w + bar_w + 8, y, pct_w, ROW_HEIGHT), Qt.AlignmentFlag.AlignVCenter, text)

    def index_at(self, y: float) -> int | None:
        if self.dist is None:
            return None
        i = int(y // ROW_HEIGHT)
        return i if 0 <= i < len(self.dist.tokens) else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        i = self.index_at(event.position().y())
        if i is not None:
            self.tokenClicked.emit(i)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if Qt.Key.Key_1 <= event.key() <= Qt.Key.Key_9 and self.dist is not None:
            i = event.key() - Qt.Key.Key_1
            if i < len(self.dist.tokens):
                self.tokenClicked.emit(i)
                return
        super().keyPressEvent(event)


class NextTokenPanel(Retranslating, QWidget):
    distributionReady = Signal(object)  # Distribution
    failed = Signal(str)

    def __init__(
        self,
        bridge: EngineBridge,
        params_later: Callable[[], Callable[[], GenerateParams]],
        sampler: Callable[[], SamplerParams],
        parent: QWidget | None = None,
    ) -> None:
        """``params_later`` reads the editor and returns a function making its run's settings,
        which is called on the worker thread (a slow chat template does not stall the window)."""
        super().__init__(parent)
        self.setObjectName("next-token-panel")
        self.bridge = bridge
        self.params_later = params_later
        self.sampler = sampler
        self.steps: list[tuple[int, bytes]] = []  # tokens appended by hand
        self.chart = DistributionChart()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.appended = QLabel()
        self.appended.setWordWrap(True)
        self.next_button = QPushButton()
        self.undo_button = QPushButton()
        self.clear_button = QPushButton()
        self.log_scale = QCheckBox()
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_tone(self.error, "error")
        self.error.hide()
        row = QHBoxLayout()
        for w in (self.next_button, self.undo_button, self.clear_button, self.log_scale):
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.appended)
        layout.addWidget(self.error)
        layout.addWidget(self.chart, 1)
        self.next_button.clicked.connect(self.refresh)
        self.undo_button.clicked.connect(self.undo)
        self.clear_button.clicked.connect(self.clear_steps)
        self.log_scale.toggled.connect(self._set_log_scale)
        self.chart.tokenClicked.connect(self.choose)
        self.distributionReady.connect(self._show)
        self.failed.connect(self._show_error)
        self._restage_waiting = False  # a sampler change found the engine busy: restage when it is free
        bridge.busyChanged.connect(self._busy_changed)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        self.next_button.setText(self.tr("Next token"))
        self.next_button.setToolTip(self.tr("The distribution of the next token after the prompt"))
        self.undo_button.setText(self.tr("Undo step"))
        self.clear_button.setText(self.tr("Clear steps"))
        self.log_scale.setText(self.tr("Log scale"))
        self._update_appended()
        if self.chart.dist is not None:
            self._show(self.chart.dist)

    def _set_log_scale(self, on: bool) -> None:
        self.chart.log_scale = on
        self.chart.update()

    @property
    def busy(self) -> bool:
        return self.bridge.busy

    def _run(self, job: Callable[[EngineClient], Distribution | None]) -> bool:
        """Ask the window's engine; False when it is busy with something else."""
        return self.bridge.submit(job, self._answered, self.failed.emit)

    def _answered(self, dist: Distribution | None) -> None:
        if dist is not None:  # None: cancelled
            self.distributionReady.emit(dist)

    def refresh(self) -> bool:
        """Evaluate the prompt (plus the appended tokens) and show the next-token distribution."""
        try:
            make = self.params_later()
        except WorkbenchError as e:
            self._show_error(user_message(e))
            return False
        sampler, suffix = self.sampler(), [i for i, _ in self.steps]

        def job(client: EngineClient) -> Distribution | None:
            params = make()
            params.sampler, params.suffix_ids = sampler, suffix
            return client.next_token(params, top_n=TOP_N)

        return self._run(job)

    def restage(self) -> bool:
        """New sampler settings on the same logits: no model evaluation.

        A change that finds the engine busy (the last restage still running while a slider is
        dragged, or other work) is not queued: once the engine is free, one restage goes out with
        the settings of that moment, so the chart follows the slider without a backlog."""
        if self.chart.dist is None:
            return False
        sampler = self.sampler()
        if self._run(lambda client: client.restage(sampler, top_n=TOP_N)):
            return True
        self._restage_waiting = True
        return False

    def _busy_changed(self, busy: bool) -> None:
        self._update_buttons()
        if not busy and self._restage_waiting:
            QTimer.singleShot(0, self._restage_waited)  # after the other panels heard the engine is free

    def _restage_waited(self) -> None:
        if self._restage_waiting and not self.busy:
            self._restage_waiting = False
            self.restage()

    def choose(self, index: int) -> bool:
        """Append the token at ``index`` of the chart and step to the next distribution."""
        if self.chart.dist is None or self.busy:
            return False
        token = self.chart.dist.tokens[index]
        self.steps.append((token.id, token.bytes))
        self._update_appended()
        return self.refresh()

    def undo(self) -> bool:
        if not self.steps or self.busy:
            return False
        self.steps.pop()
        self._update_appended()
        return self.refresh()

    def forget(self) -> None:
        """Another model: its distribution and the tokens stepped by hand (ids of the old
        vocabulary) no longer mean anything."""
        self.steps.clear()
        self._restage_waiting = False
        self.chart.set_distribution(None)
        self.summary.setText("")
        self.error.hide()
        self._update_appended()

    def clear_steps(self) -> None:
        self.steps.clear()
        self._update_appended()
        self.refresh()

    def _update_appended(self) -> None:
        text = b"".join(b for _, b in self.steps).decode("utf-8", "replace")
        self.appended.setText(self.tr("Appended by hand: {0}").format(repr(text)) if self.steps else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.next_button.setEnabled(not self.busy)
        self.undo_button.setEnabled(bool(self.steps) and not self.busy)
        self.clear_button.setEnabled(bool(self.steps) and not self.busy)

    def _show(self, dist: Distribution) -> None:
        self.error.hide()
        self.chart.set_distribution(dist)
        stages = " → ".join(f"{labels().stage(s['stage'])} {s['kept']}" for s in dist.stages)
        facts = (
            counted(dist.prompt_tokens, self.tr("{0} prompt token"), self.tr("{0} prompt tokens")),
            self.tr("entropy {0} nats").format(f"{dist.entropy:.3f}") if dist.entropy == dist.entropy
            else self.tr("no entropy: the server lists its top tokens, not the vocabulary"),
            counted(dist.n_kept, self.tr("{0} token can be drawn"), self.tr("{0} tokens can be drawn")),
            self.tr("{0}% outside the top {1}").format(f"{dist.mass_outside * 100:.2f}", len(dist.tokens)),
        )
        self.summary.setText(
            " · ".join(facts)
            + "\n"
            + self.tr("Survivors: {0}").format(stages)
            + ("\n" + self.tr("The prompt is empty: this is what the model predicts after its start token {0}.").format(
                dist.start_token) if dist.start_token else "")
        )
        self._update_buttons()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self._update_buttons()
