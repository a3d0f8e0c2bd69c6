"""The `workbench` command. With no arguments it opens the desktop app; subcommands run headless.

Exit codes: 0 ok, 2 bad input (a message on stderr, no traceback), 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.cli_history import add_db_arg, cmd_history, open_store
from workbench.cli_history import add_parser as add_history_parser
from workbench.cli_templates import add_parser as add_templates_parser
from workbench.cli_templates import cmd_templates
from workbench.errors import PromptError, WorkbenchError
from workbench.tokens.pieces import piece_label

DEFAULT_MAX_TOKENS = 256
MAX_SAMPLES = 1000  # runs of `workbench sample`: enough to measure variation, bounded in time


def _add_model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", "-m", default="default", help="a .gguf file, or 'default' for the bundled SmolLM2-135M")
    p.add_argument("--ctx", type=int, default=4096, help="context size in tokens (default 4096)")
    p.add_argument("--n-gpu-layers", type=int, default=0, help="layers to offload to the GPU (-1: all)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: all cores)")


def _add_sampler_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--temperature", type=float, default=0.8, help="0 = always the most likely token")
    p.add_argument("--top-k", type=int, default=40, help="keep the K most likely tokens (0 = off)")
    p.add_argument("--top-p", type=float, default=0.95, help="keep the most likely tokens up to this mass (1 = off)")
    p.add_argument("--min-p", type=float, default=0.05, help="drop tokens below this fraction of the best (0 = off)")
    p.add_argument("--repeat-penalty", type=float, default=1.0, help="divide logits of recent tokens (1 = off)")
    p.add_argument("--seed", type=int, default=None, help="fix the random draw so a run repeats exactly")


def _add_prompt_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prompt", "-p", help="the prompt text, or - to read standard input")
    p.add_argument("--chat", action="store_true", help="wrap the prompt in the model's chat template")
    p.add_argument("--system", default=None, help="system message (with --chat)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="generate text, streaming tokens coloured by probability")
    _add_model_args(p)
    _add_prompt_args(p)
    _add_sampler_args(p)
    p.add_argument("--max-tokens", type=int, default=None, help="stop after this many tokens (default 256, or the variant's)")
    p.add_argument("--top-logprobs", type=int, default=5, help="alternatives recorded per token (0-100)")
    p.add_argument("--stop", action="append", default=[], help="stop when this text appears (repeatable)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of streaming text")
    p.add_argument("--no-history", action="store_true", help="do not save this run in the history")
    p.add_argument("--template", "-t", metavar="NAME[@VERSION|@LABEL]", help="render a saved template as the prompt")
    p.add_argument("--var", action="append", metavar="KEY=VALUE", help="a template variable (repeatable)")
    p.add_argument(
        "--variant", metavar="KIND", help="run a chain-of-thought variant: a variant name of the template, or one of "
        "direct, zero_shot_cot, few_shot_cot, self_consistency, tree_of_thought",
    )
    add_db_arg(p)

    p = sub.add_parser("next", help="show the next-token distribution after a prompt")
    _add_model_args(p)
    _add_prompt_args(p)
    _add_sampler_args(p)
    p.add_argument("--top", type=int, default=20, help="how many tokens to list (1-1000)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(empty_prompt_ok=True)  # an empty prompt: the distribution after the start token

    p = sub.add_parser("perplexity", help="log-probability of every token of a text, and its perplexity")
    p.add_argument("text", help="the text, or - to read standard input")
    _add_model_args(p)
    p.add_argument("--no-bos", action="store_true", help="do not add the start token even if the model wants one")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("sample", help="run one prompt N times and count the distinct outputs")
    _add_model_args(p)
    _add_prompt_args(p)
    _add_sampler_args(p)
    p.add_argument("--n", type=int, default=10, help=f"how many runs (1-{MAX_SAMPLES})")
    p.add_argument("--max-tokens", type=int, default=32, help="tokens per run (default 32)")
    p.add_argument("--stop", action="append", default=[], help="stop when this text appears (repeatable)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("info", help="describe a GGUF model file")
    p.add_argument("model", help="a .gguf file or 'default'")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("tokens", help="show how tokenizers cut a text (model vs tiktoken)")
    p.add_argument("text", nargs="?", help="the text, or - to read standard input")
    p.add_argument("--model", "-m", action="append", default=[], help="a model's tokenizer ('default' or a .gguf); repeatable")
    p.add_argument("--encoding", "-e", action="append", default=[], help="a tiktoken encoding (cl100k_base...); repeatable")
    p.add_argument("--list", action="store_true", help="list the available tokenizers")
    p.add_argument("--import-encoding", metavar="FILE", help="import a .tiktoken file (checked against its published hash)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("bench", help="measure speed and memory against plain llama-cpp-python")
    p.add_argument("--model", "-m", default="default", help="a .gguf file or 'default'")
    p.add_argument("--tokens", type=int, default=128, help="tokens generated per measurement")
    p.add_argument("--rounds", type=int, default=12, help="paired rounds of reference and workbench")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--no-gui", action="store_true", help="skip the window and event-loop measurements")
    p.add_argument("--store-runs", type=int, default=100_000, help="runs generated for the history database part (0 skips it)")
    p.add_argument("--json", action="store_true")

    add_history_parser(sub)
    add_templates_parser(sub)
    return parser


# -- helpers --------------------------------------------------------------------------------


def _read_prompt(args: argparse.Namespace) -> str:
    if args.prompt is None:
        raise PromptError("Give the prompt: --prompt TEXT, --prompt - to read standard input" + (", or --template NAME." if hasattr(args, "template") else "."))
    if args.prompt == "-":
        data = sys.stdin.buffer.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise PromptError(f"The prompt on standard input is not valid UTF-8 (byte {e.start}). Save it as UTF-8.") from None
        if args.chat:
            text = text.rstrip("\n")  # the newline that ends a piped file is not part of the message
    else:
        text = args.prompt
    if not text.strip() and not getattr(args, "empty_prompt_ok", False):
        raise PromptError("The prompt is empty. Pass --prompt TEXT (or --prompt - to read standard input).")
    return text


def _sampler(args: argparse.Namespace) -> Any:
    from workbench.engine.protocol import SamplerParams

    return SamplerParams(
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        min_p=args.min_p,
        repeat_penalty=args.repeat_penalty,
        seed=args.seed,
    ).validate()


def _open_engine(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """Validate the model, start the engine and load it. Returns (client, info, loaded)."""
    from workbench.engine.client import EngineClient
    from workbench.engine.protocol import LoadParams
    from workbench.models.info import model_info
    from workbench.paths import log_dir

    info = model_info(args.model)
    if args.ctx < 256:
        raise PromptError(f"--ctx must be at least 256 tokens (llama.cpp's smallest context), not {args.ctx}.")
    if args.threads is not None and args.threads < 1:
        raise PromptError(f"--threads must be 1 or more, not {args.threads}.")
    client = EngineClient(log_path=log_dir() / "engine.log")
    try:
        loaded = client.load(
            LoadParams(
                path=info.path,
                n_ctx=args.ctx,
                n_gpu_layers=args.n_gpu_layers if args.n_gpu_layers >= 0 else 999,
                n_threads=args.threads,
                seed=getattr(args, "seed", None),
            )
        )
    except BaseException:
        client.close()
        raise
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return client, info, loaded


def _prompt_params(args: argparse.Namespace, info: Any, loaded: Any, **extra: Any) -> Any:
    from workbench.engine.protocol import GenerateParams
    from workbench.prompts.chat import ChatFormat, ChatMessage

    if getattr(args, "template", None):
        text = _template_prompt(args, info, loaded)
        return GenerateParams(prompt=text, sampler=_sampler(args), parse_special=args.mode == "chat", **extra).validate()
    text = _read_prompt(args)
    if args.chat:
        messages = ([ChatMessage("system", args.system)] if args.system else []) + [ChatMessage("user", text)]
        text = ChatFormat.of(info, loaded).render(messages)
    elif args.system:
        raise PromptError("--system needs --chat (a system message only exists in a chat).")
    parse_special = args.chat or getattr(args, "raw_special", False)  # a rendered chat prompt run again
    return GenerateParams(prompt=text, sampler=_sampler(args), parse_special=parse_special, **extra).validate()


def _template_prompt(args: argparse.Namespace, info: Any, loaded: Any) -> str:
    """Render ``--template`` with ``--var``s: a chat template through the model's chat format, a
    completion template as text (its system prompt first)."""
    from workbench.cli_templates import open_templates, parse_vars
    from workbench.prompts.chat import ChatFormat, ChatMessage

    if args.prompt is not None:
        raise PromptError("Give --prompt or --template, not both.")
    version = open_templates(args).resolve(args.template)
    system, body = version.render(parse_vars(args.var))
    system = args.system or system
    args.template_ref = version.ref
    args.mode = "chat" if (args.chat or version.mode == "chat") else "completion"
    if args.mode == "chat":
        messages = ([ChatMessage("system", system)] if system else []) + [ChatMessage("user", body)]
        return ChatFormat.of(info, loaded).render(messages)
    return f"{system}\n\n{body}" if system else body


def _colour(prob: float) -> str:
    """ANSI 256-colour foreground for a probability: green (sure) to red (surprising)."""
    for threshold, code in ((0.8, 40), (0.5, 112), (0.25, 184), (0.1, 208)):
        if prob >= threshold:
            return f"\x1b[38;5;{code}m"
    return "\x1b[38;5;196m"


def _install_interrupt(client: Any) -> None:
    """Ctrl+C cancels the generation (the result is still printed) instead of killing the program."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, lambda *_: client.cancel())


# -- commands -------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """Generate text with the model; --json prints tokens, probabilities and timings."""
    client, info, loaded = _open_engine(args)
    with client:
        extra = {"max_tokens": args.max_tokens or DEFAULT_MAX_TOKENS, "top_logprobs": args.top_logprobs, "stop": args.stop}
        if getattr(args, "variant", None):
            from workbench.cli_variants import run_search_variant, variant_task
            from workbench.engine.protocol import GenerateParams
            from workbench.prompts.variant_runner import SEARCH_KINDS, task_record

            task = variant_task(args, info, loaded, GenerateParams(prompt="", sampler=_sampler(args), **extra))
            task.base.parse_special = args.mode == "chat"
            if args.max_tokens:
                task.variant.settings["max_tokens"] = args.max_tokens
            if task.variant.kind in SEARCH_KINDS:
                return run_search_variant(args, client, info, loaded, task)
            params = task.params(task.prompt())
            args.variant_kind, args.variant_details = task.variant.kind, task_record(task)
        else:
            params = _prompt_params(args, info, loaded, **extra)
        generation = client.generate(params)
        _install_interrupt(client)
        colour = not args.json and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        try:
            if args.json:
                generation.run()
            else:
                import codecs

                dec = codecs.getincrementaldecoder("utf-8")("replace")
                for token in generation:
                    piece = dec.decode(token.bytes)
                    sys.stdout.write(f"{_colour(token.prob)}{piece}\x1b[0m" if colour else piece)
                    sys.stdout.flush()
                sys.stdout.write(dec.decode(b"", final=True) + "\n")
        except WorkbenchError as e:  # the engine failed mid-way: the history keeps what came
            _save_run(args, info, loaded, params, generation, error=str(e))
            raise
        done = generation.done
        assert done is not None
        done.timings.load_s = loaded.load_s
        run_id = _save_run(args, info, loaded, params, generation)
        if args.json:
            result = {
                "model": _model_json(info, loaded),
                "params": {
                    **params.sampler.to_dict(),
                    "seed": done.seed,
                    "max_tokens": params.max_tokens,
                    "top_logprobs": params.top_logprobs,
                    "stop": params.stop,
                    "chat": args.chat,
                    "n_ctx": loaded.n_ctx,
                    "n_gpu_layers": args.n_gpu_layers,
                },
                "prompt": params.prompt,
                "prompt_tokens": done.prompt_tokens,
                "text": generation.text,
                "tokens": [t.to_dict() for t in generation.tokens],
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
            if getattr(args, "variant_details", None):
                result["variant"] = args.variant_details["variant"]
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            t = done.timings
            reason = "length: the context is full, use a larger --ctx" if done.context_full else done.finish_reason
            print(
                f"[{reason}] {done.prompt_tokens} prompt tokens in {t.prompt_s:.2f} s, "
                f"{done.completion_tokens} generated at {t.tokens_per_s:.1f} tok/s, seed {done.seed}"
                + (f", saved as run {run_id}" if run_id is not None else ""),
                file=sys.stderr,
            )
    return 0


def _model_json(info: Any, loaded: Any) -> dict[str, Any]:
    return {
        "path": info.path,
        "name": info.name,
        "architecture": info.architecture,
        "file_type": info.file_type,
        "size_bytes": info.size_bytes,
        "n_ctx": loaded.n_ctx,
        "backend": loaded.backend,
        "n_gpu_layers_offloaded": loaded.n_gpu_layers_offloaded,
    }


def _save_run(args: argparse.Namespace, info: Any, loaded: Any, params: Any, generation: Any, error: str | None = None) -> int | None:
    """Record the run in the history; a database problem is a warning, never a lost result."""
    if getattr(args, "no_history", False):
        return None
    from workbench.store.runs import NewRun

    done = generation.done
    status = "error" if error else ("cancelled" if done is not None and done.finish_reason == "cancelled" else "ok")
    run = NewRun(
        source="cli",
        mode=getattr(args, "mode", None) or ("chat" if args.chat else "completion"),
        prompt=params.prompt,
        output=generation.text or b"".join(t.bytes for t in generation.tokens).decode("utf-8", "replace"),
        params=params,
        model=info,
        loaded=loaded,
        tokens=list(generation.tokens),
        done=done,
        status=status,
        error=error,
        template=getattr(args, "template_ref", None),
        variant=getattr(args, "variant_kind", None),
        details=getattr(args, "variant_details", None),
    )
    try:
        return open_store(args).save(run)
    except WorkbenchError as e:
        print(f"warning: the run was not saved in the history: {e}", file=sys.stderr)
        return None


def cmd_next(args: argparse.Namespace) -> int:
    """Show the next-token distribution and which tokens survive the sampler settings."""
    if not 1 <= args.top <= 1000:
        raise PromptError(f"--top must be between 1 and 1000, not {args.top}.")
    client, info, loaded = _open_engine(args)
    with client:
        params = _prompt_params(args, info, loaded)
        dist = client.next_token(params, top_n=args.top)
    assert dist is not None
    if args.json:
        print(json.dumps(dist.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if dist.start_token:
        print(f"note: the prompt is empty; this is the distribution after the start token {dist.start_token}", file=sys.stderr)
    drawable = "1 token can" if dist.n_kept == 1 else f"{dist.n_kept} tokens can"
    print(f"{dist.prompt_tokens} prompt tokens; entropy {dist.entropy:.3f} nats; {drawable} be drawn")
    for rank, t in enumerate(dist.tokens, 1):
        bar = "#" * max(1, round(t.prob * 40)) if t.prob >= 0.0125 else "."
        status = "kept" if t.kept else f"cut by {t.cut_by}"
        print(f"{rank:>4} {t.prob * 100:6.2f}% {t.logprob:8.3f} {piece_label(t.bytes):<24} {status:<14} {bar}")
    print(f"     {dist.mass_outside * 100:6.2f}% in all other tokens")
    print("survivors: " + " → ".join(f"{s['stage']} {s['kept']}" for s in dist.stages))
    return 0


def cmd_perplexity(args: argparse.Namespace) -> int:
    """Score a text token by token: how surprising the model finds each token."""
    from workbench.tokens.tokenizers import read_text_file

    if args.text == "-":
        text, notes = read_text_file(sys.stdin.buffer.read())
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
    else:
        text = args.text
    if not text:
        raise PromptError("The text is empty.")
    client, _info, _loaded = _open_engine(args)
    with client:
        _install_interrupt(client)
        result = client.surprisal(text, add_special=not args.no_bos)
    if result is None:
        print("cancelled", file=sys.stderr)
        return 130
    if result.windows > 1:
        print(
            f"note: the text is {len(result.tokens)} tokens, more than the context holds; it was scored in "
            f"{result.windows} windows of {result.window_tokens} tokens (each window starts without context).",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps({
            "tokens": [{"id": i, "text": b.decode("utf-8", "replace"), "logprob": lp} for i, b, lp in result.tokens],
            "perplexity": result.perplexity,
            "windows": result.windows,
        }, ensure_ascii=False))
        return 0
    for i, b, lp in result.tokens:
        shown = "    —   " if lp is None else f"{lp:8.3f}"
        print(f"{shown}  {piece_label(b)}")
    print(f"perplexity {result.perplexity:.3f} over {len(result.tokens)} tokens" if result.perplexity else "perplexity: n/a")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    """Run the same prompt N times with the sampler and count what comes out."""
    from collections import Counter

    from workbench.engine.protocol import GenerateParams

    if not 1 <= args.n <= MAX_SAMPLES:
        raise PromptError(f"--n must be between 1 and {MAX_SAMPLES}, not {args.n}.")
    client, info, loaded = _open_engine(args)
    outputs: Counter[str] = Counter()
    firsts: Counter[str] = Counter()
    cancelled = False
    with client:
        base = _prompt_params(args, info, loaded, max_tokens=args.max_tokens, top_logprobs=0, stop=args.stop)
        _install_interrupt(client)
        for run in range(args.n):
            sampler = base.sampler.to_dict()
            sampler["seed"] = None if base.sampler.seed is None else (base.sampler.seed + run) % 2**32
            params = GenerateParams.from_dict({**base.to_dict(), "sampler": sampler})
            generation = client.generate(params).run()
            if generation.done is None or generation.done.finish_reason == "cancelled":
                cancelled = True
                break
            outputs[generation.text] += 1
            firsts[generation.tokens[0].text if generation.tokens else ""] += 1
            if sys.stderr.isatty():
                print(f"\r{run + 1}/{args.n}", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if cancelled:
        print(f"note: cancelled after {sum(outputs.values())} runs", file=sys.stderr)
    result = {
        "runs": sum(outputs.values()),
        "outputs": [{"text": t, "count": c} for t, c in outputs.most_common()],
        "first_tokens": [{"text": t, "count": c} for t, c in firsts.most_common()],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{result['runs']} runs, {len(outputs)} distinct outputs")
    for t, c in firsts.most_common(10):
        print(f"  first token {json.dumps(t, ensure_ascii=False):<16} {c:>5}")
    for t, c in outputs.most_common(20):
        print(f"{c:>5}  {json.dumps(t, ensure_ascii=False)}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    """Describe a GGUF model without loading it."""
    from workbench.models.info import model_info

    info = model_info(args.model).to_json()
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    for key, value in info.items():
        if key == "chat_template" and value:
            value = value if len(value) < 60 else value[:57].replace("\n", " ") + "..."
        print(f"{key:>16}: {value}")
    return 0


def cmd_tokens(args: argparse.Namespace) -> int:
    """Tokenize a text with one or more tokenizers and show ids, bytes and character spans."""
    from workbench.tokens.tiktoken_encodings import TiktokenRegistry
    from workbench.tokens.tokenizers import TiktokenTokenizer, cap_text, read_text_file, tokenize

    registry = TiktokenRegistry()
    if args.import_encoding:
        name = registry.import_file(args.import_encoding)
        print(f"imported {name}", file=sys.stderr)
        if not args.text and not args.list:
            return 0
    if args.list:
        return _list_tokenizers(registry, args.json)
    if args.text is None:
        raise PromptError("Give a text to tokenize (or - to read standard input).")
    if args.text == "-":
        text, notes = read_text_file(sys.stdin.buffer.read())
    else:
        text, notes = cap_text(args.text)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    models = args.model or ([] if args.encoding else ["default"])
    encodings = args.encoding or ([] if args.model else ["cl100k_base"])
    results = [_model_tokenization(spec, text) for spec in models]
    results += [tokenize(TiktokenTokenizer(registry.get(name), name), text) for name in encodings]
    if args.json:
        print(json.dumps({"tokenizers": [r.to_json() for r in results]}, ensure_ascii=False))
        return 0
    for r in results:
        print(f"{r.name} ({r.kind}): {r.count} tokens, {r.chars_per_token:.2f} chars/token, "
              f"{r.bytes_per_token:.2f} bytes/token, {r.n_partial} partial")
        shown = [f"{piece_label(span.bytes)}:{span.id}" for span in r.spans[:400]]
        print("  " + " ".join(shown) + (" …" if r.count > 400 else ""))
    return 0


def _model_tokenization(spec: str, text: str) -> Any:
    from workbench.engine.client import EngineClient
    from workbench.engine.protocol import LoadParams
    from workbench.models.info import model_info
    from workbench.paths import log_dir
    from workbench.tokens.tokenizers import ModelTokenizer, tokenize

    info = model_info(spec)
    with EngineClient(log_path=log_dir() / "engine.log") as client:
        client.load(LoadParams(path=info.path, vocab_only=True))
        return tokenize(ModelTokenizer(client, Path(info.path).stem), text)


def _list_tokenizers(registry: Any, as_json: bool) -> int:
    from workbench.models.bundled import bundled_model_path

    rows = [{"name": "default", "kind": "model", "detail": str(bundled_model_path())}]
    rows += [{"name": n, "kind": "tiktoken", "detail": "built in" if n == "cl100k_base" else "imported"} for n in registry.available()]
    missing = registry.missing()
    if as_json:
        print(json.dumps({"tokenizers": rows, "importable": missing}, indent=2))
        return 0
    for row in rows:
        print(f"{row['kind']:>9}  {row['name']:<14} {row['detail']}")
    print("any .gguf file works with --model PATH")
    if missing:
        print(f"importable with --import-encoding FILE: {', '.join(missing)}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Benchmark speed and memory; see workbench.bench."""
    from workbench.bench import run_bench

    if args.store_runs < 0:
        raise PromptError("--store-runs must be 0 (skip) or more.")
    report = run_bench(
        model=args.model,
        tokens=args.tokens,
        rounds=args.rounds,
        threads=args.threads,
        gui=not args.no_gui,
        store_runs=args.store_runs,
    )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:>30}: {value:.3f}" if isinstance(value, float) else f"{key:>30}: {value}")
    return 0


COMMANDS = {
    "run": cmd_run,
    "next": cmd_next,
    "perplexity": cmd_perplexity,
    "sample": cmd_sample,
    "info": cmd_info,
    "tokens": cmd_tokens,
    "bench": cmd_bench,
    "history": cmd_history,
    "templates": cmd_templates,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--engine-host"]:  # the frozen app starts its engine host through itself
        from workbench.engine.host import main as host_main

        return host_main()
    if not argv:
        from workbench.gui.app import main as gui_main

        return gui_main()
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except WorkbenchError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        print("internal error (please report it):", file=sys.stderr)
        traceback.print_exc()
        return 1

