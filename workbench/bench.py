"""`workbench bench`: speed and memory of the workbench against plain llama-cpp-python, in parts.

The parts, in the order they run (``PARTS``; ``parse_parts`` reads a comma-separated subset):

- ``generation``: rounds alternate (a) the reference, llama-cpp-python generating in-process with
  no probability capture, and (b) the workbench engine host generating with top-10 logprob
  capture, streamed to this process. A shared 2-core machine drifts by 10-20 % within a minute,
  so each round pairs one (a) with one (b) run back to back, in alternating order, and ``ratio``
  is the median of the per-round ratios. Memory: the host's resident set before and after the
  capture runs, beside what ``logits_all`` would allocate for the same context. Then prompt speed.
- ``perplexity``: a perplexity pass against plain evaluation of the same text, paired the same way.
- ``next``: manual decoding, one next-token distribution after another.
- ``tokens`` and ``gui``: the real app in a fresh offscreen process (see ``workbench.bench_windows``),
  with a bare Qt window started the same way as the baseline of its start.
- ``store``: the history database at scale (``workbench.store.bench``); not run by default, it
  writes 100,000 runs (4 GB) unless told fewer.

Each part meets a quiet machine: generation, perplexity and next share one engine host (the
reference lives only as long as the generation part), and it has exited before a window process
starts; the window app's own host has exited before the next part.

Sizes, chosen for a default run (all but ``store``) of under 4 minutes on a 2-core machine: the
perplexity text is 1,000 tokens instead of 2,000 (still eight paired rounds, the number its median
needs, see ``_surprisal_cost``). Two passes over 2,000 tokens took ~20 s a round, 160 s of the old
run's 4+ minutes; at 1,000 a round takes half that, the ratio compares the same work (the output
layer at every position dominates both sides, per token) and the two passes of a pair run closer
together, so drift cuts less into the pairing (one round's ratio still ranged 0.93-1.22 in a
quiet default run, as at 2,000 tokens). Generation keeps twelve rounds of 128 tokens (one round's
ratio ranged 0.90-1.02 in the same run: the median needs them all) and the window's stall
measurement its 256 tokens (~500 ticks of 5 ms, enough for a 99th percentile). The default run
then took 1 min 56 s on the 2-core development machine.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence
from typing import Any

from workbench.bench_windows import WINDOW_PARTS, window_parts
from workbench.engine.client import EngineClient
from workbench.errors import BadInputError
from workbench.values.params import GenerateParams, LoadParams, SamplerParams
from workbench.models.info import model_info

BENCH_PROMPT = "Write a long story about a lighthouse keeper who finds a message in a bottle. Once upon a time,"
BENCH_CTX = 2048
CAPTURE_K = 10
PERPLEXITY_TOKENS = 1000
STORE_RUNS = 100_000

PARTS = ("generation", "perplexity", "next", "tokens", "gui", "store")
DEFAULT_PARTS = tuple(p for p in PARTS if p != "store")
ENGINE_PARTS = ("generation", "perplexity", "next")  # one shared engine host


def parse_parts(text: str) -> tuple[str, ...]:
    """``"gui,next"`` -> ``("next", "gui")``: the named parts, in the order they run."""
    names = {name.strip().lower() for name in text.split(",") if name.strip()}
    unknown = sorted(names - set(PARTS))
    if unknown or not names:
        what = f"Unknown bench part: {', '.join(unknown)}." if unknown else "No bench part given."
        raise BadInputError(f"{what} The parts are: {', '.join(PARTS)}.")
    return tuple(p for p in PARTS if p in names)


def _workbench_rate(client: EngineClient, n_tokens: int, seed: int) -> float:
    """Generation tok/s of one workbench run, measured at this end of the pipe."""
    params = GenerateParams(
        BENCH_PROMPT,
        SamplerParams(temperature=0.8, top_k=40, top_p=0.95, min_p=0.05, seed=seed),
        max_tokens=n_tokens,
        top_logprobs=CAPTURE_K,
        ignore_eos=True,
    )
    stamps = []
    generation = client.generate(params)
    for _ in generation:
        stamps.append(time.perf_counter())
    return (len(stamps) - 1) / (stamps[-1] - stamps[0])


def _prompt_rate(client: EngineClient, n_words: int = 400) -> float:
    """Prompt evaluation speed on a fresh prompt (a new first word defeats the prefix cache)."""
    text = f"{time.time_ns()} " + "the lighthouse keeper read the message again " * (n_words // 7)
    done = client.generate(GenerateParams(text, SamplerParams(temperature=0), max_tokens=1)).result().done
    assert done is not None
    return done.timings.prompt_tokens_per_s


def _surprisal_cost(client: EngineClient, n_tokens: int = PERPLEXITY_TOKENS, rounds: int = 8) -> dict[str, Any]:
    """Perplexity of a ``n_tokens``-token text against plain evaluation of the same text.

    Like generation, each round pairs one plain evaluation with one perplexity pass back to back, in
    alternating order, and the ratio is the median of the rounds' ratios. On the 2-core development
    machine one round's ratio ranged over 1.02-1.19 for the same code (even with the two sides
    interleaved every 512 tokens), so it takes eight rounds for the median to settle within a few
    per cent."""
    words = "the lighthouse keeper read the message again and wondered who had sent it ".split()
    text = " ".join(words[i % len(words)] + str(i % 7) for i in range(n_tokens // 2))
    plain: list[float] = []
    scored = []
    rss_before = client.host_rss_bytes()
    for round_ in range(rounds):
        sides = ["plain", "scored"] if round_ % 2 == 0 else ["scored", "plain"]
        for side in sides:
            # Each pass its own first word: neither may find the other's text in the cache.
            first = f"{side[0]}{round_}"
            if side == "plain":
                params = GenerateParams(f"{first} {text}", SamplerParams(temperature=0), max_tokens=1)
                done = client.generate(params).result().done
                assert done is not None
                plain.append(done.timings.prompt_s)
            else:
                result = client.surprisal(f"{first} {text}")
                assert result is not None
                scored.append(result)
    ratios = [result.seconds / p for result, p in zip(scored, plain, strict=True)]
    return {
        "perplexity_tokens": float(len(scored[0].tokens)),
        "perplexity_s": statistics.median(result.seconds for result in scored),
        "plain_eval_s": statistics.median(plain),
        "perplexity_vs_eval": statistics.median(ratios),
        "perplexity_vs_eval_rounds": ratios,
        "perplexity_rss_mb": (client.host_rss_bytes() - rss_before) / 2**20,
    }


def _next_step_ms(client: EngineClient, steps: int = 10) -> float:
    """Manual decoding: append the top token and show the next distribution (prefix reused)."""
    prompt = "Write a long story about a lighthouse keeper. Once upon a time,"
    client.next_token(GenerateParams(prompt), top_n=20)
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        dist = client.next_token(GenerateParams(prompt), top_n=20)
        times.append((time.perf_counter() - started) * 1000)
        assert dist is not None
        prompt += dist.tokens[0].bytes.decode("utf-8", "replace")
    return statistics.median(times)


def run_bench(
    model: str = "default",
    tokens: int = 128,
    rounds: int = 12,
    threads: int | None = None,
    parts: Sequence[str] = DEFAULT_PARTS,
    store_runs: int | None = None,
) -> dict[str, Any]:
    """Run ``parts`` (any subset of ``PARTS``, run in that order) and report their measurements,
    plus ``model``, ``n_threads`` and ``parts`` (the list that ran). ``store_runs``: the size of the
    ``store`` part's database (None: ``STORE_RUNS``); ignored without that part."""
    parts = parse_parts(parts if isinstance(parts, str) else ",".join(parts))
    if "store" in parts and store_runs is not None and store_runs < 1:
        raise BadInputError("The store part needs at least 1 run (leave `store` out to skip it).")
    info = model_info(model)
    n_threads = threads or os.cpu_count() or 1
    report: dict[str, Any] = {"model": info.display_name, "n_threads": n_threads, "parts": list(parts)}
    hosts: list[int] = []
    if any(p in ENGINE_PARTS for p in parts):
        report.update(_engine_parts(info.path, parts, tokens, rounds, n_threads, hosts))
    if any(p in WINDOW_PARTS for p in parts):
        report.update(window_parts(parts, after_hosts=hosts))
    if "store" in parts:
        from workbench.store.bench import store_bench

        report.update(store_bench(STORE_RUNS if store_runs is None else store_runs))
    return report


def _engine_parts(
    model_path: str, parts: Sequence[str], tokens: int, rounds: int, n_threads: int, hosts: list[int]
) -> dict[str, Any]:
    """The parts that need an engine, on one host; its pid goes into ``hosts`` (it has been
    closed, and reaped, when this returns)."""
    client = EngineClient()
    try:
        loaded = client.load(LoadParams(path=model_path, n_ctx=BENCH_CTX, n_threads=n_threads))
        assert loaded is not None
        if client.host_pid is not None:
            hosts.append(client.host_pid)
        report: dict[str, Any] = {"n_ctx": BENCH_CTX, "backend": loaded.backend}
        if "generation" in parts:
            report.update(_generation(client, loaded.n_vocab, model_path, tokens, rounds, n_threads))
        if "perplexity" in parts:
            report.update(_surprisal_cost(client))
        if "next" in parts:
            report["next_step_ms"] = _next_step_ms(client)
    finally:
        client.close()
    return report


def _generation(
    client: EngineClient, n_vocab: int, model_path: str, tokens: int, rounds: int, n_threads: int
) -> dict[str, Any]:
    """Paired rounds of the reference and the workbench engine, then prompt speed. The reference
    (llama.cpp in this process) lives only as long as this part."""
    from workbench.engine.llamacpp.reference import ReferenceRunner

    reference = ReferenceRunner(model_path, BENCH_CTX, n_threads)
    try:
        # Warm both (page in the weights, first-run allocations).
        reference.generation_rate(BENCH_PROMPT, 16, seed=0)
        _workbench_rate(client, 16, seed=0)
        rss_before = client.host_rss_bytes()
        ref_rates, wb_rates = [], []
        for r in range(rounds):
            # Which side goes first alternates, so neither always runs on a warmer machine.
            if r % 2 == 0:
                ref_rates.append(reference.generation_rate(BENCH_PROMPT, tokens, seed=r + 1))
                wb_rates.append(_workbench_rate(client, tokens, seed=r + 1))
            else:
                wb_rates.append(_workbench_rate(client, tokens, seed=r + 1))
                ref_rates.append(reference.generation_rate(BENCH_PROMPT, tokens, seed=r + 1))
        rss_after = client.host_rss_bytes()
    finally:
        reference.close()
    prompt_rates = [_prompt_rate(client) for _ in range(2)]
    return {
        "tokens": tokens,
        "rounds": rounds,
        "reference_tok_s": statistics.median(ref_rates),
        "workbench_tok_s": statistics.median(wb_rates),
        "ratio": statistics.median(w / r for w, r in zip(wb_rates, ref_rates)),
        "prompt_tok_s": statistics.median(prompt_rates),
        "capture_k": CAPTURE_K,
        "capture_rss_mb": (rss_after - rss_before) / 2**20,
        "logits_all_would_allocate_mb": BENCH_CTX * n_vocab * 4 / 2**20,
        "reference_runs_tok_s": ref_rates,
        "workbench_runs_tok_s": wb_rates,
    }
