"""An experiment's results in the window: the pass rate of every column as a chart with its 95%
interval, the paired comparisons in words, classification accuracy and calibration, and the
matrix of cases (dataset rows by columns), whose cells open their run.

Everything here reads one experiment summary (the ``eval --json`` object of
``workbench.app.experiments.report.summarise``) and touches no database. The matrix is a Qt model
that computes each cell as it is painted, so an experiment of 10,000 cases opens at once, and
``update_case`` adds the cases of a running experiment one at a time.
"""

from __future__ import annotations

import bisect
import html
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from workbench.app.experiments.stats import pair_sentence
from workbench.gui.qt_helpers import Retranslating
from workbench.gui.theme import current_scheme, tone_colour

ROW_LABEL_CHARS = 40  # a row header shows this much of the row's first variable (a Chinese character counts two)
OUTPUT_CHARS = 300  # of a case's output, in its tooltip
DETAILED_REPEATS = 3  # a cell's tooltip details this many of its repeats, and counts the rest


@dataclass(frozen=True)
class _Colours:
    """The backgrounds of passing, failing and failed-to-run cases in one scheme."""

    passed: str
    failed: str
    error: str
    winner: str  # the text of a pair with a verdict, on the view's base colour


# Light: pale tints under dark text; dark: deep tints under light text. Every background and every
# blend between the fail and the pass colour keeps a contrast of 4.5 or more with the text chosen
# for it (``_text_on``).
_COLOURS = {
    "light": _Colours(passed="#bfe6c4", failed="#f4c2bd", error="#f5cf7a", winner="#1b6e2f"),
    "dark": _Colours(passed="#1e5a2b", failed="#6e2420", error="#6a4c00", winner="#7fd88f"),
}
_DARK_TEXT, _LIGHT_TEXT = QColor("#1a1a1a"), QColor("#f2f2f2")


def _colours() -> _Colours:
    return _COLOURS[current_scheme().name]


def _luminance(colour: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def _contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _text_on(background: QColor) -> QColor:
    """Dark or light text, whichever reads better on ``background``."""
    return _DARK_TEXT if _contrast(_DARK_TEXT, background) >= _contrast(_LIGHT_TEXT, background) else _LIGHT_TEXT


def _blend(a: QColor, b: QColor, t: float) -> QColor:
    t = min(1.0, max(0.0, t))
    return QColor.fromRgbF(*(x + (y - x) * t for x, y in zip(a.getRgbF()[:3], b.getRgbF()[:3])))


def score_colour(fraction: float) -> QColor:
    """The background for a cell that passed ``fraction`` (0: the fail colour, 1: the pass colour)."""
    c = _colours()
    return _blend(QColor(c.failed), QColor(c.passed), fraction)


def _percent(x: float | None) -> str:
    return "–" if x is None else f"{float(x) * 100:.0f}"


def _value_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clip_columns(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` columns of a terminal's width, "…" included: a Chinese character takes two."""
    widths = [2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text]
    if sum(widths) <= limit:
        return text
    used = 0
    for i, w in enumerate(widths):
        if used + w > limit - 1:
            return text[:i] + "…"
        used += w
    return text


def _is_error(case: dict[str, Any]) -> bool:
    return case.get("status") == "error"


class ResultsModel(QAbstractTableModel):
    """The cases of one summary as a table: a row per dataset row, a column per summary column;
    each cell is that row's cases in that column (one per repeat), computed when it is shown."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: list[dict[str, Any]] = []
        self.column_at: dict[str, int] = {}
        self.rows: list[int] = []  # dataset row indices, sorted
        self.row_at: dict[int, int] = {}
        self.row_vars: dict[int, dict[str, Any]] = {}
        self.cells: dict[tuple[int, str], list[dict[str, Any]]] = {}  # by repeat

    # -- filling --------------------------------------------------------------------------

    def set_summary(self, summary: dict[str, Any]) -> None:
        self.beginResetModel()
        self.columns = [dict(c) for c in summary.get("columns") or []]
        self.column_at = {str(c.get("id")): i for i, c in enumerate(self.columns)}
        self.row_vars, self.cells = {}, {}
        for case in summary.get("cases") or []:
            self._ensure_column(str(case.get("column")))
            self._store(case)
        self.rows = sorted(self.row_vars)
        self.row_at = {row: i for i, row in enumerate(self.rows)}
        self.endResetModel()

    def update_case(self, case: dict[str, Any]) -> None:
        """Add one case, or replace the case of the same row, column and repeat."""
        column = str(case.get("column"))
        if column not in self.column_at:
            self.beginInsertColumns(QModelIndex(), len(self.columns), len(self.columns))
            self._ensure_column(column)
            self.endInsertColumns()
        row = int(case.get("row") or 0)
        if row not in self.row_at:
            at = bisect.bisect_left(self.rows, row)
            self.beginInsertRows(QModelIndex(), at, at)
            self.rows.insert(at, row)
            if at == len(self.rows) - 1:  # the usual case: rows arrive in order
                self.row_at[row] = at
            else:
                self.row_at = {r: i for i, r in enumerate(self.rows)}
            self._store(case)
            self.endInsertRows()
            return
        self._store(case)
        index = self.index(self.row_at[row], self.column_at[column])
        self.dataChanged.emit(index, index)

    def _ensure_column(self, column: str) -> None:
        if column not in self.column_at:  # a case of a column the summary does not list
            self.column_at[column] = len(self.columns)
            self.columns.append({"id": column, "prompt": column, "variant": None, "model": ""})

    def _store(self, case: dict[str, Any]) -> None:
        row, column = int(case.get("row") or 0), str(case.get("column"))
        self.row_vars.setdefault(row, case.get("vars") or {})
        repeats = self.cells.setdefault((row, column), [])
        repeat = int(case.get("repeat") or 0)
        for i, old in enumerate(repeats):
            if int(old.get("repeat") or 0) == repeat:
                repeats[i] = case
                return
        repeats.append(case)
        repeats.sort(key=lambda c: int(c.get("repeat") or 0))

    def refresh_texts(self) -> None:
        """Show every text again (the interface language changed)."""
        if self.rows and self.columns:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    # -- reading --------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def cases_at(self, index: QModelIndex | QPersistentModelIndex) -> list[dict[str, Any]]:
        """The cell's cases, by repeat (empty: not run yet)."""
        if not index.isValid() or index.row() >= len(self.rows) or index.column() >= len(self.columns):
            return []
        return self.cells.get((self.rows[index.row()], str(self.columns[index.column()].get("id"))), [])

    def run_id(self, index: QModelIndex | QPersistentModelIndex) -> int | None:
        """The run a cell opens: its first repeat's."""
        cases = self.cases_at(index)
        run = cases[0].get("run_id") if cases else None
        return int(run) if run is not None else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        cases = self.cases_at(index)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self.run_id(index)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index, cases)
        if not cases:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index, cases)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            background = self._background(cases)
            if background is None:
                return None
            return background if role == Qt.ItemDataRole.BackgroundRole else _text_on(background)
        return None

    def _repeats(self, index: QModelIndex | QPersistentModelIndex, cases: list[dict[str, Any]]) -> int:
        k = self.columns[index.column()].get("k") if index.column() < len(self.columns) else None
        return max(len(cases), int(k or 1))

    def _text(self, index: QModelIndex | QPersistentModelIndex, cases: list[dict[str, Any]]) -> str:
        if self._repeats(index, cases) > 1:
            judged = [c for c in cases if c.get("passed") is not None or _is_error(c)]
            if judged and all(_is_error(c) for c in judged):
                return self.tr("error")
            if not judged:
                return "·"
            return f"{sum(c.get('passed') is True for c in judged)}/{len(judged)}"
        case = cases[0]
        if _is_error(case):
            return self.tr("error")
        mark = {True: "✓", False: "✗"}.get(case.get("passed"), "·")
        score = case.get("score")
        if score is not None and float(score) not in (0.0, 1.0):
            mark += f" {float(score):.2f}"
        return mark

    def _background(self, cases: list[dict[str, Any]]) -> QColor | None:
        judged = [c for c in cases if c.get("passed") is not None or _is_error(c)]
        if not judged:
            return None
        if all(_is_error(c) for c in judged):
            return QColor(_colours().error)
        if len(judged) == 1:
            score = judged[0].get("score")
            return score_colour(float(score) if score is not None else float(judged[0].get("passed") is True))
        return score_colour(sum(c.get("passed") is True for c in judged) / len(judged))  # errors count as failures

    def _tooltip(self, index: QModelIndex | QPersistentModelIndex, cases: list[dict[str, Any]]) -> str:
        if not index.isValid():
            return ""
        column = html.escape(str(self.columns[index.column()].get("id")))
        head = f"<b>{column}</b> · " + html.escape(self.tr("row {0}").format(self.rows[index.row()]))
        if not cases:
            return f"<p>{head}<br>{html.escape(self.tr('Not run yet.'))}</p>"
        parts = [head]
        if self._repeats(index, cases) > 1:
            judged = [c for c in cases if c.get("passed") is not None or _is_error(c)]
            passes = sum(c.get("passed") is True for c in judged)
            parts.append(html.escape(self.tr("{0} of {1} repeats passed").format(passes, len(judged))))
        body = [self._case_html(c, len(cases) > 1) for c in cases[:DETAILED_REPEATS]]
        if len(cases) > DETAILED_REPEATS:
            body.append(html.escape(self.tr("… and {0} more repeats").format(len(cases) - DETAILED_REPEATS)))
        if cases[0].get("run_id") is not None:
            body.append("<i>" + html.escape(self.tr("Double-click to open run {0}.").format(cases[0]["run_id"])) + "</i>")
        return "<p>" + "<br>".join(parts) + "</p>" + "".join(f"<p>{b}</p>" for b in body)

    def _case_html(self, case: dict[str, Any], with_repeat: bool) -> str:
        lines = []
        if _is_error(case):
            verdict = self.tr("error")
        else:
            verdict = {True: "✓ " + self.tr("passed"), False: "✗ " + self.tr("failed")}.get(case.get("passed"), self.tr("not judged"))
        first = (self.tr("repeat {0}").format(case.get("repeat", 0)) + ": " if with_repeat else "") + verdict
        if case.get("score") is not None and float(case["score"]) not in (0.0, 1.0):
            first += " · " + self.tr("score {0}").format(f"{float(case['score']):.2f}")
        if case.get("cached"):
            first += " · " + self.tr("from the history")
        lines.append(f"<b>{html.escape(first)}</b>")
        if case.get("error"):
            text = html.escape(self.tr("Error: {0}").format(_clip(str(case["error"]), 500)))
            lines.append(f'<span style="color:{tone_colour("error")}">{text}</span>')
        for a in case.get("assertions") or []:
            mark = "✓" if a.get("passed") else "✗"
            detail = f" — {a['detail']}" if a.get("detail") else ""
            lines.append(html.escape(f"{mark} {a.get('type', '')}{detail}"))
        probs = case.get("label_probs") or {}
        if probs:
            ranked = sorted(probs.items(), key=lambda item: -float(item[1]))
            shown = ", ".join(f"{label} {float(p) * 100:.0f}%" for label, p in ranked)
            lines.append(html.escape(self.tr("Label probabilities: {0}").format(shown)))
        output = str(case.get("output") or "")
        if output:
            lines.append(html.escape(self.tr("Output:")) + '<br><span style="white-space:pre-wrap">'
                         + html.escape(_clip(output, OUTPUT_CHARS)) + "</span>")
        return "<br>".join(lines)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.columns):
                return None
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return str(column.get("id"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._column_tooltip(column)
            return None
        if not 0 <= section < len(self.rows):
            return None
        row = self.rows[section]
        variables = self.row_vars.get(row) or {}
        if role == Qt.ItemDataRole.DisplayRole:
            first = next(iter(variables.values()), "")
            shown = " ".join(_value_text(first).split())
            return f"{row}. {_clip_columns(shown, ROW_LABEL_CHARS)}" if shown else str(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"<b>{html.escape(self.tr('row {0}').format(row))}</b>"]
            lines += [f"<b>{html.escape(str(k))}</b>: {html.escape(_clip(_value_text(v), 2000))}" for k, v in variables.items()]
            return '<p style="white-space:pre-wrap">' + "<br>".join(lines) + "</p>"
        return None

    def _column_tooltip(self, column: dict[str, Any]) -> str:
        lines = [f"<b>{html.escape(str(column.get('id')))}</b>"]
        lines.append(html.escape(self.tr("prompt {0} · variant {1} · model {2}").format(
            column.get("prompt") or "–", column.get("variant") or "–", column.get("model") or "–")))
        if column.get("n"):
            lo, hi = (column.get("ci95") or [None, None])[:2]
            lines.append(html.escape(self.tr("pass rate {0}% [{1}, {2}] · {3} of {4} passed").format(
                _percent(column.get("pass_rate")), _percent(lo), _percent(hi), column.get("passed", 0), column["n"])))
        if column.get("errors"):
            lines.append(html.escape(self.tr("{0} errors (counted as failures)").format(column["errors"])))
        if column.get("mean_score") is not None:
            lines.append(html.escape(self.tr("mean score {0}").format(f"{float(column['mean_score']):.2f}")))
        return "<br>".join(lines)


class ResultsMatrix(Retranslating, QTableView):
    """The cases: a row per dataset row, a column per prompt × variant × model. A cell shows ✓, ✗
    or "error" (with repeats: how many passed, "2/3"), tinted from the fail to the pass colour by
    its score; hovering shows the output and every assertion. Double-click or Enter opens the
    cell's (first repeat's) run; a single click only selects."""

    runRequested = Signal(int)  # run id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experiment-matrix")
        self.results = ResultsModel(self)
        self.setModel(self.results)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measures 10,000 rows
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        columns = self.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        columns.setMinimumSectionSize(24)
        self.results.modelReset.connect(self._size_columns)
        self.results.columnsInserted.connect(lambda *_: self._size_columns())
        self.retranslate()

    def retranslate(self) -> None:
        self.results.refresh_texts()

    def set_summary(self, summary: dict[str, Any]) -> None:
        self.results.set_summary(summary)
        self.updateGeometries()  # now, not at the next event loop turn: the cells are where they are shown

    def update_case(self, case: dict[str, Any]) -> None:
        self.results.update_case(case)

    def _size_columns(self) -> None:
        metrics = self.fontMetrics()
        least = metrics.horizontalAdvance("✗ 0.50") + 20
        for i, column in enumerate(self.results.columns):
            wanted = metrics.horizontalAdvance(str(column.get("id"))) + 24
            self.setColumnWidth(i, min(max(least, wanted), metrics.averageCharWidth() * 28))

    def _open(self, index: QModelIndex) -> None:
        run = self.results.run_id(index)
        if run is not None:
            self.runRequested.emit(run)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        super().mouseDoubleClickEvent(event)
        # The cell under the pointer, not ``doubleClicked``: that one also wants the press before it.
        index = self.indexAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and index.isValid():
            self._open(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class PassRateChart(Retranslating, QWidget):
    """A horizontal bar per column: its pass rate, the 95% Wilson interval as a whisker and the
    numbers ("62% [48, 74]"), on an axis from 0 to 100%."""

    TICKS = (0, 25, 50, 75, 100)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experiment-chart")
        self.columns: list[dict[str, Any]] = []
        self.placeholder = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.retranslate()

    def retranslate(self) -> None:
        self.placeholder = self.tr("No results yet.")
        self.updateGeometry()
        self.update()

    def set_summary(self, summary: dict[str, Any]) -> None:
        self.columns = list(summary.get("columns") or [])
        self.updateGeometry()
        self.update()

    # -- geometry -------------------------------------------------------------------------

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(str(c.get("id"))) for c in self.columns), default=0)
        return min(widest, metrics.averageCharWidth() * 24) + 12

    def _value_width(self) -> int:
        return self.fontMetrics().horizontalAdvance(self._value_text({"n": 1, "pass_rate": 1.0, "ci95": [1.0, 1.0]})) + 12

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        if not self.columns:
            return QSize(metrics.horizontalAdvance(self.placeholder) + 40, metrics.height() * 4)
        height = 8 + len(self.columns) * self._row_height() + metrics.height() + 12
        return QSize(self._label_width() + self._value_width() + 240, height)

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(min(hint.width(), self._label_width() + self._value_width() + 80), hint.height())

    def _plot(self) -> QRectF:
        """The area of the bars: between the labels and the numbers, above the axis labels."""
        left = self._label_width()
        right = self.width() - self._value_width()
        bottom = 8 + len(self.columns) * self._row_height()
        return QRectF(left, 8, max(20, right - left - 8), bottom - 8)

    def _value_text(self, column: dict[str, Any]) -> str:
        if not column.get("n"):
            return self.tr("no cases")
        lo, hi = (column.get("ci95") or [None, None])[:2]
        return self.tr("{0}% [{1}, {2}]").format(_percent(column.get("pass_rate")), _percent(lo), _percent(hi))

    def column_at(self, y: float) -> int | None:
        """The column whose bar is at height ``y``."""
        i = int((y - 8) // self._row_height())
        return i if y >= 8 and 0 <= i < len(self.columns) else None

    # -- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        if not self.columns:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        plot = self._plot()
        row_h = self._row_height()
        metrics = self.fontMetrics()

        def x(rate: float) -> float:
            return plot.left() + plot.width() * min(1.0, max(0.0, rate))

        # Grid and axis.
        grid = QColor(palette.color(QPalette.ColorRole.Mid))
        painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))
        for tick in self.TICKS:
            painter.drawLine(QPointF(x(tick / 100), plot.top()), QPointF(x(tick / 100), plot.bottom()))
        painter.setPen(QPen(text, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        room = plot.width() / (len(self.TICKS) - 1)
        ticks = self.TICKS if room >= metrics.horizontalAdvance("100%") + 6 else (0, 50, 100)  # labels never overlap
        for tick in ticks:
            label = f"{tick}%"
            w = metrics.horizontalAdvance(label)
            left = min(max(0.0, x(tick / 100) - w / 2), self.width() - w - 1.0)
            painter.drawText(QRectF(left, plot.bottom() + 4, w + 1, metrics.height()), Qt.AlignmentFlag.AlignCenter, label)

        bar = QColor(current_scheme().bars["kept"])
        bar.setAlphaF(0.55)  # the whisker, in the text colour, stays visible across it
        for i, column in enumerate(self.columns):
            top = plot.top() + i * row_h
            ident = str(column.get("id"))
            painter.setPen(text)
            painter.drawText(QRectF(4, top, self._label_width() - 10, row_h), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             metrics.elidedText(ident, Qt.TextElideMode.ElideMiddle, self._label_width() - 10))
            value_box = QRectF(plot.right() + 8, top, self._value_width(), row_h)
            if not column.get("n"):
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(value_box, Qt.AlignmentFlag.AlignVCenter, self._value_text(column))
                continue
            rate = float(column.get("pass_rate") or 0.0)
            painter.fillRect(QRectF(plot.left(), top + 4, x(rate) - plot.left(), row_h - 8), bar)
            lo, hi = (column.get("ci95") or [rate, rate])[:2]
            lo, hi = float(rate if lo is None else lo), float(rate if hi is None else hi)
            mid = top + row_h / 2
            painter.setPen(QPen(text, 1.5))
            painter.drawLine(QPointF(x(lo), mid), QPointF(x(hi), mid))
            for cap in (lo, hi):
                painter.drawLine(QPointF(x(cap), mid - 5), QPointF(x(cap), mid + 5))
            painter.setPen(text)
            painter.drawText(value_box, Qt.AlignmentFlag.AlignVCenter, self._value_text(column))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            i = self.column_at(event.pos().y())
            if i is None:
                QToolTip.hideText()
            else:
                c = self.columns[i]
                tip = self.tr("{0}: {1} passed of {2} · {3}").format(c.get("id"), c.get("passed", 0), c.get("n", 0), self._value_text(c))
                QToolTip.showText(event.globalPos(), tip, self)
            return True
        return super().event(event)


class PairsView(Retranslating, QTableWidget):
    """Every pair of columns compared over the rows both ran: the sentence of ``eval show`` (who
    beats whom by how many points, the interval and McNemar's p), emphasised when the difference
    is shown, and how many rows only one of the two passed."""

    COLUMNS = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, self.COLUMNS, parent)
        self.setObjectName("experiment-pairs")
        self.pairs: list[dict[str, Any]] = []
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # a long sentence wraps
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in (1, 2):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([self.tr("Comparison"), self.tr("Only A"), self.tr("Only B")])
        tips = (self.tr("Paired over the rows both columns ran: percentage points of pass rate with Newcombe's 95% interval; "
                        "p is McNemar's exact test."),
                self.tr("Rows only the first column (A) passed"), self.tr("Rows only the second column (B) passed"))
        for i, tip in enumerate(tips):
            self.horizontalHeaderItem(i).setToolTip(tip)
        self._fill()

    def set_summary(self, summary: dict[str, Any]) -> None:
        self.pairs = list(summary.get("pairs") or [])
        self._fill()

    def _fill(self) -> None:
        self.setRowCount(len(self.pairs))
        winner = QColor(_colours().winner)
        for i, pair in enumerate(self.pairs):
            sentence = QTableWidgetItem(pair_sentence(pair))
            a_only = QTableWidgetItem(str(pair.get("a_only") or 0))
            b_only = QTableWidgetItem(str(pair.get("b_only") or 0))
            a_only.setToolTip(self.tr("rows only {0} passed").format(pair.get("a")))
            b_only.setToolTip(self.tr("rows only {0} passed").format(pair.get("b")))
            sentence.setToolTip(sentence.text())
            for item in (a_only, b_only):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if (pair.get("verdict") or "none") != "none":
                font = QFont(self.font())
                font.setBold(True)
                sentence.setFont(font)
                sentence.setForeground(winner)
            for j, item in enumerate((sentence, a_only, b_only)):
                self.setItem(i, j, item)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):  # the emphasis follows the theme
            self._fill()


class ClassificationView(Retranslating, QLabel):
    """Per column that classified by label probabilities: accuracy, the mean probability of the
    right label and the expected calibration error; empty (and hidden by its owner) otherwise."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experiment-classification")
        self.columns: list[dict[str, Any]] = []
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retranslate()

    def has_classification(self) -> bool:
        return any(c.get("classification") for c in self.columns)

    def set_summary(self, summary: dict[str, Any]) -> None:
        self.columns = list(summary.get("columns") or [])
        self.retranslate()

    def retranslate(self) -> None:
        if not self.has_classification():
            self.setText("")
            return
        cell = '<td style="padding:1px 8px 1px 0">{0}</td>'
        right = '<td style="padding:1px 8px 1px 0" align="right">{0}</td>'
        heads = [self.tr("Column"), self.tr("Accuracy"), self.tr("Mean p(correct)"), self.tr("ECE"), self.tr("Cases")]
        rows = ["<tr>" + "".join(f"<th align=\"left\" style=\"padding:1px 8px 1px 0\">{html.escape(h)}</th>" for h in heads) + "</tr>"]
        multi = []
        for c in self.columns:
            cls = c.get("classification")
            if not cls:
                continue
            ece = cls.get("ece")
            values = [f"{_percent(cls.get('accuracy'))}%", f"{_percent(cls.get('mean_p_correct'))}%",
                      "–" if ece is None else f"{float(ece):.3f}", str(cls.get("n", ""))]
            rows.append("<tr>" + cell.format(html.escape(str(c.get("id")))) + "".join(right.format(html.escape(v)) for v in values) + "</tr>")
            if cls.get("multi_token_labels"):
                multi.append(f"{c.get('id')}: {', '.join(str(label) for label in cls['multi_token_labels'])}")
        note = self.tr("Labels of more than one token are scored as the sum of their tokens' log-probabilities.")
        if multi:
            note += " " + self.tr("Such labels: {0}.").format("; ".join(multi))
        muted = tone_colour("muted")
        title = self.tr("Classification")
        self.setText(f"<b>{html.escape(title)}</b><table>{''.join(rows)}</table>"
                     f'<p style="color:{muted}">{html.escape(note)}</p>')

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):  # the note's colour too
            self.retranslate()


class ExperimentResults(Retranslating, QWidget):
    """One experiment's results: its name and progress, the pass-rate chart beside the pairs and
    the classification, and the matrix of cases below. A cell's double-click asks to open its run."""

    runRequested = Signal(int)  # run id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experiment-results")
        self.summary: dict[str, Any] = {}
        self.title = QLabel()
        self.title.setObjectName("experiment-title")
        self.title.setWordWrap(True)
        self.title.setContentsMargins(4, 2, 4, 2)
        self.chart = PassRateChart()
        self.chart_scroll = QScrollArea()
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.chart_scroll.setWidget(self.chart)
        self.pairs = PairsView()
        self.classification = ClassificationView()
        self.matrix = ResultsMatrix()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.pairs, 1)
        side_layout.addWidget(self.classification)
        self.top = QSplitter(Qt.Orientation.Horizontal)
        self.top.addWidget(self.chart_scroll)
        self.top.addWidget(side)
        self.top.setStretchFactor(0, 2)
        self.top.setStretchFactor(1, 3)
        self.top.setSizes([400, 600])  # in proportion, whatever the width
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("experiment-splitter")
        self.splitter.addWidget(self.top)
        self.splitter.addWidget(self.matrix)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([450, 550])  # the chart and the comparisons readable in a docked panel
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.splitter, 1)
        self.matrix.runRequested.connect(self.runRequested)
        self._show_parts()
        self.retranslate()

    def retranslate(self) -> None:
        s = self.summary
        if not s:
            self.title.setText(self.tr("No experiment shown."))
            return
        statuses = {"running": self.tr("running"), "done": self.tr("done"), "cancelled": self.tr("cancelled"),
                    "error": self.tr("error"), "interrupted": self.tr("interrupted"), "paused": self.tr("paused")}
        status = str(s.get("status") or "")
        text = self.tr("{0} · {1} · {2} of {3} cases").format(
            s.get("name") or "", statuses.get(status, status), f"{int(s.get('n_done') or 0):,}", f"{int(s.get('n_cases') or 0):,}")
        self.title.setText(f"<b>{html.escape(text)}</b>")
        if s.get("error"):
            self.title.setText(self.title.text() + f'<br><span style="color:{tone_colour("error")}">{html.escape(str(s["error"]))}</span>')

    def set_summary(self, summary: dict[str, Any]) -> None:
        self.summary = summary
        self.chart.set_summary(summary)
        self.pairs.set_summary(summary)
        self.classification.set_summary(summary)
        self.matrix.set_summary(summary)
        self._show_parts()
        self.retranslate()

    def update_case(self, case: dict[str, Any]) -> None:
        """Show one more (or a redone) case while the experiment runs; the chart and the pairs
        change with the next ``set_summary``."""
        self.matrix.update_case(case)

    def _show_parts(self) -> None:
        self.pairs.setVisible(bool(self.pairs.pairs))
        self.classification.setVisible(self.classification.has_classification())
