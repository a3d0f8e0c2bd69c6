"""Prompt specs rendered into exact prompts (the bundled model's chat format, a real template
database): plain text, chat, templates, variants, replays; bad specs are refused before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.app.prompt_spec import PromptSpec, RunOrigin, RunRequest, prepare
from workbench.app.workspace import Workspace
from workbench.errors import PromptError, TemplateError
from workbench.prompts.chat import ChatMessage
from workbench.prompts.chat_formats import ChatFormat
from workbench.values.params import SamplerParams

CHATML = ChatFormat()  # the built-in ChatML format, as SmolLM2 writes it


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "w.sqlite")
    ws.templates.add("greet", "Say hello to {{ who }}.", variables=[{"name": "who"}], system="Be kind.", mode="chat")
    ws.templates.edit("greet", "a tone", system="Be {{ tone }}.", variables=[{"name": "who"}, {"name": "tone", "default": "brief"}])
    ws.templates.add("plain", "Q: {{ q }}\nA:", variables=[{"name": "q"}])
    return ws


def run(spec: PromptSpec, workspace: Workspace | None = None, **kw: object) -> object:
    request = RunRequest(spec, SamplerParams(seed=1), **kw)  # type: ignore[arg-type]
    return prepare(request, CHATML, lambda: workspace.templates if workspace else pytest.fail("no templates"))


def test_plain_text_and_chat() -> None:
    plain = run(PromptSpec(text="The sky is"))
    assert plain.params.prompt == "The sky is" and plain.mode == "completion" and not plain.params.parse_special
    assert plain.params.max_tokens == 256 and plain.task is None
    chat = run(PromptSpec(text="Hi", chat=True, system="Be brief."))
    assert chat.params.prompt == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    assert chat.mode == "chat" and chat.params.parse_special
    editor = run(PromptSpec(messages=(ChatMessage("user", "Hi"),), parse_special=True))
    assert editor.params.prompt.endswith("<|im_start|>assistant\n") and editor.params.parse_special


def test_bad_specs_are_refused() -> None:
    with pytest.raises(PromptError, match="--system needs --chat"):
        run(PromptSpec(text="x", system="s"))
    with pytest.raises(PromptError, match="not both"):
        run(PromptSpec(text="x", template="plain"), Workspace())


def test_templates_render_with_their_mode_and_defaults(workspace: Workspace) -> None:
    greet = run(PromptSpec(template="greet", variables={"who": "Ann"}), workspace)
    assert greet.template == "greet@2" and greet.mode == "chat" and greet.params.parse_special
    assert "Be brief.<|im_end|>" in greet.params.prompt and "Say hello to Ann." in greet.params.prompt
    first = run(PromptSpec(template="greet@1", variables={"who": "Ann"}, system="Be loud."), workspace)
    assert first.template == "greet@1" and "Be loud." in first.params.prompt
    plain = run(PromptSpec(template="plain", variables={"q": "2+2?"}), workspace)
    assert plain.params.prompt == "Q: 2+2?\nA:" and plain.mode == "completion"
    with pytest.raises(TemplateError, match="not given"):
        run(PromptSpec(template="plain"), workspace)
    with pytest.raises(TemplateError, match="no variable colour"):
        run(PromptSpec(template="plain", variables={"q": "x", "colour": "red"}), workspace)


def test_variants_on_templates_and_plain_prompts(workspace: Workspace) -> None:
    cot = run(PromptSpec(text="What is 2+3?", variant="zero_shot_cot"))
    assert cot.params.prompt.endswith("Let's think step by step.") and cot.variant == "zero_shot_cot"
    assert cot.details is not None and cot.details["variant"]["kind"] == "zero_shot_cot" and not cot.search
    vote = run(PromptSpec(template="plain", variables={"q": "2+3?"}, variant="self_consistency"), workspace, max_tokens=40)
    assert vote.search and vote.template == "plain@1" and vote.task is not None
    assert vote.task.variant["max_tokens"] == 40  # the request's limit over the variant's own
    assert vote.params.sampler.temperature == vote.task.variant["temperature"]  # saved as sampled
    replay = run(PromptSpec(replay=vote.details), origin=RunOrigin(template="plain@1"))
    assert replay.search and replay.template == "plain@1" and replay.task.prompt() == vote.task.prompt()


def test_a_stored_prompt_is_sent_as_it_is_with_its_origin() -> None:
    origin = RunOrigin("greet@2", "direct", {"variant": {"kind": "direct"}}, "chat")
    again = run(PromptSpec(text="<|im_start|>user\nHi", rendered=True, parse_special=True), origin=origin)
    assert again.params.prompt == "<|im_start|>user\nHi" and again.params.parse_special
    assert (again.mode, again.template, again.variant) == ("chat", "greet@2", "direct")
