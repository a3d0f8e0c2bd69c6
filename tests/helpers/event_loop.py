"""How long the GUI thread's event loop went without running: a timer that ticks every few
milliseconds and keeps the longest gap between its ticks (a stalled loop shows as one long gap)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QTimer

TICK_MS = 10


class StallMeter:
    """The longest gap, in seconds, between ticks of the event loop while it was measured."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.ticks = 0
        self._last = time.monotonic()

    def tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self._last)
        self._last = now
        self.ticks += 1


@contextmanager
def measured_event_loop() -> Iterator[StallMeter]:
    """Measure the event loop's stalls inside the ``with`` block (which must let the loop run,
    e.g. by waiting for a signal); the last gap, up to the block's end, counts too."""
    meter = StallMeter()
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(meter.tick)
    timer.start()
    try:
        yield meter
    finally:
        meter.tick()
        timer.stop()
