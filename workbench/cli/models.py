"""The commands about model files and tokenizers: info, tokens."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from workbench.cli import options, output
from workbench.errors import PromptError
from workbench.tokens.pieces import piece_label


def register(sub: Any) -> None:
    p = options.command(sub, "info", cmd_info)
    p.add_argument("model", help="a .gguf file or 'default'")
    options.add_json(p)

    p = options.command(sub, "tokens", cmd_tokens)
    p.add_argument("text", nargs="?", help="the text, or - to read standard input")
    p.add_argument("--model", "-m", action="append", default=[], help="a model's tokenizer ('default' or a .gguf); repeatable")
    p.add_argument("--encoding", "-e", action="append", default=[], help="a tiktoken encoding (cl100k_base...); repeatable")
    p.add_argument("--list", action="store_true", help="list the available tokenizers")
    p.add_argument("--import-encoding", metavar="FILE", help="import a .tiktoken file (checked against its published hash)")
    options.add_json(p)


def cmd_info(args: argparse.Namespace) -> int:
    """Describe a GGUF model file (metadata, chat template) without loading it."""
    from workbench.models.info import model_info

    info = model_info(args.model).to_json()
    if args.json:
        output.print_json(info)
        return 0
    for key, value in info.items():
        if key == "chat_template" and value:
            value = value if len(value) < 60 else value[:57].replace("\n", " ") + "..."
        print(f"{key:>16}: {value}")
    return 0


def cmd_tokens(args: argparse.Namespace) -> int:
    """Show how tokenizers cut a text (the model's own vs tiktoken): ids, bytes and character spans."""
    import sys

    from workbench.tokens.tiktoken_encodings import TiktokenRegistry
    from workbench.tokens.tokenizers import TiktokenTokenizer, cap_text, read_text_file, tokenize

    registry = TiktokenRegistry()
    if args.import_encoding is not None:
        if not args.import_encoding.strip():
            raise PromptError("--import-encoding names no file: give a .tiktoken file.")
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
    if not text:
        raise PromptError("The text is empty: give a text to tokenize.")
    for message in notes:
        output.note(message)
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
    from workbench.app.model import LoadSettings, open_model
    from workbench.tokens.tokenizers import ModelTokenizer, tokenize

    client, model = open_model(LoadSettings(spec), vocab_only=True)
    with client:
        return tokenize(ModelTokenizer(client, Path(model.path).stem), text)


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
