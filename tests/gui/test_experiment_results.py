"""An experiment's results in the window, from a real summary (``summarise`` over hand-made cases
of Chinese reviews): the matrix of cases with its marks, tints and tooltips, opening a cell's run,
live updates, 10,000 cases through a model, the pass-rate chart, the pairs and classification."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTableWidgetItem, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from tests.helpers.colours import contrast
from workbench.app.experiments.report import summarise
from workbench.app.experiments.stats import pair_sentence
from workbench.gui.experiment_results import (
    ClassificationView,
    ExperimentResults,
    PairsView,
    PassRateChart,
    ResultsMatrix,
    ResultsModel,
    _text_on,
    score_colour,
)
from workbench.gui.theme import LIGHT, apply_theme, current_scheme
from workbench.store.experiments import CaseRecord, ExperimentRecord

COLUMNS = ["terse", "lib/direct", "lib/zero_shot_cot"]
REVIEWS = [
    ("这家餐厅的菜很好吃，服务也很周到，环境干净整洁，价格也公道，下次还会带朋友再来。", "正面"),  # wider than a row header
    ("等了一个小时才上菜，味道一般，不推荐。", "负面"),
    ("价格还可以，环境普通。", "中性"),
    ("物流很快，包装完好，非常满意！", "正面"),
    ("客服态度很差，问题一直没解决。", "负面"),
    ("东西收到了，和描述的差不多。", "中性"),
]
# Which rows pass, per column (repeat 0); row 4 of the chain of thought fails to run.
PASSES = {
    "terse": [True, True, False, True, True, False],
    "lib/direct": [True, False, False, True, True, True],
    "lib/zero_shot_cot": [True, True, True, True, None, True],
}
ERROR = "上下文超出：提示有 2100 个词元，模型只有 2048 个"
SCORED = ("lib/direct", 2)  # two weighted assertions, one passed: score 0.5
CACHED = ("lib/direct", 0)


def _record(repeats: int, n_cases: int) -> ExperimentRecord:
    plan = {"columns": [{"id": c, "prompt": c.split("/")[0], "variant": c.split("/")[1] if "/" in c else None,
                         "model": "SmolLM2-135M-Instruct"} for c in COLUMNS], "repeats": repeats}
    now = datetime(2026, 12, 3, 9, 30)
    return ExperimentRecord(3, "舆情分析：直接 vs 思维链", "reviews.yaml", now, now, "done",
                            {"classify": {"labels": ["正面", "负面", "中性"], "expected": "label"}}, plan, n_cases, n_cases, None)


def _case(row: int, column: str, repeat: int, passed: bool | None, run_id: int) -> CaseRecord:
    review, label = REVIEWS[row]
    variables = {"review": review, "label": label}
    if passed is None:
        return CaseRecord(row=row, column=column, repeat=repeat, status="error", variables=variables, error=ERROR, run_id=run_id)
    wrong = "负面" if label != "负面" else "正面"
    said = label if passed else wrong
    output = said if column == "terse" else ("让我们一步一步思考。" * 40 + f"答案：{said}" if column.endswith("cot") else f"这条评论是{said}的。")
    assertions = [{"type": "contains", "passed": passed, "detail": f"output {'contains' if passed else 'lacks'} '{label}'"}]
    score = float(passed)
    if (column, row) == SCORED:
        assertions.append({"type": "max-tokens", "passed": True, "detail": "12 tokens ≤ 16"})
        score = 0.5
    probs = None
    if column == "terse":
        others = [lab for _r, lab in REVIEWS[:3] if lab != said]
        probs = {said: 0.81, others[0]: 0.12, others[1]: 0.07}
    return CaseRecord(row=row, column=column, repeat=repeat, status="ok", variables=variables, passed=passed, score=score,
                      output=output, answer=said, assertions=assertions, label_probs=probs,
                      label_tokens={"正面": 1, "负面": 1, "中性": 2} if probs else None,
                      completion_tokens=4, latency_s=0.3, cached=(column, row) == CACHED and repeat == 0, run_id=run_id)


def sample_summary(repeats: int = 1) -> dict[str, Any]:
    """Three columns by six rows; with two repeats, the second draw of row 1 of "terse" fails."""
    cases = []
    for repeat in range(repeats):
        for column in COLUMNS:
            for row, passed in enumerate(PASSES[column]):
                if repeat and (column, row) == ("terse", 1):
                    passed = False
                cases.append(_case(row, column, repeat, passed, 100 + len(cases)))
    return summarise(_record(repeats, len(cases)), cases)


def find(summary: dict[str, Any], column: str, row: int, repeat: int = 0) -> dict[str, Any]:
    return next(c for c in summary["cases"] if (c["column"], c["row"], c["repeat"]) == (column, row, repeat))


@pytest.fixture(autouse=True)
def back_to_light(qapp: object) -> Iterator[None]:
    yield
    apply_theme("system")  # offscreen: light, as the other tests expect
    assert current_scheme() is LIGHT


@pytest.fixture
def matrix(qtbot: QtBot) -> ResultsMatrix:
    view = ResultsMatrix()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.set_summary(sample_summary())
    view.show()
    qtbot.waitExposed(view)
    return view


def cell(view: ResultsMatrix, row: int, column: str) -> QModelIndex:
    model = view.results
    return model.index(model.rows.index(row), model.column_at[column])


def test_the_matrix_has_a_row_per_dataset_row_and_a_column_per_column(matrix: ResultsMatrix) -> None:
    model = matrix.model()
    assert (model.rowCount(), model.columnCount()) == (6, 3)
    assert [model.headerData(i, Qt.Orientation.Horizontal) for i in range(3)] == COLUMNS
    # The row header: the first variable, cut to 40 characters; every variable on hover.
    long_review = REVIEWS[0][0]
    shown = model.headerData(0, Qt.Orientation.Vertical)
    assert shown == "0. " + long_review[:19] + "…"  # 40 columns: a Chinese character takes two
    assert long_review in model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(2, Qt.Orientation.Vertical) == "2. " + REVIEWS[2][0]
    # The column header's tooltip: where the column comes from and its pass rate with the interval.
    summary = sample_summary()
    direct = summary["columns"][1]
    tip = model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    lo, hi = direct["ci95"]
    assert "lib" in tip and "direct" in tip and "SmolLM2-135M-Instruct" in tip
    assert f"{direct['pass_rate'] * 100:.0f}% [{lo * 100:.0f}, {hi * 100:.0f}]" in tip


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_cells_show_pass_fail_error_and_score_in_readable_tints(qtbot: QtBot, scheme: str) -> None:
    apply_theme(scheme)
    view = ResultsMatrix()
    qtbot.addWidget(view)
    view.set_summary(sample_summary())
    model = view.results
    passed, failed = cell(view, 0, "terse"), cell(view, 2, "terse")
    error, scored = cell(view, 4, "lib/zero_shot_cot"), cell(view, *reversed(SCORED))
    texts = [model.data(i) for i in (passed, failed, error, scored)]
    assert texts == ["✓", "✗", "error", "✗ 0.50"]
    backgrounds = [model.data(i, Qt.ItemDataRole.BackgroundRole) for i in (passed, failed, error, scored)]
    assert len({b.name() for b in backgrounds}) == 4  # the score lies between the fail and the pass colour
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    painted = view.grab().toImage()
    for index, background in zip((passed, failed, error, scored), backgrounds):
        text = model.data(index, Qt.ItemDataRole.ForegroundRole)
        assert contrast(text, background) >= 4.5, (scheme, model.data(index))
        corner = view.viewport().mapTo(view, view.visualRect(index).topLeft() + QPoint(3, 3))  # clear of lines and mark
        assert painted.pixelColor(corner).name() == background.name()
    # Every blend from fail to pass reads too.
    assert min(contrast(_text_on(score_colour(f / 20)), score_colour(f / 20)) for f in range(21)) >= 4.5


def test_a_cells_tooltip_shows_output_assertions_labels_cache_and_error(matrix: ResultsMatrix) -> None:
    model = matrix.results
    tip = model.data(cell(matrix, 2, "terse"), Qt.ItemDataRole.ToolTipRole)
    assert html.escape("✗ contains — output lacks '中性'") in tip
    assert "负面 81%" in tip and "正面 12%" in tip  # the label probabilities, the likeliest first
    assert "from the history" not in tip
    cached = model.data(cell(matrix, *reversed(CACHED)), Qt.ItemDataRole.ToolTipRole)
    assert "from the history" in cached and "这条评论是正面的。" in cached
    assert ERROR in model.data(cell(matrix, 4, "lib/zero_shot_cot"), Qt.ItemDataRole.ToolTipRole)
    long = model.data(cell(matrix, 0, "lib/zero_shot_cot"), Qt.ItemDataRole.ToolTipRole)
    assert "让我们一步一步思考。" in long and "答案：正面" not in long  # only the output's first 300 characters


def test_double_click_or_enter_opens_the_cells_run_and_a_click_only_selects(qtbot: QtBot, matrix: ResultsMatrix) -> None:
    summary = sample_summary()
    index = cell(matrix, 3, "lib/direct")
    point = matrix.visualRect(index).center()
    with qtbot.assert_not_emitted(matrix.runRequested):
        QTest.mouseClick(matrix.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert matrix.selectionModel().isSelected(index) and matrix.currentIndex() == index
    with qtbot.wait_signal(matrix.runRequested) as opened:
        QTest.mouseDClick(matrix.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert opened.args == [find(summary, "lib/direct", 3)["run_id"]]
    matrix.setCurrentIndex(cell(matrix, 5, "terse"))
    with qtbot.wait_signal(matrix.runRequested) as entered:
        QTest.keyClick(matrix, Qt.Key.Key_Return)
    assert entered.args == [find(summary, "terse", 5)["run_id"]]


def test_update_case_replaces_a_cell_and_adds_rows_and_columns(qtbot: QtBot, matrix: ResultsMatrix) -> None:
    model = matrix.results
    summary = sample_summary()
    redone = {**find(summary, "terse", 2), "passed": True, "score": 1.0, "run_id": 999}
    index = cell(matrix, 2, "terse")
    with qtbot.wait_signal(model.dataChanged):
        matrix.update_case(redone)
    assert model.data(index) == "✓" and model.run_id(index) == 999 and model.rowCount() == 6
    # A new dataset row (the experiment still running) and a column the summary did not list.
    with qtbot.wait_signal(model.rowsInserted):
        matrix.update_case({**redone, "row": 9, "vars": {"review": "新的一条", "label": "正面"}, "run_id": 1000})
    assert model.rowCount() == 7 and model.headerData(6, Qt.Orientation.Vertical) == "9. 新的一条"
    matrix.update_case({**redone, "row": 7, "vars": {"review": "插在中间", "label": "中性"}, "run_id": 1001})
    assert [model.headerData(i, Qt.Orientation.Vertical)[:2] for i in range(6, 8)] == ["7.", "9."]
    assert model.run_id(cell(matrix, 9, "terse")) == 1000
    with qtbot.wait_signal(model.columnsInserted):
        matrix.update_case({**redone, "column": "extra", "run_id": 1002})
    assert model.columnCount() == 4 and model.data(cell(matrix, 2, "extra")) == "✓"


def test_repeats_aggregate_in_one_cell_that_opens_the_first_draw(qtbot: QtBot) -> None:
    summary = sample_summary(repeats=2)
    view = ResultsMatrix()
    qtbot.addWidget(view)
    view.set_summary(summary)
    model = view.results
    assert model.rowCount() == 6 and model.columnCount() == 3
    flipped, steady, broken = cell(view, 1, "terse"), cell(view, 0, "terse"), cell(view, 4, "lib/zero_shot_cot")
    assert (model.data(flipped), model.data(steady), model.data(broken)) == ("1/2", "2/2", "error")
    assert model.run_id(flipped) == find(summary, "terse", 1, repeat=0)["run_id"]
    assert "1 of 2 repeats passed" in model.data(flipped, Qt.ItemDataRole.ToolTipRole)
    colours = {model.data(i, Qt.ItemDataRole.BackgroundRole).name() for i in (flipped, steady, cell(view, 2, "terse"))}
    assert len(colours) == 3  # half passed lies between all and none


def test_ten_thousand_cases_go_through_a_model_not_items(qtbot: QtBot) -> None:
    summary = {"columns": [{"id": c, "n": 0} for c in COLUMNS], "pairs": [],
               "cases": [{"row": r, "column": c, "repeat": 0, "run_id": r * 3 + j, "status": "ok", "passed": r % 3 != j,
                          "score": float(r % 3 != j), "output": "正面", "assertions": [], "vars": {"review": f"评论 {r}"}}
                         for r in range(3334) for j, c in enumerate(COLUMNS)][:10_000]}
    view = ResultsMatrix()
    qtbot.addWidget(view)
    view.set_summary(summary)
    view.show()
    qtbot.waitExposed(view)
    assert isinstance(view.model(), ResultsModel) and isinstance(view.model(), QAbstractTableModel)
    assert (view.model().rowCount(), view.model().columnCount()) == (3334, 3)
    assert not view.findChildren(QTableWidgetItem) and len(view.findChildren(QWidget)) < 50
    last = view.model().index(3333, 0)
    assert view.model().data(last) == "✗" and view.model().run_id(last) == 9999


def test_the_chart_grows_with_its_columns_and_paints(qtbot: QtBot) -> None:
    chart = PassRateChart()
    qtbot.addWidget(chart)
    empty = chart.grab()
    assert not empty.isNull() and chart.placeholder == "No results yet."
    summary = sample_summary()
    chart.set_summary({"columns": summary["columns"][:1]})
    one = chart.sizeHint().height()
    chart.set_summary(summary)
    assert chart.sizeHint().height() > one
    chart.resize(chart.sizeHint())
    image = chart.grab().toImage()
    assert not image.isNull()
    # The bars are painted: the bar colour appears where the first column's bar is.
    plot = chart._plot()
    y = int(plot.top() + chart._row_height() / 2 - 3)
    x = int(plot.left() + 3)
    painted = image.pixelColor(x * image.width() // chart.width(), y * image.height() // chart.height())
    assert painted != chart.palette().color(chart.backgroundRole())
    # Hovering a bar names its column and its numbers.
    QApplication.sendEvent(chart, QHelpEvent(QEvent.Type.ToolTip, QPoint(x, y), chart.mapToGlobal(QPoint(x, y))))
    assert QToolTip.isVisible() and QToolTip.text().startswith("terse: 4 passed of 6")
    QToolTip.hideText()
    column = summary["columns"][0]
    lo, hi = column["ci95"]
    assert chart._value_text(column) == f"{column['pass_rate'] * 100:.0f}% [{lo * 100:.0f}, {hi * 100:.0f}]"


def test_pairs_are_one_line_each_in_words_the_shown_ones_emphasised(qtbot: QtBot) -> None:
    view = PairsView()
    qtbot.addWidget(view)
    summary = sample_summary()
    won = {"a": "terse", "b": "lib/zero_shot_cot", "n": 40, "a_rate": 0.4, "b_rate": 0.8, "diff": 0.4, "ci95": [0.2, 0.6],
           "p_value": 0.001, "a_only": 1, "b_only": 17, "verdict": "b"}
    pairs = [*summary["pairs"], won]
    view.set_summary({"pairs": pairs})
    assert len(summary["pairs"]) == 3 and view.rowCount() == 4
    assert [view.item(i, 0).text() for i in range(4)] == [pair_sentence(p) for p in pairs]
    assert view.item(3, 0).text().startswith("lib/zero_shot_cot beats terse by 40 points")
    assert view.item(3, 0).font().bold() and not view.item(0, 0).font().bold()
    assert (view.item(3, 1).text(), view.item(3, 2).text()) == ("1", "17")
    assert view.horizontalHeaderItem(0).text() == "Comparison"


def test_classification_shows_accuracy_calibration_and_the_multi_token_note(qtbot: QtBot) -> None:
    view = ClassificationView()
    qtbot.addWidget(view)
    summary = sample_summary()
    view.set_summary(summary)
    terse = summary["columns"][0]["classification"]
    assert summary["columns"][1]["classification"] is None
    text = view.text()
    assert "terse" in text and "lib/direct" not in text
    assert f"{terse['accuracy'] * 100:.0f}%" in text and f"{terse['ece']:.3f}" in text
    assert "sum of their tokens" in text and "中性" in text
    view.set_summary({"columns": summary["columns"][1:]})
    assert not view.has_classification() and view.text() == ""


def test_the_results_combine_the_parts_and_pass_on_a_cells_run(qtbot: QtBot) -> None:
    results = ExperimentResults()
    qtbot.addWidget(results)
    results.resize(1000, 700)
    results.show()
    assert results.title.text() == "No experiment shown." and not results.pairs.isVisible()
    summary = sample_summary()
    results.set_summary(summary)
    qtbot.waitExposed(results)
    assert "舆情分析" in results.title.text() and "18 of 18 cases" in results.title.text()
    assert results.pairs.isVisible() and results.classification.isVisible()
    assert results.chart.columns == summary["columns"] and results.matrix.model().rowCount() == 6
    index = cell(results.matrix, 1, "lib/zero_shot_cot")
    with qtbot.wait_signal(results.runRequested) as opened:
        QTest.mouseDClick(results.matrix.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                          results.matrix.visualRect(index).center())
    assert opened.args == [find(summary, "lib/zero_shot_cot", 1)["run_id"]]
    results.update_case({**find(summary, "terse", 0), "passed": False, "score": 0.0})
    assert results.matrix.model().data(cell(results.matrix, 0, "terse")) == "✗"
    results.set_summary({})
    assert results.matrix.model().rowCount() == 0 and not results.pairs.isVisible()
    assert not results.grab().isNull()
