"""The command line's parser in-process: every command's help is its handler's docstring, and
reading options never writes into them."""

from __future__ import annotations

import argparse
import inspect

from workbench.cli import build_parser


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                found.update({f"{name} {k}": v for k, v in subcommands(sub).items()})
    return found


def test_every_command_is_helped_by_its_handlers_docstring() -> None:
    commands = subcommands(build_parser())
    assert {"run", "next", "sample", "history rerun", "templates import", "bench"} <= set(commands)
    handled = {name: p for name, p in commands.items() if p.get_default("handler") is not None}
    assert len(handled) == len(commands) - 2  # all but the groups `history` and `templates`
    for name, parser in handled.items():
        doc = inspect.cleandoc(parser.get_default("handler").__doc__ or "")
        assert doc and parser.description == doc, name


def test_reading_the_options_leaves_them_as_parsed() -> None:
    from workbench.cli import options

    args = build_parser().parse_args(["run", "-t", "算术应用题", "--var", "q=1", "--variant", "direct", "--seed", "3"])
    before = dict(vars(args))
    spec, sampler, settings = options.prompt_spec(args), options.sampler(args), options.load_settings(args)
    assert vars(args) == before
    assert (spec.template, spec.variables, spec.variant, sampler.seed, settings.seed) == ("算术应用题", {"q": "1"}, "direct", 3, 3)
