"""Prompt templates as stored: every edit a new immutable version with a note, labels that point at
versions, export and import.

The store keeps versions as data. What a version's texts mean (Jinja, variables, variants) is
``workbench.prompts.templates``'s business: it hands the store a ``check`` that every version
passes before it is saved.

A template is addressed as ``name`` (its latest version), ``name@3`` (version 3) or
``name@production`` (whatever version the label points at).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from workbench.errors import BadInputError
from workbench.store.database import Database
from workbench.store.models import TemplateLabelRow, TemplateRow, TemplateVersionRow
from workbench.store.run_records import iso_utc, utc_now
from workbench.store.template_records import MODES, TemplateInfo, TemplateVersion

_NAME = re.compile(r"^[\w][\w .\-]{0,99}$", re.UNICODE)
_LABEL = re.compile(r"^[A-Za-z][\w\-]{0,39}$")
VERSION_FIELDS = ("system", "body", "variables", "examples", "variants")
FILE_VERSION = 1  # of the export / import file

# (template name, system, body, declared variables, variants) -> the variants as stored; raises
# TemplateError or BadInputError for a version that could never run.
TemplateCheck = Callable[[str, str, str, list[dict[str, Any]], list[Any]], list[dict[str, Any]]]


def _check_examples(examples: Any) -> list[dict[str, Any]]:
    """Worked examples are objects (a question and its worked answer, by field): anything else
    would be saved and then fail at run time."""
    if not isinstance(examples, list):
        raise BadInputError(f"Examples are a list of objects, not {type(examples).__name__}.")
    for i, example in enumerate(examples, 1):
        if not isinstance(example, dict) or not all(isinstance(k, str) for k in example):
            raise BadInputError(f"Example {i} is {type(example).__name__}, not an object of named fields "
                                "(such as {\"question\": ..., \"answer\": ...}).")
    return [dict(e) for e in examples]


def _check_variables(variables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out, seen = [], set()
    for v in variables:
        name = str(v.get("name", ""))
        if not name.isidentifier() or name == "examples":
            raise BadInputError(f"A variable name must be a Python-style identifier (not 'examples'): {name!r}.")
        if name in seen:
            raise BadInputError(f"The variable {name!r} is declared twice.")
        seen.add(name)
        default = v.get("default")  # None: the variable must be given
        out.append({"name": name, "default": None if default is None else str(default), "description": str(v.get("description", ""))})
    return out


class TemplateStore:
    """The templates of one database: the only way in and out of their tables."""

    def __init__(self, db: Database, check: TemplateCheck) -> None:
        self.db = db
        self.check = check

    # -- reading --------------------------------------------------------------------------

    def _template(self, session: Any, name: str) -> TemplateRow:
        row = session.scalar(select(TemplateRow).where(TemplateRow.name == name))
        if row is None:
            known = session.scalars(select(TemplateRow.name).order_by(TemplateRow.name).limit(20)).all()
            raise BadInputError(f"There is no template {name!r}. Templates: {', '.join(known) or 'none yet'}.")
        return row

    @staticmethod
    def _version(template: TemplateRow, row: TemplateVersionRow) -> TemplateVersion:
        labels = sorted(label.label for label in template.labels if label.version_id == row.id)
        return TemplateVersion(
            template.name, row.number, template.mode, row.system, row.body, list(row.variables), list(row.examples),
            list(row.variants or []), row.note, iso_utc(row.created_at), labels,
        )

    def resolve(self, spec: str) -> TemplateVersion:
        """``name``, ``name@N`` or ``name@label`` to that version."""
        name, _, at = spec.rpartition("@") if "@" in spec else (spec, "", "")
        if "@" in spec and not at.strip():
            raise BadInputError(f"{spec!r} names no version after '@': give {name}@NUMBER, {name}@LABEL, or just {name} for the latest.")
        with self.db.session() as session:
            template = self._template(session, name)
            if not at:
                row = template.versions[-1]
            elif at.isdigit():
                row = next((v for v in template.versions if v.number == int(at)), None)
                if row is None:
                    raise BadInputError(f"{name} has versions 1 to {len(template.versions)}, not {at}.")
            else:
                label = next((lb for lb in template.labels if lb.label == at), None)
                if label is None:
                    labels = ", ".join(sorted(lb.label for lb in template.labels)) or "none"
                    raise BadInputError(f"{name} has no label {at!r} (labels: {labels}).")
                row = next(v for v in template.versions if v.id == label.version_id)
            return self._version(template, row)

    def versions(self, name: str) -> list[TemplateVersion]:
        with self.db.session() as session:
            template = self._template(session, name)
            return [self._version(template, v) for v in template.versions]

    def catalogue(self, include_archived: bool = False) -> list[tuple[TemplateInfo, list[TemplateVersion]]]:
        """Every template with all its versions, by name, in one query per table (the Library
        panel and export show them all)."""
        with self.db.session() as session:
            query = (
                select(TemplateRow)
                .options(selectinload(TemplateRow.versions), selectinload(TemplateRow.labels))
                .order_by(TemplateRow.name)
            )
            if not include_archived:
                query = query.where(TemplateRow.archived.is_(False))
            out = []
            for t in session.scalars(query):
                numbers = {v.id: v.number for v in t.versions}
                info = TemplateInfo(t.name, t.description, list(t.tags), t.mode, t.archived, len(t.versions),
                                    {lb.label: numbers[lb.version_id] for lb in t.labels})
                out.append((info, [self._version(t, v) for v in t.versions]))
            return out

    def list(self, include_archived: bool = False) -> list[TemplateInfo]:
        return [info for info, _versions in self.catalogue(include_archived)]

    def diff(self, name: str, a: str, b: str) -> str:
        """A unified diff between two versions (numbers or labels) of one template."""
        first, second = self.resolve(f"{name}@{a}"), self.resolve(f"{name}@{b}")

        def lines(v: TemplateVersion) -> list[str]:
            text = f"# system\n{v.system}\n# body\n{v.body}\n# variables\n{json.dumps(v.variables, ensure_ascii=False, indent=1)}\n"
            text += f"# examples\n{json.dumps(v.examples, ensure_ascii=False, indent=1)}\n"
            text += f"# variants\n{json.dumps(v.variants, ensure_ascii=False, indent=1)}\n"
            return text.splitlines(keepends=True)

        return "".join(difflib.unified_diff(lines(first), lines(second), first.ref, second.ref))

    # -- writing --------------------------------------------------------------------------

    def add(
        self,
        name: str,
        body: str,
        *,
        description: str = "",
        tags: list[str] | None = None,
        mode: str = "completion",
        system: str = "",
        variables: list[dict[str, Any]] | None = None,
        examples: list[dict[str, Any]] | None = None,
        variants: list[dict[str, Any]] | None = None,
        note: str = "first version",
    ) -> TemplateVersion:
        if not _NAME.match(name) or "@" in name:
            raise BadInputError(f"{name!r} cannot be a template name: use letters, digits, spaces, '.', '-' or '_' (no '@').")
        if mode not in MODES:
            raise BadInputError(f"A template's mode is completion or chat, not {mode!r}.")
        checked = _check_variables(variables or [])
        examples = _check_examples(examples or [])
        variants = self.check(name, system, body, checked, variants or [])
        with self.db.session() as session:
            if session.scalar(select(TemplateRow.id).where(TemplateRow.name == name)) is not None:
                raise BadInputError(f"A template named {name!r} exists already; edit it to make a new version.")
            now = utc_now()
            template = TemplateRow(name=name, description=description, tags=list(tags or []), mode=mode, created_at=now)
            template.versions.append(
                TemplateVersionRow(number=1, system=system, body=body, variables=checked,
                                   examples=list(examples or []), variants=variants, note=note, created_at=now)
            )
            session.add(template)
        return self.resolve(f"{name}@1")

    def edit(self, name: str, note: str, **changes: Any) -> TemplateVersion:
        """Save a new version: the latest with ``changes`` (system, body, variables, examples, variants)
        applied. Template-level fields (description, tags, mode) change in place."""
        unknown = set(changes) - set(VERSION_FIELDS) - {"description", "tags", "mode"}
        if unknown:
            raise BadInputError(f"Unknown template fields: {', '.join(sorted(unknown))}.")
        if not note.strip():
            raise BadInputError("Say what changed: every new version has a note.")
        if changes.get("mode", "completion") not in MODES:
            raise BadInputError(f"A template's mode is completion or chat, not {changes['mode']!r}.")
        with self.db.session() as session:
            template = self._template(session, name)
            latest = template.versions[-1]
            fields = {f: getattr(latest, f) for f in VERSION_FIELDS}
            fields.update({f: changes[f] for f in VERSION_FIELDS if f in changes})
            fields["variables"] = _check_variables(fields["variables"])
            fields["examples"] = _check_examples(fields["examples"] or [])
            fields["variants"] = self.check(name, fields["system"], fields["body"], fields["variables"], fields["variants"] or [])
            for attr in ("description", "tags", "mode"):
                if attr in changes:
                    setattr(template, attr, changes[attr])
            if all(fields[f] == getattr(latest, f) for f in VERSION_FIELDS):
                if not any(attr in changes for attr in ("description", "tags", "mode")):
                    raise BadInputError(f"Nothing changed since {name}@{latest.number}; no new version was made.")
                return self._version(template, latest)
            template.versions.append(TemplateVersionRow(number=latest.number + 1, note=note, created_at=utc_now(), **fields))
            number = latest.number + 1
        return self.resolve(f"{name}@{number}")

    def label(self, name: str, label: str, version: str) -> TemplateVersion:
        """Point ``label`` (e.g. production) at a version, moving it if it pointed elsewhere."""
        if not _LABEL.match(label) or label.isdigit():
            raise BadInputError(f"{label!r} cannot be a label: start with a letter; letters, digits, '-' and '_'.")
        target = self.resolve(f"{name}@{version}")
        with self.db.session() as session:
            template = self._template(session, name)
            row = next(v for v in template.versions if v.number == target.number)
            existing = next((lb for lb in template.labels if lb.label == label), None)
            if existing is None:
                template.labels.append(TemplateLabelRow(label=label, version_id=row.id))
            else:
                existing.version_id = row.id
        return self.resolve(f"{name}@{label}")

    def unlabel(self, name: str, label: str) -> None:
        with self.db.session() as session:
            template = self._template(session, name)
            session.execute(delete(TemplateLabelRow).where(TemplateLabelRow.template_id == template.id, TemplateLabelRow.label == label))

    def rename(self, name: str, new_name: str) -> None:
        if not _NAME.match(new_name) or "@" in new_name:
            raise BadInputError(f"{new_name!r} cannot be a template name.")
        with self.db.session() as session:
            template = self._template(session, name)
            if session.scalar(select(TemplateRow.id).where(TemplateRow.name == new_name)) is not None:
                raise BadInputError(f"A template named {new_name!r} exists already.")
            template.name = new_name

    def duplicate(self, name: str, new_name: str) -> TemplateVersion:
        """A new template starting from the latest version of ``name``."""
        source = self.resolve(name)
        info = next(t for t in self.list(include_archived=True) if t.name == name)
        return self.add(new_name, source.body, description=info.description, tags=info.tags, mode=source.mode,
                        system=source.system, variables=source.variables, examples=source.examples, variants=source.variants,
                        note=f"copied from {source.ref}")

    def archive(self, name: str, archived: bool = True) -> None:
        with self.db.session() as session:
            self._template(session, name).archived = archived

    def delete(self, name: str) -> None:
        """Remove a template and its versions; runs made from it keep their rendered prompts."""
        with self.db.session() as session:
            session.delete(self._template(session, name))

    # -- files ----------------------------------------------------------------------------

    def export(self, names: list[str] | None = None) -> dict[str, Any]:
        catalogue = self.catalogue(include_archived=True)
        chosen = names or [info.name for info, _ in catalogue]
        out = []
        for info, versions in catalogue:
            if info.name not in chosen:
                continue
            out.append({
                **{k: v for k, v in info.to_json().items() if k != "versions"},
                "versions": [{k: v for k, v in ver.to_json().items() if k not in ("name", "mode", "labels")}
                             for ver in versions],
            })
        missing = set(chosen) - {t["name"] for t in out}
        if missing:
            raise BadInputError(f"There is no template {', '.join(sorted(missing))}.")
        return {"format": "prompt-workbench-templates", "version": FILE_VERSION, "templates": out}

    def _same_versions(self, name: str, versions: list[dict[str, Any]]) -> bool:
        mine = self.versions(name)
        return len(mine) == len(versions) and all(
            all(getattr(m, f) == v.get(f, [] if f in ("variables", "examples", "variants") else "") for f in VERSION_FIELDS)
            for m, v in zip(mine, versions, strict=True)
        )

    def _differs(self, name: str, changes: dict[str, Any]) -> bool:
        latest = self.resolve(name)
        info = next(i for i in self.list(include_archived=True) if i.name == name)
        current = {**{f: getattr(latest, f) for f in VERSION_FIELDS}, "description": info.description, "tags": info.tags, "mode": info.mode}
        return any(current.get(k) != v for k, v in changes.items())

    def import_(self, data: dict[str, Any], replace: bool = False) -> list[str]:
        """Templates from an export, every version kept. A template that is here already with the
        same versions is skipped. One that differs is an error, unless ``replace``: then the file's
        latest version becomes a new version here (versions are never rewritten, so runs made from
        the old ones still point at what they used). Returns the names imported or updated."""
        if not isinstance(data, dict) or data.get("format") != "prompt-workbench-templates":
            raise BadInputError("This is not a Prompt Workbench template file (no \"format\": \"prompt-workbench-templates\").")
        version = data.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= FILE_VERSION:
            raise BadInputError(f"This template file is format version {version!r}; this workbench reads version "
                                f"{FILE_VERSION} and older. Update the workbench to import it.")
        names = []
        existing = {i.name for i in self.list(include_archived=True)}  # once, not per template
        for t in data.get("templates", []):
            try:
                name, versions = str(t["name"]), sorted(t["versions"], key=lambda v: int(v["number"]))
            except (KeyError, TypeError, ValueError):
                raise BadInputError("A template in the file has no name or no versions.") from None
            if not versions:
                raise BadInputError(f"The template {name!r} in the file has no versions.")
            labels = t.get("labels") or {}
            if name in existing:
                if self._same_versions(name, versions):
                    continue  # already here, unchanged (e.g. the starter library in an export)
                if not replace:
                    raise BadInputError(
                        f"A template named {name!r} exists already and differs; import with --replace to add the "
                        "file's latest version as its next version."
                    )
                latest = versions[-1]
                changes = {f: latest[f] for f in VERSION_FIELDS if f in latest}
                changes.update({k: t[k] for k in ("description", "tags", "mode") if k in t})
                note = f"imported: {latest.get('note') or 'from a file'}"
                before = self.resolve(name).number
                added = self.edit(name, note, **changes) if self._differs(name, changes) else None
                if added is None or added.number == before:
                    continue  # the file's latest is what this template already says
                for label, number in labels.items():
                    if int(number) == int(latest["number"]):
                        self.label(name, label, str(added.number))
            else:
                first = versions[0]
                self.add(name, first["body"], description=t.get("description", ""), tags=t.get("tags", []),
                         mode=t.get("mode", "completion"), system=first.get("system", ""), variables=first.get("variables", []),
                         examples=first.get("examples", []), variants=first.get("variants", []),
                         note=first.get("note", "") or "imported")
                for v in versions[1:]:
                    self.edit(name, v.get("note", "") or "imported", **{f: v[f] for f in VERSION_FIELDS if f in v})
                for label, number in labels.items():
                    self.label(name, label, str(number))
                existing.add(name)
            if t.get("archived"):
                self.archive(name)
            names.append(name)
        return names
