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
from workbench.errors import EngineClosed, WorkbenchError
from workbench.gui.qt_helpers import emit_safely
from workbench.prompts.variant_runner import VariantRunner, VariantTask

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
    variantProgress = Signal(int, int, str)  # done, total, what
    variantFinished = Signal(object, object)  # VariantTask, VariantResult
    variantFailed = Signal(str)

    def __init__(self, client: EngineClient | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client or EngineClient()
        self.loaded: LoadedModel | None = None
        self._busy = False
        self._loading = False
        self._busy_lock = threading.Lock()
        self._count_serial = 0
        self._variant_runner: VariantRunner | None = None

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def loading(self) -> bool:
        return self._loading

    def _emit(self, name: str, *args: object) -> None:
        emit_safely(self, name, *args)

    def _set_busy(self, busy: bool) -> None:
        with self._busy_lock:
            self._busy = busy
        self._emit("busyChanged", busy)

    def _run(self, job: Callable[[], tuple[str, tuple[object, ...]]]) -> bool:
        """Run ``job`` on a worker thread. It returns its final signal (name, args), which is
        emitted after the engine is marked idle, so a slot may start the next job at once."""
        with self._busy_lock:
            if self._busy:
                return False
            self._busy = True
        self.busyChanged.emit(True)

        def wrapper() -> None:
            final: tuple[str, tuple[object, ...]] | None = None
            try:
                final = job()
            except Exception as e:  # never let a worker thread die silently
                final = ("generationFailed", (f"Unexpected engine error: {e!r}",))
            finally:
                self._set_busy(False)
                if final is not None:
                    self._emit(final[0], *final[1])

        threading.Thread(target=wrapper, daemon=True, name="engine-job").start()
        return True

    def load(self, params: LoadParams) -> bool:
        """Load a model in the background. Returns False if the engine is busy."""

        def job() -> tuple[str, tuple[object, ...]]:
            self._loading = True
            try:
                self.loaded = self.client.load(params, on_progress=lambda f: self._emit("loadProgress", f))
            except WorkbenchError as e:
                self.loaded = None
                return "loadFailed", (str(e),)
            except Exception as e:
                self.loaded = None
                return "loadFailed", (f"Unexpected error while loading: {e!r}",)
            finally:
                self._loading = False
            if self.loaded is None:
                return "loadCancelled", ()
            return "modelLoaded", (self.loaded,)

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
            self._emit("tokensCounted", serial, n)

        threading.Thread(target=job, daemon=True, name="token-count").start()
        return serial

    def generate(self, params: GenerateParams) -> bool:
        """Generate in the background, streaming coalesced tokens. Returns False if busy."""

        def job() -> tuple[str, tuple[object, ...]]:
            self._emit("generationStarted")
            try:
                generation: Generation = self.client.generate(params)
                pending: list[Any] = []
                last = time.monotonic()
                for token in generation:
                    pending.append(token)
                    now = time.monotonic()
                    if now - last >= COALESCE_S:
                        self._emit("tokensArrived", pending)
                        pending, last = [], now
                if pending:
                    self._emit("tokensArrived", pending)
            except EngineClosed:
                return "generationFinished", (generation,)  # the window is closing
            except WorkbenchError as e:
                return "generationFailed", (str(e),)
            return "generationFinished", (generation,)

        return self._run(job)

    def run_variant(self, task: VariantTask) -> bool:
        """Run a self-consistency or tree-of-thought variant (many generations) in the background.
        Returns False if busy."""
        runner = VariantRunner(self.client, lambda done, total, what: self._emit("variantProgress", done, total, what))

        def job() -> tuple[str, tuple[object, ...]]:
            self._variant_runner = runner
            try:
                result = runner.run(task)  # the window closing stops it early, with what it found
            except WorkbenchError as e:
                return "variantFailed", (str(e),)
            finally:
                self._variant_runner = None
            return "variantFinished", (task, result)

        return self._run(job)

    def cancel(self) -> None:
        runner = self._variant_runner
        if runner is not None:
            runner.cancel()
        self.client.cancel()

    def shutdown(self) -> None:
        """Stop whatever runs and end the engine process (window closing)."""
        self.client.close()
