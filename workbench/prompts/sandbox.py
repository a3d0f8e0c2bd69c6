"""One sandboxed Jinja environment for every template the workbench renders.

User templates and the chat templates inside GGUF files are untrusted text (CVE-2024-34359 was an
unsandboxed chat template). They render in Jinja's ImmutableSandboxedEnvironment with limits on
output size and render time, and every Jinja failure becomes a TemplateError.

Chat templates are written for Hugging Face transformers' renderer, so the chat flavour
(``strict=False``) is configured as transformers configures it: trim_blocks and lstrip_blocks (no
keep_trailing_newline), ``{% break %}``/``{% continue %}``, ``{% generation %}``, a ``tojson``
that does not escape HTML, ``raise_exception`` and ``strftime_now``.

The limits hold while a template emits nothing: calls, filters and loops check the deadline, and
the values that operators (``*``, ``+``, ``**``, ``%``, ``~``), filters, string methods and
``{% set %}`` blocks make are bounded by the output limit, refused before they are built where
their size is known. The same checks refuse a constant that Jinja would fold while compiling
(``{{ 'a'|center(10**9) }}``), so a template cannot hang or fill memory before its render starts.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import jinja2
import jinja2.meta
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import generate_lorem_ipsum
from jinja2.visitor import NodeTransformer

from workbench.errors import TemplateError

MAX_OUTPUT_CHARS = 1_000_000
MAX_RENDER_SECONDS = 2.0
_MAX_POWER_BITS = 100_000  # an integer power larger than this is refused before it is computed
_LOOP_GUARD = "_workbench_loop_guard"  # what every for loop's iterable passes through
_SIZE_GUARD = "_workbench_size_guard"  # what every ``~`` concatenation passes through
_WIDTH_FILTERS = frozenset({"center", "indent", "batch", "slice"})  # a number argument sets the size
_NUMBER = re.compile(r"\d+")
_WIDTH_FROM_ARGUMENTS = re.compile(r"%[^a-zA-Z%]*\*|\{[^{}]*\{")  # '%*d' % (w, x), '{:>{}}'.format(x, w)


class _Limits(threading.local):
    """The limits of the render running in this thread (renders run on several threads at once)."""

    deadline: float | None = None
    max_chars: int = MAX_OUTPUT_CHARS
    shared_deadline: float | None = None  # set by shared_time_limit: no render inside ends later


_LIMITS = _Limits()

# One template renders at a time in this process. A render takes milliseconds, but one that
# computes for its whole time limit holds the GIL; two at once (the window's token count and its
# run of the same prompt) starve the GUI thread of it for most of a second at a time.
_ONE_RENDER = threading.Lock()


class _TooSlow(Exception):
    pass


class _TooLong(Exception):
    pass


def _check_deadline() -> None:
    deadline = _LIMITS.deadline
    if deadline is not None and time.monotonic() > deadline:
        raise _TooSlow


def _check_size(value: Any) -> None:
    if isinstance(value, (str, list, tuple)) and len(value) > _LIMITS.max_chars:
        raise _TooLong


def _check_widths(values: Iterable[Any]) -> None:
    """A width or count larger than the output may be would only build a value too large to use."""
    if any(isinstance(v, int) and v > _LIMITS.max_chars for v in values):
        raise _TooLong


def _check_repeat(left: Any, right: Any) -> None:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(times, int):
            if len(sequence) * times > _LIMITS.max_chars:
                raise _TooLong


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        if exponent * base.bit_length() > _MAX_POWER_BITS:
            raise SecurityError("a power too large to compute")


def _check_format(text: str, arguments: Iterable[Any]) -> None:
    """A format's widths are numbers in its text, or arguments where it says so ('%*d', '{:>{}}')."""
    limit = _LIMITS.max_chars
    if any(len(n) > len(str(limit)) or int(n) > limit for n in _NUMBER.findall(text)):
        raise _TooLong
    if _WIDTH_FROM_ARGUMENTS.search(text):
        _check_widths(arguments)


def _check_replace(text: str, old: Any, new: Any) -> None:
    if isinstance(old, str) and isinstance(new, str):
        grows = (text.count(old) if old else len(text) + 1) * (len(new) - len(old))
        if len(text) + grows > _LIMITS.max_chars:
            raise _TooLong


def _check_string_call(text: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a string method or filter whose result would be too large, before it is built."""
    values = [*args, *kwargs.values()]
    if method in ("format", "format_map"):
        _check_format(text, [*values, *(x for v in values if isinstance(v, dict) for x in v.values())])
    elif method == "replace":
        if len(values) >= 2:
            _check_replace(text, values[0], values[1])
    else:
        _check_widths(values)


def _check_operands(operator: str, left: Any, right: Any) -> None:
    if operator == "**":
        _check_power(left, right)
    elif operator == "*":
        _check_repeat(left, right)
    elif operator == "%" and isinstance(left, str):
        arguments = right.values() if isinstance(right, dict) else right if isinstance(right, tuple) else [right]
        _check_format(left, arguments)


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    value_at = 0 if getattr(function, "jinja_pass_arg", None) is None else 1  # after the context argument

    @functools.wraps(function)  # keeps Jinja's pass_context/pass_eval_context marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        value, rest = args[value_at], args[value_at + 1 :]
        if name in _WIDTH_FILTERS:
            _check_widths([*rest, *kwargs.values()])
        elif name in ("replace", "format") and isinstance(value, str):
            _check_string_call(value, name, rest, kwargs)
        result = function(*args, **kwargs)
        _check_size(result)
        return result

    return bounded


# The guards take the context: Jinja never runs a filter that does at compile time.
@jinja2.pass_context
def _guarded_iteration(_context: jinja2.runtime.Context, iterable: Iterable[Any]) -> Iterator[Any]:
    items = iter(iterable)
    while True:
        _check_deadline()  # once per 256 items: a check per item would double a loop's cost
        batch = list(itertools.islice(items, 256))
        if not batch:
            return
        yield from batch


@jinja2.pass_context
def _guarded_value(_context: jinja2.runtime.Context, value: Any) -> Any:
    _check_size(value)
    return value


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 (Jinja's names)
    if n > 100 or max > 1000:
        raise SecurityError("lipsum is limited to 100 paragraphs of at most 1,000 words")
    return generate_lorem_ipsum(n, html, min, max)


class _Guards(NodeTransformer):
    """Passes every for loop's iterable, every ``~`` and every ``{% set %}`` block through the guards."""

    def __init__(self, environment: jinja2.Environment) -> None:
        self.environment = environment

    def _through(self, guard: str, node: nodes.Expr | None, lineno: int) -> nodes.Filter:
        # A filter on None is a block's filter: it takes the block's text.
        return nodes.Filter(node, guard, [], [], None, None, lineno=lineno).set_environment(self.environment)

    def visit_For(self, node: nodes.For) -> nodes.For:
        self.generic_visit(node)
        node.iter = self._through(_LOOP_GUARD, node.iter, node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Expr:
        self.generic_visit(node)
        return self._through(_SIZE_GUARD, node, node.lineno)

    def visit_AssignBlock(self, node: nodes.AssignBlock) -> nodes.AssignBlock:
        self.generic_visit(node)  # {% set x %}...{% endset %}: the block's text, through its own filter
        node.filter = self._through(_SIZE_GUARD, node.filter, node.lineno)
        return node


class SandboxEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with limits that hold inside a render: calls, filters and loop
    iterations check the deadline; the values that operators, filters and string methods make are
    bounded (refused before they are built where the size is known); an unsafe attribute is an
    error at once (not an empty value). ``filters`` adds filters, bounded like Jinja's own."""

    intercepted_binops = frozenset({"*", "+", "**", "%"})

    def __init__(self, *, filters: dict[str, Callable[..., Any]] | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.globals["lipsum"] = _bounded_lipsum
        self.filters.update(filters or {})
        self.filters.update({_LOOP_GUARD: _guarded_iteration, _SIZE_GUARD: _guarded_value})
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _Guards(self).visit(super()._parse(source, name, filename))

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        if isinstance(getattr(obj, "__self__", None), str):
            _check_string_call(obj.__self__, getattr(obj, "__name__", ""), args, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        _check_size(result)
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        sandboxed = super().wrap_str_format(value)
        if sandboxed is None:
            return None

        def bounded(*args: Any, **kwargs: Any) -> str:
            _check_string_call(value.__self__, value.__name__, args, kwargs)
            return sandboxed(*args, **kwargs)

        return bounded

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        _check_operands(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        _check_size(result)
        return result

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        # Jinja (and so transformers) gives an undefined that prints as nothing; an escape attempt
        # should fail loudly, and no real template reads such an attribute.
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")


class GenerationBlock(Extension):
    """``{% generation %}...{% endgeneration %}`` renders its body. Transformers uses the block to
    find the assistant's text for training masks; a prompt needs only the text."""

    tags = {"generation"}

    def parse(self, parser: jinja2.parser.Parser) -> nodes.CallBlock:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render_body"), [], [], body).set_lineno(lineno)

    def _render_body(self, caller: Callable[[], str]) -> str:
        return caller()


def _raise_exception(message: str) -> None:
    raise TemplateError.of("template.refused", detail=message)


def _tojson(value: Any, ensure_ascii: bool = False, indent: int | str | None = None,
            separators: tuple[str, str] | None = None, sort_keys: bool = False) -> str:
    # Transformers' tojson, argument for argument (a positional argument is ensure_ascii): plain
    # JSON, where Jinja's own escapes <, >, & and ' for HTML.
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _strftime_now(format: str) -> str:  # noqa: A002 (the name templates use)
    return datetime.now().strftime(format)


def make_environment(*, strict: bool, **globals_: Callable[..., Any]) -> SandboxEnvironment:
    """``strict``: a user template; a missing variable is an error and a trailing newline is kept.
    Not strict: a chat template, in transformers' configuration (a missing variable is empty)."""
    if strict:
        env = SandboxEnvironment(
            trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
        )
    else:
        env = SandboxEnvironment(
            trim_blocks=True, lstrip_blocks=True, extensions=[GenerationBlock, "jinja2.ext.loopcontrols"],
            filters={"tojson": _tojson},
        )
        env.globals["strftime_now"] = _strftime_now
    env.globals["raise_exception"] = _raise_exception
    env.globals.update(globals_)
    return env


@functools.lru_cache(maxsize=64)
def _compiled(env: jinja2.Environment, source: str) -> jinja2.Template:
    """Compiling a chat template takes ~20 ms; the same one renders on every keystroke's count
    and every run. (A template that does not compile raises, and nothing is cached.)"""
    return env.from_string(source)


def _compile(env: jinja2.Environment, source: str, what: str) -> jinja2.Template:
    try:
        return _compiled(env, source)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError.of("template.syntax", what=what, line=e.lineno, detail=e.message) from None
    except RecursionError:
        raise TemplateError.of("template.failed", what=what, detail="it is nested too deeply") from None


@contextmanager
def shared_time_limit(seconds: float = MAX_RENDER_SECONDS) -> Iterator[None]:
    """The renders inside (on this thread) share one time limit: a check that renders a template
    several times takes no longer than one render may."""
    saved = _LIMITS.shared_deadline
    _LIMITS.shared_deadline = time.monotonic() + seconds if saved is None else min(saved, time.monotonic() + seconds)
    try:
        yield
    finally:
        _LIMITS.shared_deadline = saved


@contextmanager
def _limited(max_chars: int, max_seconds: float) -> Iterator[float]:
    saved = _LIMITS.deadline, _LIMITS.max_chars
    deadline = time.monotonic() + max_seconds
    if _LIMITS.shared_deadline is not None:
        deadline = min(deadline, _LIMITS.shared_deadline)
    _LIMITS.deadline = deadline
    _LIMITS.max_chars = max_chars
    try:
        yield deadline
    finally:
        _LIMITS.deadline, _LIMITS.max_chars = saved


def _stream(template: jinja2.Template, variables: dict[str, Any], max_chars: int, deadline: float) -> str:
    parts: list[str] = []
    size = 0
    for chunk in template.generate(**variables):
        parts.append(chunk)
        size += len(chunk)
        if size > max_chars:
            raise _TooLong
        if time.monotonic() > deadline:
            raise _TooSlow
    return "".join(parts)


def render(
    env: jinja2.Environment,
    source: str,
    variables: dict[str, Any],
    *,
    what: str = "template",
    max_chars: int = MAX_OUTPUT_CHARS,
    max_seconds: float = MAX_RENDER_SECONDS,
) -> str:
    """Render ``source`` with limits; any failure is a TemplateError naming ``what``."""
    template = _compile(env, source, what)
    try:
        with _ONE_RENDER, _limited(max_chars, max_seconds) as deadline:
            return _stream(template, variables, max_chars, deadline)
    except TemplateError:
        raise
    except (_TooLong, MemoryError):
        raise TemplateError.of("template.too_long", what=what, limit=max_chars) from None
    except _TooSlow:
        raise TemplateError.of("template.too_slow", what=what, seconds=max_seconds) from None
    except SecurityError as e:
        raise TemplateError.of("template.forbidden", what=what, detail=e) from None
    except jinja2.UndefinedError as e:
        raise TemplateError.of("template.undefined", what=what, detail=e.message) from None
    except jinja2.TemplateError as e:
        raise TemplateError.of("template.failed", what=what, detail=e) from None
    except (TypeError, ValueError, LookupError, AttributeError, ArithmeticError, RecursionError) as e:
        raise TemplateError.of("template.render_failed", what=what, detail=e) from None


def used_variables(*sources: str) -> list[str]:
    """Variables the texts use (jinja2.meta), in order of first use; the environment's own globals
    (range, namespace...) and ``examples`` (always provided) are not counted. A text that does not
    parse adds nothing (its syntax error is reported elsewhere)."""
    env = make_environment(strict=True)
    found: list[str] = []
    for source in sources:
        try:
            names = jinja2.meta.find_undeclared_variables(env.parse(source))
        except (jinja2.TemplateSyntaxError, RecursionError):  # nested too deeply: _compile says so
            continue
        for name in sorted(names, key=lambda n: (source.find(n), n)):
            if name not in found and name != "examples" and name not in env.globals:
                found.append(name)
    return found
