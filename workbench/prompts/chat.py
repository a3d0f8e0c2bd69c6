"""Render chat messages with a model's own chat template (from its GGUF metadata), sandboxed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.errors import TemplateError
from workbench.prompts.sandbox import make_environment, render

# Used when a model ships no template: ChatML, which many small instruct models follow.
FALLBACK_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@dataclass(frozen=True)
class ChatMessage:
    role: str  # system | user | assistant
    content: str


def _strftime_now(fmt: str) -> str:
    return datetime.now().strftime(fmt)


_ENV = make_environment(strict=False, strftime_now=_strftime_now)


def render_chat(
    template: str | None,
    messages: list[ChatMessage],
    *,
    bos_token: str = "",
    eos_token: str = "",
    tokenizer_adds_bos: bool = False,
    add_generation_prompt: bool = True,
) -> str:
    """The exact text the model receives for these messages (special tokens included).

    When the tokenizer adds BOS itself, a leading BOS written by the template is dropped: two BOS
    tokens degrade some models.
    """
    if not messages:
        raise TemplateError.of("chat.no_messages")
    # A chat that ends with an assistant message is a reply to continue, not a turn to close.
    continue_final = messages[-1].role == "assistant" and bool(messages[-1].content)
    if continue_final:
        add_generation_prompt = False
    text = render(
        _ENV,
        template or FALLBACK_TEMPLATE,
        {
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "add_generation_prompt": add_generation_prompt,
            "bos_token": bos_token,
            "eos_token": eos_token,
        },
        what="model's chat template",
    )
    if tokenizer_adds_bos and bos_token and text.startswith(bos_token):
        text = text[len(bos_token) :]
    if continue_final:
        end = text.rfind(messages[-1].content)
        if end >= 0:
            text = text[: end + len(messages[-1].content)]  # drop the end-of-turn marker after it
    return text


@dataclass(frozen=True)
class ChatFormat:
    """How one loaded model formats a chat: its chat template and special tokens."""

    template: str | None = None
    bos_token: str = ""
    eos_token: str = ""
    tokenizer_adds_bos: bool = False

    @classmethod
    def of(cls, info: Any, loaded: Any) -> ChatFormat:
        """The format of a model from its ModelInfo and LoadedModel (either may be None: no model yet)."""
        return cls(
            template=info.chat_template if info is not None else None,
            bos_token=loaded.bos_text if loaded is not None else "",
            eos_token=loaded.eos_text if loaded is not None else "",
            tokenizer_adds_bos=loaded.add_bos if loaded is not None else False,
        )

    def render(self, messages: list[ChatMessage]) -> str:
        """The exact text the model receives for these messages."""
        return render_chat(
            self.template, messages, bos_token=self.bos_token, eos_token=self.eos_token,
            tokenizer_adds_bos=self.tokenizer_adds_bos,
        )
