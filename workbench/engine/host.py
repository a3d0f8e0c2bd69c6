"""The engine host: a child process that owns llama.cpp and answers protocol messages.

llama.cpp aborts the whole process on some errors (GPU out of memory, asserts on crafted files), so
it never runs inside the GUI. This process reads JSON requests on stdin and writes JSON replies to
a private copy of stdout; file descriptor 1 itself is pointed at stderr so that anything llama.cpp
prints cannot corrupt the channel. A reader thread takes cancel messages out of band while the
main thread is busy generating. When stdin closes (the parent died), the host exits.
"""

from __future__ import annotations

import codecs
import os
import queue
import random
import sys
import threading
import time
import traceback
from typing import IO, Any

import numpy as np

from workbench.engine import sampling
from workbench.engine.protocol import (
    PROTOCOL_VERSION,
    CandidateToken,
    Distribution,
    GenerateParams,
    GenerationDone,
    LoadParams,
    SamplerParams,
    Timings,
    TokenBatch,
    decode,
    encode,
)
from workbench.errors import NoModelLoaded, PromptError, WorkbenchError


FLUSH_S = 0.025


class Host:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.session: Any = None  # LlamaSession, imported lazily so start-up reports import errors
        self.requests: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.cancelled: set[int] = set()
        self.current = -1
        self._flushed_at = 0.0
        self._tokens: TokenBatch | None = None  # tokens of the running generation not yet sent
        self._last_next: tuple[np.ndarray, list[int], str] | None = None

    # -- channel --------------------------------------------------------------------------

    def send(self, message: dict[str, Any]) -> None:
        self.flush_tokens()  # generated tokens go out before whatever follows them
        self.out.write(encode(message))
        self.out.flush()
        self._flushed_at = time.monotonic()

    def flush_tokens(self) -> None:
        """Send the tokens generated since the last flush as one message.

        Generation calls this at most every FLUSH_S: each message wakes the reader, and on a small
        machine every wake-up, like every JSON encoding, is taken from llama.cpp's threads.
        """
        batch = self._tokens
        if batch is None or not batch.tokens:
            return
        self.out.write(encode(batch.message()))
        self.out.flush()
        self._flushed_at = time.monotonic()
        batch.clear()

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
        from workbench.engine import llama

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
        while True:
            msg = self.requests.get()
            if msg is None or msg.get("type") == "shutdown":
                break
            self.current = int(msg.get("id", -1))
            try:
                handler = getattr(self, "op_" + str(msg.get("type")), None)
                if handler is None:
                    raise WorkbenchError(f"Unknown engine request {msg.get('type')!r}.")
                handler(msg)
            except WorkbenchError as e:
                self.send({"type": "error", "id": self.current, "kind": type(e).__name__, "message": str(e)})
            except Exception as e:  # a bug of ours: report it, keep serving
                traceback.print_exc(file=sys.stderr)
                self.send({"type": "error", "id": self.current, "kind": "EngineError", "message": f"Engine error: {e!r}"})
            finally:
                self.cancelled.discard(self.current)
                self._tokens = None
        if self.session:
            self.session.close()

    def need_session(self) -> Any:
        if self.session is None:
            raise NoModelLoaded("No model is loaded. Load a model first.")
        return self.session

    # -- operations -----------------------------------------------------------------------

    def op_load(self, msg: dict[str, Any]) -> None:
        params = LoadParams.from_dict(msg["params"])
        if self.session:
            self.session.close()
            self.session = None
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

        self._last_next = None
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
        if self.session:
            self.session.close()
            self.session = None
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

    def _prompt_ids(self, s: Any, params: GenerateParams) -> list[int]:
        ids = s.tokenize(params.prompt, params.add_special, params.parse_special) if params.prompt else s.start_tokens()
        s.check_ids(params.suffix_ids)
        ids = ids + list(params.suffix_ids)
        if not ids:
            raise PromptError("The prompt is empty (and this model has no start token). Type a prompt.")
        return ids

    def op_perplexity(self, msg: dict[str, Any]) -> None:
        """Logprob of every token of a text under the model, in windows of the context size."""
        s = self.need_session()
        text = str(msg["text"])
        ids = s.tokenize(text, bool(msg.get("add_special", True)), False)
        if not ids:
            raise PromptError("The text is empty.")
        window = max(2, s.n_ctx - 1)
        logprobs: list[float | None] = []
        t0 = time.perf_counter()
        for start in range(0, len(ids), window):
            part = s.token_logprobs(ids[start : start + window], self.should_abort)
            if part is None:
                self.send({"type": "result", "id": self.current, "cancelled": True})
                return
            logprobs.extend(part)
        self.send(
            {
                "type": "result",
                "id": self.current,
                "ids": ids,
                "pieces": {i: s.piece(i).hex() for i in set(ids)},
                "logprobs": logprobs,
                "windows": (len(ids) + window - 1) // window,
                "window_tokens": window,
                "seconds": time.perf_counter() - t0,
            }
        )

    def op_next(self, msg: dict[str, Any]) -> None:
        s = self.need_session()
        params = GenerateParams.from_dict(msg["params"]).validate()
        top_n = max(1, min(int(msg.get("top_n", 20)), 1000))
        ids = self._prompt_ids(s, params)
        if not s.evaluate(ids, self.should_abort):
            self.send({"type": "result", "id": self.current, "cancelled": True})
            return
        row = s.last_logits().copy()
        start = s.piece(ids[0]).decode("utf-8", "replace") if not params.prompt and s.start_tokens() else ""
        self._last_next = (row, ids, start)  # kept so new sampler settings need no new evaluation
        dist = describe_distribution(s, row, params.sampler, ids, top_n, start)
        self.send({"type": "result", "id": self.current, "distribution": dist.to_dict()})

    def op_restage(self, msg: dict[str, Any]) -> None:
        """The last next-token distribution under other sampler settings, without evaluating again."""
        s = self.need_session()
        if self._last_next is None:
            raise PromptError("No next-token distribution yet: ask for one first.")
        row, ids, start = self._last_next
        sampler = SamplerParams.from_dict(msg["sampler"]).validate()
        dist = describe_distribution(s, row, sampler, ids, max(1, min(int(msg.get("top_n", 20)), 1000)), start)
        self.send({"type": "result", "id": self.current, "distribution": dist.to_dict()})

    def op_generate(self, msg: dict[str, Any]) -> None:
        s = self.need_session()
        params = GenerateParams.from_dict(msg["params"]).validate()
        seed = params.sampler.seed if params.sampler.seed is not None else random.SystemRandom().randrange(2**32)
        ids = self._prompt_ids(s, params)
        t0 = time.perf_counter()
        if not s.evaluate(ids, self.should_abort):
            self._done("cancelled", len(ids), 0, Timings(prompt_s=time.perf_counter() - t0), seed, "")
            return
        t1 = time.perf_counter()
        prompt_s = t1 - t0
        sampler = s.sampler(params.sampler, seed, ids)
        k = params.top_logprobs
        capture = sampling.RowCapture(k, params.token_entropy, self.llama.exp_sum, self.llama.exp_sum_address)
        utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        sent: set[int] = set()  # tokens whose bytes this generation has already sent
        batch = self._tokens = TokenBatch(self.current)
        text = ""
        n = 0
        reason = "length"
        context_full = False
        try:
            while n < params.max_tokens:
                if self.current in self.cancelled:
                    reason = "cancelled"
                    break
                row = s.last_logits()
                lse, entropy, top = capture(row)
                token = sampler.sample(s.ctx)  # reads the logits; does not change them
                if s.is_eog(token) and not params.ignore_eos:
                    reason = "stop"
                    break
                if k:
                    top_ids = top
                    top_logprobs = np.subtract(row[top], lse, dtype=np.float64).tolist()
                    for i in top_ids:
                        if i not in sent:
                            sent.add(i)
                            batch.pieces[i] = s.piece(i)
                else:
                    top_ids = top_logprobs = []
                piece = s.piece(token)
                if token not in sent:
                    sent.add(token)
                    batch.pieces[token] = piece
                batch.tokens.append([token, float(row[token]) - lse, entropy, top_ids, top_logprobs])
                if time.monotonic() - self._flushed_at >= FLUSH_S:
                    self.flush_tokens()
                n += 1
                text += utf8.decode(piece)
                if params.stop and (cut := _find_stop(text, params.stop)) is not None:
                    text = text[:cut]
                    reason = "stop"
                    break
                if n >= params.max_tokens:
                    break
                if len(s.past) >= s.n_ctx:
                    context_full = True
                    break
                s.step(token)
        finally:
            sampler.close()
        if reason != "stop" or not params.stop:
            text += utf8.decode(b"", final=True)
        gen_s = time.perf_counter() - t1
        timings = Timings(
            prompt_s=prompt_s,
            gen_s=gen_s,
            tokens_per_s=n / gen_s if gen_s > 0 else 0.0,
            prompt_tokens_per_s=len(ids) / prompt_s if prompt_s > 0 else 0.0,
        )
        self._done(reason, len(ids), n, timings, seed, text, context_full)

    def _done(
        self, reason: str, n_prompt: int, n_gen: int, timings: Timings, seed: int, text: str, context_full: bool = False
    ) -> None:
        done = GenerationDone(reason, n_prompt, n_gen, timings, seed, context_full)
        self.send({"type": "done", "id": self.current, "done": done.to_dict(), "text": text})


def _find_stop(text: str, stops: list[str]) -> int | None:
    hits = [text.find(s) for s in stops if s and s in text]
    return min(hits) if hits else None


def describe_distribution(
    s: Any, row: np.ndarray, params: SamplerParams, history: list[int], top_n: int, start_token: str = ""
) -> Distribution:
    """The top-N next tokens with their probabilities and what the sampler does to each."""
    lse = sampling.log_softmax_normaliser(row)
    stages = sampling.run_stages(row, params, history)
    ids = sampling.top_ids(row, top_n)
    cut = stages.cut_by(ids)
    final = dict(zip(stages.kept.tolist(), stages.final_probs.tolist()))
    tokens = []
    for i, tid in enumerate(ids.tolist()):
        logprob = float(row[tid]) - lse
        piece = s.piece(tid)
        tokens.append(
            CandidateToken(
                id=tid,
                text=piece.decode("utf-8", errors="replace"),
                bytes=piece,
                logprob=logprob,
                prob=float(np.exp(logprob)),
                kept=cut[i] is None,
                cut_by=cut[i],
                final_prob=final.get(tid, 0.0),
            )
        )
    shown = sum(t.prob for t in tokens)
    return Distribution(
        prompt_tokens=len(history),
        tokens=tokens,
        entropy=sampling.entropy_nats(row, lse),
        mass_outside=max(0.0, 1.0 - shown),
        n_kept=int(stages.kept.shape[0]),
        stages=[{"stage": "vocabulary", "kept": int(row.shape[0])}]
        + [{"stage": name, "kept": int(alive.shape[0])} for name, alive in stages.survivors],
        start_token=start_token,
    )


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
