"""GUI part of `workbench bench`: time to a visible window, and event-loop stalls while tokens stream.

Run as ``python -m workbench.gui.bench_gui`` (offscreen); prints ``shown`` as soon as the window
is up, then one JSON line with the measurements. A 5 ms timer ticks during a full-speed
generation with the real engine; a stall is how late a tick comes.
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

TICK_MS = 5


# Prose-like lines: one paragraph per line, as in documents and chats.
MIXED = "今天我很高兴，因为 the weather is nice and 我们可以去公园散步。Tokenizers cut 中文 differently!\n"


def measure_token_lab(window: object, app: QApplication) -> dict[str, float]:
    """Tokenize 100,000 characters of mixed Chinese/English with the model and cl100k_base,
    and lay both lanes out in the tokens panel."""
    lab = window.token_lab  # type: ignore[attr-defined]
    text = (MIXED * (100_000 // len(MIXED) + 1))[:100_000]
    lab.input.blockSignals(True)
    lab.input.setPlainText(text)
    lab.input.blockSignals(False)
    lab.timer.stop()
    lab.client.tokenize("x")  # wait out the window's own start-up requests (token counts), not timed
    started = time.perf_counter()
    results = lab.compute(text, ["model", "cl100k_base"])
    tokenized = time.perf_counter()
    lab.show_results(results)
    for lane in lab.lanes.values():
        lane.view.viewport().repaint()
    app.processEvents()
    done = time.perf_counter()
    return {
        "tokens_100k_total_s": done - started,
        "tokens_100k_tokenize_s": tokenized - started,
        "tokens_100k_layout_s": done - tokenized,
        "tokens_100k_counts": [r.count for _, r, _ in results if r is not None],  # type: ignore[dict-item]
    }


def main() -> int:
    app = QApplication(sys.argv)
    from workbench.gui.app import create_window

    window = create_window("default")
    window.show()
    app.processEvents()
    print("shown", flush=True)

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    result: dict[str, object] = {}

    def start() -> None:
        result.update(measure_token_lab(window, app))
        window.editors.set_mode("completion")
        window.editors.completion.setPlainText("Write a long story about a lighthouse keeper. Once upon a time,")
        window.sampling.max_tokens.setValue(int(sys.argv[1]) if len(sys.argv) > 1 else 256)
        window.sampling.temperature.setValue(0.8)
        timer.start()
        window.run()

    def finished(generation: object) -> None:
        timer.stop()
        stalls = sorted(max(0.0, (b - a) * 1000 - TICK_MS) for a, b in zip(ticks, ticks[1:]))
        p99 = stalls[min(len(stalls) - 1, int(len(stalls) * 0.99))] if stalls else 0.0
        result.update(
            gui_stall_p99_ms=p99,
            gui_stall_max_ms=stalls[-1] if stalls else 0.0,
            gui_streamed_tokens=len(window.output.tokens),
            gui_tokens_per_s=generation.done.timings.tokens_per_s if generation.done else 0.0,  # type: ignore[attr-defined]
        )
        window.close()
        app.quit()

    window.bridge.modelLoaded.connect(lambda _m: QTimer.singleShot(0, start))
    window.runFinished.connect(finished)
    window.bridge.loadFailed.connect(lambda msg: (result.update(error=msg), app.quit()))
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    print(json.dumps(result), flush=True)
    return 0 if "gui_stall_p99_ms" in result else 1


if __name__ == "__main__":
    raise SystemExit(main())
