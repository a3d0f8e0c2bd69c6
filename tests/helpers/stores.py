"""Stores over real SQLite files, set up as the application sets them up."""

from __future__ import annotations

from pathlib import Path

from workbench.prompts.templates import check_template
from workbench.store.database import Database
from workbench.store.templates import TemplateStore


def template_store(path: Path | str | None = None, read_only: bool = False) -> TemplateStore:
    """A TemplateStore on the database at ``path`` (default: the data folder's), with the checks
    the workspace gives it; no starter library."""
    return TemplateStore(Database(path, read_only=read_only), check=check_template)
