"""The real engine on the bundled model: exact logprobs, greedy parity, seeds, cancel, crashes."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.gguf_writer import write_gguf
from workbench.engine.client import EngineClient
from workbench.engine.llamacpp.session import scoring_rows
from workbench.values.params import GenerateParams, LoadParams, SamplerParams
from workbench.errors import EngineCrashed, ModelFileError, ModelLoadError, NoModelLoaded, PromptError, SamplerError

PROMPT = "The three primary colours are"
GREEDY = SamplerParams(temperature=0.0)


def test_load_reports_backend(engine: EngineClient) -> None:
    loaded = engine.loaded
    assert loaded is not None
    assert (loaded.n_vocab, loaded.n_layer, loaded.n_ctx) == (49152, 30, 2048)
    assert loaded.gpu_offload_supported is False  # this machine's build is CPU-only
    assert loaded.n_gpu_layers_offloaded == 0
    assert loaded.backend == "CPU"


def test_tokenize_roundtrip(engine: EngineClient) -> None:
    text = "Hello 世界 🙂 tabs\tand\nlines"
    pieces = engine.tokenize(text, add_special=False)
    assert b"".join(p for _, p in pieces).decode("utf-8") == text
    assert engine.detokenize([i for i, _ in pieces]).decode("utf-8") == text


def test_logprobs_are_log_softmax_of_llama_cpp_logits(engine: EngineClient, model_path: Path) -> None:
    import llama_cpp  # the independent computation: llama.cpp's own logits, in this process

    gen = engine.generate(
        GenerateParams(PROMPT, SamplerParams(temperature=0.9, seed=7), max_tokens=12, top_logprobs=8, token_entropy=True)
    ).result()
    assert len(gen.tokens) > 3
    # The engine loads with flash attention off on CPU (see session.cpu_flash_default); so does this reference.
    llm = llama_cpp.Llama(str(model_path), n_ctx=2048, verbose=False, n_threads=os.cpu_count(), flash_attn=False)
    llm.eval(llm.tokenize(PROMPT.encode(), add_bos=True))
    for token in gen.tokens:
        raw = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
        row = np.ctypeslib.as_array(raw, shape=(llm.n_vocab(),)).astype(np.float64)
        logp = row - np.log(np.exp(row).sum())  # float64 needs no max-shift at these magnitudes
        assert token.logprob == pytest.approx(logp[token.id], abs=1e-4)
        assert token.entropy == pytest.approx(float(-(np.exp(logp) * logp).sum()), abs=1e-3)
        assert [a.id for a in token.top] == list(np.argsort(-logp, kind="stable")[:8])
        for alt in token.top:
            assert alt.logprob == pytest.approx(logp[alt.id], abs=1e-4)
        llm.eval([token.id])
    llm.close()


def test_temperature_zero_equals_llama_cpp_greedy(engine: EngineClient, model_path: Path) -> None:
    from llama_cpp import Llama

    ours = engine.generate(GenerateParams(PROMPT, GREEDY, max_tokens=24)).result()
    llm = Llama(str(model_path), n_ctx=2048, verbose=False, n_threads=os.cpu_count(), flash_attn=False)
    theirs = llm.create_completion(PROMPT, max_tokens=24, temperature=0.0, repeat_penalty=1.0)
    llm.close()
    assert ours.text == theirs["choices"][0]["text"]
    assert ours.text.strip()


def test_fixed_seed_repeats_exactly(engine: EngineClient) -> None:
    params = GenerateParams(PROMPT, SamplerParams(temperature=1.2, top_k=0, top_p=1.0, min_p=0.0, seed=1234), max_tokens=30)
    first = engine.generate(params).result()
    second = engine.generate(params).result()
    assert [t.id for t in first.tokens] == [t.id for t in second.tokens]
    assert first.done and first.done.seed == 1234
    others = {tuple(t.id for t in engine.generate(GenerateParams(PROMPT, SamplerParams(temperature=1.2, top_k=0, top_p=1.0, min_p=0.0, seed=s), max_tokens=30)).result().tokens) for s in (1, 2, 3)}
    assert len(others) > 1  # the seed really changes the draw


def test_probabilities_and_seeded_runs_do_not_depend_on_what_the_cache_held(engine: EngineClient) -> None:
    """The same prompt evaluated fresh, fully cached (only its last token again) or from a shared
    prefix gives the same distribution, and a seeded full-vocabulary draw repeats (with llama.cpp's
    CPU flash attention it did not: a token evaluated alone got other logits than in a batch)."""
    prompt = "Q: Ann has 2 pens and buys 3 more. How many pens?\nA: 2 + 3 = 5. The answer is 5.\n\nQ: Sam has 4 red and 3 blue balls. How many balls?\nA:"
    wide = SamplerParams(temperature=0.9, top_k=0, top_p=1.0, min_p=0.0, seed=100)

    def state() -> tuple[list[tuple[int, float]], str]:
        dist = engine.next_token(GenerateParams(prompt, sampler=wide), top_n=5)
        assert dist is not None
        text = engine.generate(GenerateParams(prompt, sampler=wide, max_tokens=24, top_logprobs=0)).result().text
        return [(t.id, round(t.logprob, 5)) for t in dist.tokens], text

    engine.generate(GenerateParams("Something unrelated.", max_tokens=1)).result()
    fresh = state()
    cached = state()
    engine.generate(GenerateParams(prompt[:30] + " and something else", max_tokens=1)).result()
    partial = state()
    assert fresh == cached == partial


def test_next_token_distribution(engine: EngineClient) -> None:
    dist = engine.next_token(GenerateParams("今天我很", SamplerParams(top_k=5)), top_n=20)
    assert dist is not None
    probs = [t.prob for t in dist.tokens]
    assert probs == sorted(probs, reverse=True)
    assert sum(probs) + dist.mass_outside == pytest.approx(1.0, abs=1e-6)
    assert [t.kept for t in dist.tokens[:5]] == [True] * 5
    assert all(not t.kept and t.cut_by == "top_k" for t in dist.tokens[5:])
    assert dist.entropy > 0
    # Half-characters: a Chinese character split over tokens shows up as partial UTF-8.
    assert any(_is_partial(t.bytes) for t in dist.tokens)


def _is_partial(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def test_prompt_longer_than_context_is_refused(engine: EngineClient) -> None:
    with pytest.raises(PromptError, match=r"is \d+ tokens but the context holds 2048"):
        engine.generate(GenerateParams("word " * 3000, max_tokens=4)).result()
    assert engine.generate(GenerateParams(PROMPT, GREEDY, max_tokens=2)).result().tokens  # still usable


def test_invalid_sampler_values() -> None:
    with pytest.raises(SamplerError, match="temperature"):
        SamplerParams(temperature=-1).validate()
    with pytest.raises(SamplerError, match="top-p"):
        SamplerParams(top_p=1.5).validate()
    with pytest.raises(SamplerError, match="top logprobs"):
        GenerateParams("x", top_logprobs=101).validate()


def test_bad_model_files_leave_engine_usable(engine: EngineClient, tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a model" * 100)
    with pytest.raises(ModelFileError):
        EngineClient().load(LoadParams(path=str(junk)))
    # Passes our header check, but llama.cpp does not know the architecture.
    odd = write_gguf(tmp_path / "odd.gguf", {"general.architecture": "no-such-arch"}, [("w", (4,), 0)])
    client = EngineClient()
    try:
        with pytest.raises(ModelLoadError, match="could not load"):
            client.load(LoadParams(path=str(odd)))
        with pytest.raises(NoModelLoaded):
            client.tokenize("hi")
    finally:
        client.close()
    assert engine.tokenize("still fine", add_special=False)


def test_cancel_during_generation_is_fast(own_engine: EngineClient) -> None:
    gen = own_engine.generate(GenerateParams(PROMPT, SamplerParams(seed=1, temperature=1.5, top_k=0, top_p=1.0, min_p=0.0), max_tokens=3000))
    cancelled_at = 0.0
    for i, _ in enumerate(gen):
        if i == 5:
            cancelled_at = time.monotonic()
            own_engine.cancel()
    elapsed = time.monotonic() - cancelled_at
    result = gen.result()
    assert result.done is not None and result.done.finish_reason == "cancelled"
    assert elapsed < 0.5
    assert 5 <= len(result.tokens) < 3000


def test_cancel_during_long_prompt_evaluation(own_engine: EngineClient) -> None:
    long_prompt = "The quick brown fox jumps over the lazy dog. " * 70  # ~700 tokens: seconds to evaluate here
    results: list = []
    worker = threading.Thread(
        target=lambda: results.append(own_engine.generate(GenerateParams(long_prompt, GREEDY, max_tokens=5)).result())
    )
    worker.start()
    pause = threading.Event()
    while own_engine._active is None and worker.is_alive():  # the request has reached the engine
        pause.wait(0.005)
    pause.wait(0.3)  # well inside the prompt evaluation, which takes seconds
    cancelled_at = time.monotonic()
    own_engine.cancel()
    worker.join(timeout=10)
    elapsed = time.monotonic() - cancelled_at
    gen = results[0]
    assert gen.done is not None and gen.done.finish_reason == "cancelled"
    assert gen.tokens == []
    assert elapsed < 0.5
    # The same prompt, uncancelled, takes much longer than the cancel did: the test is meaningful.
    full = own_engine.generate(GenerateParams(long_prompt, GREEDY, max_tokens=1)).result()
    assert full.done is not None and full.done.timings.prompt_s > 1.0


def test_host_crash_mid_generation_then_recovery(own_engine: EngineClient) -> None:
    pid = own_engine.host_pid
    assert pid is not None
    gen = own_engine.generate(GenerateParams(PROMPT, SamplerParams(seed=3), max_tokens=2000))
    with pytest.raises(EngineCrashed, match="SIGKILL"):
        for i, _ in enumerate(gen):
            if i == 3:
                os.kill(pid, signal.SIGKILL)
    # The next request starts a fresh host and reloads the model by itself.
    again = own_engine.generate(GenerateParams(PROMPT, GREEDY, max_tokens=3)).result()
    assert len(again.tokens) == 3
    assert own_engine.host_pid not in (None, pid)


def test_closing_mid_generation_leaves_no_process(model_path: Path) -> None:
    client = EngineClient()
    client.load(LoadParams(path=str(model_path), n_ctx=512))
    pid = client.host_pid
    assert pid is not None
    gen = client.generate(GenerateParams(PROMPT, SamplerParams(seed=3), max_tokens=400))
    results: list[Exception] = []

    def consume() -> None:
        try:
            gen.result()
        except Exception as e:  # the stream ends one way or another
            results.append(e)

    consumer = threading.Thread(target=consume)
    consumer.start()
    client.close()
    consumer.join(timeout=5)
    assert not consumer.is_alive()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_load_reports_progress_and_can_be_cancelled(model_path: Path) -> None:
    client = EngineClient()
    try:
        fractions: list[float] = []
        loaded = client.load(LoadParams(path=str(model_path), n_ctx=512), on_progress=fractions.append)
        assert loaded is not None
        assert fractions and fractions[-1] == pytest.approx(1.0)
        assert fractions == sorted(fractions)

        def cancel_at_first_progress(fraction: float) -> None:
            client.cancel()

        assert client.load(LoadParams(path=str(model_path), n_ctx=512), on_progress=cancel_at_first_progress) is None
        with pytest.raises(NoModelLoaded):
            client.tokenize("x")
        assert client.load(LoadParams(path=str(model_path), n_ctx=512)) is not None  # usable again
    finally:
        client.close()


def test_surprisal_matches_llama_cpp_logits(engine: EngineClient, model_path: Path) -> None:
    import llama_cpp

    # Long enough to span several scoring batches (256 rows each for this vocabulary).
    text = "The quick brown fox jumps over the lazy dog. 今天天气很好。" * 30
    result = engine.surprisal(text)
    assert result is not None and result.windows == 1
    assert len(result.tokens) > 2 * scoring_rows(512, 49152, 0) + 1
    assert result.tokens[0][2] is None
    ids = [i for i, _, _ in result.tokens]
    llm = llama_cpp.Llama(str(model_path), n_ctx=2048, logits_all=True, flash_attn=False, verbose=False, n_threads=os.cpu_count())
    assert llm.tokenize(text.encode(), add_bos=True) == ids
    llm.eval(ids)
    scores = np.asarray(llm.scores[: len(ids)], dtype=np.float64)
    llm.close()
    logp = scores - (scores.max(axis=1, keepdims=True) + np.log(np.exp(scores - scores.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)))
    expected = [logp[i - 1, ids[i]] for i in range(1, len(ids))]
    assert [lp for _, _, lp in result.tokens[1:]] == pytest.approx(expected, abs=2e-3)
    assert result.perplexity == pytest.approx(float(np.exp(-np.mean(expected))), rel=1e-3)
    # The engine still generates normally afterwards (the cache was reset and refilled).
    assert engine.generate(GenerateParams(PROMPT, GREEDY, max_tokens=2)).result().tokens


def test_surprisal_of_long_text_uses_windows(model_path: Path) -> None:
    client = EngineClient()
    try:
        client.load(LoadParams(path=str(model_path), n_ctx=256))
        result = client.surprisal("word " * 400)
        assert result is not None and result.windows == 2 and result.window_tokens == 255
        assert [lp is None for _, _, lp in result.tokens].count(True) == 2  # each window starts fresh
    finally:
        client.close()


def test_sampled_token_is_always_marked_kept(engine: EngineClient) -> None:
    # The panel's "kept" mirror of llama.cpp's sampler must contain whatever llama.cpp draws.
    samplers = [
        SamplerParams(temperature=1.0, top_k=5, top_p=1.0, min_p=0.0),
        SamplerParams(temperature=0.7, top_k=40, top_p=0.9, min_p=0.05),
        SamplerParams(temperature=1.5, top_k=0, top_p=0.5, min_p=0.0),
        SamplerParams(temperature=1.0, top_k=0, top_p=1.0, min_p=0.2, repeat_penalty=1.3),
        SamplerParams(temperature=0.0),
    ]
    prompt = "Once upon a time, in a small village,"
    for sampler in samplers:
        dist = engine.next_token(GenerateParams(prompt, sampler), top_n=1000)
        assert dist is not None
        kept = {t.id for t in dist.tokens if t.kept}
        assert len(kept) == min(dist.n_kept, 1000)  # the kept tokens are the likeliest ones
        for seed in range(8):
            sampler.seed = seed
            drawn = engine.generate(GenerateParams(prompt, sampler, max_tokens=1)).result().tokens[0].id
            assert drawn in kept, (sampler, seed)
    greedy = engine.next_token(GenerateParams(prompt, SamplerParams(temperature=0.0)), top_n=5)
    assert greedy is not None and [t.kept for t in greedy.tokens] == [True, False, False, False, False]
    assert greedy.tokens[0].prob == max(t.prob for t in greedy.tokens)  # greedy is the argmax


def test_restage_and_manual_decoding(engine: EngineClient) -> None:
    first = engine.next_token(GenerateParams("The capital of France is", SamplerParams(top_k=40)), top_n=10)
    assert first is not None
    narrowed = engine.restage(SamplerParams(top_k=2), top_n=10)
    assert [t.id for t in narrowed.tokens] == [t.id for t in first.tokens]  # same evaluation
    assert [t.kept for t in narrowed.tokens][:3] == [True, True, False]
    step = engine.next_token(GenerateParams("The capital of France is", suffix_ids=[first.tokens[0].id]), top_n=5)
    assert step is not None and step.prompt_tokens == first.prompt_tokens + 1


def test_scoring_batches_keep_logits_under_64_mib_on_cpu() -> None:
    assert scoring_rows(512, 49152, 0) == 256  # SmolLM2: 48 MiB of logits per batch
    assert scoring_rows(512, 32000, 0) == 512  # never more than the context's batch
    assert scoring_rows(512, 128256, 0) == 128
    assert scoring_rows(2048, 10**7, 0) == 32  # a floor, however large the vocabulary
    assert scoring_rows(16, 49152, 0) == 16
    assert scoring_rows(512, 49152, -1) == 512  # GPU offload: the batch as configured
