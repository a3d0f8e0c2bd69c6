"""`workbench bench`: speed and memory against plain llama-cpp-python, in parts."""

from __future__ import annotations

import argparse
import json
from typing import Any

from workbench.cli import options
from workbench.errors import PromptError


def register(sub: Any) -> None:
    p = options.command(sub, "bench", cmd_bench)
    p.add_argument("--model", "-m", default="default", help="a .gguf file or 'default'")
    p.add_argument("--tokens", type=options.bounded(2, 100_000), default=128, help="tokens generated per measurement")
    p.add_argument("--rounds", type=options.bounded(1, 1000), default=12, help="paired rounds of reference and workbench")
    p.add_argument("--threads", type=options.bounded(1, options.max_threads), default=None, help="CPU threads (default: all cores)")
    p.add_argument("--only", metavar="PARTS", help="a comma-separated subset of: generation, perplexity, next, eval, tokens, gui, store, remote")
    p.add_argument("--no-gui", action="store_true", help="skip the window, event-loop and Tokens panel measurements")
    p.add_argument("--store-runs", type=options.bounded(1, 10_000_000), default=None, help="run the history database part with this many runs (default: skipped; 100,000 with --only store)")
    options.add_json(p)


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure speed and memory against plain llama-cpp-python, side by side in one run.

    By default every part but the 100,000-run history database runs; --only picks parts and
    --store-runs N adds the database part with N runs.
    """
    from workbench.bench import DEFAULT_PARTS, parse_parts, run_bench

    if args.store_runs is not None and args.store_runs < 0:
        raise PromptError("--store-runs must be 0 (skip) or more.")
    parts = parse_parts(args.only) if args.only is not None else DEFAULT_PARTS  # --only "" names no part
    if args.store_runs and "store" not in parts:
        parts = parse_parts(",".join([*parts, "store"]))
    if args.store_runs == 0:
        parts = tuple(p for p in parts if p != "store")
    if args.no_gui:
        parts = tuple(p for p in parts if p not in ("gui", "tokens"))
    report = run_bench(model=args.model, tokens=args.tokens, rounds=args.rounds, threads=args.threads,
                       parts=parts, store_runs=args.store_runs or None)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:>30}: {value:.3f}" if isinstance(value, float) else f"{key:>30}: {value}")
    return 0
