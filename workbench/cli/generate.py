"""The commands that run the model: run, next, perplexity, sample."""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
from typing import Any

from workbench.cli import options, output
from workbench.errors import PromptError
from workbench.tokens.pieces import piece_label


def register(sub: Any) -> None:
    p = options.command(sub, "run", cmd_run)
    options.add_model(p)
    options.add_prompt(p)
    options.add_sampler(p)
    p.add_argument("--max-tokens", type=options.bounded(1, options.MAX_TOKENS), default=None, help="stop after this many tokens (default 256, or the variant's)")
    p.add_argument("--top-logprobs", type=options.bounded(0, 100), default=5, help="alternatives recorded per token (0-100)")
    p.add_argument("--stop", action="append", default=[], help="stop when this text appears (repeatable)")
    options.add_json(p, "print one JSON object instead of streaming text")
    p.add_argument("--no-history", action="store_true", help="do not save this run in the history")
    options.add_template(p)
    options.add_db(p)

    p = options.command(sub, "next", cmd_next)
    options.add_model(p)
    options.add_prompt(p)
    options.add_sampler(p)
    p.add_argument("--top", type=options.bounded(1, 1000), default=20, help="how many tokens to list (1-1000)")
    options.add_json(p)

    p = options.command(sub, "perplexity", cmd_perplexity)
    p.add_argument("text", help="the text, or - to read standard input")
    options.add_model(p)
    p.add_argument("--no-bos", action="store_true", help="do not add the start token even if the model wants one")
    options.add_json(p)

    p = options.command(sub, "sample", cmd_sample)
    options.add_model(p)
    options.add_prompt(p)
    options.add_sampler(p)
    p.add_argument("--n", type=options.bounded(1, 1000), default=10, help="how many runs (1-1000)")
    p.add_argument("--max-tokens", type=options.bounded(1, options.MAX_TOKENS), default=32, help="tokens per run (default 32)")
    p.add_argument("--stop", action="append", default=[], help="stop when this text appears (repeatable)")
    options.add_json(p)


def _open(settings: Any) -> tuple[Any, Any]:
    from workbench.app.model import open_model

    client, model = open_model(settings)
    for warning in model.loaded.warnings if model.loaded else []:
        output.warn(warning)
    return client, model


def cmd_run(args: argparse.Namespace) -> int:
    """Generate text, streaming tokens coloured by probability.

    With --json it prints one object: the model, the settings (with the seed used, so the run can be
    repeated), the tokens with their log-probabilities and alternatives, and timings. Every run is
    saved in the history unless --no-history.
    """
    from workbench.app.prompt_spec import RunRequest

    request = RunRequest(
        options.prompt_spec(args), options.sampler(args), args.max_tokens, args.top_logprobs, list(args.stop)
    )
    settings = options.load_settings(args)
    workspace = options.workspace(args, result_first=True)
    check_request(request, lambda: workspace.templates)
    return run_request(request, settings, workspace, as_json=args.json, save=not args.no_history)


def check_request(request: Any, templates: Any) -> None:
    """Render ``request`` once before any model loads, in ChatML: a template, variable, variant or
    setting that cannot work is refused now, not after the load (the render that counts, in the
    model's own chat format, follows the load)."""
    from workbench.app.prompt_spec import prepare
    from workbench.prompts.chat_formats import ChatFormat

    prepare(request, ChatFormat(), templates)


def run_request(request: Any, settings: Any, workspace: Any, *, as_json: bool, save: bool = True) -> int:
    """Load the model, prepare and run ``request``, save it and print it (run and history rerun)."""
    from workbench.app.prompt_spec import prepare
    from workbench.app.runs import RunExecutor, Saved, history_record, save_run

    client, model = _open(settings)
    with client:
        prepared = prepare(request, model.chat_format, lambda: workspace.templates)
        announce_format(prepared, model)
        executor = RunExecutor(client, _progress(as_json) if prepared.search else None)
        output.on_interrupt(executor.cancel)
        printer = None if as_json or prepared.search else _TokenPrinter()
        result = executor.execute(prepared, on_token=printer)
        if printer is not None:
            printer.close()
        if result.done is not None and model.loaded is not None:
            result.done.timings.load_s = model.loaded.load_s  # a command's run includes its load
        saved = save_run(workspace, history_record(result, model, "cli")) if save else Saved(None)
        if saved.warning:
            output.warn(saved.warning)
        if result.error is not None:
            raise result.error
    if prepared.search:
        _print_search(result, model, saved.run_id, as_json)
    else:
        _print_run(result, request, settings, model, saved.run_id, as_json)
    return 0


def announce_format(prepared: Any, model: Any) -> None:
    """Tell what to know about a chat's format: chosen for a file without a template, a guess,
    markers the vocabulary lacks."""
    if prepared.chat_format is not None:
        for notice in model.chat_format.notes:
            output.note(str(notice))


class _TokenPrinter:
    """Streams tokens to standard output, coloured by probability on a terminal."""

    def __init__(self) -> None:
        self.colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def __call__(self, token: Any) -> None:
        piece = self.decoder.decode(token.bytes)
        sys.stdout.write(f"{output.colour(token.prob)}{piece}\x1b[0m" if self.colour else piece)
        sys.stdout.flush()

    def close(self) -> None:
        sys.stdout.write(self.decoder.decode(b"", final=True) + "\n")


def _progress(as_json: bool) -> Any:
    def progress(done: int, total: int, what: str) -> None:
        if not as_json or sys.stderr.isatty():
            print(f"[{done}/{total}] {what}", file=sys.stderr, flush=True)

    return progress


def _print_run(result: Any, request: Any, settings: Any, model: Any, run_id: int | None, as_json: bool) -> None:
    done = result.done
    params = result.prepared.params
    if as_json:
        out = {
            "model": model.to_json(),
            "params": {
                **params.sampler.to_dict(),
                "seed": done.seed,
                "max_tokens": params.max_tokens,
                "top_logprobs": params.top_logprobs,
                "stop": params.stop,
                "chat": request.spec.chat,
                "n_ctx": model.loaded.n_ctx,
                "n_gpu_layers": settings.n_gpu_layers,
            },
            "prompt": params.prompt,
            "chat_format": result.prepared.chat_format,
            "prompt_tokens": done.prompt_tokens,
            "text": result.text,
            "tokens": [t.to_dict() for t in result.tokens],
            "finish_reason": done.finish_reason,
            "context_full": done.context_full,
            "timings": {
                "load_s": done.timings.load_s,
                "prompt_s": done.timings.prompt_s,
                "gen_s": done.timings.gen_s,
                "tokens_per_s": done.timings.tokens_per_s,
            },
            "run_id": run_id,
        }
        if result.prepared.details:
            out["variant"] = result.prepared.details["variant"]
        output.print_json(out)
        return
    t = done.timings
    reason = "length: the context is full, use a larger --ctx" if done.context_full else done.finish_reason
    print(
        f"[{reason}] {done.prompt_tokens} prompt tokens in {t.prompt_s:.2f} s, "
        f"{done.completion_tokens} generated at {t.tokens_per_s:.1f} tok/s, seed {done.seed}"
        + (f", saved as run {run_id}" if run_id is not None else ""),
        file=sys.stderr,
    )


def _print_search(result: Any, model: Any, run_id: int | None, as_json: bool) -> None:
    """Self-consistency or tree of thought: several generations, one saved run."""
    task = result.prepared.task
    variant = result.variant
    done = result.done
    details = result.details or {}
    t = done.timings if done else None
    if as_json:
        output.print_json({
            "model": model.to_json(),
            "params": {**task.record_params().sampler.to_dict(), "seed": done.seed if done else None,
                       "max_tokens": task.variant.get("max_tokens")},
            "variant": task.variant.to_json(),
            "prompt": variant.prompt,
            "chat_format": result.prepared.chat_format,
            "prompt_tokens": done.prompt_tokens if done else 0,
            "text": variant.output,
            "status": variant.status,
            "finish_reason": done.finish_reason if done else "cancelled",
            "timings": {"prompt_s": t.prompt_s, "gen_s": t.gen_s, "tokens_per_s": t.tokens_per_s} if t else None,
            "details": details,
            "tokens": [tok.to_dict() for tok in variant.tokens],
            "run_id": run_id,
        })
        return
    print(variant.output)
    if task.variant.kind == "tree_of_thought" and details.get("path"):
        print("best path:\n" + "\n".join(f"  {i}. {s}" for i, s in enumerate(details["path"], 1)), file=sys.stderr)
    seed = f", seed {done.seed}" if done else ""
    saved = f", saved as run {run_id}" if run_id is not None else ""
    print(f"[{variant.status}] {task.variant.name} ({task.variant.kind}){seed}{saved}", file=sys.stderr)


def cmd_next(args: argparse.Namespace) -> int:
    """Show the next-token distribution and which tokens survive the sampler settings.

    An empty prompt shows what the model predicts after its start token.
    """
    from workbench.app.prompt_spec import RunRequest, prepare

    if not 1 <= args.top <= 1000:
        raise PromptError(f"--top must be between 1 and 1000, not {args.top}.")
    request = RunRequest(options.prompt_spec(args, empty_ok=True), options.sampler(args))
    settings = options.load_settings(args)
    check_request(request, _no_templates)
    client, model = _open(settings)
    with client:
        prepared = prepare(request, model.chat_format, _no_templates)
        announce_format(prepared, model)
        dist = client.next_token(prepared.params, top_n=args.top)
    assert dist is not None
    if args.json:
        output.print_json(dist.to_dict())
        return 0
    if dist.start_token:
        output.note(f"the prompt is empty; this is the distribution after the start token {dist.start_token}")
    drawable = "1 token can" if dist.n_kept == 1 else f"{dist.n_kept} tokens can"
    print(f"{dist.prompt_tokens} prompt tokens; entropy {dist.entropy:.3f} nats; {drawable} be drawn")
    for rank, t in enumerate(dist.tokens, 1):
        bar = "#" * max(1, round(t.prob * 40)) if t.prob >= 0.0125 else "."
        status = "kept" if t.kept else f"cut by {t.cut_by}"
        print(f"{rank:>4} {t.prob * 100:6.2f}% {t.logprob:8.3f} {piece_label(t.bytes):<24} {status:<14} {bar}")
    print(f"     {dist.mass_outside * 100:6.2f}% in all other tokens")
    print("survivors: " + " → ".join(f"{s['stage']} {s['kept']}" for s in dist.stages))
    return 0


def _no_templates() -> Any:
    raise PromptError("This command takes no template.")


def cmd_perplexity(args: argparse.Namespace) -> int:
    """Score a text token by token: how surprising the model finds each token, and its perplexity."""
    from workbench.app.model import LoadSettings
    from workbench.tokens.tokenizers import read_text_file

    if args.text == "-":
        text, notes = read_text_file(options.read_stdin("text"))
        for message in notes:
            output.note(message)
    else:
        text = args.text
    if not text:
        raise PromptError("The text is empty.")
    client, _model = _open(LoadSettings(args.model, args.ctx, args.n_gpu_layers, args.threads))
    with client:
        output.on_interrupt(client.cancel)
        result = client.surprisal(text, add_special=not args.no_bos)
    if result is None:
        print("cancelled", file=sys.stderr)
        return 130
    if result.windows > 1:
        output.note(
            f"the text is {len(result.tokens)} tokens, more than the context holds; it was scored in "
            f"{result.windows} windows of {result.window_tokens} tokens (each window starts without context)."
        )
    if args.json:
        print(json.dumps({
            "tokens": [{"id": i, "text": b.decode("utf-8", "replace"), "logprob": lp} for i, b, lp in result.tokens],
            "perplexity": result.perplexity,
            "windows": result.windows,
        }, ensure_ascii=False))
        return 0
    for _i, b, lp in result.tokens:
        shown = "    —   " if lp is None else f"{lp:8.3f}"
        print(f"{shown}  {piece_label(b)}")
    print(f"perplexity {result.perplexity:.3f} over {len(result.tokens)} tokens" if result.perplexity else "perplexity: n/a")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    """Run one prompt N times with the sampler and count the distinct outputs and first tokens."""
    from workbench.app.prompt_spec import RunRequest, prepare
    from workbench.app.resample import check_count, resample

    check_count(args.n)
    request = RunRequest(options.prompt_spec(args), options.sampler(args), args.max_tokens, 0, list(args.stop))
    settings = options.load_settings(args)
    check_request(request, _no_templates)
    tty = sys.stderr.isatty()
    client, model = _open(settings)
    with client:
        prepared = prepare(request, model.chat_format, _no_templates)
        announce_format(prepared, model)
        output.on_interrupt(client.cancel)
        progress = (lambda r: print(f"\r{r.runs}/{args.n}", end="", file=sys.stderr, flush=True)) if tty else None
        result = resample(client, prepared.params, args.n, progress)
    if tty:
        print(file=sys.stderr)
    if result.cancelled:
        output.note(f"cancelled after {result.runs} runs")
    firsts = [(b.decode("utf-8", "replace"), c) for b, c in result.first_tokens.most_common()]
    data = {
        "runs": result.runs,
        "outputs": [{"text": t, "count": c} for t, c in result.outputs.most_common()],
        "first_tokens": [{"text": t, "count": c} for t, c in firsts],
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    print(f"{data['runs']} runs, {len(result.outputs)} distinct outputs")
    for t, c in firsts[:10]:
        print(f"  first token {json.dumps(t, ensure_ascii=False):<16} {c:>5}")
    for t, c in result.outputs.most_common(20):
        print(f"{c:>5}  {json.dumps(t, ensure_ascii=False)}")
    return 0
