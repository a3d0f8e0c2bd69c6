"""A plain-text editor that stays quick with very long lines (a pasted book, a 200k-token prompt).

Qt lays out and paints a paragraph (a block) as a whole: with one line of 800 kB in a
QPlainTextEdit each keystroke costs 100–400 ms, even typing on another line while that one is in
view. Qt's own advice ("Handling Large Files" in its rich-text docs) is to break large paragraphs
into smaller ones. ``PromptTextEdit`` does that for display only: a line longer than
``LONG_LINE`` characters is shown as blocks of about ``CHUNK`` characters, each one after the
first marked with the ``SOFT_BREAK`` block property, and the text it gives back
(``toPlainText()``, copy, drag) has no newline there. The mark rides on the block's own format,
which Qt keeps with the break it stands for through edits and undo; only breaks the user makes
(Enter, pasting lines) take care not to inherit it, and Backspace or Delete at a soft break remove
the real character beyond it.

What is typed, pasted or set is the exact text that comes back; only the display differs (a long
line ends a little early where it was cut, and the cursor takes one more step across the cut).
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QKeyEvent, QTextBlock, QTextBlockFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QWidget

LONG_LINE = 4000  # a line longer than this is shown in pieces
CHUNK = 2000  # about this long each (laid out in well under a millisecond)
LOOKBACK = 200  # how far back from CHUNK a piece may end to end after a space
SOFT_BREAK = int(QTextFormat.Property.UserProperty) + 0x5B  # a block format property: "no newline before me"
_QT_LINE_BREAKS = re.compile("\r\n|[\r\n\u2029\ufdd0\ufdd1]")  # what Qt turns into a new block (QTextCursor.insertText)


def display_lines(text: str) -> tuple[list[str], list[bool]]:
    """``text`` as the blocks it is shown in, and for each break between two of them whether it
    is soft (made here, not in the text)."""
    pieces: list[str] = []
    soft: list[bool] = []
    for line in _QT_LINE_BREAKS.split(text):
        if pieces:
            soft.append(False)
        parts = _cut(line)
        pieces.extend(parts)
        soft.extend([True] * (len(parts) - 1))
    return pieces, soft


def _cut(line: str) -> list[str]:
    if len(line) <= LONG_LINE:
        return [line]
    parts = []
    start = 0
    while len(line) - start > LONG_LINE:
        end = start + CHUNK
        space = line.rfind(" ", end - LOOKBACK, end)
        if space > start:
            end = space + 1  # the space ends the piece, as a wrapped line would
        while end > start + 1 and _joins_previous(line, end):
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return parts


def _joins_previous(line: str, i: int) -> bool:
    """Whether the character at ``i`` belongs with the one before it (a combining mark, a
    variation selector, either side of a zero-width joiner): not a place to cut."""
    ch = line[i]
    return bool(unicodedata.combining(ch)) or ch in "\u200d\ufe0e\ufe0f" or line[i - 1] == "\u200d"


def _is_soft(block: QTextBlock) -> bool:
    return block.isValid() and block.blockFormat().boolProperty(SOFT_BREAK)


def _plain(shown: str) -> str:
    """Qt's own plain-text form of block text (as ``QTextDocument.toPlainText`` makes it)."""
    return shown.replace("\u2028", "\n").replace("\u00a0", " ")


class PromptTextEdit(QPlainTextEdit):
    """A QPlainTextEdit for prompts that may hold very long lines; its text is exact."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._has_soft = False  # some block was ever marked soft (else Qt's own toPlainText is exact)
        if text:
            self.setPlainText(text)

    # -- the text -----------------------------------------------------------------------------

    def setPlainText(self, text: str) -> None:
        pieces, soft = display_lines(text)
        self._has_soft = any(soft)
        if not self._has_soft:
            super().setPlainText(text)
            return
        doc = self.document()
        self.blockSignals(True)  # one textChanged, once the marks are on
        try:
            super().setPlainText("\n".join(pieces))
            doc.setUndoRedoEnabled(False)  # the marks are part of the text set, not an edit to undo
            mark = QTextBlockFormat()
            mark.setProperty(SOFT_BREAK, True)
            for number, is_soft in enumerate(soft, start=1):
                if is_soft:
                    QTextCursor(doc.findBlockByNumber(number)).mergeBlockFormat(mark)
            doc.setUndoRedoEnabled(True)
        finally:
            self.blockSignals(False)
        self.textChanged.emit()

    def toPlainText(self) -> str:
        if not self._has_soft:
            return super().toPlainText()
        parts = []
        block = self.document().begin()
        while block.isValid():
            if parts and not _is_soft(block):
                parts.append("\n")
            parts.append(block.text())
            block = block.next()
        return _plain("".join(parts))

    def insertPlainText(self, text: str) -> None:
        if not self._insert(text):
            super().insertPlainText(text)

    def _insert(self, text: str) -> bool:
        """Insert ``text`` at the cursor with long lines cut and the new breaks marked; False
        when Qt's own insert gives the same (no long line, no soft mark to keep off new blocks)."""
        pieces, soft = display_lines(text)
        cursor = self.textCursor()
        # Qt gives every new block the format of the block the insert starts in.
        inherited = _is_soft(self.document().findBlock(cursor.selectionStart()))
        if not any(soft) and not (inherited and len(pieces) > 1):
            return False
        doc = self.document()
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        first = cursor.blockNumber()
        cursor.insertText("\n".join(pieces))
        for number, is_soft in enumerate(soft, start=first + 1):
            if is_soft != inherited:
                _set_soft(doc.findBlockByNumber(number), is_soft)
        cursor.endEditBlock()
        self._has_soft = self._has_soft or any(soft)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    # -- editing across a soft break ------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._has_soft and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            if event.key() == Qt.Key.Key_Backspace and self._delete_across(backwards=True):
                return
            if event.key() == Qt.Key.Key_Delete and self._delete_across(backwards=False):
                return
        revision = self.document().revision()
        super().keyPressEvent(event)
        if not self._has_soft or event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        cursor = self.textCursor()
        if self.document().revision() != revision and cursor.atBlockStart() and _is_soft(cursor.block()):
            # Enter made this break: Qt copied the mark of the block it split.
            cursor.joinPreviousEditBlock()
            _set_soft(cursor.block(), False)
            cursor.endEditBlock()

    def _delete_across(self, backwards: bool) -> bool:
        """Backspace at the start of a soft block (Delete at the end of the block before one):
        remove the real character beyond the break, not the break. False when not at one."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return False
        if backwards:
            if not (cursor.atBlockStart() and _is_soft(cursor.block())):
                return False
            while cursor.atBlockStart() and _is_soft(cursor.block()):
                cursor.movePosition(QTextCursor.MoveOperation.PreviousCharacter)
            cursor.deletePreviousChar()
        else:
            if not (cursor.atBlockEnd() and _is_soft(cursor.block().next())):
                return False
            while cursor.atBlockEnd() and _is_soft(cursor.block().next()):
                cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
            cursor.deleteChar()
        self.setTextCursor(cursor)
        return True

    # -- the clipboard and drag and drop ---------------------------------------------------------

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText() and self._insert(source.text()):
            return
        super().insertFromMimeData(source)

    def createMimeDataFromSelection(self) -> QMimeData:
        cursor = self.textCursor()
        if not self._has_soft or not cursor.hasSelection():
            return super().createMimeDataFromSelection()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        breaks = []
        block = self.document().findBlock(start).next()
        while block.isValid() and block.position() <= end:
            breaks.append("" if _is_soft(block) else "\n")
            block = block.next()
        parts = cursor.selectedText().split("\u2029")
        text = parts[0] + "".join(b + p for b, p in zip(breaks, parts[1:]))
        mime = QMimeData()
        mime.setText(_plain(text))
        return mime


def _set_soft(block: QTextBlock, soft: bool) -> None:
    fmt = block.blockFormat()
    if soft:
        fmt.setProperty(SOFT_BREAK, True)
    else:
        fmt.clearProperty(SOFT_BREAK)
    QTextCursor(block).setBlockFormat(fmt)
