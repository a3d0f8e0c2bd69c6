"""Where each token sits in the text: character offsets, and tokens that split a character.

A token is a run of bytes. Byte-level tokenizers (GPT-2 style BPE, tiktoken) happily cut a
multi-byte UTF-8 character (a Chinese character is 3 bytes, an emoji 4) between tokens. Such a
token is *partial*; its span covers the whole character it belongs to, so every token maps to
at least one visible character and the tokens that share a character can be grouped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

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


class Encoded(NamedTuple):
    """A tokenizer's output, column by column (100,000 tuples cost more than three lists)."""

    ids: list[int]
    pieces: list[bytes]
    special: list[bool]  # BOS/EOS/chat markers and other control tokens

    @classmethod
    def of(cls, tokens: Sequence[tuple[int, bytes, bool]]) -> Encoded:
        return cls([t[0] for t in tokens], [t[1] for t in tokens], [t[2] for t in tokens])


class Alignment:
    """Tokens mapped onto a text, as arrays; ``TokenSpan`` objects only for the tokens asked for.

    A view of 100,000 tokens draws from the arrays; building an object per token would cost more
    than the tokenization.
    """

    def __init__(
        self,
        encoded: Encoded,
        starts: np.ndarray,
        ends: np.ndarray,
        partial: np.ndarray,
        dropped: list[tuple[int, int]],
    ) -> None:
        self.ids = encoded.ids
        self.pieces = encoded.pieces
        self.starts = starts  # character offsets, inclusive
        self.ends = ends  # character offsets, exclusive
        self.partial = partial
        self.special = np.fromiter(encoded.special, dtype=bool, count=len(encoded.special))
        # Character ranges whose bytes no token carries: a vocabulary that lacks some byte tokens
        # (llama.cpp then drops those bytes). Empty for a lossless tokenizer.
        self.dropped = dropped
        self.kinds = np.where(self.special, 1, np.where(partial, 2, 0)).astype(np.int8)  # for drawing
        self._spans: list[TokenSpan] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def span(self, i: int) -> TokenSpan:
        return TokenSpan(
            self.ids[i], self.pieces[i], int(self.starts[i]), int(self.ends[i]), bool(self.partial[i]), bool(self.special[i])
        )

    @property
    def spans(self) -> list[TokenSpan]:
        """Every token as a TokenSpan (built on first use)."""
        if self._spans is None:
            self._spans = [
                TokenSpan(*row)
                for row in zip(self.ids, self.pieces, self.starts.tolist(), self.ends.tolist(), self.partial.tolist(), self.special.tolist())
            ]
        return self._spans

    def overlapping(self, start: int, end: int) -> np.ndarray:
        """Indices of the tokens that overlap characters [start, end) (at ``start`` when empty)."""
        if start == end:
            return np.flatnonzero((self.starts <= start) & ((self.ends > start) | (self.starts == start)))
        return np.flatnonzero((self.starts < end) & (self.ends > start))


def align(text: str, encoded: Encoded) -> Alignment:
    """Map a tokenizer's output onto ``text``.

    The fast path (vectorised with numpy; 100,000 characters in milliseconds) is for tokens whose
    bytes add up to the text. Otherwise each token is found in order and the bytes in between are
    reported as dropped.
    """
    data = text.encode("utf-8", errors="surrogatepass")
    pieces = encoded.pieces
    joined = b"".join(pieces)
    raw = np.frombuffer(data, dtype=np.uint8)
    is_start = (raw & 0xC0) != 0x80  # first byte of a character
    char_of_byte = np.append(np.cumsum(is_start) - 1, len(text))
    boundary = np.append(is_start, True)  # a token may end at the end of the text
    dropped_bytes: list[tuple[int, int]] = []
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    if joined == data:
        b1 = np.cumsum(lengths)
        b0 = b1 - lengths
    elif joined == b" " + data and pieces and pieces[0].startswith(b" "):
        # SentencePiece-style vocabularies add a space before the first word.
        b1 = np.cumsum(lengths) - 1
        b0 = np.maximum(b1 - lengths, 0)
    else:
        starts, ends, pos = [], [], 0
        for piece in pieces:
            at = data.find(piece, pos)
            if at < 0:
                raise EngineError("The tokenizer's pieces do not match the text, so offsets cannot be shown.")
            if at > pos:
                dropped_bytes.append((pos, at))
            starts.append(at)
            ends.append(at + len(piece))
            pos = at + len(piece)
        if pos < len(data):
            dropped_bytes.append((pos, len(data)))
        b0 = np.asarray(starts, dtype=np.int64)
        b1 = np.asarray(ends, dtype=np.int64)
    empty = b1 <= b0
    c0 = char_of_byte[b0]
    c1 = np.where(empty, c0, char_of_byte[np.maximum(b1 - 1, 0)] + 1)
    partial = ~empty & ~(boundary[b0] & boundary[b1])
    dropped = [(int(char_of_byte[a]), int(char_of_byte[b - 1]) + 1) for a, b in dropped_bytes]
    return Alignment(encoded, c0.astype(np.int64), c1.astype(np.int64), partial, dropped)
