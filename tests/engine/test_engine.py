"""The real engine: exact logprobs, greedy parity, seeds, cancel, crashes. The model-independent
truths run on both test models (``any_engine``: SmolLM2 and Gemma 3 270M with its 262,144-token
vocabulary); killing, cancelling and reloading run on the bundled SmolLM2."""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.gguf_writer import write_gguf
from tests.helpers.models import FACTS, last_logits, llama_reference, log_softmax, reference_logprobs, start_afresh
from workbench.engine.client import EngineClient
from workbench.engine.llamacpp.session import scoring_rows
from workbench.values.params import GenerateParams, LoadParams, SamplerParams
from workbench.errors import EngineCrashed, ModelFileError, ModelLoadError, NoModelLoaded, PromptError, SamplerError

PROMPT = "The three primary colours are"
GREEDY = SamplerParams(temperature=0.0)


def test_load_reports_backend(any_engine: EngineClient, model_name: str) -> None:
    loaded = any_engine.loaded
    facts = FACTS[model_name]
    assert loaded is not None
    assert (loaded.n_vocab, loaded.n_layer, loaded.n_ctx) == (facts.n_vocab, facts.n_layer, 2048)
    assert (loaded.bos_text, loaded.add_bos) == (facts.bos_text, facts.adds_bos)
    assert loaded.gpu_offload_supported is False  # this machine's build is CPU-only
    assert loaded.n_gpu_layers_offloaded == 0
    assert loaded.backend == "CPU"


def test_tokenize_roundtrip(any_engine: EngineClient) -> None:
    text = "Hello 世界 🙂 tabs\tand\nlines"
    pieces = any_engine.tokenize(text, add_special=False)
    assert b"".join(p for _, p in pieces).decode("utf-8") == text
    assert any_engine.detokenize([i for i, _ in pieces]).decode("utf-8") == text


def test_logprobs_are_log_softmax_of_llama_cpp_logits(any_engine: EngineClient, any_model_path: Path) -> None:
    # The independent computation: llama.cpp's own logits, in this process, evaluated as the engine
    # evaluates (the prompt in one batch from an empty cache, then one token a decode; flash
    # attention off). In other batches Gemma's logprobs move by up to ~0.2 nats, so the tolerances
    # below hold only for the same evaluation: what they allow is float32 against float64.
    start_afresh(any_engine)
    gen = any_engine.generate(
        GenerateParams(PROMPT, SamplerParams(temperature=0.9, seed=7), max_tokens=12, top_logprobs=8, token_entropy=True)
    ).result()
    assert len(gen.tokens) > 3
    with closing(llama_reference(any_model_path)) as llm:
        llm.eval(llm.tokenize(PROMPT.encode(), add_bos=True))
        for token in gen.tokens:
            logp = log_softmax(last_logits(llm))
            assert token.logprob == pytest.approx(logp[token.id], abs=1e-4)
            assert token.entropy == pytest.approx(float(-(np.exp(logp) * logp).sum()), abs=1e-3)
            assert [a.id for a in token.top] == list(np.argsort(-logp, kind="stable")[:8])
            for alt in token.top:
                assert alt.logprob == pytest.approx(logp[alt.id], abs=1e-4)
            llm.eval([token.id])


def test_temperature_zero_equals_llama_cpp_greedy(any_engine: EngineClient, any_model_path: Path) -> None:
    start_afresh(any_engine)  # the prompt in one batch, as the fresh reference evaluates it
    ours = any_engine.generate(GenerateParams(PROMPT, GREEDY, max_tokens=24)).result()
    with closing(llama_reference(any_model_path)) as llm:
        theirs = llm.create_completion(PROMPT, max_tokens=24, temperature=0.0, repeat_penalty=1.0)
    assert ours.text == theirs["choices"][0]["text"]
    assert ours.text.strip()


def test_top_1000_of_the_big_vocabulary_are_llama_cpps(gemma_engine: EngineClient, gemma_path: Path) -> None:
    """The engine's top-1000 of Gemma's 262,144 logits are numpy's argsort of llama.cpp's own row
    (ties, if any, in either order), with the same log-probabilities, the rest's mass outside."""
    prompt = "My favourite fruit is"
    start_afresh(gemma_engine)  # one batch from an empty cache, as the reference evaluates it
    dist = gemma_engine.next_token(GenerateParams(prompt, SamplerParams(top_k=0, top_p=1.0, min_p=0.0)), top_n=1000)
    assert dist is not None and dist.stages[0] == {"stage": "vocabulary", "kept": 262144}
    with closing(llama_reference(gemma_path)) as llm:
        llm.eval(llm.tokenize(prompt.encode(), add_bos=True))
        row = last_logits(llm)
    assert row.shape == (262144,)
    ours = [t.id for t in dist.tokens]
    theirs = np.argsort(-row, kind="stable")[:1000].tolist()
    assert len(ours) == 1000 and np.array_equal(row[ours], row[theirs])
    assert all(a == b or np.count_nonzero(row == row[a]) > 1 for a, b in zip(ours, theirs))
    logp = log_softmax(row)
    assert [t.logprob for t in dist.tokens] == pytest.approx(logp[ours].tolist(), abs=1e-5)
    assert dist.mass_outside == pytest.approx(1 - float(np.exp(logp[theirs]).sum()), abs=1e-6)
    assert dist.mass_outside > 0  # the long tail: 261,144 tokens still hold some probability
    assert dist.n_kept == 262144  # nothing cut: every token of the vocabulary could be drawn


def test_fixed_seed_repeats_exactly(any_engine: EngineClient) -> None:
    engine = any_engine
    params = GenerateParams(PROMPT, SamplerParams(temperature=1.2, top_k=0, top_p=1.0, min_p=0.0, seed=1234), max_tokens=16)
    first = engine.generate(params).result()
    second = engine.generate(params).result()
    assert [t.id for t in first.tokens] == [t.id for t in second.tokens]
    assert first.done and first.done.seed == 1234
    others = {tuple(t.id for t in engine.generate(GenerateParams(PROMPT, SamplerParams(temperature=1.2, top_k=0, top_p=1.0, min_p=0.0, seed=s), max_tokens=16)).result().tokens) for s in (1, 2, 3)}
    assert len(others) > 1  # the seed really changes the draw


def test_probabilities_and_seeded_runs_do_not_depend_on_what_the_cache_held(
    any_engine: EngineClient, model_name: str, request: pytest.FixtureRequest
) -> None:
    """The same prompt evaluated fresh, fully cached (only its last token again) or from a shared
    prefix gives the same distribution, and a seeded full-vocabulary draw repeats (with llama.cpp's
    CPU flash attention it did not: a token evaluated alone got other logits than in a batch)."""
    if model_name == "gemma":
        # Strict: passes once the engine is fixed, and then this mark must go.
        request.applymarker(pytest.mark.xfail(reason=(
            "engine bug: on Gemma 3 (Q4_K_M) the KV of a reused prefix depends on the size of the batch "
            "that computed it (BOS or a 4-token prompt evaluated alone, against a batch of 20 or more), "
            "and the next-token logprobs move by ~0.08 nats (up to ~0.18 seen); reusing only the last "
            "batch's start is not enough for this model"
        )))
    prompt = "Q: Ann has 2 pens and buys 3 more. How many pens?\nA: 2 + 3 = 5. The answer is 5.\n\nQ: Sam has 4 red and 3 blue balls. How many balls?\nA:"
    wide = SamplerParams(temperature=0.9, top_k=0, top_p=1.0, min_p=0.0, seed=100)
    engine = any_engine

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


def test_next_token_distribution(any_engine: EngineClient, model_name: str) -> None:
    dist = any_engine.next_token(GenerateParams("今天我很", SamplerParams(top_k=5)), top_n=20)
    assert dist is not None
    probs = [t.prob for t in dist.tokens]
    assert probs == sorted(probs, reverse=True)
    assert sum(probs) + dist.mass_outside == pytest.approx(1.0, abs=1e-6)
    assert [t.kept for t in dist.tokens[:5]] == [True] * 5
    assert all(not t.kept and t.cut_by == "top_k" for t in dist.tokens[5:])
    assert dist.entropy > 0
    assert (dist.stages[0], dist.n_kept) == ({"stage": "vocabulary", "kept": FACTS[model_name].n_vocab}, 5)
    if model_name == "smollm2":
        # Half-characters: a Chinese character split over tokens shows up as partial UTF-8.
        assert any(_is_partial(t.bytes) for t in dist.tokens)
    else:  # Gemma's vocabulary holds the common characters whole
        assert any(len(t.text) == 1 and "\u4e00" <= t.text <= "\u9fff" for t in dist.tokens)


def _is_partial(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def test_prompt_longer_than_context_is_refused(any_engine: EngineClient) -> None:
    engine = any_engine
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
        with pytest.raises(ModelLoadError, match="could not load") as caught:
            client.load(LoadParams(path=str(odd)))
        # llama.cpp's reason, without its function names and the generic lines around it
        assert f"{odd}: unknown model architecture: 'no-such-arch'. If" in str(caught.value)
        assert "llama_model_load" not in str(caught.value) and "failed to load model" not in str(caught.value)
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


def test_surprisal_matches_llama_cpp_logits(any_engine: EngineClient, any_model_path: Path, model_name: str) -> None:
    # Long enough to span three scoring batches (256 rows each for SmolLM2, 64 for Gemma).
    rows = scoring_rows(512, FACTS[model_name].n_vocab, 0)
    unit, repeats = "The quick brown fox jumps over the lazy dog. 今天天气很好。", 1
    while len(any_engine.tokenize(unit * repeats)) <= 2 * rows + 1:
        repeats += 1
    text = unit * repeats
    result = any_engine.surprisal(text)
    assert result is not None and result.windows == 1
    assert len(result.tokens) > 2 * rows + 1
    assert result.tokens[0][2] is None
    ids = [i for i, _, _ in result.tokens]
    # llama.cpp's logits in the engine's batches (its rows-at-a-time split, flash attention off): a
    # token's logprob depends on the batch it was evaluated in (up to ~0.2 nats on Gemma), so the
    # tolerance holds for the same split only, and allows float32 against float64 (~1e-7 here).
    with closing(llama_reference(any_model_path)) as llm:
        assert llm.tokenize(text.encode(), add_bos=True) == ids
        expected = reference_logprobs(llm, ids, rows)
    assert [lp for _, _, lp in result.tokens[1:]] == pytest.approx(expected, abs=1e-5)
    assert result.perplexity == pytest.approx(float(np.exp(-np.mean(expected))), rel=1e-5)
    # The engine still generates normally afterwards (the cache was reset and refilled).
    assert any_engine.generate(GenerateParams(PROMPT, GREEDY, max_tokens=2)).result().tokens


def _peak_rss_bytes(pid: int) -> int:
    """The most resident memory process ``pid`` has had (Linux /proc: VmHWM)."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def test_scoring_a_long_text_holds_one_batch_of_logits(gemma_path: Path) -> None:
    """Perplexity of a text of 331 tokens on Gemma (1 MiB of logits per token): the host's memory,
    at its peak and after, grows by the buffers of one 64-row batch (llama.cpp's output and compute
    buffers: 128 MiB measured), not by the text's n_tokens x n_vocab floats (331 MiB)."""
    client = EngineClient()  # its own host: a peak that no earlier test set
    try:
        loaded = client.load(LoadParams(path=str(gemma_path), n_ctx=512))
        assert loaded is not None and loaded.n_vocab == 262144
        assert client.generate(GenerateParams(PROMPT, GREEDY, max_tokens=2)).result().tokens  # warm: graph, buffers of one token
        pid = client.host_pid
        assert pid is not None
        rss_before, peak_before = client.host_rss_bytes(), _peak_rss_bytes(pid)
        text = " ".join(f"w{i % 50}" for i in range(120))  # "w", the digits: ~2.8 tokens a word
        result = client.surprisal(text)
        assert result is not None and result.windows == 1
        n = len(result.tokens)
        batch_bytes = scoring_rows(512, 262144, 0) * 262144 * 4
        assert n * 262144 * 4 > 5 * batch_bytes  # all of the text's logits would not fit the bound below
        grown = max(client.host_rss_bytes() - rss_before, _peak_rss_bytes(pid) - peak_before)
        assert grown < 2.5 * batch_bytes, (n, grown / 2**20)
        assert all(lp is not None and lp <= 0 for _, _, lp in result.tokens[1:])
    finally:
        client.close()


def test_surprisal_of_long_text_uses_windows(model_path: Path) -> None:
    client = EngineClient()
    try:
        client.load(LoadParams(path=str(model_path), n_ctx=256))
        result = client.surprisal("word " * 400)
        assert result is not None and result.windows == 2 and result.window_tokens == 255
        assert [lp is None for _, _, lp in result.tokens].count(True) == 2  # each window starts fresh
    finally:
        client.close()


def test_sampled_token_is_always_marked_kept(any_engine: EngineClient) -> None:
    engine = any_engine
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


def test_restage_and_manual_decoding(any_engine: EngineClient) -> None:
    engine = any_engine
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
    assert scoring_rows(512, 262144, 0) == 64  # Gemma 3
    assert scoring_rows(2048, 10**7, 0) == 32  # a floor, however large the vocabulary
    assert scoring_rows(16, 49152, 0) == 16
    assert scoring_rows(512, 49152, -1) == 512  # GPU offload: the batch as configured


def test_a_host_that_dies_while_loading_names_the_file_and_leaves_no_model(model_path: Path) -> None:
    """A file that passes our checks and still kills llama.cpp (simulated: the host aborted mid-load)
    is bad input (exit code 2) naming the file; the next load starts a fresh host."""
    client = EngineClient()
    try:
        client.start()
        pid = client.host_pid
        assert pid is not None
        killed: list[int] = []

        def abort_once(_fraction: float) -> None:
            if not killed:
                killed.append(pid)
                os.kill(pid, signal.SIGABRT)

        with pytest.raises(ModelLoadError) as caught:
            client.load(LoadParams(path=str(model_path), n_ctx=512), on_progress=abort_once)
        assert caught.value.exit_code == 2 and caught.value.key == "load.crashed"
        assert str(model_path) in str(caught.value) and "crashed loading" in str(caught.value)
        assert client.load_params is None and client.loaded is None
        loaded = client.load(LoadParams(path=str(model_path), n_ctx=512))
        assert loaded is not None and client.host_pid not in (None, pid)
    finally:
        client.close()
