"""What a run asks for: how to load a model, how to sample, what to generate and record."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import PromptError, SamplerError
from workbench.values.base import Value

MAX_TOP_LOGPROBS = 100


@dataclass
class LoadParams(Value):
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
class SamplerParams(Value):
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
class GenerateParams(Value):
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
    server_chat: bool = False  # a remote server applies its own chat template: ``prompt`` is the messages' transcript

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
