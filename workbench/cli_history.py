"""`workbench history ...`: list, search, show, export, delete and re-run saved runs."""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import UTC, datetime
from typing import Any

from workbench.errors import BadInputError


def add_db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="the history database (default: in the data folder)")


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="", help="runs of models whose name or file contains this")
    p.add_argument("--template", default="", help="runs made from templates whose name contains this")
    p.add_argument("--variant", default="", help="runs of this variant (direct, zero_shot_cot...)")
    p.add_argument("--status", default="", help="ok, cancelled or error")
    p.add_argument("--starred", action="store_true", help="starred runs only")
    p.add_argument("--min-rating", type=int, default=0, help="rated at least this (1-5)")
    p.add_argument("--since", help="on or after this date (YYYY-MM-DD, UTC)")
    p.add_argument("--until", help="before this date (YYYY-MM-DD, UTC)")
    p.add_argument("--limit", type=int, default=50, help="at most this many runs (default 50)")
    add_db_arg(p)


def add_parser(sub: Any) -> None:
    history = sub.add_parser("history", help="saved runs: list, search, show, export, delete, compare, rerun")
    hsub = history.add_subparsers(dest="history_command", metavar="ACTION", required=True)
    p = hsub.add_parser("list", help="the latest runs")
    _add_filters(p)
    p.add_argument("--json", action="store_true")
    p = hsub.add_parser("search", help="full-text search over prompts, outputs, notes and templates")
    p.add_argument("query", help="words to find (all of them)")
    _add_filters(p)
    p.add_argument("--json", action="store_true")
    p = hsub.add_parser("show", help="one run with its settings, output and tokens")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    add_db_arg(p)
    p = hsub.add_parser("export", help="runs as JSONL, CSV or Markdown")
    p.add_argument("--format", choices=("jsonl", "csv", "md"), default="jsonl")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--query", default="", help="only runs matching these words")
    p.add_argument("--no-tokens", action="store_true", help="leave the tokens out of JSONL")
    _add_filters(p)
    p.add_argument("--json", action="store_true", help="print a JSON summary of what was written")
    p = hsub.add_parser("delete", help="delete runs")
    p.add_argument("ids", type=int, nargs="+")
    p.add_argument("--json", action="store_true")
    add_db_arg(p)
    p = hsub.add_parser("compare", help="two or more runs side by side: settings, text diff, token probabilities")
    p.add_argument("ids", type=int, nargs="+")
    p.add_argument("--json", action="store_true")
    add_db_arg(p)
    p = hsub.add_parser("rerun", help="run a saved run again with the same model and settings")
    p.add_argument("id", type=int)
    p.add_argument("--seed", type=int, help="another seed (default: the saved run's, to repeat it exactly)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: the saved run's)")
    p.add_argument("--json", action="store_true")
    add_db_arg(p)


def open_store(args: argparse.Namespace) -> Any:
    from workbench.store.database import Database
    from workbench.store.runs import RunStore

    return RunStore(Database(args.db) if getattr(args, "db", None) else Database())


def _date(text: str | None, flag: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise BadInputError(f"{flag} takes a date like 2026-11-23, not {text!r}.") from None


def _filter(args: argparse.Namespace, query: str = "") -> Any:
    from workbench.store.runs import RunFilter

    from workbench.prompts.variants import KINDS

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
    )


def _print_summaries(summaries: list[Any], as_json: bool, total: int) -> None:
    if as_json:
        print(json.dumps({"total": total, "runs": [s.to_json() for s in summaries]}, ensure_ascii=False, indent=2))
        return
    for s in summaries:
        star = "*" if s.starred else " "
        prompt = " ".join(s.prompt.split())[:50]
        output = " ".join(s.output.split())[:40]
        origin = " ".join(x for x in (s.template, s.variant) if x)
        origin = f"[{origin}] " if origin else ""
        print(f"{s.id:>7} {star} {s.created_at:%Y-%m-%d %H:%M} {s.status:<9} {s.model[:24]:<24} {origin}{prompt!r} -> {output!r}")
    print(f"{len(summaries)} of {total} runs", file=sys.stderr)


def cmd_history(args: argparse.Namespace) -> int:
    store = open_store(args)
    action = args.history_command
    if action in ("list", "search"):
        f = _filter(args, args.query if action == "search" else "")
        _print_summaries(store.list(f, limit=args.limit), args.json, store.count(f))
    elif action == "show":
        from workbench.store.export import run_json

        data = run_json(store.get(args.id))
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            model = data["model"]["name"] if data["model"] else "unknown model"
            print(f"run {data['id']} · {data['created_at']} · {model} · {data['status']} ({data['finish_reason']})")
            print(f"sampler: {data['params'].get('sampler')}")
            print(f"--- prompt ---\n{data['prompt']}\n--- output ---\n{data['output'] or data['error'] or ''}")
    elif action == "export":
        from workbench.store.export import export_runs

        f = _filter(args, args.query)
        rows = [store.get(s.id) for s in store.list(f, limit=args.limit)]
        text = export_runs(rows, args.format, with_tokens=not args.no_tokens)
        if args.output:
            try:
                with open(args.output, "w", encoding="utf-8", newline="") as out:
                    out.write(text)
            except OSError as e:
                raise BadInputError(f"Cannot write {args.output}: {e.strerror}.") from None
        else:
            sys.stdout.write(text)
        if args.json:
            print(json.dumps({"runs": len(rows), "format": args.format, "output": args.output}), file=sys.stderr if not args.output else sys.stdout)
    elif action == "delete":
        missing = sorted(set(args.ids) - store.existing(args.ids))
        if missing:
            raise BadInputError(f"There is no run {', '.join(map(str, missing))}; nothing was deleted.")
        deleted = store.delete(args.ids)
        print(json.dumps({"deleted": deleted}) if args.json else f"deleted {deleted} run(s)")
    elif action == "compare":
        return _compare(args, store)
    elif action == "rerun":
        return _rerun(args, store)
    return 0


def _percent(logprob: float | None) -> str:
    return "not among its alternatives" if logprob is None else f"{math.exp(logprob):.1%}"


def _compare(args: argparse.Namespace, store: Any) -> int:
    from workbench.store.compare import compare_runs

    comparison = compare_runs(store, args.ids)
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


def _rerun(args: argparse.Namespace, store: Any) -> int:
    """The saved prompt, sampler and model, run again (and saved as a new run)."""
    from workbench.cli import cmd_run
    from workbench.engine.protocol import GenerateParams
    from workbench.prompts.variant_runner import SEARCH_KINDS

    row = store.get(args.id)
    if row.model is None:
        raise BadInputError(f"Run {args.id} has no recorded model, so it cannot be run again.")
    params = GenerateParams.from_dict(row.params)
    sampler = params.sampler
    rerun = argparse.Namespace(
        model=row.model.path,
        prompt=row.prompt,
        var=None,
        chat=False,  # the saved prompt is already rendered, special tokens included
        raw_special=row.mode == "chat" or params.parse_special,
        system=None,
        max_tokens=params.max_tokens,
        temperature=sampler.temperature,
        top_k=sampler.top_k,
        top_p=sampler.top_p,
        min_p=sampler.min_p,
        repeat_penalty=sampler.repeat_penalty,
        seed=args.seed if args.seed is not None else row.seed,
        top_logprobs=params.top_logprobs,
        n_gpu_layers=int(row.load_params.get("n_gpu_layers", 0)),
        ctx=int(row.load_params.get("n_ctx", 2048)),
        threads=args.threads if args.threads is not None else row.load_params.get("n_threads"),
        stop=list(params.stop),
        json=args.json,
        db=args.db,
        no_history=False,
        template=None,  # the saved prompt is already rendered
        template_ref=row.template,
        mode=row.mode,
    )
    details = row.details or {}
    if row.variant in SEARCH_KINDS and "task" in details:  # votes or a tree: run the variant again
        rerun.variant, rerun.rerun_details = row.variant, details
    else:  # the saved prompt already carries the variant's cue or examples
        rerun.variant, rerun.variant_kind, rerun.variant_details = None, row.variant, row.details
    return cmd_run(rerun)
