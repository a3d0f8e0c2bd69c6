"""Find GGUF models in folders the user chose, and remember recently opened ones."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import ModelFileError
from workbench.models.info import ModelInfo, model_info
from workbench.paths import data_dir

MAX_RECENT = 12
MAX_SCAN_FILES = 5000


@dataclass(frozen=True)
class ScanResult:
    models: list[ModelInfo]
    problems: list[ModelFileError]  # one per folder or file that could not be used


def scan_folders(folders: Iterable[str | Path]) -> ScanResult:
    """Every readable .gguf under the folders (recursively); problems are reported, not raised."""
    models: list[ModelInfo] = []
    problems: list[ModelFileError] = []
    seen: set[Path] = set()
    for folder in folders:
        root = Path(folder).expanduser()
        if not root.is_dir():
            problems.append(ModelFileError.of("models.folder_gone", folder=root))
            continue
        try:
            files = sorted(p for p in root.rglob("*.gguf") if p.is_file())
        except OSError as e:
            problems.append(ModelFileError.of("models.folder_unreadable", folder=root, reason=e.strerror or e))
            continue
        for path in files[:MAX_SCAN_FILES]:
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            try:
                models.append(model_info(resolved))
            except ModelFileError as e:
                problems.append(e)
    return ScanResult(models, problems)


class RecentModels:
    """The last models opened, most recent first, kept in the data folder."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "recent_models.json"

    def load(self) -> list[str]:
        try:
            items = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [str(i) for i in items if isinstance(i, str)][:MAX_RECENT]

    def add(self, model_path: str) -> list[str]:
        items = [model_path] + [p for p in self.load() if p != model_path]
        items = items[:MAX_RECENT]
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self.path)
        return items
