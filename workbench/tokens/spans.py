"""Where each token sits in the text: character offsets, and tokens that split a character.

A token is a run of bytes. Byte-level tokenizers (GPT-2 style BPE, tiktoken) happily cut a
multi-byte UTF-8 character (a Chinese character is 3 bytes, an emoji 4) between tokens. Such a
token is *partial*; its span covers the whole character it belongs to, so every token maps to
at least one visible character and the tokens that share a character can be grouped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.errors import EngineError


@dataclass(slots=True)
class TokenSpan:
    id: int
    bytes: bytes
    start: int  # character offset into the text (inclusive)
    end: int  # character offset (exclusive)
    partial: bool  # the bytes are not a whole number of UTF-8 characters
    special: bool  # BOS/EOS/chat markers and other control tokens

    @property
    def text(self) -> str:
        return self.bytes.decode("utf-8", errors="replace")

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "text": self.text,
            "bytes": self.bytes.hex(),
            "start": self.start,
            "end": self.end,
            "partial": self.partial,
            "special": self.special,
        }


@dataclass(frozen=True)
class Alignment:
    spans: list[TokenSpan]
    # Character ranges whose bytes no token carries: a vocabulary that lacks some byte tokens
    # (llama.cpp then drops those bytes). Empty for a lossless tokenizer.
    dropped: list[tuple[int, int]]
    # The same spans as arrays, for views that draw 100,000 tokens: start, end, kind
    # (0 plain, 1 special, 2 partial).
    starts: np.ndarray
    ends: np.ndarray
    kinds: np.ndarray


def align(text: str, tokens: Sequence[tuple[int, bytes, bool]]) -> Alignment:
    """Map (id, bytes, special) tokens onto ``text``.

    The fast path (vectorised with numpy; 100,000 characters in milliseconds) is for tokens whose
    bytes add up to the text. Otherwise each token is found in order and the bytes in between are
    reported as dropped.
    """
    data = text.encode("utf-8", errors="surrogatepass")
    pieces = [p for _, p, _ in tokens]
    joined = b"".join(pieces)
    raw = np.frombuffer(data, dtype=np.uint8)
    is_start = (raw & 0xC0) != 0x80  # first byte of a character
    char_of_byte = np.append(np.cumsum(is_start) - 1, len(text))
    boundary = np.append(is_start, True)  # a token may end at the end of the text
    dropped_bytes: list[tuple[int, int]] = []
    if joined == data:
        lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
        ends = np.cumsum(lengths)
        starts = (ends - lengths).tolist()
        ends_list = ends.tolist()
    elif joined == b" " + data and pieces and pieces[0].startswith(b" "):
        # SentencePiece-style vocabularies add a space before the first word.
        lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
        ends = np.cumsum(lengths) - 1
        starts = np.maximum(ends - lengths, 0).tolist()
        ends_list = ends.tolist()
    else:
        starts, ends_list, pos = [], [], 0
        for piece in pieces:
            at = data.find(piece, pos)
            if at < 0:
                raise EngineError("The tokenizer's pieces do not match the text, so offsets cannot be shown.")
            if at > pos:
                dropped_bytes.append((pos, at))
            starts.append(at)
            ends_list.append(at + len(piece))
            pos = at + len(piece)
        if pos < len(data):
            dropped_bytes.append((pos, len(data)))
    b0 = np.asarray(starts, dtype=np.int64)
    b1 = np.asarray(ends_list, dtype=np.int64)
    empty = b1 <= b0
    c0 = char_of_byte[b0]
    c1 = np.where(empty, c0, char_of_byte[np.maximum(b1 - 1, 0)] + 1)
    partial = ~empty & ~(boundary[b0] & boundary[b1])
    spans = [
        TokenSpan(token_id, piece, a, b, p, special)
        for (token_id, piece, special), a, b, p in zip(tokens, c0.tolist(), c1.tolist(), partial.tolist())
    ]
    dropped = [(int(char_of_byte[a]), int(char_of_byte[b - 1]) + 1) for a, b in dropped_bytes]
    special = np.fromiter((t[2] for t in tokens), dtype=bool, count=len(tokens))
    kinds = np.where(special, 1, np.where(partial, 2, 0)).astype(np.int8)
    return Alignment(spans, dropped, c0.astype(np.int64), c1.astype(np.int64), kinds)
