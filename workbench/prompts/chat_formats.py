"""Chat formats: the built-in ones, which one a model gets, and the format a run renders with.

A GGUF file usually carries its chat template (``tokenizer.chat_template``); that one is used
("gguf"). Many files carry none (Gemma 3 270M, older conversions). For those a built-in format is
chosen from the model's architecture and the chat markers its vocabulary holds, as llama.cpp's
template detection reads a template's markers: ``gemma*`` → Gemma, ``<|start_header_id|>`` →
Llama 3, ``<|im_start|>`` → ChatML... ChatML is the last resort, with a note that says it is a
guess. A user can always choose: a built-in by name, or a Jinja template of their own ("custom").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from workbench.errors import PromptError, TemplateError
from workbench.messages import Notice
from workbench.prompts.chat import ChatMessage, render_chat
from workbench.prompts.sandbox import shared_time_limit

GGUF = "gguf"  # the file's own template
CUSTOM = "custom"  # a Jinja template the user gave
SERVER = "server"  # a remote server applies its own template (the prompt is a ChatML transcript of the messages)


@dataclass(frozen=True)
class BuiltinFormat:
    """A chat format the workbench knows: its Jinja template (written as transformers renders
    it), the markers it needs as single tokens, and texts that end a reply when the markers are
    plain text to the model."""

    name: str
    title: str
    template: str
    markers: tuple[str, ...] = ()
    stop: tuple[str, ...] = ()


def _alternating(error: str = "Conversation roles must alternate user/assistant/user/assistant/...") -> str:
    return (
        "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}"
        "{{- raise_exception('" + error + "') -}}{%- endif -%}"
    )


_SYSTEM_FIRST = (
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- set system = messages[0]['content'] -%}{%- set loop_messages = messages[1:] -%}"
    "{%- else -%}{%- set system = '' -%}{%- set loop_messages = messages -%}{%- endif -%}"
)

CHATML = BuiltinFormat(
    "chatml", "ChatML",
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}",
    markers=("<|im_start|>", "<|im_end|>"),
    stop=("<|im_end|>", "<|im_start|>"),
)

LLAMA2 = BuiltinFormat(
    "llama2", "Llama 2",
    _SYSTEM_FIRST
    + "{%- for message in loop_messages -%}" + _alternating()
    + "{%- if loop.index0 == 0 and system -%}"
    "{%- set content = '<<SYS>>\\n' + system + '\\n<</SYS>>\\n\\n' + message['content'] -%}"
    "{%- else -%}{%- set content = message['content'] -%}{%- endif -%}"
    "{%- if message['role'] == 'user' -%}{{- bos_token + '[INST] ' + content | trim + ' [/INST]' -}}"
    "{%- else -%}{{- ' ' + content | trim + ' ' + eos_token -}}{%- endif -%}"
    "{%- endfor -%}",
    stop=("[INST]",),
)

LLAMA3 = BuiltinFormat(
    "llama3", "Llama 3",
    "{{- bos_token -}}"
    "{%- for message in messages -%}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}{%- endif -%}",
    markers=("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"),
    stop=("<|eot_id|>",),
)

GEMMA = BuiltinFormat(
    "gemma", "Gemma",
    # Gemma has no system role: the system message opens the first user turn, as Gemma 3's own
    # template does.
    "{{- bos_token -}}" + _SYSTEM_FIRST
    + "{%- for message in loop_messages -%}" + _alternating()
    + "{%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}"
    "{{- '<start_of_turn>' + role + '\\n' + ((system + '\\n\\n') if loop.first and system else '')"
    " + message['content'] | trim + '<end_of_turn>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<start_of_turn>model\\n' -}}{%- endif -%}",
    markers=("<start_of_turn>", "<end_of_turn>"),
    stop=("<end_of_turn>",),
)

MISTRAL = BuiltinFormat(
    "mistral", "Mistral",
    # Mistral's instruct format has no system role either: it opens the first instruction.
    "{{- bos_token -}}" + _SYSTEM_FIRST
    + "{%- for message in loop_messages -%}" + _alternating()
    + "{%- if message['role'] == 'user' -%}"
    "{{- '[INST] ' + ((system + '\\n\\n') if loop.first and system else '') + message['content'] + '[/INST]' -}}"
    "{%- else -%}{{- message['content'] + eos_token -}}{%- endif -%}"
    "{%- endfor -%}",
    stop=("[INST]",),
)

PHI3 = BuiltinFormat(
    "phi3", "Phi-3",
    "{%- for message in messages -%}"
    "{{- '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|assistant|>\\n' -}}{%- endif -%}",
    markers=("<|user|>", "<|assistant|>", "<|end|>"),
    stop=("<|end|>", "<|user|>"),
)

ZEPHYR = BuiltinFormat(
    "zephyr", "Zephyr",
    "{%- for message in messages -%}"
    "{{- '<|' + message['role'] + '|>\\n' + message['content'] + eos_token + '\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|assistant|>\\n' -}}{%- endif -%}",
    stop=("<|user|>",),
)

DEEPSEEK = BuiltinFormat(
    "deepseek", "DeepSeek",
    # DeepSeek V2.5 / V3 / R1: the system text first, then <｜User｜> / <｜Assistant｜> turns.
    "{{- bos_token -}}"
    "{%- for message in messages -%}"
    "{%- if message['role'] == 'system' -%}{{- message['content'] -}}"
    "{%- elif message['role'] == 'user' -%}{{- '<｜User｜>' + message['content'] -}}"
    "{%- else -%}{{- '<｜Assistant｜>' + message['content'] + '<｜end▁of▁sentence｜>' -}}{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<｜Assistant｜>' -}}{%- endif -%}",
    markers=("<｜User｜>", "<｜Assistant｜>"),
    stop=("<｜User｜>",),
)

ALPACA = BuiltinFormat(
    "alpaca", "Alpaca",
    "{%- if messages[0]['role'] == 'system' -%}{{- messages[0]['content'] + '\\n\\n' -}}"
    "{%- set loop_messages = messages[1:] -%}"
    "{%- else -%}"
    "{{- 'Below is an instruction that describes a task. Write a response that appropriately completes the request.\\n\\n' -}}"
    "{%- set loop_messages = messages -%}{%- endif -%}"
    "{%- for message in loop_messages -%}"
    "{%- if message['role'] == 'user' -%}{{- '### Instruction:\\n' + message['content'] + '\\n\\n' -}}"
    "{%- else -%}{{- '### Response:\\n' + message['content'] + eos_token + '\\n\\n' -}}{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '### Response:\\n' -}}{%- endif -%}",
    stop=("### Instruction:",),
)

BUILTIN: dict[str, BuiltinFormat] = {
    f.name: f for f in (CHATML, LLAMA2, LLAMA3, GEMMA, MISTRAL, PHI3, ZEPHYR, DEEPSEEK, ALPACA)
}


def builtin(name: str) -> BuiltinFormat:
    """The built-in format ``name`` (any case); a PromptError listing the names otherwise."""
    found = BUILTIN.get(name.strip().lower())
    if found is None:
        raise PromptError.of("chat_format.unknown", name=name, names=", ".join(BUILTIN))
    return found


def detect(architecture: str | None, markers: Iterable[str], tokenizer_model: str | None = None) -> BuiltinFormat | None:
    """The built-in format a model without a chat template most likely follows, from its
    architecture and the chat markers its vocabulary holds (None: nothing names one)."""
    arch = (architecture or "").lower()
    held = set(markers)
    if arch.startswith("gemma") or {"<start_of_turn>", "<end_of_turn>"} <= held:
        return GEMMA
    if {"<|start_header_id|>", "<|eot_id|>"} <= held:
        return LLAMA3
    if {"<|im_start|>", "<|im_end|>"} <= held:
        return CHATML
    if arch.startswith("phi3") or {"<|assistant|>", "<|end|>"} <= held:
        return PHI3
    if "<｜User｜>" in held or arch.startswith("deepseek"):
        return DEEPSEEK
    if "[INST]" in held:
        return MISTRAL
    if arch == "llama" and tokenizer_model == "llama":  # SentencePiece Llama without markers: Llama 2 chat
        return LLAMA2
    return None


@dataclass(frozen=True)
class FormatChoice:
    """What the user chose for a model: a built-in's name, "gguf" (the file's own), or a custom
    Jinja template; all None: the workbench decides."""

    name: str | None = None
    template: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None and self.template is not None:
            raise PromptError.of("chat_format.both")

    @property
    def is_default(self) -> bool:
        return self.name is None and self.template is None


@dataclass(frozen=True)
class ChatFormat:
    """How one loaded model formats a chat: the template, its name ("gguf", "custom" or a
    built-in's), the model's special tokens, and what to tell the user about the choice."""

    template: str = CHATML.template
    name: str = CHATML.name
    bos_token: str = ""
    eos_token: str = ""
    tokenizer_adds_bos: bool = False
    stop: tuple[str, ...] = ()  # texts that end a reply (a built-in's, where its markers are plain text)
    notes: tuple[Notice, ...] = field(default_factory=tuple)  # why this format, what to watch for

    @property
    def what(self) -> str:
        """How its errors name the template."""
        if self.name == GGUF:
            return "model's chat template"
        if self.name == SERVER:
            return "server's chat template"
        return "custom chat template" if self.name == CUSTOM else f"built-in {self.title} chat format"

    @property
    def title(self) -> str:
        """The name a person reads: "Gemma", "the model's own template", "custom template"."""
        if self.name in BUILTIN:
            return BUILTIN[self.name].title
        if self.name == SERVER:
            return "the server's own template"
        return "the model's own template" if self.name == GGUF else "custom template"

    def render(self, messages: list[ChatMessage]) -> str:
        """The exact text the model receives for these messages. A template that refuses them
        (``raise_exception``) says so in its own words, with what to do about a system message."""
        try:
            text = render_chat(
                self.template, messages, bos_token=self.bos_token, eos_token=self.eos_token,
                tokenizer_adds_bos=self.tokenizer_adds_bos, what=self.what,
            )
        except TemplateError as e:
            if e.key == "template.refused" and any(m.role == "system" for m in messages):
                others = ", ".join(n for n in BUILTIN if n != self.name)
                raise TemplateError.of("chat_format.refused", format=self.title, detail=e.fields.get("detail"), names=others) from None
            raise
        if not text.strip():
            raise TemplateError.of("chat_format.renders_nothing")
        return text


def choose_format(
    choice: FormatChoice,
    *,
    gguf_template: str | None,
    architecture: str | None = None,
    markers: Iterable[str] = (),
    tokenizer_model: str | None = None,
    bos_token: str = "",
    eos_token: str = "",
    tokenizer_adds_bos: bool = False,
    server: bool = False,
) -> ChatFormat:
    """The chat format a model renders with: the user's choice, else the file's template, else the
    built-in its architecture and vocabulary name, else ChatML with a note that it is a guess.
    ``server``: a remote model, whose server applies its own template unless the user chooses one."""
    held = tuple(markers)
    special = {"bos_token": bos_token, "eos_token": eos_token, "tokenizer_adds_bos": tokenizer_adds_bos}
    if choice.template is not None:
        return ChatFormat(choice.template, CUSTOM, **special)
    if server and (choice.name is None or choice.name.lower() in (SERVER, GGUF)):
        return ChatFormat(CHATML.template, SERVER)
    if choice.name is not None and choice.name.lower() == GGUF:
        if gguf_template is None:
            raise PromptError.of("chat_format.no_gguf_template")
        return ChatFormat(gguf_template, GGUF, **special)
    if choice.name is not None:
        chosen = builtin(choice.name)
        return _builtin_format(chosen, held, special, ())
    if gguf_template is not None:
        return ChatFormat(gguf_template, GGUF, **special)
    found = detect(architecture, held, tokenizer_model)
    if found is not None:
        note = Notice.of("chat_format.detected", format=found.title, architecture=architecture or "?")
        return _builtin_format(found, held, special, (note,))
    return _builtin_format(CHATML, held, special, (Notice.of("chat_format.guessed"),))


def _builtin_format(chosen: BuiltinFormat, held: tuple[str, ...], special: dict, notes: tuple[Notice, ...]) -> ChatFormat:
    missing = [m for m in chosen.markers if m not in held]
    if missing:
        notes = (*notes, Notice.of("chat_format.missing_markers", format=chosen.title, markers=" ".join(missing)))
    # A marker the model holds as an end-of-generation token ends the reply anyway; one it does not
    # (or a format without markers: Alpaca's "### Instruction:") only a stop text ends.
    return ChatFormat(chosen.template, chosen.name, stop=chosen.stop, notes=notes, **special)


_SAMPLE = [ChatMessage("system", "S"), ChatMessage("user", "U1"), ChatMessage("assistant", "A1"), ChatMessage("user", "U2")]


def check_template(template: str, *, bos_token: str = "", eos_token: str = "") -> tuple[Notice, ...]:
    """Check a chat template before it is used or saved: a TemplateError if it does not compile or
    renders no chat at all; notices for what it renders wrongly (no generation prompt, refuses a
    system message)."""
    with shared_time_limit():  # the renders below together take no longer than one may
        return _checked(template, bos_token, eos_token)


def _checked(template: str, bos_token: str, eos_token: str) -> tuple[Notice, ...]:
    notes: list[Notice] = []
    try:
        with_prompt = render_chat(template, _SAMPLE, bos_token=bos_token, eos_token=eos_token, what="chat template")
        messages = _SAMPLE
    except TemplateError as e:
        if e.key == "template.syntax":
            raise
        messages = _SAMPLE[1:]  # perhaps it only refuses the system message
        with_prompt = render_chat(template, messages, bos_token=bos_token, eos_token=eos_token, what="chat template")
        notes.append(Notice.of("chat_format.no_system", detail=str(e.fields.get("detail") or e)))
    without = render_chat(template, messages, bos_token=bos_token, eos_token=eos_token, add_generation_prompt=False, what="chat template")
    if not with_prompt.strip():
        raise TemplateError.of("chat_format.renders_nothing")
    if with_prompt == without:
        notes.append(Notice.of("chat_format.no_generation_prompt"))
    return tuple(notes)
