"""Experiments in tests: definition files written into a folder, and a model opener that lends
a shared real engine (counting what the runner asks of it) instead of loading a model per test."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path
from typing import Any

from tests.helpers.models import context_of
from workbench.app.model import LoadSettings, ModelContext
from workbench.engine.client import EngineClient


def write_experiment(folder: Path, yaml_text: str, name: str = "experiment.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(yaml_text).lstrip(), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows), encoding="utf-8")
    return path


class LentEngine:
    """The shared engine, counting generations and label scorings; closing it only returns it."""

    def __init__(self, engine: EngineClient) -> None:
        self.engine = engine
        self.generations = 0
        self.scorings = 0

    def generate(self, params: Any) -> Any:
        self.generations += 1
        return self.engine.generate(params)

    def score_continuations(self, params: Any, texts: list[str]) -> Any:
        self.scorings += 1
        return self.engine.score_continuations(params, texts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def close(self) -> None:
        pass


class Opener:
    """An ExperimentRunner opener over one shared engine: how many loads were asked for."""

    def __init__(self, engine: EngineClient) -> None:
        self.lent = LentEngine(engine)
        self.loads: list[LoadSettings] = []
        self.context = context_of(engine)  # kept: a crashed engine has no model until it reloads

    def __call__(self, settings: LoadSettings) -> tuple[LentEngine, ModelContext]:
        self.loads.append(settings)
        return self.lent, ModelContext(self.context.info, self.context.loaded, settings.chat_format)
