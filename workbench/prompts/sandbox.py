"""One sandboxed Jinja environment for every template the workbench renders.

User templates and the chat templates inside GGUF files are untrusted text (CVE-2024-34359 was an
unsandboxed chat template). They render in Jinja's ImmutableSandboxedEnvironment, streamed so that
output size and render time are bounded, and every Jinja failure becomes a TemplateError.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import jinja2
import jinja2.meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from workbench.errors import TemplateError

MAX_OUTPUT_CHARS = 1_000_000
MAX_RENDER_SECONDS = 2.0


def _raise_exception(message: str) -> None:
    raise TemplateError.of("template.refused", detail=message)


def make_environment(*, strict: bool, **globals_: Callable[..., Any]) -> ImmutableSandboxedEnvironment:
    """``strict``: a missing variable is an error (user templates), not an empty string (chat templates)."""
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
        keep_trailing_newline=True,
    )
    env.globals["raise_exception"] = _raise_exception
    env.globals.update(globals_)
    return env


@functools.lru_cache(maxsize=64)
def _compiled(env: jinja2.Environment, source: str) -> jinja2.Template:
    """Compiling a chat template takes ~20 ms; the same one renders on every keystroke's count
    and every run. (A template that does not compile raises, and nothing is cached.)"""
    return env.from_string(source)


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
    try:
        template = _compiled(env, source)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError.of("template.syntax", what=what, line=e.lineno, detail=e.message) from None
    deadline = time.monotonic() + max_seconds
    parts: list[str] = []
    size = 0
    try:
        for chunk in template.generate(**variables):
            parts.append(chunk)
            size += len(chunk)
            if size > max_chars:
                raise TemplateError.of("template.too_long", what=what, limit=max_chars)
            if time.monotonic() > deadline:
                raise TemplateError.of("template.too_slow", what=what, seconds=max_seconds)
    except TemplateError:
        raise
    except SecurityError as e:
        raise TemplateError.of("template.forbidden", what=what, detail=e) from None
    except jinja2.UndefinedError as e:
        raise TemplateError.of("template.undefined", what=what, detail=e.message) from None
    except jinja2.TemplateError as e:
        raise TemplateError.of("template.failed", what=what, detail=e) from None
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError) as e:
        raise TemplateError.of("template.render_failed", what=what, detail=e) from None
    return "".join(parts)


def used_variables(*sources: str) -> list[str]:
    """Variables the texts use (jinja2.meta), in order of first use; the environment's own globals
    (range, namespace...) and ``examples`` (always provided) are not counted. A text that does not
    parse adds nothing (its syntax error is reported elsewhere)."""
    env = make_environment(strict=True)
    found: list[str] = []
    for source in sources:
        try:
            names = jinja2.meta.find_undeclared_variables(env.parse(source))
        except jinja2.TemplateSyntaxError:
            continue
        for name in sorted(names, key=lambda n: (source.find(n), n)):
            if name not in found and name != "examples" and name not in env.globals:
                found.append(name)
    return found
