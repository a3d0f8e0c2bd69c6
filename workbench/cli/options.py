"""Options shared by the commands, and reading them into the application layer's values.

Nothing here writes into ``args``: each reader returns a new value built from it.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.errors import BadInputError, PromptError

Handler = Callable[[argparse.Namespace], int]


SQLITE_MAX_ID = 2**63 - 1  # a row id SQLite can hold
MAX_CTX = 1 << 20
MAX_TOKENS = 1 << 20
MAX_TOP_K = 1 << 20


def max_threads() -> int:
    """More threads than 4 per core only slows llama.cpp down (and far more crashes it)."""
    return 4 * (os.cpu_count() or 1)


def bounded(low: int, high: int | Callable[[], int]) -> Callable[[str], int]:
    """An argparse type: a whole number in [low, high], refused with the range otherwise (exit 2)."""

    def parse(text: str) -> int:
        top = high() if callable(high) else high
        try:
            value = int(text.strip(), 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"a whole number from {low} to {top} is needed, not {text!r}") from None
        if not low <= value <= top:
            raise argparse.ArgumentTypeError(f"must be from {low} to {top:,}, not {value:,}")
        return value

    parse.__name__ = "number"
    parse.low, parse.high = low, high  # type: ignore[attr-defined]  # the range, for tests that walk the parser
    return parse


def run_id() -> Callable[[str], int]:
    return bounded(1, SQLITE_MAX_ID)


MAX_TEXT_FILE = 5 << 20  # a prompt, template or key file larger than this is not one


def check_text_file(path: str, what: str) -> None:
    """Refuse what cannot be a text file before reading it: missing, a folder, a pipe or a device
    (reading one would wait forever), or larger than MAX_TEXT_FILE."""
    if not path.strip():
        raise BadInputError(f"The {what} is an empty path: give a file.")
    file = Path(path)
    try:
        info = file.stat()
    except OSError as e:
        raise BadInputError(f"Cannot read the {what} {path}: {e.strerror or e}.") from None
    if file.is_dir():
        raise BadInputError(f"The {what} {path} is a folder: give a file.")
    if not file.is_file():
        raise BadInputError(f"The {what} {path} is not a regular file (a pipe or a device): give a file.")
    if info.st_size > MAX_TEXT_FILE:
        raise BadInputError(f"The {what} {path} is {info.st_size:,} bytes: more than {MAX_TEXT_FILE >> 20} MB is not a {what}.")


def read_text_file(path: str, what: str) -> str:
    """A UTF-8 text file the user named (a template body, a chat template), refused clearly when
    it is missing, a folder, a pipe or a device (reading one would wait forever), too large, not
    UTF-8, not text (a NUL byte) or empty."""
    check_text_file(path, what)
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise BadInputError(f"The {what} {path} is not UTF-8 text (byte {e.start}). Save it as UTF-8.") from None
    except OSError as e:
        raise BadInputError(f"Cannot read the {what} {path}: {e.strerror or e}.") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise BadInputError(f"The {what} {path} holds a NUL byte (character {nul + 1:,}): it is not a text file.")
    if not text.strip():
        raise BadInputError(f"The {what} {path} is empty.")
    return text


def read_stdin(what: str) -> bytes:
    """Standard input, refused (before it is all read) when it is more than a text file can be."""
    data = sys.stdin.buffer.read(MAX_TEXT_FILE + 1)
    if len(data) > MAX_TEXT_FILE:
        raise PromptError(f"The {what} on standard input is more than {MAX_TEXT_FILE >> 20} MB: that is not a {what}.")
    return data


def command(sub: Any, name: str, handler: Handler, **kwargs: Any) -> argparse.ArgumentParser:
    """A sub-command whose help is its handler's docstring (first line in the list, all of it in
    the command's own --help)."""
    doc = inspect.cleandoc(handler.__doc__ or "")
    first = doc.splitlines()[0] if doc else ""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=first, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs
    )
    parser.set_defaults(handler=handler)
    return parser


def add_json(p: argparse.ArgumentParser, help: str = "print JSON") -> None:
    p.add_argument("--json", action="store_true", help=help)


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="the history database (default: in the data folder)")


def add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", "-m", default="default", help="a .gguf file, or 'default' for the bundled SmolLM2-135M")
    p.add_argument("--ctx", type=bounded(256, MAX_CTX), default=4096, help="context size in tokens (default 4096)")
    p.add_argument("--n-gpu-layers", type=bounded(-1, 100_000), default=0, help="layers to offload to the GPU (-1: all)")
    p.add_argument("--threads", type=bounded(1, max_threads), default=None, help="CPU threads (default: all cores)")


def add_sampler(p: argparse.ArgumentParser) -> None:
    p.add_argument("--temperature", type=float, default=0.8, help="0 = always the most likely token")
    p.add_argument("--top-k", type=bounded(0, MAX_TOP_K), default=40, help="keep the K most likely tokens (0 = off)")
    p.add_argument("--top-p", type=float, default=0.95, help="keep the most likely tokens up to this mass (1 = off)")
    p.add_argument("--min-p", type=float, default=0.05, help="drop tokens below this fraction of the best (0 = off)")
    p.add_argument("--repeat-penalty", type=float, default=1.0, help="divide logits of recent tokens (1 = off)")
    p.add_argument("--seed", type=bounded(0, 2**32 - 1), default=None, help="fix the random draw so a run repeats exactly")


def add_prompt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prompt", "-p", help="the prompt text, or - to read standard input")
    p.add_argument("--chat", action="store_true", help="wrap the prompt in the model's chat template")
    p.add_argument("--system", default=None, help="system message (with --chat)")
    add_chat_format(p)


def add_chat_format(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--chat-format", metavar="NAME", help="render chats in this format instead of the model's: gguf (the file's own "
        "template) or a built-in: chatml, llama2, llama3, gemma, mistral, phi3, zephyr, deepseek, alpaca",
    )
    group.add_argument("--chat-template", metavar="FILE", help="render chats with this Jinja chat template file")


def add_template(p: argparse.ArgumentParser) -> None:
    p.add_argument("--template", "-t", metavar="NAME[@VERSION|@LABEL]", help="render a saved template as the prompt")
    p.add_argument("--var", action="append", metavar="KEY=VALUE", help="a template variable (repeatable)")
    p.add_argument(
        "--variant", metavar="KIND", help="run a chain-of-thought variant: a variant name of the template, or one of "
        "direct, zero_shot_cot, few_shot_cot, self_consistency, tree_of_thought",
    )


# -- readers --------------------------------------------------------------------------------


def load_settings(args: argparse.Namespace) -> Any:
    from workbench.app.model import LoadSettings

    return LoadSettings(args.model, args.ctx, args.n_gpu_layers, args.threads, getattr(args, "seed", None), format_choice(args))


def format_choice(args: argparse.Namespace) -> Any:
    """The chat format the options name: --chat-format NAME, or --chat-template FILE (read and
    checked here: a template that does not compile fails before any model loads)."""
    from workbench.cli.output import warn
    from workbench.prompts.chat_formats import GGUF, FormatChoice, builtin, check_template

    name = getattr(args, "chat_format", None)
    path = getattr(args, "chat_template", None)
    if name is not None:
        if name.strip().lower() != GGUF:
            builtin(name)  # an unknown name lists the known ones
        return FormatChoice(name=name.strip().lower())
    if path is None:
        return FormatChoice()
    template = read_text_file(path, "chat template file")
    for notice in check_template(template):
        warn(str(notice))
    return FormatChoice(template=template)


def sampler(args: argparse.Namespace) -> Any:
    from workbench.values.params import SamplerParams

    return SamplerParams(
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        min_p=args.min_p,
        repeat_penalty=args.repeat_penalty,
        seed=args.seed,
    ).validate()


def read_text(value: str, chat: bool = False) -> str:
    """``value``, or standard input for ``-`` (UTF-8; a chat message loses the final newline)."""
    if value != "-":
        return value
    data = read_stdin("prompt")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise PromptError(f"The prompt on standard input is not valid UTF-8 (byte {e.start}). Save it as UTF-8.") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise PromptError(f"The prompt on standard input holds a NUL byte (character {nul + 1:,}): it is not text.")
    return text.rstrip("\n") if chat else text  # the newline that ends a piped file is not part of the message


def parse_vars(pairs: list[str] | None, flag: str = "--var") -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not name.strip():
            raise BadInputError(f"{flag} takes NAME=VALUE, not {pair!r}.")
        out[name.strip()] = value if sep else ""
    return out


def prompt_spec(args: argparse.Namespace, empty_ok: bool = False) -> Any:
    """The PromptSpec the prompt options describe (``--template`` and ``--variant`` where the
    command has them)."""
    from workbench.app.prompt_spec import PromptSpec

    template = getattr(args, "template", None)
    has_template = hasattr(args, "template")
    text = None
    if args.prompt is not None:
        text = read_text(args.prompt, args.chat)
        if not text.strip() and not empty_ok:
            raise PromptError("The prompt is empty. Pass --prompt TEXT (or --prompt - to read standard input).")
    elif not template:
        raise PromptError("Give the prompt: --prompt TEXT, --prompt - to read standard input" + (", or --template NAME." if has_template else "."))
    return PromptSpec(
        text=text,
        template=template,
        variables=parse_vars(getattr(args, "var", None)),
        # Naming a chat format asks for a chat.
        chat=args.chat or getattr(args, "chat_format", None) is not None or getattr(args, "chat_template", None) is not None,
        system=args.system,
        variant=getattr(args, "variant", None),
    )


def workspace(args: argparse.Namespace, result_first: bool = False) -> Any:
    """The workspace of ``--db`` (or the default database). A database the user named is opened
    now, so a bad one is refused before anything loads or runs, except with ``result_first``
    (a run): a run whose history cannot be written still prints its result, and says it was not
    saved. A pipe or a device is refused either way (opening one would wait forever)."""
    from workbench.app.workspace import Workspace

    db = getattr(args, "db", None)
    if db and os.path.exists(db) and not os.path.isfile(db) and not os.path.isdir(db):
        raise BadInputError(f"The database {db} is not a regular file (a pipe or a device): give a file.")
    workspace = Workspace(db)
    if db and not result_first:
        workspace.db  # noqa: B018 - opened now, see above
    return workspace
