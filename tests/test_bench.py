"""`workbench bench`'s perplexity measurement, at a small scale on the real engine."""

from __future__ import annotations

from pathlib import Path

from workbench.bench import _surprisal_cost
from workbench.engine.client import EngineClient
from workbench.engine.protocol import LoadParams


def test_perplexity_cost_compares_two_full_passes(model_path: Path) -> None:
    # Small batches, so a pass that found its text in the cache would evaluate a fraction of it.
    client = EngineClient()
    try:
        client.load(LoadParams(path=str(model_path), n_ctx=512, n_batch=32))
        report = _surprisal_cost(client, n_tokens=240, rounds=2)
    finally:
        client.close()
    assert report["perplexity_tokens"] > 200
    assert len(report["perplexity_vs_eval_rounds"]) == 2
    # Both orders (plain first, perplexity first) measure comparable work: neither pass is a
    # cache hit of the other's text (which made a ratio of 5 or more).
    assert all(0.5 < ratio < 2.5 for ratio in report["perplexity_vs_eval_rounds"]), report
    assert report["perplexity_rss_mb"] < 64  # 32 rows of logits, not the context's
