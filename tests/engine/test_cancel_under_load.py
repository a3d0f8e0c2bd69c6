"""Cancel on a busy machine (real engine): a host that gets no CPU for a while still stops without
a kill, a host killed to stop it still leaves a run that can be repeated (its seed, its prompt's
size, its timings so far), and a slow token is cancelled inside llama.cpp.

A host held with SIGSTOP is the extreme of a busy CPU: it runs nothing until SIGCONT."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.engine import client as client_module
from workbench.engine import decoding
from workbench.engine.client import EngineClient
from workbench.engine.llamacpp.session import LlamaSession
from workbench.errors import EngineClosed
from workbench.values.params import GenerateParams, LoadParams, SamplerParams

PROMPT = "Once upon a time, in a land far away,"
RANDOM = SamplerParams(temperature=1.2, top_k=0, top_p=1.0, min_p=0.0)  # no seed: one is drawn


def stream_then_cancel(engine: EngineClient, params: GenerateParams, after: int, hold: Any) -> Any:
    """Generate, and after ``after`` tokens call ``hold(pid)`` and cancel; the whole result."""
    gen = engine.generate(params)
    for i, _ in enumerate(gen):
        if i + 1 == after:
            pid = engine.host_pid
            assert pid is not None
            hold(pid)
            engine.cancel()
    return gen.result()


def resume(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGCONT)
    except ProcessLookupError:  # killed meanwhile (what this test checks does not happen)
        pass


def test_a_host_killed_to_stop_it_still_leaves_a_repeatable_run(own_engine: EngineClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "CANCEL_GRACE_S", 0.2)
    pid = own_engine.host_pid
    n_prompt = len(own_engine.tokenize(PROMPT))
    # Frozen for good: only the kill ends it.
    result = stream_then_cancel(own_engine, GenerateParams(PROMPT, RANDOM, max_tokens=2000, ignore_eos=True), 6, lambda p: os.kill(p, signal.SIGSTOP))
    assert own_engine._killed_for_cancel
    done = result.done
    assert done is not None and done.finish_reason == "cancelled"
    assert (done.prompt_tokens, done.completion_tokens) == (n_prompt, len(result.tokens))
    assert len(result.tokens) >= 6
    t = done.timings
    assert t.prompt_s > 0 and t.gen_s > 0 and t.tokens_per_s > 0 and t.prompt_tokens_per_s > 0
    # The seed is the one the tokens were drawn with: the run repeats on a fresh host.
    again = own_engine.generate(
        GenerateParams(PROMPT, SamplerParams(**{**RANDOM.to_dict(), "seed": done.seed}), max_tokens=len(result.tokens), ignore_eos=True)
    ).result()
    assert own_engine.host_pid != pid
    assert [t.id for t in again.tokens] == [t.id for t in result.tokens]


def test_a_host_starved_of_cpu_for_a_second_stops_without_a_kill(own_engine: EngineClient) -> None:
    pid = own_engine.host_pid
    timers: list[threading.Timer] = []

    def starve(p: int) -> None:
        os.kill(p, signal.SIGSTOP)
        timers.append(threading.Timer(1.0, resume, (p,)))
        timers[0].start()

    result = stream_then_cancel(own_engine, GenerateParams(PROMPT, RANDOM, max_tokens=2000, ignore_eos=True), 4, starve)
    timers[0].join()
    assert not own_engine._killed_for_cancel and own_engine.host_pid == pid
    done = result.done
    assert done is not None and done.finish_reason == "cancelled"
    assert done.prompt_tokens == len(own_engine.tokenize(PROMPT)) and done.seed != 0  # 0: the seed lost
    assert done.timings.prompt_s > 0 and done.timings.tokens_per_s > 0


def test_closing_mid_generation_ends_it_cancelled_and_repeatable(model_path: Path) -> None:
    client = EngineClient()
    try:
        client.load(LoadParams(path=str(model_path), n_ctx=512))
        n_prompt = len(client.tokenize(PROMPT))
        gen = client.generate(GenerateParams(PROMPT, RANDOM, max_tokens=400, ignore_eos=True))
        with pytest.raises(EngineClosed):
            for i, _ in enumerate(gen):
                if i == 4:
                    client.close()  # the window closing
    finally:
        client.close()
    result = gen.partial()
    assert result.cancelled and result.done is not None
    assert (result.done.prompt_tokens, result.done.completion_tokens) == (n_prompt, len(result.tokens))
    assert result.done.seed != 0


# -- inside llama.cpp ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def session(model_path: Path) -> Iterator[LlamaSession]:
    with LlamaSession(LoadParams(path=str(model_path), n_ctx=512), []) as s:
        yield s


class Sink:
    def __init__(self) -> None:
        self.pieces: dict[int, bytes] = {}
        self.tokens: list[list[Any]] = []

    def flush(self) -> None:
        pass


class AbortAt:
    """Says stop at its ``at``-th ask once the first token is out (the prompt's evaluation asks too)."""

    def __init__(self, sink: Sink, at: int) -> None:
        self.sink, self.at, self.asked = sink, at, 0

    def __call__(self) -> bool:
        if not self.sink.tokens:
            return False
        self.asked += 1
        return self.asked >= self.at


def test_a_slow_token_is_cancelled_inside_its_decode(session: LlamaSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoding, "SLOW_STEP_S", 0.0)  # every token counts as slow
    params = GenerateParams(PROMPT, SamplerParams(seed=5), max_tokens=50, ignore_eos=True, top_logprobs=0)
    heard: list[tuple[int, int]] = []
    sink = Sink()
    # The loop asks once a token, llama.cpp hundreds of times inside a decode: the 100th ask falls
    # inside the second token's decode (the first is not known to be slow yet).
    result = decoding.generate(session, params, AbortAt(sink, 100), sink, lambda seed, n: heard.append((seed, n)))
    assert heard == [(5, len(session.tokenize(PROMPT)))]
    assert result.done.finish_reason == "cancelled" and result.done.completion_tokens == len(sink.tokens) == 2
    assert session.past == []  # an aborted decode leaves the cache unknown: dropped
    # Fast tokens are not polled inside llama.cpp: only the loop asks, once for each token after the first.
    monkeypatch.setattr(decoding, "SLOW_STEP_S", 10.0)
    sink = Sink()
    abort = AbortAt(sink, 100)
    again = decoding.generate(session, params, abort, sink)
    assert again.done.finish_reason == "length" and again.done.completion_tokens == 50
    assert abort.asked == 49
