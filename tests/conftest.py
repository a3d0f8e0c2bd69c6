"""Shared fixtures: a private data folder per test, the test models, one shared real engine each.

``engine`` (the bundled SmolLM2) and ``gemma_engine`` (Gemma 3 270M, 262,144-token vocabulary) are
created once per session, each only when a test first asks for it. ``any_model_path`` and
``any_engine`` run a test once per model (ids ``smollm2`` and ``gemma``): for the model-independent
truths (logprobs against llama.cpp, tokenizer round trips, the decode loop's ends)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.helpers.models import MODEL_NAMES, gemma_model_path  # noqa: E402
from workbench.engine.client import EngineClient  # noqa: E402
from workbench.values.params import LoadParams  # noqa: E402
from workbench.models.bundled import bundled_model_path  # noqa: E402


@pytest.fixture(autouse=True)
def workbench_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    return home


def _shared_engine(path: Path) -> Iterator[EngineClient]:
    client = EngineClient()
    client.load(LoadParams(path=str(path), n_ctx=2048))
    yield client
    client.close()


@pytest.fixture(scope="session")
def model_path() -> Path:
    return bundled_model_path()


@pytest.fixture(scope="session")
def engine(model_path: Path) -> Iterator[EngineClient]:
    """One real engine with the bundled model, shared by tests that do not break it."""
    yield from _shared_engine(model_path)


@pytest.fixture(scope="session")
def llama_server_url(model_path: Path) -> Iterator[str]:
    """llama-cpp-python's own server with the bundled model on a loopback port (``smollm2``),
    shared by the tests that talk to a real remote engine; its base URL, without ``/v1``."""
    from tests.helpers.remote import llama_server

    with llama_server(model_path) as url:
        yield url


@pytest.fixture(scope="session")
def gemma_path() -> Path:
    """Gemma 3 270M from the cache; a missing file fails the test that asks for it."""
    return gemma_model_path()


@pytest.fixture(scope="session")
def gemma_engine(gemma_path: Path) -> Iterator[EngineClient]:
    """One real engine with Gemma 3 270M (n_ctx 2048, like ``engine``), shared the same way."""
    yield from _shared_engine(gemma_path)


_PATHS = {"smollm2": "model_path", "gemma": "gemma_path"}
_ENGINES = {"smollm2": "engine", "gemma": "gemma_engine"}
assert set(_PATHS) == set(_ENGINES) == set(MODEL_NAMES)


@pytest.fixture(scope="module", params=MODEL_NAMES)
def model_name(request: pytest.FixtureRequest) -> str:
    """Which test model: "smollm2" or "gemma". Module-scoped, so that a module's own fixtures can
    depend on it: pytest then runs a module's SmolLM2 instances first, then its Gemma ones (never
    across modules), and a module fixture on one model is closed before the other's opens."""
    return str(request.param)


@pytest.fixture(scope="module")
def any_model_path(request: pytest.FixtureRequest, model_name: str) -> Path:
    """Each test model's path in turn (only the one a test instance runs on is looked up)."""
    return request.getfixturevalue(_PATHS[model_name])


@pytest.fixture(scope="module")
def any_engine(request: pytest.FixtureRequest, model_name: str) -> EngineClient:
    """Each test model's shared engine in turn: ``engine`` or ``gemma_engine``, never a third one."""
    return request.getfixturevalue(_ENGINES[model_name])


@pytest.fixture
def own_engine(model_path: Path) -> Iterator[EngineClient]:
    """A private real engine, for tests that kill or cancel it."""
    client = EngineClient()
    client.load(LoadParams(path=str(model_path), n_ctx=4096))
    yield client
    client.close()
