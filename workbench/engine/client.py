"""The client side of the engine: starts and watches the host process, and offers a plain Python API.

``EngineClient`` is thread-safe: one request at a time runs (a lock), while ``cancel()`` may be
called from any thread. If the host dies, the caller gets EngineCrashed with the last lines the
host printed, and the next request starts a fresh host and reloads the last model.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from workbench.engine.protocol import PROTOCOL_VERSION, TokenDecoder, decode, encode, error_from_message
from workbench.values.params import GenerateParams, LoadParams, SamplerParams
from workbench.values.results import (
    ContinuationScores, Distribution, GenerationDone, GenerationResult, LoadedModel, Surprisal, Timings,
)
from workbench.values.tokens import TokenEvent
from workbench.errors import EngineClosed, EngineCrashed, EngineError, ModelLoadError, NoModelLoaded, WorkbenchError
from workbench.models.gguf import read_header

# After this, a host that has not stopped is killed. A responsive host stops within a token (tens of
# milliseconds; the window says "stopping" meanwhile), but a busy CPU can stretch one token to
# seconds, and a kill costs a restart and a reload of the model: wait that long first.
CANCEL_GRACE_S = 3.0


def host_command() -> list[str]:
    """How to start the host: works from a source tree, a venv and a frozen (PyInstaller) bundle."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--engine-host"]
    return [sys.executable, "-m", "workbench.engine.host"]


# What a host that died loading a model printed when memory ran out: ggml's assert on a failed
# allocation, a C++ allocation failure, a failed mmap.
_OUT_OF_MEMORY = re.compile(r"mem_buffer != NULL|bad_alloc|Cannot allocate memory|out of memory|failed to allocate", re.I)


def _crash_said(crash: EngineCrashed) -> str:
    """What names a crash: the signal (or exit code) and the host's last telling output."""
    how = str(crash.fields.get("signal") or crash.fields.get("code") or "")
    output = str(crash.fields.get("output") or "")
    return ": ".join(part for part in (how, output) if part) or "no output"


def _out_of_memory(crash: EngineCrashed) -> bool:
    """The host most likely died for lack of memory: it said so, or was SIGKILLed (the kernel's
    out-of-memory killer; a kill to stop it is not a crash)."""
    return bool(_OUT_OF_MEMORY.search(str(crash.fields.get("output") or ""))) or crash.fields.get("signal") == "SIGKILL"


def _close_pipes(proc: subprocess.Popen[bytes]) -> None:
    """Close our ends of a finished host's pipes (stderr belongs to its drain thread)."""
    for stream in (proc.stdin, proc.stdout):
        if stream:
            try:
                stream.close()
            except OSError:
                pass  # a broken pipe to a dead process


class GenerationStream:
    """A running generation: iterate for its TokenEvents as they come; ``result()`` once it ends.

    The stream is consumed once. Its final value is a separate, immutable GenerationResult."""

    def __init__(self) -> None:
        self._events: Iterator[TokenEvent] = iter(())
        self._tokens: list[TokenEvent] = []
        self._text: str | None = None
        self._done: GenerationDone | None = None

    def __iter__(self) -> Iterator[TokenEvent]:
        for event in self._events:
            self._tokens.append(event)
            yield event

    def _finish(self, text: str, done: GenerationDone) -> None:
        self._text, self._done = text, done

    @property
    def tokens(self) -> list[TokenEvent]:
        """The tokens received so far."""
        return list(self._tokens)

    def result(self) -> GenerationResult:
        """Consume the rest of the stream and return the whole generation."""
        for _ in self:
            pass
        return self.partial()

    def partial(self) -> GenerationResult:
        """What came so far. After a failure: the tokens before it, and ``done`` None, or, when
        the host died under it, an ``error`` end with the seed it was drawing with (so that the
        failed run can be repeated) and the prompt's size and timings this side saw."""
        text = self._text
        if text is None:
            text = b"".join(t.bytes for t in self._tokens).decode("utf-8", "replace")
        return GenerationResult(list(self._tokens), text, self._done)


def with_seed(params: GenerateParams) -> GenerateParams:
    """``params`` with a random seed drawn here, so this side knows it whatever becomes of the host."""
    if params.sampler.seed is not None:
        return params
    seed = random.SystemRandom().randrange(2**32)
    return dataclasses.replace(params, sampler=dataclasses.replace(params.sampler, seed=seed))


class _SoFar:
    """What this side knows of a generation under way, for when its host is killed or shut down
    under it: the seed, the prompt's size (the host's ``started``), and when tokens arrived."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.prompt_tokens = 0
        self.started = time.perf_counter()  # when the host said it started (until then: asked)
        self.first: float | None = None  # when the first tokens arrived
        self.last = 0.0
        self.later = 0  # tokens that came after the first batch

    def on_started(self, message: dict[str, Any]) -> None:
        self.seed = int(message["seed"])
        self.prompt_tokens = int(message["prompt_tokens"])
        self.started = time.perf_counter()

    def on_tokens(self, count: int) -> None:
        self.last = time.perf_counter()
        if self.first is None:
            self.first = self.last
        else:
            self.later += count

    def done(self, tokens: int, reason: str = "cancelled") -> GenerationDone:
        """A cancelled (or, for a host that crashed, an ``error``) end with the timings measured
        on this side."""
        first = self.first
        evaluated = first is not None  # else stopped inside the prompt's evaluation
        prompt_s = (first if first is not None else time.perf_counter()) - self.started
        gen_s = self.last - first if first is not None else 0.0
        timings = Timings(
            prompt_s=prompt_s,
            gen_s=gen_s,
            tokens_per_s=self.later / gen_s if gen_s > 0 else 0.0,
            prompt_tokens_per_s=self.prompt_tokens / prompt_s if evaluated and prompt_s > 0 else 0.0,
        )
        return GenerationDone(reason, self.prompt_tokens, tokens, timings, self.seed)


class EngineClient:
    def __init__(self, log_path: Path | None = None) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._next_id = 0
        self._active: int | None = None
        self._cancel_requested: set[int] = set()
        self._killed_for_cancel = False
        self._closed = False
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=200)
        self._log_path = log_path
        self.load_params: LoadParams | None = None
        self.loaded: LoadedModel | None = None
        self.gpu_offload_supported: bool | None = None
        self.llama_cpp_version: str | None = None

    # -- process --------------------------------------------------------------------------

    @property
    def in_flight(self) -> bool:
        """A request is being answered by the host right now."""
        return self._active is not None

    @property
    def host_pid(self) -> int | None:
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    def _start(self) -> None:
        # No gdb backtrace on a llama.cpp abort: slow, and it buries the one line that says why.
        env = dict(os.environ, PYTHONUNBUFFERED="1", GGML_NO_BACKTRACE="1")
        self._stderr_tail.clear()  # a crash report must quote this host, not an earlier one
        self._proc = subprocess.Popen(
            host_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=False,
        )
        threading.Thread(target=self._drain_stderr, args=(self._proc.stderr,), daemon=True).start()
        self._killed_for_cancel = False
        ready = self._read()
        if ready.get("type") != "ready":
            raise EngineError.of("engine.not_started", detail=ready.get("message", ready))
        if ready.get("protocol") != PROTOCOL_VERSION:
            self._kill()
            raise EngineError.of("engine.protocol", theirs=ready.get("protocol"), ours=PROTOCOL_VERSION)
        self.gpu_offload_supported = bool(ready.get("gpu_offload_supported"))
        self.llama_cpp_version = ready.get("llama_cpp_version")

    def _drain_stderr(self, stream: IO[bytes]) -> None:
        log = open(self._log_path, "ab") if self._log_path else None
        try:
            for line in stream:
                self._stderr_tail.append(line.decode("utf-8", "replace").rstrip())
                if log:
                    log.write(line)
                    log.flush()
        finally:
            stream.close()
            if log:
                log.close()

    def _ensure_host(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        if self._closed:  # a request after close() (a search between two generations) starts nothing
            raise EngineClosed("The engine was shut down.")
        if self._proc is not None:
            _close_pipes(self._proc)
        self._proc = None
        self.loaded = None
        self._start()
        if self.load_params is not None:  # a fresh host after a crash: bring the model back
            self._load(self.load_params)

    def _kill(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()

    def _crash_error(self) -> EngineCrashed:
        proc = self._proc
        code = proc.wait() if proc else None
        lines = [line for line in self._stderr_tail if line.strip()]
        telling = [line for line in lines if re.search(r"GGML_ASSERT|error|fatal|terminate|what\(\)|Killed", line, re.I)]
        output = " | ".join((telling or lines)[-3:])
        said = "_said" if output else ""
        self.loaded = None
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return EngineCrashed.of("engine.killed" + said, signal=name, output=output)
        return EngineCrashed.of("engine.exited" + said, code=code, output=output)

    def _read(self) -> dict[str, Any]:
        proc = self._proc
        if proc is None or proc.stdout is None:
            raise EngineClosed("The engine was shut down.")
        try:
            line = proc.stdout.readline()
        except ValueError:  # closed by close() meanwhile
            raise EngineClosed("The engine was shut down.") from None
        if not line:
            raise self._crash_error()
        return decode(line)

    def _send(self, message: dict[str, Any]) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise EngineClosed("The engine was shut down.")
        try:
            with self._write_lock:
                proc.stdin.write(encode(message))
                proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            if self._proc is None:
                raise EngineClosed("The engine was shut down.") from None
            raise self._crash_error() from None

    def _request(self, message: dict[str, Any]) -> int:
        self._cancel_requested.clear()  # cancels of earlier requests no longer matter
        self._next_id += 1
        message["id"] = self._next_id
        self._active = self._next_id
        self._send(message)
        return self._next_id

    def _reply(self, rid: int) -> dict[str, Any]:
        while True:
            msg = self._read()
            if msg.get("id") not in (rid, -1):
                continue  # a late reply to an abandoned request
            if msg["type"] == "error":
                raise error_from_message(msg)
            return msg

    def _call(self, message: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._ensure_host()
            try:
                return self._reply(self._request(message))
            except EngineCrashed:
                if self._killed_for_cancel:
                    return {"type": "result", "cancelled": True}
                raise
            finally:
                self._active = None

    # -- public API -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the host now (otherwise the first request does)."""
        with self._lock:
            self._ensure_host()

    def _load(self, params: LoadParams, on_progress: Callable[[float], None] | None = None) -> LoadedModel | None:
        read_header(params.path)  # never hand llama.cpp a file our reader rejects
        rid = self._request({"type": "load", "params": params.to_dict()})
        while (reply := self._reply(rid))["type"] == "progress":
            if on_progress:
                on_progress(float(reply["fraction"]))
        if reply.get("cancelled"):
            self.loaded = None
            return None
        if rid in self._cancel_requested:
            # Cancelled just as the load finished: the user asked for no model, so unload it.
            self._reply(self._request({"type": "unload"}))
            self.loaded = None
            return None
        self.loaded = LoadedModel.from_dict(reply["model"])
        return self.loaded

    def load(self, params: LoadParams, on_progress: Callable[[float], None] | None = None) -> LoadedModel | None:
        """Load a model (replacing any other). Returns None if cancel() stopped the load."""
        with self._lock:
            self.load_params = None  # the host drops the old model first; a restart must not reload it
            self._ensure_host()
            try:
                loaded = self._load(params, on_progress)
            except EngineCrashed as e:
                if self._killed_for_cancel:
                    return None
                # Bad input (exit 2), naming the file, the signal and what llama.cpp printed; the
                # next request starts a fresh host with no model. Memory running out is said as
                # such (the file may be fine); otherwise the file, not the engine, is at fault.
                said = _crash_said(e)
                if _out_of_memory(e):
                    reason = f"it ran out of memory ({said})."
                    raise ModelLoadError.of("load.failed", path=params.path, reason=reason) from None
                raise ModelLoadError.of("load.crashed", path=params.path, output=said) from None
            finally:
                self._active = None
            self.load_params = params if loaded else None
            return loaded

    def unload(self) -> None:
        with self._lock:
            self.load_params = None
            if self._proc and self._proc.poll() is None:
                self._call({"type": "unload"})
            self.loaded = None

    def tokenize(self, text: str, add_special: bool = True, parse_special: bool = False) -> list[tuple[int, bytes]]:
        ids, pieces, _ = self.tokenize_pieces(text, add_special, parse_special)
        return [(i, pieces[i]) for i in ids]

    def tokenize_pieces(
        self, text: str, add_special: bool = True, parse_special: bool = False
    ) -> tuple[list[int], dict[int, bytes], set[int]]:
        """The token ids of ``text`` under the loaded model's tokenizer, the bytes of each distinct
        token, and which of them are special (control) tokens."""
        self._need_model()
        reply = self._call({"type": "tokenize", "text": text, "add_special": add_special, "parse_special": parse_special})
        pieces = {int(i): bytes.fromhex(p) for i, p in reply["pieces"].items()}
        return reply["ids"], pieces, set(reply.get("special", ()))

    def detokenize(self, ids: list[int]) -> bytes:
        self._need_model()
        return bytes.fromhex(self._call({"type": "detokenize", "ids": list(ids)})["bytes"])

    def host_rss_bytes(self) -> int:
        return int(self._call({"type": "stats"})["rss_bytes"])

    def next_token(self, params: GenerateParams, top_n: int = 20) -> Distribution | None:
        """The next-token distribution after the prompt; None if cancelled."""
        self._need_model()
        params.validate()
        reply = self._call({"type": "next", "params": params.to_dict(), "top_n": top_n})
        if reply.get("cancelled"):
            return None
        return Distribution.from_dict(reply["distribution"])

    def score_continuations(self, params: GenerateParams, texts: list[str]) -> ContinuationScores | None:
        """The log-probability of each of ``texts`` right after the prompt of ``params`` (labels
        for logprob classification); None if cancelled."""
        self._need_model()
        params.validate()
        reply = self._call({"type": "continuations", "params": params.to_dict(), "texts": list(texts)})
        if reply.get("cancelled"):
            return None
        return ContinuationScores.from_dict(reply["scores"])

    def surprisal(self, text: str, add_special: bool = True) -> Surprisal | None:
        """The logprob of each token of ``text`` given the ones before it; None if cancelled."""
        self._need_model()
        reply = self._call({"type": "perplexity", "text": text, "add_special": add_special})
        if reply.get("cancelled"):
            return None
        pieces = {int(i): bytes.fromhex(p) for i, p in reply["pieces"].items()}
        return Surprisal(
            tokens=[(i, pieces[i], lp) for i, lp in zip(reply["ids"], reply["logprobs"])],
            windows=int(reply["windows"]),
            window_tokens=int(reply["window_tokens"]),
            seconds=float(reply["seconds"]),
        )

    def restage(self, sampler: SamplerParams, top_n: int = 20) -> Distribution:
        """The last next-token distribution under other sampler settings (no model evaluation)."""
        self._need_model()
        reply = self._call({"type": "restage", "sampler": sampler.validate().to_dict(), "top_n": top_n})
        return Distribution.from_dict(reply["distribution"])

    def generate(self, params: GenerateParams) -> GenerationStream:
        """Start generating; iterate the returned stream for tokens as they come."""
        self._need_model()
        params.validate()
        stream = GenerationStream()
        stream._events = self._stream(params, stream)
        return stream

    def _stream(self, params: GenerateParams, stream: GenerationStream) -> Iterator[TokenEvent]:
        with self._lock:
            self._ensure_host()
            params = with_seed(params)
            so_far = _SoFar(params.sampler.seed or 0)
            rid = self._request({"type": "generate", "params": params.to_dict()})
            decoder = TokenDecoder()
            finished = False
            try:
                while True:
                    try:
                        msg = self._reply(rid)
                    except EngineCrashed:
                        finished = True
                        if self._killed_for_cancel:
                            stream._finish(stream.partial().text, so_far.done(len(stream.tokens)))
                            return
                        # The host died: the run is an error, but one that keeps the seed drawn
                        # for it (here, or the host's ``started``) and what came before.
                        stream._finish(stream.partial().text, so_far.done(len(stream.tokens), "error"))
                        raise
                    except EngineClosed:  # shut down under it (the window closing): a cancel too
                        finished = True
                        stream._finish(stream.partial().text, so_far.done(len(stream.tokens)))
                        raise
                    except WorkbenchError:
                        finished = True  # the host answered with an error: the request is over
                        raise
                    if msg["type"] == "tokens":
                        so_far.on_tokens(len(msg["tokens"]))
                        yield from decoder.events(msg)
                    elif msg["type"] == "started":
                        so_far.on_started(msg)
                    elif msg["type"] == "done":
                        stream._finish(msg.get("text", ""), GenerationDone.from_dict(msg["done"]))
                        finished = True
                        return
            finally:
                self._active = None
                if not finished and self._proc and self._proc.poll() is None:
                    # The consumer stopped early: cancel and drain so the channel stays in step.
                    try:
                        self._send({"type": "cancel", "id": rid})
                        while self._reply(rid)["type"] != "done":
                            pass
                    except (EngineCrashed, EngineClosed):
                        pass

    def cancel(self) -> None:
        """Stop the running request (generation or prompt evaluation): the host stops at the next
        token, or inside llama.cpp when that is slow; one still busy after CANCEL_GRACE_S is killed."""
        rid = self._active
        proc = self._proc
        if rid is None or proc is None or proc.poll() is not None:
            return
        self._cancel_requested.add(rid)
        try:
            self._send({"type": "cancel", "id": rid})
        except EngineCrashed:
            return

        def watchdog() -> None:
            # The host polls for cancel between tokens and inside long decodes; if it is stuck
            # in llama.cpp anyway, kill it: a restart is better than a frozen Stop button.
            deadline = threading.Event()
            deadline.wait(CANCEL_GRACE_S)
            if self._active == rid and proc.poll() is None:
                self._killed_for_cancel = True
                proc.kill()

        threading.Thread(target=watchdog, daemon=True).start()

    def _need_model(self) -> None:
        if self.load_params is None:
            raise NoModelLoaded.of("engine.no_model")

    def close(self) -> None:
        """Shut the host down (politely, then by force), also in the middle of a generation. The
        client is done after this: a later request raises EngineClosed."""
        self._closed = True
        self.cancel()
        with self._write_lock:
            proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            try:
                assert proc.stdin
                proc.stdin.write(encode({"type": "shutdown"}))
                proc.stdin.close()
                proc.wait(timeout=3)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
        _close_pipes(proc)

    def __enter__(self) -> EngineClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
