"""A self-consistency vote in its own view (real engine, real history file): the answers with
their votes, and each sample with its own token colours and alternatives, also when the run is
reopened from the History. Text that is not tokens is shown untinted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from workbench.engine.client import EngineClient
from workbench.gui.library_panel import LibraryPanel
from workbench.gui.output_view import OutputView
from workbench.gui.votes_view import SampleView
from workbench.prompts.variant_runner import VariantResult, VariantRunner, make_task, trace_tokens
from workbench.prompts.variants import complete, flatten
from workbench.store.database import Database
from workbench.store.runs import RunStore
from workbench.values.params import GenerateParams, SamplerParams

from tests.helpers.runs import new_run, tokens

QUESTION = "Q: Tom has 3 apples and buys 5 more. How many apples does he have?\nA:"


def _background(view: OutputView, position: int) -> object:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position + 1)  # the format of the character before the cursor
    return cursor.charFormat().background()


def _hover(view: OutputView, position: int) -> str:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    point = view.cursorRect(cursor).center()
    point.setX(point.x() + 2)
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_a_vote_shows_each_sample_with_its_tokens_also_from_the_history(qtbot: QtBot, engine: EngineClient, tmp_path: Path) -> None:
    base = GenerateParams(prompt="", sampler=SamplerParams(temperature=0.9, seed=3), top_logprobs=5, token_entropy=True)
    task = make_task(complete({"kind": "self_consistency", "samples": 3, "max_tokens": 10}), "", QUESTION, [], flatten, base)
    result = VariantRunner(engine).run(task)
    # Saved and read back as the History reopens it: the samples' tokens travel in the details.
    store = RunStore(Database(tmp_path / "history.sqlite"))
    row = store.get(store.save(new_run(prompt=result.prompt, output=result.output, details=result.details)))
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_result(VariantResult(row.prompt, row.output, [], None, row.details))
    view = panel.votes
    assert panel.results.currentWidget() is view
    details = row.details
    assert view.answers.rowCount() == len(details["votes"]) and view.samples.rowCount() == 3
    for i, v in enumerate(details["votes"]):
        assert (view.answers.item(i, 0).text(), view.answers.item(i, 1).text()) == (str(v["answer"]), str(v["count"]))

    shown = view.sample_view
    leads = []
    for row_index in range(3):
        view.samples.selectRow(row_index)
        chain, lead, follow = trace_tokens(details["samples"][row_index]["trace"])
        assert [t.id for t in shown.tokens] == [t.id for t in chain + follow] and chain
        text = shown.toPlainText()
        assert text.startswith(b"".join(t.bytes for t in chain).decode("utf-8", "replace"))
        # Each token tinted by its own probability, and hovering it lists its alternatives.
        first = shown.tokens[0]
        assert _background(shown, 0).color() == shown.tint(first)
        tip = _hover(shown, 0)
        assert tip == shown.tooltip_html(first) and "<table>" in tip and f"id {first.id}" in tip
        leads.append(lead)
        if lead:  # the question that asked for the answer is ours, not the model's: no tint, no hover
            at = text.index(lead)
            assert shown.token_at(at) is None and _background(shown, at).style().name == "NoBrush"
    assert any(leads)  # ten tokens of reasoning rarely reach the answer (these seeds never do)
    # Entropy mode re-tints the sample.
    shown.tokens[0].entropy = 4.0
    panel.set_colour_mode("entropy")
    assert _background(shown, 0).color() == shown.tint(shown.tokens[0])
    if leads[-1]:
        assert _background(shown, shown.toPlainText().index(leads[-1])).style().name == "NoBrush"

    # Choosing an answer shows the first sample that gave it.
    if details["votes"]:
        view.samples.selectRow(2)
        view.answers.selectRow(0)
        winner_first = next(i for i, s in enumerate(details["samples"]) if s["answer"] == details["votes"][0]["answer"])
        assert view.samples.currentRow() == winner_first

    # A run saved before samples kept their tokens shows the sample's text, untinted.
    old = {**details, "samples": [{k: v for k, v in s.items() if k != "trace"} for s in details["samples"]]}
    panel.show_result(VariantResult(row.prompt, row.output, [], None, old))
    assert shown.tokens == [] and shown.toPlainText() == old["samples"][view.samples.currentRow()]["text"]


def test_plain_text_after_tokens_is_not_tinted(qtbot: QtBot) -> None:
    view = OutputView()
    qtbot.addWidget(view)
    view.append_tokens(tokens())
    view.show_plain("Answer: 5\nVotes: 5 ×3")
    view.set_colour_mode("entropy")
    assert view.toPlainText() == "Answer: 5\nVotes: 5 ×3" and view.tokens == []
    assert all(_background(view, i).style().name == "NoBrush" for i in range(0, 18, 3))
    assert view.token_at(3) is None
    sample = SampleView()
    qtbot.addWidget(sample)
    sample.show_sample({"text": "no trace here"})
    assert sample.toPlainText() == "no trace here" and _background(sample, 2).style().name == "NoBrush"
