"""Resampling: one prompt run N times with the same sampler, counting distinct outputs and first
tokens, so variation is measured, not anecdotal. A fixed seed moves on by one per run, so the
whole experiment repeats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from workbench.app.runs import Engine
from workbench.errors import PromptError
from workbench.values.params import GenerateParams

MAX_SAMPLES = 1000  # enough to measure variation, bounded in time


@dataclass
class ResampleResult:
    """Counts so far: outputs by text, first tokens by their bytes (b"" for an empty output)."""

    wanted: int
    outputs: Counter[str] = field(default_factory=Counter)
    first_tokens: Counter[bytes] = field(default_factory=Counter)
    cancelled: bool = False

    @property
    def runs(self) -> int:
        return sum(self.outputs.values())

    def snapshot(self) -> ResampleResult:
        return ResampleResult(self.wanted, Counter(self.outputs), Counter(self.first_tokens), self.cancelled)


def check_count(n: int) -> int:
    if not 1 <= n <= MAX_SAMPLES:
        raise PromptError(f"--n must be between 1 and {MAX_SAMPLES}, not {n}.")
    return n


def resample(
    engine: Engine,
    base: GenerateParams,
    n: int,
    on_progress: Callable[[ResampleResult], None] | None = None,
    stopped: Callable[[], bool] = lambda: False,
) -> ResampleResult:
    """Run ``base`` ``n`` times (1..MAX_SAMPLES) without recording alternatives; stops early when
    ``stopped()`` or a generation is cancelled (``cancelled`` is then set)."""
    check_count(n)
    result = ResampleResult(n)
    for run in range(n):
        if stopped():
            result.cancelled = True
            break
        seed = None if base.sampler.seed is None else (base.sampler.seed + run) % 2**32
        params = replace(base, sampler=replace(base.sampler, seed=seed), top_logprobs=0)
        generation = engine.generate(params).result()
        if generation.done is None or generation.cancelled:
            result.cancelled = True
            break
        result.outputs[generation.text] += 1
        result.first_tokens[generation.tokens[0].bytes if generation.tokens else b""] += 1
        if on_progress is not None:
            on_progress(result.snapshot())
    return result
