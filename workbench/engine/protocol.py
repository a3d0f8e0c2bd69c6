"""The versioned message protocol between a client and the engine host process.

Messages are JSON objects, one per line, each with a ``type``. Requests carry an ``id`` that every
reply to them repeats. JSON rather than pickle on purpose: the host runs untrusted model files, and
nothing it sends back may execute code in the GUI process. Bytes travel as hex strings.

Client -> host: load, unload, tokenize, detokenize, next, generate, cancel (out of band), shutdown.
Host -> client: ready (once, at start), loaded, result, tokens (streamed in batches), done, error.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from workbench.errors import PromptError, SamplerError

PROTOCOL_VERSION = 2
MAX_TOP_LOGPROBS = 100


def encode(message: dict[str, Any]) -> bytes:
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def decode(line: bytes) -> dict[str, Any]:
    return json.loads(line)


class _Message:
    """Dataclass <-> dict helpers shared by the request/record types below."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class LoadParams(_Message):
    """How to load a model. Defaults suit a laptop CPU."""

    path: str
    n_ctx: int = 4096
    n_gpu_layers: int = 0
    n_threads: int | None = None  # None: all cores
    n_batch: int = 512
    seed: int | None = None
    use_mmap: bool = True
    use_mlock: bool = False
    flash_attn: bool | None = None  # None: off on CPU (exact, repeatable logprobs), llama.cpp decides with GPU offload
    vocab_only: bool = False  # the tokenizer alone: fast, small, no generation


@dataclass
class SamplerParams(_Message):
    """Sampler settings, applied by llama.cpp in this order: repeat penalty, top-k, top-p, min-p, temperature."""

    temperature: float = 0.8
    top_k: int = 40
    top_p: float = 0.95
    min_p: float = 0.05
    repeat_penalty: float = 1.0
    repeat_last_n: int = 64
    seed: int | None = None  # None: a fresh random seed per run

    def validate(self) -> SamplerParams:
        def finite(name: str, value: float) -> None:
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise SamplerError(f"{name} must be a finite number, not {value!r}.")

        for name in ("temperature", "top_p", "min_p", "repeat_penalty"):
            finite(name, getattr(self, name))
        if self.temperature < 0:
            raise SamplerError(f"temperature must be 0 or more (0 = always the most likely token), not {self.temperature}.")
        if not 0 < self.top_p <= 1:
            raise SamplerError(f"top-p must be in (0, 1] (1 = off), not {self.top_p}.")
        if not 0 <= self.min_p <= 1:
            raise SamplerError(f"min-p must be in [0, 1] (0 = off), not {self.min_p}.")
        if self.top_k < 0:
            raise SamplerError(f"top-k must be 0 (off) or more, not {self.top_k}.")
        if self.repeat_penalty <= 0:
            raise SamplerError(f"repeat penalty must be above 0 (1 = off), not {self.repeat_penalty}.")
        if self.repeat_last_n < 0:
            raise SamplerError(f"repeat window must be 0 or more, not {self.repeat_last_n}.")
        if self.seed is not None and not 0 <= self.seed < 2**32:
            raise SamplerError(f"seed must be between 0 and {2**32 - 1}, not {self.seed}.")
        return self


@dataclass
class GenerateParams(_Message):
    """One generation request: the prompt, how to sample, and what to record."""

    prompt: str
    sampler: SamplerParams = field(default_factory=SamplerParams)
    max_tokens: int = 256
    top_logprobs: int = 10
    stop: list[str] = field(default_factory=list)
    add_special: bool = True  # add BOS when the model wants it
    parse_special: bool = False  # treat <|im_start|> etc. in the text as special tokens (chat prompts)
    ignore_eos: bool = False  # keep going past end-of-generation tokens (benchmarks)
    suffix_ids: list[int] = field(default_factory=list)  # tokens appended after the prompt (manual decoding, branches)
    token_entropy: bool = False  # also record each position's entropy (one more pass over the vocabulary)

    def validate(self) -> GenerateParams:
        try:
            self.prompt.encode("utf-8")
        except UnicodeEncodeError:
            raise PromptError("The prompt is not valid UTF-8 text (it contains undecodable bytes). Save it as UTF-8.") from None
        self.sampler.validate()
        if self.max_tokens < 1:
            raise SamplerError(f"max tokens must be 1 or more, not {self.max_tokens}.")
        if not 0 <= self.top_logprobs <= MAX_TOP_LOGPROBS:
            raise SamplerError(f"top logprobs must be between 0 and {MAX_TOP_LOGPROBS}, not {self.top_logprobs}.")
        return self

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerateParams:
        params: GenerateParams = super().from_dict(data)
        if isinstance(params.sampler, dict):
            params.sampler = SamplerParams.from_dict(params.sampler)
        return params


@dataclass
class Alternative(_Message):
    id: int
    text: str
    logprob: float
    bytes: bytes = b""

    def to_dict(self) -> dict[str, Any]:
        """The public shape: {id, text, logprob} (bytes travel only inside the protocol)."""
        return {"id": self.id, "text": self.text, "logprob": self.logprob}


@dataclass
class TokenEvent(_Message):
    """One generated token with its log-probability and the top alternatives at its position."""

    id: int
    text: str
    bytes: bytes
    logprob: float
    top: list[Alternative]
    entropy: float | None = None  # of the whole distribution at this position, in nats

    def to_dict(self) -> dict[str, Any]:
        """The public shape: {id, text, bytes (hex), logprob, top}."""
        return {
            "id": self.id,
            "text": self.text,
            "bytes": self.bytes.hex(),
            "logprob": self.logprob,
            "top": [a.to_dict() for a in self.top],
        }

    @property
    def rank(self) -> int | None:
        """0 for the most likely token; None when it is not among the recorded alternatives."""
        return next((i for i, a in enumerate(self.top) if a.id == self.id), None)

    @property
    def prob(self) -> float:
        return math.exp(self.logprob)


class TokenBatch:
    """Generated tokens on the wire: compact, because the host encodes them between two decodes.

    Message: ``{"type": "tokens", "id": request, "pieces": {token id: hex bytes}, "tokens": [[id,
    logprob, entropy or null, [top ids], [top logprobs]], ...]}``. A token's bytes travel once
    per generation, in the first batch that mentions it; ``TokenDecoder`` keeps them for the rest.
    """

    def __init__(self, request: int) -> None:
        self.request = request
        self.pieces: dict[int, bytes] = {}
        self.tokens: list[list[Any]] = []

    def message(self) -> dict[str, Any]:
        return {
            "type": "tokens",
            "id": self.request,
            "pieces": {str(i): b.hex() for i, b in self.pieces.items()},
            "tokens": self.tokens,
        }

    def clear(self) -> None:
        self.pieces = {}
        self.tokens = []


class TokenDecoder:
    """Turns one generation's ``tokens`` messages back into TokenEvents."""

    def __init__(self) -> None:
        self.pieces: dict[int, tuple[str, bytes]] = {}

    def events(self, message: dict[str, Any]) -> list[TokenEvent]:
        for key, hexed in message["pieces"].items():
            raw = bytes.fromhex(hexed)
            self.pieces[int(key)] = (raw.decode("utf-8", "replace"), raw)
        pieces = self.pieces
        events = []
        for token, logprob, entropy, top_ids, top_logprobs in message["tokens"]:
            text, raw = pieces[token]
            top = [Alternative(i, pieces[i][0], lp, pieces[i][1]) for i, lp in zip(top_ids, top_logprobs)]
            events.append(TokenEvent(token, text, raw, logprob, top, entropy))
        return events


@dataclass
class Timings(_Message):
    load_s: float = 0.0
    prompt_s: float = 0.0
    gen_s: float = 0.0
    tokens_per_s: float = 0.0
    prompt_tokens_per_s: float = 0.0


@dataclass
class GenerationDone(_Message):
    """The end of a generation stream."""

    finish_reason: str  # stop | length | cancelled
    prompt_tokens: int
    completion_tokens: int
    timings: Timings
    seed: int
    context_full: bool = False  # generation stopped because the context has no room left

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationDone:
        done: GenerationDone = super().from_dict(data)
        if isinstance(done.timings, dict):
            done.timings = Timings.from_dict(done.timings)
        return done


@dataclass
class LoadedModel(_Message):
    """What the host reports after a load."""

    path: str
    n_ctx: int
    n_ctx_train: int
    n_vocab: int
    n_layer: int
    n_gpu_layers_requested: int
    n_gpu_layers_offloaded: int
    gpu_offload_supported: bool
    n_threads: int
    load_s: float
    bos_text: str = ""
    eos_text: str = ""
    add_bos: bool = False  # the tokenizer puts BOS in front of every prompt
    vocab_only: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def backend(self) -> str:
        if self.n_gpu_layers_offloaded > 0:
            return f"GPU ({self.n_gpu_layers_offloaded}/{self.n_layer + 1} layers)"
        return "CPU"


@dataclass
class CandidateToken(_Message):
    """A token in a next-token distribution, with what the sampler does to it."""

    id: int
    text: str
    bytes: bytes
    logprob: float
    prob: float
    kept: bool
    cut_by: str | None  # the sampler stage that removed it, or None when kept
    final_prob: float  # probability of being sampled after all stages (0 when cut)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["bytes"] = self.bytes.hex()
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CandidateToken:
        d = dict(data)
        d["bytes"] = bytes.fromhex(d["bytes"])
        return cls(**d)


@dataclass
class Distribution(_Message):
    """The next-token distribution after a prompt."""

    prompt_tokens: int
    tokens: list[CandidateToken]
    entropy: float  # nats, over the whole vocabulary
    mass_outside: float  # probability of every token not listed
    n_kept: int  # how many tokens survive the sampler
    stages: list[dict[str, Any]] = field(default_factory=list)  # [{"stage", "kept"}] in chain order
    start_token: str = ""  # an empty prompt: the start token (BOS) the distribution follows

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tokens"] = [t.to_dict() for t in self.tokens]
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Distribution:
        d = dict(data)
        d["tokens"] = [CandidateToken.from_dict(t) for t in d["tokens"]]
        return cls(**d)


@dataclass
class Surprisal(_Message):
    """Every token of a text with its log-probability under the model (None: nothing before it)."""

    tokens: list[tuple[int, bytes, float | None]]
    windows: int  # how many context-sized windows the text needed (each restarts the context)
    window_tokens: int
    seconds: float

    @property
    def perplexity(self) -> float | None:
        scored = [lp for _, _, lp in self.tokens if lp is not None]
        return math.exp(-sum(scored) / len(scored)) if scored else None
