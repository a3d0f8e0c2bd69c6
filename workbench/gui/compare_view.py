"""Runs side by side: their settings and statistics in one table, their outputs token by token.

Each output is tinted by the probability of every token (as in the Output view). Against the
first run, tokens that differ (by a token-level diff, so a shifted but equal passage still lines
up) are underlined, and the settings that differ are in bold.
"""

from __future__ import annotations

import html
import math
from difflib import SequenceMatcher
from typing import Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget

from workbench.engine.protocol import TokenEvent
from workbench.gui.output_view import probability_colour
from workbench.store.runs import RunStore


def differing_tokens(base: list[int], other: list[int]) -> set[int]:
    """Indices in ``other`` of the tokens a diff against ``base`` does not match."""
    out: set[int] = set()
    for tag, _a0, _a1, b0, b1 in SequenceMatcher(a=base, b=other, autojunk=False).get_opcodes():
        if tag != "equal":
            out.update(range(b0, b1))
    return out


def tinted_html(tokens: list[TokenEvent], different: set[int]) -> str:
    parts = []
    for i, t in enumerate(tokens):
        colour = probability_colour(t.prob)
        style = f"background-color:rgba({colour.red()},{colour.green()},{colour.blue()},{colour.alphaF():.2f})"
        if i in different:
            style += ";text-decoration:underline;font-weight:bold"
        title = html.escape(f"{t.text!r} p={t.prob:.1%}", quote=True)
        parts.append(f'<span style="{style}" title="{title}">{html.escape(t.text)}</span>')
    return '<p style="white-space:pre-wrap">' + "".join(parts) + "</p>"


class CompareDialog(QDialog):
    def __init__(self, store: RunStore, run_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare-runs")
        self.setWindowTitle(self.tr("Compare runs"))
        self.resize(1100, 700)
        self.rows = [store.get(i) for i in run_ids]
        self.tokens = [store.tokens(i) for i in run_ids]
        self.stats = QTableWidget()
        self.stats.setObjectName("compare-stats")
        self.outputs: list[QTextBrowser] = []
        panes = QHBoxLayout()
        base_ids = [t.id for t in self.tokens[0]]
        for n, tokens in enumerate(self.tokens):
            view = QTextBrowser()
            different = set() if n == 0 else differing_tokens(base_ids, [t.id for t in tokens])
            view.setHtml(tinted_html(tokens, different) if tokens else f"<pre>{html.escape(self.rows[n].output)}</pre>")
            panes.addWidget(view)
            self.outputs.append(view)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stats, 1)
        layout.addLayout(panes, 3)
        self._fill_stats()

    def stat_rows(self) -> list[tuple[str, list[str]]]:
        def sampler(row: Any, key: str) -> str:
            value = row.params.get("sampler", {}).get(key)
            return "" if value is None else str(value)

        def mean_logprob(tokens: list[TokenEvent]) -> float | None:
            return sum(t.logprob for t in tokens) / len(tokens) if tokens else None

        means = [mean_logprob(t) for t in self.tokens]
        return [
            (self.tr("Run"), [str(r.id) for r in self.rows]),
            (self.tr("Model"), [r.model.name if r.model else "" for r in self.rows]),
            (self.tr("Template"), [f"{r.template or ''} {r.variant or ''}".strip() for r in self.rows]),
            *[(key, [sampler(r, key) for r in self.rows]) for key in ("temperature", "top_k", "top_p", "min_p", "repeat_penalty")],
            (self.tr("Seed"), [str(r.seed) for r in self.rows]),
            (self.tr("Tokens"), [str(len(t)) for t in self.tokens]),
            (self.tr("Mean logprob"), ["" if m is None else f"{m:.3f}" for m in means]),
            (self.tr("Perplexity"), ["" if m is None else f"{math.exp(-m):.2f}" for m in means]),
            (self.tr("Same tokens as run {0}").format(self.rows[0].id), [
                f"{1 - len(differing_tokens([x.id for x in self.tokens[0]], [x.id for x in t])) / len(t):.0%}" if t else ""
                for t in self.tokens
            ]),
            (self.tr("tok/s"), [f"{r.tokens_per_s:.1f}" for r in self.rows]),
            (self.tr("Status"), [r.status for r in self.rows]),
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
