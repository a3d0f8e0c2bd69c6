"""`workbench bench`: speed and memory of the workbench against plain llama-cpp-python.

Rounds alternate (a) the reference, llama-cpp-python generating in-process with no probability
capture, and (b) the workbench engine host generating with top-10 logprob capture, streamed to
this process. A shared 2-core machine drifts by 10-20 % within a minute, so each round pairs one
(a) with one (b) run back to back, in alternating order, and ``ratio`` is the median of the
per-round ratios. Memory: the host's resident set before and after a
capture run, beside what ``logits_all`` would allocate for the same context.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from workbench.engine.client import EngineClient
from workbench.engine.protocol import GenerateParams, LoadParams, SamplerParams
from workbench.models.info import model_info

BENCH_PROMPT = "Write a long story about a lighthouse keeper who finds a message in a bottle. Once upon a time,"
BENCH_CTX = 2048
CAPTURE_K = 10


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
    done = client.generate(GenerateParams(text, SamplerParams(temperature=0), max_tokens=1)).run().done
    assert done is not None
    return done.timings.prompt_tokens_per_s


def _surprisal_cost(client: EngineClient, n_tokens: int = 2000, rounds: int = 8) -> dict[str, Any]:
    """Perplexity of a ~2,000-token text against plain evaluation of the same text.

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
                done = client.generate(params).run().done
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


def gui_bench(tokens: int = 256) -> dict[str, Any]:
    """Time to a visible window and p99 event-loop stall while streaming, in a fresh offscreen app."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_HOME=home)
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "workbench.gui.bench_gui", str(tokens)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )
        assert proc.stdout is not None
        shown_s = None
        report: dict[str, Any] = {}
        for line in proc.stdout:
            if line.strip() == "shown" and shown_s is None:
                shown_s = time.perf_counter() - started
            elif line.startswith("{"):
                report = json.loads(line)
        proc.wait()
    report["gui_window_shown_s"] = shown_s
    return report


def run_bench(
    model: str = "default",
    tokens: int = 128,
    rounds: int = 12,
    threads: int | None = None,
    gui: bool = True,
    store_runs: int = 100_000,
) -> dict[str, Any]:
    from workbench.engine.reference import ReferenceRunner

    info = model_info(model)
    n_threads = threads or os.cpu_count() or 1
    client = EngineClient()
    reference = ReferenceRunner(info.path, BENCH_CTX, n_threads)
    try:
        loaded = client.load(LoadParams(path=info.path, n_ctx=BENCH_CTX, n_threads=n_threads))
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
        prompt_rates = [_prompt_rate(client) for _ in range(2)]
        surprisal = _surprisal_cost(client)
        next_ms = _next_step_ms(client)
    finally:
        reference.close()
        client.close()
    ref, wb = statistics.median(ref_rates), statistics.median(wb_rates)
    report = {
        "model": info.display_name,
        "n_threads": n_threads,
        "n_ctx": BENCH_CTX,
        "tokens": tokens,
        "rounds": rounds,
        "backend": loaded.backend,
        "reference_tok_s": ref,
        "workbench_tok_s": wb,
        "ratio": statistics.median(w / r for w, r in zip(wb_rates, ref_rates)),
        "prompt_tok_s": statistics.median(prompt_rates),
        "capture_k": CAPTURE_K,
        "capture_rss_mb": (rss_after - rss_before) / 2**20,
        "logits_all_would_allocate_mb": BENCH_CTX * loaded.n_vocab * 4 / 2**20,
        **surprisal,
        "next_step_ms": next_ms,
        "reference_runs_tok_s": ref_rates,
        "workbench_runs_tok_s": wb_rates,
    }
    if gui:
        report.update(gui_bench())
    if store_runs:
        from workbench.store.bench import store_bench

        report.update(store_bench(store_runs))
    return report
