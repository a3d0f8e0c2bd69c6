"""The benchmark's reference: plain llama-cpp-python generation in this process, no probability capture.

This is what the workbench is measured against: the same model, context, threads and sampler
settings, through llama-cpp-python's own ``Llama.generate`` loop.
"""

from __future__ import annotations

import time
from types import TracebackType

import llama_cpp


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

    def __enter__(self) -> ReferenceRunner:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.llm.close()
