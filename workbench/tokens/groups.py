"""Generated tokens grouped into the characters they make, for views that show text token by token.

A byte-level tokenizer cuts many characters between tokens (a Chinese character is 3 UTF-8 bytes,
often 2 + 1; see ``spans``). Decoded one by one, each piece is "\ufffd". A *group* is a run of
consecutive tokens whose bytes together are whole characters: usually a single token; or the
tokens of one split character; or a token that ends in part of a character with the tokens that
finish it. A view shows each group's text once and can still tell its tokens apart. Bytes that
never complete a character (a run stopped mid-character, or invalid UTF-8) stay "\ufffd", as in the
Output view, which decodes the stream the same way.
"""

from __future__ import annotations

import bisect
import codecs
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload


@dataclass(frozen=True, slots=True)
class TokenGroup:
    """Tokens ``start`` to ``end - 1`` of a sequence and the text their bytes make together."""

    start: int
    end: int  # exclusive
    text: str

    def __len__(self) -> int:
        return self.end - self.start

    @property
    def split(self) -> bool:
        """Several tokens share the group's characters (each of them alone is not whole text)."""
        return self.end - self.start > 1

    def part(self, index: int) -> int:
        """Which token of the group token ``index`` is, from 0."""
        if not self.start <= index < self.end:
            raise IndexError(f"token {index} is not in tokens {self.start}..{self.end - 1}")
        return index - self.start


class TokenGroups(Sequence[TokenGroup]):
    """The groups of a token sequence, in order; ``of(i)`` finds the group that holds token ``i``."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        groups: list[TokenGroup] = []
        start, n, texts = 0, 0, []
        for n, piece in enumerate(pieces, 1):
            texts.append(decoder.decode(piece))
            if not decoder.getstate()[0]:  # no bytes of an unfinished character held back
                groups.append(TokenGroup(start, n, "".join(texts)))
                start, texts = n, []
        if start < n:
            groups.append(TokenGroup(start, n, "".join(texts) + decoder.decode(b"", final=True)))
        self._groups = groups
        self._starts = [g.start for g in groups]
        self.tokens = n  # how many tokens were grouped

    @overload
    def __getitem__(self, index: int) -> TokenGroup: ...
    @overload
    def __getitem__(self, index: slice) -> list[TokenGroup]: ...
    def __getitem__(self, index: int | slice) -> TokenGroup | list[TokenGroup]:
        return self._groups[index]

    def __len__(self) -> int:
        return len(self._groups)

    def __iter__(self) -> Iterator[TokenGroup]:
        return iter(self._groups)

    def of(self, index: int) -> TokenGroup:
        """The group that holds token ``index``."""
        if not 0 <= index < self.tokens:
            raise IndexError(f"token {index} is not among the {self.tokens} tokens")
        return self._groups[bisect.bisect_right(self._starts, index) - 1]

    def boundary(self, index: int) -> int:
        """``index`` moved back to the start of its group: the nearest cut at or before token
        ``index`` that leaves no character split (``index`` itself at the end of the tokens)."""
        return self.of(index).start if index < self.tokens else index

    def text(self, start: int = 0, end: int | None = None) -> str:
        """The text of tokens ``start`` to ``end - 1``, both cuts moved back to group starts."""
        end = self.tokens if end is None else end
        first, last = self.boundary(start), self.boundary(end)
        return "".join(g.text for g in self._groups[bisect.bisect_left(self._starts, first) : bisect.bisect_left(self._starts, last)])


def ends_mid_character(pieces: Iterable[bytes]) -> bool:
    """Whether the bytes stop inside a character (a run cut off by its length limit): decoded,
    that tail is a "\\ufffd" that no more tokens will complete."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    for piece in pieces:
        decoder.decode(piece)
    return bool(decoder.getstate()[0])
