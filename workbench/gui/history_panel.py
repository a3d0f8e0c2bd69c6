"""The History panel: every saved run, searchable and filterable, with its details and actions.

The table pages through the database 200 rows at a time as it scrolls (a Qt model with
canFetchMore/fetchMore), so 100,000 runs open as fast as ten. Choosing a run shows its prompt,
output and settings; it can be starred, rated, annotated, deleted, shown in the output with its
token probabilities, run again, or compared with other runs.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.history_recorder import HistoryRecorder
from workbench.gui.labels import counted, labels
from workbench.gui.qt_helpers import Retranslating
from workbench.prompts.variants import KINDS
from workbench.store.run_records import STATUSES, RunFilter, RunSummary

PAGE = 200
COUNT_CAP = 10_000  # beyond this the panel says "10,000+": counting every match of a common word costs


class HistoryModel(QAbstractTableModel):
    COLUMNS = ("★", "when", "model", "mode", "status", "prompt", "output", "tokens", "tok/s", "rating")

    def __init__(self, recorder: HistoryRecorder, parent: Any = None) -> None:
        super().__init__(parent)
        self.recorder = recorder
        self.filter = RunFilter()
        self.rows: list[RunSummary] = []
        self.total = 0  # matching runs, counted up to COUNT_CAP + 1
        self.exhausted = True
        self.headers = list(self.COLUMNS)
        self.error = ""

    def refresh(self, f: RunFilter | None = None) -> None:
        """Query again from the top (new filter, or the database changed)."""
        if f is not None:
            self.filter = f
        self.beginResetModel()
        store = self.recorder.store
        self.error = ""
        try:
            self.rows = store.list(self.filter, limit=PAGE) if store else []
            self.total = store.count(self.filter, cap=COUNT_CAP + 1) if store else 0
        except WorkbenchError as e:
            self.rows, self.total, self.error = [], 0, user_message(e)
        self.exhausted = len(self.rows) < PAGE
        self.endResetModel()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        store = self.recorder.store
        if store is None or parent.isValid():
            return
        try:
            more = store.list(self.filter, limit=PAGE, after=self.rows[-1] if self.rows else None)
        except WorkbenchError as e:
            self.error = user_message(e)
            return
        self.exhausted = len(more) < PAGE
        if not more:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        run = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and col in (5, 6):
            return run.prompt if col == 5 else run.output
        if role == Qt.ItemDataRole.UserRole:
            return run.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            "★" if run.starred else "",
            f"{run.created_at:%Y-%m-%d %H:%M}",
            run.model,
            labels().mode(run.mode),
            labels().status(run.status),
            " ".join(run.prompt.split())[:80],
            " ".join(run.output.split())[:80],
            run.completion_tokens,
            f"{run.tokens_per_s:.1f}",
            "★" * (run.rating or 0),
        )[col]

    def run_id(self, row: int) -> int:
        return self.rows[row].id


class HistoryPanel(Retranslating, QWidget):
    showRequested = Signal(int)  # run id: show it in the output, tokens and all
    rerunRequested = Signal(int)
    compareRequested = Signal(list)  # run ids

    def __init__(self, recorder: HistoryRecorder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history-panel")
        self.recorder = recorder
        self.model = HistoryModel(recorder, self)
        self.search = QLineEdit()
        self.search.setObjectName("history-search")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.fontMetrics().averageCharWidth() * 22)  # the filters beside it give way first
        self.status = QComboBox()
        self.status.addItem("", "")
        for status in STATUSES:  # the stored value as data, its label as text
            self.status.addItem(status, status)
        self.variant = QComboBox()
        self.variant.setObjectName("history-variant")
        self.variant.addItems(["", *KINDS])
        self.model_filter = QComboBox()
        self.model_filter.setObjectName("history-model")
        self.model_filter.addItem("")
        self.model_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_filter.setMaximumWidth(self.fontMetrics().averageCharWidth() * 18)
        self.min_rating = QComboBox()
        self.min_rating.setObjectName("history-rating")
        self.min_rating.addItems(["", "★1+", "★2+", "★3+", "★4+", "★5"])
        self.starred = QCheckBox()
        self.count = QLabel()
        self.experiment: int | None = None  # only the runs of this experiment's cases
        self.experiment_chip = QPushButton()
        self.experiment_chip.setObjectName("history-experiment")
        self.experiment_chip.setFlat(True)
        self.experiment_chip.hide()
        self.experiment_chip.clicked.connect(lambda: self.set_experiment(None))
        self.table = QTableView()
        self.table.setObjectName("history-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(24)
        samples = ("★", "2026-11-23 05:26", "SmolLM2 135M Instr", "completion", "cancelled", "x" * 34, "x" * 34, "10000", "100.0")
        for column, sample in enumerate(samples):
            self.table.setColumnWidth(column, self.fontMetrics().horizontalAdvance(sample) + 16)
        self.detail = QTextBrowser()
        self.star = QPushButton()
        self.star.setCheckable(True)
        self.rating = QSpinBox()
        self.rating.setRange(0, 5)
        self.rating.setMinimumWidth(self.fontMetrics().averageCharWidth() * 8 + 30)
        self.note = QLineEdit()
        self.show_button = QPushButton()
        self.rerun_button = QPushButton()
        self.compare_button = QPushButton()
        self.delete_button = QPushButton()
        self.rating_label = QLabel()

        # Two rows: in one, the filters made the panel ~800 px wide, more than a small window spares.
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.starred)
        search_row.addWidget(self.count)
        filter_row = QHBoxLayout()
        for w in (self.status, self.model_filter, self.variant, self.min_rating):
            if isinstance(w, QComboBox):  # a long model name must not widen the panel
                w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                w.setMinimumContentsLength(6)
            filter_row.addWidget(w)
        filter_row.addWidget(self.experiment_chip)
        filter_row.addStretch(1)
        filters = QVBoxLayout()
        filters.addLayout(search_row)
        filters.addLayout(filter_row)
        actions = QHBoxLayout()
        for w in (self.star, self.rating_label, self.rating, self.note):
            actions.addWidget(w)
        buttons = QHBoxLayout()
        for w in (self.show_button, self.rerun_button, self.compare_button, self.delete_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(actions)
        lower_layout.addWidget(self.detail, 1)
        lower_layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(250)
        self.search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.variant.currentIndexChanged.connect(lambda _i: self.refresh())
        self.model_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.min_rating.currentIndexChanged.connect(lambda _i: self.refresh())
        self.starred.toggled.connect(lambda _on: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.star.toggled.connect(lambda on: self._annotate(starred=on))
        self.rating.valueChanged.connect(lambda v: self._annotate(rating=v))
        self.note.editingFinished.connect(lambda: self._annotate(note=self.note.text()))
        self.show_button.clicked.connect(lambda: self._emit_current(self.showRequested))
        self.rerun_button.clicked.connect(lambda: self._emit_current(self.rerunRequested))
        self.compare_button.clicked.connect(lambda: self.compareRequested.emit(self.selected_ids()))
        self.delete_button.clicked.connect(self._ask_delete)
        recorder.changed.connect(self.refresh)
        self._loading = False
        self.retranslate()
        if recorder.opened:  # otherwise the window opens it after its first paint, and `changed` refreshes
            self.refresh()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search prompts, outputs, notes, templates…"))
        self.status.setItemText(0, self.tr("Any status"))
        for i in range(1, self.status.count()):
            self.status.setItemText(i, labels().status(self.status.itemData(i)))
        self.variant.setItemText(0, self.tr("Any variant"))
        self.model_filter.setItemText(0, self.tr("Any model"))
        self.min_rating.setItemText(0, self.tr("Any rating"))
        self.starred.setText(self.tr("Starred"))
        self.model.headers = [
            "★", self.tr("When"), self.tr("Model"), self.tr("Mode"), self.tr("Status"), self.tr("Prompt"),
            self.tr("Output"), self.tr("Tokens"), self.tr("tok/s"), self.tr("Rating"),
        ]
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.model.headers) - 1)
        self.star.setText(self.tr("Star"))
        self.rating_label.setText(self.tr("Rating:"))
        self.rating.setSpecialValueText(self.tr("none"))
        self.note.setPlaceholderText(self.tr("Note (saved when you press Enter)"))
        self.show_button.setText(self.tr("Show in output"))
        self.rerun_button.setText(self.tr("Run again"))
        self.compare_button.setText(self.tr("Compare selected"))
        self.delete_button.setText(self.tr("Delete"))
        self._retranslate_chip()
        self._update_count()
        self._selection_changed()

    # -- list -----------------------------------------------------------------------------

    def current_filter(self) -> RunFilter:
        return RunFilter(
            query=self.search.text(),
            status=self.status.currentData() or "",
            variant=self.variant.currentText() if self.variant.currentIndex() > 0 else "",
            model=self.model_filter.currentText() if self.model_filter.currentIndex() > 0 else "",
            min_rating=self.min_rating.currentIndex(),
            starred=self.starred.isChecked(),
            experiment=self.experiment,
        )

    def set_experiment(self, experiment_id: int | None) -> None:
        """List only the runs of this experiment's cases (None: all runs again)."""
        self.experiment = experiment_id
        self.experiment_chip.setVisible(experiment_id is not None)
        self._retranslate_chip()
        self.refresh()

    def _retranslate_chip(self) -> None:
        if self.experiment is not None:
            self.experiment_chip.setText(self.tr("Experiment {0} ✕").format(self.experiment))
            self.experiment_chip.setToolTip(self.tr("Showing only this experiment's runs; click to show all runs"))

    def _fill_models(self) -> None:
        """The model filter lists the models in this history (kept choice, new names added)."""
        store = self.recorder.store
        try:
            names = store.model_names() if store is not None else []
        except WorkbenchError:
            return
        have = [self.model_filter.itemText(i) for i in range(1, self.model_filter.count())]
        if names != have:
            current = self.model_filter.currentText() if self.model_filter.currentIndex() > 0 else ""
            self.model_filter.blockSignals(True)
            while self.model_filter.count() > 1:
                self.model_filter.removeItem(1)
            self.model_filter.addItems(names)
            self.model_filter.setCurrentIndex(max(0, self.model_filter.findText(current)) if current else 0)
            self.model_filter.blockSignals(False)

    def refresh(self) -> None:
        self.search_timer.stop()
        self._fill_models()
        selected = set(self.selected_ids())
        f = self.current_filter()
        # The same filter: the database changed (a run saved or deleted). Keep the run at the top
        # of the view where it is, so a run saved while the user reads further down the list does
        # not send them back to the top. A new filter starts from the top.
        top = self.table.rowAt(0)
        anchor = self.model.run_id(top) if f == self.model.filter and top > 0 else None
        loaded = len(self.model.rows)
        self.model.refresh(f)
        for row, run in enumerate(self.model.rows):
            if run.id in selected:
                self.table.selectRow(row)
        if anchor is not None:
            while len(self.model.rows) < loaded + 1 and self.model.canFetchMore():
                self.model.fetchMore()
            row = next((i for i, run in enumerate(self.model.rows) if run.id == anchor), None)
            if row is not None:
                self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self._update_count()
        self._selection_changed()

    def _update_count(self) -> None:
        if not self.recorder.opened:
            self.count.setText(self.tr("Opening the history…"))
        elif self.recorder.store is None:
            self.count.setText(self.tr("History unavailable: {0}").format(self.recorder.error))
        elif self.model.error:
            self.count.setText(self.model.error)
        else:
            if self.model.total > COUNT_CAP:
                self.count.setText(self.tr("{0}+ runs").format(f"{COUNT_CAP:,}"))
            else:
                self.count.setText(counted(self.model.total, self.tr("{0} run"), self.tr("{0} runs")))

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.run_id(r) for r in rows if r < len(self.model.rows)]

    # -- one run --------------------------------------------------------------------------

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        one = len(ids) == 1
        for w in (self.star, self.rating, self.note, self.show_button, self.rerun_button):
            w.setEnabled(one)
        self.compare_button.setEnabled(len(ids) >= 2)
        self.delete_button.setEnabled(bool(ids))
        store = self.recorder.store if one else None
        if store is None:
            self.detail.clear()
            return
        try:
            row = store.get(ids[0])
        except WorkbenchError as e:
            self.detail.setPlainText(user_message(e))
            return
        self._loading = True
        self.star.setChecked(row.starred)
        self.rating.setValue(row.rating or 0)
        self.note.setText(row.note)
        self._loading = False
        self.detail.setHtml(self._describe(row))

    def _describe(self, row: Any) -> str:
        sampler = row.params.get("sampler", {})
        settings = ", ".join(f"{labels().setting(k)} {v}" for k, v in sampler.items() if v is not None)
        model = row.model.name if row.model else self.tr("unknown model")
        lines = [
            f"<b>{html.escape(model)}</b> · {html.escape(row.backend)} · {row.created_at:%Y-%m-%d %H:%M:%S} UTC · {html.escape(labels().status(row.status))}",
            html.escape(self.tr("sampler: {0}").format(settings)),
            html.escape(counted(row.prompt_tokens, self.tr("{0} prompt token"), self.tr("{0} prompt tokens")) + ", " + self.tr(
                "{0} generated at {1} tok/s · seed {2} · {3}").format(
                row.completion_tokens, f"{row.tokens_per_s:.1f}", row.seed, labels().finish(row.finish_reason) if row.finish_reason else "–")),
        ]
        if row.template:
            lines.append(html.escape(self.tr("template {0} · variant {1}").format(row.template, row.variant or "–")))
        elif row.variant:
            lines.append(html.escape(self.tr("variant {0}").format(row.variant)))
        details = row.details or {}
        if details.get("kind") == "self_consistency":
            votes = ", ".join(f"{v['answer']} ×{v['count']}" for v in details.get("votes", [])) or "–"
            lines.append(html.escape(self.tr("votes over {0} samples: {1} · no answer in {2}").format(
                len(details.get("samples", [])), votes, details.get("unanswered", 0))))
        elif details.get("kind") == "tree_of_thought":
            path = " → ".join(details.get("path", [])) or "–"
            lines.append(html.escape(self.tr("tree of thought: {0} steps explored; best path: {1}").format(
                len(details.get("nodes", [])) - 1, path)))
        if row.error:
            lines.append(f'<span style="color:#b3261e">{html.escape(row.error)}</span>')
        if row.branches:
            lines.append(html.escape(counted(len(row.branches.get("branches", [])), self.tr("{0} branch"), self.tr("{0} branches"))))
        pre = '<p style="white-space:pre-wrap; font-family:monospace">{0}</p>'
        body = (
            f"<h4>{html.escape(self.tr('Prompt'))}</h4>" + pre.format(html.escape(row.prompt))
            + f"<h4>{html.escape(self.tr('Output'))}</h4>" + pre.format(html.escape(row.output))
        )
        return "<br>".join(lines) + body

    def _annotate(self, **change: Any) -> None:
        ids = self.selected_ids()
        store = self.recorder.store
        if self._loading or len(ids) != 1 or store is None:
            return
        try:
            store.annotate(ids[0], **change)
        except WorkbenchError as e:
            QMessageBox.warning(self, self.tr("History"), user_message(e))
            return
        run = next((r for r in self.model.rows if r.id == ids[0]), None)
        if run is not None:  # show the change in place, without losing the scroll position
            run.starred = change.get("starred", run.starred)
            if "rating" in change:
                run.rating = change["rating"] or None
            row = self.model.rows.index(run)
            self.model.dataChanged.emit(self.model.index(row, 0), self.model.index(row, len(HistoryModel.COLUMNS) - 1))

    def _emit_current(self, signal: Any) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            signal.emit(ids[0])

    def confirm_delete(self, n: int) -> bool:
        """Ask before deleting (tests replace this)."""
        answer = QMessageBox.question(self, self.tr("Delete runs"), self.tr("Delete {0} run(s) from the history? This cannot be undone.").format(n))
        return answer == QMessageBox.StandardButton.Yes

    def _ask_delete(self) -> None:
        ids = self.selected_ids()
        store = self.recorder.store
        if not ids or store is None or not self.confirm_delete(len(ids)):
            return
        try:
            store.delete(ids)
        except WorkbenchError as e:
            QMessageBox.warning(self, self.tr("History"), user_message(e))
        self.refresh()
