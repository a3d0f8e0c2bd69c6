"""Write a new template or the next version of one: prompt texts, and the variables, worked
examples and chain-of-thought variants as YAML (the same shape as a library file).

Saving goes through TemplateStore, which checks everything; a refusal is shown in the dialog and
nothing typed is lost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import BadInputError, WorkbenchError
from workbench.prompts.sandbox import used_variables
from workbench.prompts.templates import UndeclaredVariables
from workbench.store.template_records import MODES, TemplateVersion

if TYPE_CHECKING:
    from workbench.store.templates import TemplateStore

EXAMPLE_VARIANTS = """\
# - name: think
#   kind: zero_shot_cot        # direct, zero_shot_cot, few_shot_cot, self_consistency, tree_of_thought
# - name: vote
#   kind: self_consistency
#   samples: 5
#   extract: {rule: regex, pattern: "The answer is (.+)"}
"""


def _yaml(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100) if value else ""


def _parse_list(text: str, what: str) -> list[Any]:
    try:
        value = yaml.safe_load(text) if text.strip() else []
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise BadInputError(f"The {what} are not valid YAML{line}: {getattr(e, 'problem', e)}.") from None
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadInputError(f"The {what} should be a YAML list (lines starting with '- ').")
    return value


class TemplateEditor(QDialog):
    """``version`` None: a new template; else the next version of that template."""

    def __init__(self, store: TemplateStore, version: TemplateVersion | None = None, description: str = "",
                 tags: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("template-editor")
        self.store = store
        self.base = version
        self.saved: TemplateVersion | None = None
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.name = QLineEdit(version.name if version else "")
        self.name.setReadOnly(version is not None)
        self.description = QLineEdit(description)
        self.tags = QLineEdit(", ".join(tags or []))
        self.mode = QComboBox()
        self.mode.addItems(list(MODES))
        self.mode.setCurrentText(version.mode if version else "chat")
        self.system = QPlainTextEdit(version.system if version else "")
        self.body = QPlainTextEdit(version.body if version else "")
        self.body.setObjectName("template-body")
        self.variables = QPlainTextEdit(_yaml(version.variables) if version else "")
        self.examples = QPlainTextEdit(_yaml(version.examples) if version else "")
        self.variants = QPlainTextEdit(_yaml(version.variants) if version and version.variants else "")
        for edit in (self.variables, self.examples, self.variants):
            edit.setFont(mono)
        self.variants.setPlaceholderText(EXAMPLE_VARIANTS)
        self.declare = QPushButton(self.tr("Declare the variables the texts use"))
        self.declare.clicked.connect(self.declare_used_variables)
        self.note = QLineEdit()
        self.note.setObjectName("version-note")
        self.error = QLabel()
        self.error.setObjectName("editor-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()

        head = QFormLayout()
        head.addRow(self.tr("Name"), self.name)
        head.addRow(self.tr("Description"), self.description)
        head.addRow(self.tr("Tags"), self.tags)
        head.addRow(self.tr("Mode"), self.mode)
        prompt = QWidget()
        prompt_form = QFormLayout(prompt)
        prompt_form.addRow(self.tr("System prompt"), self.system)
        prompt_form.addRow(self.tr("Body (Jinja: {{ variable }})"), self.body)
        variables = QWidget()
        variables_layout = QVBoxLayout(variables)
        variables_layout.addWidget(QLabel(self.tr("- name: review\n  default: \"...\"   # leave out: the value is required\n  description: ...")))
        variables_layout.addWidget(self.variables, 1)
        variables_layout.addWidget(self.declare)
        tabs = QTabWidget()
        tabs.addTab(prompt, self.tr("Prompt"))
        tabs.addTab(variables, self.tr("Variables"))
        tabs.addTab(self.examples, self.tr("Worked examples"))
        tabs.addTab(self.variants, self.tr("Variants"))
        self.examples.setPlaceholderText("- input: ...\n  reasoning: ...\n  output: ...\n")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(tabs, 1)
        note_form = QFormLayout()
        note_form.addRow(self.tr("What changed"), self.note)
        layout.addLayout(note_form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setWindowTitle(self.tr("New template") if version is None else self.tr("New version of {0}").format(version.name))
        self.resize(760, 620)

    def declare_used_variables(self) -> list[str]:
        """Add a declaration for every variable the texts use and the list does not declare yet,
        without a default: a value is then required (write ``default: ""`` for one that may be empty)."""
        try:
            declared = _parse_list(self.variables.toPlainText(), "variables")
        except BadInputError as e:
            self.show_error(str(e))
            return []
        known = {str(v.get("name")) for v in declared if isinstance(v, dict)}
        added = [n for n in used_variables(self.system.toPlainText(), self.body.toPlainText()) if n not in known]
        if added:
            self.variables.setPlainText(_yaml(declared + [{"name": n, "description": ""} for n in added]))
        return added

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def save(self) -> bool:
        """Save (a new template, or a new version); on a refusal show why and keep the dialog open."""
        try:
            fields = {
                "system": self.system.toPlainText(),
                "body": self.body.toPlainText(),
                "variables": _parse_list(self.variables.toPlainText(), "variables"),
                "examples": _parse_list(self.examples.toPlainText(), "worked examples"),
                "variants": _parse_list(self.variants.toPlainText(), "variants"),
            }
            meta = {
                "description": self.description.text().strip(),
                "tags": [t.strip() for t in self.tags.text().split(",") if t.strip()],
                "mode": self.mode.currentText(),
            }
            if self.base is None:
                if not fields["body"].strip():
                    raise BadInputError(self.tr("Write the template's body first."))
                self.saved = self.store.add(self.name.text().strip(), note=self.note.text().strip() or "first version",
                                            **fields, **meta)
            else:
                self.saved = self.store.edit(self.base.name, self.note.text(), **fields, **meta)
        except UndeclaredVariables as e:
            # The store's message is worded for the command line (--var); here the fix is a tab away.
            if len(e.names) == 1:
                text = self.tr("The texts use {0} without declaring it: add it on the Variables tab, or click "
                               "“Declare the variables the texts use” there.")
            else:
                text = self.tr("The texts use {0} without declaring them: add them on the Variables tab, or click "
                               "“Declare the variables the texts use” there.")
            self.show_error(text.format(", ".join(e.names)))
            return False
        except WorkbenchError as e:
            self.show_error(str(e))
            return False
        self.accept()
        return True
