"""Runs side by side: their settings and statistics in one table, their outputs token by token,
and a token-probability diff.

Each output is tinted by the probability of every token (as in the Output view). Against the
first run, tokens that differ (by a token-level diff, so a shifted but equal passage still lines
up) are underlined, and the settings that differ are in bold. Below, for each run against the
first: where they first drew different tokens, and the shared tokens whose probability changed most.

Tokens that share one character (a byte-level tokenizer splits most Chinese characters) are shown
as that character, tinted by the probability of all of them together; the hover lists each token.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.values.tokens import TokenEvent
from workbench.gui.labels import labels
from workbench.gui.output_view import probability_colour
from workbench.store.compare import PairDiff, compare_runs, mean_logprob
from workbench.tokens.groups import TokenGroups
from workbench.tokens.pieces import piece_label

if TYPE_CHECKING:
    from workbench.store.runs import RunStore


def _percent(logprob: float | None) -> str:
    return "—" if logprob is None else f"{math.exp(logprob):.1%}"


def _part_label(token: TokenEvent, split: bool) -> str:
    """A token in a hover: its bytes in hex when it is part of a character, else its text."""
    return piece_label(token.bytes) if split else repr(token.text)


def tinted_html(tokens: list[TokenEvent], different: set[int]) -> str:
    """The tokens as HTML, one span per group of tokens that make whole characters (usually one
    token), tinted by the group's probability; ``different`` (token indices) underlined."""
    parts = []
    for group in TokenGroups(t.bytes for t in tokens):
        members = tokens[group.start : group.end]
        prob = math.exp(sum(t.logprob for t in members))
        colour = probability_colour(prob)
        style = f"background-color:rgba({colour.red()},{colour.green()},{colour.blue()},{colour.alphaF():.2f})"
        if different.intersection(range(group.start, group.end)):
            style += ";text-decoration:underline;font-weight:bold"
        hover = " + ".join(f"{_part_label(t, group.split)} p={t.prob:.1%}" for t in members)
        if group.split:
            hover = f"{group.text!r} p={prob:.1%} = {hover}"
        parts.append(f'<span style="{style}" title="{html.escape(hover, quote=True)}">{html.escape(group.text)}</span>')
    return '<p style="white-space:pre-wrap">' + "".join(parts) + "</p>"


def token_label(text: str, piece: bytes, part: list[int] | None) -> str:
    """A token the comparison reports: its characters, and when it is only ``part`` [k, n] of
    them, which part and its own bytes."""
    return repr(text) if not part else f"{text!r} ({part[0]}/{part[1]}: {piece.hex(' ')})"


def _side_label(side: dict[str, Any]) -> str:
    return token_label(side["text"], bytes.fromhex(side["bytes"]), side["part"])


class CompareDialog(QDialog):
    def __init__(self, store: RunStore, run_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare-runs")
        self.setWindowTitle(self.tr("Compare runs"))
        self.resize(1100, 700)
        self.comparison = compare_runs(store, run_ids)
        self.rows, self.tokens = self.comparison.rows, self.comparison.tokens
        self.stats = QTableWidget()
        self.stats.setObjectName("compare-stats")
        self.outputs: list[QTextBrowser] = []
        panes = QHBoxLayout()
        pairs = {p.b: p for p in self.comparison.pairs}
        for n, tokens in enumerate(self.tokens):
            view = QTextBrowser()
            different = set() if n == 0 else pairs[self.rows[n].id].different_in_b
            view.setHtml(tinted_html(tokens, different) if tokens else f"<pre>{html.escape(self.rows[n].output)}</pre>")
            panes.addWidget(view)
            self.outputs.append(view)
        self.probability_diffs = QTabWidget()
        self.probability_diffs.setObjectName("compare-probabilities")
        for pair in self.comparison.pairs:
            self.probability_diffs.addTab(self._pair_view(pair), self.tr("run {0} → run {1}").format(pair.a, pair.b))
        layout = QVBoxLayout(self)
        layout.addWidget(self.stats, 2)
        layout.addLayout(panes, 3)
        layout.addWidget(self.probability_diffs, 2)
        self._fill_stats()

    def _pair_view(self, pair: PairDiff) -> QWidget:
        """Where two runs parted, and the shared tokens whose probability changed most."""
        box = QWidget()
        layout = QVBoxLayout(box)
        d = pair.divergence
        if d is None:
            summary = self.tr("The runs drew the same tokens as far as the shorter one goes.")
        else:
            summary = self.tr(
                "They part at token {0}: run {1} drew {2} ({3}; run {4} gave it {5}), run {4} drew {6} ({7}; run {1} gave it {8})."
            ).format(d.index, pair.a, _side_label(d.a), _percent(d.a["logprob"]), pair.b, _percent(d.a["logprob_in_b"]),
                     _side_label(d.b), _percent(d.b["logprob"]), _percent(d.b["logprob_in_a"]))
        label = QLabel(summary)
        label.setObjectName("divergence")
        label.setWordWrap(True)
        table = QTableWidget(len(pair.shifts), 4)
        table.setObjectName("shifts")
        table.setHorizontalHeaderLabels(
            [self.tr("Shared token"), self.tr("run {0}").format(pair.a), self.tr("run {0}").format(pair.b), self.tr("Change (nats)")]
        )
        for i, shift in enumerate(pair.shifts):
            values = [token_label(shift.text, shift.piece, shift.part), _percent(shift.logprob_a), _percent(shift.logprob_b),
                      f"{shift.delta:+.2f}"]
            for j, value in enumerate(values):
                table.setItem(i, j, QTableWidgetItem(value))
            if shift.part:
                table.item(i, 0).setToolTip(self.tr("Token {0} of the {1} tokens that make {2}; its bytes: {3}").format(
                    shift.part[0], shift.part[1], repr(shift.text), shift.piece.hex(" ")))
        table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(label)
        layout.addWidget(table)
        return box

    def stat_rows(self) -> list[tuple[str, list[str]]]:
        def sampler(row: Any, key: str) -> str:
            value = row.params.get("sampler", {}).get(key)
            return "" if value is None else str(value)

        means = [mean_logprob(t) for t in self.tokens]
        return [
            (self.tr("Run"), [str(r.id) for r in self.rows]),
            (self.tr("Model"), [r.model.name if r.model else "" for r in self.rows]),
            (self.tr("Template"), [f"{r.template or ''} {r.variant or ''}".strip() for r in self.rows]),
            *[(labels().setting(key), [sampler(r, key) for r in self.rows]) for key in ("temperature", "top_k", "top_p", "min_p", "repeat_penalty")],
            (self.tr("Seed"), [str(r.seed) for r in self.rows]),
            (self.tr("Tokens"), [str(len(t)) for t in self.tokens]),
            (self.tr("Mean logprob"), ["" if m is None else f"{m:.3f}" for m in means]),
            (self.tr("Perplexity"), ["" if m is None else f"{math.exp(-m):.2f}" for m in means]),
            (self.tr("Same tokens as run {0}").format(self.rows[0].id), [
                "100%" if self.tokens[0] else "",
                *[f"{p.shared_share:.0%}" if p.shared_share is not None else "" for p in self.comparison.pairs],
            ]),
            (self.tr("tok/s"), [f"{r.tokens_per_s:.1f}" for r in self.rows]),
            (self.tr("Status"), [labels().status(r.status) for r in self.rows]),
        ]

    def _fill_stats(self) -> None:
        rows = self.stat_rows()
        self.stats.setRowCount(len(rows))
        self.stats.setColumnCount(len(self.rows))
        self.stats.setVerticalHeaderLabels([name for name, _ in rows])
        self.stats.setHorizontalHeaderLabels([self.tr("run {0}").format(r.id) for r in self.rows])
        for i, (_name, values) in enumerate(rows):
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if value != values[0]:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.stats.setItem(i, j, item)
        self.stats.resizeColumnsToContents()
