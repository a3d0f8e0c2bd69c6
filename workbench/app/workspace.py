"""The workspace of a process: one history database, opened once, with its runs, templates and
experiments.

Opening is lazy: a workspace costs nothing until its runs or templates are first used, so the
window can appear before SQLAlchemy and the migrations load. The starter library is imported the
first time the templates are opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy loads with the first use, not with this module
    from workbench.store.database import Database
    from workbench.store.experiments import ExperimentStore
    from workbench.store.runs import RunStore
    from workbench.store.templates import TemplateStore


class Workspace:
    """One database (``path``; None: the data folder's) and the stores over it."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.requested_path = Path(path) if path else None
        self._db: Database | None = None
        self._runs: RunStore | None = None
        self._templates: TemplateStore | None = None
        self._experiments: ExperimentStore | None = None

    @property
    def db(self) -> Database:
        """The database, opened (created, migrated) on first use; StoreError if it cannot be."""
        if self._db is None:
            from workbench.store.database import Database

            self._db = Database(self.requested_path)
        return self._db

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def runs(self) -> RunStore:
        if self._runs is None:
            from workbench.store.runs import RunStore

            self._runs = RunStore(self.db)
        return self._runs

    @property
    def experiments(self) -> ExperimentStore:
        if self._experiments is None:
            from workbench.store.experiments import ExperimentStore

            self._experiments = ExperimentStore(self.db, self.runs)
        return self._experiments

    @property
    def templates(self) -> TemplateStore:
        """The template library, the starter library imported into it once per database."""
        if self._templates is None:
            from workbench.prompts.templates import check_template
            from workbench.store.starter import ensure_starter_library
            from workbench.store.templates import TemplateStore

            self._templates = TemplateStore(self.db, check=check_template)
            ensure_starter_library(self._templates)
        return self._templates

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = self._runs = self._templates = self._experiments = None
