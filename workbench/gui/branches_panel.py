"""The branches of the last run as a tree, and two of them side by side.

Each row is a branch under the branch it left: where it diverges, the token chosen there and how
likely the model found it, its length, perplexity and ending. Choosing a row shows that branch in
the output. Below, two branches are compared: their shared beginning greyed, what differs in full,
each with its own statistics.

Tokens that share one character (a byte-level tokenizer splits most Chinese characters) are shown
as that character: a branch that leaves its parent inside a character shows the whole character it
chose, and the side-by-side texts part at the start of the first character that differs.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.values.branches import Branch, BranchTree
from workbench.gui.labels import labels
from workbench.gui.qt_helpers import Retranslating
from workbench.tokens.groups import TokenGroups
from workbench.tokens.pieces import piece_label

PREVIEW_CHARS = 80


class BranchesPanel(Retranslating, QWidget):
    branchSelected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("branches-panel")
        self.tree: BranchTree | None = None
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.view = QTreeWidget()
        self.view.setObjectName("branch-tree")
        self.view.setColumnCount(7)
        self.view.setUniformRowHeights(True)
        self.view.itemActivated.connect(self._activated)
        self.view.itemClicked.connect(self._activated)
        self.compare_label = QLabel()
        self.left = QComboBox()
        self.right = QComboBox()
        self.left.setObjectName("compare-left")
        self.right.setObjectName("compare-right")
        self.left.currentIndexChanged.connect(lambda _i: self.compare())
        self.right.currentIndexChanged.connect(lambda _i: self.compare())
        self.left_text = QTextBrowser()
        self.right_text = QTextBrowser()
        pick = QHBoxLayout()
        pick.addWidget(self.compare_label)
        pick.addWidget(self.left, 1)
        pick.addWidget(self.right, 1)
        panes = QSplitter(Qt.Orientation.Horizontal)
        panes.addWidget(self.left_text)
        panes.addWidget(self.right_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 2)
        layout.addLayout(pick)
        layout.addWidget(panes, 3)
        self.retranslate()

    def retranslate(self) -> None:
        self.hint.setText(self.tr("Right-click a token in the output to branch from another choice. Click a branch to show it."))
        self.view.setHeaderLabels(
            [self.tr("Branch"), self.tr("At token"), self.tr("Chosen"), self.tr("Tokens"), self.tr("Perplexity"), self.tr("End"), self.tr("Text")]
        )
        self.compare_label.setText(self.tr("Compare:"))
        self.set_tree(self.tree, self.current_id())

    def branch_name(self, branch: Branch) -> str:
        if branch.parent is None:
            return self.tr("main")
        return self.tr("draw {0}").format(branch.id) if branch.redraw else self.tr("branch {0}").format(branch.id)

    def branch_label(self, branch: Branch) -> str:
        """The longer name of the picker above the output: where a branch leaves, and its choice."""
        if branch.parent is None or branch.redraw:
            return self.branch_name(branch)
        choice = TokenGroups(t.bytes for t in branch.tokens).of(branch.at).text if branch.at < len(branch.tokens) else "?"
        return self.tr("branch {0} from {1} at token {2}: {3}").format(branch.id, branch.parent, branch.at, repr(choice))

    def current_id(self) -> int:
        item = self.view.currentItem()
        return int(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else 0

    def set_tree(self, tree: BranchTree | None, current: int = 0) -> None:
        """Show ``tree`` with branch ``current`` selected."""
        same_tree = tree is self.tree
        self.tree = tree
        pair = (self.left.currentData(), self.right.currentData())
        self.view.clear()
        for combo in (self.left, self.right):
            combo.blockSignals(True)
            combo.clear()
        if tree is None or not tree.branches:
            for combo in (self.left, self.right):
                combo.blockSignals(False)
            self.left_text.clear()
            self.right_text.clear()
            return
        items: dict[int, QTreeWidgetItem] = {}
        for branch in tree.branches:  # parents always come before their children
            groups = TokenGroups(t.bytes for t in branch.tokens)
            item = QTreeWidgetItem([self.branch_name(branch), *self._columns(branch, groups)])
            item.setData(0, Qt.ItemDataRole.UserRole, branch.id)
            item.setToolTip(2, self._chosen_tip(branch, groups))
            item.setToolTip(6, branch.text)
            if branch.parent is None:
                self.view.addTopLevelItem(item)
            else:
                items[branch.parent].addChild(item)
            items[branch.id] = item
            for combo in (self.left, self.right):
                combo.addItem(self.branch_name(branch), branch.id)
        self.view.expandAll()
        for column in range(6):
            self.view.resizeColumnToContents(column)
        if current in items:
            self.view.setCurrentItem(items[current])
        # The pair the user chose while it still holds the branch shown; otherwise that branch against
        # the one it left (main against the newest branch when main is shown).
        keep = same_tree and None not in pair and pair[0] != pair[1] and current in pair
        left, right = pair if keep else self._default_pair(tree, current)
        self.left.setCurrentIndex(self.left.findData(left))
        self.right.setCurrentIndex(self.right.findData(right))
        for combo in (self.left, self.right):
            combo.blockSignals(False)
        self.compare()

    @staticmethod
    def _default_pair(tree: BranchTree, current: int) -> tuple[int, int]:
        branch = tree.get(current)
        if branch.parent is not None:
            return branch.parent, branch.id
        return 0, tree.branches[-1].id

    def _columns(self, branch: Branch, groups: TokenGroups) -> list[str]:
        if branch.parent is None:
            at, chosen = "", ""
        else:
            token = branch.tokens[branch.at] if branch.at < len(branch.tokens) else None
            at = str(branch.at)
            # The whole character the chosen token is part of, with the chosen token's probability.
            chosen = f"{groups.of(branch.at).text!r} {token.prob:.1%}" if token is not None else ""
        perplexity = f"{branch.perplexity:.2f}" if branch.perplexity is not None else ""
        preview = " ".join(groups.text(min(branch.at, groups.tokens)).split())[:PREVIEW_CHARS]
        return [at, chosen, str(len(branch.tokens)), perplexity, labels().finish(branch.finish_reason), preview]

    def _chosen_tip(self, branch: Branch, groups: TokenGroups) -> str:
        """The tokens of the character the branch chose, the chosen one marked, when it is only part of it."""
        if branch.parent is None or branch.at >= len(branch.tokens):
            return ""
        group = groups.of(branch.at)
        if not group.split:
            return ""
        parts = [
            ("▸ " if i == branch.at else "") + f"{piece_label(t.bytes)} {t.prob:.1%}"
            for i, t in enumerate(branch.tokens[group.start : group.end], group.start)
        ]
        return self.tr("{0} is made of {1} tokens (▸ the one chosen): {2}").format(repr(group.text), len(group), ", ".join(parts))

    def select(self, branch_id: int) -> None:
        """Mark ``branch_id`` as the one shown (without telling anyone)."""
        found = self.view.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive)
        for item in found:
            if item.data(0, Qt.ItemDataRole.UserRole) == branch_id:
                self.view.blockSignals(True)
                self.view.setCurrentItem(item)
                self.view.blockSignals(False)
                return

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.branchSelected.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))

    def compare(self) -> None:
        tree = self.tree
        a, b = self.left.currentData(), self.right.currentData()
        if tree is None or a is None or b is None:
            return
        shared = tree.shared_prefix(a, b)
        self.left_text.setHtml(self._side(tree.get(a), shared))
        self.right_text.setHtml(self._side(tree.get(b), shared))

    def _side(self, branch: Branch, shared: int) -> str:
        """One side of the comparison: the first ``shared`` tokens greyed (up to the character where
        the branches part, which is shown whole with the rest), then the rest highlighted."""
        groups = TokenGroups(t.bytes for t in branch.tokens)
        cut = groups.boundary(min(shared, groups.tokens))

        stats = self.tr("{0} tokens · perplexity {1} · mean logprob {2} · {3}").format(
            len(branch.tokens),
            f"{branch.perplexity:.2f}" if branch.perplexity is not None else "–",
            f"{branch.mean_logprob:.3f}" if branch.mean_logprob is not None else "–",
            labels().finish(branch.finish_reason) if branch.finish_reason else "–",
        )
        return (
            f"<p><b>{html.escape(self.branch_name(branch))}</b> — {html.escape(stats)}</p>"
            f'<p style="white-space:pre-wrap"><span style="color:#8a8a8a">{html.escape(groups.text(0, cut))}</span>'
            f'<span style="background:#fff3bf;color:#000">{html.escape(groups.text(cut))}</span></p>'
        )
