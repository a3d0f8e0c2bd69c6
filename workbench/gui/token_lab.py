"""The tokenization lab: one text, cut by several tokenizers side by side.

Each lane shows the text with its tokens tinted (whitespace visible, special tokens dark,
half-characters underlined and grouped), with counts, characters per token and bytes per token.
Hovering shows id, text, bytes and offsets; selecting text selects its tokens in the table and
selecting tokens selects their text. A decoder turns pasted ids back into text and bytes.
Tokenizing runs on a worker thread, debounced, so typing never waits for it.
"""

from __future__ import annotations

import html
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QHelpEvent, QTextBlock, QTextCharFormat, QTextCursor, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from workbench.engine.client import EngineClient
from workbench.gui.error_text import user_message
from workbench.gui.bridge import EngineBridge
from workbench.errors import WorkbenchError
from workbench.tokens.tiktoken_encodings import TiktokenRegistry
from workbench.tokens.spans import Encoded, align
from workbench.tokens.tokenizers import ModelTokenizer, TiktokenTokenizer, Tokenization, Tokenizer, parse_ids, read_text_file, tokenize
from workbench.gui.labels import counted
from workbench.gui.qt_helpers import Retranslating, emit_safely
from workbench.gui.theme import current_scheme, set_tone, theme_controller

MAX_VIEW_CHARS = 300_000
DEBOUNCE_MS = 250
MODEL_KEY = "model"
# One display character per text character keeps offsets exact while making the invisible visible.
_CONTROL_PICTURES = {i: chr(0x2400 + i) for i in range(32) if chr(i) not in "\n\t"}
_CONTROL_PICTURES.update({0x7F: "\u2421", 0x2028: "\u2424", 0x2029: "\u00b6"})


def display_text(text: str) -> str:
    return text.translate(_CONTROL_PICTURES)


def utf16_offsets(text: str) -> np.ndarray:
    """offsets[i] = position of code point i in UTF-16 units (Qt's positions); len(text)+1 entries."""
    if not text:
        return np.zeros(1, dtype=np.int64)
    wide = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) > 0xFFFF
    return np.concatenate(([0], np.cumsum(1 + wide.astype(np.int64))))


@dataclass
class Lane:
    """A tokenizer's result and the widgets that show it."""

    key: str
    header: QLabel
    view: QPlainTextEdit
    colouring: TokenColouring
    result: Tokenization | None = None
    offsets: np.ndarray | None = None  # UTF-16 position of each character


class TokenColouring(QObject):
    """Tints token spans in a view, block by block as blocks come into sight.

    A syntax highlighter would format every block of a 100,000-character text up front; here
    only visible blocks get their formats (QTextLayout.setFormats), so a huge text costs no more
    than a screenful. A block longer than a few screens (a whole book pasted as one paragraph)
    gets formats only around what is in sight, renewed as the view scrolls past them.
    """

    LONG_BLOCK = 6000  # characters (UTF-16 units) beyond which a block is formatted in windows
    WINDOW_MARGIN = 3000  # formatted on each side of the visible part of such a block
    SCREENFUL = 4000  # the most characters taken to be in sight at once

    def __init__(self, view: QPlainTextEdit) -> None:
        super().__init__(view)
        self.view = view
        self._make_formats()
        theme_controller().changed.connect(self._on_theme_changed)
        # Formatted blocks: block number -> the formatted range of positions in the document.
        self.done: dict[int, tuple[int, int]] = {}
        self._formatting = False
        self.set_spans(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8), [])
        view.updateRequest.connect(lambda _rect, _dy: self.format_visible())
        view.document().contentsChange.connect(self._on_contents_change)

    def _make_formats(self) -> None:
        """The token tints of the current theme: each with its text colour, so text reads on it."""
        scheme = current_scheme()
        self.formats = []
        for colour in scheme.token_backgrounds:
            f = QTextCharFormat()
            f.setBackground(QColor(colour))
            f.setForeground(QColor(scheme.token_text))
            self.formats.append(f)
        self.special = QTextCharFormat()
        self.special.setBackground(QColor(scheme.special[0]))
        self.special.setForeground(QColor(scheme.special[1]))
        self.partial_formats = []
        for f in self.formats:
            p = QTextCharFormat(f)
            p.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            p.setUnderlineColor(QColor(scheme.partial_underline))
            self.partial_formats.append(p)
        self.dropped = QTextCharFormat()
        self.dropped.setBackground(QColor(scheme.dropped[0]))
        self.dropped.setForeground(QColor(scheme.dropped[1]))

    def _on_theme_changed(self, _scheme: str) -> None:
        self._make_formats()
        self.done.clear()
        self.format_visible()

    def _on_contents_change(self, _position: int, removed: int, added: int) -> None:
        if not self._formatting and (removed or added):
            self.done.clear()  # new text: every block must be formatted again

    def set_spans(self, starts: np.ndarray, ends: np.ndarray, kinds: np.ndarray, dropped: list[tuple[int, int]]) -> None:
        """Spans in UTF-16 positions; kinds: 0 plain, 1 special, 2 partial. Call before setting the text."""
        self.starts, self.ends, self.kinds, self.dropped_ranges = starts, ends, kinds, dropped
        self.done.clear()

    def format_visible(self) -> None:
        view = self.view
        block = view.firstVisibleBlock()
        top = view.blockBoundingGeometry(block).translated(view.contentOffset()).top()
        bottom = view.viewport().height()
        while block.isValid() and top <= bottom:
            lo, hi = block.position(), block.position() + block.length()
            seen = (lo, hi)
            if block.length() > self.LONG_BLOCK:
                seen = self._seen_part(block, top, bottom)
                lo = max(lo, seen[0] - self.WINDOW_MARGIN)
                hi = min(hi, seen[1] + self.WINDOW_MARGIN)
            done = self.done.get(block.blockNumber())
            if done is None or not (done[0] <= seen[0] and seen[1] <= done[1]):
                self.format_block(block, lo, hi)
            top += view.blockBoundingRect(block).height()
            block = block.next()

    @staticmethod
    def _seen_part(block: QTextBlock, top: float, bottom: float) -> tuple[int, int]:
        """Document positions of the lines of ``block`` (whose top is at ``top`` in the viewport)
        that fall within the viewport. A view not laid out yet (hidden, no width) has one endless
        line: then its first few thousand characters stand for what will be seen."""
        layout = block.layout()
        n = layout.lineCount()
        if n == 0:
            return block.position(), block.position() + TokenColouring.SCREENFUL
        lo_line, hi_line = 0, n - 1
        while lo_line < hi_line:  # first line whose bottom is below the viewport's top
            mid = (lo_line + hi_line) // 2
            line = layout.lineAt(mid)
            if top + line.y() + line.height() < 0:
                lo_line = mid + 1
            else:
                hi_line = mid
        first = lo_line
        lo_line, hi_line = first, n - 1
        while lo_line < hi_line:  # last line whose top is above the viewport's bottom
            mid = (lo_line + hi_line + 1) // 2
            if top + layout.lineAt(mid).y() > bottom:
                hi_line = mid - 1
            else:
                lo_line = mid
        last = layout.lineAt(lo_line)
        start = block.position() + layout.lineAt(first).textStart()
        return start, min(block.position() + last.textStart() + last.textLength(), start + TokenColouring.SCREENFUL)

    def format_block(self, block: QTextBlock, lo: int | None = None, hi: int | None = None) -> None:
        """Give the tokens within document positions [lo, hi) (default: the whole block) their formats."""
        lo = block.position() if lo is None else lo
        hi = block.position() + block.length() if hi is None else hi
        self.done[block.blockNumber()] = (lo, hi)
        base = block.position()
        first = int(np.searchsorted(self.ends, lo, side="right"))
        last = int(np.searchsorted(self.starts, hi, side="left"))
        ranges = []
        for i in range(first, last):
            a, b = max(int(self.starts[i]), lo), min(int(self.ends[i]), hi)
            if b > a:
                kind = int(self.kinds[i])
                fmt = self.special if kind == 1 else (self.partial_formats if kind == 2 else self.formats)[i % len(self.formats)]
                ranges.append(_format_range(a - base, b - a, fmt))
        for a, b in self.dropped_ranges:
            if a < hi and b > lo:
                ranges.append(_format_range(max(a, lo) - base, min(b, hi) - max(a, lo), self.dropped))
        self._formatting = True
        try:
            block.layout().setFormats(ranges)
            self.view.document().markContentsDirty(block.position(), block.length())
        finally:
            self._formatting = False


def _format_range(start: int, length: int, fmt: QTextCharFormat) -> QTextLayout.FormatRange:
    r = QTextLayout.FormatRange()
    r.start, r.length, r.format = start, length, fmt
    return r


class TokenTableModel(QAbstractTableModel):
    COLUMNS = ("#", "id", "text", "bytes", "start", "end", "flags")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.result: Tokenization | None = None
        self.headers = list(self.COLUMNS)  # the panel sets them in its language
        self.flag_names = {"special": "special", "partial": "partial"}

    def set_result(self, result: Tokenization | None) -> None:
        self.beginResetModel()
        self.result = result
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.result is None else self.result.count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or self.result is None:
            return None
        span = self.result.arrays.span(index.row())
        col = index.column()
        if col == 0:
            return index.row()
        if col == 1:
            return span.id
        if col == 2:
            return display_text(span.text).replace(" ", "\u2423").replace("\n", "\u21b5").replace("\t", "\u2192")
        if col == 3:
            return span.bytes.hex(" ")
        if col == 4:
            return span.start
        if col == 5:
            return span.end
        return " ".join(self.flag_names[flag] for flag, on in (("special", span.special), ("partial", span.partial)) if on)


class TokenLab(Retranslating, QWidget):
    """The tokens panel. The window's engine ``bridge`` supplies the model tokenizer (when a model
    is loaded); the model lane is tokenized only while the engine is idle, and waits for it
    otherwise."""

    resultsReady = Signal(int, list)  # request serial, [(key, Tokenization | None, error or "")]

    def __init__(self, bridge: EngineBridge | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("token-lab")
        self.bridge = bridge
        self._deferred = False  # a refresh that waits for the engine to be idle
        self.model_name = ""
        self.registry = TiktokenRegistry()
        self.serial = 0
        self.shown_serial = 0
        self.lanes: dict[str, Lane] = {}
        self._syncing = False
        self._tiktoken: dict[str, TiktokenTokenizer] = {}
        self._file_text = ""  # the text last read from a file, and what reading it found
        self._file_notes: list[str] = []

        self.input = QPlainTextEdit()
        self.input.setObjectName("token-input")
        self.chooser = QListWidget()
        self.chooser.setMaximumWidth(190)
        self.import_button = QPushButton()
        self.open_button = QPushButton()
        self.copy_button = QPushButton()
        self.whitespace = QCheckBox()
        self.whitespace.setChecked(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        set_tone(self.note, "warning")
        self.note.hide()
        self.lanes_box = QVBoxLayout()
        self.table_model = TokenTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for column, width in enumerate((48, 70, 120, 150, 60, 60, 110)):
            self.table.setColumnWidth(column, width)  # fixed: measuring 100k rows would stall
        self.current_key = ""
        self.decoder_input = QLineEdit()
        self.decoder_input.setObjectName("decoder-input")
        self.decoder_output = QPlainTextEdit()
        self.decoder_output.setReadOnly(True)
        self.decoder_output.setMaximumHeight(60)
        self.decode_button = QPushButton()

        left = QVBoxLayout()
        left.addWidget(self.chooser, 1)
        left.addWidget(self.import_button)
        left.addWidget(self.open_button)
        left.addWidget(self.copy_button)
        left.addWidget(self.whitespace)
        top = QHBoxLayout()
        top.addWidget(self.input, 1)
        top.addLayout(left)
        top_box = QWidget()
        top_box.setLayout(top)
        lanes_inner = QWidget()
        lanes_inner.setLayout(self.lanes_box)
        lanes_widget = QScrollArea()  # many lanes scroll instead of growing the window
        lanes_widget.setWidgetResizable(True)
        lanes_widget.setWidget(lanes_inner)
        self.input.setMinimumHeight(40)
        self.table.setMinimumHeight(60)
        self.chooser.setMinimumHeight(40)
        self.setMinimumSize(240, 200)
        decoder = QHBoxLayout()
        self.decoder_label = QLabel()
        decoder.addWidget(self.decoder_label)
        decoder.addWidget(self.decoder_input, 1)
        decoder.addWidget(self.decode_button)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.table, 1)
        bottom_layout.addLayout(decoder)
        bottom_layout.addWidget(self.decoder_output)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top_box)
        split.addWidget(lanes_widget)
        split.addWidget(bottom)
        split.setSizes([160, 300, 220])
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(split, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh)
        self.input.textChanged.connect(self.timer.start)
        self.chooser.itemChanged.connect(lambda _i: self.refresh())
        self.resultsReady.connect(self._show_results)
        if bridge is not None:
            bridge.busyChanged.connect(self._engine_idle)
        self.import_button.clicked.connect(self._ask_import)
        self.open_button.clicked.connect(self._ask_open)
        self.copy_button.clicked.connect(self.copy_ids)
        self.whitespace.toggled.connect(self._apply_whitespace)
        self.decode_button.clicked.connect(self.decode)
        self.decoder_input.returnPressed.connect(self.decode)
        self.table.selectionModel().selectionChanged.connect(self._table_selection_changed)
        self.retranslate()
        self.reload_tokenizers()

    # -- text -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.input.setPlaceholderText(self.tr("Type or paste text to see how each tokenizer cuts it."))
        self.import_button.setText(self.tr("Import .tiktoken…"))
        self.open_button.setText(self.tr("Open text file…"))
        self.copy_button.setText(self.tr("Copy ids"))
        self.whitespace.setText(self.tr("Show whitespace"))
        self.decoder_label.setText(self.tr("Decode ids:"))
        self.decoder_input.setPlaceholderText(self.tr("e.g. [9906, 1917]"))
        self.decode_button.setText(self.tr("Decode"))
        self.table_model.headers = ["#", self.tr("id"), self.tr("text"), self.tr("bytes"), self.tr("start"), self.tr("end"), self.tr("flags")]
        self.table_model.flag_names = {"special": self.tr("special"), "partial": self.tr("partial")}
        self.table_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.table_model.headers) - 1)
        model_item = self._item(MODEL_KEY)
        if model_item is not None:
            model_item.setText(self._model_label())
        for lane in self.lanes.values():
            self._update_header(lane)

    def _model_label(self) -> str:
        return self.tr("Model: {0}").format(self.model_name) if self.model_name else self.tr("Model (none loaded)")

    # -- tokenizers -----------------------------------------------------------------------

    def _item(self, key: str) -> QListWidgetItem | None:
        for i in range(self.chooser.count()):
            if self.chooser.item(i).data(Qt.ItemDataRole.UserRole) == key:
                return self.chooser.item(i)
        return None

    def reload_tokenizers(self) -> None:
        checked = {self.chooser.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.chooser.count())
                   if self.chooser.item(i).checkState() == Qt.CheckState.Checked} or {MODEL_KEY, "cl100k_base"}
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for key in [MODEL_KEY, *self.registry.available()]:
            item = QListWidgetItem(self._model_label() if key == MODEL_KEY else key)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked)
            self.chooser.addItem(item)
        self.chooser.blockSignals(False)

    def set_model(self, name: str) -> None:
        """The engine has a model (name) or none (''): the model lane follows."""
        self.model_name = name
        item = self._item(MODEL_KEY)
        if item is not None:
            item.setText(self._model_label())
        self.refresh()

    @property
    def client(self) -> EngineClient | None:
        """The engine client of the window's bridge (None without one)."""
        return self.bridge.client if self.bridge is not None else None

    def selected(self) -> list[str]:
        return [self.chooser.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.chooser.count())
                if self.chooser.item(i).checkState() == Qt.CheckState.Checked]

    def set_selected(self, keys: list[str]) -> None:
        self.chooser.blockSignals(True)
        for i in range(self.chooser.count()):
            item = self.chooser.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in keys else Qt.CheckState.Unchecked)
        self.chooser.blockSignals(False)
        self.refresh()

    def tokenizer(self, key: str) -> Tokenizer:
        if key == MODEL_KEY:
            client = self.client
            if not self.model_name or client is None or self.bridge is None or not self.bridge.has_model:
                raise WorkbenchError(self.tr("Model tokenizer unavailable: no model is loaded. tiktoken encodings still work."))
            return ModelTokenizer(client, self.model_name)
        if key not in self._tiktoken:  # kept: each one caches the bytes of the tokens it has seen
            self._tiktoken[key] = TiktokenTokenizer(self.registry.get(key), key)
        return self._tiktoken[key]

    # -- tokenizing -----------------------------------------------------------------------

    def text(self) -> tuple[str, str]:
        """(text to tokenize, note) — capped so a huge paste never freezes the view."""
        text = self.input.toPlainText()
        if len(text) > MAX_VIEW_CHARS:
            return text[:MAX_VIEW_CHARS], self.tr("The text has {0} characters; tokens are shown for the first {1}.").format(
                f"{len(text):,}", f"{MAX_VIEW_CHARS:,}")
        return text, ""

    def compute(self, text: str, keys: list[str]) -> list[tuple[str, Tokenization | None, str]]:
        """Tokenize with every chosen tokenizer at once: the model's runs in the engine process
        and tiktoken's in Rust, so they overlap."""

        def one(key: str) -> tuple[str, Tokenization | None, str]:
            if not text and key != MODEL_KEY and key not in self._tiktoken:
                # Nothing to cut yet: building an encoding (cl100k_base: ~0.2 s of Python, holding
                # the interpreter) would only compete with a generation the user just started.
                return key, Tokenization(key, "tiktoken", "", align("", Encoded([], [], []))), ""
            try:
                return key, tokenize(self.tokenizer(key), text), ""
            except WorkbenchError as e:
                return key, None, user_message(e)

        with ThreadPoolExecutor(max_workers=max(1, len(keys))) as pool:
            return list(pool.map(one, keys))

    def refresh(self) -> int:
        """Tokenize the current text with the chosen tokenizers on a worker thread."""
        self.timer.stop()
        self.serial += 1
        serial = self.serial
        text, note = self.text()
        notes = list(self._file_notes) if self.input.toPlainText() == self._file_text else []
        notes += [note] if note else []
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))
        keys = self.selected()
        deliver = lambda results: emit_safely(self, "resultsReady", serial, results)  # noqa: E731 - from a worker
        self._deferred = False
        if MODEL_KEY in keys and self.bridge is not None and self.bridge.has_model:
            if not self.bridge.read(lambda _client: self.compute(text, keys), deliver):
                self._deferred = True  # the engine is busy: tokenize when it is idle again
            return serial

        def job() -> None:
            deliver(self.compute(text, keys))

        threading.Thread(target=job, daemon=True, name="tokenize").start()
        return serial

    def _engine_idle(self, busy: bool) -> None:
        if not busy and self._deferred:
            self.refresh()

    def _show_results(self, serial: int, results: list[tuple[str, Tokenization | None, str]]) -> None:
        if serial != self.serial:
            return  # an older request; a newer one is on its way
        self.shown_serial = serial
        self.show_results(results)

    def show_results(self, results: list[tuple[str, Tokenization | None, str]]) -> None:
        keep = {key for key, _, _ in results}
        for key in list(self.lanes):
            if key not in keep:
                lane = self.lanes.pop(key)
                lane.header.deleteLater()
                lane.view.deleteLater()
        for index, (key, result, error) in enumerate(results):
            lane = self.lanes.get(key) or self._new_lane(key, index)
            lane.result = result
            if result is None:
                lane.colouring.set_spans(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8), [])
                lane.view.setPlainText("")
                lane.view.setPlaceholderText(error)
            else:
                self._fill(lane, result)
            self._update_header(lane, error)
        if self.current_key not in self.lanes or self.lanes[self.current_key].result is None:
            self.current_key = next((k for k, r, _ in results if r is not None), "")
        self.table_model.set_result(self.lanes[self.current_key].result if self.current_key else None)

    def _new_lane(self, key: str, index: int) -> Lane:
        header = QLabel()
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setObjectName(f"lane-{key}")
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        view.setFont(QFont("monospace"))
        view.setMinimumHeight(48)
        lane = Lane(key, header, view, TokenColouring(view))
        self.lanes[key] = lane
        self.lanes_box.insertWidget(min(index * 2, self.lanes_box.count()), header)
        self.lanes_box.insertWidget(min(index * 2 + 1, self.lanes_box.count()), view)
        view.viewport().installEventFilter(self)
        view.selectionChanged.connect(lambda k=key: self._view_selection_changed(k))
        self._apply_whitespace(self.whitespace.isChecked(), [lane])
        return lane

    def _fill(self, lane: Lane, result: Tokenization) -> None:
        offsets = utf16_offsets(result.text)
        a = result.arrays
        dropped = [(int(offsets[start]), int(offsets[end])) for start, end in result.dropped]
        lane.colouring.set_spans(offsets[a.starts], offsets[a.ends], a.kinds, dropped)
        lane.offsets = offsets
        lane.view.setPlainText(display_text(result.text))

    def _update_header(self, lane: Lane, error: str = "") -> None:
        label = self._model_label() if lane.key == MODEL_KEY else lane.key
        r = lane.result
        if r is None:
            lane.header.setText(f"<b>{html.escape(label)}</b> — {html.escape(error)}")
            return
        text = counted(r.count, self.tr("{0} token"), self.tr("{0} tokens")) + " · " + self.tr(
            "{0} chars/token · {1} bytes/token · {2} partial").format(f"{r.chars_per_token:.2f}", f"{r.bytes_per_token:.2f}", r.n_partial)
        if r.dropped:
            text += " · " + self.tr("{0} characters the vocabulary cannot represent (red)").format(sum(b - a for a, b in r.dropped))
        lane.header.setText(f"<b>{html.escape(label)}</b> — {html.escape(text)}")

    def _apply_whitespace(self, on: bool, lanes: list[Lane] | None = None) -> None:
        for lane in self.lanes.values() if lanes is None else lanes:
            option = lane.view.document().defaultTextOption()
            flags = QTextOption.Flag.ShowTabsAndSpaces | QTextOption.Flag.ShowLineAndParagraphSeparators
            option.setFlags(option.flags() | flags if on else option.flags() & ~flags)
            lane.view.document().setDefaultTextOption(option)

    # -- hover and selection --------------------------------------------------------------

    def tokens_at(self, key: str, char: int) -> list[int]:
        """Indices of the tokens covering character ``char`` (several for a split character)."""
        lane = self.lanes.get(key)
        if lane is None or lane.result is None:
            return []
        a = lane.result.arrays
        i = int(np.searchsorted(a.starts, char, side="right")) - 1
        out = []
        while i >= 0 and a.ends[i] > char:
            out.insert(0, i)
            i -= 1
        j = len(out) and out[-1] + 1
        while j < len(a) and a.starts[j] <= char < a.ends[j]:
            out.append(j)
            j += 1
        return out

    def tooltip_html(self, key: str, char: int) -> str:
        lane = self.lanes[key]
        assert lane.result is not None
        rows = []
        indices = self.tokens_at(key, char)
        a = lane.result.arrays
        for i in indices:
            s = a.span(i)
            flags = " · ".join(self.table_model.flag_names[f] for f, on in (("special", s.special), ("partial", s.partial)) if on)
            rows.append(
                f"<tr><td>#{i}</td><td><b>{s.id}</b></td><td>{html.escape(repr(s.text))}</td>"
                f"<td>{s.bytes.hex(' ')}</td><td>[{s.start}, {s.end})</td><td>{flags}</td></tr>"
            )
        head = ""
        if len(indices) > 1 and a.partial[indices].any():
            whole = lane.result.text[a.starts[indices[0]] : a.ends[indices[-1]]]
            head = self.tr("{0} tokens share {1}").format(len(indices), html.escape(repr(whole))) + "<br>"
        return head + "<table>" + "".join(rows) + "</table>"

    def _char_at(self, key: str, utf16_pos: int) -> int:
        offsets = self.lanes[key].offsets
        if offsets is None:
            return utf16_pos
        return int(np.searchsorted(offsets, utf16_pos, side="right")) - 1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            for key, lane in self.lanes.items():
                if watched is lane.view.viewport() and lane.result is not None:
                    assert isinstance(event, QHelpEvent)
                    char = self._char_at(key, lane.view.cursorForPosition(event.pos()).position())
                    if self.tokens_at(key, char):
                        QToolTip.showText(event.globalPos(), self.tooltip_html(key, char), lane.view.viewport())
                    else:
                        QToolTip.hideText()
                    return True
        return super().eventFilter(watched, event)

    def _view_selection_changed(self, key: str) -> None:
        lane = self.lanes.get(key)
        if lane is None or lane.result is None:
            return
        cursor = lane.view.textCursor()
        if not cursor.hasSelection():
            return
        a = self._char_at(key, cursor.selectionStart())
        b = self._char_at(key, cursor.selectionEnd())
        self.select_tokens_for_text(key, a, b)

    def select_tokens_for_text(self, key: str, start: int, end: int) -> list[int]:
        """Selecting characters [start, end) selects the tokens that overlap them in the table."""
        lane = self.lanes[key]
        assert lane.result is not None
        if key != self.current_key:
            self.current_key = key
            self.table_model.set_result(lane.result)
        rows = lane.result.arrays.overlapping(start, end).tolist()
        selection = self.table.selectionModel()
        self._syncing = True
        try:
            selection.clearSelection()
            for r in rows:
                selection.select(self.table_model.index(r, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
            if rows:
                self.table.scrollTo(self.table_model.index(rows[0], 0))
        finally:
            self._syncing = False
        return rows

    def _table_selection_changed(self) -> None:
        if self._syncing or not self.current_key:
            return
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if rows:
            self.select_text_for_tokens(self.current_key, rows)

    def select_text_for_tokens(self, key: str, rows: list[int]) -> tuple[int, int]:
        """Selecting tokens selects their characters in the lane. Returns the character range."""
        lane = self.lanes[key]
        assert lane.result is not None
        start = int(lane.result.arrays.starts[rows].min())
        end = int(lane.result.arrays.ends[rows].max())
        offsets = lane.offsets
        assert offsets is not None
        cursor = lane.view.textCursor()
        lane.view.blockSignals(True)
        cursor.setPosition(int(offsets[start]))
        cursor.setPosition(int(offsets[end]), QTextCursor.MoveMode.KeepAnchor)
        lane.view.setTextCursor(cursor)
        lane.view.blockSignals(False)
        lane.view.ensureCursorVisible()
        return start, end

    # -- actions --------------------------------------------------------------------------

    def ids(self, key: str | None = None) -> list[int]:
        lane = self.lanes.get(key or self.current_key)
        return list(lane.result.arrays.ids) if lane and lane.result else []

    def copy_ids(self) -> str:
        text = json.dumps(self.ids())
        QGuiApplication.clipboard().setText(text)
        return text

    def decode(self) -> str:
        key = self.current_key or (self.selected() or ["cl100k_base"])[0]
        try:
            data = self.tokenizer(key).decode(parse_ids(self.decoder_input.text()))
        except WorkbenchError as e:
            self.decoder_output.setPlainText(user_message(e))
            return ""
        text = data.decode("utf-8", errors="replace")
        self.decoder_output.setPlainText(f"{key}: {text!r}\nbytes: {data.hex(' ')}")
        return text

    def load_text_file(self, path: str) -> None:
        with open(path, "rb") as f:
            data = f.read(16 * 1024 * 1024 + 1)
        text, notes = read_text_file(data)
        if len(data) > 16 * 1024 * 1024:
            notes.append(self.tr("Only the first 16 MB of the file were read."))
        self._file_text, self._file_notes = text, notes
        self.input.setPlainText(text)

    def import_encoding(self, path: str) -> str:
        name = self.registry.import_file(path)
        self._tiktoken.pop(name, None)
        self.reload_tokenizers()
        return name

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import a .tiktoken file"), "", "tiktoken (*.tiktoken);;* (*)")
        if not path:
            return
        try:
            self.import_encoding(path)
        except WorkbenchError as e:
            QMessageBox.warning(self, self.tr("Import .tiktoken…"), user_message(e))

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open text file…"))
        if path:
            try:
                self.load_text_file(path)
            except OSError as e:
                QMessageBox.warning(self, self.tr("Open text file…"), user_message(e))
