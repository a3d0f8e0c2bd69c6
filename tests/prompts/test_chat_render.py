"""Chat templates render exactly as Hugging Face transformers renders them, and the sandbox's
limits hold: every feature checked against a reference built here, independently, as
transformers configures Jinja (``_compile_jinja_template`` / ``render_jinja_template``)."""

from __future__ import annotations

import copy
import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

import workbench.prompts.sandbox as sandbox
from workbench.errors import TemplateError
from workbench.prompts.chat import ChatMessage, render_chat
from workbench.prompts.sandbox import make_environment, render

FIXTURES = Path(__file__).parent / "fixtures"


# The reference: plain Jinja, configured the way transformers configures it.
class _Generation(jinja2.ext.Extension):
    tags = {"generation"}

    def parse(self, parser: Any) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_body"), [], [], body).set_lineno(lineno)

    def _body(self, caller: Any) -> str:
        return caller()


def _reference_env(now: datetime | None = None) -> jinja2.Environment:
    def raise_exception(message: str) -> None:
        raise jinja2.TemplateError(message)

    def tojson(x: Any, ensure_ascii: bool = False, indent: Any = None, separators: Any = None, sort_keys: bool = False) -> str:
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[_Generation, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: (now or datetime.now()).strftime(fmt)
    return env


def reference(template: str, messages: list[dict[str, Any]], *, tools: Any = None, documents: Any = None,
              add_generation_prompt: bool = False, now: datetime | None = None, **kwargs: Any) -> str:
    """``render_jinja_template``'s text: tools and documents are passed even when None."""
    return _reference_env(now).from_string(template).render(
        messages=messages, tools=tools, documents=documents, add_generation_prompt=add_generation_prompt, **kwargs
    )


def reference_continued(template: str, messages: list[dict[str, Any]], **kwargs: Any) -> str:
    """``continue_final_message=True``: a marker after the final message shows where to cut."""
    tag = "CONTINUE_FINAL_MESSAGE_TAG "
    tagged = copy.deepcopy(messages)
    tagged[-1]["content"] += tag
    text = reference(template, tagged, **kwargs)
    at = text.rindex(tag.strip())
    return text[:at] if text[at : at + len(tag)] == tag else text[:at].rstrip()


def both(template: str, messages: list[dict[str, Any]], now: datetime | None = None, **kwargs: Any) -> tuple[str, str]:
    """(ours, reference) for the same chat; ``kwargs`` are render_chat's."""
    ours = render_chat(template, messages, **kwargs)
    ref_kwargs = {k: v for k, v in kwargs.items() if k in ("tools", "documents", "add_generation_prompt")}
    ref_kwargs.setdefault("add_generation_prompt", True)  # render_chat's default
    specials = {k: kwargs.get(k, "") for k in ("bos_token", "eos_token")}
    return ours, reference(template, messages, now=now, **ref_kwargs, **specials, **(kwargs.get("extra") or {}))


USER = [{"role": "user", "content": "Hi"}]
CHAT = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Température à Paris <b>&</b> 'ce soir' ?"},
    {"role": "assistant", "content": "<think>\nweather\n</think>\nIt is mild."},
    {"role": "user", "content": "And tomorrow? 中文"},
]
TOOLS = [
    {"type": "function", "function": {
        "name": "get_weather", "description": "Weather <now> & later, «in French»",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }},
    {"type": "function", "function": {"name": "get_time", "description": "The time", "parameters": {"type": "object", "properties": {}}}},
]
TOOL_CHAT = [
    {"role": "system", "content": "Use tools."},
    {"role": "user", "content": "Weather in Zürich and the time?"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Zürich"}}},
        {"type": "function", "function": {"name": "get_time", "arguments": {}}},
    ]},
    {"role": "tool", "name": "get_weather", "content": '{"temp": "12°C"}'},
    {"role": "tool", "name": "get_time", "content": "14:05"},
    {"role": "assistant", "content": "12°C at 14:05."},
    {"role": "user", "content": "Thanks <3"},
]
DOCUMENTS = [{"title": "Alps", "text": "Snow & ice <above> 3000 m."}, {"title": "Lakes", "text": "Zürichsee, 88 km²."}]


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# The features, one by one.


def test_loop_controls() -> None:
    template = (
        "{% for m in messages %}{% if m.role == 'system' %}{% continue %}{% endif %}"
        "{% if loop.index > 3 %}{% break %}{% endif %}{{ m.role }};{% endfor %}"
    )
    ours, ref = both(template, CHAT)
    assert ours == ref == "user;assistant;"


@pytest.mark.parametrize("call", [
    "tojson", "tojson(ensure_ascii=True)", "tojson(indent=2)", "tojson(indent='\\t')", "tojson(separators=(',', ':'))",
    "tojson(separators=[', ', ': '], sort_keys=true)", "tojson(sort_keys=True, indent=1)", "tojson(true)",
])
def test_tojson_takes_transformers_arguments_and_escapes_no_html(call: str) -> None:
    template = "{{ tools | " + call + " }}|{{ messages[1].content | " + call + " }}"
    ours, ref = both(template, CHAT, tools=TOOLS)
    assert ours == ref
    if "ensure_ascii" not in call and "true)" not in call:
        assert "<now> & later, «in French»" in ours and "à Paris <b>&</b> 'ce soir'" in ours  # no \u escapes, no HTML escapes


def test_generation_block_renders_its_body() -> None:
    template = (
        "{% for m in messages %}\n"
        "    {% if m.role == 'assistant' %}\n"
        "    {% generation %}\n"
        "[{{ m.content }}]\n"
        "    {% endgeneration %}\n"
        "    {% else %}\n"
        "{{ m.content }}\n"
        "    {% endif %}\n"
        "{% endfor %}"
    )
    ours, ref = both(template, CHAT[1:])
    assert ours == ref == f"{CHAT[1]['content']}\n[{CHAT[2]['content']}]\n{CHAT[3]['content']}\n"


def test_raise_exception_surfaces_the_templates_message() -> None:
    template = "{% if messages[0].role != 'user' %}{{ raise_exception('Conversations must start with a user message, not ' + messages[0].role) }}{% endif %}ok"
    with pytest.raises(jinja2.TemplateError, match="not system"):
        reference(template, CHAT)
    with pytest.raises(TemplateError, match="refused the input: Conversations must start with a user message, not system") as caught:
        render_chat(template, CHAT)
    assert caught.value.key == "template.refused"
    assert render_chat(template, USER) == "ok"


def test_strftime_now_is_todays_date() -> None:
    before = datetime.now().strftime("%d %B %Y")
    out = render_chat("{{ strftime_now('%d %B %Y') }}", USER)
    assert out in {before, datetime.now().strftime("%d %B %Y")}


def test_tools_and_documents_are_none_unless_given() -> None:
    template = (
        "{{ tools is defined }} {{ tools is none }} {{ documents is none }}"
        "{% if tools %} {{ tools | map(attribute='function.name') | join(',') }}{% endif %}"
        "{% for d in documents or [] %} {{ d.title }}{% endfor %}"
    )
    for given in ({}, {"tools": TOOLS}, {"documents": DOCUMENTS}, {"tools": TOOLS, "documents": DOCUMENTS}, {"tools": []}):
        ours, ref = both(template, USER, **given)
        assert ours == ref
    assert render_chat(template, USER) == "True True True"
    assert render_chat(template, USER, tools=TOOLS, documents=DOCUMENTS) == "True False False get_weather,get_time Alps Lakes"


def test_whitespace_is_trimmed_and_the_final_newline_dropped_as_transformers_does() -> None:
    template = (
        "{% for m in messages %}\n"
        "    {% if m.role == 'user' %}\n"
        "<{{ m.role }}>  {{ m.content }}\n"
        "    {% endif %}\n"
        "{% endfor %}\n"
        "  {%- if add_generation_prompt %} <go>{% endif %}\n"
        "\n"
    )
    ours, ref = both(template, CHAT)
    assert ours == ref == f"<user>  {CHAT[1]['content']}\n<user>  {CHAT[3]['content']}\n <go>"
    # A user template keeps its last newline (its own tests hold the rest of its behaviour).
    assert render(make_environment(strict=True), "a\n", {}) == "a\n"
    assert render(make_environment(strict=False), "a\n", {}) == "a"


def test_special_tokens_and_generation_prompt() -> None:
    template = "{{ bos_token }}{% for m in messages %}{{ m.content + eos_token }}{% endfor %}{% if add_generation_prompt %}>>{% endif %}"
    for prompt in (True, False):
        ours, ref = both(template, CHAT[:2], bos_token="<s>", eos_token="</s>", add_generation_prompt=prompt)
        assert ours == ref
    assert ours == "<s>Be brief.</s>" + CHAT[1]["content"] + "</s>"
    assert render_chat(template, CHAT[:2], bos_token="<s>", tokenizer_adds_bos=True).startswith("Be brief.")
    assert render_chat(template, CHAT[:2]) == "Be brief." + CHAT[1]["content"] + ">>"  # no tokens given: empty


def test_dict_messages_keep_their_own_keys_and_extra_variables_reach_the_template() -> None:
    template = (
        "{% for m in messages %}{{ m.role }}{% if m.name %}({{ m.name }}){% endif %}"
        "{% for c in m.tool_calls or [] %}[{{ c.function.name }}:{{ c.function.arguments | tojson }}]{% endfor %};{% endfor %}"
        "{{ enable_thinking }}"
    )
    ours, ref = both(template, TOOL_CHAT, extra={"enable_thinking": False})
    assert ours == ref
    assert "assistant[get_weather:{\"city\": \"Zürich\"}][get_time:{}];tool(get_weather);" in ours and ours.endswith("False")
    assert render_chat(template, [ChatMessage("user", "x"), {"role": "user", "content": "y", "name": "ann"}]) == "user;user(ann);"
    with pytest.raises(ValueError, match="messages"):
        render_chat(template, USER, extra={"messages": []})
    assert render_chat("{{ bos_token }}", USER, bos_token="<s>", extra={"bos_token": "<|b|>"}) == "<|b|>"


@pytest.mark.parametrize("content", ["The answer is", "The answer is ", "Line\n"])
@pytest.mark.parametrize("trim", [False, True])
def test_a_final_assistant_message_is_continued_as_transformers_continues_it(content: str, trim: bool) -> None:
    body = "m.content | trim" if trim else "m.content"
    template = "{% for m in messages %}<|{{ m.role }}|>{{ " + body + " }}<|end|>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
    chat = [*USER, {"role": "assistant", "content": content}]
    assert render_chat(template, chat) == reference_continued(template, chat)


# Realistic templates (fixtures written in the style of public ones).

SCENES: dict[str, dict[str, Any]] = {
    "chat": {"messages": CHAT},
    "chat, no prompt": {"messages": CHAT, "add_generation_prompt": False},
    "tools": {"messages": TOOL_CHAT, "tools": TOOLS},
    "tool calls, no tools given": {"messages": TOOL_CHAT},
    "documents, thinking off": {"messages": CHAT, "documents": DOCUMENTS, "extra": {"enable_thinking": False}},
    "user only": {"messages": USER, "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
}


@pytest.mark.parametrize("name", ["tools_chatml.jinja", "dated_headers.jinja", "thinking_generation.jinja"])
@pytest.mark.parametrize("scene", list(SCENES))
def test_realistic_templates_render_as_transformers_renders_them(name: str, scene: str, monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(2025, 7, 26, 9, 30)
    monkeypatch.setattr(sandbox, "datetime", type("Frozen", (), {"now": staticmethod(lambda: now)}))
    kwargs = dict(SCENES[scene])
    ours, ref = both(fixture(name), kwargs.pop("messages"), now=now, **kwargs)
    assert ours == ref


def test_realistic_templates_say_what_they_should(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "datetime", type("Frozen", (), {"now": staticmethod(lambda: datetime(2025, 7, 26))}))
    qwen = render_chat(fixture("tools_chatml.jinja"), TOOL_CHAT, tools=TOOLS)
    assert '<functions>\n{"type": "function", "function": {"name": "get_weather", "description": "Weather <now> & later, «in French»"' in qwen
    assert '<call>{"name": "get_weather", "arguments": {"city": "Zürich"}}</call>' in qwen
    assert "<|im_start|>user\n<result>\n{\"temp\": \"12°C\"}\n</result>\n<result>\n14:05\n</result><|im_end|>\n" in qwen
    llama = render_chat(fixture("dated_headers.jinja"), TOOL_CHAT, tools=TOOLS, bos_token="<|begin_of_text|>", tokenizer_adds_bos=True)
    assert llama.startswith("<|start_header_id|>system<|end_header_id|>\n\nKnowledge cutoff: December 2023\nToday: 26 July 2025\n\nUse tools.<|eot_id|>")
    assert '{\n    "type": "function",\n    "function": {\n        "name": "get_weather",' in llama
    smol = render_chat(fixture("thinking_generation.jinja"), CHAT, documents=DOCUMENTS, extra={"enable_thinking": False})
    assert "Reasoning: /no_think" in smol and "[2] Lakes\nZürichsee, 88 km²." in smol
    assert "<|im_start|>assistant\nIt is mild.<|im_end|>\n" in smol and smol.endswith("<|im_start|>assistant\n<think>\n\n</think>\n")
    continued = render_chat(fixture("thinking_generation.jinja"), [*USER, {"role": "assistant", "content": "<think>\nHm"}])
    assert continued.endswith("<|im_start|>assistant\n<think>\nHm")


# The sandbox: escapes refused, bombs stopped, quickly.

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__ }}",
    "{{ messages.__class__.__base__ }}",
    "{{ ''|attr('__class__') }}",
    "{{ (messages|attr('__class__')|attr('__mro__'))[1] }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ raise_exception.__globals__ }}",
    "{{ '{0.__class__}'.format(messages) }}",
    "{{ messages.append(1) }}",
    "{{ messages[0].update(role='system') }}",
]


@pytest.mark.parametrize("template", ESCAPES)
def test_escapes_are_refused(template: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateError, match="sandbox forbids") as caught:
        render_chat(template, USER)
    assert caught.value.key == "template.forbidden" and time.monotonic() - started < 1


BOMBS = [
    "{{ 'a' * 10**9 }}",
    "{% if ('a' * 10**9) | length %}{% endif %}",
    "{{ [0] * 10**9 }}",
    "{{ 9 ** (9 ** 9) }}",
    "{{ 'a' | center(1000000000) }}",
    "{% if ('a' | indent(1000000000)) | length %}{% endif %}",
    "{% for b in [1] | batch(10**9, 'x') %}{% endfor %}",
    "{{ 'a'.ljust(10**9) }}",
    "{{ '{:>1000000000}'.format('a') }}",
    "{{ '{:>{}}'.format('a', 10**9) }}",
    "{{ '%1000000000d' % 1 }}",
    "{{ '%*d' % (10**9, 1) }}",
    "{{ lipsum(10**9) }}",
    "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s %}{{ ns.s }}{{ ns.s }}{% endset %}{% endfor %}",
    "{% set ns = namespace(s='a') %}{% for i in range(16) %}{% set ns.s = ns.s | replace('a', 'aaaaaaaaaa') %}{% endfor %}",
    "{% set ns = namespace(s='a') %}{% for i in range(16) %}{% set ns.s = ns.s.replace('a', 'aaaaaaaaaa') %}{% endfor %}",
    "{% macro twice(s) %}{{ s }}{{ s }}{% endmacro %}{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = twice(ns.s) %}{% endfor %}",
    "{% for i in range(10**9) %}{% endfor %}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "{% block b %}{{ self.b() }}{% endblock %}",
    "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
]


@pytest.mark.parametrize("template", BOMBS)
def test_bombs_fail_quickly(template: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateError):
        render_chat(template, USER)
    assert time.monotonic() - started < 1


SLOW = [
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{% set r = range(99999) | list %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}",
    "{% set r = range(99999) | list %}{% for a in r %}{% for b in r if b < 0 %}{% endfor %}{% endfor %}",
    "{% for a in range(99999) %}{% for b in 'x' * 99999 %}{% if b == 'y' %}{% break %}{% endif %}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    "{% set r = range(99999) | list %}{% for a in r %}{% set s = r | map('string') | select('eq', 'x') | list %}{% endfor %}",
]


@pytest.mark.parametrize("template", SLOW)
def test_the_time_limit_holds_while_nothing_is_emitted(template: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateError, match="took longer than 0.3 s"):
        render(make_environment(strict=False), template, {}, max_seconds=0.3)
    assert time.monotonic() - started < 1.5


def test_a_chat_template_has_the_same_limit() -> None:
    started = time.monotonic()
    with pytest.raises(TemplateError, match=f"took longer than {sandbox.MAX_RENDER_SECONDS:g} s"):
        render_chat(SLOW[0], USER)
    assert time.monotonic() - started < sandbox.MAX_RENDER_SECONDS + 1


def test_constants_too_large_are_not_built_while_compiling() -> None:
    # Jinja folds constant output when it compiles; the sandbox's checks keep it from building these.
    started = time.monotonic()
    for template in ("{{ 'a' | center(1000000000) }}", "x{{ 'a' ~ ('b' | indent(1000000000)) }}", "{{ 2 ** (2 ** 100) }}"):
        with pytest.raises(TemplateError):
            render_chat(template, USER)
    assert time.monotonic() - started < 1


def test_limits_apply_to_user_templates_too() -> None:
    env = make_environment(strict=True)
    with pytest.raises(TemplateError, match="took longer"):
        render(env, SLOW[1], {}, max_seconds=0.3)
    with pytest.raises(TemplateError, match="more than 1,000,000 characters"):
        render(env, BOMBS[0], {})
    with pytest.raises(TemplateError, match="sandbox forbids"):
        render(env, ESCAPES[3], {})
    # Ordinary work stays within the limits.
    assert render(env, "{{ '-' * 80 }}{{ (range(1000) | list | length) ** 2 }}{{ '%5.1f' % 3.14159 }}", {}) == "-" * 80 + "1000000" + "  3.1"


MEMORY_CHECK = """
import json, resource, sys
from workbench.errors import TemplateError
from workbench.prompts.chat import ChatMessage, render_chat
from workbench.prompts.sandbox import make_environment, render, used_variables
bombs, slow = json.loads(sys.argv[1]), json.loads(sys.argv[2])
user = [ChatMessage("user", "hi")]
render_chat("{{ messages[0]['content'] }}", user)  # everything imported and warm: the idle peak
idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
refused = 0
for template in bombs + slow:
    for attempt in (lambda: used_variables(template),  # the check when a template is saved
                    lambda: render_chat(template, user),
                    lambda: render(make_environment(strict=True), template, {}, max_seconds=0.3)):
        try:
            attempt()
        except TemplateError:
            refused += 1
print(refused, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - idle) // 1024)
"""


def test_bombs_stay_within_bounded_memory_at_save_and_at_render() -> None:
    """Peak memory (one process: every bomb saved, rendered as a chat template and as a user
    template) stays within 512 MB of the idle peak; the issue measured 2.9-6.2 GB before."""
    import subprocess
    import sys

    slow = [t.replace("99999", "9999") for t in SLOW]  # the same shapes, so the run stays short
    done = subprocess.run([sys.executable, "-c", MEMORY_CHECK, json.dumps(BOMBS), json.dumps(slow)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    refused, grown_mb = map(int, done.stdout.split())
    assert refused >= 2 * len(BOMBS)  # each bomb fails at render both ways (the save check may pass)
    assert grown_mb <= 512, f"{grown_mb} MB above idle"
