"""A self-consistency vote as its own view: the answers with their votes, every sample with its
answer, and the chosen sample's text with its own token colours and alternatives on hover.

A sample's tokens come from its saved trace (``workbench.prompts.variant_runner.sample_trace``),
so a vote reopened from the History shows the same; a sample saved without one shows its text
untinted."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from workbench.gui.output_view import OutputView
from workbench.gui.qt_helpers import Retranslating
from workbench.prompts.variant_runner import trace_tokens
from workbench.values.tokens import TokenEvent


class SampleView(OutputView):
    """One sample: its tokens tinted, then (for a chain that never stated its answer) the question
    that asked for it as plain text and the tokens that answered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._plain: list[tuple[int, int]] = []  # document spans that are no token's text
        super().__init__(parent)
        self.setObjectName("vote-sample")

    def retranslate(self) -> None:
        self.setPlaceholderText(self.tr("Choose a sample to see its tokens."))

    def clear_tokens(self) -> None:
        super().clear_tokens()
        self._plain.clear()

    def show_sample(self, sample: dict[str, Any]) -> None:
        trace = trace_tokens(sample.get("trace"))
        if trace is None:
            self.show_plain(str(sample.get("text", "")))
            return
        tokens, lead, follow = trace
        self.clear_tokens()
        self.append_tokens(tokens)
        if lead:
            self._append_plain(lead)
            self.append_tokens(follow)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _append_plain(self, text: str) -> None:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        start = cursor.position()
        cursor.insertText(text, QTextCharFormat())
        self._plain.append((start, cursor.position()))

    def token_at(self, position: int) -> TokenEvent | None:
        if any(start <= position < end for start, end in self._plain):
            return None
        return super().token_at(position)

    def set_colour_mode(self, mode: str) -> None:
        super().set_colour_mode(mode)
        # A token's tint runs to the next token's start; the plain text between them has none.
        cursor = QTextCursor(self.document())
        for start, end in self._plain:
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(QTextCharFormat())


def _item(text: str, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class VotesView(Retranslating, QWidget):
    """The votes (answer, votes, share), the samples (answer, tokens, mean probability) and the
    chosen sample's tokens. Choosing an answer shows the first sample that gave it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("votes-view")
        self.details: dict[str, Any] = {}
        self.answers = QTableWidget(0, 3)
        self.answers.setObjectName("votes")
        self.samples = QTableWidget(0, 4)
        self.samples.setObjectName("vote-samples")
        for table in (self.answers, self.samples):
            table.verticalHeader().hide()
            table.horizontalHeader().setStretchLastSection(True)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sample_view = SampleView()
        splitter = QSplitter(Qt.Orientation.Vertical)
        for w in (self.answers, self.samples, self.sample_view):
            splitter.addWidget(w)
        splitter.setSizes([90, 120, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.answers.currentCellChanged.connect(lambda row, _c, _r, _pc: self._answer_chosen(row))
        self.samples.currentCellChanged.connect(lambda row, _c, _r, _pc: self.show_sample(row))
        self.retranslate()

    def retranslate(self) -> None:
        self.answers.setHorizontalHeaderLabels([self.tr("Answer"), self.tr("Votes"), self.tr("Share")])
        self.samples.setHorizontalHeaderLabels([self.tr("Sample"), self.tr("Answer"), self.tr("Tokens"), self.tr("Mean p")])
        if self.details:
            self._fill_samples()  # "no answer" is text of ours

    def clear(self) -> None:
        self.details = {}
        self.answers.setRowCount(0)
        self.samples.setRowCount(0)
        self.sample_view.clear_tokens()

    def show_vote(self, details: dict[str, Any]) -> None:
        """A self-consistency run's details (``votes``, ``samples``); the winner's first sample is shown."""
        self.details = details
        votes = details.get("votes", [])
        total = len(details.get("samples", []))
        self.answers.blockSignals(True)
        self.answers.setRowCount(len(votes))
        for i, v in enumerate(votes):
            share = f"{v['count'] / total:.0%}" if total else ""
            for j, (value, right) in enumerate(((str(v["answer"]), False), (str(v["count"]), True), (share, True))):
                self.answers.setItem(i, j, _item(value, right))
        self.answers.blockSignals(False)
        self.answers.resizeColumnsToContents()
        self._fill_samples()
        winner = details.get("winner")
        first = next((i for i, s in enumerate(details.get("samples", [])) if s.get("answer") == winner), 0)
        if total:
            self.samples.selectRow(first)
            self.show_sample(first)
        else:
            self.sample_view.clear_tokens()

    def _fill_samples(self) -> None:
        samples = self.details.get("samples", [])
        current = self.samples.currentRow()
        self.samples.blockSignals(True)
        self.samples.setRowCount(len(samples))
        for i, s in enumerate(samples):
            mean = s.get("mean_logprob")
            p = "" if mean is None or math.isnan(mean) else f"{math.exp(mean):.0%}"
            answer = s.get("answer")
            cells = ((str(i + 1), True), (self.tr("(no answer)") if answer is None else str(answer), False),
                     (str(s.get("tokens", "")), True), (p, True))
            for j, (value, right) in enumerate(cells):
                self.samples.setItem(i, j, _item(value, right))
            self.samples.item(i, 1).setToolTip(str(s.get("text", ""))[:2000])
        if 0 <= current < len(samples):
            self.samples.setCurrentCell(current, 0)
        self.samples.blockSignals(False)
        self.samples.resizeColumnsToContents()

    def show_sample(self, row: int) -> None:
        samples = self.details.get("samples", [])
        if 0 <= row < len(samples):
            self.sample_view.show_sample(samples[row])

    def _answer_chosen(self, row: int) -> None:
        votes = self.details.get("votes", [])
        if not 0 <= row < len(votes):
            return
        answer = votes[row]["answer"]
        first = next((i for i, s in enumerate(self.details.get("samples", [])) if s.get("answer") == answer), None)
        if first is not None:
            self.samples.selectRow(first)  # shows it, through currentCellChanged

    def set_colour_mode(self, mode: str) -> None:
        """Tint the samples like the output: 'probability', 'rank' or 'entropy'."""
        self.sample_view.set_colour_mode(mode)
