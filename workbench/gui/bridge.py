"""Qt bridge to the engine client: runs engine calls on worker threads and reports with signals.

The GUI thread never waits on the engine. Tokens are coalesced (at most one signal every ~30 ms)
so that a fast model cannot flood the event loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.engine.client import EngineClient, Generation
from workbench.engine.protocol import GenerateParams, LoadedModel, LoadParams
from workbench.errors import WorkbenchError

COALESCE_S = 0.03


class EngineBridge(QObject):
    loadProgress = Signal(float)  # 0..1
    modelLoaded = Signal(object)  # LoadedModel
    loadFailed = Signal(str)
    loadCancelled = Signal()
    tokensCounted = Signal(int, int)  # request serial, token count
    generationStarted = Signal()
    tokensArrived = Signal(list)  # list[TokenEvent], in order
    generationFinished = Signal(object)  # Generation (done, text, tokens)
    generationFailed = Signal(str)
    busyChanged = Signal(bool)

    def __init__(self, client: EngineClient | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client or EngineClient()
        self.loaded: LoadedModel | None = None
        self._busy = False
        self._loading = False
        self._busy_lock = threading.Lock()
        self._count_serial = 0

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def loading(self) -> bool:
        return self._loading

    def _set_busy(self, busy: bool) -> None:
        with self._busy_lock:
            self._busy = busy
        self.busyChanged.emit(busy)

    def _run(self, job: Callable[[], None]) -> bool:
        with self._busy_lock:
            if self._busy:
                return False
            self._busy = True
        self.busyChanged.emit(True)

        def wrapper() -> None:
            try:
                job()
            finally:
                self._set_busy(False)

        threading.Thread(target=wrapper, daemon=True, name="engine-job").start()
        return True

    def load(self, params: LoadParams) -> bool:
        """Load a model in the background. Returns False if the engine is busy."""

        def job() -> None:
            self._loading = True
            try:
                self.loaded = self.client.load(params, on_progress=self.loadProgress.emit)
            except WorkbenchError as e:
                self.loaded = None
                self.loadFailed.emit(str(e))
                return
            except Exception as e:  # never let a worker thread die silently
                self.loaded = None
                self.loadFailed.emit(f"Unexpected error while loading: {e!r}")
                return
            finally:
                self._loading = False
            if self.loaded is None:
                self.loadCancelled.emit()
            else:
                self.modelLoaded.emit(self.loaded)

        return self._run(job)

    def count_tokens(self, text: str, parse_special: bool) -> int | None:
        """Count tokens in the background; the answer comes as tokensCounted(serial, n).

        Returns the request's serial, or None when the engine is busy (ask again later).
        """
        if self._busy or self.client.load_params is None:
            return None
        self._count_serial += 1
        serial = self._count_serial

        def job() -> None:
            try:
                n = len(self.client.tokenize(text, add_special=True, parse_special=parse_special))
            except WorkbenchError:
                return
            self.tokensCounted.emit(serial, n)

        threading.Thread(target=job, daemon=True, name="token-count").start()
        return serial

    def generate(self, params: GenerateParams) -> bool:
        """Generate in the background, streaming coalesced tokens. Returns False if busy."""

        def job() -> None:
            self.generationStarted.emit()
            try:
                generation: Generation = self.client.generate(params)
                pending: list[Any] = []
                last = time.monotonic()
                for token in generation:
                    pending.append(token)
                    now = time.monotonic()
                    if now - last >= COALESCE_S:
                        self.tokensArrived.emit(pending)
                        pending, last = [], now
                if pending:
                    self.tokensArrived.emit(pending)
            except WorkbenchError as e:
                self.generationFailed.emit(str(e))
                return
            except Exception as e:
                self.generationFailed.emit(f"Unexpected engine error: {e!r}")
                return
            self.generationFinished.emit(generation)

        return self._run(job)

    def cancel(self) -> None:
        self.client.cancel()

    def shutdown(self) -> None:
        """Stop whatever runs and end the engine process (window closing)."""
        self.client.close()
