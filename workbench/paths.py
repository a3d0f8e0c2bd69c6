"""Where the workbench keeps its data: one folder, overridable with WORKBENCH_HOME."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "prompt-workbench"


def data_dir() -> Path:
    """The user data folder (created on first use)."""
    override = os.environ.get("WORKBENCH_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    """Engine and application logs."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def assets_dir() -> Path:
    """The shipped assets (starter library...): inside the bundle when frozen, else the repository's."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "assets" if bundle else Path(__file__).resolve().parent.parent / "assets"
