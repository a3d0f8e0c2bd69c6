"""A stored template version as a prompt: the checks a template passes before it is saved, and
rendering in the sandbox with its declared variables, worked examples and variants.

The store keeps versions as data (``workbench.store.templates.TemplateVersion``); everything that
reads a version as Jinja lives here, above the store.
"""

from __future__ import annotations

from typing import Any

import jinja2

from workbench.errors import TemplateError
from workbench.prompts.sandbox import make_environment, render, used_variables
from workbench.prompts.variants import Variant, check_variants, language_of, pick
from workbench.store.template_records import TemplateVersion


class UndeclaredVariables(TemplateError):
    """A template's texts use variables it does not declare. ``str()`` speaks to the command line
    (``--var``); a window names its own fields from ``template`` and ``names``."""

    def __init__(self, template: str, names: list[str]) -> None:
        self.template = template
        self.names = names
        listed = ", ".join(names)
        super().__init__(
            f"The template {template} uses {listed} without declaring {'it' if len(names) == 1 else 'them'}: declare each "
            f"variable (--var NAME or --var NAME=DEFAULT on the command line)."
        )


def check_syntax(source: str, what: str) -> None:
    """Parse without rendering: a template that cannot even be read is refused when saved."""
    try:
        make_environment(strict=True).parse(source)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError.of("template.syntax", what=what, line=e.lineno, detail=e.message) from None
    except RecursionError:  # thousands of nested brackets: Jinja's parser recurses per level
        raise TemplateError.of("template.failed", what=what, detail="it is nested too deeply") from None


def check_template(name: str, system: str, body: str, variables: list[dict[str, Any]], variants: list[Any]) -> list[dict[str, Any]]:
    """Refuse a template version that could never run; returns its variants as stored.

    The texts must parse, every variable they use must be declared (a value for an undeclared one
    is refused, and leaving it out fails the render), and the variants must be valid for the
    template's language. ``variables`` are already normalised by the store."""
    check_syntax(body, f"template {name}")
    check_syntax(system, f"system prompt of {name}")
    checked = check_variants(variants or [], language_of(body, system))
    declared = {v["name"] for v in variables}
    missing = [n for n in used_variables(system, body) if n not in declared]
    if missing:
        raise UndeclaredVariables(name, missing)
    return checked


def empty_variables(version: TemplateVersion, given: dict[str, str]) -> list[str]:
    """The declared variables given as blank text that need a value: all but those declared with
    an empty default (``default: ""`` says the template works without one)."""
    optional = {v["name"] for v in version.variables if v.get("default") == ""}
    return [v["name"] for v in version.variables
            if v["name"] in given and not given[v["name"]].strip() and v["name"] not in optional]


def values(version: TemplateVersion, given: dict[str, str]) -> dict[str, Any]:
    """The variables to render with: the given ones over the declared defaults."""
    declared = {v["name"] for v in version.variables}
    unknown = sorted(set(given) - declared)
    if unknown:
        raise TemplateError(
            f"{version.ref} has no variable {', '.join(unknown)}; it declares {', '.join(sorted(declared)) or 'none'}."
        )
    out: dict[str, Any] = {v["name"]: v["default"] for v in version.variables if v.get("default") is not None}
    out.update(given)
    out["examples"] = version.examples
    return out


def render_version(version: TemplateVersion, given: dict[str, str]) -> tuple[str, str]:
    """(system, body) rendered in the sandbox; a missing variable or a broken template is a TemplateError."""
    env = make_environment(strict=True)
    filled = values(version, given)
    system = render(env, version.system, filled, what=f"system prompt of {version.ref}") if version.system else ""
    return system, render(env, version.body, filled, what=f"template {version.ref}")


def language(version: TemplateVersion) -> str:
    return language_of(version.body, version.system)


def variant_of(version: TemplateVersion, wanted: str) -> Variant:
    """A variant by name or kind; a kind the version does not declare runs with its defaults."""
    return pick(version.variants, wanted, language=language(version))


def shots(version: TemplateVersion, given: dict[str, str], examples: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Worked examples with each input put through the template, so that an example question looks
    exactly like the real one: the input fills the first declared variable (or an example's own
    ``variables``), the other variables keep the values given."""
    out = []
    for example in version.examples if examples is None else examples:
        own = example.get("variables")
        if isinstance(own, dict):
            filled = {**given, **{str(k): str(v) for k, v in own.items()}}
        elif version.variables:
            filled = {**given, version.variables[0]["name"]: str(example.get("input", ""))}
        else:
            out.append(dict(example))
            continue
        out.append({**example, "question": render_version(version, filled)[1]})
    return out
