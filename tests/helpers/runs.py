"""Hand-made runs for store and history tests: tokens with partial UTF-8 characters, alternatives
and entropies, and a finished run around them."""

from __future__ import annotations

from workbench.store.run_records import NewRun
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import GenerationDone, Timings
from workbench.values.tokens import Alternative, TokenEvent

HALF = "世".encode()


def tokens() -> list[TokenEvent]:
    return [
        TokenEvent(1, "\ufffd", HALF[:2], -0.25, [Alternative(1, "\ufffd", -0.25, HALF[:2]), Alternative(9, " the", -2.5, b" the")], 3.5),
        TokenEvent(2, "\ufffd", HALF[2:], -1e-7, [Alternative(2, "\ufffd", -1e-7, HALF[2:])], None),
        TokenEvent(7, " 好", " 好".encode(), -4.125, [], 0.0),
    ]


def new_run(prompt: str = "The sky is", output: str = "blue today", **kw: object) -> NewRun:
    params = GenerateParams(prompt, SamplerParams(temperature=0.7, top_k=40, seed=5), max_tokens=16, top_logprobs=2)
    done = GenerationDone("stop", 4, 3, Timings(prompt_s=0.01, gen_s=0.03, tokens_per_s=100.0), 5)
    return NewRun(source="cli", mode="completion", prompt=prompt, output=output, params=params, tokens=tokens(), done=done, **kw)  # type: ignore[arg-type]
