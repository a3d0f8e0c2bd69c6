"""The engine host: a child process that owns llama.cpp and answers protocol messages.

llama.cpp aborts the whole process on some errors (GPU out of memory, asserts on crafted files), so
it never runs inside the GUI. This process reads JSON requests on stdin and writes JSON replies to
a private copy of stdout; file descriptor 1 itself is pointed at stderr so that anything llama.cpp
prints cannot corrupt the channel. A reader thread takes cancel messages out of band while the
main thread is busy generating. When stdin closes (the parent died), the host exits.

The host only dispatches: each ``op_*`` parses a request, calls the decoding tier
(``workbench.engine.decoding``) or the session (``workbench.engine.llamacpp.session``), and sends
the reply.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
import traceback
from typing import IO, TYPE_CHECKING, Any

from workbench.engine import decoding
from workbench.engine.protocol import PROTOCOL_VERSION, TokenBatch, decode, encode, error_message
from workbench.errors import EngineError, NoModelLoaded, WorkbenchError
from workbench.values.params import GenerateParams, LoadParams, SamplerParams

if TYPE_CHECKING:
    from workbench.engine.llamacpp.session import LlamaSession


class _Outbox(TokenBatch):
    """The running generation's tokens not yet sent: the decoding tier's sink on this channel."""

    def __init__(self, request: int, out: IO[bytes]) -> None:
        super().__init__(request)
        self.out = out

    def flush(self) -> None:
        """Send the tokens generated since the last flush as one message."""
        if not self.tokens:
            return
        self.out.write(encode(self.message()))
        self.out.flush()
        self.clear()


class Host:
    """Reads requests, runs them one at a time on the session, and writes the replies."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.session: LlamaSession | None = None  # imported lazily, so start-up reports import errors
        self.requests: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.cancelled: set[int] = set()
        self.current = -1
        self._outbox: _Outbox | None = None  # the running generation's unsent tokens
        self.next_token = decoding.NextToken()

    # -- channel --------------------------------------------------------------------------

    def send(self, message: dict[str, Any]) -> None:
        if self._outbox is not None:
            self._outbox.flush()  # generated tokens go out before whatever follows them
        self.out.write(encode(message))
        self.out.flush()

    def read_requests(self, stream: IO[bytes]) -> None:
        """Reader thread: queue requests, apply cancels at once."""
        for line in stream:
            if not line.strip():
                continue
            msg = decode(line)
            if msg.get("type") == "cancel":
                self.cancelled.add(int(msg["id"]))
            else:
                self.requests.put(msg)
        self.requests.put(None)

    def should_abort(self) -> bool:
        return self.current in self.cancelled

    # -- main loop ------------------------------------------------------------------------

    def serve(self) -> None:
        from workbench.engine.llamacpp import session as llama

        self.llama = llama
        self.send(
            {
                "type": "ready",
                "protocol": PROTOCOL_VERSION,
                "pid": os.getpid(),
                "gpu_offload_supported": llama.gpu_offload_supported(),
                "llama_cpp_version": llama.llama_cpp_version(),
            }
        )
        try:
            while True:
                msg = self.requests.get()
                if msg is None or msg.get("type") == "shutdown":
                    break
                self.current = int(msg.get("id", -1))
                try:
                    handler = getattr(self, "op_" + str(msg.get("type")), None)
                    if handler is None:
                        raise WorkbenchError.of("engine.unknown_request", request=repr(msg.get("type")))
                    handler(msg)
                except WorkbenchError as e:
                    self.send(error_message(self.current, e))
                except Exception as e:  # a bug of ours: report it, keep serving
                    traceback.print_exc(file=sys.stderr)
                    self.send(error_message(self.current, EngineError.of("engine.bug", detail=repr(e))))
                finally:
                    self.cancelled.discard(self.current)
                    self._outbox = None
        finally:
            self.drop_session()

    def need_session(self) -> LlamaSession:
        if self.session is None:
            raise NoModelLoaded.of("engine.no_model")
        return self.session

    def drop_session(self) -> None:
        """Free the model and its context (before a load replaces it, on unload, at exit)."""
        self.next_token.clear()
        if self.session is not None:
            self.session.close()
            self.session = None

    # -- operations -----------------------------------------------------------------------

    def op_load(self, msg: dict[str, Any]) -> None:
        params = LoadParams.from_dict(msg["params"])
        self.drop_session()
        warnings: list[str] = []
        if params.n_gpu_layers and not self.llama.gpu_offload_supported():
            warnings.append(
                "This llama.cpp build has no GPU support, so the model runs on the CPU. "
                "Rebuild with `make run GPU=cuda` for NVIDIA GPU offload."
            )
            params.n_gpu_layers = 0
        t0 = time.perf_counter()

        def progress(fraction: float) -> bool:
            self.send({"type": "progress", "id": self.current, "fraction": fraction})
            return not self.should_abort()

        try:
            self.session = self.llama.LlamaSession(params, warnings, progress)
        except self.llama.LoadCancelled:
            self.send({"type": "result", "id": self.current, "cancelled": True})
            return
        loaded = self.session.describe(time.perf_counter() - t0)
        if not params.vocab_only and params.n_ctx > loaded.n_ctx_train:
            warnings.append(
                f"The context ({params.n_ctx}) is larger than the model was trained for "
                f"({loaded.n_ctx_train}); quality may drop past that."
            )
        self.send({"type": "loaded", "id": self.current, "model": loaded.to_dict()})

    def op_unload(self, msg: dict[str, Any]) -> None:
        self.drop_session()
        self.send({"type": "result", "id": self.current})

    def op_tokenize(self, msg: dict[str, Any]) -> None:
        s = self.need_session()
        ids = s.tokenize(msg["text"], msg.get("add_special", True), msg.get("parse_special", False))
        self.send(
            {
                "type": "result",
                "id": self.current,
                "ids": ids,
                # Each distinct token once: long texts repeat the same few thousand tokens.
                "pieces": {i: s.piece(i).hex() for i in set(ids)},
                "special": [i for i in set(ids) if s.is_special(i)],
            }
        )

    def op_detokenize(self, msg: dict[str, Any]) -> None:
        s = self.need_session()
        ids = [int(i) for i in msg["ids"]]
        s.check_ids(ids)
        self.send({"type": "result", "id": self.current, "bytes": b"".join(s.piece(i) for i in ids).hex()})

    def op_stats(self, msg: dict[str, Any]) -> None:
        self.send({"type": "result", "id": self.current, "rss_bytes": rss_bytes()})

    def op_perplexity(self, msg: dict[str, Any]) -> None:
        """Logprob of every token of a text under the model, in windows of the context size."""
        s = self.need_session()
        scores = decoding.score_text(s, str(msg["text"]), bool(msg.get("add_special", True)), self.should_abort)
        if scores is None:
            self.send({"type": "result", "id": self.current, "cancelled": True})
            return
        self.send(
            {
                "type": "result",
                "id": self.current,
                "ids": scores.ids,
                "pieces": {i: s.piece(i).hex() for i in set(scores.ids)},
                "logprobs": scores.logprobs,
                "windows": scores.windows,
                "window_tokens": scores.window_tokens,
                "seconds": scores.seconds,
            }
        )

    def op_continuations(self, msg: dict[str, Any]) -> None:
        """The logprob of each text in ``texts`` after the prompt of ``params``."""
        s = self.need_session()
        params = GenerateParams.from_dict(msg["params"]).validate()
        scores = decoding.score_continuations(s, params, [str(t) for t in msg["texts"]], self.should_abort)
        if scores is None:
            self.send({"type": "result", "id": self.current, "cancelled": True})
            return
        self.send({"type": "result", "id": self.current, "scores": scores.to_dict()})

    def op_next(self, msg: dict[str, Any]) -> None:
        s = self.need_session()
        params = GenerateParams.from_dict(msg["params"]).validate()
        dist = self.next_token.evaluate(s, params, _top_n(msg), self.should_abort)
        if dist is None:
            self.send({"type": "result", "id": self.current, "cancelled": True})
            return
        self.send({"type": "result", "id": self.current, "distribution": dist.to_dict()})

    def op_restage(self, msg: dict[str, Any]) -> None:
        """The last next-token distribution under other sampler settings, without evaluating again."""
        s = self.need_session()
        sampler = SamplerParams.from_dict(msg["sampler"]).validate()
        dist = self.next_token.restage(s, sampler, _top_n(msg))
        self.send({"type": "result", "id": self.current, "distribution": dist.to_dict()})

    def op_generate(self, msg: dict[str, Any]) -> None:
        s = self.need_session()
        params = GenerateParams.from_dict(msg["params"]).validate()
        self._outbox = _Outbox(self.current, self.out)
        request = self.current

        def started(seed: int, prompt_tokens: int) -> None:
            self.send({"type": "started", "id": request, "seed": seed, "prompt_tokens": prompt_tokens})

        result = decoding.generate(s, params, self.should_abort, self._outbox, started)
        self.send({"type": "done", "id": self.current, "done": result.done.to_dict(), "text": result.text})


def _top_n(msg: dict[str, Any]) -> int:
    return max(1, min(int(msg.get("top_n", 20)), 1000))


def rss_bytes() -> int:
    """Resident memory of this process (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def main() -> int:
    # Keep a private channel to the parent; send everything else that writes to fd 1 to stderr.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    host = Host(channel)
    reader = threading.Thread(target=host.read_requests, args=(sys.stdin.buffer,), daemon=True)
    reader.start()
    try:
        host.serve()
    except Exception as e:  # import or start-up failure: tell the parent, then exit
        traceback.print_exc(file=sys.stderr)
        try:
            host.send({"type": "error", "id": -1, "kind": "EngineError", "message": f"The engine could not start: {e}"})
        except OSError:
            pass
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
