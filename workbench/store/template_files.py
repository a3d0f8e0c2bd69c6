"""Template library files: JSON or YAML, chosen by the file's extension (.yaml / .yml).

YAML is read with the safe loader only (no Python objects from a file someone sent you) and
written with block scalars for multi-line prompts, so a library file diffs and reviews well."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from workbench.errors import BadInputError

FORMATS = ("json", "yaml")


def format_of(path: str | Path | None, default: str = "json") -> str:
    suffix = Path(path).suffix.lower() if path else ""
    return "yaml" if suffix in (".yaml", ".yml") else "json" if suffix == ".json" else default


class _BlockDumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _text)


def dumps(data: dict[str, Any], fmt: str) -> str:
    if fmt == "yaml":
        return yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    raise BadInputError(f"Templates are written as {' or '.join(FORMATS)}, not {fmt!r}.")


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader without anchors and aliases: a library file never needs them, and nested
    aliases (a "billion laughs" file) load small and then grow to gigabytes once written out."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a template file", event.start_mark)
        return super().compose_node(parent, index)


def loads(text: str, fmt: str, where: str = "the file", what: str = "templates") -> Any:
    try:
        return yaml.load(text, Loader=_NoAliasLoader) if fmt == "yaml" else json.loads(text)
    except json.JSONDecodeError as e:
        raise BadInputError(f"Cannot read {what} from {where}: invalid JSON on line {e.lineno}: {e.msg}.") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f" on line {mark.line + 1}" if mark is not None else ""
        raise BadInputError(f"Cannot read {what} from {where}: invalid YAML{line}: {getattr(e, 'problem', e)}.") from None


def read(path: str | Path, what: str = "templates") -> Any:
    """The data in a JSON or YAML file; ``what`` names it in error messages."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "it is not UTF-8 text"
        raise BadInputError(f"Cannot read {what} from {path}: {reason}.") from None
    return loads(text, format_of(path), str(path), what)


def write(path: str | Path, data: dict[str, Any], fmt: str | None = None) -> None:
    text = dumps(data, fmt or format_of(path))
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise BadInputError(f"Cannot write {path}: {e.strerror}.") from None
