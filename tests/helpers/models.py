"""A loaded model as the application layer sees it, for in-process pipeline tests."""

from __future__ import annotations

from workbench.app.model import ModelContext
from workbench.engine.client import EngineClient
from workbench.models.info import model_info


def context_of(client: EngineClient) -> ModelContext:
    """The ModelContext of the model ``client`` has loaded."""
    assert client.load_params is not None and client.loaded is not None
    return ModelContext(model_info(client.load_params.path), client.loaded)
