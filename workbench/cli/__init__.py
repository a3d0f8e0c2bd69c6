"""The `workbench` command. With no arguments it opens the desktop app; subcommands run headless.

Exit codes: 0 ok, 2 bad input (a message on stderr, no traceback), 1 internal error.

A thin shell: each module parses its commands' options, calls the application layer
(``workbench.app``) and prints. Each command's help is its handler's docstring.
"""

from __future__ import annotations

import argparse
import re
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from workbench import __version__
from workbench.errors import WorkbenchError


class Parser(argparse.ArgumentParser):
    """argparse, with its errors in the commands' own form: one ``error: ...`` line (exit 2)."""

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"^argument ([^:]+): ", r"\1 ", message)  # "argument --ctx: must be ..." -> "--ctx must be ..."
        self.exit(2, f"error: {message}. See {self.prog} --help.\n")


def build_parser() -> argparse.ArgumentParser:
    from workbench.cli import bench, endpoints, eval as eval_, generate, history, models, prompt, templates

    parser = Parser(prog="workbench", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    generate.register(sub)
    prompt.register(sub)
    models.register(sub)
    bench.register(sub)
    history.register(sub)
    templates.register(sub)
    eval_.register(sub)
    endpoints.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--engine-host"]:  # the frozen app starts its engine host through itself
        from workbench.engine.host import main as host_main

        return host_main()
    if not argv:
        from workbench.gui.app import main as gui_main

        return gui_main()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
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
