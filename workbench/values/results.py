"""What a run gives back: a generation's end and timings, the loaded model, next-token
distributions and per-token surprisal."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.values.base import Value
from workbench.values.tokens import TokenEvent


@dataclass
class Timings(Value):
    load_s: float = 0.0
    prompt_s: float = 0.0
    gen_s: float = 0.0
    tokens_per_s: float = 0.0
    prompt_tokens_per_s: float = 0.0


@dataclass
class GenerationDone(Value):
    """The end of a generation stream."""

    finish_reason: str  # stop | length | cancelled | error (the host died: what came, and the seed)
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
class LoadedModel(Value):
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
    remote: str = ""  # a remote engine: the server's API address

    @property
    def backend(self) -> str:
        if self.remote:
            return f"remote {self.remote}"
        if self.n_gpu_layers_offloaded > 0:
            return f"GPU ({self.n_gpu_layers_offloaded}/{self.n_layer + 1} layers)"
        return "CPU"


@dataclass
class CandidateToken(Value):
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
class Distribution(Value):
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
class Surprisal(Value):
    """Every token of a text with its log-probability under the model (None: nothing before it)."""

    tokens: list[tuple[int, bytes, float | None]]
    windows: int  # how many context-sized windows the text needed (each restarts the context)
    window_tokens: int
    seconds: float

    @property
    def perplexity(self) -> float | None:
        scored = [lp for _, _, lp in self.tokens if lp is not None]
        return math.exp(-sum(scored) / len(scored)) if scored else None



@dataclass(frozen=True)
class GenerationResult:
    """A finished generation: every token, the text (a stop string cut off) and how it ended.

    ``done`` is None when the engine failed in the middle of it: ``tokens`` then holds what came
    before. A generation stopped by a kill or a shutdown ends ``cancelled``, with its seed, prompt
    size and the timings measured so far."""

    tokens: list[TokenEvent]
    text: str
    done: GenerationDone | None

    @property
    def finish_reason(self) -> str:
        return self.done.finish_reason if self.done is not None else ""

    @property
    def cancelled(self) -> bool:
        return self.done is not None and self.done.finish_reason == "cancelled"


@dataclass
class Continuation(Value):
    """A text scored as what follows a prompt: its tokens and the log-probability of each."""

    text: str
    ids: list[int]
    logprobs: list[float]

    @property
    def logprob(self) -> float:
        """The log-probability of the whole text: the sum over its tokens."""
        return math.fsum(self.logprobs)


@dataclass
class ContinuationScores(Value):
    """Texts scored after one prompt (logprob classification: one continuation per label)."""

    prompt_tokens: int
    continuations: list[Continuation]
    seconds: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContinuationScores:
        scores: ContinuationScores = super().from_dict(data)
        scores.continuations = [Continuation.from_dict(c) if isinstance(c, dict) else c for c in scores.continuations]
        return scores
