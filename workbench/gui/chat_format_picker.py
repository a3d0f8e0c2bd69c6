"""The chat format of a model, as the window offers and names it: the picker of the model's load
settings (automatic, the file's own template, a built-in, or a Jinja template of the user's), and
the names and notes of a format in the interface language.

A choice applies when it is made (a custom template when the user applies it, after
``check_template``), is remembered for the model file in the settings, and is announced with
``chosen`` so the loaded model renders with it at once: a chat format is how prompts are written,
not how the model is loaded.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QStandardItemModel, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from workbench.app.model import ModelContext
from workbench.errors import TemplateError, WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.qt_helpers import Retranslating
from workbench.gui.settings import AppSettings
from workbench.messages import Notice
from workbench.models.info import ModelInfo
from workbench.prompts.chat_formats import BUILTIN, CUSTOM, GGUF, SERVER, ChatFormat, FormatChoice, check_template

AUTO = ""  # the combo's item data for "Automatic"
# Notes that say the format may well be wrong for the model: the status bar asks for attention.
ATTENTION_KEYS = frozenset({"chat_format.guessed", "chat_format.missing_markers"})
WARNING_STYLE = "color: #9a6700;"
ERROR_STYLE = "color: #b3261e;"


class JinjaHighlighter(QSyntaxHighlighter):
    """Colours Jinja tags, expressions, strings and special tokens in a chat template."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)

        def fmt(colour: str, bold: bool = False) -> QTextCharFormat:
            f = QTextCharFormat()
            f.setForeground(QColor(colour))
            if bold:
                f.setFontWeight(700)
            return f

        self.rules = [
            (re.compile(r"\{%-?.*?-?%\}"), fmt("#1f6feb", bold=True)),
            (re.compile(r"\{\{-?.*?-?\}\}"), fmt("#8250df")),
            (re.compile(r"'[^']*'|\"[^\"]*\""), fmt("#0a7f3f")),
            (re.compile(r"<\|[^|>]*\|>|</?s>|\[/?INST\]"), fmt("#cf222e", bold=True)),
            (re.compile(r"\{#.*?#\}"), fmt("#6e7781")),
        ]

    def highlightBlock(self, text: str) -> None:
        for pattern, style in self.rules:
            for m in pattern.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), style)


class FormatTexts(QObject):
    """A chat format's name and notes in the interface language."""

    def title(self, name: str) -> str:
        """The name a person reads: a built-in's title (a proper name), or what the template is."""
        if name in BUILTIN:
            return BUILTIN[name].title
        if name == SERVER:
            return self.tr("the server's own template")
        return self.tr("the model's own template") if name == GGUF else self.tr("custom template")

    def automatic(self, chat: ChatFormat) -> str:
        """The "Automatic" item: what automatic gives for this file."""
        keys = {n.key for n in chat.notes}
        if chat.name == GGUF:
            return self.tr("Automatic (the model's own template)")
        if chat.name == SERVER:
            return self.tr("Automatic (the server's own template)")
        if "chat_format.guessed" in keys:
            return self.tr("Automatic ({0}, a guess)").format(self.title(chat.name))
        return self.tr("Automatic ({0}, chosen from its architecture and vocabulary)").format(self.title(chat.name))


def notes_text(notes: tuple[Notice, ...]) -> str:
    """The notes of a format (or of a template's check), one a line, in the interface language."""
    return "\n".join(user_message(n) for n in notes)


def needs_attention(chat: ChatFormat) -> bool:
    """The format is a guess, or the model lacks its markers: replies may well come out wrong."""
    return any(n.key in ATTENTION_KEYS for n in chat.notes)


class ChatFormatPicker(Retranslating, QWidget):
    """The "Chat format" of a model's load settings."""

    chosen = Signal(str, object)  # model path, FormatChoice: applied and remembered

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.info: ModelInfo | None = None
        self.applied = FormatChoice()  # the choice in force for ``info``
        self._filling = False
        self.texts = FormatTexts(self)
        self.combo = QComboBox()
        self.combo.setObjectName("chat-format")
        for data in (AUTO, GGUF, *BUILTIN, CUSTOM):
            self.combo.addItem("", data)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("custom-template")
        self.editor.setFont(QFont("monospace"))
        self.editor.setMinimumHeight(120)
        self.highlighter = JinjaHighlighter(self.editor.document())
        self.apply_button = QPushButton()
        self.message = QLabel()
        self.message.setObjectName("chat-format-message")
        self.message.setWordWrap(True)
        self.message.hide()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.editor)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.combo.currentIndexChanged.connect(self._on_index)
        self.apply_button.clicked.connect(self.apply_custom)
        self._show_editor(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.apply_button.setText(self.tr("Use this template"))
        self.editor.setPlaceholderText(self.tr("A Jinja chat template: messages, add_generation_prompt, bos_token, eos_token"))
        self.combo.setToolTip(self.tr("How chat messages are written for this model; it applies at once, no reload needed"))
        self._fill_texts()

    def _fill_texts(self) -> None:
        auto = self.texts.automatic(self._context(FormatChoice()).chat_format) if self.info else self.tr("Automatic")
        for i in range(self.combo.count()):
            data = self.combo.itemData(i)
            if data == AUTO:
                text = auto
            elif data == GGUF:
                text = self.tr("The model's own template")
            elif data == CUSTOM:
                text = self.tr("Custom Jinja template…")
            else:
                text = BUILTIN[data].title
            self.combo.setItemText(i, text)

    # -- the model ------------------------------------------------------------------------

    def set_model(self, info: ModelInfo) -> None:
        """Show the choice remembered for ``info``'s file."""
        self.info = info
        self.applied = self.settings.chat_format_for(info.path)
        items = self.combo.model()
        assert isinstance(items, QStandardItemModel)
        items.item(self.combo.findData(GGUF)).setEnabled(info.chat_template is not None)
        self._fill_texts()
        self._show_choice(self.applied)
        self._say(self._context(self.applied))

    def _context(self, choice: FormatChoice) -> ModelContext:
        return ModelContext(self.info, None, choice)

    def _show_choice(self, choice: FormatChoice) -> None:
        data = CUSTOM if choice.template is not None else (choice.name or AUTO).lower()
        index = self.combo.findData(data)
        items = self.combo.model()
        assert isinstance(items, QStandardItemModel)
        if index < 0 or not items.item(index).isEnabled():  # a choice this file cannot take: automatic applies
            index, data = 0, AUTO
        self._filling = True
        self.combo.setCurrentIndex(index)
        self._filling = False
        self._prefill()
        self._show_editor(data == CUSTOM)

    def _prefill(self) -> None:
        """The editor starts from the custom template in force, else the file's own, else the
        template automatic would use."""
        if self.info is None:
            return
        template = self.applied.template or self.info.chat_template or self._context(FormatChoice()).chat_format.template
        self.editor.setPlainText(template)

    def _show_editor(self, shown: bool) -> None:
        self.editor.setVisible(shown)
        self.apply_button.setVisible(shown)

    # -- choosing -------------------------------------------------------------------------

    def _on_index(self, index: int) -> None:
        if self._filling or self.info is None:
            return
        data = self.combo.itemData(index)
        self._show_editor(data == CUSTOM)
        if data == CUSTOM:
            self.message.hide()  # applied with "Use this template"
            return
        self._apply(FormatChoice(name=data or None))

    @property
    def pending(self) -> bool:
        """A custom template is being written that is not in force yet."""
        return self.combo.currentData() == CUSTOM and self.editor.toPlainText() != self.applied.template

    def commit(self) -> bool:
        """Apply what the picker shows, if it is not in force yet (False: a template was refused)."""
        return self.apply_custom() if self.pending else True

    def apply_custom(self) -> bool:
        """Check the editor's template and use it; a template that does not compile is refused
        with its own message, and the choice in force stays."""
        text = self.editor.toPlainText()
        try:
            warnings = check_template(text)
        except TemplateError as e:
            current = self._context(self.applied)
            self._show_message(
                self.tr("This template is not used: {0} The chat format stays {1}.").format(user_message(e), self._title(current)),
                ERROR_STYLE,
            )
            return False
        return self._apply(FormatChoice(template=text), warnings)

    def _apply(self, choice: FormatChoice, warnings: tuple[Notice, ...] = ()) -> bool:
        assert self.info is not None
        context = self._context(choice)
        try:
            _ = context.chat_format  # a choice that cannot apply to this file raises here
        except WorkbenchError as e:
            self._show_message(user_message(e), ERROR_STYLE)
            self._show_choice(self.applied)
            return False
        self.applied = choice
        self.settings.remember_chat_format(self.info.path, choice)
        self._say(context, warnings)
        self.chosen.emit(self.info.path, choice)
        return True

    def _title(self, context: ModelContext) -> str:
        try:
            return self.texts.title(context.chat_format.name)
        except WorkbenchError:
            return self.texts.title(self._context(FormatChoice()).chat_format.name)

    def _say(self, context: ModelContext, warnings: tuple[Notice, ...] = ()) -> None:
        """What to know about the format in force: the template's warnings and the format's notes."""
        try:
            notes = (*warnings, *context.chat_format.notes)
        except WorkbenchError as e:  # a remembered choice this file cannot take
            self._show_message(user_message(e), ERROR_STYLE)
            return
        self._show_message(notes_text(notes), WARNING_STYLE if warnings or needs_attention(context.chat_format) else "")

    def _show_message(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.setVisible(bool(text))
