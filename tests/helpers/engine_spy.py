"""Watch what a real engine host tells its client, and act at chosen moments of a run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from workbench.engine.client import EngineClient


def on_started(client: EngineClient, monkeypatch: pytest.MonkeyPatch, act: Callable[[dict[str, Any]], None]) -> list[dict[str, Any]]:
    """Call ``act(message)`` as the client reads a generation's ``started`` (the host sends it just
    before it evaluates the prompt); returns the ``started`` messages read."""
    read = client._read
    seen: list[dict[str, Any]] = []

    def spying_read() -> dict[str, Any]:
        message = read()
        if message.get("type") == "started":
            seen.append(message)
            act(message)
        return message

    monkeypatch.setattr(client, "_read", spying_read)
    return seen
