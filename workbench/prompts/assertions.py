"""The assertions of an experiment case: what its output must satisfy to pass.

``compile_assertions`` checks every definition (type, value, regex, JSON Schema, extraction rule,
weights, keys) before anything runs, and turns each into an ``Assertion``. ``Assertion.check``
judges one output with one dataset row's variables: values are sandboxed Jinja rendered with the
row (a missing column is an error), an ``extract`` rule picks the answer out of the output first,
and the result says in plain English why it passed or failed. ``score`` weighs the results of a
case.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import jinja2
from jsonschema.exceptions import SchemaError, best_match
from jsonschema.validators import validator_for
from referencing.exceptions import Unresolvable

from workbench.errors import BadInputError, TemplateError
from workbench.prompts.answers import extract, normalise
from workbench.prompts.sandbox import make_environment, render
from workbench.prompts.variants import EXTRACT_RULES

TYPES: tuple[str, ...] = (
    "equals", "contains", "contains-any", "contains-all", "not-contains", "regex", "not-regex",
    "starts-with", "is-json", "json-schema", "numeric", "max-tokens", "max-latency",
)
_TEXT_TYPES = frozenset({"equals", "contains", "contains-any", "contains-all", "not-contains", "regex", "not-regex",
                         "starts-with"})
_LIST_TYPES = frozenset({"contains-any", "contains-all", "not-contains"})
_NON_EMPTY = frozenset({"contains", "contains-any", "contains-all", "not-contains", "starts-with"})
_EXTRACT_KEYS = {"regex": ("rule", "pattern", "ignore_case"), "last_line": ("rule",), "json_field": ("rule", "field")}
_MAX_QUOTE = 60  # characters of a text quoted in a detail
_MAX_JSON_STARTS = 200  # '{' or '[' positions tried when looking for a JSON value inside a text

_ENV = make_environment(strict=True)
_JINJA_MARKS = ("{{", "{%", "{#")
_JINJA_CONSTANTS = frozenset({"true", "false", "none"})
_PLAIN_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_NUMBER = re.compile(r"(?:(?<![\w.])[-+\u2212])?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_FENCE = re.compile(r"```[ \t]*json[ \t]*\r?\n(.*?)```", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class CaseOutput:
    """What a case produced: the text, its completion tokens, its total time, and ``answer``, what
    the variant extracted or voted (used by ``extract: variant``)."""

    text: str
    completion_tokens: int
    latency_s: float
    answer: str | None = None


@dataclass(frozen=True)
class AssertionResult:
    """One assertion's verdict on one output, with a short explanation a user can read."""

    type: str
    passed: bool
    detail: str
    weight: float

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "passed": self.passed, "detail": self.detail}


def _quote(text: str) -> str:
    text = text if len(text) <= _MAX_QUOTE else text[: _MAX_QUOTE - 1] + "…"
    return "'" + text.replace("\n", "\\n") + "'"


def _quotes(texts: Sequence[str]) -> str:
    return ", ".join(_quote(t) for t in texts)


class _Text:
    """A value text, rendered with the row's variables when it holds Jinja."""

    __slots__ = ("source", "what", "_variable", "_templated")

    def __init__(self, source: str, what: str) -> None:
        self.source = source
        self.what = what
        self._templated = any(mark in source for mark in _JINJA_MARKS)
        plain = _PLAIN_VARIABLE.fullmatch(source) if self._templated else None
        name = plain.group(1) if plain else None
        self._variable = name if name and name not in _ENV.globals and name.lower() not in _JINJA_CONSTANTS else None
        if self._templated:
            try:
                _ENV.parse(source)
            except jinja2.TemplateSyntaxError as e:
                raise TemplateError.of("template.syntax", what=what, line=e.lineno, detail=e.message) from None
            except RecursionError:
                raise TemplateError.of("template.failed", what=what, detail="it is nested too deeply") from None

    @property
    def templated(self) -> bool:
        return self._templated

    def render(self, variables: Mapping[str, Any]) -> str:
        if not self._templated:
            return self.source
        if self._variable is not None:  # "{{ label }}": what Jinja would print, without a render
            if self._variable not in variables:
                raise TemplateError.of("template.undefined", what=self.what, detail=f"'{self._variable}' is undefined")
            return str(variables[self._variable])
        return render(_ENV, self.source, dict(variables), what=self.what)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _decimal(value: int | float) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _show(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _parse_number(text: str) -> Decimal | None:
    """A whole text as a number ("1,234.5", "４２", "-3"), or None."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not _NUMBER.fullmatch(text):
        return None
    return Decimal(text.replace(",", "").replace("\u2212", "-"))


def _last_number(text: str) -> tuple[str, Decimal] | None:
    """The last number written in a text, as written and as a value."""
    found = None
    for found in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
        pass
    if found is None:
        return None
    try:
        return found.group(0), Decimal(found.group(0).replace(",", "").replace("\u2212", "-"))
    except InvalidOperation:
        return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def _json_error(e: ValueError) -> str:
    if isinstance(e, json.JSONDecodeError):
        return f"line {e.lineno} column {e.colno}: {e.msg}"
    return str(e)


def _find_json(text: str) -> tuple[bool, Any, str]:
    """(found, value, where it was found) or (False, None, why it is not JSON)."""
    whole = text.strip()
    if not whole:
        return False, None, "the output is empty, not JSON"
    try:
        return True, _DECODER.decode(whole), "the whole output"
    except ValueError as e:
        error = f"invalid JSON at {_json_error(e)}"
    fence = _FENCE.search(text)
    if fence:
        try:
            return True, _DECODER.decode(fence.group(1).strip()), "the ```json fence"
        except ValueError as e:
            error = f"invalid JSON in the ```json fence at {_json_error(e)}"
    for tries, start in enumerate(re.finditer(r"[{\[]", text)):
        if tries >= _MAX_JSON_STARTS:
            break
        try:
            value, _end = _DECODER.raw_decode(text, start.start())
        except ValueError:
            continue
        return True, value, f"the first {'object' if isinstance(value, dict) else 'array'} in the text"
    return False, None, error


class Assertion:
    """One checked assertion. ``check`` judges an output with a row's variables; it raises
    TemplateError when a value cannot be rendered with that row (a missing column), and
    BadInputError when the rendered value is unusable (a regex that does not compile, a numeric
    value that is not a number, an empty text)."""

    __slots__ = ("type", "where", "weight", "spec", "_value", "_extract", "_rule_name", "_ignore_case",
                 "_tolerance", "_flags", "_pattern", "_validator", "_judge")

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        self.where = where
        self.type = _check_type(spec, where)
        self.spec = dict(spec)
        _check_keys(spec, self.type, where)
        self.weight = float(_non_negative(spec, "weight", where, 1))
        self._tolerance = _decimal(_non_negative(spec, "tolerance", where, 0))
        self._ignore_case = spec.get("ignore_case", False)
        if not isinstance(self._ignore_case, bool):
            raise BadInputError(f"{where}: ignore_case is true or false, not {self._ignore_case!r}.")
        self._extract, self._rule_name = _check_extract(spec.get("extract"), where)
        self._flags = re.IGNORECASE if self._ignore_case else 0
        self._pattern: re.Pattern[str] | None = None
        self._validator: Any = None
        self._value: Any = self._check_value(spec)
        self._judge: Callable[[Assertion, str, CaseOutput, Mapping[str, Any]], tuple[bool, str]] = _JUDGES[self.type]

    def _check_value(self, spec: Mapping[str, Any]) -> Any:
        kind, where = self.type, self.where
        if kind == "is-json":
            return None
        if "value" not in spec:
            raise BadInputError(f"{where}: a {kind} assertion needs a value.")
        value = spec["value"]
        what = f"{where} value"
        if kind in _LIST_TYPES:
            items = [value] if kind == "not-contains" and not isinstance(value, list) else value
            if not isinstance(items, list) or not items:
                wanted = "a text or a list of texts" if kind == "not-contains" else "a non-empty list of texts"
                raise BadInputError(f"{where}: the value of {kind} is {wanted}, not {value!r}.")
            named = isinstance(value, list)
            return [self._text(item, f"{what}[{i}]" if named else what) for i, item in enumerate(items)]
        if kind in _TEXT_TYPES:
            text = self._text(value, what)
            if kind in ("regex", "not-regex") and not text.templated:
                self._pattern = self._compile_regex(text.source)
            return text
        if kind == "json-schema":
            self._validator = _check_schema(value, where)
            return value
        if kind == "numeric":
            if _is_number(value):
                return _decimal(value)
            if isinstance(value, str):
                text = _Text(value, what)
                return text if text.templated else self._expected_number(value)
            raise BadInputError(f"{where}: the value of numeric is a number or a text giving one, not {value!r}.")
        if kind == "max-tokens":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise BadInputError(
                    f"{where}: the value of max-tokens is a whole number of tokens (0 or more), not {value!r}."
                )
            return value
        if not _is_number(value) or value < 0 or value != value:
            raise BadInputError(
                f"{where}: the value of max-latency is a number of milliseconds (0 or more), not {value!r}."
            )
        return float(value)

    def _text(self, value: Any, what: str) -> _Text:
        if _is_number(value):
            value = str(value)
        if not isinstance(value, str):
            raise BadInputError(f"{what}: a {self.type} value is a text, not {value!r} (quote it in YAML).")
        if self.type in _NON_EMPTY and not value:
            raise BadInputError(f"{what}: a {self.type} value must not be empty.")
        return _Text(value, what)

    def _compile_regex(self, pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern, self._flags)
        except re.error as e:
            raise BadInputError(
                f"{self.where}: the regex {_quote(pattern)} does not compile: {e.msg} at position {e.pos}."
            ) from None

    def _expected_number(self, text: str) -> Decimal:
        number = _parse_number(text)
        if number is None or not number.is_finite():
            raise BadInputError(f"{self.where}: the value of numeric should be a number, not {_quote(text)}.")
        return number

    def _rendered(self, text: _Text, variables: Mapping[str, Any]) -> str:
        rendered = text.render(variables)
        if not rendered and self.type in _NON_EMPTY:
            raise BadInputError(f"{text.what}: the value {_quote(text.source)} is empty for this row.")
        return rendered

    def _fold(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        return text.casefold() if self._ignore_case else text

    def check(self, output: CaseOutput, variables: Mapping[str, Any]) -> AssertionResult:
        """The verdict on ``output``, with ``variables`` (the row's columns) for the value templates."""
        subject = output.text
        if self._extract is not None:
            answer = output.answer if self._extract == "variant" else extract(output.text, self._extract)
            if answer is None:
                return AssertionResult(self.type, False, f"no answer found by {self._rule_name}", self.weight)
            subject = answer
        passed, detail = self._judge(self, subject, output, variables)
        if self._extract is not None and self.type != "numeric":
            detail = f"answer {_quote(subject)}: {detail}"
        return AssertionResult(self.type, passed, detail, self.weight)

    def __repr__(self) -> str:
        return f"Assertion({self.spec!r}, where={self.where!r})"


def _check_type(spec: Any, where: str) -> str:
    if not isinstance(spec, Mapping):
        raise BadInputError(f"{where}: an assertion is a mapping like {{type: contains, value: …}}, not {spec!r}.")
    kind = spec.get("type")
    if kind is None:
        raise BadInputError(f"{where}: the assertion has no type; known types: {', '.join(TYPES)}.")
    if kind not in TYPES:
        close = difflib.get_close_matches(str(kind), TYPES, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise BadInputError(f"{where}: unknown assertion type {kind!r}{hint}; known types: {', '.join(TYPES)}.")
    return str(kind)


def _allowed_keys(kind: str) -> tuple[str, ...]:
    keys = ["type"]
    if kind != "is-json":
        keys.append("value")
    keys.append("weight")
    if kind not in ("max-tokens", "max-latency"):
        keys.append("extract")
    if kind in _TEXT_TYPES:
        keys.append("ignore_case")
    if kind == "numeric":
        keys.append("tolerance")
    return tuple(keys)


def _check_keys(spec: Mapping[str, Any], kind: str, where: str) -> None:
    allowed = _allowed_keys(kind)
    unknown = [str(key) for key in spec if key not in allowed]
    if unknown:
        raise BadInputError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
            f"for a {kind} assertion; allowed keys: {', '.join(allowed)}."
        )


def _non_negative(spec: Mapping[str, Any], key: str, where: str, default: int) -> int | float:
    value = spec.get(key, default)
    if not _is_number(value) or value != value or value in (float("inf"), float("-inf")):
        raise BadInputError(f"{where}: {key} is a number, not {value!r}.")
    if value < 0:
        raise BadInputError(f"{where}: {key} must not be negative (it is {value!r}).")
    return value


def _check_extract(rule: Any, where: str) -> tuple[dict[str, Any] | str | None, str]:
    if rule is None:
        return None, ""
    known = ", ".join((*EXTRACT_RULES, "variant"))
    if rule == "variant":
        return "variant", "variant"
    if isinstance(rule, str) and rule in _EXTRACT_KEYS and len(_EXTRACT_KEYS[rule]) == 1:
        rule = {"rule": rule}
    if not isinstance(rule, Mapping):
        raise BadInputError(f"{where}: extract is {{rule: …}} or the text 'variant', not {rule!r}; rules: {known}.")
    name = rule.get("rule")
    if name not in _EXTRACT_KEYS:
        raise BadInputError(f"{where}: unknown extract rule {name!r}; known rules: {known}.")
    unknown = [str(key) for key in rule if key not in _EXTRACT_KEYS[name]]
    if unknown:
        raise BadInputError(
            f"{where}: unknown key {', '.join(map(repr, unknown))} in the {name} extract rule; "
            f"allowed keys: {', '.join(_EXTRACT_KEYS[name])}."
        )
    if name == "regex":
        pattern = rule.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise BadInputError(f"{where}: the regex extract rule needs a pattern (a text).")
        try:
            re.compile(pattern)
        except re.error as e:
            raise BadInputError(
                f"{where}: the extract regex {_quote(pattern)} does not compile: {e.msg} at position {e.pos}."
            ) from None
        if not isinstance(rule.get("ignore_case", True), bool):
            raise BadInputError(f"{where}: ignore_case of the extract rule is true or false.")
    if name == "json_field" and (not isinstance(rule.get("field"), str) or not rule.get("field")):
        raise BadInputError(f"{where}: the json_field extract rule needs a field name.")
    return dict(rule), str(name)


def _check_schema(schema: Any, where: str) -> Any:
    if not isinstance(schema, Mapping):
        raise BadInputError(f"{where}: the value of json-schema is a JSON Schema object, not {schema!r}.")
    if "$schema" in schema:
        if not isinstance(schema["$schema"], str):
            raise BadInputError(f"{where}: $schema is the URI of a JSON Schema draft, not {schema['$schema']!r}.")
        cls = validator_for(schema, default=None)
        if cls is None:
            raise BadInputError(f"{where}: unknown JSON Schema draft {schema['$schema']!r} in $schema.")
    else:
        cls = validator_for(schema)
    try:
        cls.check_schema(schema)
    except SchemaError as e:
        raise BadInputError(f"{where}: the JSON Schema is invalid at {e.json_path}: {e.message}") from None
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def compile_assertions(specs: Sequence[Mapping[str, Any]], where: str) -> list[Assertion]:
    """Check every assertion definition and make it an Assertion; ``where`` names the list in
    messages ("assert", "row 14 assert"), each item as ``where[i]``. A definition that cannot be
    used raises BadInputError (TemplateError for a value template with a syntax error)."""
    if isinstance(specs, (str, bytes, Mapping)) or not isinstance(specs, Sequence):
        raise BadInputError(f"{where}: assertions are a list of {{type: …, value: …}} mappings, not {specs!r}.")
    return [Assertion(spec, f"{where}[{i}]") for i, spec in enumerate(specs)]


def score(results: Sequence[AssertionResult], threshold: float | None = None) -> tuple[bool, float]:
    """(passed, weighted score). The score is Σ weight·passed / Σ weight, 1.0 without weight; the
    case passes when every assertion passed, or, given a threshold, when the score reaches it."""
    total = sum(r.weight for r in results)
    value = sum(r.weight for r in results if r.passed) / total if total > 0 else 1.0
    if threshold is None:
        return all(r.passed for r in results), value
    return value >= threshold - 1e-9, value  # 1e-9: 0.1 + 0.2 of 0.3 reaches a threshold of 1.0


# The judges: (assertion, the output text or extracted answer, the output, the row) -> (passed, detail).

def _equals(a: Assertion, subject: str, _output: CaseOutput, variables: Mapping[str, Any]) -> tuple[bool, str]:
    expected = a._rendered(a._value, variables)
    if a._extract is not None:
        passed = normalise(subject) == normalise(expected)
    else:
        passed = a._fold(subject).strip() == a._fold(expected).strip()
    if passed:
        return True, f"equals {_quote(expected.strip())}"
    return False, f"expected {_quote(expected.strip())}, got {_quote(subject.strip())}"


def _contains(a: Assertion, subject: str, _output: CaseOutput, variables: Mapping[str, Any]) -> tuple[bool, str]:
    expected = a._rendered(a._value, variables)
    if a._fold(expected) in a._fold(subject):
        return True, f"contains {_quote(expected)}"
    return False, f"expected to contain {_quote(expected)}"


def _contains_any(a: Assertion, subject: str, _output: CaseOutput, variables: Mapping[str, Any]) -> tuple[bool, str]:
    texts = [a._rendered(t, variables) for t in a._value]
    folded = a._fold(subject)
    found = next((t for t in texts if a._fold(t) in folded), None)
    if found is not None:
        return True, f"contains {_quote(found)}"
    return False, f"expected to contain any of {_quotes(texts)}"


def _contains_all(a: Assertion, subject: str, _output: CaseOutput, variables: Mapping[str, Any]) -> tuple[bool, str]:
    texts = [a._rendered(t, variables) for t in a._value]
    folded = a._fold(subject)
    missing = [t for t in texts if a._fold(t) not in folded]
    if not missing:
        return True, f"contains all of {_quotes(texts)}"
    return False, f"expected to contain {_quotes(missing)}"


def _not_contains(a: Assertion, subject: str, _output: CaseOutput, variables: Mapping[str, Any]) -> tuple[bool, str]:
    texts = [a._rendered(t, variables) for t in a._value]
    folded = a._fold(subject)
    present = [t for t in texts if a._fold(t) in folded]
    if not present:
        return True, f"contains none of {_quotes(texts)}"
    return False, f"must not contain {_quotes(present)}"


def _search(a: Assertion, subject: str, variables: Mapping[str, Any]) -> tuple[re.Match[str] | None, str]:
    if a._pattern is not None:
        return a._pattern.search(subject), a._pattern.pattern
    pattern = a._rendered(a._value, variables)
    return a._compile_regex(pattern).search(subject), pattern


def _regex(a: Assertion, subject: str, _output: CaseOutput, variables: Mapping[str, Any]) -> tuple[bool, str]:
    match, pattern = _search(a, subject, variables)
    if match:
        return True, f"regex {_quote(pattern)} matched {_quote(match.group(0))}"
    return False, f"regex {_quote(pattern)} did not match"


def _not_regex(a: Assertion, subject: str, _output: CaseOutput, variables: Mapping[str, Any]) -> tuple[bool, str]:
    match, pattern = _search(a, subject, variables)
    if match:
        return False, f"regex {_quote(pattern)} matched {_quote(match.group(0))} and must not"
    return True, f"regex {_quote(pattern)} did not match"


def _starts_with(a: Assertion, subject: str, _output: CaseOutput, variables: Mapping[str, Any]) -> tuple[bool, str]:
    expected = a._rendered(a._value, variables)
    if a._fold(subject).lstrip().startswith(a._fold(expected)):
        return True, f"starts with {_quote(expected)}"
    start = subject.lstrip()[: len(expected) + 10]
    return False, f"expected to start with {_quote(expected)}, starts with {_quote(start)}"


def _is_json(_a: Assertion, subject: str, _output: CaseOutput, _variables: Mapping[str, Any]) -> tuple[bool, str]:
    found, _value, where = _find_json(subject)
    return (True, f"valid JSON ({where})") if found else (False, where)


def _json_schema(a: Assertion, subject: str, _output: CaseOutput, _variables: Mapping[str, Any]) -> tuple[bool, str]:
    found, value, where = _find_json(subject)
    if not found:
        return False, where
    try:
        error = best_match(a._validator.iter_errors(value))
    except Unresolvable as e:
        raise BadInputError(f"{a.where}: the JSON Schema has a $ref that cannot be resolved: {e}") from None
    if error is None:
        return True, f"JSON ({where}) matches the schema"
    return False, f"JSON ({where}) does not match the schema at {error.json_path}: {error.message}"


def _numeric(a: Assertion, subject: str, _output: CaseOutput, variables: Mapping[str, Any]) -> tuple[bool, str]:
    expected = a._value
    if isinstance(expected, _Text):
        expected = a._expected_number(a._rendered(expected, variables))
    got = _last_number(subject)
    if got is None:
        where = f"the answer {_quote(subject)}" if a._extract is not None else "the output"
        return False, f"no number in {where}"
    written, number = got
    shown = subject.strip() if a._extract is not None else written
    passed = abs(number - expected) <= a._tolerance
    return passed, (f"found {_quote(shown)} → {_show(number)} {'=' if passed else '≠'} "
                    f"{_show(expected)} ± {_show(a._tolerance)}")


def _max_tokens(a: Assertion, _subject: str, output: CaseOutput, _variables: Mapping[str, Any]) -> tuple[bool, str]:
    passed = output.completion_tokens <= a._value
    return passed, f"{output.completion_tokens} completion tokens {'≤' if passed else '>'} {a._value}"


def _max_latency(a: Assertion, _subject: str, output: CaseOutput, _variables: Mapping[str, Any]) -> tuple[bool, str]:
    ms = output.latency_s * 1000
    passed = ms <= a._value
    shown = f"{ms:.0f}"
    if float(shown) == a._value and ms != a._value:  # not "500 ms > 500 ms"
        shown = f"{ms:.3f}"
    return passed, f"latency {shown} ms {'≤' if passed else '>'} {a._value:g} ms"


_JUDGES: dict[str, Callable[[Assertion, str, CaseOutput, Mapping[str, Any]], tuple[bool, str]]] = {
    "equals": _equals, "contains": _contains, "contains-any": _contains_any, "contains-all": _contains_all,
    "not-contains": _not_contains, "regex": _regex, "not-regex": _not_regex, "starts-with": _starts_with,
    "is-json": _is_json, "json-schema": _json_schema, "numeric": _numeric, "max-tokens": _max_tokens,
    "max-latency": _max_latency,
}
