"""Render chat messages with a chat template (a GGUF file's own, a built-in format's or the user's),
sandboxed and as Hugging Face transformers renders them; which template a model uses is decided in
``workbench.prompts.chat_formats``.

The template sees what transformers gives it: ``messages`` (dicts, as given: extra keys such as
``tool_calls`` or ``name`` pass through), ``tools`` and ``documents`` (None when not given),
``add_generation_prompt``, ``bos_token``, ``eos_token`` and any extra variables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.errors import TemplateError
from workbench.prompts.sandbox import make_environment, render


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat: its role and its text."""

    role: str  # system | user | assistant (a template may know more: tool, ...)
    content: str


Message = ChatMessage | Mapping[str, Any]

_ENV = make_environment(strict=False)
_WHAT = "model's chat template"
_OWN_VARIABLES = frozenset({"messages", "tools", "documents", "add_generation_prompt"})
# Transformers' continue_final_message marker: appended to the reply to continue, it shows where
# that reply ends in the rendered text, whatever the template does around it.
_CONTINUE_TAG = "CONTINUE_FINAL_MESSAGE_TAG "


def render_chat(
    template: str,
    messages: Sequence[Message],
    *,
    bos_token: str = "",
    eos_token: str = "",
    tokenizer_adds_bos: bool = False,
    add_generation_prompt: bool = True,
    tools: list[dict[str, Any]] | None = None,
    documents: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    what: str = _WHAT,
) -> str:
    """The exact text the model receives for these messages (special tokens included).

    Messages are ChatMessages or dicts (passed to the template as given). A chat that ends with a
    non-empty assistant message is a reply to continue: the text stops where that reply ends, as
    transformers' ``continue_final_message`` does. ``extra`` adds template variables (it may set
    ``bos_token``/``eos_token``, not the ones that are arguments here). When the tokenizer adds
    BOS itself, a leading BOS written by the template is dropped: two BOS tokens degrade some models.
    ``what`` names the template in its errors.
    """
    if not messages:
        raise TemplateError.of("chat.no_messages")
    chat = [_as_dict(m) for m in messages]
    variables = _variables(bos_token, eos_token, tools, documents, extra)
    if _is_reply_to_continue(chat[-1]):
        text = _continued(template, chat, variables, what)
    else:
        text = _render(template, chat, add_generation_prompt, variables, what)
    bos = variables["bos_token"]
    if tokenizer_adds_bos and bos and text.startswith(bos):
        text = text[len(bos) :]
    return text


def _as_dict(message: Message) -> dict[str, Any]:
    if isinstance(message, ChatMessage):
        return {"role": message.role, "content": message.content}
    return dict(message)


def _variables(bos_token: str, eos_token: str, tools: list[dict[str, Any]] | None,
               documents: list[dict[str, Any]] | None, extra: dict[str, Any] | None) -> dict[str, Any]:
    clash = _OWN_VARIABLES & set(extra or {})
    if clash:
        raise ValueError(f"extra cannot set {', '.join(sorted(clash))}: render_chat takes them as arguments")
    return {
        "bos_token": bos_token,
        "eos_token": eos_token,
        **(extra or {}),
        "tools": None if tools is None else list(tools),
        "documents": None if documents is None else list(documents),
    }


def _is_reply_to_continue(last: dict[str, Any]) -> bool:
    content = last.get("content")
    return last.get("role") == "assistant" and isinstance(content, str) and bool(content)


def _render(template: str, chat: list[dict[str, Any]], add_generation_prompt: bool, variables: dict[str, Any], what: str) -> str:
    return render(_ENV, template, {**variables, "messages": chat, "add_generation_prompt": add_generation_prompt}, what=what)


def _continued(template: str, chat: list[dict[str, Any]], variables: dict[str, Any], what: str) -> str:
    """The chat rendered up to the end of its last message, without the end-of-turn after it."""
    tagged = {**chat[-1], "content": chat[-1]["content"] + _CONTINUE_TAG}
    text = _render(template, [*chat[:-1], tagged], False, variables, what)
    at = text.rfind(_CONTINUE_TAG.strip())
    if at < 0:  # the template dropped the reply: there is nowhere to cut
        return _render(template, chat, False, variables, what)
    if text.startswith(_CONTINUE_TAG, at):
        return text[:at]
    return text[:at].rstrip()  # the template trimmed the reply's end (and the tag's space with it)
