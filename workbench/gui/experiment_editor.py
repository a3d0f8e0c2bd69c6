"""The experiment editor: one definition (the YAML file ``workbench eval`` reads) in two views that
stay in step, a form for the common parts and the YAML text itself.

The form edits the definition as plain values (``yaml.safe_load``'s dict) and rewrites the YAML
from them; it only overwrites the fields that were edited, so keys it does not show (threshold, a
model's ctx) survive it. The YAML is checked with ``definition.parse`` a moment after each edit:
the definition only, the dataset and the templates are not opened here."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, QTableWidget,
    QTableWidgetItem, QTabWidget, QTextEdit, QVBoxLayout, QWidget,
)

from workbench.app.experiments import definition
from workbench.app.experiments.definition import Experiment
from workbench.errors import ExperimentFileError
from workbench.gui.qt_helpers import Retranslating
from workbench.gui.theme import set_tone, tone_colour
from workbench.prompts.assertions import TYPES

KEY_ORDER = ("name", "description", "prompts", "dataset", "models", "sampler", "repeats", "seed", "threshold",
             "assert", "classify")
ORIGINAL = Qt.ItemDataRole.UserRole  # a row's dict as loaded: what the form does not show survives
NUMBER_VALUES = ("numeric", "max-tokens", "max-latency")
STARTER: dict[str, Any] = {
    "name": "评论情感分类（示例）",
    "description": "第一个实验：一个内联提示词、三条评论、内置模型。",
    "prompts": [{"id": "review", "text": "判断这条评论的情感（正面、负面或中性）。\n评论：{{ review }}\n情感："}],
    "dataset": [{"review": "这家餐厅的菜很好吃，服务也很周到。", "label": "正面"},
                {"review": "等了一个小时才上菜，太让人失望了。", "label": "负面"},
                {"review": "价格一般，味道也一般。", "label": "中性"}],
    "models": ["default"],
    "sampler": {"temperature": 0, "max_tokens": 16},
    "assert": [{"type": "contains", "value": "{{ label }}"}],
    "classify": {"labels": ["正面", "负面", "中性"], "expected": "label"},
}


class _Dumper(yaml.SafeDumper):
    """Texts of several lines as ``|`` blocks, short lists of plain values on one line."""


_Dumper.add_representer(str, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", v, style="|" if "\n" in v else None))
_Dumper.add_representer(list, lambda d, v: d.represent_sequence(
    "tag:yaml.org,2002:seq", v, flow_style=0 < len(v) <= 10 and all(isinstance(i, (str, int, float)) for i in v)))


def dump(data: dict[str, Any]) -> str:
    """The definition as YAML, its keys in the README's order (unknown ones after)."""
    ordered = {k: data[k] for k in KEY_ORDER if k in data} | {k: v for k, v in data.items() if k not in KEY_ORDER}
    return yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace(",", "\\,")


def _split_escaped(text: str) -> list[str]:
    """Comma-separated stop strings, where ``\\n``, ``\\t``, ``\\,`` and ``\\\\`` stand for themselves."""
    parts, chars = [""], iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "\\")
            parts[-1] += {"n": "\n", "t": "\t"}.get(nxt, nxt)
        elif ch == ",":
            parts.append("")
        else:
            parts[-1] += ch
    return [p.strip(" ") for p in parts if p.strip(" ")]


def _shown(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _value(text: str, number: bool = False) -> Any:
    """A typed value: JSON (a list, an object, or a number when ``number``), else the text as written
    ("{{ label }}" is a template, not JSON; a wrong number is left for the schema to name)."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if not number or (isinstance(value, (int, float)) and not isinstance(value, bool)) else text


class _RowTable(QWidget):
    """A table of dicts (prompts or assertions) with Add and Remove under it; each row keeps the
    dict it was loaded from, and ``rows()`` writes the shown columns over a copy of it."""

    edited = Signal()

    def __init__(self, name: str, widths: list[int]) -> None:
        """``widths``: each column's width; 0 for the one that takes the room left."""
        super().__init__()
        self.table = QTableWidget(0, len(widths), objectName=name, minimumHeight=90, maximumHeight=112)
        self.table.verticalHeader().hide()
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
            if not width:
                self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(objectName=f"{name}-add")
        self.remove_button = QPushButton(objectName=f"{name}-remove")
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.add_button)
        self.buttons.addWidget(self.remove_button)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        self._filling = False
        self.add_button.clicked.connect(lambda: self.add({}))
        self.remove_button.clicked.connect(self.remove_current)
        self.table.itemChanged.connect(lambda _item: None if self._filling else self.edited.emit())

    def set_rows(self, rows: Any) -> None:
        self.table.setRowCount(0)
        for row in rows if isinstance(rows, list) else []:
            self.add(row if isinstance(row, dict) else {}, quiet=True)

    def add(self, value: dict[str, Any], quiet: bool = False) -> None:
        self._filling, row = True, self.table.rowCount()
        self.table.insertRow(row)
        for column in range(self.table.columnCount()):
            self.table.setItem(row, column, QTableWidgetItem())
        self.table.item(row, 0).setData(ORIGINAL, copy.deepcopy(value))
        self.fill(row, value)
        self._filling = False
        if not quiet:
            self.table.setCurrentCell(row, 0)
            self.edited.emit()

    def remove_current(self) -> None:
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())
            self.edited.emit()

    def combo(self, row: int, column: int, choices: list[tuple[str, str]], current: str) -> None:
        box = QComboBox()
        for text, data in choices:
            box.addItem(text, data)
        if box.findData(current) < 0:
            box.addItem(current, current)  # an unknown type stays what it is
        box.setCurrentIndex(box.findData(current))
        box.currentIndexChanged.connect(lambda _i: self.edited.emit())
        self.table.setCellWidget(row, column, box)

    def rows(self) -> list[dict[str, Any]]:
        return [self.read(row, copy.deepcopy(self.table.item(row, 0).data(ORIGINAL) or {}))
                for row in range(self.table.rowCount())]

    def cell(self, row: int, column: int) -> str:
        return self.table.item(row, column).text().strip()

    def fill(self, row: int, value: dict[str, Any]) -> None:  # pragma: no cover - each table has its own
        raise NotImplementedError

    def read(self, row: int, value: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError


class _PromptTable(_RowTable):
    """id | template or inline text | the ref or the text | variants | chat."""

    def fill(self, row: int, value: dict[str, Any]) -> None:
        kind = "text" if "text" in value or "template" not in value else "template"
        self.table.item(row, 0).setText(str(value.get("id", "")))
        self.combo(row, 1, [(self.tr("template"), "template"), (self.tr("inline text"), "text")], kind)
        self.table.item(row, 2).setText(str(value.get(kind) or ""))
        variants, item = value.get("variants") or [], self.table.item(row, 3)
        if all(isinstance(v, str) for v in variants):
            item.setText(", ".join(variants))
        else:  # inline variant objects: only the YAML can say them
            item.setText(self.tr("(edit in YAML)"))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        chat = self.table.item(row, 4)
        chat.setFlags((chat.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEditable)
        chat.setCheckState(Qt.CheckState.Checked if value.get("chat") else Qt.CheckState.Unchecked)

    def read(self, row: int, value: dict[str, Any]) -> dict[str, Any]:
        value["id"] = self.cell(row, 0)
        kind = self.table.cellWidget(row, 1).currentData()
        value.pop("text" if kind == "template" else "template", None)
        value[kind] = self.table.item(row, 2).text() if kind == "text" else self.cell(row, 2)
        if self.table.item(row, 3).flags() & Qt.ItemFlag.ItemIsEditable:
            variants = _split(self.cell(row, 3))
            value.update(variants=variants) if variants else value.pop("variants", None)
        if self.table.item(row, 4).checkState() == Qt.CheckState.Checked or "chat" in value:
            value["chat"] = self.table.item(row, 4).checkState() == Qt.CheckState.Checked
        return value

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self.tr("ID"), self.tr("Kind"), self.tr("Template or text"),
                                              self.tr("Variants"), self.tr("Chat")])
        for row in range(self.table.rowCount()):
            self.table.cellWidget(row, 1).setItemText(0, self.tr("template"))
            self.table.cellWidget(row, 1).setItemText(1, self.tr("inline text"))


class _AssertTable(_RowTable):
    """type | value (a list or an object as JSON) | weight."""

    def fill(self, row: int, value: dict[str, Any]) -> None:
        self.combo(row, 0, [(t, t) for t in TYPES], str(value.get("type", "contains")))
        self.table.item(row, 1).setText(_shown(value.get("value")))
        self.table.item(row, 2).setText(_shown(value.get("weight")))

    def read(self, row: int, value: dict[str, Any]) -> dict[str, Any]:
        kind = value["type"] = self.table.cellWidget(row, 0).currentData()
        shown, weight = self.cell(row, 1), self.cell(row, 2)
        if shown != _shown(value.get("value")):  # an untouched value keeps its type
            typed = shown[:1] in ("[", "{") or kind in NUMBER_VALUES
            value.update(value=_value(shown, kind in NUMBER_VALUES) if typed else shown) if shown else value.pop("value", None)
        if weight != _shown(value.get("weight")):
            value.update(weight=_value(weight, True)) if weight else value.pop("weight", None)
        return value

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self.tr("Type"), self.tr("Value"), self.tr("Weight")])


class ExperimentEditor(Retranslating, QWidget):
    """An experiment definition as a form and as YAML; ``changed`` on every edit, and
    ``validityChanged`` when the definition becomes valid or stops being so."""

    changed = Signal()
    validityChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experiment-editor")
        self.source, self.base = "", Path.cwd()
        self._data: dict[str, Any] = {}  # the definition the form shows; edits write over it
        self._loading = self._writing = self._form_stale = False
        self._valid: bool | None = None
        self._result: Experiment | ExperimentFileError | None = None
        self._inline_rows: int | None = None
        self.timer = QTimer(self, singleShot=True, interval=300)
        self.timer.timeout.connect(self.validate)
        self.yaml = QPlainTextEdit(objectName="experiment-yaml", lineWrapMode=QPlainTextEdit.LineWrapMode.NoWrap)
        self.yaml.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.status = QLabel(objectName="experiment-status", wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.go_to_line = QPushButton(objectName="experiment-go-to-line", visible=False)
        self.note = QLabel(objectName="experiment-form-note", wordWrap=True)
        set_tone(self.note, "muted")
        self.name, self.description = QLineEdit(objectName="experiment-name"), QLineEdit()
        self.prompts = _PromptTable("experiment-prompts", [80, 100, 0, 110, 40])
        self.library = QComboBox(objectName="experiment-library", visible=False)
        self.prompts.buttons.insertWidget(2, self.library)
        self.dataset, self.browse = QLineEdit(objectName="experiment-dataset"), QPushButton()
        self.models = QListWidget(objectName="experiment-models", maximumHeight=56)
        self.add_model, self.remove_model = QPushButton(), QPushButton()
        self.temperature = QDoubleSpinBox(objectName="experiment-temperature", maximum=2, singleStep=0.1)
        self.max_tokens = QSpinBox(objectName="experiment-max-tokens", minimum=1, maximum=32768)
        self.stop = QLineEdit(objectName="experiment-stop")
        self.repeats = QSpinBox(objectName="experiment-repeats", minimum=1, maximum=100)
        self.seed = QSpinBox(objectName="experiment-seed", maximum=2**31 - 1)
        self.assertions = _AssertTable("experiment-assert", [150, 0, 80])
        self.classify = QCheckBox(objectName="experiment-classify")
        self.labels, self.expected = QLineEdit(objectName="experiment-labels"), QLineEdit()
        # The plain fields: their path in the definition, and the value shown when it has none.
        self.fields: dict[tuple[str, ...], tuple[QWidget, Any]] = {
            ("name",): (self.name, ""), ("description",): (self.description, ""),
            ("sampler", "temperature"): (self.temperature, definition.DEFAULT_SAMPLER["temperature"]),
            ("sampler", "max_tokens"): (self.max_tokens, definition.DEFAULT_SAMPLER["max_tokens"]),
            ("sampler", "stop"): (self.stop, []), ("repeats",): (self.repeats, 1), ("seed",): (self.seed, 0),
        }
        self.captions = {key: QLabel() for key in ("name", "description", "prompts", "dataset", "models", "sampler",
                                                   "runs", "assert", "classify", "temperature", "max_tokens", "stop",
                                                   "repeats", "seed", "labels", "expected")}
        self._build()
        self._connect()
        self.retranslate()
        self.new_definition()

    def _row(self, *parts: QWidget | str) -> QHBoxLayout:
        row = QHBoxLayout()
        for part in parts:
            row.addWidget(self.captions[part] if isinstance(part, str) else part, int(isinstance(part, QLineEdit)))
        return row

    def _build(self) -> None:
        form_box = QWidget()
        form, c = QFormLayout(form_box), self.captions
        form.addRow(self.note)
        form.addRow(c["name"], self.name)
        form.addRow(c["description"], self.description)
        form.addRow(c["prompts"], self.prompts)
        form.addRow(c["dataset"], self._row(self.dataset, self.browse))
        models, model_buttons = QHBoxLayout(), QVBoxLayout()
        models.addWidget(self.models, 1)
        models.addLayout(model_buttons)
        for widget in (self.add_model, self.remove_model):
            model_buttons.addWidget(widget)
        model_buttons.addStretch(1)
        form.addRow(c["models"], models)
        form.addRow(c["sampler"], self._row("temperature", self.temperature, "max_tokens", self.max_tokens,
                                            "stop", self.stop))
        runs = self._row("repeats", self.repeats, "seed", self.seed)
        runs.addStretch(1)
        form.addRow(c["runs"], runs)
        form.addRow(c["assert"], self.assertions)
        form.addRow(c["classify"], self._row(self.classify, "labels", self.labels, "expected", self.expected))
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(form_box)
        self.tabs = QTabWidget(objectName="experiment-tabs")
        self.tabs.addTab(scroll, "")
        self.tabs.addTab(self.yaml, "")
        status = QHBoxLayout()
        status.addWidget(self.status, 1)
        status.addWidget(self.go_to_line, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(status)

    def _connect(self) -> None:
        self.yaml.textChanged.connect(self._yaml_edited)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.go_to_line.clicked.connect(self.go_to_error)
        for path, (widget, _default) in self.fields.items():
            signal = widget.textEdited if isinstance(widget, QLineEdit) else widget.valueChanged
            signal.connect(lambda *_a, path=path: self._form_edited(path))
        for key, signal in (("dataset", self.dataset.textEdited), ("prompts", self.prompts.edited),
                            ("assert", self.assertions.edited), ("models", self.models.itemChanged),
                            ("classify", self.classify.toggled), ("classify", self.labels.textEdited),
                            ("classify", self.expected.textEdited)):
            signal.connect(lambda *_a, key=key: self._form_edited((key,)))
        self.classify.toggled.connect(lambda on: (self.labels.setEnabled(on), self.expected.setEnabled(on)))
        self.browse.clicked.connect(self._browse_dataset)
        self.add_model.clicked.connect(self._browse_models)
        self.remove_model.clicked.connect(self._remove_model)
        self.library.activated.connect(self._add_from_library)

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("Form"))
        self.tabs.setTabText(1, self.tr("YAML"))
        self.note.setText(self.tr("Editing here rewrites the YAML without its comments."))
        for key, text in (
            ("name", self.tr("Name")), ("description", self.tr("Description")), ("prompts", self.tr("Prompts")),
            ("dataset", self.tr("Dataset")), ("models", self.tr("Models")), ("sampler", self.tr("Sampler")),
            ("runs", self.tr("Runs")), ("assert", self.tr("Assertions")), ("classify", self.tr("Classify")),
            ("temperature", self.tr("Temperature")), ("max_tokens", self.tr("Max tokens")), ("stop", self.tr("Stop")),
            ("repeats", self.tr("Repeats")), ("seed", self.tr("Seed")), ("labels", self.tr("Labels")),
            ("expected", self.tr("Expected column")),
        ):
            self.captions[key].setText(text)
        self.name.setPlaceholderText(self.tr("the file's name"))
        self.stop.setPlaceholderText(self.tr("comma-separated; \\n is a new line"))
        self.labels.setPlaceholderText(self.tr("comma-separated"))
        self.classify.setText(self.tr("Enabled"))
        self.browse.setText(self.tr("Browse…"))
        self.add_model.setText(self.tr("Add…"))
        self.remove_model.setText(self.tr("Remove"))
        for table in (self.prompts, self.assertions):
            table.add_button.setText(self.tr("Add"))
            table.remove_button.setText(self.tr("Remove"))
            table.retranslate()
        if self.library.count():
            self.library.setItemText(0, self.tr("Add from library…"))
        if self._inline_rows is not None:
            n = self._inline_rows
            self.dataset.setText(self.tr("1 inline row (edit in YAML)") if n == 1
                                 else self.tr("{0} inline rows (edit in YAML)").format(n))
        self._show_result()

    # The API

    def set_text(self, text: str, source: str = "", base: Path | None = None) -> None:
        """Show a definition's text; ``source`` names it in messages, relative paths resolve from ``base``."""
        self.source, self.base = source, base or (Path(source).parent if source else Path.cwd())
        self._loading = True
        self.yaml.setPlainText(text)
        self._loading = False
        self.validate()
        if not self._load_form() and self.tabs.currentIndex() == 0:
            self.tabs.setCurrentIndex(1)

    def text(self) -> str:
        return self.yaml.toPlainText()

    def definition(self) -> dict[str, Any] | None:
        """The definition as plain values, or None when the text is not YAML of a mapping."""
        try:
            data = yaml.safe_load(self.text())
        except yaml.YAMLError:
            return None
        return data if isinstance(data, dict) else None

    def experiment(self) -> Experiment:
        """The definition checked now (raises ExperimentFileError)."""
        return definition.parse(self.text(), self.source, self.base)

    def is_valid(self) -> bool:
        if self.timer.isActive() or self._valid is None:
            self.validate()
        return bool(self._valid)

    def set_template_names(self, names: list[str]) -> None:
        """The library's templates (``NAME`` or ``NAME@LABEL``), offered by "Add from library…"."""
        self.library.clear()
        self.library.addItems([self.tr("Add from library…"), *names])
        self.library.setVisible(bool(names))

    def new_definition(self) -> None:
        """A small runnable starter: an inline prompt on three Chinese reviews, with the bundled model."""
        self.set_text(dump(STARTER))

    def go_to_error(self) -> None:
        """Show the YAML with the cursor on the line of the problem shown."""
        if isinstance(self._result, ExperimentFileError) and self._result.line:
            self.tabs.setCurrentIndex(1)
            self.yaml.setTextCursor(QTextCursor(self.yaml.document().findBlockByLineNumber(self._result.line - 1)))
            self.yaml.setFocus()

    def validate(self) -> bool:
        """Check the text now; shows the outcome and tells when the validity changes."""
        self.timer.stop()
        try:
            self._result = self.experiment()
        except ExperimentFileError as e:
            self._result = e
        self._show_result()
        valid = isinstance(self._result, Experiment)
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)
        return valid

    # Showing the outcome, and keeping the views in step

    def _show_result(self) -> None:
        result, selections = self._result, []
        if isinstance(result, Experiment):
            n, rows = len(result.columns()), result.dataset.rows
            columns = self.tr("1 column") if n == 1 else self.tr("{0} columns").format(n)
            if rows is None:
                where = self.tr("rows from {0}").format(result.dataset.path.name if result.dataset.path else "")
            else:
                where = self.tr("1 inline row") if len(rows) == 1 else self.tr("{0} inline rows").format(len(rows))
            self.status.setText(self.tr("Valid: {0} × {1}").format(columns, where))
            set_tone(self.status, "muted")
        elif isinstance(result, ExperimentFileError):
            line = result.line
            # A file's error names the file and line already; a definition typed here only its line.
            text = self.tr("Line {0}: {1}").format(line, result.reason) if line and not self.source else str(result)
            self.status.setText(text)
            set_tone(self.status, "error")
            if line:
                selection = QTextEdit.ExtraSelection()
                colour = QColor(tone_colour("error"))
                colour.setAlpha(60)  # a tint of the scheme's error colour: the text stays readable
                selection.format.setBackground(colour)
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                selection.cursor = QTextCursor(self.yaml.document().findBlockByLineNumber(line - 1))
                selections.append(selection)
                self.go_to_line.setText(self.tr("Go to line {0}").format(line))
        self.go_to_line.setVisible(bool(selections))
        self.yaml.setExtraSelections(selections)

    def _yaml_edited(self) -> None:
        self._form_stale = self._form_stale or not self._writing
        if not self._loading:
            self.timer.start()
            self.changed.emit()

    def _tab_changed(self, index: int) -> None:
        if index == 0 and self._form_stale and not self._load_form():
            self.validate()  # say why now, not in 300 ms
            self.tabs.setCurrentIndex(1)

    def _load_form(self) -> bool:
        data = self.definition()
        if data is None:
            return False
        self._data, self._form_stale, self._loading = data, False, True
        for path, (widget, default) in self.fields.items():
            outer = data.get(path[0])
            value = outer if len(path) == 1 else outer.get(path[1]) if isinstance(outer, dict) else None
            value = default if value is None else value
            if isinstance(widget, QLineEdit):
                stops = value if isinstance(value, list) else [value]
                widget.setText(", ".join(_escape(str(s)) for s in stops) if path[-1] == "stop" else _shown(value))
            else:  # a value the spin box cannot hold is shown as near as it can; it stays as written until edited
                value = type(default)(value) if isinstance(value, (int, float)) else default
                widget.setValue(max(widget.minimum(), min(widget.maximum(), value)))
        dataset, classify = data.get("dataset"), data.get("classify")
        classify = classify if isinstance(classify, dict) else None
        self._inline_rows = len(dataset) if isinstance(dataset, list) else None
        self.dataset.setReadOnly(self._inline_rows is not None)
        self.dataset.setText(_shown(dataset.get("path") if isinstance(dataset, dict) else dataset))
        self.classify.setChecked(classify is not None)
        self.labels.setEnabled(classify is not None)
        self.expected.setEnabled(classify is not None)
        self.labels.setText(", ".join(str(label) for label in (classify or {}).get("labels") or []))
        self.expected.setText(_shown((classify or {}).get("expected")))
        self.models.clear()
        for model in data.get("models") or []:
            self._add_model(str(model.get("path", "")) if isinstance(model, dict) else str(model), model)
        self.prompts.set_rows(data.get("prompts"))
        self.assertions.set_rows(data.get("assert"))
        self._loading = False
        self.retranslate()  # the note on inline rows
        return True

    def _form_edited(self, path: tuple[str, ...]) -> None:
        if self._loading:
            return
        self._data = self._write(copy.deepcopy(self._data), path)
        self._writing = True
        self.yaml.setPlainText(dump(self._data))
        self._writing = False

    def _write(self, data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
        """``data`` with the form's field at ``path`` written over it (an emptied optional one removed)."""
        key = path[0]
        if path in self.fields:
            widget = self.fields[path][0]
            if isinstance(widget, QLineEdit):
                value = _split_escaped(widget.text()) if key == "sampler" else widget.text().strip()
            else:
                value = widget.value()
            if len(path) > 1 and not isinstance(data.get(key), dict):
                data[key] = {}
            where = data if len(path) == 1 else data[key]
            where.update({path[-1]: value}) if value not in ("", []) else where.pop(path[-1], None)
        elif key == "dataset":
            old, text = data.get("dataset"), self.dataset.text().strip()
            data["dataset"] = {**old, "path": text} if isinstance(old, dict) else text
        elif key in ("prompts", "assert"):
            rows = (self.prompts if key == "prompts" else self.assertions).rows()
            data.update({key: rows}) if rows or key == "prompts" else data.pop(key, None)
        elif key == "models":
            models = [self._model(self.models.item(i)) for i in range(self.models.count())]
            data.update(models=models) if models else data.pop("models", None)
        elif key == "classify" and not self.classify.isChecked():
            data.pop("classify", None)
        elif key == "classify":
            old = data["classify"] if isinstance(data.get("classify"), dict) else {}
            data["classify"] = {**old, "labels": _split(self.labels.text()), "expected": self.expected.text().strip()}
            if not data["classify"]["expected"]:
                del data["classify"]["expected"]
        return data

    @staticmethod
    def _model(item: QListWidgetItem) -> Any:
        original, path = item.data(ORIGINAL), item.text().strip()
        return {**original, "path": path} if isinstance(original, dict) else path

    def _add_model(self, text: str, original: Any) -> None:
        item = QListWidgetItem(text)
        item.setData(ORIGINAL, original)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)  # type "default" for the bundled model
        self.models.addItem(item)

    def _relative(self, path: str) -> str:
        try:
            return Path(path).relative_to(self.base).as_posix()
        except ValueError:
            return path

    def _browse_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the dataset"), str(self.base),
                                              self.tr("Datasets (*.csv *.jsonl *.ndjson)"))
        if path:
            self._inline_rows = None
            self.dataset.setReadOnly(False)
            self.dataset.setText(self._relative(path))
            self._form_edited(("dataset",))

    def _browse_models(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Choose models"), str(self.base),
                                                self.tr("GGUF models (*.gguf)"))
        for path in paths:
            self._add_model(self._relative(path), None)
        if paths:
            self._form_edited(("models",))

    def _remove_model(self) -> None:
        if self.models.currentRow() >= 0:
            self.models.takeItem(self.models.currentRow())
            self._form_edited(("models",))

    def _add_from_library(self, index: int) -> None:
        if index > 0:
            ref = self.library.itemText(index)
            self.prompts.add({"id": ref.split("@")[0], "template": ref})
        self.library.setCurrentIndex(0)
