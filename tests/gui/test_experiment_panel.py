"""The Experiments panel in the real window, on the real engine and database: a definition run in
the background with its progress, its results and matrix, a cell opened in the output view, the
History filtered to its runs, cancel then continue, exports, a suite from the Library."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.helpers.window import T, open_window
from workbench.gui.main_window import MainWindow

DEFINITION = textwrap.dedent("""
    name: 面板测试
    prompts:
      - {id: terse, text: "评论：{{ review }}\\n情感："}
      - {id: plain, text: "Review: {{ review }}\\nSentiment:"}
    dataset:
      - {review: 这家餐厅的菜太好吃了, label: 正面}
      - {review: 等了一个小时才上菜, label: 负面}
      - {review: 价格一般，味道一般, label: 中性}
    sampler: {temperature: 0, max_tokens: 6}
    seed: 7
    assert: [{type: contains, value: "{{ label }}"}]
    classify: {labels: [正面, 负面, 中性], expected: label}
""").lstrip()


def run_definition(qtbot: QtBot, win: MainWindow, text: str = DEFINITION) -> object:
    panel = win.experiment_panel
    panel.editor.set_text(text)
    qtbot.wait_until(panel.editor.is_valid, timeout=T)
    with qtbot.wait_signal(panel.worker.finished, timeout=T) as finished:
        assert panel.run()
    return finished.args[0]


def test_an_experiment_runs_in_the_background_and_its_cells_open_their_runs(qtbot: QtBot) -> None:
    win = open_window(qtbot, model=None)
    panel = win.experiment_panel
    qtbot.wait_until(lambda: win.recorder.opened, timeout=T)
    progressed: list[object] = []
    panel.worker.progressed.connect(progressed.append)
    outcome = run_definition(qtbot, win)
    assert outcome.status == "done" and progressed and progressed[-1].done == 6
    summary = panel._summary(outcome.experiment_id)
    assert summary is not None and [c["id"] for c in summary["columns"]] == ["terse", "plain"]
    assert panel.progress.isHidden() and panel.tabs.currentWidget() is panel.results
    assert panel.experiments.currentData() == outcome.experiment_id
    assert "面板测试" in panel.experiments.currentText()

    case = summary["cases"][0]
    with qtbot.wait_signal(panel.showRunRequested, timeout=T) as opened:
        panel.results.runRequested.emit(case["run_id"])
    assert opened.args == [case["run_id"]]
    qtbot.wait_until(lambda: win.output.toPlainText() == case["output"], timeout=T)

    panel.history_button.click()
    history = win.history_panel
    assert history.experiment == outcome.experiment_id and history.experiment_chip.isVisible()
    qtbot.wait_until(lambda: history.model.total == 6, timeout=T)
    history.experiment_chip.click()
    assert history.experiment is None


def test_cancel_keeps_the_cases_so_far_and_continue_finishes(qtbot: QtBot, tmp_path: Path) -> None:
    win = open_window(qtbot, model=None)
    panel = win.experiment_panel
    qtbot.wait_until(lambda: win.recorder.opened, timeout=T)
    panel.editor.set_text(DEFINITION)
    qtbot.wait_until(panel.editor.is_valid, timeout=T)
    panel.worker.caseFinished.connect(lambda _case: panel.worker.cancel())
    with qtbot.wait_signal(panel.worker.finished, timeout=T) as finished:
        assert panel.run()
    outcome = finished.args[0]
    assert outcome.status == "cancelled"
    assert panel.resume_button.isEnabled() and panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    panel.worker.caseFinished.disconnect()
    panel.worker.caseFinished.connect(panel.results.update_case)
    failures: list[str] = []
    panel.worker.failed.connect(failures.append)
    with qtbot.wait_signal(panel.worker.finished, timeout=T) as again:
        assert panel.resume_selected()
    assert not failures, failures
    assert again.args[0].experiment_id == outcome.experiment_id and again.args[0].status == "done"
    summary = panel._summary(outcome.experiment_id)
    assert summary is not None and summary["n_done"] == 6 and len(summary["cases"]) == 6

    report = tmp_path / "report.html"
    assert panel.export(outcome.experiment_id, "html", str(report))
    html = report.read_text(encoding="utf-8")
    assert "面板测试" in html and "http://" not in html and "https://" not in html


def test_an_invalid_definition_cannot_run_and_says_where(qtbot: QtBot) -> None:
    win = open_window(qtbot, model=None)
    panel = win.experiment_panel
    panel.editor.set_text("prompts:\n  - {id: a}\ndataset: [{x: 1}]\n")
    qtbot.wait_until(lambda: not panel.editor.is_valid(), timeout=T)
    assert not panel.run_button.isEnabled()
    shown: list[str] = []
    panel.failed.connect(shown.append)
    assert not panel.run()
    assert shown and "line 2" in shown[0]


def test_the_library_runs_a_built_in_suite_in_the_experiments_panel(qtbot: QtBot) -> None:
    win = open_window(qtbot, model=None)
    library = win.library_panel
    library._fill_suites()
    titles = [a.text() for a in library.suites_menu.actions()]
    assert len(titles) >= 8  # four suites, in English and Chinese
    opened: list[str] = []
    win.experiment_panel.run_suite = lambda path: opened.append(path) or True  # type: ignore[method-assign]
    library.suites_menu.actions()[0].trigger()
    assert opened and opened[-1].endswith("suite.yaml")
