"""The versioned message protocol between a client and the engine host process.

Messages are JSON objects, one per line, each with a ``type``. Requests carry an ``id`` that every
reply to them repeats. JSON rather than pickle on purpose: the host runs untrusted model files, and
nothing it sends back may execute code in the GUI process. Bytes travel as hex strings.

Client -> host: load, unload, tokenize, detokenize, next, generate, cancel (out of band), shutdown.
Host -> client: ready (once, at start), loaded, result, started (a generation's seed and prompt
size, before its prompt is evaluated), tokens (streamed in batches), done, error.
An error carries its class name (``kind``), its English ``message``, and the ``key`` and ``fields``
the window words it from (``workbench.errors``).
The values the messages carry (parameters, tokens, results) are defined in ``workbench.values``.
"""

from __future__ import annotations

import json
from typing import Any

from workbench.errors import WorkbenchError, error_from_kind
from workbench.values.tokens import Alternative, TokenEvent

PROTOCOL_VERSION = 3


def encode(message: dict[str, Any]) -> bytes:
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def decode(line: bytes) -> dict[str, Any]:
    return json.loads(line)


def error_message(request: int, error: WorkbenchError) -> dict[str, Any]:
    """The ``error`` reply to ``request``."""
    return {"type": "error", "id": request, "kind": type(error).__name__, "message": str(error), "key": error.key, "fields": error.fields}


def error_from_message(message: dict[str, Any]) -> WorkbenchError:
    """The error an ``error`` reply carries, as the host raised it."""
    return error_from_kind(
        message.get("kind", "EngineError"), message.get("message", "unknown engine error"), message.get("key", ""), message.get("fields")
    )


class TokenBatch:
    """Generated tokens on the wire: compact, because the host encodes them between two decodes.

    Message: ``{"type": "tokens", "id": request, "pieces": {token id: hex bytes}, "tokens": [[id,
    logprob, entropy or null, [top ids], [top logprobs]], ...]}``. A token's bytes travel once
    per generation, in the first batch that mentions it; ``TokenDecoder`` keeps them for the rest.
    """

    def __init__(self, request: int) -> None:
        self.request = request
        self.pieces: dict[int, bytes] = {}
        self.tokens: list[list[Any]] = []

    def message(self) -> dict[str, Any]:
        return {
            "type": "tokens",
            "id": self.request,
            "pieces": {str(i): b.hex() for i, b in self.pieces.items()},
            "tokens": self.tokens,
        }

    def clear(self) -> None:
        self.pieces = {}
        self.tokens = []

class TokenDecoder:
    """Turns one generation's ``tokens`` messages back into TokenEvents."""

    def __init__(self) -> None:
        self.pieces: dict[int, tuple[str, bytes]] = {}

    def events(self, message: dict[str, Any]) -> list[TokenEvent]:
        for key, hexed in message["pieces"].items():
            raw = bytes.fromhex(hexed)
            self.pieces[int(key)] = (raw.decode("utf-8", "replace"), raw)
        pieces = self.pieces
        events = []
        for token, logprob, entropy, top_ids, top_logprobs in message["tokens"]:
            text, raw = pieces[token]
            top = [Alternative(i, pieces[i][0], lp, pieces[i][1]) for i, lp in zip(top_ids, top_logprobs)]
            events.append(TokenEvent(token, text, raw, logprob, top, entropy))
        return events
