"""An experiment's rows, read one at a time (a 10,000-row file never sits in memory whole): CSV
with a header row, JSONL, or rows written in the definition. A malformed line is a ``BadRow``
with its line number, and the rows around it still run.

A row's values are the template's variables and the expected answers; a row may also carry its
own assertions under ``assert`` (a list in JSONL, a JSON text in a CSV column).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from workbench.app.experiments.definition import DatasetDef
from workbench.errors import ExperimentFileError

ASSERT_COLUMN = "assert"
MAX_FIELD = 1 << 20  # one CSV field at the most (the csv module's default is 128 KiB)


@dataclass(frozen=True)
class Row:
    """One dataset row: its index (0-based, counting bad lines too), its line in the file, its
    values as text and its own assertions."""

    index: int
    line: int | None
    values: dict[str, str]
    asserts: tuple[dict[str, Any], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class BadRow:
    """A line that could not be read as a row: where and why."""

    index: int
    line: int | None
    reason: str


def rows(dataset: DatasetDef, source: str = "") -> Iterator[Row | BadRow]:
    """The rows in order. A file that cannot be opened at all is an ExperimentFileError."""
    if dataset.rows is not None:
        for i, raw in enumerate(dataset.rows):
            yield _row(i, None, raw)
        return
    assert dataset.path is not None
    try:
        handle = open(dataset.path, encoding="utf-8-sig", newline="")
    except OSError as e:
        raise ExperimentFileError(f"cannot open the dataset {dataset.path}: {e.strerror or e}", source) from None
    with handle:
        try:
            yield from (_jsonl(handle) if dataset.format == "jsonl" else _csv(handle, str(dataset.path)))
        except UnicodeDecodeError as e:
            raise ExperimentFileError(f"the dataset {dataset.path} is not UTF-8 text ({e.reason} at byte {e.start}).", source) from None


def _jsonl(handle: io.TextIOBase) -> Iterator[Row | BadRow]:
    index = 0
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            yield BadRow(index, number, f"not JSON: {e.msg} at column {e.colno}")
        else:
            yield _row(index, number, raw) if isinstance(raw, dict) else BadRow(index, number, "a row must be a JSON object")
        index += 1


def _csv(handle: io.TextIOBase, name: str) -> Iterator[Row | BadRow]:
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as e:
        raise ExperimentFileError(f"the dataset's header line cannot be read: {e}", name) from None
    header = [h.strip() for h in header]
    if len(set(header)) != len(header) or not all(header):
        raise ExperimentFileError(f"the dataset's header line needs distinct, non-empty column names (it has {header}).", name, 1)
    index = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield BadRow(index, line, f"not CSV: {e}")
            index += 1
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield BadRow(index, line, f"{len(cells)} fields where the header has {len(header)}")
        else:
            yield _row(index, line, dict(zip(header, cells)), csv_cell=True)
        index += 1


def _row(index: int, line: int | None, raw: dict[str, Any], csv_cell: bool = False) -> Row | BadRow:
    raw = dict(raw)
    asserts: Any = raw.pop(ASSERT_COLUMN, None)
    if csv_cell and isinstance(asserts, str):
        if not asserts.strip():
            asserts = None
        else:
            try:
                asserts = json.loads(asserts)
            except json.JSONDecodeError as e:
                return BadRow(index, line, f"its assert column is not JSON: {e.msg}")
    if asserts is not None and not (isinstance(asserts, list) and all(isinstance(a, dict) for a in asserts)):
        return BadRow(index, line, "its assert value must be a list of assertions")
    values = {str(k): _text(v) for k, v in raw.items()}
    return Row(index, line, values, tuple(asserts or ()))


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def where(row: Row | BadRow) -> str:
    """``row 3 (line 5)``: how messages name a row."""
    return f"row {row.index + 1}" + (f" (line {row.line})" if row.line else "")
