"""Generated text, each token tinted by its probability; hovering a token shows its alternatives."""

from __future__ import annotations

import bisect
import codecs
import html
import math

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QToolTip, QWidget

from workbench.values.tokens import TokenEvent
from workbench.tokens.pieces import piece_text
from workbench.gui.qt_helpers import Retranslating
from workbench.gui.theme import current_scheme


def probability_colour(prob: float) -> QColor:
    """Background for a token under the current theme: faint green for near-certain, through
    yellow, to red for surprising (each theme's ramp lives in ``gui/theme.py``)."""
    return current_scheme().tint(prob)


def _label(data: bytes, text: str) -> str:
    """Whole characters as text (whitespace made visible); a fragment of one as its hex bytes."""
    whole = piece_text(data) if data else text
    return visible(whole) if whole is not None else "<" + data.hex(" ") + ">"


def visible(text: str) -> str:
    return text.replace("\n", "\u21b5").replace("\t", "\u2192").replace(" ", "\u2423") or "\u2205"


class OutputView(Retranslating, QPlainTextEdit):
    """Read-only output; ``append_tokens`` adds a batch of streamed tokens. Right-click a token to
    branch: continue from there with one of its alternatives."""

    branchRequested = Signal(int, object)  # token index, Alternative

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setObjectName("output")
        self.tokens: list[TokenEvent] = []
        self.branching = False  # the window turns it on once a run can be branched
        self.colour_mode = "probability"
        self._starts: list[int] = []  # document position where each token's text starts
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.viewport().installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        self.setPlaceholderText(self.tr("Output appears here, each token tinted by how likely the model thought it was."))

    def clear_tokens(self) -> None:
        self.clear()
        self.tokens.clear()
        self._starts.clear()
        self._decoder.reset()

    def show_plain(self, text: str) -> None:
        """Show text that is not tokens (a vote's summary, a run saved without tokens): no tint, no hover."""
        self.clear_tokens()
        # clear() keeps the last token's format for the next text typed in; plain text gets none.
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(text)

    def tint(self, token: TokenEvent) -> QColor:
        """The token's background under the current colour mode."""
        if self.colour_mode == "rank":
            rank = token.rank
            return probability_colour({0: 1.0, 1: 0.6, 2: 0.3, 3: 0.3, 4: 0.3}.get(rank if rank is not None else 99, 0.05))
        if self.colour_mode == "entropy":
            # A confident model (low entropy) is green, an undecided one red: 5 nats or more is red.
            return probability_colour(max(0.0, 1.0 - (token.entropy or 0.0) / 5.0))
        if math.isnan(token.logprob):  # a server that gives no logprobs: no colour, not a made-up one
            return QColor(0, 0, 0, 0)
        return probability_colour(token.prob)

    def tint_format(self, token: TokenEvent) -> QTextCharFormat:
        """The token's tint, with the theme's text colour set too so the text reads on it."""
        fmt = QTextCharFormat()
        fmt.setBackground(self.tint(token))
        fmt.setForeground(QColor(current_scheme().tint_text))
        return fmt

    def append_tokens(self, tokens: list[TokenEvent]) -> None:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        for token in tokens:
            self._starts.append(cursor.position())
            self.tokens.append(token)
            cursor.insertText(self._decoder.decode(token.bytes), self.tint_format(token))
        self.ensureCursorVisible()

    def set_colour_mode(self, mode: str) -> None:
        """'probability', 'rank' (of the chosen token among the alternatives) or 'entropy'; also
        re-tints for a new theme."""
        self.colour_mode = mode
        cursor = QTextCursor(self.document())
        ends = self._starts[1:] + [self.document().characterCount() - 1]
        for token, start, end in zip(self.tokens, self._starts, ends):
            if end > start:
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(self.tint_format(token))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # a new theme: its own tint ramp
            self.set_colour_mode(self.colour_mode)
        super().changeEvent(event)

    def truncate(self, text: str) -> None:
        """Cut the view to ``text`` (a stop string is not part of the output)."""
        shown = self.toPlainText()
        if len(shown) <= len(text) or not shown.startswith(text):
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(len(text.encode("utf-16-le")) // 2)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()

    def token_at(self, position: int) -> TokenEvent | None:
        i = bisect.bisect_right(self._starts, position) - 1
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def tooltip_html(self, token: TokenEvent) -> str:
        rows = [
            f"<tr><td>{'<b>' if alt.id == token.id else ''}{html.escape(_label(alt.bytes, alt.text))}"
            f"{'</b>' if alt.id == token.id else ''}</td><td align='right'>{math.exp(alt.logprob) * 100:.1f}%</td></tr>"
            for alt in token.top
        ]
        given = not math.isnan(token.logprob)
        head = (
            f"<b>{html.escape(_label(token.bytes, token.text))}</b> id {token.id} · "
            + (f"p = {token.prob * 100:.1f}% · logprob {token.logprob:.3f}" if given else self.tr("probability not provided by the server"))
            + (f" · rank {token.rank + 1}" if token.rank is not None else "")
            + (f" · entropy {token.entropy:.2f} nats" if token.entropy is not None else "")
            + f"<br>bytes {token.bytes.hex(' ')}"
        )
        return head + (f"<table>{''.join(rows)}</table>" if rows else "")

    def branch_menu(self, index: int) -> QMenu:
        """The alternatives at token ``index``; choosing one asks for a branch."""
        token = self.tokens[index]
        menu = QMenu(self)
        menu.setTitle(self.tr("Branch here with"))
        title = menu.addAction(self.tr("Continue from token {0} with:").format(index))
        title.setEnabled(False)
        for alt in token.top:
            if alt.id == token.id:
                continue
            action = menu.addAction(f"{_label(alt.bytes, alt.text)}   {math.exp(alt.logprob) * 100:.1f}%")
            action.triggered.connect(lambda _c=False, a=alt: self.branchRequested.emit(index, a))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        position = self.cursorForPosition(event.pos()).position()
        token = self.token_at(position)
        if token is None or not self.branching:
            super().contextMenuEvent(event)
            return
        self.branch_menu(self.tokens.index(token)).exec(event.globalPos())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            token = self.token_at(self.cursorForPosition(event.pos()).position())
            if token is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_html(token), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)
