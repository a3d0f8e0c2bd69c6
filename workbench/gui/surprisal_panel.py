"""Prompt surprisal: the prompt's own tokens tinted by how likely the model found each one, with
the perplexity. Odd phrasing and tokenization artefacts show up red."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.values.results import Surprisal
from workbench.values.tokens import TokenEvent
from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.output_view import OutputView
from workbench.gui.bridge import EngineBridge
from workbench.gui.qt_helpers import Retranslating
from workbench.tokens.pieces import piece_label


class SurprisalPanel(Retranslating, QWidget):
    scored = Signal(object)  # Surprisal
    failed = Signal(str)

    def __init__(self, bridge: EngineBridge, prompt_later: Callable[[], Callable[[], str]], parent: QWidget | None = None) -> None:
        """``prompt_later`` reads the editor and returns a function making its exact prompt, which
        is called on the worker thread (a slow chat template does not stall the window)."""
        super().__init__(parent)
        self.setObjectName("surprisal-panel")
        self.bridge = bridge
        self.prompt_later = prompt_later
        self.result: Surprisal | None = None
        self.button = QPushButton()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.view = OutputView()
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self.button.clicked.connect(self.score)
        self.scored.connect(self._show)
        self.failed.connect(self._failed)
        bridge.busyChanged.connect(lambda busy: self.button.setEnabled(not busy))
        self.retranslate()

    def retranslate(self) -> None:
        self.button.setText(self.tr("Score the prompt"))
        self.button.setToolTip(self.tr("How surprising the model finds each token of the exact prompt"))
        if self.result is None:
            self.summary.setText(self.tr("Red tokens surprised the model; the first token has no context to be scored by."))

    @property
    def busy(self) -> bool:
        return self.bridge.busy

    def score(self) -> bool:
        """Score the exact prompt on the window's engine; False when it is busy."""
        if self.busy:
            return False
        try:
            make = self.prompt_later()
        except WorkbenchError as e:
            self.summary.setText(user_message(e))
            return False
        return self.bridge.submit(lambda client: client.surprisal(make()), self._answered, self.failed.emit)

    def _answered(self, result: Surprisal | None) -> None:
        if result is not None:  # None: cancelled
            self.scored.emit(result)

    def _failed(self, message: str) -> None:
        self.summary.setText(message)

    def _show(self, result: Surprisal) -> None:
        self.result = result
        self.view.clear_tokens()
        # Unscored tokens (nothing before them) are shown as certain, i.e. not tinted.
        self.view.append_tokens(
            [TokenEvent(i, b.decode("utf-8", "replace"), b, lp if lp is not None else 0.0, []) for i, b, lp in result.tokens]
        )
        worst = sorted((lp, b) for _, b, lp in result.tokens if lp is not None)[:3]
        text = self.tr("Perplexity {0} over {1} tokens.").format(
            f"{result.perplexity:.2f}" if result.perplexity else "—", len(result.tokens)
        )
        if worst:
            text += " " + self.tr("Most surprising: {0}.").format(
                ", ".join(f"{piece_label(b)} ({math.exp(lp) * 100:.2g}%)" for lp, b in worst)
            )
        if result.windows > 1:
            text += " " + self.tr("The prompt is longer than the context: scored in {0} windows of {1} tokens.").format(
                result.windows, result.window_tokens
            )
        self.summary.setText(text)
