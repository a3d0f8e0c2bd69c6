"""Chat templates render exactly, sandboxed, and a final assistant message is continued."""

from __future__ import annotations

import pytest

from workbench.errors import TemplateError
from workbench.models.info import model_info
from workbench.prompts.chat import ChatMessage, render_chat


@pytest.fixture(scope="module")
def template() -> str:
    text = model_info("default").chat_template
    assert text
    return text


def test_smollm2_template(template: str) -> None:
    out = render_chat(template, [ChatMessage("system", "S"), ChatMessage("user", "Hi")], bos_token="<|im_start|>")
    assert out == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"


def test_final_assistant_message_is_continued(template: str) -> None:
    out = render_chat(template, [ChatMessage("user", "2+2?"), ChatMessage("assistant", "The answer is")])
    assert out.endswith("<|im_start|>assistant\nThe answer is")


def test_sandbox_blocks_escapes() -> None:
    with pytest.raises(TemplateError, match="sandbox|unsafe|forbid"):
        render_chat("{{ ''.__class__.__mro__[1].__subclasses__() }}", [ChatMessage("user", "x")])


def test_broken_template_is_a_clear_error() -> None:
    with pytest.raises(TemplateError, match="syntax error on line 1"):
        render_chat("{% for m in messages %}", [ChatMessage("user", "x")])
    with pytest.raises(TemplateError, match="more than"):
        render_chat("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", [ChatMessage("user", "x")])
