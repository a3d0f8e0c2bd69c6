"""One interface over every tokenizer the workbench compares, and the result of using one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import tiktoken

from workbench.engine.client import EngineClient
from workbench.errors import BadInputError
from workbench.tokens.spans import Alignment, Encoded, TokenSpan, align

MAX_TEXT_CHARS = 2_000_000  # beyond this the text is cut (with a message), never frozen on


class Tokenizer(Protocol):
    name: str
    kind: str  # "model" | "tiktoken"

    def encode(self, text: str) -> Encoded:
        """Ids, bytes and is-special per token; special tokens written in the text are recognised."""
        ...

    def decode(self, ids: list[int]) -> bytes: ...


class TiktokenTokenizer:
    kind = "tiktoken"

    def __init__(self, encoding: tiktoken.Encoding, name: str | None = None) -> None:
        self.encoding = encoding
        self.name = name or encoding.name.removesuffix("_offline")
        self._special = set(encoding._special_tokens.values())
        self._pieces: dict[int, bytes] = {}

    def _piece(self, token: int) -> bytes:
        piece = self._pieces.get(token)
        if piece is None:
            try:
                piece = self._pieces[token] = self.encoding.decode_single_token_bytes(token)
            except KeyError:
                raise BadInputError(f"Token id {token} is not in {self.name} (0..{self.encoding.n_vocab - 1}).") from None
        return piece

    def encode(self, text: str) -> Encoded:
        ids = self.encoding.encode(text, allowed_special="all", disallowed_special=())
        known, special = self._pieces.get, self._special
        return Encoded(ids, [known(i) or self._piece(i) for i in ids], [i in special for i in ids])

    def decode(self, ids: list[int]) -> bytes:
        return b"".join(self._piece(i) for i in ids)


class ModelTokenizer:
    """The loaded model's own tokenizer, through the engine (a vocabulary-only load is enough)."""

    kind = "model"

    def __init__(self, client: EngineClient, name: str) -> None:
        self.client = client
        self.name = name

    def encode(self, text: str) -> Encoded:
        ids, pieces, special = self.client.tokenize_pieces(text, add_special=False, parse_special=True)
        return Encoded(ids, [pieces[i] for i in ids], [i in special for i in ids])

    def decode(self, ids: list[int]) -> bytes:
        return self.client.detokenize(ids)


@dataclass
class Tokenization:
    name: str
    kind: str
    text: str
    arrays: Alignment = field(repr=False)

    @property
    def spans(self) -> list[TokenSpan]:
        return self.arrays.spans

    @property
    def dropped(self) -> list[tuple[int, int]]:
        """Characters no token carries (a vocabulary without some byte tokens)."""
        return self.arrays.dropped

    @property
    def count(self) -> int:
        return len(self.arrays)

    @property
    def chars_per_token(self) -> float:
        return len(self.text) / self.count if self.count else 0.0

    @property
    def bytes_per_token(self) -> float:
        return len(self.text.encode("utf-8", "surrogatepass")) / self.count if self.count else 0.0

    @property
    def n_partial(self) -> int:
        return int(self.arrays.partial.sum())

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "count": self.count,
            "chars_per_token": round(self.chars_per_token, 4),
            "bytes_per_token": round(self.bytes_per_token, 4),
            "tokens": [s.to_json() for s in self.spans],
            "dropped": [{"start": a, "end": b, "text": self.text[a:b]} for a, b in self.dropped],
        }


def tokenize(tokenizer: Tokenizer, text: str) -> Tokenization:
    return Tokenization(tokenizer.name, tokenizer.kind, text, align(text, tokenizer.encode(text)))


def parse_ids(text: str) -> list[int]:
    """Token ids pasted as '1 2 3', '1,2,3' or '[1, 2, 3]'."""
    cleaned = text.replace("[", " ").replace("]", " ").replace(",", " ")
    try:
        return [int(part) for part in cleaned.split()]
    except ValueError:
        raise BadInputError("Token ids must be whole numbers separated by spaces or commas, like [15339, 1917].") from None


def read_text_file(data: bytes) -> tuple[str, list[str]]:
    """Decode text from a file or pipe: invalid UTF-8 is shown as U+FFFD (with a note), never a crash;
    overlong text is cut to MAX_TEXT_CHARS (with a note)."""
    notes: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        notes.append("The input is not valid UTF-8; invalid bytes are shown as U+FFFD (\ufffd).")
    return cap_text(text, notes)


def cap_text(text: str, notes: list[str] | None = None) -> tuple[str, list[str]]:
    notes = notes if notes is not None else []
    if len(text) > MAX_TEXT_CHARS:
        notes.append(f"The text has {len(text):,} characters; only the first {MAX_TEXT_CHARS:,} are tokenized.")
        text = text[:MAX_TEXT_CHARS]
    return text, notes
