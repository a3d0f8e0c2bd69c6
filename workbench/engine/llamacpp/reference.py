"""The benchmark's reference: plain llama-cpp-python in this process, no probability capture.

This is what the workbench is measured against: the same model, context, threads and sampler
settings, through llama-cpp-python's own ``Llama.generate`` loop (generation) and ``Llama.eval``
(one decode); and llama.cpp evaluating a text with logits at every position, in the batches the
engine scores in, each batch's logits read out (the least any perplexity can cost).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from types import TracebackType

import numpy as np

import llama_cpp
from workbench.engine.llamacpp.session import fill_scoring_batch, scoring_rows


class ReferenceRunner:
    """llama-cpp-python's high-level `Llama` on the benchmark's settings; a context manager, or call ``close()``."""

    def __init__(self, model_path: str, n_ctx: int, n_threads: int, flash_attn: bool = False) -> None:
        # The same flash-attention setting as the engine (off on CPU, see session.cpu_flash_default).
        self.llm = llama_cpp.Llama(
            model_path, n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads, flash_attn=flash_attn, verbose=False
        )

    def generation_rate(self, prompt: str, n_tokens: int, seed: int) -> float:
        """Tokens per second between the first and the last of ``n_tokens`` generated tokens."""
        self.llm.reset()
        self.llm.set_seed(seed)
        tokens = self.llm.tokenize(prompt.encode("utf-8"), add_bos=True)
        stamps = []
        for _ in self.llm.generate(tokens, temp=0.8, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.0, reset=True):
            stamps.append(time.perf_counter())
            if len(stamps) >= n_tokens:
                break
        return (len(stamps) - 1) / (stamps[-1] - stamps[0])

    def decode_ms(self, prompt: str, tokens: Sequence[int]) -> list[float]:
        """Milliseconds of each one-token ``Llama.eval`` of ``tokens``, one after another after
        ``prompt`` (evaluated first, not timed)."""
        self.llm.reset()
        self.llm.eval(self.llm.tokenize(prompt.encode("utf-8"), add_bos=True))
        times = []
        for token in tokens:
            started = time.perf_counter()
            self.llm.eval([token])
            times.append((time.perf_counter() - started) * 1000)
        return times

    def scoring_rows(self) -> int:
        """The rows per batch the engine scores a text in, for this model on the CPU."""
        return scoring_rows(self.llm.n_batch, self.llm.n_vocab(), 0)

    def logits_eval_s(self, text: str) -> float:
        """Seconds to evaluate ``text`` from an empty cache with logits requested for every position,
        in the engine's scoring batches, copying each batch's logits out into numpy (what
        ``logits_all`` does, without keeping them): no log-softmax."""
        tokens = self.llm.tokenize(text.encode("utf-8"), add_bos=True)
        ctx, n_vocab, rows = self.llm._ctx.ctx, self.llm.n_vocab(), self.scoring_rows()
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)
        self.llm.reset()
        batch = llama_cpp.llama_batch_init(rows, 0, 1)
        out = np.empty((rows, n_vocab), dtype=np.float32)
        try:
            started = time.perf_counter()
            for start in range(0, len(tokens), rows):
                chunk = tokens[start : start + rows]
                fill_scoring_batch(batch, chunk, start)
                if llama_cpp.llama_decode(ctx, batch) != 0:
                    raise RuntimeError("llama_decode failed in the reference evaluation")
                out[: len(chunk)] = np.ctypeslib.as_array(llama_cpp.llama_get_logits(ctx), shape=(len(chunk), n_vocab))
            return time.perf_counter() - started
        finally:
            llama_cpp.llama_batch_free(batch)
            llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)

    def __enter__(self) -> ReferenceRunner:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.llm.close()
