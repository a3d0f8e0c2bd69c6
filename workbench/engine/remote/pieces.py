"""A server's per-token logprobs as our tokens.

OpenAI-compatible servers name tokens by their text, not their id. Each distinct piece gets an id
of its own here, negative (-2, -3, ...: -1 pads the history's arrays), kept for the engine's life,
so the views and the history treat remote tokens like local ones, and a branch from an
alternative (its id) turns back into its text.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from workbench.values.tokens import Alternative, TokenEvent

NOT_GIVEN = math.nan  # a server that sends no logprob for a token: shown as "not provided", never as a number


class Pieces:
    """Token texts and bytes ↔ the ids this side gives them."""

    def __init__(self) -> None:
        self._ids: dict[bytes, int] = {}
        self._bytes: dict[int, bytes] = {}
        self._lock = threading.Lock()

    def id(self, raw: bytes) -> int:
        with self._lock:
            known = self._ids.get(raw)
            if known is None:
                known = self._ids[raw] = -2 - len(self._ids)
                self._bytes[known] = raw
            return known

    def bytes_of(self, token: int) -> bytes | None:
        return self._bytes.get(token)

    def alternative(self, text: str, logprob: Any, raw: list[int] | None = None) -> Alternative:
        data = bytes(raw) if isinstance(raw, list) and all(isinstance(b, int) and 0 <= b < 256 for b in raw) else text.encode("utf-8")
        return Alternative(self.id(data), data.decode("utf-8", "replace"), _number(logprob), data)

    def event(self, text: str, logprob: Any, top: list[Alternative], raw: list[int] | None = None, limit: int = 100) -> TokenEvent:
        chosen = self.alternative(text, logprob, raw)
        ranked = sorted((a for a in top if not math.isnan(a.logprob)), key=lambda a: -a.logprob)[:limit]
        return TokenEvent(chosen.id, chosen.text, chosen.bytes, chosen.logprob, ranked)

    def completion_tokens(self, choice: dict[str, Any], limit: int) -> list[TokenEvent]:
        """The tokens of one ``/v1/completions`` choice (a streamed chunk or a whole reply)."""
        logprobs = choice.get("logprobs")
        if isinstance(logprobs, dict) and isinstance(logprobs.get("tokens"), list):
            texts = logprobs["tokens"]
            values = logprobs.get("token_logprobs") or [None] * len(texts)
            tops = logprobs.get("top_logprobs") or [None] * len(texts)
            events = []
            for text, value, top in zip(texts, values, tops):
                alternatives = [self.alternative(t, lp) for t, lp in top.items()] if isinstance(top, dict) else []
                events.append(self.event(str(text), value, alternatives, limit=limit))
            return events
        text = choice.get("text") or ""
        return [self.event(text, None, [])] if text else []

    def chat_tokens(self, choice: dict[str, Any], limit: int) -> list[TokenEvent]:
        """The tokens of one ``/v1/chat/completions`` choice (``delta`` streamed, ``message`` whole)."""
        logprobs = choice.get("logprobs")
        content = logprobs.get("content") if isinstance(logprobs, dict) else None
        if isinstance(content, list) and content:
            events = []
            for item in content:
                if not isinstance(item, dict):
                    continue
                top = [self.alternative(str(t.get("token", "")), t.get("logprob"), t.get("bytes"))
                       for t in item.get("top_logprobs") or [] if isinstance(t, dict)]
                events.append(self.event(str(item.get("token", "")), item.get("logprob"), top, item.get("bytes"), limit))
            return events
        message = choice.get("delta") or choice.get("message") or {}
        text = message.get("content") if isinstance(message, dict) else None
        return [self.event(text, None, [])] if text else []


def _number(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    if isinstance(value, (int, float)) and value == -math.inf:
        return -math.inf
    return NOT_GIVEN
