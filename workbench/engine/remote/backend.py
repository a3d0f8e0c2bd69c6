"""The remote engine: an OpenAI-compatible server behind the interface of the local engine.

Completions and chats stream with per-token logprobs and top alternatives when the server gives
them (up to its limit); the next-token panel is a one-token request with top logprobs; prompt
logprobs (surprisal, label scores) come from ``echo`` with ``logprobs`` on ``/v1/completions``;
tokenization goes to the server's own endpoint where it has one. What the server cannot give is
said (``RemoteError`` naming what is missing), never filled in with made-up numbers.

Thread-safe: requests may run in parallel (an experiment's concurrency); ``cancel()`` stops
them all.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from workbench.engine import sampling
from workbench.engine.client import GenerationStream, with_seed
from workbench.engine.remote.capabilities import Capabilities, list_models, probe
from workbench.engine.remote.chat import messages_of
from workbench.engine.remote.endpoint import Endpoint
from workbench.engine.remote.http import Cancelled, Connection
from workbench.engine.remote.pieces import Pieces
from workbench.errors import RemoteError
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import (
    CandidateToken, Continuation, ContinuationScores, Distribution, GenerationDone, LoadedModel, Surprisal, Timings,
)
from workbench.values.tokens import TokenEvent

# A server that keeps streaming past the tokens asked for is cut off here (an endless stream).
OVERRUN = 16


class RemoteEngine:
    """One server model (``endpoint``, ``model``) as an engine."""

    def __init__(self, endpoint: Endpoint, model: str, capabilities: Capabilities | None = None) -> None:
        self.endpoint = endpoint
        self.model = model
        self.connection = Connection(endpoint)
        self.capabilities = capabilities
        self.pieces = Pieces()
        self.loaded: LoadedModel | None = None
        self.load_params = None
        self._active = 0
        self._active_lock = threading.Lock()
        self._cancelled = threading.Event()
        self.host_pid = None
        self.gpu_offload_supported = None
        self.llama_cpp_version = None
        self._last: tuple[list[Any], int] | None = None  # the last next-token alternatives listed
        self.identity: dict[str, Any] = {}

    # -- opening ----------------------------------------------------------------------------

    def open(self) -> LoadedModel:
        """Check the server has the model (else list the ones it has) and learn what it provides."""
        started = time.perf_counter()
        models, entries = list_models(self.connection)
        if self.model not in entries:
            listed = ", ".join(models[:20]) + (" ..." if len(models) > 20 else "") if models else "none"
            raise RemoteError(f"{self.endpoint.name} has no model {self.model!r}. It has: {listed}.")
        if self.capabilities is None:
            self.capabilities = probe(self.endpoint, self.model)
        caps = self.capabilities
        entry = entries[self.model]
        n_ctx = caps.n_ctx or _int(entry.get("max_model_len")) or _int((entry.get("meta") or {}).get("n_ctx_train")) or 0
        warnings = list(caps.warnings)
        if not caps.logprobs:
            warnings.append(f"{self.endpoint.name} gives no per-token probabilities: tokens are shown without them.")
        self.loaded = LoadedModel(
            path=f"{self.endpoint.name}/{self.model}", n_ctx=n_ctx, n_ctx_train=n_ctx, n_vocab=0, n_layer=0,
            n_gpu_layers_requested=0, n_gpu_layers_offloaded=0, gpu_offload_supported=False, n_threads=0,
            load_s=time.perf_counter() - started, warnings=warnings, remote=self.endpoint.url,
        )
        self.identity = {
            "endpoint": self.endpoint.name, "url": self.endpoint.url, "model": self.model, "server": caps.server,
            "owned_by": entry.get("owned_by"), "created": entry.get("created"),
        }
        return self.loaded

    # -- the engine interface -----------------------------------------------------------------

    @property
    def in_flight(self) -> bool:
        return self._active > 0

    def start(self) -> None:
        pass

    def cancel(self) -> None:
        """Stop every request in flight (their sockets close; a stream ends as cancelled)."""
        if self._active:
            self._cancelled.set()
            self.connection.abort()

    def close(self) -> None:
        self.cancel()

    def unload(self) -> None:
        self.loaded = None

    def __enter__(self) -> RemoteEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _begin(self) -> None:
        with self._active_lock:
            if self._active == 0:
                self._cancelled.clear()
            self._active += 1

    def _end(self) -> None:
        with self._active_lock:
            self._active -= 1

    def _top(self, wanted: int) -> int:
        caps = self.capabilities
        if caps is None or not caps.logprobs:
            return 0
        return min(wanted, caps.top_logprobs_max)

    def _body(self, params: GenerateParams, stream: bool) -> tuple[str, dict[str, Any]]:
        sampler = params.sampler
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": params.max_tokens,
            "temperature": sampler.temperature,
            "top_p": sampler.top_p,
            "min_p": sampler.min_p,
            "top_k": sampler.top_k if sampler.top_k > 0 else (-1 if self._server() == "vllm" else 0),
            "stream": stream,
        }
        # Sent even when off: llama-cpp-python's server defaults to 1.1 where it is left out.
        body["repetition_penalty" if self._server() == "vllm" else "repeat_penalty"] = sampler.repeat_penalty
        if sampler.repeat_penalty != 1.0:
            body["repeat_last_n"] = sampler.repeat_last_n
        if sampler.seed is not None:
            body["seed"] = sampler.seed
        if params.stop:
            body["stop"] = list(params.stop)
        if params.ignore_eos:
            body["ignore_eos"] = True
        top = self._top(params.top_logprobs)
        messages = messages_of(params.prompt) if params.server_chat else None
        if messages is not None:
            body["messages"] = messages
            if top or (self.capabilities and self.capabilities.logprobs):
                body["logprobs"] = True
                body["top_logprobs"] = top
            return "/v1/chat/completions", body
        body["prompt"] = params.prompt + self._suffix_text(params.suffix_ids)
        if self.capabilities and self.capabilities.logprobs:
            body["logprobs"] = max(1, top) if top else 1
        return "/v1/completions", body

    def _server(self) -> str:
        return self.capabilities.server if self.capabilities else ""

    def _suffix_text(self, ids: list[int]) -> str:
        """A branch's tokens (ids this engine gave, or the server tokenizer's) as text."""
        if not ids:
            return ""
        known = [self.pieces.bytes_of(i) for i in ids]
        if all(b is not None for b in known):
            return b"".join(b for b in known if b is not None).decode("utf-8", "replace")
        return self.detokenize(ids).decode("utf-8", "replace")

    def generate(self, params: GenerateParams) -> GenerationStream:
        """Stream a generation; a run without a seed gets one drawn here (sent to the server), so
        it can be repeated, as a local run can."""
        params = with_seed(params.validate())
        stream = GenerationStream()
        stream._events = self._stream(params, stream)
        return stream

    def _stream(self, params: GenerateParams, stream: GenerationStream) -> Iterator[TokenEvent]:
        path, body = self._body(params, stream=True)
        if self._server() == "vllm":
            body["stream_options"] = {"include_usage": True}
        chat = "messages" in body
        limit = params.top_logprobs
        seed = params.sampler.seed if params.sampler.seed is not None else 0
        asked = time.perf_counter()
        first: float | None = None
        count = 0
        finish = ""
        usage: dict[str, Any] = {}
        self._begin()
        try:
            events = self.connection.stream(path, body)
            try:
                for event in events:
                    if isinstance(event.get("usage"), dict):
                        usage = event["usage"]
                    for choice in event.get("choices") or []:
                        tokens = self.pieces.chat_tokens(choice, limit) if chat else self.pieces.completion_tokens(choice, limit)
                        for token in tokens:
                            if first is None:
                                first = time.perf_counter()
                            count += 1
                            yield token
                        finish = choice.get("finish_reason") or finish
                    if count >= params.max_tokens + OVERRUN:
                        events.close()  # it does not stop by itself (an endless stream): close this request only
                        finish = "length"
                        break
            except Cancelled:
                finish = "cancelled"
            if self._cancelled.is_set():
                finish = "cancelled"
            if not finish:
                raise RemoteError(f"{self.endpoint.name} closed the connection in the middle of its reply (it sent no "
                                  "finish reason); what came before is kept.", closed=True)
        finally:
            self._end()
        end = time.perf_counter()
        prompt_tokens = _int(usage.get("prompt_tokens")) or self._count(params)
        prompt_s = (first or end) - asked
        gen_s = end - first if first is not None else 0.0
        timings = Timings(prompt_s=prompt_s, gen_s=gen_s, tokens_per_s=(count - 1) / gen_s if gen_s > 0 and count > 1 else 0.0,
                          prompt_tokens_per_s=prompt_tokens / prompt_s if prompt_tokens and prompt_s > 0 else 0.0)
        reason = finish if finish in ("stop", "length", "cancelled") else "stop"
        stream._finish(stream.partial().text, GenerationDone(reason, prompt_tokens, count, timings, seed))

    def _count(self, params: GenerateParams) -> int:
        """The prompt's size by the server's tokenizer, for a server that streams no usage (0 if it cannot say)."""
        if params.server_chat or not (self.capabilities and self.capabilities.tokenize):
            return 0
        try:
            return len(self.tokenize_pieces(params.prompt)[0])
        except RemoteError:
            return 0

    # -- distributions and scores ------------------------------------------------------------

    def _need(self, what: str, ok: bool, instead: str = "") -> None:
        if not ok:
            raise RemoteError(f"{self.endpoint.name} does not provide {what}" + (f"; {instead}" if instead else "") + ".")

    def next_token(self, params: GenerateParams, top_n: int = 20) -> Distribution | None:
        """The next-token distribution from a one-token request with the server's top logprobs;
        the sampler stages are followed over the tokens it listed (it lists no others)."""
        caps = self.capabilities
        self._need("per-token probabilities, which the next-token panel shows", bool(caps and caps.logprobs))
        one = GenerateParams(
            params.prompt, SamplerParams(temperature=0.0, seed=params.sampler.seed), max_tokens=1, top_logprobs=top_n,
            stop=[], suffix_ids=params.suffix_ids, server_chat=params.server_chat,
        )
        path, body = self._body(one, stream=False)
        reply = self._post(path, body)
        if reply is None:
            return None
        choice = (reply.get("choices") or [{}])[0]
        tokens = self.pieces.chat_tokens(choice, top_n) if "messages" in body else self.pieces.completion_tokens(choice, top_n)
        if not tokens or not tokens[0].top:
            raise RemoteError(f"{self.endpoint.name} answered without top logprobs although they were asked for.")
        listed = tokens[0].top
        usage = reply.get("usage") or {}
        self._last = (listed, _int(usage.get("prompt_tokens")) or 0)
        return listed_distribution(listed, params.sampler, self._last[1])

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        self._begin()
        try:
            return self.connection.post(path, body)
        except Cancelled:
            return None
        finally:
            self._end()

    def _echo(self, text: str) -> tuple[list[TokenEvent], list[int]] | None:
        """Every token of ``text`` with its logprob (None for the first) and its text offset."""
        caps = self.capabilities
        self._need("prompt logprobs (echo with logprobs)", bool(caps and caps.prompt_logprobs),
                   "the surprisal and label scores need a server that scores the prompt, such as vLLM")
        reply = self._post("/v1/completions", {"model": self.model, "prompt": text, "max_tokens": 1, "temperature": 0,
                                               "logprobs": 1, "echo": True})
        if reply is None:
            return None
        choice = (reply.get("choices") or [{}])[0]
        logprobs = choice.get("logprobs") or {}
        tokens = self.pieces.completion_tokens(choice, 1)
        offsets = [int(o) for o in logprobs.get("text_offset") or []]
        if len(offsets) != len(tokens):
            raise RemoteError(f"{self.endpoint.name} echoed the prompt without token offsets: its prompt logprobs cannot be placed.")
        # Drop the generated token: the prompt's are the ones that start inside it.
        kept = [(t, o) for t, o in zip(tokens, offsets) if o < len(text)]
        return [t for t, _ in kept], [o for _, o in kept]

    def surprisal(self, text: str, add_special: bool = True) -> Surprisal | None:
        started = time.perf_counter()
        echoed = self._echo(text)
        if echoed is None:
            return None
        tokens, _ = echoed
        scored = [(t.id, t.bytes, None if i == 0 or math.isnan(t.logprob) else t.logprob) for i, t in enumerate(tokens)]
        return Surprisal(scored, windows=1, window_tokens=len(scored), seconds=time.perf_counter() - started)

    def score_continuations(self, params: GenerateParams, texts: list[str]) -> ContinuationScores | None:
        """Each text's logprob after the prompt: the prompt and the text echoed together, the
        text's tokens being those that start at or after the prompt's end."""
        started = time.perf_counter()
        prompt = params.prompt + self._suffix_text(params.suffix_ids)
        continuations = []
        prompt_tokens = 0
        for text in texts:
            echoed = self._echo(prompt + text)
            if echoed is None:
                return None
            tokens, offsets = echoed
            mine = [t for t, o in zip(tokens, offsets) if o >= len(prompt)]
            if any(math.isnan(t.logprob) for t in mine):
                raise RemoteError(f"{self.endpoint.name} gave no logprob for some tokens of {text!r}.")
            prompt_tokens = len(tokens) - len(mine)
            continuations.append(Continuation(text, [t.id for t in mine], [t.logprob for t in mine]))
        return ContinuationScores(prompt_tokens, continuations, time.perf_counter() - started)

    def restage(self, sampler: SamplerParams, top_n: int = 20) -> Distribution:
        """The last next-token distribution under other sampler settings (no request)."""
        if self._last is None:
            raise RemoteError("Ask for the next token first.")
        listed, prompt_tokens = self._last
        return listed_distribution(listed[:top_n], sampler.validate(), prompt_tokens)

    # -- tokenization -----------------------------------------------------------------------

    def tokenize_pieces(self, text: str, add_special: bool = True, parse_special: bool = False) -> tuple[list[int], dict[int, bytes], set[int]]:
        kind = self.capabilities.tokenize if self.capabilities else None
        self._need("tokenization", kind is not None, "the Tokens panel shows tiktoken encodings only for this model")
        pieces: dict[int, bytes] = {}
        if kind == "llama.cpp":
            reply = self._post("/tokenize", {"content": text, "add_special": add_special, "parse_special": parse_special, "with_pieces": True})
            ids = []
            for item in (reply or {}).get("tokens", []):
                if isinstance(item, dict):
                    piece = item.get("piece")
                    pieces[int(item["id"])] = bytes(piece) if isinstance(piece, list) else str(piece).encode("utf-8")
                    ids.append(int(item["id"]))
                else:
                    ids.append(int(item))
        elif kind == "vllm":
            reply = self._post("/tokenize", {"model": self.model, "prompt": text, "add_special_tokens": add_special,
                                             "return_token_strs": True})
            ids = [int(i) for i in (reply or {}).get("tokens", [])]
            strs = (reply or {}).get("token_strs")
            if isinstance(strs, list) and len(strs) == len(ids):
                pieces = {i: str(s).encode("utf-8") for i, s in zip(ids, strs)}
        else:
            reply = self._post("/extras/tokenize", {"model": self.model, "input": text})
            ids = [int(i) for i in (reply or {}).get("tokens", [])]
        for i in ids:
            if i not in pieces:
                try:
                    pieces[i] = self.detokenize([i])
                except RemoteError:
                    # llama-cpp-python's server cannot detokenize part of a character (HTTP 500):
                    # the id is exact, its bytes unknown.
                    pieces[i] = "\ufffd".encode()
        return ids, pieces, set()

    def tokenize(self, text: str, add_special: bool = True, parse_special: bool = False) -> list[tuple[int, bytes]]:
        ids, pieces, _ = self.tokenize_pieces(text, add_special, parse_special)
        return [(i, pieces[i]) for i in ids]

    def detokenize(self, ids: list[int]) -> bytes:
        known = [self.pieces.bytes_of(i) for i in ids]
        if ids and all(b is not None for b in known):
            return b"".join(b for b in known if b is not None)
        kind = self.capabilities.tokenize if self.capabilities else None
        self._need("detokenization", kind is not None)
        if kind == "llama.cpp":
            reply = self._post("/detokenize", {"tokens": list(ids)})
            return str((reply or {}).get("content", "")).encode("utf-8")
        if kind == "vllm":
            reply = self._post("/detokenize", {"model": self.model, "tokens": list(ids)})
            return str((reply or {}).get("prompt", "")).encode("utf-8")
        reply = self._post("/extras/detokenize", {"model": self.model, "tokens": list(ids)})
        return str((reply or {}).get("text", "")).encode("utf-8")


def listed_distribution(listed: list[Any], sampler: SamplerParams, prompt_tokens: int) -> Distribution:
    """A Distribution over the alternatives a server listed: their probabilities as it gave
    them, the mass of the rest, and the sampler stages followed over the listed ones."""
    row = np.array([a.logprob for a in listed], dtype=np.float32)
    stages = sampling.run_stages(row, sampler)
    ids = np.arange(len(listed))
    cut = stages.cut_by(ids)
    final = stages.final_probs(ids).tolist()
    tokens = [
        CandidateToken(a.id, a.text, a.bytes, a.logprob, math.exp(a.logprob), cut[i] is None, cut[i],
                       final[i] if cut[i] is None else 0.0)
        for i, a in enumerate(listed)
    ]
    shown = sum(t.prob for t in tokens)
    return Distribution(
        prompt_tokens=prompt_tokens, tokens=tokens, entropy=math.nan, mass_outside=max(0.0, 1.0 - shown),
        n_kept=stages.n_kept,
        stages=[{"stage": "server top", "kept": len(listed)}] + [{"stage": n, "kept": c} for n, c in stages.survivors],
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
