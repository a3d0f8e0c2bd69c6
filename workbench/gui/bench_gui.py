"""The window parts of `workbench bench`, in the real app: ``tokens`` and ``gui``.

Run as ``python -m workbench.gui.bench_gui --parts tokens,gui --tokens 256`` (offscreen); prints
``shown`` as soon as the window is up, ``host <pid>`` once its engine has loaded the model (the
bench waits for that process to exit before its next part), then one JSON line with the
measurements. ``tokens``: 100,000 characters tokenized and laid out in the Tokens panel. ``gui``:
a 5 ms timer ticks during a full-speed generation with the real engine; a stall is how late a tick
comes. Then the Next-token panel: a distribution, and sampler changes restaged on it, each timed
from the panel's ``restage()`` to its chart repainted (the main window's own debounce of slider
moves, ``gui_restage_debounce_ms``, comes before that and is reported beside it). With both
parts, the Tokens panel goes first. ``--model`` picks the model (a path, or ``default``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer
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


def _wait_for(app: QApplication, signal: object, start: Callable[[], bool], timeout_s: float = 60.0) -> bool:
    """Run ``start()`` and the event loop until ``signal`` fires (False: refused or timed out)."""
    fired: list[object] = []
    slot = fired.append
    signal.connect(slot)  # type: ignore[attr-defined]
    try:
        if not start():
            return False
        deadline = time.perf_counter() + timeout_s
        while not fired and time.perf_counter() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)
        return bool(fired)
    finally:
        signal.disconnect(slot)  # type: ignore[attr-defined]


def measure_restage(window: object, app: QApplication) -> dict[str, float]:
    """The Next-token panel shown with a distribution, then each of ``RESTAGE_SETTINGS``: set in
    the Sampling panel, restaged, the chart repainted."""
    from workbench.bench import RESTAGE_SETTINGS

    panel = window.next_panel  # type: ignore[attr-defined]
    window.next_dock.show()  # type: ignore[attr-defined]
    window.next_dock.raise_()  # type: ignore[attr-defined]
    if not _wait_for(app, panel.distributionReady, panel.refresh):
        return {}
    times = []
    for sampler in RESTAGE_SETTINGS:
        window.sampling.set_sampler(sampler)  # type: ignore[attr-defined]
        window.restage_timer.stop()  # type: ignore[attr-defined]  # timed from the restage itself
        started = time.perf_counter()
        if not _wait_for(app, panel.distributionReady, panel.restage):
            return {}
        panel.chart.repaint()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "gui_restage_ms": statistics.median(times),
        "gui_restage_max_ms": max(times),
        "gui_restage_debounce_ms": float(window.restage_timer.interval()),  # type: ignore[attr-defined]
    }


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m workbench.gui.bench_gui")
    parser.add_argument("--parts", default="tokens,gui", help="comma-separated: tokens, gui")
    parser.add_argument("--tokens", type=int, default=256, help="tokens streamed while stalls are measured")
    parser.add_argument("--model", default="default", help="a .gguf file or 'default'")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    parts = set(args.parts.split(","))
    app = QApplication(sys.argv[:1])
    from workbench.gui.app import create_window

    window = create_window(args.model)
    window.show()
    app.processEvents()
    print("shown", flush=True)

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    result: dict[str, object] = {}

    def quit_app() -> None:
        window.close()  # shuts the engine host down and waits for it
        app.quit()

    def start() -> None:
        host = window.bridge.client.host_pid
        if host is not None:
            print(f"host {host}", flush=True)
        if "tokens" in parts:
            result.update(measure_token_lab(window, app))
        if "gui" not in parts:
            quit_app()
            return
        window.editors.set_mode("completion")
        window.editors.completion.setPlainText("Write a long story about a lighthouse keeper. Once upon a time,")
        window.sampling.max_tokens.setValue(args.tokens)
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
        QTimer.singleShot(0, restage_then_quit)  # once the run has been taken in

    def restage_then_quit() -> None:
        result.update(measure_restage(window, app))
        quit_app()

    window.bridge.modelLoaded.connect(lambda _m: QTimer.singleShot(0, start))
    window.runFinished.connect(finished)
    window.bridge.loadFailed.connect(lambda msg: (result.update(error=msg), quit_app()))
    QTimer.singleShot(120_000, quit_app)
    app.exec()
    print(json.dumps(result), flush=True)
    wanted = {"tokens": "tokens_100k_total_s", "gui": "gui_stall_p99_ms"}
    return 0 if all(wanted[p] in result for p in parts if p in wanted) else 1


if __name__ == "__main__":
    raise SystemExit(main())
