"""`workbench templates ...`: list, show, add, edit, versions, diff, label, export and import."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from workbench.cli import options
from workbench.cli.output import pad
from workbench.errors import BadInputError


def register(sub: Any) -> None:
    templates = sub.add_parser("templates", help="prompt templates: versions, labels, diff, export/import",
                               description="Templates are sandboxed Jinja with declared variables; every edit is a new version.")
    tsub = templates.add_subparsers(dest="templates_command", metavar="ACTION", required=True)
    p = options.command(tsub, "list", cmd_list)
    p.add_argument("--all", action="store_true", help="archived ones too")
    _common(p)
    p = options.command(tsub, "show", cmd_show)
    p.add_argument("spec")
    _common(p)
    for action in ("add", "edit"):
        p = options.command(tsub, action, cmd_add if action == "add" else cmd_edit)
        p.add_argument("name")
        p.add_argument("--body", help="the template text (Jinja: {{ variable }})")
        p.add_argument("--body-file", metavar="FILE", help="read the body from a file")
        p.add_argument("--system", help="a system prompt (also a template)")
        p.add_argument("--mode", choices=("completion", "chat"))
        p.add_argument("--description")
        p.add_argument("--tag", action="append", help="a tag (repeatable)")
        p.add_argument("--var", action="append", metavar="NAME[=DEFAULT]", help="declare a variable (repeatable)")
        p.add_argument("--examples-file", metavar="FILE", help="worked examples: a JSON or YAML list of {input, reasoning, output}")
        p.add_argument("--variants-file", metavar="FILE", help="chain-of-thought variants: a JSON or YAML list of {name, kind, ...}")
        p.add_argument("--note", help="what this version changes" + (" (required)" if action == "edit" else ""))
        _common(p)
    p = options.command(tsub, "versions", cmd_versions)
    p.add_argument("name")
    _common(p)
    p = options.command(tsub, "diff", cmd_diff)
    p.add_argument("name")
    p.add_argument("a")
    p.add_argument("b")
    options.add_db(p)
    p = options.command(tsub, "label", cmd_label)
    p.add_argument("name")
    p.add_argument("label")
    p.add_argument("version")
    _common(p)
    p = options.command(tsub, "export", cmd_export)
    p.add_argument("names", nargs="*")
    p.add_argument("--output", "-o", metavar="FILE", help="the file (.yaml or .yml writes YAML)")
    p.add_argument("--format", choices=("json", "yaml"), default=None, help="default: by the file's extension, else JSON")
    options.add_db(p)
    p = options.command(tsub, "import", cmd_import)
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="a template here that differs gets the file's latest version as its next version")
    _common(p)


def _common(p: argparse.ArgumentParser) -> None:
    options.add_json(p)
    options.add_db(p)


def _declared(pairs: list[str] | None) -> list[dict[str, Any]]:
    return [
        {"name": name.strip(), "default": value if sep else None}
        for name, sep, value in (pair.partition("=") for pair in pairs or [])
    ]


def _body(args: argparse.Namespace) -> str | None:
    if args.body is not None and args.body_file is not None:
        raise BadInputError("Give --body or --body-file, not both.")
    if args.body_file is not None:
        return options.read_text_file(args.body_file, "body file")
    return args.body


def _list_file(path: str | None, what: str) -> list[Any] | None:
    """A JSON or YAML file holding a list (worked examples, variants); None without a file."""
    if path is None:
        return None
    data = _read_file(path, what)
    if not isinstance(data, list):
        raise BadInputError(f"{path} should hold a list of {what}, not {type(data).__name__}.")
    return data


def _read_file(path: str, what: str) -> Any:
    """The data in a JSON or YAML file the user named; a folder, a pipe (reading one would wait
    forever) or a file over 5 MB is refused before it is read."""
    from workbench.store import template_files

    if not path.strip() or os.path.exists(path):  # (a missing one: template_files says so)
        options.check_text_file(path, f"{what} file")
    return template_files.read(path, what)


def _print_version(v: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(v.to_json(), ensure_ascii=False, indent=2))
        return
    labels = f" [{', '.join(v.labels)}]" if v.labels else ""
    print(f"{v.ref}{labels} · {v.mode} · {v.created_at} · {v.note}")
    for var in v.variables:
        default = "" if var["default"] is None else f" = {var['default']!r}"
        print(f"  variable {var['name']}{default}  {var['description']}")
    for variant in v.variants:
        settings = ", ".join(f"{k}={val!r}" for k, val in variant.items() if k not in ("name", "kind"))
        print(f"  variant {variant.get('name')} ({variant.get('kind')}){': ' + settings if settings else ''}")
    if v.examples:
        print(f"  {len(v.examples)} worked example(s)")
    if v.system:
        print(f"--- system ---\n{v.system}")
    print(f"--- body ---\n{v.body}")


def cmd_list(args: argparse.Namespace) -> int:
    """The templates, with their number of versions, mode and labels."""
    store = options.workspace(args).templates
    items = store.list(include_archived=args.all)
    if args.json:
        print(json.dumps({"templates": [t.to_json() for t in items]}, ensure_ascii=False, indent=2))
    for t in [] if args.json else items:
        labels = ", ".join(f"{k}@{v}" for k, v in t.labels.items())
        print(f"{pad(t.name, 30)} v{t.versions:<3} {t.mode:<10} {labels:<20} {t.description}{' (archived)' if t.archived else ''}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """One version: NAME (the latest), NAME@3 or NAME@label."""
    store = options.workspace(args).templates
    _print_version(store.resolve(args.spec), args.json)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """A new template (version 1), from --body or --body-file, with its variables, examples and variants."""
    store = options.workspace(args).templates
    body = _body(args)
    if body is None:
        raise BadInputError("A new template needs --body TEXT or --body-file FILE.")
    v = store.add(
        args.name, body, description=args.description or "", tags=args.tag or [], mode=args.mode or "completion",
        system=args.system or "", variables=_declared(args.var), note=args.note or "first version",
        examples=_list_file(args.examples_file, "examples") or [], variants=_list_file(args.variants_file, "variants") or [],
    )
    _print_version(v, args.json)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """Save a new version of a template (versions are never rewritten); --note says what changed."""
    store = options.workspace(args).templates
    changes: dict[str, Any] = {}
    body = _body(args)
    if body is not None:
        changes["body"] = body
    for attr in ("system", "mode", "description"):
        if getattr(args, attr) is not None:
            changes[attr] = getattr(args, attr)
    if args.tag:
        changes["tags"] = args.tag
    if args.var:
        changes["variables"] = _declared(args.var)
    for attr in ("examples", "variants"):
        value = _list_file(getattr(args, f"{attr}_file"), attr)
        if value is not None:
            changes[attr] = value
    _print_version(store.edit(args.name, args.note or "", **changes), args.json)
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    """Every version of a template, with its labels and notes."""
    store = options.workspace(args).templates
    versions = store.versions(args.name)
    if args.json:
        print(json.dumps({"versions": [v.to_json() for v in versions]}, ensure_ascii=False, indent=2))
    for v in [] if args.json else versions:
        print(f"{v.number:>4}  {v.created_at}  {', '.join(v.labels):<16} {v.note}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    """What changed between two versions (numbers or labels) of a template."""
    store = options.workspace(args).templates
    sys.stdout.write(store.diff(args.name, args.a, args.b) or "(no difference)\n")
    return 0


def cmd_label(args: argparse.Namespace) -> int:
    """Point a label (e.g. production) at a version, moving it if it pointed elsewhere."""
    store = options.workspace(args).templates
    _print_version(store.label(args.name, args.label, args.version), args.json)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Templates with all their versions, labels and variants, as JSON or YAML."""
    from workbench.store import template_files

    store = options.workspace(args).templates

    data = store.export(args.names)
    if args.output:
        template_files.write(args.output, data, args.format)
    else:
        sys.stdout.write(template_files.dumps(data, args.format or "json"))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Templates from an exported JSON or YAML file (unchanged ones are skipped)."""
    store = options.workspace(args).templates

    data = _read_file(args.file, "templates")
    names = store.import_(data, replace=args.replace)
    listed = [str(t.get("name")) for t in data.get("templates", [])] if isinstance(data, dict) else []
    skipped = [n for n in listed if n not in names]
    if args.json:
        print(json.dumps({"imported": names, "skipped": skipped}, ensure_ascii=False))
    else:
        print(f"imported {len(names)} template(s): {', '.join(names) or '-'}")
        if skipped:
            print(f"already here, unchanged: {', '.join(skipped)}")
    return 0
