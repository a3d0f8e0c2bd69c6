"""Qt bridge to the engine: the window's one owner of its engine client.

Every piece of engine work in the window goes through here: loads, runs, votes and searches,
and every panel's work (next token, surprisal, resample). Such work runs on a worker thread
under one busy state (``busy``, ``busyChanged``), so an action that needs the engine can be
disabled whatever started it. Quick reads (token counts, the Tokens panel's model lane) run
beside it but only while the engine is idle; they are refused while it is busy (ask again on
``busyChanged(False)``).

Loading a model while other work runs switches to it: the work is stopped (a run ends cancelled,
and its result is reported as any other), then the model loads under the same busy state
(``loadStarted`` says when).

The engine is the local one (``local``: the engine host, kept for the window's life) or a model
on a configured endpoint (``load_remote``: a ``RemoteEngine``, with the same signals as a local
load); ``client`` is the one in use. A local load after a remote one closes the remote engine.

The GUI thread never waits on the engine. Tokens are coalesced (at most one signal every ~30 ms)
so that a fast model cannot flood the event loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.app.endpoints import EndpointStore, ModelRef
from workbench.app.prompt_spec import PreparedRun
from workbench.app.runs import RunExecutor, RunResult
from workbench.engine.client import EngineClient
from workbench.engine.remote.backend import RemoteEngine
from workbench.errors import EngineError, WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.qt_helpers import emit_safely
from workbench.models.info import ModelInfo, remote_info
from workbench.values.params import LoadParams
from workbench.values.results import LoadedModel

COALESCE_S = 0.03

Engine = EngineClient | RemoteEngine
Job = Callable[[Any], Any]  # called with the engine in use (an EngineClient or a RemoteEngine)


def remote_ref(spec: str) -> ModelRef | None:
    """``spec`` as a server model when it is ``ENDPOINT/MODEL`` of a configured endpoint (and no file)."""
    try:
        return EndpointStore().model_ref(spec)
    except WorkbenchError:  # a damaged endpoint file: the spec is taken as a file, which says what is wrong
        return None


class EngineBridge(QObject):
    """Runs engine work in the background and reports with signals."""

    loadProgress = Signal(float)  # 0..1
    modelLoaded = Signal(object)  # LoadedModel
    loadFailed = Signal(str)
    loadCancelled = Signal()  # also: a load waiting for other work to stop was called off
    loadStarted = Signal(object)  # LoadParams (or ModelRef) of a load that waited for other work to stop, starting now
    tokensCounted = Signal(int, int)  # request serial, token count (-1: the count failed)
    countFailed = Signal(int, object)  # request serial, the WorkbenchError that making its prompt raised
    runPrepared = Signal(object)  # PreparedRun made on the worker thread, just before it runs
    prepareFailed = Signal(object)  # the WorkbenchError making a run's prompt raised (nothing ran)
    runStopped = Signal()  # Stop came while a run was being made: it never started
    generationStarted = Signal()
    tokensArrived = Signal(list)  # list[TokenEvent], in order
    runFinished = Signal(object)  # RunResult of a single generation (its error set when it failed)
    busyChanged = Signal(bool)
    variantProgress = Signal(int, int, str)  # done, total, what
    variantFinished = Signal(object)  # RunResult of a vote or a search (its error set when it failed)
    jobFinished = Signal(int, object)  # serial, result of a submitted job
    jobFailed = Signal(int, str)  # serial, message
    failed = Signal(str)  # engine work ended in an unexpected error (a bug of ours): say so

    def __init__(self, client: EngineClient | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.local = client or EngineClient()  # the engine host: kept while a server model is in use
        self.client: Engine = self.local  # the engine in use
        self.loaded: LoadedModel | None = None
        self.remote_info: ModelInfo | None = None  # what the server said of the remote model in use
        self._busy = False
        self._loading = False
        self._pending_load: LoadParams | ModelRef | None = None  # asked for while other work runs
        self.load_waits = False  # the last load accepted waits (or waited) for other work to stop
        self._busy_lock = threading.Lock()
        self._serial = 0
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[[str], None] | None]] = {}
        self._executor: RunExecutor | None = None
        self._cancel_hooks: list[Callable[[], None]] = []
        self.jobFinished.connect(self._deliver)
        self.jobFailed.connect(self._deliver_failure)

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def load_pending(self) -> bool:
        """A load waits for the work that runs to stop."""
        return self._pending_load is not None

    @property
    def has_model(self) -> bool:
        engine = self.client
        if isinstance(engine, RemoteEngine):
            return engine.loaded is not None
        return engine.load_params is not None

    @property
    def remote(self) -> bool:
        """The engine in use is a server model."""
        return isinstance(self.client, RemoteEngine)

    def _emit(self, name: str, *args: object) -> None:
        emit_safely(self, name, *args)

    def _run(self, job: Callable[[], tuple[str, tuple[object, ...]]]) -> bool:
        """Run ``job`` on a worker thread. It returns its final signal (name, args), which is
        emitted after the engine is marked idle, so a slot may start the next job at once. A load
        asked for meanwhile runs next on the same thread, the engine busy throughout."""
        with self._busy_lock:
            if self._busy:
                return False
            self._busy = True
        self.busyChanged.emit(True)

        def wrapper() -> None:
            step: Callable[[], tuple[str, tuple[object, ...]]] | None = job
            while step is not None:
                try:
                    final = step()
                except Exception as e:  # never let a worker thread die silently
                    final = ("failed", (f"Unexpected engine error: {e!r}",))
                self._cancel_hooks.clear()  # before idle: the next job may install its own at once
                with self._busy_lock:
                    step = self._next_load()
                    self._busy = step is not None
                if step is None:
                    self._emit("busyChanged", False)
                # Before the next load's loadStarted: the work's result is taken in (a run saved
                # with the model it ran on) before the window turns to the next model.
                self._emit(final[0], *final[1])

        threading.Thread(target=wrapper, daemon=True, name="engine-job").start()
        return True

    def _next_load(self) -> Callable[[], tuple[str, tuple[object, ...]]] | None:
        """The load that waited for the work just ended (under the busy lock)."""
        params, self._pending_load = self._pending_load, None
        if params is None:
            return None
        self._loading = True
        if isinstance(params, ModelRef):
            return self._remote_job(params, waited=True)
        return self._load_job(params, waited=True)

    # -- exclusive work -------------------------------------------------------------------------

    def submit(
        self,
        job: Job,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[str], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> bool:
        """Run ``job(client)`` in the background under the busy state; ``done(result)`` or
        ``failed(message)`` then runs on the GUI thread; ``on_cancel`` runs when Stop is pressed.
        False (nothing runs) when the engine is busy."""
        self._serial += 1
        serial = self._serial

        def work() -> tuple[str, tuple[object, ...]]:
            try:
                return "jobFinished", (serial, job(self.client))
            except WorkbenchError as e:
                return "jobFailed", (serial, user_message(e))
            except Exception as e:  # a bug of ours: the panel hears of it and is usable again
                return "jobFailed", (serial, f"Unexpected engine error: {e!r}")

        if self._busy:
            return False
        self._callbacks[serial] = (done, failed)
        hooks = [on_cancel] if on_cancel is not None else []
        self._cancel_hooks[:] = hooks  # before the job starts: it may end before this returns
        if not self._run(work):
            del self._callbacks[serial]
            return False
        return True

    def _deliver(self, serial: int, result: object) -> None:
        done, _failed = self._callbacks.pop(serial, (None, None))
        if done is not None:
            done(result)

    def _deliver_failure(self, serial: int, message: str) -> None:
        _done, failed = self._callbacks.pop(serial, (None, None))
        if failed is not None:
            failed(message)

    def load(self, params: LoadParams) -> bool:
        """Load a model in the background (on the local engine: a server model in use is closed).
        While other work runs, stop it and load once it has ended (``load_waits`` then says so,
        and ``loadStarted`` when it begins; the latest such request wins). False while a model loads."""
        return self._ask_load(params)

    def load_remote(self, endpoint: str, model: str) -> bool:
        """Make ``endpoint``'s ``model`` the engine, in the background, as ``load`` does with a
        file: the server is asked for the model and what it provides, then modelLoaded (its
        LoadedModel names the server) or loadFailed with the reason. The local model is unloaded
        once the server's is there (the engine host stays for a later local load)."""
        return self._ask_load(ModelRef(endpoint, model))

    def _ask_load(self, params: LoadParams | ModelRef) -> bool:
        with self._busy_lock:
            if self._loading:
                return False
            waits = self.load_waits = self._busy
            stopping = self._pending_load is not None
            if waits:
                self._pending_load = params
            else:
                self._loading = True
        if waits:
            if not stopping:
                self._stop_work()
            return True
        job = self._remote_job(params) if isinstance(params, ModelRef) else self._load_job(params)
        if not self._run(job):
            self._cancel_hooks.clear()
            self._loading = False  # not expected: work starts on this (the GUI) thread only
            return False
        return True

    def _load_job(self, params: LoadParams, waited: bool = False) -> Callable[[], tuple[str, tuple[object, ...]]]:
        def job() -> tuple[str, tuple[object, ...]]:
            if waited:
                self._emit("loadStarted", params)
            self._drop_remote()
            try:
                self.loaded = self.local.load(params, on_progress=lambda f: self._emit("loadProgress", f))
            except WorkbenchError as e:
                self.loaded = None
                return "loadFailed", (user_message(e),)
            except Exception as e:
                self.loaded = None
                return "loadFailed", (f"Unexpected error while loading: {e!r}",)
            finally:
                self._loading = False
            if self.loaded is None:
                return "loadCancelled", ()
            return "modelLoaded", (self.loaded,)

        return job

    def _remote_job(self, target: ModelRef, waited: bool = False) -> Callable[[], tuple[str, tuple[object, ...]]]:
        # Cancel reaches the opening from the moment the job exists (it may wait for other work).
        stopped = threading.Event()
        opening: list[RemoteEngine] = []

        def stop() -> None:
            stopped.set()
            for engine in opening:
                engine.connection.abort()  # its requests in flight close

        self._cancel_hooks.append(stop)

        def job() -> tuple[str, tuple[object, ...]]:
            if waited:
                self._emit("loadStarted", target)
            try:
                return self._open_remote(target, opening, stopped)
            finally:
                self._loading = False

        return job

    def _open_remote(self, target: ModelRef, opening: list[RemoteEngine], stopped: threading.Event) -> tuple[str, tuple[object, ...]]:
        """Open ``target`` (on the worker); the model in use goes whatever the outcome, as a local load replaces it."""
        loaded: LoadedModel | None = None
        failure = ""
        try:
            engine = RemoteEngine(EndpointStore().get(target.endpoint), target.model)
            opening.append(engine)
            if not stopped.is_set():
                loaded = engine.open()
        except WorkbenchError as e:
            failure = user_message(e)
        except Exception as e:  # a bug of ours (or a cancelled request): said, the window lives on
            failure = f"Unexpected error while loading: {e!r}"
        self._drop_model()
        if loaded is None or stopped.is_set():
            for engine in opening:
                engine.close()
            return ("loadCancelled", ()) if stopped.is_set() else ("loadFailed", (failure,))
        engine = opening[0]
        self.client, self.loaded = engine, loaded
        self.remote_info = remote_info(loaded.path, engine.identity, loaded.n_ctx)
        return "modelLoaded", (loaded,)

    def _drop_remote(self) -> None:
        """Back to the local engine: the server model in use (if any) is closed."""
        engine = self.client
        self.client = self.local
        self.remote_info = None
        if engine is not self.local:
            engine.close()

    def _drop_model(self) -> None:
        """No model any more: a server model is closed, the local one unloaded (its host stays)."""
        self._drop_remote()
        self.loaded = None
        if self.local.load_params is not None:
            try:
                self.local.unload()
            except WorkbenchError:  # a host that died meanwhile holds no model either
                pass

    def run(self, prepared: PreparedRun | Callable[[], PreparedRun]) -> bool:
        """Run ``prepared`` in the background: a single generation streams coalesced tokens and
        ends with runFinished; a vote or a search reports variantProgress and ends with
        variantFinished. Returns False if busy.

        ``prepared`` may be a function that makes the run: it is called on the worker thread (a
        chat template takes up to its time limit, the window meanwhile stays live), then
        runPrepared says what it made, or prepareFailed why it could not, or runStopped that Stop
        came meanwhile (in those two cases nothing runs)."""
        executor = RunExecutor(self.client, lambda done, total, what: self._emit("variantProgress", done, total, what))
        pending: list[Any] = []
        last = [time.monotonic()]

        def on_token(token: Any) -> None:
            pending.append(token)
            now = time.monotonic()
            if now - last[0] >= COALESCE_S:
                self._emit("tokensArrived", pending[:])
                pending.clear()
                last[0] = now

        def job() -> tuple[str, tuple[object, ...]]:
            nonlocal prepared
            if callable(prepared):
                try:
                    prepared = prepared()
                except Exception as e:
                    self._executor = None
                    if isinstance(e, WorkbenchError):
                        return "prepareFailed", (e,)
                    raise
                if executor.stopped:  # Stop came while it was being made: nothing runs
                    self._executor = None
                    return "runStopped", ()
                self._emit("runPrepared", prepared)
            assert isinstance(prepared, PreparedRun)
            try:
                if not prepared.search:
                    self._emit("generationStarted")
                result: RunResult = executor.execute(prepared, on_token=on_token)
            except Exception as e:  # a bug of ours: the run fails with a message, the window lives on
                result = RunResult(prepared, error=EngineError(f"Unexpected engine error: {e!r}"))
            finally:
                self._executor = None
            if pending:
                self._emit("tokensArrived", pending[:])
            return ("variantFinished" if prepared.search else "runFinished"), (result,)

        if self._busy:
            return False
        self._executor = executor  # before the job starts: Stop pressed at once reaches it
        if not self._run(job):
            self._executor = None
            return False
        return True

    # -- quick reads ----------------------------------------------------------------------------

    def read(self, job: Job, done: Callable[[Any], None]) -> bool:
        """A quick read (tokenizing) beside the busy state, only while the engine is idle and has
        a model: ``done(result)`` is called on the worker thread (emit a signal from it). False
        when busy or without a model; a failure is dropped (the reader asks again later)."""
        if self._busy or not self.has_model:
            return False

        def work() -> None:
            try:
                result = job(self.client)
            except WorkbenchError:
                return
            done(result)

        threading.Thread(target=work, daemon=True, name="engine-read").start()
        return True

    def count_tokens(self, prompt: str | Callable[[], str], parse_special: bool) -> int | None:
        """Count the tokens of ``prompt`` in the background: a text, or a function that makes it
        (it runs on the worker thread too: rendering a long chat takes a while). The answer
        comes as tokensCounted(serial, n), or countFailed(serial, error) when the prompt cannot
        be made.

        Returns the request's serial, or None when the engine is busy (ask again later).
        """
        serial = self._serial = self._serial + 1

        def job(client: Engine) -> tuple[str, tuple[object, ...]]:
            # A count is advisory: whatever fails, an answer comes (-1), so the asker may ask again.
            try:
                text = prompt() if callable(prompt) else prompt
            except WorkbenchError as e:
                return "countFailed", (serial, e)
            except Exception:  # a bug of ours: Run says it when it makes the same prompt
                return "tokensCounted", (serial, -1)
            try:
                return "tokensCounted", (serial, len(client.tokenize_pieces(text, add_special=True, parse_special=parse_special)[0]))
            except Exception:  # the engine stopped or restarts meanwhile
                return "tokensCounted", (serial, -1)

        return serial if self.read(job, lambda answer: self._emit(answer[0], *answer[1])) else None

    # -- stopping -------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop whatever runs: a run, a vote or search, a panel's job, a load (also one waiting
        for other work to stop: loadCancelled, the model loaded before stays)."""
        with self._busy_lock:
            dropped, self._pending_load = self._pending_load, None
        if dropped is not None:
            self.loadCancelled.emit()
        self._stop_work()

    def _stop_work(self) -> None:
        for hook in list(self._cancel_hooks):
            hook()
        executor = self._executor
        if executor is not None:
            executor.cancel()
        self.client.cancel()

    def shutdown(self) -> None:
        """Stop whatever runs and end the engine process (window closing)."""
        self._pending_load = None
        if self.client is not self.local:
            self.client.close()
        self.local.close()
