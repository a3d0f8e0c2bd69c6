"""Sampler presets: three built in, and the user's own, saved by name in the data folder."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.values.params import SamplerParams
from workbench.errors import BadInputError
from workbench.paths import data_dir

BUILTIN: dict[str, SamplerParams] = {
    "Deterministic": SamplerParams(temperature=0.0, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0),
    "Balanced": SamplerParams(temperature=0.7, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.1),
    "Creative": SamplerParams(temperature=1.1, top_k=100, top_p=0.98, min_p=0.02, repeat_penalty=1.05),
}


class PresetStore:
    """User presets in ``presets.json``; built-in names cannot be overwritten or deleted."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "presets.json"

    def user_presets(self) -> dict[str, SamplerParams]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        presets = {}
        for name, values in raw.items() if isinstance(raw, dict) else ():
            try:
                presets[name] = SamplerParams.from_dict(values).validate()
            except (TypeError, BadInputError):
                continue  # a hand-edited file with a bad entry loses only that entry
        return presets

    def all(self) -> dict[str, SamplerParams]:
        return {**BUILTIN, **self.user_presets()}

    def save(self, name: str, params: SamplerParams) -> None:
        name = name.strip()
        if not name:
            raise BadInputError.of("preset.no_name")
        if name in BUILTIN:
            raise BadInputError.of("preset.builtin_name", name=name)
        presets = self.user_presets()
        presets[name] = params.validate()
        self._write(presets)

    def delete(self, name: str) -> None:
        if name in BUILTIN:
            raise BadInputError.of("preset.builtin_delete", name=name)
        presets = self.user_presets()
        presets.pop(name, None)
        self._write(presets)

    def _write(self, presets: dict[str, SamplerParams]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: v.to_dict() for k, v in presets.items()}, indent=1), encoding="utf-8")
        tmp.replace(self.path)
