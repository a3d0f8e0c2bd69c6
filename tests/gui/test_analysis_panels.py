"""Prompt surprisal and resampling panels with the real engine."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.helpers.window import T, open_window
from workbench.values.params import SamplerParams


def test_prompt_surprisal_colours_tokens_and_reports_perplexity(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("The cat sat on the mat. The cat sat on the banana.")
    with qtbot.wait_signal(win.surprisal_panel.scored, timeout=T) as scored:
        win.surprisal_panel.button.click()
    result = scored.args[0]
    assert result.perplexity and result.perplexity > 1
    assert "Perplexity" in win.surprisal_panel.summary.text() and "Most surprising" in win.surprisal_panel.summary.text()
    assert win.surprisal_panel.view.toPlainText() == "The cat sat on the mat. The cat sat on the banana."
    assert len(win.surprisal_panel.view.tokens) == len(result.tokens)
    win.close()


def test_resample_counts_and_cancel(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("My favourite colour is")
    win.sampling.max_tokens.setValue(2)
    panel = win.resample_panel
    panel.runs.setValue(5)
    with qtbot.wait_signal(panel.finished, timeout=T) as finished:
        assert panel.start()
    assert finished.args == [5, False]
    counts = [int(panel.outputs.item(r, 0).text()) for r in range(panel.outputs.rowCount())]
    assert sum(counts) == 5 and panel.progress.value() == 5
    assert "5 runs" in panel.summary.text()
    # Greedy: one distinct output.
    win.sampling.set_sampler(SamplerParams(temperature=0.0))
    panel.runs.setValue(3)
    with qtbot.wait_signal(panel.finished, timeout=T):
        panel.start()
    assert panel.outputs.rowCount() == 1 and panel.outputs.item(0, 0).text() == "3"
    # A long batch stops on Cancel, keeping what it counted.
    win.sampling.set_sampler(SamplerParams(temperature=1.0))
    panel.runs.setValue(1000)
    with qtbot.wait_signal(panel.finished, timeout=T) as stopped:
        with qtbot.wait_signal(panel.progressed, timeout=T):
            panel.start()
        panel.cancel()
    done, cancelled = stopped.args
    assert cancelled and 1 <= done < 1000
    win.close()
