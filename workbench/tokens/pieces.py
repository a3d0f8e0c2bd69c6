"""How to show a token's bytes to a person: its text when the bytes are whole UTF-8 characters,
its bytes in hex when they are part of one (half a Chinese character, a piece of an emoji)."""

from __future__ import annotations

import json


def piece_text(data: bytes) -> str | None:
    """The text of a token, or None when its bytes are not whole UTF-8 characters."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def piece_label(data: bytes) -> str:
    """A quoted label: "Hello" for whole characters, <e4 b8> for a fragment."""
    text = piece_text(data)
    return json.dumps(text, ensure_ascii=False) if text is not None else "<" + data.hex(" ") + ">"
