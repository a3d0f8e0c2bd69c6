"""An experiment made concrete before anything runs: each prompt as a template version (library
refs pinned to the version they name now, inline texts as versions of their own), its columns
with their signatures, and the dataset read once to count its rows and check that every column
has the values it needs — so a missing column is named, with its row, before the first case.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from workbench.app.experiments.dataset import BadRow, Row, rows, where
from workbench.app.experiments.definition import Column, Experiment
from workbench.app.workspace import Workspace
from workbench.errors import BadInputError, ExperimentFileError
from workbench.prompts.assertions import compile_assertions
from workbench.prompts.sandbox import used_variables
from workbench.prompts.templates import variant_of
from workbench.prompts.variant_runner import needs_examples
from workbench.store.template_records import TemplateVersion


@dataclass(frozen=True)
class PlannedColumn:
    """A column with the version its prompt runs as and what its results depend on."""

    column: Column
    version: TemplateVersion
    inline: bool  # an inline text, not a library template
    signature: dict[str, str]  # part -> hash: prompt, variant, model, sampler, judges

    @property
    def id(self) -> str:
        return self.column.id

    def needed(self) -> list[str]:
        """The variables a row must give: declared without a default."""
        return [v["name"] for v in self.version.variables if v.get("default") is None]

    def variables(self, row: Row) -> dict[str, str]:
        """The row's values this column's template declares (the rest are answers and labels)."""
        declared = {v["name"] for v in self.version.variables}
        return {k: v for k, v in row.values.items() if k in declared}

    def to_json(self) -> dict[str, Any]:
        c = self.column
        return {"id": c.id, "prompt": c.prompt.id, "variant": c.variant, "model": c.model.id,
                "model_path": c.model.settings.model, "template": None if self.inline else self.version.ref,
                "signature": self.signature}


@dataclass
class Plan:
    """What will run: the columns, how many rows, the rows that cannot be read."""

    experiment: Experiment
    columns: list[PlannedColumn]
    n_rows: int
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def n_cases(self) -> int:
        return len(self.columns) * (self.n_rows - len(self.bad_rows)) * self.experiment.repeats

    def to_json(self) -> dict[str, Any]:
        return {"columns": [c.to_json() for c in self.columns], "rows": self.n_rows,
                "bad_rows": [{"row": b.index, "line": b.line, "reason": b.reason} for b in self.bad_rows],
                "repeats": self.experiment.repeats, "generates": self.experiment.generates,
                "labels": list(self.experiment.classify.labels) if self.experiment.classify else None}


def make_plan(experiment: Experiment, workspace: Workspace, limit: int | None = None) -> Plan:
    """Resolve and check everything a run needs; BadInputError (naming the prompt, column or
    row) for anything that would fail every case."""
    versions = {p.id: _version(experiment, i, workspace) for i, p in enumerate(experiment.prompts)}
    columns = [_planned(experiment, c, versions[c.prompt.id]) for c in experiment.columns()]
    n_rows, bad = _check_rows(experiment, columns, limit)
    return Plan(experiment, columns, n_rows, bad)


def _version(experiment: Experiment, index: int, workspace: Workspace) -> tuple[TemplateVersion, bool]:
    prompt = experiment.prompts[index]
    if prompt.template is not None:
        try:
            return workspace.templates.resolve(prompt.template), False
        except BadInputError as e:
            raise ExperimentFileError(f"prompts[{index}] ({prompt.id}): {e}", experiment.source) from None
    text = prompt.text or ""
    system = prompt.system or ""
    names = used_variables(system, text)
    variants = [v for v in prompt.variants if isinstance(v, dict)]
    version = TemplateVersion(name=prompt.id, number=0, mode="chat" if prompt.chat else "completion", system=system,
                              body=text, variables=[{"name": n, "default": None} for n in names], variants=variants)
    return version, True


def _planned(experiment: Experiment, column: Column, resolved: tuple[TemplateVersion, bool]) -> PlannedColumn:
    version, inline = resolved
    if column.variant is not None:
        try:
            variant = variant_of(version, column.variant)
        except BadInputError as e:
            raise ExperimentFileError(f"prompt {column.prompt.id}: {e}", experiment.source) from None
        if needs_examples(variant) and not version.examples and not variant.settings.get("examples"):
            raise ExperimentFileError(
                f"prompt {column.prompt.id}: the variant {column.variant!r} shows worked examples and this prompt has "
                "none (an inline prompt never has; use a library template with examples, or zero_shot_cot).",
                experiment.source)
    settings = column.model.settings
    parts = {
        "prompt": {"template": version.ref if not inline else None, "system": version.system, "body": version.body,
                   "chat": column.prompt.chat, "variants": version.variants},
        "variant": column.variant,
        "model": {"path": settings.model, "ctx": settings.n_ctx, "gpu": settings.n_gpu_layers,
                  "format": [settings.chat_format.name, settings.chat_format.template]},
        "sampler": {**experiment.sampler.to_dict(), "max_tokens": experiment.max_tokens, "stop": list(experiment.stop),
                    "repeats": experiment.repeats},
        "judges": {"assert": list(experiment.assertions), "threshold": experiment.threshold,
                   "classify": experiment.classify.__dict__ if experiment.classify else None},
    }
    signature = {k: _hash(v) for k, v in parts.items()}
    return PlannedColumn(column, version, inline, signature)


def _check_rows(experiment: Experiment, columns: list[PlannedColumn], limit: int | None) -> tuple[int, list[BadRow]]:
    n = 0
    bad: list[BadRow] = []
    needed = {c.id: c.needed() for c in columns}
    expected = experiment.classify.expected if experiment.classify else None
    for row in rows(experiment.dataset, experiment.source):
        if limit is not None and n >= limit:
            break
        n += 1
        if isinstance(row, BadRow):
            bad.append(row)
            continue
        for column in columns:
            missing = [name for name in needed[column.id] if name not in row.values]
            if missing:
                raise ExperimentFileError(
                    f"the prompt {column.column.prompt.id} needs the column {', '.join(missing)}, which {where(row)} of the "
                    f"dataset lacks (it has {', '.join(row.values) or 'no columns'}).", experiment.source)
        if expected and expected not in row.values:
            raise ExperimentFileError(f"classify.expected names the column {expected!r}, which {where(row)} lacks.", experiment.source)
        if row.asserts:
            try:
                compile_assertions(row.asserts, f"{where(row)} assert")
            except BadInputError as e:
                bad.append(BadRow(row.index, row.line, str(e)))
    if n == 0:
        raise ExperimentFileError("the dataset has no rows.", experiment.source)
    return n, bad


def _hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:12]


def changed_parts(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Which parts of a column's signature differ (prompt, variant, model, sampler, judges)."""
    return [k for k in new if old.get(k) != new[k]]
