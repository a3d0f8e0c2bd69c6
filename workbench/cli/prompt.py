"""`workbench prompt`: the exact prompt a model receives, as the window's Show exact prompt shows it."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from workbench.cli import options, output
from workbench.errors import PromptError


def register(sub: Any) -> None:
    p = options.command(sub, "prompt", cmd_prompt)
    p.add_argument("--model", "-m", default="default", help="a .gguf file, or 'default' for the bundled SmolLM2-135M")
    options.add_prompt(p)
    p.add_argument("--messages", metavar="FILE.json", help='a chat: a JSON list of {"role": ..., "content": ...} objects')
    options.add_template(p)
    options.add_json(p, "print {prompt, chat_format, n_tokens, tokens: [{id, text, special}]}")
    options.add_db(p)


def cmd_prompt(args: argparse.Namespace) -> int:
    """Print the exact prompt the model receives: the chat format applied, special tokens and all.

    It loads only the model's vocabulary, so it is fast. With --json it prints the prompt, the chat
    format ("gguf" for the file's own template, "custom" for --chat-template, or a built-in's name;
    null when the prompt is not a chat), and the tokens. A chat template that fails prints its own
    error (exit 2).
    """
    from workbench.app.exact_prompt import exact_prompt, read_messages
    from workbench.app.model import LoadSettings, open_model
    from workbench.app.prompt_spec import PromptSpec, RunRequest
    from workbench.cli.generate import check_request
    from workbench.prompts.chat import ChatMessage

    if args.messages is not None:
        if args.prompt is not None or args.template:
            raise PromptError("Give --messages, --prompt or --template, not two of them.")
        if not args.messages.strip() or os.path.exists(args.messages):  # (a missing one: read_messages says so)
            options.check_text_file(args.messages, "messages file")  # a folder, a pipe (a hang), over 5 MB: refused
        messages = read_messages(args.messages)
        if args.system is not None:
            messages = (ChatMessage("system", args.system), *(m for m in messages if m.role != "system"))
        spec = PromptSpec(messages=messages, chat=True)
    else:
        spec = options.prompt_spec(args)
    settings = LoadSettings(args.model, chat_format=options.format_choice(args))
    workspace = options.workspace(args)
    check_request(RunRequest(spec), lambda: workspace.templates)
    client, model = open_model(settings, vocab_only=True)
    with client:
        result = exact_prompt(RunRequest(spec), model, client, lambda: workspace.templates)
    if args.json:
        output.print_json(result.to_json())
        return 0
    for notice in result.notes:
        output.note(str(notice))
    sys.stdout.write(result.prompt + ("" if result.prompt.endswith("\n") else "\n"))
    shown = f"chat format {result.chat_format}, " if result.chat_format else ""
    print(f"[{shown}{len(result.tokens)} tokens, {sum(t.special for t in result.tokens)} special]", file=sys.stderr)
    return 0
