"""Stored template versions rendered as prompts (real database): sandboxed, declared variables
only, bounded in time and size, worked examples put through the template."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import TemplateError
from workbench.prompts.templates import UndeclaredVariables, empty_variables, render_version, shots
from workbench.store.templates import TemplateStore

from tests.helpers.stores import template_store


@pytest.fixture
def templates(tmp_path: Path) -> TemplateStore:
    return template_store(tmp_path / "t.sqlite")


def test_rendering_is_sandboxed_and_checks_variables(templates: TemplateStore) -> None:
    v = templates.add(
        "qa", "{% for e in examples %}Q: {{ e.input }}\nA: {{ e.output }}\n{% endfor %}Q: {{ question }}\nA:",
        system="You answer in {{ language }}.",
        variables=[{"name": "question"}, {"name": "language", "default": "English"}],
        examples=[{"input": "2+2?", "output": "4"}],
    )
    system, body = render_version(v, {"question": "3+3?"})
    assert system == "You answer in English." and body == "Q: 2+2?\nA: 4\nQ: 3+3?\nA:"
    with pytest.raises(TemplateError, match="no variable colour"):
        render_version(v, {"question": "x", "colour": "red"})
    with pytest.raises(TemplateError, match="not given"):
        render_version(v, {})
    evil = templates.add("evil", "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError, match="sandbox"):
        render_version(evil, {})
    loop = templates.add("loop", "{% for i in range(99999) %}{% for j in range(99999) %}{{ i }}{% endfor %}{% endfor %}")
    with pytest.raises(TemplateError, match="more than 1,000,000 characters; rendering was stopped"):
        render_version(loop, {})
    with pytest.raises(TemplateError, match="Range too big"):
        render_version(templates.add("huge", "{% for i in range(10**9) %}{% endfor %}"), {})
    with pytest.raises(TemplateError, match="syntax error on line 1"):
        templates.add("broken", "{{ question ")
    assert [t.name for t in templates.list()] == ["evil", "huge", "loop", "qa"]  # the broken one was not saved


def test_worked_examples_read_like_the_real_question(templates: TemplateStore) -> None:
    v = templates.add("sum", "Question: {{ q }} ({{ unit }})", variables=[{"name": "q"}, {"name": "unit", "default": "km"}],
                      examples=[{"input": "1+1?", "output": "2"}, {"input": "x", "variables": {"q": "2+2?", "unit": "m"}}])
    got = shots(v, {"q": "3+3?"})
    assert [e["question"] for e in got] == ["Question: 1+1? (km)", "Question: 2+2? (m)"]
    assert got[0]["output"] == "2"  # the example itself is kept


def test_an_undeclared_variable_names_itself_and_the_command_line_keeps_its_hint(templates: TemplateStore) -> None:
    with pytest.raises(UndeclaredVariables, match=r"uses who, what without declaring them: .*--var NAME") as caught:
        templates.add("greet", "{{ who }} {{ what }}", variables=[])
    assert (caught.value.template, caught.value.names) == ("greet", ["who", "what"])
    assert isinstance(caught.value, TemplateError)


def test_empty_values_are_named_unless_the_variable_may_be_empty(templates: TemplateStore) -> None:
    v = templates.add("form", "{{ a }}{{ b }}{{ c }}", variables=[{"name": "a"}, {"name": "b", "default": "x"}, {"name": "c", "default": ""}])
    assert empty_variables(v, {"a": " \n", "b": "", "c": ""}) == ["a", "b"]
    assert empty_variables(v, {"a": "1", "b": "2", "c": ""}) == []
    assert empty_variables(v, {}) == []  # not given: the defaults apply (and a missing one fails the render)
