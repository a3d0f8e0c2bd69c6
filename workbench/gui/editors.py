"""Prompt editors: completion (raw text the model continues) and chat (system prompt, the
conversation's messages, and a box to write the next one: Enter sends, Shift+Enter is a new line).

A chat is one conversation, with an id its runs are saved under; each reply is appended to it as
an assistant message, and every message stays editable and removable. ``state()``/``set_state()``
hold everything the editors show, for the session that comes back after a restart and for the
undo step kept when the Library or History replaces the editor.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.prompts.chat import ChatMessage
from workbench.gui.prompt_text import PromptTextEdit
from workbench.gui.qt_helpers import Retranslating

ROLES = ("user", "assistant", "system")


def new_conversation_id() -> str:
    return uuid.uuid4().hex


class MessageRow(QWidget):
    """One message of a chat: its role and its text, both editable, and a button to remove it."""

    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, role: str = "user", content: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = QComboBox()
        for key in ROLES:
            self.role.addItem(key, key)
        self.role.setCurrentIndex(max(0, self.role.findData(role)))
        self.text = PromptTextEdit(content)  # a huge pasted message must not slow typing down
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


class Composer(PromptTextEdit):
    """The box for the next message: Enter sends it, Shift+Enter starts a new line."""

    sendRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if enter and modifiers == Qt.KeyboardModifier.NoModifier:
            self.sendRequested.emit()
            return
        if enter and modifiers == Qt.KeyboardModifier.ShiftModifier:  # a plain Enter for the editor: a new line
            event = QKeyEvent(event.type(), event.key(), Qt.KeyboardModifier.NoModifier, event.text())
        super().keyPressEvent(event)  # Ctrl+Enter reaches the window's Run


class ChatEditor(Retranslating, QWidget):
    """A conversation: system prompt, messages, and the composer for the next user message."""

    changed = Signal()
    sendRequested = Signal()  # Enter in the composer (or its Send button)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conversation_id = new_conversation_id()
        self.system_label = QLabel()
        self.system = PromptTextEdit()
        self.system.setObjectName("system-prompt")
        self.system.setMaximumHeight(56)  # the conversation below is what needs the room
        self.rows: list[MessageRow] = []
        self.rows_box = QVBoxLayout()
        self.rows_box.addStretch(1)
        holder = QWidget()
        holder.setLayout(self.rows_box)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(holder)
        self._follow_end = False  # a message was added: show the end once the layout has grown
        self.scroll.verticalScrollBar().rangeChanged.connect(self._range_changed)
        self.add_button = QPushButton()
        self.add_button.setObjectName("add-message")
        self.composer = Composer()
        self.composer.setObjectName("composer")
        self.composer.setMaximumHeight(64)
        self.send_button = QPushButton()
        self.send_button.setObjectName("send")
        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        compose_row = QHBoxLayout()
        compose_row.addWidget(self.composer, 1)
        compose_row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.system_label)
        layout.addWidget(self.system)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(compose_row)
        self.system.textChanged.connect(self.changed)
        self.composer.textChanged.connect(self.changed)
        self.composer.sendRequested.connect(self.sendRequested)
        self.send_button.clicked.connect(self.sendRequested)
        self.add_button.clicked.connect(lambda: self.add_message("user" if not self.rows or self.rows[-1].role_key() != "user" else "assistant"))
        self.add_message("user")
        self.retranslate()

    def retranslate(self) -> None:
        self.system_label.setText(self.tr("System prompt (optional)"))
        self.system.setPlaceholderText(self.tr("How the assistant should behave, e.g. “Answer in one sentence.”"))
        self.add_button.setText(self.tr("Add message"))
        self.add_button.setToolTip(self.tr("Add an empty message to build a conversation by hand"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setToolTip(self.tr("Add this message to the chat and run it (Enter)"))
        self.composer.setPlaceholderText(self.tr("Next message · Enter sends, Shift+Enter starts a new line"))
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
        self._follow_end = True
        return row

    def _range_changed(self, _low: int, high: int) -> None:
        if self._follow_end:
            self._follow_end = False
            self.scroll.verticalScrollBar().setValue(high)

    def remove_message(self, row: MessageRow) -> None:
        if row in self.rows:
            self.rows.remove(row)
            row.setParent(None)
            row.deleteLater()
            self.changed.emit()

    def messages(self) -> list[ChatMessage]:
        system = self.system.toPlainText()
        out = [ChatMessage("system", system)] if system.strip() else []
        return out + [m for m in (r.message() for r in self.rows) if m.content.strip()]

    def last_user_text(self) -> str:
        return next((r.text.toPlainText() for r in reversed(self.rows) if r.role_key() == "user"), "")

    def take_draft(self) -> bool:
        """Move the composer's text into the chat as the next user message (False: it is empty).
        An empty last user message (the one a new chat starts with) takes it in place."""
        text = self.composer.toPlainText()
        if not text.strip():
            return False
        last = self.rows[-1] if self.rows else None
        if last is not None and last.role_key() == "user" and not last.text.toPlainText().strip():
            last.text.setPlainText(text)
        else:
            self.add_message("user", text)
        self.composer.clear()
        return True

    def set_messages(self, messages: list[ChatMessage], conversation_id: str | None = None) -> None:
        """Show ``messages`` (a system message goes to the system prompt) as conversation
        ``conversation_id`` (None: a new one)."""
        self.conversation_id = conversation_id or new_conversation_id()
        self.system.setPlainText(next((m.content for m in messages if m.role == "system"), ""))
        for row in list(self.rows):
            self.remove_message(row)
        for m in messages:
            if m.role != "system":
                self.add_message(m.role, m.content)
        if not self.rows:
            self.add_message("user")

    def new_chat(self) -> None:
        """Start a new conversation: the messages go, the system prompt stays."""
        system = self.system.toPlainText()
        self.set_messages([ChatMessage("system", system)] if system else [])
        self.composer.clear()

    def state(self) -> dict[str, Any]:
        return {
            "conversation": self.conversation_id,
            "system": self.system.toPlainText(),
            "messages": [{"role": r.role_key(), "content": r.text.toPlainText()} for r in self.rows],
            "draft": self.composer.toPlainText(),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        messages = [ChatMessage(str(m.get("role", "user")), str(m.get("content", ""))) for m in state.get("messages", []) if isinstance(m, dict)]
        system = str(state.get("system", ""))
        self.set_messages(([ChatMessage("system", system)] if system else []) + [m for m in messages if m.role != "system"], state.get("conversation") or None)
        self.composer.setPlainText(str(state.get("draft", "")))


class PromptEditors(Retranslating, QTabWidget):
    """Completion and chat editors as two tabs; ``mode()`` says which one runs."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.completion = PromptTextEdit()  # stays quick with a huge pasted line
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
            return not any(m.content.strip() for m in self.chat.messages() if m.role != "system") and not self.chat.composer.toPlainText().strip()
        return not self.completion.toPlainText().strip()

    def state(self) -> dict[str, Any]:
        """Everything the editors hold, as plain data."""
        return {"mode": self.mode(), "completion": self.completion.toPlainText(), "chat": self.chat.state()}

    def set_state(self, state: dict[str, Any]) -> None:
        self.completion.setPlainText(str(state.get("completion", "")))
        chat = state.get("chat")
        if isinstance(chat, dict):
            self.chat.set_state(chat)
        self.set_mode(str(state.get("mode", self.mode())))

    def holds_work(self) -> bool:
        """Whether anything was typed in either editor (worth an undo step before replacing it)."""
        chat = self.chat.state()
        return bool(self.completion.toPlainText().strip() or chat["draft"].strip() or any(m["content"].strip() for m in chat["messages"]))
