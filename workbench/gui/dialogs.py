"""Small dialogs: the exact prompt the model receives (and the chat format that wrote it), and the
keyboard shortcuts."""

from __future__ import annotations

import re

from PySide6.QtGui import QAction, QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from workbench.gui.chat_format_picker import FormatTexts, needs_attention, notes_text
from workbench.gui.labels import counted
from workbench.prompts.chat_formats import ChatFormat

SPECIAL = re.compile(r"<\|[^|>\n]*\|>|</?s>|\[/?INST\]|<start_of_turn>|<end_of_turn>")


class SpecialTokenHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.style = QTextCharFormat()
        self.style.setForeground(QColor("#cf222e"))
        self.style.setFontWeight(700)

    def highlightBlock(self, text: str) -> None:
        for m in SPECIAL.finditer(text):
            self.setFormat(m.start(), m.end() - m.start(), self.style)


class ExactPromptDialog(QDialog):
    """The exact string sent to the model, special tokens in red, and the chat format that wrote
    it with its notes (``chat_format`` None: a completion, sent as typed)."""

    def __init__(
        self, prompt: str, n_tokens: int | None, chat_format: ChatFormat | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exact-prompt")
        self.setWindowTitle(self.tr("Exact prompt"))
        self.resize(760, 520)
        self.text = QPlainTextEdit(prompt)
        self.text.setReadOnly(True)
        self.text.setFont(QFont("monospace"))
        self.highlighter = SpecialTokenHighlighter(self.text.document())
        count = counted(n_tokens, self.tr("{0} token"), self.tr("{0} tokens")) if n_tokens is not None else self.tr("token count unavailable")
        self.summary = QLabel(self.tr("{0} characters · {1}. Special tokens are shown in red.").format(len(prompt), count))
        self.chat_format = QLabel(self._format_text(chat_format))
        self.chat_format.setObjectName("exact-prompt-format")
        self.chat_format.setWordWrap(True)
        if chat_format is not None and needs_attention(chat_format):
            self.chat_format.setStyleSheet("color: #9a6700;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.chat_format)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def _format_text(self, chat_format: ChatFormat | None) -> str:
        if chat_format is None:
            return self.tr("Completion: no chat format applies, the text is sent as typed.")
        text = self.tr("Written in the chat format: {0}.").format(FormatTexts().title(chat_format.name))
        notes = notes_text(chat_format.notes)
        return f"{text}\n{notes}" if notes else text


class ShortcutsDialog(QDialog):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = [(a.text().replace("&", ""), " / ".join(s.toString() for s in a.shortcuts())) for a in actions if a.shortcuts()]
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Shortcut")])
        for i, (name, keys) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(name))
            self.table.setItem(i, 1, QTableWidgetItem(keys))
        self.table.resizeColumnsToContents()
        self.table.verticalHeader().hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(420, 360)
