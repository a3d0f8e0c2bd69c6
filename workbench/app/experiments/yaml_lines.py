"""YAML read with the line of every value, so that a problem found later (by the JSON Schema, or
by a check of our own) can say where in the file it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from workbench.errors import ExperimentFileError

Path_ = tuple[str | int, ...]  # keys and indexes from the document's root


@dataclass
class LinedDocument:
    """A YAML document as plain values, with the line (1-based) where each value starts."""

    data: Any
    source: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """The line of the value at ``path``, or of the nearest enclosing value that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def error(self, path: Path_, message: str) -> ExperimentFileError:
        """An error at ``path``: its line, and the path spelt as the file spells it."""
        return ExperimentFileError(f"{spell(path)}: {message}" if path else message, self.source, self.line(path))


def spell(path: Path_) -> str:
    """``prompts[1].variants[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load(text: str, source: str) -> LinedDocument:
    """Parse ``text`` (YAML, JSON being YAML too) with the safe loader; an error names its line."""
    try:  # the loader's reader already refuses characters YAML forbids (NUL, other controls)
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as e:
        raise ExperimentFileError(f"this is not valid YAML: {e}", source) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise ExperimentFileError("the file is empty: an experiment needs at least prompts and a dataset.", source)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = " ".join(p for p in (e.context, e.problem) if p)
        raise ExperimentFileError(f"this is not valid YAML: {what}", source, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as e:
        raise ExperimentFileError(f"this is not valid YAML: {e}", source) from None
    finally:
        loader.dispose()
    document = LinedDocument(data, source)
    _collect(node, (), document.lines)
    return document


def _collect(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                _collect(value, (*path, str(key.value)), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect(item, (*path, i), lines)
