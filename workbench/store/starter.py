"""The starter library (assets/library/starter.json, Chinese and English): imported into a
database once, the first time its templates are opened. A template the user deleted or renamed
afterwards is not brought back; a name the user already has is left alone."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from workbench.errors import BadInputError, StoreError
from workbench.paths import assets_dir
from workbench.store.models import MetaRow
from workbench.store.templates import TemplateStore

STARTER_KEY = "starter_library"


def starter_file() -> Path:
    return assets_dir() / "library" / "starter.json"


def ensure_starter_library(templates: TemplateStore, path: Path | None = None) -> list[str]:
    """Import the starter library unless this database has had it; returns the names imported.

    A read-only database, or a missing or broken library file, imports nothing and raises nothing:
    the library is a welcome, never a reason for the app not to start."""
    db = templates.db
    try:
        with db.session() as session:
            if session.get(MetaRow, STARTER_KEY) is not None:
                return []
    except StoreError:
        return []
    source = path or starter_file()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    existing = {t.name for t in templates.list(include_archived=True)}
    wanted = [t for t in data.get("templates", []) if t.get("name") not in existing]
    try:
        names = templates.import_({**data, "templates": wanted}) if wanted else []
        with db.session() as session:
            if session.scalar(select(MetaRow).where(MetaRow.key == STARTER_KEY)) is None:
                session.add(MetaRow(key=STARTER_KEY, value=str(data.get("version", 1))))
    except (StoreError, BadInputError):
        return []
    return names
