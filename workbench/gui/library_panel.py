"""The Library panel: templates → versions → chain-of-thought variants, a form for the chosen
version's variables, and Run. Self-consistency and tree-of-thought results (votes with every
sample's tokens, the explored tree) are shown here until another run starts (``clear_result``);
single-pass variants run in the main editor like any prompt.

The panel only reads and renders; the window turns a choice into a run (it knows the model's chat
template) and saves it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.gui.qt_helpers import Retranslating
from workbench.gui.suites_menu import fill_suites_menu
from workbench.gui.template_editor import TemplateEditor
from workbench.gui.votes_view import VotesView
from workbench.prompts.templates import UndeclaredVariables, empty_variables
from workbench.prompts.variant_runner import VariantResult
from workbench.prompts.variants import KINDS
from workbench.store import template_files
from workbench.store.template_search import matches
from workbench.store.template_records import TemplateInfo, TemplateVersion

if TYPE_CHECKING:
    from workbench.store.templates import TemplateStore

ROLE = Qt.ItemDataRole.UserRole


@dataclass
class LibraryChoice:
    """What the user picked: a version, one of its variants (a name or a kind), the variable values."""

    version: TemplateVersion
    variant: str
    values: dict[str, str]


class LibraryPanel(Retranslating, QWidget):
    """The template library: choose a template, a version and a variant, fill in the variables,
    put the prompt in the editor or run it; a vote's or a search's result is shown below."""

    useRequested = Signal(object)  # LibraryChoice: put the rendered prompt in the editor
    runRequested = Signal(object)  # LibraryChoice: run it
    cancelRequested = Signal()
    suiteRequested = Signal(str)  # a built-in suite's file: run it in the Experiments panel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("library-panel")
        self.store: TemplateStore | None = None
        self.version: TemplateVersion | None = None
        self.filter = QLineEdit()
        self.filter.setObjectName("library-filter")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("library-tree")
        self.tree.setColumnCount(2)
        self.tree.setUniformRowHeights(True)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("library-description")
        self.form_box = QWidget()
        self.form = QFormLayout(self.form_box)
        self.fields: dict[str, QPlainTextEdit] = {}
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_box)
        self.variant_label = QLabel()
        self.variant_box = QComboBox()
        self.variant_box.setObjectName("variant")
        self.use_button = QPushButton()
        self.run_button = QPushButton()
        self.run_button.setObjectName("library-run")
        self.cancel_button = QPushButton()
        self.cancel_button.setEnabled(False)
        self.form_message = QLabel()
        self.form_message.setObjectName("library-form-message")
        self.form_message.setWordWrap(True)
        self.form_message.setStyleSheet("color: #b3261e;")
        self.form_message.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.summary = QLabel()
        self.summary.setObjectName("variant-summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.votes = VotesView()
        self.thoughts = QTreeWidget()
        self.thoughts.setObjectName("thoughts")
        self.thoughts.setColumnCount(3)
        self.thoughts.header().setStretchLastSection(False)
        self.thoughts.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.thoughts.setWordWrap(True)
        self.results = QStackedWidget()
        self.results.addWidget(QWidget())
        self.results.addWidget(self.votes)
        self.results.addWidget(self.thoughts)
        self.new_button = QPushButton()
        self.edit_button = QPushButton()
        self.more_button = QPushButton()
        self.more_menu = QMenu(self)
        self.duplicate_action = self.more_menu.addAction("", lambda: self._ask_name("duplicate"))
        self.rename_action = self.more_menu.addAction("", lambda: self._ask_name("rename"))
        self.label_action = self.more_menu.addAction("", self._ask_label)
        self.diff_action = self.more_menu.addAction("", self.show_diff)
        self.archive_action = self.more_menu.addAction("", self.archive)
        self.more_menu.addSeparator()
        self.import_action = self.more_menu.addAction("", self._ask_import)
        self.export_action = self.more_menu.addAction("", self._ask_export)
        self.more_menu.addSeparator()
        self.delete_action = self.more_menu.addAction("", self._ask_delete)
        self.more_button.setMenu(self.more_menu)
        self.suites_button = QPushButton()
        self.suites_button.setObjectName("library-suites")
        self.suites_menu = QMenu(self)
        self.suites_menu.aboutToShow.connect(self._fill_suites)
        self.suites_button.setMenu(self.suites_menu)
        self.show_archived = QCheckBox()
        self.show_archived.toggled.connect(lambda _on: self.refresh())
        self.infos: dict[str, TemplateInfo] = {}
        self.editor: TemplateEditor | None = None
        # What the summary line says, kept so that it can be said again in another language:
        # ("result", VariantResult), ("failure", message), ("imported", count) or None.
        self._shown: tuple[str, Any] | None = None
        self._typed: dict[str, dict[str, str]] = {}  # version ref -> the values typed in its form
        self._form_ref: str | None = None  # the version the form's fields belong to
        self._no_variables: QLabel | None = None

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.filter)
        top_layout.addWidget(self.tree, 1)
        files = QHBoxLayout()
        for w in (self.new_button, self.edit_button, self.more_button, self.suites_button):
            files.addWidget(w)
        files.addWidget(self.show_archived)
        top_layout.addLayout(files)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.description)
        middle_layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addWidget(self.variant_label)
        row.addWidget(self.variant_box, 1)
        middle_layout.addLayout(row)
        buttons = QHBoxLayout()
        for w in (self.use_button, self.run_button, self.cancel_button):
            buttons.addWidget(w)
        middle_layout.addLayout(buttons)
        middle_layout.addWidget(self.form_message)
        middle_layout.addWidget(self.progress)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.summary)
        bottom_layout.addWidget(self.results, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        for w in (top, middle, bottom):
            splitter.addWidget(w)
        splitter.setSizes([260, 260, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.filter.textChanged.connect(self._apply_filter)
        self.tree.currentItemChanged.connect(lambda item, _old: self._select(item))
        self.use_button.clicked.connect(lambda: self._emit(self.useRequested))
        self.run_button.clicked.connect(lambda: self._emit(self.runRequested))
        self.cancel_button.clicked.connect(self.cancelRequested)
        self.new_button.clicked.connect(lambda: self.open_editor(new=True))
        self.edit_button.clicked.connect(lambda: self.open_editor(new=False))
        self.tree.itemDoubleClicked.connect(lambda item, _col: self._emit(self.useRequested) if item.childCount() == 0 else None)
        self.retranslate()
        self._update_buttons()

    def _fill_suites(self) -> None:
        fill_suites_menu(self.suites_menu, self.suiteRequested.emit)

    def retranslate(self) -> None:
        self.filter.setPlaceholderText(self.tr("Filter by name, description or tag (English or Chinese)"))
        self.tree.setHeaderLabels([self.tr("Template"), self.tr("Details")])
        self.variant_label.setText(self.tr("Variant:"))
        self.use_button.setText(self.tr("Put in editor"))
        self.use_button.setToolTip(self.tr("Render the template with this variant into the prompt editor"))
        self.run_button.setText(self.tr("Run"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.new_button.setText(self.tr("New…"))
        self.edit_button.setText(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Write the next version of this template"))
        self.more_button.setText(self.tr("More"))
        self.suites_button.setText(self.tr("Suites"))
        self.suites_button.setToolTip(self.tr("Run a built-in experiment over its dataset (opens the Experiments panel)"))
        self.duplicate_action.setText(self.tr("Duplicate…"))
        self.rename_action.setText(self.tr("Rename…"))
        self.label_action.setText(self.tr("Label this version…"))
        self.diff_action.setText(self.tr("Changes from the previous version"))
        self.archive_action.setText(self.tr("Archive / restore"))
        self.import_action.setText(self.tr("Import…"))
        self.export_action.setText(self.tr("Export…"))
        self.delete_action.setText(self.tr("Delete"))
        self.show_archived.setText(self.tr("Archived"))
        self.thoughts.setHeaderLabels([self.tr("Step"), self.tr("Score"), self.tr("Kept")])
        if self.version is not None:
            self._show_variables_hints()
            self._fill_variants(self.version)
        if self._shown is not None and self._shown[0] == "result" and self._shown[1].details.get("kind") == "tree_of_thought":
            self._fill_thoughts(self._shown[1].details)  # its root and tooltips are words of ours
        self._say_summary()

    # -- the library ----------------------------------------------------------------------

    def set_store(self, store: TemplateStore | None) -> None:
        """Show this database's templates (a workspace's, the starter library imported into it)."""
        self.store = store
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        current = select or (self.version.name if self.version else None)
        self.tree.clear()
        self.version = None
        self._clear_form()
        if self.store is None:
            self._update_buttons()
            return
        try:
            catalogue = self.store.catalogue(include_archived=self.show_archived.isChecked())
            infos = [info for info, _ in catalogue]
            self.infos = {info.name: info for info in infos}
            versions = {info.name: found for info, found in catalogue}
        except WorkbenchError as e:
            self.description.setText(str(e))
            self._update_buttons()
            return
        chosen: QTreeWidgetItem | None = None
        for info in infos:
            archived = self.tr(" · archived") if info.archived else ""
            item = QTreeWidgetItem([info.name, f"{info.mode} · {', '.join(info.tags)}{archived}"])
            item.setData(0, ROLE, ("template", info.name))
            item.setToolTip(0, info.description)
            item.setData(1, ROLE, info.description)
            for version in reversed(versions[info.name]):
                labels = f" [{', '.join(version.labels)}]" if version.labels else ""
                child = QTreeWidgetItem([f"v{version.number}{labels}", version.note])
                child.setData(0, ROLE, ("version", version))
                for v in version.variants:
                    leaf = QTreeWidgetItem([str(v.get("name")), str(v.get("kind"))])
                    leaf.setData(0, ROLE, ("variant", version, str(v.get("name"))))
                    child.addChild(leaf)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            if info.name == current:
                chosen = item
        self.tree.resizeColumnToContents(0)
        if chosen is not None and select and not matches(self.infos[select], self.filter.text()):
            # A template just written, imported or renamed is shown even if the filter would hide it.
            self.filter.blockSignals(True)
            self.filter.clear()
            self.filter.blockSignals(False)
        self._apply_filter(self.filter.text())
        if chosen is not None and not chosen.isHidden():
            self.tree.setCurrentItem(chosen)
        self._update_buttons()

    def _apply_filter(self, text: str) -> None:
        """Hide the templates whose name, description and tags (in either language) lack a word of
        ``text``; a chosen template that is hidden is no longer chosen."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            data = item.data(0, ROLE)
            info = self.infos.get(data[1]) if data else None
            item.setHidden(info is not None and not matches(info, text))
        current = self.tree.currentItem()
        while current is not None and current.parent() is not None:
            current = current.parent()
        if current is not None and current.isHidden():
            self.tree.setCurrentItem(None)  # type: ignore[arg-type]
            self.tree.clearSelection()
            self._select(None)

    def select(self, name: str, variant: str | None = None) -> bool:
        """Select a template's newest version (and a variant); False if there is none by that name."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.text(0) == name:
                if item.isHidden():
                    self.filter.clear()  # asked for by name: shown, whatever the filter said
                self.tree.setCurrentItem(item)
                if variant is not None:
                    index = self.variant_box.findData(variant)
                    if index < 0:
                        return False
                    self.variant_box.setCurrentIndex(index)
                return True
        return False

    def _select(self, item: QTreeWidgetItem | None) -> None:
        data = item.data(0, ROLE) if item is not None else None
        if item is None or not data:
            # Nothing chosen (the list was cleared or filtered): no stale description, form or Edit.
            self._clear_form()
            self.version = None
            self._update_buttons()
            return
        version: TemplateVersion | None = None
        variant: str | None = None
        template_item = item
        if data[0] == "template":
            first = item.child(0) if item.childCount() else None  # the newest version
            version = first.data(0, ROLE)[1] if first is not None else None
        elif data[0] == "version":
            version, template_item = data[1], item.parent()
        elif data[0] == "variant":
            version, variant, template_item = data[1], data[2], item.parent().parent()
        if version is not None and (self.version is None or version.ref != self.version.ref):
            self._show_version(version)
        if template_item is not None:
            self.description.setText(template_item.data(1, ROLE) or "")
        if variant is not None:
            self.variant_box.setCurrentIndex(max(0, self.variant_box.findData(variant)))
        self._update_buttons()

    def _clear_form(self) -> None:
        if self._form_ref is not None and self.fields:
            # What was typed comes back when this version is chosen again (after a filter, say).
            self._typed[self._form_ref] = {name: edit.toPlainText() for name, edit in self.fields.items()}
        self._form_ref = None
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        self._no_variables = None
        self.variant_box.clear()
        self.description.clear()
        self.form_message.hide()

    def _show_version(self, version: TemplateVersion) -> None:
        self._clear_form()
        self.version = version
        self._form_ref = version.ref
        typed = self._typed.get(version.ref, {})
        for variable in version.variables:
            name = variable["name"]
            edit = QPlainTextEdit(typed.get(name, variable.get("default") or ""))
            edit.setObjectName(f"var-{name}")
            edit.setMaximumHeight(90)
            edit.setToolTip(variable.get("description", ""))
            self.fields[name] = edit
            self.form.addRow(name, edit)
        if not version.variables:
            self._no_variables = QLabel()
            self.form.addRow(self._no_variables)
        self._show_variables_hints()
        self._fill_variants(version)

    def _show_variables_hints(self) -> None:
        if self.version is None:
            return
        for variable in self.version.variables:
            edit = self.fields.get(variable["name"])
            if edit is not None:
                # Declared with an empty default: the template works without it.
                optional = variable.get("default") == ""
                edit.setPlaceholderText(self.tr("optional: may be left empty") if optional else self.tr("required"))
        if self._no_variables is not None:
            self._no_variables.setText(self.tr("This template has no variables."))

    def kind_label(self, kind: str) -> str:
        """A variant kind as the interface names it."""
        labels = {
            "direct": self.tr("direct"),
            "zero_shot_cot": self.tr("zero-shot CoT"),
            "few_shot_cot": self.tr("few-shot CoT"),
            "self_consistency": self.tr("self-consistency"),
            "tree_of_thought": self.tr("tree-of-thought"),
        }
        return labels.get(kind, kind)

    def _fill_variants(self, version: TemplateVersion) -> None:
        """The template as written, each declared variant once, then the kinds it declares no
        variant of (with their defaults)."""
        current = self.variant_box.currentData()
        self.variant_box.clear()
        self.variant_box.addItem(self.tr("as written (no variant)"), "")
        names = {str(v.get("name")) for v in version.variants}
        kinds = {str(v.get("kind")) for v in version.variants}
        for v in version.variants:
            name, kind = str(v.get("name")), str(v.get("kind"))
            label = self.kind_label(kind)
            shown = name if name.casefold() in (kind.casefold(), label.casefold()) else f"{name} · {label}"
            self.variant_box.addItem(shown, name)
            self.variant_box.setItemData(self.variant_box.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        for kind in KINDS:
            if kind not in kinds and kind not in names:
                self.variant_box.addItem(self.tr("{0} (defaults)").format(self.kind_label(kind)), kind)
        index = self.variant_box.findData(current)
        self.variant_box.setCurrentIndex(index if index >= 0 else (1 if version.variants else 0))

    def choice(self) -> LibraryChoice | None:
        if self.version is None:
            return None
        values = {name: edit.toPlainText() for name, edit in self.fields.items()}
        return LibraryChoice(self.version, self.variant_box.currentData() or "", values)

    def _emit(self, signal: Any) -> None:
        choice = self.choice()
        if choice is None:
            return
        empty = empty_variables(choice.version, choice.values)
        if empty:
            # Nothing is sent and nothing typed is touched: say which field wants a value.
            self.form_message.setText(self.tr("Fill in {0}: the template needs a value for it.").format(", ".join(empty)))
            self.form_message.show()
            self.fields[empty[0]].setFocus()
            return
        self.form_message.hide()
        signal.emit(choice)

    def _update_buttons(self) -> None:
        ready = self.version is not None and not self.cancel_button.isEnabled()
        for w in (self.use_button, self.run_button, self.variant_box):
            w.setEnabled(ready)
        chosen = self.version is not None and self.store is not None
        for action in (self.duplicate_action, self.rename_action, self.label_action, self.archive_action, self.delete_action):
            action.setEnabled(chosen)
        self.diff_action.setEnabled(chosen and self.version is not None and self.version.number > 1)
        self.edit_button.setEnabled(chosen)
        for w in (self.new_button, self.more_button):
            w.setEnabled(self.store is not None)

    # -- running --------------------------------------------------------------------------

    def set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        if running:
            self.clear_result()
            self.form_message.hide()
            self.progress.setRange(0, 0)
        self._say_summary()
        self._update_buttons()

    def show_progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total} · {what}")

    def clear_result(self) -> None:
        """Forget the last vote or search (the votes, the tree, its summary): another run has
        started, and they no longer describe the output."""
        self._shown = None
        self.votes.clear()
        self.thoughts.clear()
        self.results.setCurrentIndex(0)
        self._say_summary()

    def set_colour_mode(self, mode: str) -> None:
        """Tint a vote's samples as the output is tinted ('probability', 'rank' or 'entropy')."""
        self.votes.set_colour_mode(mode)

    def show_result(self, result: VariantResult) -> None:
        self.set_running(False)
        self._shown = ("result", result)
        details = result.details
        if details.get("kind") == "self_consistency":
            self.votes.show_vote(details)
            self.results.setCurrentWidget(self.votes)
        elif details.get("kind") == "tree_of_thought":
            self._fill_thoughts(details)
            self.results.setCurrentWidget(self.thoughts)
        else:
            self.results.setCurrentIndex(0)
        self._say_summary()

    def _say_summary(self) -> None:
        """The summary line for what is shown, in the interface's language."""
        if self.cancel_button.isEnabled():
            self.summary.setText(self.tr("Running…"))
            return
        what, value = self._shown or ("", None)
        if what == "failure":
            self.summary.setText(value)
        elif what == "imported":
            self.summary.setText(self.tr("Imported {0} template(s).").format(value))
        elif what == "result":
            self.summary.setText(self._result_summary(value))
        else:
            self.summary.clear()

    def _result_summary(self, result: VariantResult) -> str:
        details = result.details
        stopped = self.tr(" (stopped early)") if result.cancelled else ""
        if details.get("kind") == "self_consistency":
            votes = details["votes"]
            total = len(details["samples"])
            winner = details["winner"] if details["winner"] is not None else self.tr("no answer found")
            tie = self.tr(" (a tie)") if details.get("tie") else ""
            return self.tr("Majority answer: {0} · {1} of {2} samples agree · no answer in {3}").format(
                winner, votes[0]["count"] if votes else 0, total, details["unanswered"]) + tie + stopped
        if details.get("kind") == "tree_of_thought":
            answer = next((line for line in result.output.splitlines() if line.strip()), "")
            return self.tr("Answer from the best path: {0}").format(answer.strip()[:200]) + stopped
        return result.output.strip()[:200] + stopped

    def _fill_thoughts(self, details: dict[str, Any]) -> None:
        self.thoughts.clear()
        items: dict[int, QTreeWidgetItem] = {}
        on_path = set()
        node_id = details.get("best")
        nodes = {n["id"]: n for n in details["nodes"]}
        while node_id is not None:
            on_path.add(node_id)
            node_id = nodes[node_id]["parent"]
        for node in details["nodes"]:
            if node["parent"] is None:
                item = QTreeWidgetItem([self.tr("(the question)"), "", ""])
                self.thoughts.addTopLevelItem(item)
            else:
                score = node["score"]
                item = QTreeWidgetItem([node["step"], "" if score is None or math.isnan(score) else f"{score:.2f}",
                                        "✓" if node["kept"] else ""])
                item.setToolTip(0, node["step"])
                item.setToolTip(1, self.tr("P(yes) {0:.1%} · P(no) {1:.1%}").format(node.get("p_yes", 0.0), node.get("p_no", 0.0)))
                items[node["parent"]].addChild(item)
            if node["id"] in on_path:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            items[node["id"]] = item
        self.thoughts.expandAll()
        self.thoughts.resizeColumnToContents(1)

    def show_failure(self, message: str) -> None:
        self.set_running(False)
        self._shown = ("failure", message)
        self._say_summary()

    # -- files ----------------------------------------------------------------------------

    def import_file(self, path: str) -> list[str]:
        if self.store is None:
            return []
        names = self.store.import_(template_files.read(path))
        self.refresh(select=names[0] if names else None)
        return names

    def export_file(self, path: str) -> None:
        if self.store is not None:
            template_files.write(path, self.store.export())

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import templates"), "", self.tr("Templates (*.json *.yaml *.yml)"))
        if path:
            try:
                names = self.import_file(path)
            except UndeclaredVariables as e:
                QMessageBox.warning(self, self.tr("Import templates"), self.tr(
                    "The template {0} in this file uses {1} without declaring it: add it to the template's "
                    "variables in the file (- name: {2}).").format(e.template, ", ".join(e.names), e.names[0]))
                return
            except WorkbenchError as e:
                QMessageBox.warning(self, self.tr("Import templates"), str(e))
                return
            self._shown = ("imported", len(names))
            self._say_summary()

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export templates"), "templates.yaml", self.tr("YAML (*.yaml);;JSON (*.json)"))
        if path:
            try:
                self.export_file(path)
            except WorkbenchError as e:
                QMessageBox.warning(self, self.tr("Export templates"), str(e))

    # -- editing --------------------------------------------------------------------------

    def open_editor(self, new: bool) -> TemplateEditor | None:
        """The editor for a new template, or for the next version of the chosen one."""
        if self.store is None or (not new and self.version is None):
            return None
        info = None if new or self.version is None else self.infos.get(self.version.name)
        self.editor = TemplateEditor(
            self.store, None if new else self.version, info.description if info else "", info.tags if info else [], self,
        )
        self.editor.accepted.connect(lambda: self.refresh(select=self.editor.saved.name if self.editor and self.editor.saved else None))
        self.editor.open()
        return self.editor

    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        """Ask for a line of text (tests replace this)."""
        text, ok = QInputDialog.getText(self, title, label, text=default)
        return text.strip() if ok and text.strip() else None

    def _run_safely(self, title: str, action: Any) -> bool:
        try:
            action()
        except WorkbenchError as e:
            QMessageBox.warning(self, title, str(e))
            return False
        return True

    def _ask_name(self, what: str) -> None:
        if self.version is None or self.store is None:
            return
        store, name = self.store, self.version.name
        if what == "duplicate":
            new = self.ask_text(self.tr("Duplicate template"), self.tr("Name of the copy:"), f"{name} copy")
            if new and self._run_safely(self.tr("Duplicate template"), lambda: store.duplicate(name, new)):
                self.refresh(select=new)
        else:
            new = self.ask_text(self.tr("Rename template"), self.tr("New name:"), name)
            if new and new != name and self._run_safely(self.tr("Rename template"), lambda: store.rename(name, new)):
                self.refresh(select=new)

    def _ask_label(self) -> None:
        if self.version is None or self.store is None:
            return
        store, version = self.store, self.version
        label = self.ask_text(self.tr("Label this version"), self.tr("Label for {0} (e.g. production):").format(version.ref), "production")
        if label and self._run_safely(self.tr("Label this version"), lambda: store.label(version.name, label, str(version.number))):
            self.refresh(select=version.name)

    def show_diff(self) -> QDialog | None:
        """The chosen version against the one before it, as a unified diff (prompt texts,
        variables, worked examples and variants)."""
        if self.version is None or self.store is None or self.version.number < 2:
            return None
        version = self.version
        try:
            text = self.store.diff(version.name, str(version.number - 1), str(version.number))
        except WorkbenchError as e:
            QMessageBox.warning(self, self.tr("Changes"), str(e))
            return None
        dialog = QDialog(self)
        dialog.setObjectName("template-diff")
        dialog.setWindowTitle(self.tr("{0}: v{1} → v{2} ({3})").format(version.name, version.number - 1, version.number, version.note))
        view = QPlainTextEdit(text or self.tr("(no difference)"))
        view.setReadOnly(True)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        QVBoxLayout(dialog).addWidget(view)
        dialog.resize(720, 520)
        dialog.show()
        return dialog

    def archive(self) -> None:
        """Archive the chosen template (hidden unless "Archived" is ticked), or restore an archived one."""
        if self.version is None or self.store is None:
            return
        store, name = self.store, self.version.name
        info = self.infos.get(name)
        if self._run_safely(self.tr("Archive"), lambda: store.archive(name, not (info and info.archived))):
            self.refresh()

    def confirm_delete(self, name: str) -> bool:
        """Ask before deleting (tests replace this)."""
        answer = QMessageBox.question(
            self, self.tr("Delete template"),
            self.tr("Delete the template {0} with all its versions? Runs made from it keep their prompts.").format(name),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask_delete(self) -> None:
        if self.version is None or self.store is None or not self.confirm_delete(self.version.name):
            return
        try:
            self.store.delete(self.version.name)
        except WorkbenchError as e:
            QMessageBox.warning(self, self.tr("Delete template"), str(e))
        self.refresh()
