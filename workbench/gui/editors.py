"""Prompt editors: completion (raw text the model continues) and chat (system prompt + messages)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.prompts.chat import ChatMessage
from workbench.gui.qt_helpers import Retranslating

ROLES = ("user", "assistant", "system")


class MessageRow(QWidget):
    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, role: str = "user", content: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = QComboBox()
        for key in ROLES:
            self.role.addItem(key, key)
        self.role.setCurrentIndex(max(0, self.role.findData(role)))
        self.text = QPlainTextEdit(content)
        self.text.setObjectName("message-text")
        self.text.setMinimumHeight(60)
        self.text.setMaximumHeight(140)
        self.remove = QToolButton()
        self.remove.setText("✕")
        side = QVBoxLayout()
        side.addWidget(self.role)
        side.addWidget(self.remove)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(side)
        layout.addWidget(self.text, 1)
        self.role.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.text.textChanged.connect(self.changed)
        self.remove.clicked.connect(lambda: self.removeRequested.emit(self))

    def role_key(self) -> str:
        return str(self.role.currentData())

    def retranslate_roles(self) -> None:
        names = {"user": self.tr("user"), "assistant": self.tr("assistant"), "system": self.tr("system")}
        for i in range(self.role.count()):
            self.role.setItemText(i, names[self.role.itemData(i)])

    def message(self) -> ChatMessage:
        return ChatMessage(self.role_key(), self.text.toPlainText())


class ChatEditor(Retranslating, QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.system_label = QLabel()
        self.system = QPlainTextEdit()
        self.system.setObjectName("system-prompt")
        self.system.setMaximumHeight(80)
        self.rows: list[MessageRow] = []
        self.rows_box = QVBoxLayout()
        self.rows_box.addStretch(1)
        holder = QWidget()
        holder.setLayout(self.rows_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.add_button = QPushButton()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.system_label)
        layout.addWidget(self.system)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.add_button)
        self.system.textChanged.connect(self.changed)
        self.add_button.clicked.connect(lambda: self.add_message("user" if not self.rows or self.rows[-1].role_key() != "user" else "assistant"))
        self.add_message("user")
        self.retranslate()

    def retranslate(self) -> None:
        self.system_label.setText(self.tr("System prompt (optional)"))
        self.system.setPlaceholderText(self.tr("How the assistant should behave, e.g. “Answer in one sentence.”"))
        self.add_button.setText(self.tr("Add message"))
        for row in self.rows:
            row.retranslate_roles()
            row.remove.setToolTip(self.tr("Remove this message"))
            row.text.setPlaceholderText(self.tr("Message text"))

    def add_message(self, role: str = "user", content: str = "") -> MessageRow:
        row = MessageRow(role, content)
        row.changed.connect(self.changed)
        row.removeRequested.connect(self.remove_message)
        self.rows.append(row)
        self.rows_box.insertWidget(self.rows_box.count() - 1, row)
        self.retranslate()
        row.text.setFocus()
        self.changed.emit()
        return row

    def remove_message(self, row: MessageRow) -> None:
        if row in self.rows:
            self.rows.remove(row)
            row.setParent(None)
            row.deleteLater()
            self.changed.emit()

    def messages(self) -> list[ChatMessage]:
        out = [ChatMessage("system", self.system.toPlainText())] if self.system.toPlainText().strip() else []
        return out + [r.message() for r in self.rows if r.message().content.strip()]

    def last_user_text(self) -> str:
        return next((r.text.toPlainText() for r in reversed(self.rows) if r.role_key() == "user"), "")


class PromptEditors(Retranslating, QTabWidget):
    """Completion and chat editors as two tabs; ``mode()`` says which one runs."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.completion = QPlainTextEdit()
        self.completion.setObjectName("prompt")
        self.chat = ChatEditor()
        self.addTab(self.chat, "")
        self.addTab(self.completion, "")
        self.completion.textChanged.connect(self.changed)
        self.chat.changed.connect(self.changed)
        self.currentChanged.connect(lambda _i: self.changed.emit())
        self.retranslate()

    def retranslate(self) -> None:
        self.setTabText(0, self.tr("Chat"))
        self.setTabText(1, self.tr("Completion"))
        self.completion.setPlaceholderText(self.tr("Raw text for the model to continue. Ctrl+Enter runs it."))

    def mode(self) -> str:
        return "chat" if self.currentWidget() is self.chat else "completion"

    def set_mode(self, mode: str) -> None:
        self.setCurrentWidget(self.chat if mode == "chat" else self.completion)

    def is_empty(self) -> bool:
        if self.mode() == "chat":
            return not any(m.content.strip() for m in self.chat.messages() if m.role != "system")
        return not self.completion.toPlainText().strip()
