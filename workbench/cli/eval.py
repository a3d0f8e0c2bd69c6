"""`workbench eval ...`: run an experiment file or a built-in suite, resume one, list, show and
export the stored ones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli import options, output
from workbench.errors import BadInputError

ACTIONS = ("list", "show", "export")


def register(sub: Any) -> None:
    p = options.command(sub, "eval", cmd_eval)
    p.add_argument("target", nargs="?", metavar="FILE.yaml|list|show|export",
                   help="an experiment file to run, or list / show ID / export ID")
    p.add_argument("id", nargs="?", type=options.run_id(), help="the experiment (show, export)")
    p.add_argument("--suite", metavar="NAME", help="run a built-in suite (eval --suite list names them)")
    p.add_argument("--resume", type=options.run_id(), metavar="ID", help="go on with experiment ID where it stopped")
    p.add_argument("--limit", type=options.bounded(1, 10_000_000), metavar="N", help="only the first N dataset rows")
    p.add_argument("--format", choices=("csv", "jsonl", "html"), help="export: the file format")
    p.add_argument("--output", "-o", metavar="FILE", help="export: write here")
    options.add_json(p, "print the experiment's summary as one JSON object")
    options.add_db(p)


def cmd_eval(args: argparse.Namespace) -> int:
    """Run an experiment: prompts x a dataset x models, judged by assertions and logprob classification.

    `workbench eval FILE.yaml` runs every case (each one saved in the history as an ordinary run)
    and prints each column's pass rate with its 95% interval and the paired comparisons;
    --resume ID goes on where a cancelled or killed run stopped; `eval list`, `eval show ID` and
    `eval export ID --format csv|jsonl|html -o FILE` read stored experiments. Exit code 0 whether
    cases pass or fail; 2 for an invalid file (with its line and what is wrong).
    """
    if args.target in ACTIONS:
        return {"list": _list, "show": _show, "export": _export}[args.target](args)
    if args.id is not None:
        raise BadInputError(f"{args.id} is only read after list, show or export.")
    if args.suite == "list":
        return _list_suites()
    if args.suite:
        from workbench.app.experiments.suites import find_suite

        return _run(args, find_suite(args.suite).path)
    if not args.target:  # none, or an empty one
        if args.resume is None:
            raise BadInputError("Give an experiment file (workbench eval FILE.yaml), --suite NAME, or list / show ID / export ID.")
        record = options.workspace(args).experiments.get(args.resume)
        if not record.source:
            raise BadInputError(f"Experiment {args.resume} was not made from a file: resume it in the window.")
        return _run(args, Path(record.source))
    return _run(args, Path(args.target))


def _list_suites() -> int:
    from workbench.app.experiments.suites import suites

    for suite in suites():
        print(f"{suite.name}\t{suite.title}")
    return 0


def _run(args: argparse.Namespace, path: Path) -> int:
    from workbench.app.experiments.definition import load_file
    from workbench.app.experiments.report import summary
    from workbench.app.experiments.runner import ExperimentRunner

    if path.exists():  # (a missing one: load_file says so)
        options.check_text_file(str(path), "experiment file")  # a folder, a pipe (a hang), over 5 MB: refused
    experiment = load_file(path)
    workspace = options.workspace(args)
    printer = _ProgressPrinter(quiet=args.json)
    runner = ExperimentRunner(workspace, experiment, source="cli", on_progress=printer)
    output.on_interrupt(runner.cancel)
    outcome = runner.run(resume_id=args.resume, limit=args.limit)
    printer.close()
    for notice in outcome.notices:
        output.note(notice)
    result = summary(workspace, outcome.experiment_id)
    if args.json:
        output.print_json(result)
    else:
        _print_summary(result)
    return 0


def _list(args: argparse.Namespace) -> int:
    records = options.workspace(args).experiments.list()
    if args.json:
        output.print_json({"experiments": [r.to_json() for r in records]})
        return 0
    for r in records:
        print(f"{r.id:>5}  {r.created_at:%Y-%m-%d %H:%M}  {r.status:<11} {r.n_done:>6}/{r.n_cases:<6} {r.name}")
    return 0


def _need_id(args: argparse.Namespace) -> int:
    if args.id is None:
        raise BadInputError(f"eval {args.target} needs an experiment id (eval list shows them).")
    return int(args.id)


def _show(args: argparse.Namespace) -> int:
    from workbench.app.experiments.report import summary

    result = summary(options.workspace(args), _need_id(args))
    if args.json:
        output.print_json(result)
    else:
        _print_summary(result)
    return 0


def _export(args: argparse.Namespace) -> int:
    from workbench.app.experiments.export import export
    from workbench.app.experiments.report import summary

    eid = _need_id(args)
    if not args.format:
        raise BadInputError("eval export needs --format csv, jsonl or html.")
    result = summary(options.workspace(args), eid)
    if not args.output:
        export(result, args.format, sys.stdout)
        return 0
    # Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
    encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
    with output.whole_file(args.output, encoding, newline="" if args.format == "csv" else None) as out:
        export(result, args.format, out)
    if args.json:
        output.print_json({"experiment_id": eid, "format": args.format, "output": args.output, "cases": len(result["cases"])})
    else:
        output.note(f"wrote {args.output} ({len(result['cases'])} cases)")
    return 0


def _print_summary(result: dict[str, Any]) -> None:
    from workbench.app.experiments.stats import pair_sentence

    print(f"experiment {result['experiment_id']}: {result['name']} ({result['status']}, {result['n_done']}/{result['n_cases']} cases)")
    width = max([len(c["id"]) for c in result["columns"]] + [6]) + 2
    print(output.pad("column", width) + "pass rate   95% CI        n   errors")
    for c in result["columns"]:
        lo, hi = c["ci95"]
        line = f"{c['pass_rate'] * 100:6.1f} %   [{lo * 100:4.1f}, {hi * 100:5.1f}]  {c['n']:>4}  {c['errors']:>4}"
        cls = c.get("classification")
        if cls:
            line += f"   accuracy {cls['accuracy'] * 100:.1f} %, p(right) {cls['mean_p_correct']:.2f}, ECE {cls['ece']:.3f}"
        print(output.pad(c["id"], width) + line)
    for pair in result["pairs"]:
        print(pair_sentence(pair))
    multi = sorted({label for c in result["columns"] if c.get("classification") for label in c["classification"]["multi_token_labels"]})
    if multi:
        print(f"labels scored as the sum of several tokens: {', '.join(multi)}")
    flips = result.get("flaky") or []
    if flips:
        print(f"{len(flips)} case(s) flip between repeats")


class _ProgressPrinter:
    """One status line on a terminal (carriage return), nothing when not a terminal or with --json."""

    def __init__(self, quiet: bool) -> None:
        self.live = sys.stderr.isatty() and not quiet
        self.shown = False

    def __call__(self, progress: Any) -> None:
        if not self.live:
            return
        eta = f", {progress.eta_s:.0f} s left" if progress.eta_s is not None else ""
        cached = f", {progress.cached} from history" if progress.cached else ""
        sys.stderr.write(f"\r{progress.done}/{progress.total} cases{cached}{eta}   ")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
