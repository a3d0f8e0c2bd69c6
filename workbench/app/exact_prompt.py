"""The exact prompt a model receives for a request, and its tokens: what ``workbench prompt``
prints and the window's Show exact prompt shows.

It needs only the model's vocabulary (a ``vocab_only`` load), and goes through ``prepare``, the
one place a request becomes a prompt, so it is the prompt a run would send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from workbench.app.prompt_spec import RunRequest, Templates, prepare
from workbench.app.model import ModelContext
from workbench.errors import PromptError
from workbench.messages import Notice
from workbench.prompts.chat import ChatMessage

ROLES = ("system", "user", "assistant", "tool")


class Tokenizer(Protocol):
    def tokenize_pieces(
        self, text: str, add_special: bool = True, parse_special: bool = False
    ) -> tuple[list[int], dict[int, bytes], set[int]]: ...


@dataclass(frozen=True)
class PromptToken:
    """One token of a prompt: its id, its bytes (a piece may hold part of a character), and
    whether it is a special (control) token."""

    id: int
    bytes: bytes
    special: bool

    @property
    def text(self) -> str:
        """The piece as text; bytes that are part of a character show as U+FFFD."""
        return self.bytes.decode("utf-8", "replace")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "special": self.special, "bytes": self.bytes.hex()}


@dataclass(frozen=True)
class ExactPrompt:
    """The text a model receives, the chat format it was rendered with (None: not a chat), its
    tokens, and what to know about the format (a guess, markers the vocabulary lacks)."""

    prompt: str
    chat_format: str | None
    tokens: list[PromptToken]
    notes: tuple[Notice, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The shape of ``workbench prompt --json``."""
        return {
            "prompt": self.prompt,
            "chat_format": self.chat_format,
            "n_tokens": len(self.tokens),
            "tokens": [t.to_json() for t in self.tokens],
            "notes": [str(n) for n in self.notes],
        }


def exact_prompt(request: RunRequest, model: ModelContext, tokenizer: Tokenizer, templates: Templates) -> ExactPrompt:
    """Render ``request`` for ``model`` and tokenize it as a run would."""
    prepared = prepare(request, model.chat_format, templates)
    text = prepared.prompt
    params = prepared.params
    ids, pieces, special = tokenizer.tokenize_pieces(text, params.add_special, params.parse_special)
    tokens = [PromptToken(i, pieces[i], i in special) for i in ids]
    notes = model.chat_format.notes if prepared.chat_format is not None else ()
    return ExactPrompt(text, prepared.chat_format, tokens, notes)


def read_messages(path: str | Path) -> tuple[ChatMessage, ...]:
    """A chat from a JSON file: a list of ``{"role", "content"}`` objects (PromptError naming the
    first entry that is not one)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise PromptError.of("messages.unreadable", path=path, reason=e.strerror or e) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise PromptError.of("messages.not_json", path=path, reason=e) from None
    return parse_messages(data, str(path))


def parse_messages(data: Any, where: str = "the messages") -> tuple[ChatMessage, ...]:
    if not isinstance(data, list) or not data:
        raise PromptError.of("messages.not_list", where=where)
    out = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("role"), str) or not isinstance(item.get("content"), str):
            raise PromptError.of("messages.bad_entry", where=where, n=n, found=json.dumps(item, ensure_ascii=False)[:80])
        if item["role"] not in ROLES:
            raise PromptError.of("messages.bad_role", where=where, n=n, role=item["role"], roles=", ".join(ROLES))
        out.append(ChatMessage(item["role"], item["content"]))
    return tuple(out)
