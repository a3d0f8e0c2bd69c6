"""The prompt's token count, kept current off the GUI thread.

Tokenizing a long prompt takes the engine a while (about a second for 800 kB), and rendering a
long chat through its template tens of milliseconds, so both run on a worker thread. Counts must
not pile up on the engine while the user types: at most one count is in flight; a request made
meanwhile waits as the one pending request (a newer one replaces it), and is sent when the
answer comes. Answers therefore arrive in the order they
were asked, and an answer is shown only when it is newer than the one shown, so a stale count
never overwrites a newer one. A request refused because the engine is busy is sent again when
it is idle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from workbench.gui.bridge import EngineBridge


@dataclass(frozen=True)
class _Request:
    generation: int
    prompt: Callable[[], str]  # makes the exact prompt (on the worker thread)
    parse_special: bool
    model: object  # the loaded model the count is for: an answer for another model is dropped


class TokenCounter(QObject):
    """Counts prompts on the engine in the background, one at a time, the newest winning."""

    counted = Signal(int)  # tokens of the newest prompt counted so far
    failed = Signal(object)  # the WorkbenchError making the newest prompt raised

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._generation = 0
        self._shown = 0  # generation of the count shown last
        self._in_flight: tuple[int, _Request] | None = None  # (bridge serial, request)
        self._pending: _Request | None = None  # the newest request, sent when the engine answers or is idle
        bridge.tokensCounted.connect(self._answered)
        bridge.countFailed.connect(self._answered)
        bridge.busyChanged.connect(self._busy_changed)

    @property
    def in_flight(self) -> bool:
        return self._in_flight is not None

    def count(self, prompt: Callable[[], str], parse_special: bool, model: object) -> None:
        """Count the prompt that ``prompt()`` makes (called on a worker thread: it must not touch
        widgets) for ``model`` (the loaded model); ``counted`` or ``failed`` says the answer."""
        self._generation += 1
        self._pending = _Request(self._generation, prompt, parse_special, model)
        if self._in_flight is None:
            self._send()

    def reset(self) -> None:
        """Forget what was asked: an answer on its way is no longer shown."""
        self._generation += 1
        self._shown = self._generation
        self._pending = None

    def _send(self) -> None:
        request = self._pending
        if request is None:
            return
        serial = self.bridge.count_tokens(request.prompt, request.parse_special)
        if serial is None:
            return  # the engine is busy: still pending, sent again when it is idle
        self._pending = None
        self._in_flight = (serial, request)

    def _answered(self, serial: int, answer: object) -> None:
        """A count (an int, -1 when it failed) or the error making its prompt raised."""
        if self._in_flight is None or self._in_flight[0] != serial:
            return
        request = self._in_flight[1]
        self._in_flight = None
        newest_model = self._pending.model if self._pending is not None else request.model
        if request.generation > self._shown and request.model is newest_model:
            if not isinstance(answer, int):
                self._shown = request.generation
                self.failed.emit(answer)
            elif answer >= 0:
                self._shown = request.generation
                self.counted.emit(answer)
        self._send()

    def _busy_changed(self, busy: bool) -> None:
        if not busy and self._in_flight is None:
            self._send()
