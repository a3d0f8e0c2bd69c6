"""Built-in chat formats render the exact text their models were trained on, a model without a
template gets the format its architecture and vocabulary name, and the user's choice wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.gguf_writer import write_gguf
from tests.helpers.models import gemma_model_path
from workbench.errors import PromptError, TemplateError
from workbench.models.info import model_info
from workbench.models.vocabulary import CHAT_MARKERS
from workbench.prompts.chat import ChatMessage
from workbench.prompts.chat_formats import BUILTIN, ChatFormat, FormatChoice, builtin, check_template, choose_format, detect

CHAT = [ChatMessage("system", "Be brief."), ChatMessage("user", "Hi"), ChatMessage("assistant", "Hello!"), ChatMessage("user", "2+2?")]

# Each format's text for CHAT, written out by hand from the model families' own documentation
# (bos "<s>"/"<bos>", eos "</s>"/"<eos>" as each family spells them).
EXPECTED = {
    "chatml": (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n"
    ),
    "llama2": "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] 2+2? [/INST]",
    "llama3": (
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    ),
    "gemma": (
        "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n"
        "<start_of_turn>user\n2+2?<end_of_turn>\n<start_of_turn>model\n"
    ),
    "mistral": "<s>[INST] Be brief.\n\nHi[/INST]Hello!</s>[INST] 2+2?[/INST]",
    "phi3": (
        "<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n"
        "<|user|>\n2+2?<|end|>\n<|assistant|>\n"
    ),
    "zephyr": "<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\nHello!</s>\n<|user|>\n2+2?</s>\n<|assistant|>\n",
    "deepseek": "<｜begin▁of▁sentence｜>Be brief.<｜User｜>Hi<｜Assistant｜>Hello!<｜end▁of▁sentence｜><｜User｜>2+2?<｜Assistant｜>",
    "alpaca": "Be brief.\n\n### Instruction:\nHi\n\n### Response:\nHello!</s>\n\n### Instruction:\n2+2?\n\n### Response:\n",
}
SPECIAL = {
    "llama3": ("<|begin_of_text|>", "<|end_of_text|>"),
    "gemma": ("<bos>", "<eos>"),
    "deepseek": ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"),
}


def test_every_required_format_is_built_in() -> None:
    assert {"chatml", "llama2", "llama3", "gemma", "mistral", "phi3", "zephyr", "deepseek", "alpaca"} <= set(BUILTIN)
    assert set(EXPECTED) == set(BUILTIN)


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtin_renders_the_family_text(name: str) -> None:
    bos, eos = SPECIAL.get(name, ("<s>", "</s>"))
    fmt = ChatFormat(BUILTIN[name].template, name, bos_token=bos, eos_token=eos)
    assert fmt.render(CHAT) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtin_continues_a_final_assistant_message(name: str) -> None:
    fmt = ChatFormat(BUILTIN[name].template, name, bos_token="<s>", eos_token="</s>")
    out = fmt.render([ChatMessage("user", "2+2?"), ChatMessage("assistant", "The answer is")])
    assert out.endswith("The answer is")


def test_every_format_marker_is_looked_for_in_vocabularies() -> None:
    assert {m for f in BUILTIN.values() for m in f.markers} <= set(CHAT_MARKERS)


@pytest.mark.parametrize(
    ("architecture", "markers", "tokenizer", "expected"),
    [
        ("gemma3", (), "llama", "gemma"),
        ("gemma2", ("<start_of_turn>", "<end_of_turn>"), "llama", "gemma"),
        ("llama", ("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"), "gpt2", "llama3"),
        ("qwen2", ("<|im_start|>", "<|im_end|>"), "gpt2", "chatml"),
        ("phi3", (), "llama", "phi3"),
        ("llama", ("<|user|>", "<|assistant|>", "<|end|>"), "llama", "phi3"),
        ("deepseek2", (), "gpt2", "deepseek"),
        ("llama", ("[INST]", "[/INST]"), "llama", "mistral"),
        ("llama", (), "llama", "llama2"),
        ("gpt2", (), "gpt2", None),
        (None, (), None, None),
    ],
)
def test_detection_from_architecture_and_vocabulary(architecture: str | None, markers: tuple[str, ...], tokenizer: str | None, expected: str | None) -> None:
    found = detect(architecture, markers, tokenizer)
    assert (found.name if found else None) == expected


def test_the_files_own_template_comes_first_and_the_users_choice_wins() -> None:
    own = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    assert choose_format(FormatChoice(), gguf_template=own, architecture="gemma3").name == "gguf"
    assert choose_format(FormatChoice(name="gemma"), gguf_template=own).name == "gemma"
    custom = choose_format(FormatChoice(template="{{ messages[0]['content'] }}!"), gguf_template=own)
    assert (custom.name, custom.render([ChatMessage("user", "x")])) == ("custom", "x!")
    assert choose_format(FormatChoice(name="gguf"), gguf_template=own).template == own


def test_a_format_chosen_for_a_file_without_template_says_why() -> None:
    fmt = choose_format(FormatChoice(), gguf_template=None, architecture="gemma3", markers=("<start_of_turn>", "<end_of_turn>"))
    assert fmt.name == "gemma"
    assert [n.key for n in fmt.notes] == ["chat_format.detected"]
    assert "Gemma" in str(fmt.notes[0]) and "gemma3" in str(fmt.notes[0])


def test_chatml_is_the_last_resort_and_says_it_is_a_guess() -> None:
    fmt = choose_format(FormatChoice(), gguf_template=None, architecture="gpt2")
    assert fmt.name == "chatml"
    assert [n.key for n in fmt.notes] == ["chat_format.guessed", "chat_format.missing_markers"]
    assert "guess" in str(fmt.notes[0])


def test_a_vocabulary_without_the_formats_markers_is_warned_about() -> None:
    fmt = choose_format(FormatChoice(name="llama3"), gguf_template=None, markers=("<|im_start|>", "<|im_end|>"))
    assert [n.key for n in fmt.notes] == ["chat_format.missing_markers"]
    assert "<|start_header_id|>" in str(fmt.notes[0]) and "ordinary pieces" in str(fmt.notes[0])
    held = choose_format(FormatChoice(name="chatml"), gguf_template=None, markers=("<|im_start|>", "<|im_end|>"))
    assert held.notes == ()


def test_unknown_format_lists_the_names() -> None:
    with pytest.raises(PromptError, match="chatml, llama2, llama3, gemma"):
        builtin("vicuna-9")
    with pytest.raises(PromptError, match="no chat template of its own"):
        choose_format(FormatChoice(name="gguf"), gguf_template=None)


def test_a_template_refusing_the_system_message_says_so_and_what_to_do() -> None:
    strict = "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{{ m['content'] }}{% endfor %}"
    fmt = ChatFormat(strict, "gguf")
    with pytest.raises(TemplateError) as caught:
        fmt.render(CHAT)
    message = str(caught.value)
    assert "System role not supported" in message and "first user message" in message and "chatml" in message
    assert fmt.render(CHAT[1:])  # without the system message it renders


def test_a_template_rendering_nothing_is_refused() -> None:
    with pytest.raises(TemplateError, match="empty prompt"):
        ChatFormat("{% if false %}x{% endif %}", "custom").render(CHAT)


def test_checking_a_custom_template() -> None:
    with pytest.raises(TemplateError, match="syntax error"):
        check_template("{% for m in messages %}{{ m.content }}")
    assert check_template(BUILTIN["chatml"].template) == ()
    no_prompt = check_template("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    assert [n.key for n in no_prompt] == ["chat_format.no_generation_prompt"]
    no_system = check_template(
        "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('no system') }}{% endif %}"
        "{{ m['content'] }}{% endfor %}{% if add_generation_prompt %}>{% endif %}"
    )
    assert [n.key for n in no_system] == ["chat_format.no_system"]


# -- the markers a real file's vocabulary holds -----------------------------------------------------


def test_markers_of_the_two_test_models() -> None:
    assert {"<|im_start|>", "<|im_end|>"} <= set(model_info("default").markers)
    gemma = model_info(gemma_model_path())
    assert gemma.chat_template is None and gemma.architecture == "gemma3"
    assert set(gemma.markers) == {"<start_of_turn>", "<end_of_turn>"}


@pytest.mark.parametrize("size", [10, 5000])  # a kept list, and an array summarised and searched in the file
def test_markers_found_in_a_vocabulary_of_any_size(tmp_path: Path, size: int) -> None:
    tokens = [f"tok{i}" for i in range(size)] + ["<|start_header_id|>", "<|eot_id|>", "x<|im_start|>"]
    path = write_gguf(tmp_path / "m.gguf", {"general.architecture": "llama", "tokenizer.ggml.tokens": tokens})
    assert model_info(path).markers == ("<|start_header_id|>", "<|eot_id|>")  # a marker inside a token is no marker


@pytest.mark.parametrize("refuses_system", [False, True], ids=["slow", "slow-after-refusing-a-system-message"])
def test_checking_a_slow_template_takes_no_longer_than_one_render_may(refuses_system: bool) -> None:
    """The check renders the sample chat up to three times (again without its system message,
    then without the generation prompt): together they share one render's time limit, so the
    window's Apply waits that long at most, not three times as long."""
    import time

    from workbench.prompts.sandbox import MAX_RENDER_SECONDS

    slow = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    if refuses_system:
        slow = "{% if messages[0].role == 'system' %}{{ raise_exception('no system') }}{% endif %}" + slow
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        check_template(slow)
    assert caught.value.key == "template.too_slow"
    assert time.monotonic() - started < MAX_RENDER_SECONDS * 1.5


def test_after_the_check_a_render_has_its_whole_limit_again() -> None:
    from workbench.prompts import sandbox

    with pytest.raises(TemplateError):
        check_template("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
    assert sandbox._LIMITS.shared_deadline is None  # the check's shared limit ended with it
    assert check_template("{% for m in messages %}{{ m.content }}{% endfor %}{% if add_generation_prompt %}>{% endif %}") == ()
