"""A chat that outgrows the model's context: which of its oldest turns to drop so that it fits.

A turn is a user message and the replies that follow it. The system prompt and the last turn
(the one being asked) always stay. How many tokens each turn holds is estimated from its share of
the conversation's characters, which is close enough to choose how many turns to drop; the engine
then says whether the shorter chat fits, and the window can offer again.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.prompts.chat import ChatMessage


@dataclass(frozen=True)
class Trim:
    """Dropping the first ``turns`` turns (``messages`` of them) leaves about ``tokens`` tokens."""

    turns: int
    messages: int
    tokens: int


def turn_starts(messages: list[ChatMessage]) -> list[int]:
    """Where each turn begins: the index of each user message (system messages are no turn)."""
    return [i for i, m in enumerate(messages) if m.role == "user"]


def drop_oldest(messages: list[ChatMessage], turns: int) -> list[ChatMessage]:
    """``messages`` without their first ``turns`` turns (system messages kept, in place)."""
    starts = turn_starts(messages)
    if turns <= 0 or not starts:
        return list(messages)
    end = starts[turns] if turns < len(starts) else len(messages)
    return [m for i, m in enumerate(messages) if m.role == "system" or not starts[0] <= i < end]


def fit(messages: list[ChatMessage], prompt_tokens: int, budget: int) -> Trim | None:
    """The fewest oldest turns to drop so that a prompt of ``prompt_tokens`` (for ``messages``)
    comes under ``budget`` tokens; None when even the last turn alone would not fit (or there is
    no earlier turn to drop)."""
    starts = turn_starts(messages)
    chars = sum(len(m.content) for m in messages) or 1
    per_char = prompt_tokens / chars
    for turns in range(1, len(starts)):
        kept = drop_oldest(messages, turns)
        estimate = round(sum(len(m.content) for m in kept) * per_char)
        if estimate < budget:
            return Trim(turns, len(messages) - len(kept), estimate)
    return None
