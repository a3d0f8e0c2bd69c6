"""`workbench history ...`: list, search, show, export, delete, compare and re-run saved runs."""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import UTC, datetime
from typing import Any

from workbench.cli import options, output
from workbench.errors import BadInputError


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="", help="runs of models whose name or file contains this")
    p.add_argument("--template", default="", help="runs made from templates whose name contains this")
    p.add_argument("--variant", default="", help="runs of this variant (direct, zero_shot_cot...)")
    p.add_argument("--status", default="", help="ok, cancelled or error")
    p.add_argument("--starred", action="store_true", help="starred runs only")
    p.add_argument("--min-rating", type=options.bounded(0, 5), default=0, help="rated at least this (1-5)")
    p.add_argument("--since", help="on or after this date (YYYY-MM-DD, UTC)")
    p.add_argument("--until", help="before this date (YYYY-MM-DD, UTC)")
    p.add_argument("--experiment", type=options.run_id(), metavar="ID", help="the runs of this experiment's cases")
    p.add_argument("--limit", type=options.bounded(1, 1_000_000), default=50, help="at most this many runs (default 50)")
    options.add_db(p)


def register(sub: Any) -> None:
    history = sub.add_parser("history", help="saved runs: list, search, show, export, delete, compare, rerun",
                             description="Every run is saved in the history database; these commands read it.")
    hsub = history.add_subparsers(dest="history_command", metavar="ACTION", required=True)
    p = options.command(hsub, "list", cmd_list)
    _add_filters(p)
    options.add_json(p)
    p = options.command(hsub, "search", cmd_search)
    p.add_argument("query", help="words to find (all of them)")
    _add_filters(p)
    options.add_json(p)
    p = options.command(hsub, "show", cmd_show)
    p.add_argument("id", type=options.run_id())
    options.add_json(p)
    options.add_db(p)
    p = options.command(hsub, "export", cmd_export)
    p.add_argument("--format", choices=("jsonl", "csv", "md"), default="jsonl")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--query", default="", help="only runs matching these words")
    p.add_argument("--no-tokens", action="store_true", help="leave the tokens out of JSONL")
    _add_filters(p)
    options.add_json(p, "print a JSON summary of what was written")
    p = options.command(hsub, "delete", cmd_delete)
    p.add_argument("ids", type=options.run_id(), nargs="+")
    options.add_json(p)
    options.add_db(p)
    p = options.command(hsub, "compare", cmd_compare)
    p.add_argument("ids", type=options.run_id(), nargs="+")
    options.add_json(p)
    options.add_db(p)
    p = options.command(hsub, "rerun", cmd_rerun)
    p.add_argument("id", type=options.run_id())
    p.add_argument("--seed", type=options.bounded(0, 2**32 - 1), help="another seed (default: the saved run's, to repeat it exactly)")
    p.add_argument("--threads", type=options.bounded(1, options.max_threads), default=None, help="CPU threads (default: the saved run's)")
    options.add_json(p)
    options.add_db(p)


def _date(text: str | None, flag: str) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise BadInputError(f"{flag} takes a date like 2026-11-23, not {text!r}.") from None


def _filter(args: argparse.Namespace, query: str = "") -> Any:
    from workbench.prompts.variants import KINDS
    from workbench.store.run_records import RunFilter

    if args.limit < 1:
        raise BadInputError("--limit must be 1 or more.")
    variant = args.variant.strip().replace("-", "_").replace(" ", "_").lower()
    if variant and variant not in KINDS:
        raise BadInputError(f"--variant filters by kind: {', '.join(KINDS)} (not {args.variant!r}).")
    return RunFilter(
        query=query,
        model=args.model,
        template=args.template,
        variant=variant,
        status=args.status,
        starred=args.starred,
        min_rating=args.min_rating,
        since=_date(args.since, "--since"),
        until=_date(args.until, "--until"),
        experiment=args.experiment,
    )


def _print_summaries(summaries: list[Any], as_json: bool, total: int) -> None:
    if as_json:
        print(json.dumps({"total": total, "runs": [s.to_json() for s in summaries]}, ensure_ascii=False, indent=2))
        return
    for s in summaries:
        star = "*" if s.starred else " "
        prompt = " ".join(s.prompt.split())[:50]
        said = " ".join(s.output.split())[:40]
        origin = " ".join(x for x in (s.template, s.variant) if x)
        origin = f"[{origin}] " if origin else ""
        print(f"{s.id:>7} {star} {s.created_at:%Y-%m-%d %H:%M} {s.status:<9} {s.model[:24]:<24} {origin}{prompt!r} -> {said!r}")
    print(f"{len(summaries)} of {total} runs", file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    """The latest saved runs (newest first), with filters."""
    return _list(args, "")


def cmd_search(args: argparse.Namespace) -> int:
    """Full-text search over prompts, outputs, notes and templates (Chinese too), with filters."""
    return _list(args, args.query)


def _list(args: argparse.Namespace, query: str) -> int:
    store = options.workspace(args).runs
    f = _filter(args, query)
    _print_summaries(store.list(f, limit=args.limit), args.json, store.count(f))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """One run with its settings, output and tokens."""
    from workbench.store.export import run_json

    data = run_json(options.workspace(args).runs.get(args.id))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    model = data["model"]["name"] if data["model"] else "unknown model"
    print(f"run {data['id']} · {data['created_at']} · {model} · {data['status']} ({data['finish_reason']})")
    print(f"sampler: {data['params'].get('sampler')}")
    print(f"--- prompt ---\n{data['prompt']}\n--- output ---\n{data['output'] or data['error'] or ''}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Runs as JSONL (default), CSV or Markdown."""
    from workbench.store.export import export_runs

    store = options.workspace(args).runs
    f = _filter(args, args.query)
    rows = [store.get(s.id) for s in store.list(f, limit=args.limit)]
    text = export_runs(rows, args.format, with_tokens=not args.no_tokens)
    if args.output:
        with output.whole_file(args.output, newline="") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    if args.json:
        print(json.dumps({"runs": len(rows), "format": args.format, "output": args.output}), file=sys.stderr if not args.output else sys.stdout)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete runs (all of them, or none when one is not there)."""
    store = options.workspace(args).runs
    missing = sorted(set(args.ids) - store.existing(args.ids))
    if missing:
        raise BadInputError(f"There is no run {', '.join(map(str, missing))}; nothing was deleted.")
    deleted = store.delete(args.ids)
    print(json.dumps({"deleted": deleted}) if args.json else f"deleted {deleted} run(s)")
    return 0


def _percent(logprob: float | None) -> str:
    return "not among its alternatives" if logprob is None else f"{math.exp(logprob):.1%}"


def cmd_compare(args: argparse.Namespace) -> int:
    """Two or more runs side by side: settings that differ, a text diff, and where their token
    probabilities part (the first token drawn differently, the shared tokens that moved most)."""
    from workbench.store.compare import compare_runs

    comparison = compare_runs(options.workspace(args).runs, args.ids)
    if args.json:
        print(json.dumps(comparison.to_json(), ensure_ascii=False, indent=2))
        return 0
    data = comparison.to_json()
    for run in data["runs"]:
        ppl = f", perplexity {run['perplexity']:.2f}" if run["perplexity"] is not None else ""
        print(f"run {run['id']}: {run['status']}, {run['completion_tokens']} tokens{ppl}")
    differing = comparison.differing_settings()
    print("settings that differ: " + ("; ".join(
        f"{k} " + " | ".join("-" if x is None else (repr(x[:40] + "…") if isinstance(x, str) and len(x) > 40 else str(x)) for x in v)
        for k, v in differing) or "none"))
    for pair in comparison.pairs:
        print(f"\n=== run {pair.a} → run {pair.b}")
        share = f" ({pair.shared_share:.0%})" if pair.shared_share is not None else ""
        print(f"shared tokens: {pair.shared_tokens} of {pair.tokens_b}{share}")
        d = pair.divergence
        if d is not None:
            print(f"first divergence at token {d.index}: run {pair.a} drew {d.a['text']!r} ({_percent(d.a['logprob'])}; "
                  f"run {pair.b} there: {_percent(d.a['logprob_in_b'])}), run {pair.b} drew {d.b['text']!r} "
                  f"({_percent(d.b['logprob'])}; run {pair.a} there: {_percent(d.b['logprob_in_a'])})")
        if pair.shifts:
            print("largest probability changes on shared tokens:")
            for s in pair.shifts[:10]:
                print(f"  {s.text!r:<20} {math.exp(s.logprob_a):7.1%} → {math.exp(s.logprob_b):7.1%}  ({s.delta:+.2f} nats)")
        print(pair.text_diff or "(same text)")
    return 0


def cmd_rerun(args: argparse.Namespace) -> int:
    """Run a saved run again with the same model, exact prompt and settings (saved as a new run).

    The saved seed repeats the run exactly; a vote or a search runs its whole variant again.
    """
    from workbench.app.rerun import rerun_plan
    from workbench.cli.generate import run_request

    workspace = options.workspace(args)
    plan = rerun_plan(workspace.runs.get(args.id), seed=args.seed, threads=args.threads)
    return run_request(plan.request, plan.load, workspace, as_json=args.json)
