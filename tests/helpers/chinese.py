"""Chinese text as the bundled SmolLM2 tokenizes it, as the tokens of a run.

Its byte-level tokenizer cuts most Chinese characters into pieces that are not whole UTF-8
characters: "聪" is the three tokens e8 | 81 | aa, and "聊" (e8 81 8a) shares the first two, so two
texts that differ only there part in the middle of a character.
"""

from __future__ import annotations

from workbench.engine.client import EngineClient
from workbench.values.tokens import Alternative, TokenEvent

CLEVER = "在这个提示中有一个聪明的猴子。"  # 聪 is three tokens
CHATTY = "在这个提示中有一个聊明的猴子。"  # 聊 shares 聪's first two tokens


def run_tokens(engine: EngineClient, text: str, logprob: float = -0.5) -> list[TokenEvent]:
    """``text``'s real tokens as a run's tokens (each its own only alternative), their text decoded
    one by one as the engine sends it ("\\ufffd" for a piece of a character); token n has the
    log-probability ``logprob - n / 100``."""
    out = []
    for n, (token_id, piece) in enumerate(engine.tokenize(text, add_special=False)):
        lp = logprob - n / 100
        text_of = piece.decode("utf-8", errors="replace")
        out.append(TokenEvent(token_id, text_of, piece, lp, [Alternative(token_id, text_of, lp, piece)], 1.0))
    return out
