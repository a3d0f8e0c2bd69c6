"""The next-token panel with the real engine: chart, sampler stages, manual decoding, undo."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.helpers.window import T, open_window
from workbench.values.params import SamplerParams


def test_next_token_chart_manual_decoding_and_restage(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    panel = win.next_panel
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("The capital of France is")
    win.sampling.set_sampler(SamplerParams(temperature=0.8, top_k=3, top_p=1.0, min_p=0.0))
    with qtbot.wait_signal(panel.distributionReady, timeout=T) as shown:
        panel.next_button.click()
    dist = shown.args[0]
    assert panel.chart.dist is dist and len(dist.tokens) == 20
    assert [t.kept for t in dist.tokens[:4]] == [True, True, True, False]
    assert dist.tokens[3].cut_by == "top_k"
    assert "entropy" in panel.summary.text() and "top_k 3" in panel.summary.text()

    # A sampler change re-runs the stages only: same tokens, new survivors.
    with qtbot.wait_signal(panel.distributionReady, timeout=T) as restaged:
        win.sampling.top_k.setValue(1)
    assert [t.id for t in restaged.args[0].tokens] == [t.id for t in dist.tokens]
    assert [t.kept for t in restaged.args[0].tokens[:2]] == [True, False]

    # Click the best token: it is appended and the next distribution comes.
    first = dist.tokens[0]
    with qtbot.wait_signal(panel.distributionReady, timeout=T) as stepped:
        panel.chart.tokenClicked.emit(0)
    assert stepped.args[0].prompt_tokens == dist.prompt_tokens + 1
    assert panel.steps == [(first.id, first.bytes)] and panel.undo_button.isEnabled()
    # Number keys choose too; Undo steps back.
    with qtbot.wait_signal(panel.distributionReady, timeout=T):
        qtbot.keyClick(panel.chart, "2")
    assert len(panel.steps) == 2
    with qtbot.wait_signal(panel.distributionReady, timeout=T) as undone:
        panel.undo_button.click()
    assert len(panel.steps) == 1 and undone.args[0].prompt_tokens == dist.prompt_tokens + 1
    win.close()


def test_empty_prompt_shows_distribution_after_bos(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("")
    panel = win.next_panel
    with qtbot.wait_signal(panel.distributionReady, timeout=T) as ready:
        panel.refresh()
    # SmolLM2 does not add its start token to a text, but names one: the distribution follows it.
    dist = ready.args[0]
    assert dist.prompt_tokens == 1 and dist.start_token == "<|im_start|>"
    assert "start token <|im_start|>" in panel.summary.text()
    # A manual step from there keeps the start token in front.
    with qtbot.wait_signal(panel.distributionReady, timeout=T) as stepped:
        assert panel.choose(0)
    assert stepped.args[0].prompt_tokens == 2 and stepped.args[0].start_token == "<|im_start|>"
    win.close()


def test_loading_a_model_forgets_the_old_distribution_and_steps(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("completion")
    win.editors.completion.setPlainText("The cat sat on the")
    panel = win.next_panel
    with qtbot.wait_signal(panel.distributionReady, timeout=T):
        panel.refresh()
    with qtbot.wait_signal(panel.distributionReady, timeout=T):
        assert panel.choose(0)
    assert panel.steps and panel.chart.dist is not None
    with qtbot.wait_signal(win.bridge.modelLoaded, timeout=T):
        assert win.load_model("default")  # another load: the old vocabulary's ids must not carry over
    assert panel.steps == [] and panel.chart.dist is None and panel.summary.text() == ""
    assert not panel.undo_button.isEnabled()
    with qtbot.wait_signal(panel.distributionReady, timeout=T) as fresh:
        panel.refresh()
    assert fresh.args[0].prompt_tokens == len(win.bridge.client.tokenize("The cat sat on the"))  # no stepped ids appended
    win.close()
