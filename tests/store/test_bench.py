"""The database part of `workbench bench`, at a size a test can afford: it measures what it says."""

from __future__ import annotations

from workbench.store.bench import store_bench


def test_store_bench_reports_every_measurement() -> None:
    report = store_bench(runs=600, tokens_per_run=20)
    assert report["store_runs"] == 600 and report["store_integrity_ok"] is True
    for key in ("store_open_s", "store_search_p95_ms", "store_page_p95_ms", "store_deep_page_ms", "store_save_median_ms"):
        assert report[key] > 0
    assert report["store_save_p95_ms"] >= report["store_save_median_ms"]
    assert report["store_size_mb"] > 0.1
