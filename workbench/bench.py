"""`workbench bench`: speed and memory of the workbench against plain llama-cpp-python, in parts.

The parts, in the order they run (``PARTS``; ``parse_parts`` reads a comma-separated subset):

- ``generation``: rounds alternate (a) the reference, llama-cpp-python generating in-process with
  no probability capture, and (b) the workbench engine host generating with top-10 logprob
  capture, streamed to this process. A shared 2-core machine drifts by 10-20 % within a minute,
  so each round pairs one (a) with one (b) run back to back, in alternating order, and ``ratio``
  is the median of the per-round ratios. Memory: the host's resident set before and after the
  capture runs, beside what ``logits_all`` would allocate for the same context. Then prompt speed.
- ``perplexity``: a perplexity pass against plain evaluation of the same text and against llama.cpp
  evaluating it with logits at every position (the reference, in the engine's batches), rounds
  rotating the three sides.
- ``next``: manual decoding, one next-token distribution after another, in blocks alternating with
  the reference decoding the same tokens one at a time; then sampler changes restaged on the kept
  logits (the Next-token panel's answer to a slider move).
- ``eval``: experiments through the real runner (``workbench.bench_eval``): 200 short cases
  decoding speed against a plain run's, a shared few-shot prefix against whole prompts, logprob
  classification against evaluating the prompts once.
- ``tokens`` and ``gui``: the real app in a fresh offscreen process (see ``workbench.bench_windows``),
  with a bare Qt window started the same way as the baseline of its start.
- ``store``: the history database at scale (``workbench.store.bench``); not run by default, it
  writes 100,000 runs (4 GB) unless told fewer.
- ``remote``: an experiment against llama-cpp-python's server on loopback with 4 parallel
  requests against 1, and the client's cost per streamed token (``workbench.bench_remote``); not
  run by default (it starts a server).

Each part meets a quiet machine: generation, perplexity and next share one engine host and one
in-process reference (closed with the engine parts), and the host has exited before a window
process starts; the window app's own host has exited before the next part.

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
from typing import TYPE_CHECKING, Any

from workbench.bench_windows import WINDOW_PARTS, window_parts
from workbench.engine.client import EngineClient
from workbench.errors import BadInputError
from workbench.values.params import GenerateParams, LoadParams, SamplerParams
from workbench.models.info import model_info

if TYPE_CHECKING:  # importing it loads llama.cpp in this process: only the engine parts do
    from workbench.engine.llamacpp.reference import ReferenceRunner

BENCH_PROMPT = "Write a long story about a lighthouse keeper who finds a message in a bottle. Once upon a time,"
BENCH_CTX = 2048
CAPTURE_K = 10
PERPLEXITY_TOKENS = 1000
STORE_RUNS = 100_000

PARTS = ("generation", "perplexity", "next", "eval", "tokens", "gui", "store", "remote")
DEFAULT_PARTS = tuple(p for p in PARTS if p not in ("store", "remote"))
ENGINE_PARTS = ("generation", "perplexity", "next", "eval")  # one shared engine host


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


def _perplexity_text(n_tokens: int) -> str:
    words = "the lighthouse keeper read the message again and wondered who had sent it ".split()
    return " ".join(words[i % len(words)] + str(i % 7) for i in range(n_tokens // 2))


def pass_text(side: str, round_: int, text: str) -> str:
    """The text one perplexity-part pass evaluates: its own first word, so that no pass finds
    another's text in the cache."""
    return f"{side[0]}{round_} {text}"


def _surprisal_cost(
    client: EngineClient, reference: ReferenceRunner | None = None, n_tokens: int = PERPLEXITY_TOKENS, rounds: int = 8
) -> dict[str, Any]:
    """Perplexity of a ``n_tokens``-token text against plain evaluation of the same text and, with
    a ``reference``, against llama.cpp evaluating it with logits at every position.

    Plain evaluation computes the output layer for one position per batch; perplexity needs it at
    every position, which on a 262k-token vocabulary is most of the work, so ``perplexity_vs_eval``
    mostly measures the model. ``perplexity_vs_logits_eval`` compares against that unavoidable
    work (the same batches, the logits read out, no log-softmax): what the workbench adds.

    Like generation, each round runs the sides back to back, in an order that rotates, and each
    ratio is the median of the rounds' ratios. On the 2-core development machine one round's ratio
    ranged over 1.02-1.19 for the same code (even with the two sides interleaved every 512
    tokens), so it takes eight rounds for the median to settle within a few per cent."""
    text = _perplexity_text(n_tokens)
    sides = ["plain", "scored"] + (["logits"] if reference is not None else [])
    seconds: dict[str, list[float]] = {side: [] for side in sides}
    scored = []
    rss_before = client.host_rss_bytes()
    for round_ in range(rounds):
        for side in sides[round_ % len(sides) :] + sides[: round_ % len(sides)]:
            prompt = pass_text(side, round_, text)
            if side == "plain":
                done = client.generate(GenerateParams(prompt, SamplerParams(temperature=0), max_tokens=1)).result().done
                assert done is not None
                seconds[side].append(done.timings.prompt_s)
            elif side == "scored":
                result = client.surprisal(prompt)
                assert result is not None
                scored.append(result)
                seconds[side].append(result.seconds)
            else:
                assert reference is not None
                seconds[side].append(reference.logits_eval_s(prompt))
    rss_after = client.host_rss_bytes()
    ratios = [s / p for s, p in zip(seconds["scored"], seconds["plain"], strict=True)]
    report = {
        "perplexity_tokens": float(len(scored[0].tokens)),
        "perplexity_s": statistics.median(seconds["scored"]),
        "plain_eval_s": statistics.median(seconds["plain"]),
        "perplexity_vs_eval": statistics.median(ratios),
        "perplexity_vs_eval_rounds": ratios,
        "perplexity_rss_mb": (rss_after - rss_before) / 2**20,
    }
    if reference is not None:
        logits = [s / r for s, r in zip(seconds["scored"], seconds["logits"], strict=True)]
        report.update(
            logits_eval_s=statistics.median(seconds["logits"]),
            perplexity_vs_logits_eval=statistics.median(logits),
            perplexity_vs_logits_eval_rounds=logits,
            perplexity_batch_rows=reference.scoring_rows(),
        )
    return report


NEXT_PROMPT = "Write a long story about a lighthouse keeper. Once upon a time,"


def _next_steps(client: EngineClient, steps: int) -> tuple[list[float], list[int]]:
    """Manual decoding: append the top token and show the next distribution (prefix reused), as
    the Next-token panel does. The milliseconds of each step, and the tokens it appended."""
    prompt = NEXT_PROMPT
    first = client.next_token(GenerateParams(prompt), top_n=20)
    assert first is not None
    times, appended = [], []
    suffix: list[int] = []
    token = first.tokens[0].id
    for _ in range(steps):
        suffix.append(token)
        started = time.perf_counter()
        dist = client.next_token(GenerateParams(prompt, suffix_ids=list(suffix)), top_n=20)
        times.append((time.perf_counter() - started) * 1000)
        assert dist is not None
        appended.append(token)
        token = dist.tokens[0].id
    return times, appended


def _next_step_cost(client: EngineClient, reference: ReferenceRunner | None, steps: int = 10, rounds: int = 4) -> dict[str, Any]:
    """``next_step_ms`` (the median step), and with a ``reference`` the plain decode of one token
    (``Llama.eval`` of the same tokens after the same prompt) in blocks that alternate with the
    steps' blocks, and their ratio: the median of the rounds' ratios."""
    _, appended = _next_steps(client, steps)  # warm; the tokens are the same every round (the top one)
    step_ms: list[float] = []
    decode_ms: list[float] = []
    ratios = []
    for round_ in range(rounds if reference is not None else 1):
        if reference is None:
            step_ms += _next_steps(client, steps)[0]
            continue
        if round_ % 2:
            decoded = reference.decode_ms(NEXT_PROMPT, appended)
            times = _next_steps(client, steps)[0]
        else:
            times = _next_steps(client, steps)[0]
            decoded = reference.decode_ms(NEXT_PROMPT, appended)
        step_ms += times
        decode_ms += decoded
        ratios.append(statistics.median(times) / statistics.median(decoded))
    report: dict[str, Any] = {"next_step_ms": statistics.median(step_ms)}
    if reference is not None:
        report.update(next_decode_ms=statistics.median(decode_ms), next_step_vs_decode=statistics.median(ratios))
    return report


# Slider moves in the Sampling panel, as a person drags them: each restages the kept logits.
RESTAGE_SETTINGS = (
    [SamplerParams(top_k=k) for k in (40, 20, 5, 1, 0, 100)]
    + [SamplerParams(top_k=0, top_p=p, min_p=0.0) for p in (0.5, 0.8, 0.9, 0.95, 0.99, 1.0)]
    + [SamplerParams(top_k=0, top_p=1.0, min_p=m) for m in (0.0, 0.01, 0.1, 0.3)]
    + [SamplerParams(temperature=t, top_k=0, top_p=0.95) for t in (0.2, 1.0, 1.5, 0.0)]
    + [SamplerParams(repeat_penalty=r, top_k=0) for r in (1.1, 1.3)]
)


def _restage_cost(client: EngineClient, rounds: int = 2) -> dict[str, Any]:
    """The Next-token panel's answer to a sampler change: an engine ``restage`` round trip (the
    sampler stages on the kept logits, no model evaluation), over slider moves that reach the
    whole vocabulary (top-k off, top-p and min-p off)."""
    assert client.next_token(GenerateParams(NEXT_PROMPT), top_n=20) is not None
    times = []
    for _ in range(rounds):
        for sampler in RESTAGE_SETTINGS:
            started = time.perf_counter()
            client.restage(sampler, top_n=20)
            times.append((time.perf_counter() - started) * 1000)
    return {"restage_ms": statistics.median(times), "restage_max_ms": max(times)}


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
        report.update(window_parts(parts, after_hosts=hosts, model=info.path))
    if "store" in parts:
        from workbench.store.bench import store_bench

        report.update(store_bench(STORE_RUNS if store_runs is None else store_runs))
    if "remote" in parts:
        from workbench.bench_remote import remote_parts

        report.update(remote_parts(info.path, n_threads))
    return report


def _engine_parts(
    model_path: str, parts: Sequence[str], tokens: int, rounds: int, n_threads: int, hosts: list[int]
) -> dict[str, Any]:
    """The parts that need an engine, on one host, each beside the plain llama-cpp-python
    reference in this process; the host's pid goes into ``hosts`` (both have been closed, and the
    host reaped, when this returns)."""
    from workbench.engine.llamacpp.reference import ReferenceRunner

    client = EngineClient()
    reference = None
    try:
        loaded = client.load(LoadParams(path=model_path, n_ctx=BENCH_CTX, n_threads=n_threads))
        assert loaded is not None
        if client.host_pid is not None:
            hosts.append(client.host_pid)
        reference = ReferenceRunner(model_path, BENCH_CTX, n_threads)
        report: dict[str, Any] = {"n_ctx": BENCH_CTX, "backend": loaded.backend}
        if "generation" in parts:
            report.update(_generation(client, reference, loaded.n_vocab, tokens, rounds))
        if "perplexity" in parts:
            report.update(_surprisal_cost(client, reference))
        if "next" in parts:
            report.update(_next_step_cost(client, reference))
            report.update(_restage_cost(client))
        if "eval" in parts:
            from workbench.bench_eval import eval_parts

            report.update(eval_parts(client, reference, BENCH_PROMPT))
    finally:
        if reference is not None:
            reference.close()
        client.close()
    return report


def _generation(client: EngineClient, reference: ReferenceRunner, n_vocab: int, tokens: int, rounds: int) -> dict[str, Any]:
    """Paired rounds of the reference and the workbench engine, then prompt speed."""
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
