"""One generated token with its log-probability and the alternatives at its position."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from workbench.values.base import Value


def given(logprob: float) -> float | None:
    """A logprob for JSON: None where the engine (a server without logprobs) gave none (NaN)."""
    return None if math.isnan(logprob) else logprob


@dataclass
class Alternative(Value):
    id: int
    text: str
    logprob: float
    bytes: bytes = b""

    def to_dict(self) -> dict[str, Any]:
        """The public shape: {id, text, logprob} (bytes travel only inside the protocol)."""
        return {"id": self.id, "text": self.text, "logprob": given(self.logprob)}


@dataclass
class TokenEvent(Value):
    """One generated token with its log-probability and the top alternatives at its position."""

    id: int
    text: str
    bytes: bytes
    logprob: float
    top: list[Alternative]
    entropy: float | None = None  # of the whole distribution at this position, in nats

    def to_dict(self) -> dict[str, Any]:
        """The public shape: {id, text, bytes (hex), logprob, top}."""
        return {
            "id": self.id,
            "text": self.text,
            "bytes": self.bytes.hex(),
            "logprob": given(self.logprob),
            "top": [a.to_dict() for a in self.top],
        }

    @property
    def rank(self) -> int | None:
        """0 for the most likely token; None when it is not among the recorded alternatives."""
        return next((i for i, a in enumerate(self.top) if a.id == self.id), None)

    @property
    def prob(self) -> float:
        return math.exp(self.logprob)
