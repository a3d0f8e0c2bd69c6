"""The llama.cpp wrappers own their pointers: context managers that free them once, even on errors
(on both test models)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.engine.llamacpp.kernels import exp_sum_address
from workbench.engine.llamacpp.sampler import Sampler
from workbench.engine.llamacpp.session import LlamaSession, LoadCancelled
from workbench.errors import NoModelLoaded
from workbench.values.params import LoadParams, SamplerParams


def test_session_and_sampler_close_on_exit_and_close_twice(any_model_path: Path) -> None:
    with LlamaSession(LoadParams(path=str(any_model_path), n_ctx=256), []) as s:
        assert s.model and s.ctx
        s.evaluate(s.tokenize("Hello"), lambda: False)
        with s.sampler(SamplerParams(temperature=0.0), 0, s.past) as sampler:
            assert isinstance(sampler, Sampler) and sampler.chain
            assert 0 <= sampler.sample(s.ctx) < s.n_vocab
        assert sampler.chain is None
        sampler.close()  # idempotent
    assert s.ctx is None and s.model is None
    s.close()
    assert s.ctx is None and s.model is None


def test_pointers_are_freed_when_the_block_raises(any_model_path: Path) -> None:
    with pytest.raises(RuntimeError, match="inside"):
        with LlamaSession(LoadParams(path=str(any_model_path), n_ctx=256), []) as s:
            with s.sampler(SamplerParams(temperature=0.8, seed=1, repeat_penalty=1.1), 1, [1, 2, 3]) as sampler:
                raise RuntimeError("inside")
    assert sampler.chain is None and s.ctx is None and s.model is None


def test_a_tokenizer_only_session_refuses_to_evaluate(any_model_path: Path) -> None:
    with LlamaSession(LoadParams(path=str(any_model_path), vocab_only=True), []) as s:
        assert s.ctx is None and s.tokenize("Hello", add_special=False)
        with pytest.raises(NoModelLoaded, match="Only the tokenizer"):
            s.evaluate([1, 2], lambda: False)
    assert s.model is None


def test_a_cancelled_load_leaves_nothing_open(any_model_path: Path) -> None:
    fractions: list[float] = []

    def stop(fraction: float) -> bool:
        fractions.append(fraction)
        return False

    with pytest.raises(LoadCancelled):
        LlamaSession(LoadParams(path=str(any_model_path), n_ctx=256), [], stop)
    assert fractions  # llama.cpp asked, and stopped at the first answer
    assert len(fractions) == 1


def test_row_capture_uses_ggml_kernel(any_model_path: Path) -> None:
    with LlamaSession(LoadParams(path=str(any_model_path), vocab_only=True), []) as s:
        capture = s.row_capture(5, True)
    assert (capture.k, capture.entropy, capture.kernel_address) == (5, True, exp_sum_address)
    assert exp_sum_address != 0
