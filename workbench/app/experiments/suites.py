"""The built-in suites (assets/suites/NAME/suite.yaml, in Chinese and English, each with its
dataset): experiments ready to run from the Library panel or `workbench eval --suite NAME`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from workbench.errors import BadInputError
from workbench.paths import assets_dir

SUITE_FILE = "suite.yaml"


@dataclass(frozen=True)
class Suite:
    """A built-in suite: its short name (the folder's), its title and description, its file."""

    name: str
    title: str
    description: str
    path: Path

    @property
    def language(self) -> str:
        return "zh" if self.name.endswith("-zh") else "en"


def suites_dir() -> Path:
    return assets_dir() / "suites"


def suites() -> list[Suite]:
    """Every built-in suite, by name; a suite whose file cannot be read is left out."""
    out = []
    root = suites_dir()
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        path = folder / SUITE_FILE
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        out.append(Suite(folder.name, str(data.get("name") or folder.name), str(data.get("description") or ""), path))
    return out


def find_suite(name: str) -> Suite:
    for suite in suites():
        if suite.name == name:
            return suite
    names = ", ".join(s.name for s in suites()) or "none are installed"
    raise BadInputError(f"There is no built-in suite {name!r}. Suites: {names}.")
