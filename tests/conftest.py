"""Shared fixtures: a private data folder per test, the bundled model, one shared real engine."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from workbench.engine.client import EngineClient  # noqa: E402
from workbench.values.params import LoadParams  # noqa: E402
from workbench.models.bundled import bundled_model_path  # noqa: E402


@pytest.fixture(autouse=True)
def workbench_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def model_path() -> Path:
    return bundled_model_path()


@pytest.fixture(scope="session")
def engine(model_path: Path) -> Iterator[EngineClient]:
    """One real engine with the bundled model, shared by tests that do not break it."""
    client = EngineClient()
    client.load(LoadParams(path=str(model_path), n_ctx=2048))
    yield client
    client.close()


@pytest.fixture
def own_engine(model_path: Path) -> Iterator[EngineClient]:
    """A private real engine, for tests that kill or cancel it."""
    client = EngineClient()
    client.load(LoadParams(path=str(model_path), n_ctx=4096))
    yield client
    client.close()
