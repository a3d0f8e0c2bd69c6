"""`workbench templates ...`: list, show, add, edit, versions, diff, label, export and import."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from workbench.cli_history import add_db_arg
from workbench.errors import BadInputError


def add_parser(sub: Any) -> None:
    templates = sub.add_parser("templates", help="prompt templates: versions, labels, diff, export/import")
    tsub = templates.add_subparsers(dest="templates_command", metavar="ACTION", required=True)
    p = tsub.add_parser("list", help="the templates")
    p.add_argument("--all", action="store_true", help="archived ones too")
    _common(p)
    p = tsub.add_parser("show", help="one version: NAME, NAME@3 or NAME@label")
    p.add_argument("spec")
    _common(p)
    for action, help_ in (("add", "a new template"), ("edit", "save a new version of a template")):
        p = tsub.add_parser(action, help=help_)
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
    p = tsub.add_parser("versions", help="every version of a template")
    p.add_argument("name")
    _common(p)
    p = tsub.add_parser("diff", help="what changed between two versions (numbers or labels)")
    p.add_argument("name")
    p.add_argument("a")
    p.add_argument("b")
    add_db_arg(p)
    p = tsub.add_parser("label", help="point a label (e.g. production) at a version")
    p.add_argument("name")
    p.add_argument("label")
    p.add_argument("version")
    _common(p)
    p = tsub.add_parser("export", help="templates with all their versions and variants, as JSON or YAML")
    p.add_argument("names", nargs="*")
    p.add_argument("--output", "-o", metavar="FILE", help="the file (.yaml or .yml writes YAML)")
    p.add_argument("--format", choices=("json", "yaml"), default=None, help="default: by the file's extension, else JSON")
    add_db_arg(p)
    p = tsub.add_parser("import", help="templates from an exported JSON or YAML file")
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="a template here that differs gets the file's latest version as its next version")
    _common(p)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    add_db_arg(p)


def open_templates(args: argparse.Namespace) -> Any:
    from workbench.store.database import Database
    from workbench.store.starter import ensure_starter_library
    from workbench.store.templates import TemplateStore

    store = TemplateStore(Database(args.db) if getattr(args, "db", None) else Database())
    ensure_starter_library(store)
    return store


def parse_vars(pairs: list[str] | None, flag: str = "--var") -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not name.strip():
            raise BadInputError(f"{flag} takes NAME=VALUE, not {pair!r}.")
        out[name.strip()] = value if sep else ""
    return out


def _declared(pairs: list[str] | None) -> list[dict[str, Any]]:
    return [
        {"name": name.strip(), "default": value if sep else None}
        for name, sep, value in (pair.partition("=") for pair in pairs or [])
    ]


def _body(args: argparse.Namespace) -> str | None:
    if args.body is not None and args.body_file:
        raise BadInputError("Give --body or --body-file, not both.")
    if args.body_file:
        try:
            with open(args.body_file, encoding="utf-8") as f:
                return f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise BadInputError(f"Cannot read {args.body_file}: {e}.") from None
    return args.body


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - columns)


def _list_file(path: str | None, what: str) -> list[Any] | None:
    """A JSON or YAML file holding a list (worked examples, variants); None without a file."""
    if path is None:
        return None
    from workbench.store import template_files

    data = template_files.read(path, what)
    if not isinstance(data, list):
        raise BadInputError(f"{path} should hold a list of {what}, not {type(data).__name__}.")
    return data


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


def cmd_templates(args: argparse.Namespace) -> int:
    store = open_templates(args)
    action = args.templates_command
    if action == "list":
        items = store.list(include_archived=args.all)
        if args.json:
            print(json.dumps({"templates": [t.to_json() for t in items]}, ensure_ascii=False, indent=2))
        for t in [] if args.json else items:
            labels = ", ".join(f"{k}@{v}" for k, v in t.labels.items())
            print(f"{_pad(t.name, 30)} v{t.versions:<3} {t.mode:<10} {labels:<20} {t.description}{' (archived)' if t.archived else ''}")
    elif action == "show":
        _print_version(store.resolve(args.spec), args.json)
    elif action == "add":
        body = _body(args)
        if body is None:
            raise BadInputError("A new template needs --body TEXT or --body-file FILE.")
        v = store.add(
            args.name, body, description=args.description or "", tags=args.tag or [], mode=args.mode or "completion",
            system=args.system or "", variables=_declared(args.var), note=args.note or "first version",
            examples=_list_file(args.examples_file, "examples") or [], variants=_list_file(args.variants_file, "variants") or [],
        )
        _print_version(v, args.json)
    elif action == "edit":
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
    elif action == "versions":
        versions = store.versions(args.name)
        if args.json:
            print(json.dumps({"versions": [v.to_json() for v in versions]}, ensure_ascii=False, indent=2))
        for v in [] if args.json else versions:
            print(f"{v.number:>4}  {v.created_at}  {', '.join(v.labels):<16} {v.note}")
    elif action == "diff":
        sys.stdout.write(store.diff(args.name, args.a, args.b) or "(no difference)\n")
    elif action == "label":
        _print_version(store.label(args.name, args.label, args.version), args.json)
    elif action == "export":
        from workbench.store import template_files

        data = store.export(args.names)
        if args.output:
            template_files.write(args.output, data, args.format)
        else:
            sys.stdout.write(template_files.dumps(data, args.format or "json"))
    elif action == "import":
        from workbench.store import template_files

        data = template_files.read(args.file)
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
