"""llama.cpp's own sampler chain, owned and freed here."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

import llama_cpp
from workbench.values.params import SamplerParams


class Sampler:
    """llama.cpp's sampler chain: repeat penalty -> top-k -> top-p -> min-p -> temperature -> draw.

    Owns the chain: use it as a context manager, or call ``close()`` (safe to call twice)."""

    def __init__(self, params: SamplerParams, seed: int, history: Sequence[int], n_vocab: int) -> None:
        chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
        self.chain = chain
        add = llama_cpp.llama_sampler_chain_add
        add(chain, llama_cpp.llama_sampler_init_penalties(n_vocab, params.repeat_last_n, params.repeat_penalty, 0.0, 0.0))
        if params.temperature == 0:
            add(chain, llama_cpp.llama_sampler_init_greedy())
        else:
            if params.top_k > 0:
                add(chain, llama_cpp.llama_sampler_init_top_k(params.top_k))
            add(chain, llama_cpp.llama_sampler_init_top_p(params.top_p, 1))
            add(chain, llama_cpp.llama_sampler_init_min_p(params.min_p, 1))
            add(chain, llama_cpp.llama_sampler_init_temp(params.temperature))
            add(chain, llama_cpp.llama_sampler_init_dist(seed))
        # The prompt counts towards the repeat penalty, as in llama.cpp's own tools.
        if params.repeat_penalty != 1.0 and params.repeat_last_n:
            for token in history[-params.repeat_last_n :]:
                llama_cpp.llama_sampler_accept(chain, token)

    def __enter__(self) -> Sampler:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def sample(self, ctx: llama_cpp.llama_context_p) -> int:
        """Draw the next token from the context's last logits (reads them; does not change them)."""
        return int(llama_cpp.llama_sampler_sample(self.chain, ctx, -1))

    def close(self) -> None:
        if self.chain:
            llama_cpp.llama_sampler_free(self.chain)
            self.chain = None
