"""Prompt specs: what a person asks to send (plain text, chat messages, or a template with
variables, optionally as a chain-of-thought variant), rendered into the exact prompt a model
receives through its chat format.

``prepare`` is the one place that turns a request into generation settings; the CLI, the window
and re-runs all go through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from workbench.errors import PromptError
from workbench.prompts.chat import ChatMessage
from workbench.prompts.chat_formats import SERVER, ChatFormat
from workbench.prompts.templates import render_version, shots, variant_of
from workbench.prompts.variant_runner import SEARCH_KINDS, VariantTask, make_task, task_from_record, task_record
from workbench.prompts.variants import conversation, language_of, pick, prompt_builder
from workbench.store.template_records import TemplateVersion
from workbench.values.params import GenerateParams, SamplerParams

if TYPE_CHECKING:
    from workbench.store.templates import TemplateStore

DEFAULT_MAX_TOKENS = 256

Templates = Callable[[], "TemplateStore"]  # opened only when a spec names a template


@dataclass(frozen=True)
class PromptSpec:
    """What to send. One of ``text``, ``messages`` or ``template``; ``replay`` runs a stored
    variant record (votes or a search) again on the inputs it recorded."""

    text: str | None = None
    messages: tuple[ChatMessage, ...] | None = None  # a chat as the window's editor holds it
    template: str | None = None  # NAME, NAME@3 or NAME@label
    version: TemplateVersion | None = None  # a version already resolved (an experiment pins its own)
    variables: dict[str, str] = field(default_factory=dict)
    chat: bool = False  # through the model's chat template (a chat-mode template always is)
    system: str | None = None
    variant: str | None = None  # a variant name of the template, or a kind
    parse_special: bool | None = None  # <|im_start|> in the text is a special token; None: in chat mode
    rendered: bool = False  # ``text`` is an exact prompt already (a stored run): sent as it is
    replay: dict[str, Any] | None = None


@dataclass(frozen=True)
class RunOrigin:
    """What a stored run recorded about where its prompt came from, kept by its re-run."""

    template: str | None = None
    variant: str | None = None
    details: dict[str, Any] | None = None
    mode: str | None = None
    chat_format: str | None = None  # the chat format its prompt was rendered with


@dataclass(frozen=True)
class RunRequest:
    """A prompt spec and how to sample it."""

    spec: PromptSpec
    sampler: SamplerParams = field(default_factory=SamplerParams)
    max_tokens: int | None = None  # None: DEFAULT_MAX_TOKENS, or the variant's own
    top_logprobs: int = 5
    stop: list[str] = field(default_factory=list)
    token_entropy: bool = False
    origin: RunOrigin | None = None
    conversation: str | None = None  # the chat the spec's messages are a turn of


@dataclass
class PreparedRun:
    """A request made concrete: the exact generation settings, or a variant task to run."""

    params: GenerateParams  # the exact prompt; for a vote or a search, the settings saved with it
    mode: str  # completion | chat
    template: str | None = None  # NAME@VERSION the prompt was rendered from
    task: VariantTask | None = None
    variant: str | None = None  # the variant kind recorded with the run
    details: dict[str, Any] | None = None  # the variant record (what a re-run needs)
    messages: tuple[ChatMessage, ...] | None = None  # the chat it sends, as the editor held it
    conversation: str | None = None
    chat_format: str | None = None  # the chat format the prompt was rendered with (None: no chat)

    @property
    def turn(self) -> int | None:
        """Which turn of its conversation this run answers (its user messages so far)."""
        if self.messages is None:
            return None
        return sum(1 for m in self.messages if m.role == "user")

    @property
    def prompt(self) -> str:
        """The exact prompt it sends first (a vote or a search: its first generation's)."""
        if self.search and self.task is not None:
            return self.task.prompt()
        return self.params.prompt

    @property
    def search(self) -> bool:
        """Self-consistency or tree of thought: many generations, one saved run."""
        return self.task is not None and self.task.variant.kind in SEARCH_KINDS


def prepare(request: RunRequest, chat: ChatFormat, templates: Templates) -> PreparedRun:
    """Render ``request`` for a model with chat format ``chat``. Raises PromptError or
    TemplateError (nothing runs) for a bad spec, template or variable."""
    prepared = _prepare(request, chat, templates)
    if prepared.mode != "chat":
        return prepared
    if request.spec.rendered:  # a stored prompt: the format it was rendered with, if it recorded one
        return replace(prepared, chat_format=(request.origin or RunOrigin()).chat_format)
    return replace(prepared, chat_format=chat.name)


def _prepare(request: RunRequest, chat: ChatFormat, templates: Templates) -> PreparedRun:
    spec = request.spec
    origin = request.origin or RunOrigin()
    base = base_params(request)
    if spec.replay and "task" in spec.replay and "variant" in spec.replay:
        mode = spec.replay["task"].get("mode", "completion")
        task = task_from_record(spec.replay, _special(base, mode == "chat", chat), lambda m: prompt_builder(m, chat))
        return variant_run(task, mode, origin.template, request.max_tokens)
    if spec.template or spec.version:
        if spec.text is not None:
            raise PromptError("Give --prompt or --template, not both.")
        version = spec.version or templates().resolve(spec.template or "")
        mode = "chat" if (spec.chat or version.mode == "chat") else "completion"
        if spec.variant:
            task = version_task(version, spec.variant, spec.variables, prompt_builder(mode, chat), _special(base, mode == "chat", chat))
            if spec.system:
                task.system = spec.system
            return variant_run(task, mode, version.ref, request.max_tokens)
        system, body = render_version(version, spec.variables)
        system = spec.system or system
        if mode == "chat":
            prompt = chat.render(([ChatMessage("system", system)] if system else []) + [ChatMessage("user", body)])
        else:
            prompt = f"{system}\n\n{body}" if system else body
        params = replace(_special(base, mode == "chat", chat), prompt=prompt).validate()
        return PreparedRun(params, mode, version.ref)
    if spec.messages is not None:
        prompt = chat.render(list(spec.messages))
        parse = True if spec.parse_special is None else spec.parse_special
        prepared = _plain(replace(_special(base, True, chat), prompt=prompt, parse_special=parse), "chat", origin)
        return replace(prepared, messages=tuple(spec.messages), conversation=request.conversation)
    text = spec.text or ""
    if spec.variant:
        mode = "chat" if spec.chat else "completion"
        variant = pick([], spec.variant, language=language_of(text, spec.system or ""))
        task = make_task(variant, spec.system or "", text, [], prompt_builder(mode, chat), _special(base, mode == "chat", chat))
        return variant_run(task, mode, origin.template, request.max_tokens)
    if spec.rendered:
        mode = origin.mode or ("chat" if spec.chat else "completion")
        # A stored server chat is its messages' transcript: the server gets the messages again.
        server = mode == "chat" and origin.chat_format == SERVER
        return _plain(replace(base, prompt=text, parse_special=bool(spec.parse_special), server_chat=server), mode, origin)
    if spec.chat:
        messages = ([ChatMessage("system", spec.system)] if spec.system else []) + [ChatMessage("user", text)]
        return _plain(replace(_special(base, True, chat), prompt=chat.render(messages)), "chat", origin)
    if spec.system:
        raise PromptError("--system needs --chat (a system message only exists in a chat).")
    return _plain(replace(base, prompt=text, parse_special=bool(spec.parse_special)), "completion", origin)


def base_params(request: RunRequest) -> GenerateParams:
    """The request's generation settings, before a prompt is put in them."""
    return GenerateParams(
        prompt="",
        sampler=request.sampler,
        max_tokens=request.max_tokens or DEFAULT_MAX_TOKENS,
        top_logprobs=request.top_logprobs,
        stop=list(request.stop),
        token_entropy=request.token_entropy,
    )


def version_task(
    version: TemplateVersion, wanted: str, given: dict[str, str], to_prompt: Callable[[list[ChatMessage]], str], base: GenerateParams
) -> VariantTask:
    """A template version rendered with ``given`` and ready to run as variant ``wanted``."""
    variant = variant_of(version, wanted)
    system, body = render_version(version, given)
    return make_task(variant, system, body, shots(version, given, variant.get("examples")), to_prompt, base)


def template_conversation(
    version: TemplateVersion, variant: str | None, given: dict[str, str], chat: ChatFormat, base: GenerateParams
) -> tuple[list[ChatMessage], VariantTask | None]:
    """The conversation a template (with its variant) sends, for an editor to show, and its
    variant task (None: the template as written)."""
    if not variant:
        system, body = render_version(version, given)
        return ([ChatMessage("system", system)] if system else []) + [ChatMessage("user", body)], None
    task = version_task(version, variant, given, prompt_builder(version.mode, chat), _special(base, version.mode == "chat", chat))
    return conversation(task.variant, task.system, task.body, task.examples), task


def _special(base: GenerateParams, is_chat: bool, chat: ChatFormat) -> GenerateParams:
    """The settings of a prompt in chat mode or not: a chat's markers are special tokens, and its
    format's end-of-turn texts end the reply (they matter where the model holds them as plain
    text, or in a format without markers such as Alpaca)."""
    if not is_chat:
        return replace(base, parse_special=False)
    stop = [*base.stop, *(s for s in chat.stop if s not in base.stop)]
    return replace(base, parse_special=True, stop=stop, server_chat=chat.name == SERVER)


def _plain(params: GenerateParams, mode: str, origin: RunOrigin) -> PreparedRun:
    return PreparedRun(params.validate(), origin.mode or mode, origin.template, None, origin.variant, origin.details)


def variant_run(task: VariantTask, mode: str, template: str | None, max_tokens: int | None = None) -> PreparedRun:
    """A variant task as a run: a vote or a search saved with its record settings, a single-pass
    variant as the one generation of its prompt (``max_tokens`` overrides the variant's own)."""
    if max_tokens:
        task.variant.settings["max_tokens"] = max_tokens
    record = task_record(task)
    if task.variant.kind in SEARCH_KINDS:
        return PreparedRun(task.record_params(), mode, template, task, task.variant.kind, record)
    return PreparedRun(task.params(task.prompt()), mode, template, task, task.variant.kind, record)
