"""The history database at scale, for `workbench bench`: it makes its own runs, then times what a
person waits for. Targets (issue 6): open <= 0.5 s, search p95 <= 100 ms, save a run <= 10 ms,
and every page of the history list as fast as the first.

The runs are written in bulk through the same tables, triggers and token blob format the app
uses; their texts mix English and Chinese words so the full-text index has real work to do.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import GenerationDone, Timings
from workbench.values.tokens import Alternative, TokenEvent
from workbench.store.database import Database
from workbench.store.run_records import NewRun, RunFilter, utc_now
from workbench.store.runs import RunStore
from workbench.store.models import RunRow
from workbench.store.token_codec import encode_tokens

COUNT_CAP = 10_000  # as the History panel counts

def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """~5,000 English-like and Chinese words with Zipf frequencies, as in real text."""
    syllables = "ka lo mi ne ru ta po shi en an or el is ver ment tion pro con de re".split()
    hanzi = "物流包装质量价格客服退款满意失望推荐产品今天高兴天气故事会议总结分类情感知识回答问题步骤思考"
    words = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(5000)})
    words += sorted({rng.choice(hanzi) + rng.choice(hanzi) for _ in range(1200)})
    rng.shuffle(words)
    weights, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        weights.append(total)
    return words, weights


def _text(rng: random.Random, vocabulary: tuple[list[str], list[float]], n_words: int) -> str:
    words, cumulative = vocabulary
    return " ".join(rng.choices(words, cum_weights=cumulative, k=n_words))


def _tokens(rng: random.Random, n: int, k: int = 10) -> list[TokenEvent]:
    """Tokens as a generation records them: ids from a Zipf-like spread over a 49,152-token
    vocabulary (alternatives are mostly common tokens), pieces of 1-8 bytes."""
    def token_id() -> int:
        return min(49151, int(rng.paretovariate(0.6)) - 1)

    pieces: dict[int, bytes] = {}
    out = []
    for _ in range(n):
        ids: list[int] = []
        while len(ids) < k:
            candidate = token_id()
            if candidate not in ids:
                ids.append(candidate)
        logprobs = sorted((-rng.random() * 8 for _ in ids), reverse=True)
        alts = [Alternative(i, "x", lp, pieces.setdefault(i, rng.randbytes(rng.randint(1, 8)))) for i, lp in zip(ids, logprobs)]
        out.append(TokenEvent(alts[0].id, "x", alts[0].bytes, alts[0].logprob, alts, rng.random() * 4))
    return out


def fill(db: Database, runs: int, tokens_per_run: int, seed: int = 0) -> None:
    """Write ``runs`` runs in bulk (1,000 per transaction)."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(random.Random(seed))
    blobs = [encode_tokens(_tokens(rng, tokens_per_run)) for _ in range(16)]
    params = GenerateParams("x", SamplerParams(temperature=0.8, seed=1), max_tokens=tokens_per_run).to_dict()
    start = utc_now() - timedelta(days=365)
    step = timedelta(days=365) / max(runs, 1)
    for first in range(0, runs, 1000):
        rows = [
            {
                "created_at": start + step * i,
                "source": "cli" if i % 3 else "gui",
                "backend": "CPU",
                "load_params": {"n_ctx": 2048},
                "params": params,
                "mode": "chat" if i % 2 else "completion",
                "variant": ("direct", "zero_shot_cot", "few_shot_cot")[i % 3],
                "prompt": _text(rng, vocabulary, 40),
                "output": _text(rng, vocabulary, tokens_per_run // 2),
                "status": "ok" if i % 50 else "cancelled",
                "finish_reason": "length",
                "seed": i,
                "prompt_tokens": 60,
                "completion_tokens": tokens_per_run,
                "tokens_per_s": 110.0,
                "tokens": blobs[i % len(blobs)],
                "starred": i % 97 == 0,
                "note": "",
            }
            for i in range(first, min(first + 1000, runs))
        ]
        with db.session() as session:
            session.execute(insert(RunRow), rows)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def store_bench(runs: int = 100_000, tokens_per_run: int = 500, folder: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "bench.sqlite"
        started = time.perf_counter()
        db = Database(path)
        fill(db, runs, tokens_per_run)
        fill_s = time.perf_counter() - started
        db.close()

        started = time.perf_counter()  # what the History panel does when the app starts
        store = RunStore(Database(path))
        first_page = store.list(limit=200)
        store.count(cap=COUNT_CAP + 1)
        open_s = time.perf_counter() - started

        # Queries as people type them: a word or two, from the 20th to the 2,000th most common.
        words, _weights = _vocabulary(random.Random(0))
        pick = random.Random(2)
        queries = [" ".join(pick.choice(words[20:2000]) for _ in range(pick.randint(1, 2))) for _ in range(40)]
        search_ms = []
        for q in queries:
            for f in (RunFilter(query=q), RunFilter(query=q, status="ok", variant="direct")):
                t = time.perf_counter()  # the panel: the first page, and how many (up to 10,000)
                store.list(f, limit=200)
                store.count(f, cap=COUNT_CAP + 1)
                search_ms.append((time.perf_counter() - t) * 1000)

        page_ms = []
        page = first_page
        for _ in range(50):  # scroll 10,000 runs deep, 200 at a time
            if not page:
                break
            t = time.perf_counter()
            page = store.list(limit=200, after=page[-1])
            page_ms.append((time.perf_counter() - t) * 1000)
        deep = store.list(limit=1, offset=max(0, runs - 400))  # ... and far down
        t = time.perf_counter()
        store.list(limit=200, after=deep[-1])
        deep_page_ms = (time.perf_counter() - t) * 1000

        rng = random.Random(1)
        vocabulary = _vocabulary(random.Random(0))
        save_ms = []
        for i in range(30):
            run = NewRun(
                source="cli", mode="completion", prompt=_text(rng, vocabulary, 40),
                output=_text(rng, vocabulary, tokens_per_run // 2),
                params=GenerateParams("x"), tokens=_tokens(rng, tokens_per_run),
                done=GenerationDone("length", 60, tokens_per_run, Timings(tokens_per_s=110.0), i),
            )
            t = time.perf_counter()
            store.save(run)
            save_ms.append((time.perf_counter() - t) * 1000)
        size_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
        integrity = store.db.integrity_ok() if runs <= 20_000 else None  # a full check reads everything
        store.db.close()
    return {
        "store_runs": runs,
        "store_tokens_per_run": tokens_per_run,
        "store_fill_s": fill_s,
        "store_size_mb": size_mb,
        "store_open_s": open_s,
        "store_search_p95_ms": _percentile(search_ms, 0.95),
        "store_search_median_ms": statistics.median(search_ms),
        "store_page_p95_ms": _percentile(page_ms, 0.95),
        "store_deep_page_ms": deep_page_ms,
        "store_save_median_ms": statistics.median(save_ms),
        "store_save_p95_ms": _percentile(save_ms, 0.95),
        "store_integrity_ok": integrity,
    }
