"""Which oldest turns of a chat to drop when it outgrows the context."""

from __future__ import annotations

from workbench.app.conversation import drop_oldest, fit
from workbench.prompts.chat import ChatMessage as M


CHAT = [
    M("system", "Be brief."),
    M("user", "a" * 400), M("assistant", "b" * 400),
    M("user", "c" * 100), M("assistant", "d" * 100),
    M("user", "last question"),
]


def test_drop_oldest_keeps_the_system_prompt_and_the_last_turn() -> None:
    assert drop_oldest(CHAT, 1) == [CHAT[0], *CHAT[3:]]
    assert drop_oldest(CHAT, 2) == [CHAT[0], CHAT[5]]
    assert drop_oldest(CHAT, 0) == CHAT


def test_fit_drops_as_few_turns_as_needed() -> None:
    chars = sum(len(m.content) for m in CHAT)  # one token per character, in this test
    trim = fit(CHAT, chars, budget=chars - 500)
    assert trim is not None and trim.turns == 1 and trim.messages == 2 and trim.tokens < chars - 500
    trim = fit(CHAT, chars, budget=100)
    assert trim is not None and trim.turns == 2
    assert fit(CHAT, chars, budget=5) is None  # the last question alone is longer
    assert fit([M("user", "x" * 100)], 100, budget=10) is None  # nothing earlier to drop
