"""Guards against a broken Qt binding: the app emits thousands of signals per run."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    value = Signal(float)


def test_signal_emit_keeps_reference_counts() -> None:
    # PySide6 6.12.0 released a reference to True on each emit() and crashed the interpreter.
    emitter = _Emitter()
    received: list[float] = []
    emitter.value.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(2000):
        emitter.value.emit(0.5)
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
    assert len(received) == 2000
