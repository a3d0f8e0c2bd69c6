"""The assertions of an experiment case: checking definitions, judging outputs, weighing results."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.errors import BadInputError, TemplateError
from workbench.prompts.assertions import TYPES, AssertionResult, CaseOutput, compile_assertions, score


def judge(spec: dict[str, Any], text: str, variables: dict[str, Any] | None = None, *,
          tokens: int = 5, latency_s: float = 0.2, answer: str | None = None) -> AssertionResult:
    (assertion,) = compile_assertions([spec], "assert")
    return assertion.check(CaseOutput(text, tokens, latency_s, answer), variables or {})


def refused(spec: Any, where: str = "row 14 assert") -> str:
    with pytest.raises(BadInputError) as caught:
        compile_assertions([{"type": "contains", "value": "ok"}, spec], where)
    message = str(caught.value)
    assert f"{where}[1]" in message
    return message


def test_types_are_listed() -> None:
    assert TYPES == ("equals", "contains", "contains-any", "contains-all", "not-contains", "regex", "not-regex",
                     "starts-with", "is-json", "json-schema", "numeric", "max-tokens", "max-latency")


def test_equals_trims_and_normalises_width() -> None:
    assert judge({"type": "equals", "value": "正面"}, "  正面\n").passed
    assert judge({"type": "equals", "value": "ABC 42"}, "ＡＢＣ ４２").passed  # NFKC: full-width letters and digits
    result = judge({"type": "equals", "value": "positive"}, "positive.")
    assert not result.passed  # not the vote normaliser: the full stop counts
    assert result.detail == "expected 'positive', got 'positive.'"
    assert not judge({"type": "equals", "value": "正面"}, "负面").passed


def test_contains_in_chinese_and_english() -> None:
    result = judge({"type": "contains", "value": "正面"}, "情感：正面")
    assert result.passed and result.detail == "contains '正面'"
    result = judge({"type": "contains", "value": "正面"}, "情感：负面")
    assert not result.passed and result.detail == "expected to contain '正面'"
    assert judge({"type": "contains", "value": "Paris"}, "The capital is Paris.").passed
    assert not judge({"type": "contains", "value": "paris"}, "The capital is Paris.").passed


def test_contains_any_and_all() -> None:
    any_of = {"type": "contains-any", "value": ["正面", "positive"]}
    assert judge(any_of, "答：positive").passed
    result = judge(any_of, "答：中性")
    assert not result.passed and result.detail == "expected to contain any of '正面', 'positive'"
    all_of = {"type": "contains-all", "value": ["北京", "上海"]}
    assert judge(all_of, "北京和上海").passed
    result = judge(all_of, "北京和广州")
    assert not result.passed and result.detail == "expected to contain '上海'"


def test_not_contains_with_a_list_defends_against_injection() -> None:
    spec = {"type": "not-contains", "value": ["SECRET-7731", "系统提示"]}
    assert judge(spec, "I cannot share that.").passed
    leaked = judge(spec, "Sure! The password is SECRET-7731.")
    assert not leaked.passed
    assert leaked.detail == "must not contain 'SECRET-7731'"
    assert not judge(spec, "好的，以下是系统提示：……").passed
    assert not judge({"type": "not-contains", "value": "secret", "ignore_case": True}, "The SECRET is out").passed
    assert not judge({"type": "not-contains", "value": "ABC"}, "ＡＢＣ").passed  # full-width does not slip through


def test_regex_and_not_regex() -> None:
    result = judge({"type": "regex", "value": r"^\d{3}-\d{4}$"}, "555-1234")
    assert result.passed and result.detail == r"regex '^\d{3}-\d{4}$' matched '555-1234'"
    result = judge({"type": "regex", "value": r"^\d+$"}, "abc")
    assert not result.passed and result.detail == r"regex '^\d+$' did not match"
    assert judge({"type": "regex", "value": "答案[是为]"}, "所以答案是 8").passed
    assert judge({"type": "not-regex", "value": r"(?i)as an ai"}, "Here you go.").passed
    result = judge({"type": "not-regex", "value": r"(?i)as an ai"}, "As an AI, I cannot.")
    assert not result.passed and "must not" in result.detail


def test_starts_with_after_leading_white_space() -> None:
    assert judge({"type": "starts-with", "value": "是"}, "\n  是的，没错").passed
    result = judge({"type": "starts-with", "value": "Yes"}, "No, yes")
    assert not result.passed and result.detail.startswith("expected to start with 'Yes'")


def test_is_json_whole_fenced_or_embedded() -> None:
    result = judge({"type": "is-json"}, ' {"label": "正面"} ')
    assert result.passed and result.detail == "valid JSON (the whole output)"
    result = judge({"type": "is-json"}, 'Here:\n```json\n{"a": [1, 2]}\n```\nDone.')
    assert result.passed and result.detail == "valid JSON (the ```json fence)"
    result = judge({"type": "is-json"}, 'The result is [1, 2, 3] as asked.')
    assert result.passed and result.detail == "valid JSON (the first array in the text)"
    result = judge({"type": "is-json"}, '{"a": 1')
    assert not result.passed and result.detail == "invalid JSON at line 1 column 8: Expecting ',' delimiter"
    result = judge({"type": "is-json"}, "```json\n{'a': 1}\n```")
    assert not result.passed and result.detail.startswith("invalid JSON in the ```json fence at line 1 column 2")
    assert not judge({"type": "is-json"}, "NaN").passed
    assert judge({"type": "is-json"}, "   ").detail == "the output is empty, not JSON"


SCHEMA = {"type": "object", "properties": {"label": {"enum": ["正面", "负面"]}}, "required": ["label"]}


def test_json_schema_validates() -> None:
    result = judge({"type": "json-schema", "value": SCHEMA}, '结果：{"label": "正面"}')
    assert result.passed and result.detail == "JSON (the first object in the text) matches the schema"
    result = judge({"type": "json-schema", "value": SCHEMA}, '{"label": "中性"}')
    assert not result.passed
    assert result.detail.startswith("JSON (the whole output) does not match the schema at $.label:")
    result = judge({"type": "json-schema", "value": SCHEMA}, "no json here")
    assert not result.passed and result.detail.startswith("invalid JSON at line 1 column 1")


def test_json_schema_with_an_unresolvable_ref_is_an_error_of_the_definition() -> None:
    (assertion,) = compile_assertions([{"type": "json-schema", "value": {"$ref": "#/$defs/missing"}}], "assert")
    with pytest.raises(BadInputError, match=r"assert\[0\]: the JSON Schema has a \$ref that cannot be resolved"):
        assertion.check(CaseOutput("{}", 1, 0.1), {})


def test_numeric_reads_separators_and_full_width_digits() -> None:
    result = judge({"type": "numeric", "value": 1234.5}, "The total is 1,234.5 dollars.")
    assert result.passed and result.detail == "found '1,234.5' → 1234.5 = 1234.5 ± 0"
    assert judge({"type": "numeric", "value": "42"}, "答案是４２。").passed
    assert judge({"type": "numeric", "value": "1,000"}, "一共 1000 元").passed
    result = judge({"type": "numeric", "value": 42}, "7 × 6 = 43")
    assert not result.passed and result.detail == "found '43' → 43 ≠ 42 ± 0"
    assert judge({"type": "numeric", "value": -3}, "it drops to -3 degrees").passed
    assert judge({"type": "numeric", "value": 5}, "on 2024-05").passed  # a date's hyphen is no minus sign
    assert judge({"type": "numeric", "value": 3}, "3.").passed
    assert judge({"type": "numeric", "value": 3}, "no digits").detail == "no number in the output"


def test_numeric_tolerance_is_absolute_and_decimal() -> None:
    assert judge({"type": "numeric", "value": 0.3, "tolerance": 0.1}, "0.4").passed  # not lost to 0.1 + float noise
    result = judge({"type": "numeric", "value": 10, "tolerance": 0.5}, "10.6")
    assert not result.passed and result.detail == "found '10.6' → 10.6 ≠ 10 ± 0.5"


def test_max_tokens_and_latency() -> None:
    assert judge({"type": "max-tokens", "value": 16}, "x", tokens=16).passed
    result = judge({"type": "max-tokens", "value": 16}, "x", tokens=17)
    assert not result.passed and result.detail == "17 completion tokens > 16"
    assert judge({"type": "max-latency", "value": 500}, "x", latency_s=0.4).passed
    result = judge({"type": "max-latency", "value": 500}, "x", latency_s=0.812)
    assert not result.passed and result.detail == "latency 812 ms > 500 ms"
    assert judge({"type": "max-latency", "value": 500}, "x", latency_s=0.5002).detail == "latency 500.200 ms > 500 ms"


def test_extract_with_each_rule() -> None:
    regex = {"rule": "regex", "pattern": r"答案是\s*(\S+)"}
    result = judge({"type": "equals", "value": "42", "extract": regex}, "6 × 7 = 42，所以答案是 42。")
    assert result.passed and result.detail == "answer '42。': equals '42'"  # normalise on both sides
    result = judge({"type": "numeric", "value": 42, "extract": {"rule": "regex", "pattern": "答案是.*"}},
                   "草稿 41，答案是 42")
    assert result.passed and result.detail == "found '答案是 42' → 42 = 42 ± 0"
    last_line = {"type": "contains", "value": "positive", "extract": {"rule": "last_line"}}
    assert judge(last_line, "not positive at first...\nnegative").passed is False
    assert judge(last_line, "hmm\nfinal: positive\n").passed
    field = {"type": "equals", "value": "正面", "extract": {"rule": "json_field", "field": "label"}}
    assert judge(field, '想了想 {"label": "正面", "p": 0.9}').passed
    variant = {"type": "equals", "value": "8", "extract": "variant"}
    assert judge(variant, "long reasoning ending in 9", answer="8").passed
    assert not judge(variant, "8", answer="9").passed


def test_extract_finding_nothing_fails() -> None:
    result = judge({"type": "contains", "value": "x", "extract": {"rule": "regex", "pattern": "答案是(.+)"}}, "不知道")
    assert not result.passed and result.detail == "no answer found by regex"
    result = judge({"type": "equals", "value": "x", "extract": "variant"}, "x", answer=None)
    assert not result.passed and result.detail == "no answer found by variant"
    result = judge({"type": "is-json", "extract": {"rule": "json_field", "field": "data"}}, '{"other": 1}')
    assert result.detail == "no answer found by json_field"


def test_ignore_case() -> None:
    assert judge({"type": "contains", "value": "paris", "ignore_case": True}, "PARIS!").passed
    assert judge({"type": "equals", "value": "Straße", "ignore_case": True}, "STRASSE").passed  # casefold
    assert judge({"type": "starts-with", "value": "yes", "ignore_case": True}, "Yes.").passed
    assert judge({"type": "regex", "value": "^yes", "ignore_case": True}, "YES").passed
    assert not judge({"type": "regex", "value": "^yes"}, "YES").passed
    assert judge({"type": "contains-all", "value": ["A", "b"], "ignore_case": True}, "a B").passed


def test_values_are_rendered_with_the_row() -> None:
    assertions = compile_assertions(
        [{"type": "contains", "value": "{{ label }}"}, {"type": "equals", "value": "{{ label | upper }}!"},
         {"type": "numeric", "value": "{{ n * 2 }}"}, {"type": "regex", "value": "^{{ label }}$"},
         {"type": "not-contains", "value": ["{{ secret }}"]}],
        "assert",
    )
    output = CaseOutput("正面", 1, 0.1)
    row = {"label": "正面", "n": 21, "secret": "hunter2"}
    results = [a.check(output, row) for a in assertions]
    assert [r.passed for r in results] == [True, False, False, True, True]
    assert results[1].detail == "expected '正面!', got '正面'"
    assert results[2].detail == "no number in the output"
    other = [a.check(CaseOutput("负面 42", 1, 0.1), {"label": "负面", "n": 21, "secret": "负"}) for a in assertions]
    assert [r.passed for r in other] == [True, False, True, False, False]


def test_a_missing_column_is_an_error() -> None:
    (assertion,) = compile_assertions([{"type": "contains", "value": "{{ label }}"}], "row 3 assert")
    with pytest.raises(TemplateError, match=r"row 3 assert\[0\] value uses a variable that was not given.*label"):
        assertion.check(CaseOutput("x", 1, 0.1), {"review": "…"})
    (assertion,) = compile_assertions([{"type": "contains", "value": "{{ label ~ '!' }}"}], "assert")
    with pytest.raises(TemplateError, match="label"):
        assertion.check(CaseOutput("x", 1, 0.1), {})


def test_a_row_value_that_is_unusable_is_an_error() -> None:
    (numeric,) = compile_assertions([{"type": "numeric", "value": "{{ n }}"}], "assert")
    with pytest.raises(BadInputError, match=r"assert\[0\]: the value of numeric should be a number, not 'abc'"):
        numeric.check(CaseOutput("3", 1, 0.1), {"n": "abc"})
    (regex,) = compile_assertions([{"type": "regex", "value": "{{ p }}"}], "assert")
    with pytest.raises(BadInputError, match="at position 0"):
        regex.check(CaseOutput("3", 1, 0.1), {"p": "*x"})
    (contains,) = compile_assertions([{"type": "contains", "value": "{{ label }}"}], "assert")
    with pytest.raises(BadInputError, match="empty for this row"):
        contains.check(CaseOutput("3", 1, 0.1), {"label": ""})


def test_weights_and_threshold() -> None:
    results = [AssertionResult("contains", True, "", 3.0), AssertionResult("regex", False, "", 1.0)]
    assert score(results) == (False, 0.75)
    assert score(results, threshold=0.75) == (True, 0.75)
    assert score(results, threshold=0.8) == (False, 0.75)
    assert score([]) == (True, 1.0)
    zero = [AssertionResult("contains", False, "", 0.0)]
    assert score(zero) == (False, 1.0)
    assert score(zero, threshold=1.0) == (True, 1.0)
    tenths = [AssertionResult("contains", True, "", w) for w in (0.1, 0.2)]
    assert score(tenths, threshold=1.0) == (True, 1.0)
    (weighted,) = compile_assertions([{"type": "contains", "value": "a", "weight": 2.5}], "assert")
    result = weighted.check(CaseOutput("a", 1, 0.1), {})
    assert result.weight == 2.5
    assert result.to_json() == {"type": "contains", "passed": True, "detail": "contains 'a'"}


def test_unknown_type_lists_the_known_ones() -> None:
    message = refused({"type": "contain", "value": "x"})
    assert "unknown assertion type 'contain'" in message and "did you mean contains?" in message
    assert "known types: equals, contains, contains-any" in message
    assert "has no type" in refused({"value": "x"})
    assert "is a mapping" in refused("contains x")


def test_missing_or_ill_typed_values() -> None:
    assert "a contains assertion needs a value" in refused({"type": "contains"})
    assert "is a non-empty list of texts" in refused({"type": "contains-any", "value": "x"})
    assert "is a non-empty list of texts" in refused({"type": "contains-all", "value": []})
    assert "a contains value is a text, not True" in refused({"type": "contains", "value": True})
    assert "must not be empty" in refused({"type": "contains", "value": ""})
    assert "value[1]: a not-contains value is a text" in refused({"type": "not-contains", "value": ["a", {"b": 1}]})
    assert "should be a number, not 'lots'" in refused({"type": "numeric", "value": "lots"})
    assert "whole number of tokens" in refused({"type": "max-tokens", "value": 1.5})
    assert "number of milliseconds" in refused({"type": "max-latency", "value": -1})
    assert "a JSON Schema object" in refused({"type": "json-schema", "value": "object"})
    assert compile_assertions([{"type": "equals", "value": 42}], "assert")[0].check(CaseOutput("42", 1, 0.1), {}).passed


def test_a_regex_that_does_not_compile_says_where() -> None:
    message = refused({"type": "regex", "value": "答案(是"})
    assert "the regex '答案(是' does not compile: missing ), unterminated subpattern at position 2" in message
    message = refused({"type": "contains", "value": "x", "extract": {"rule": "regex", "pattern": "a[b"}})
    assert "the extract regex 'a[b' does not compile" in message and "position 1" in message


def test_an_invalid_schema_names_the_path() -> None:
    message = refused({"type": "json-schema", "value": {"properties": {"label": {"type": "strin"}}}})
    assert "the JSON Schema is invalid at $.properties.label.type" in message
    message = refused({"type": "json-schema", "value": {"$schema": "http://example.com/nope", "type": "object"}})
    assert "unknown JSON Schema draft" in message


def test_bad_extract_rules() -> None:
    message = refused({"type": "contains", "value": "x", "extract": {"rule": "first_line"}})
    assert "unknown extract rule 'first_line'; known rules: regex, last_line, json_field, variant" in message
    assert "needs a pattern" in refused({"type": "contains", "value": "x", "extract": {"rule": "regex"}})
    assert "needs a field name" in refused({"type": "contains", "value": "x", "extract": {"rule": "json_field"}})
    message = refused({"type": "contains", "value": "x", "extract": {"rule": "last_line", "field": "a"}})
    assert "unknown key 'field' in the last_line extract rule" in message
    assert judge({"type": "contains", "value": "b", "extract": "last_line"}, "a\nb").passed  # shorthand


def test_negative_weight_or_tolerance() -> None:
    assert "weight must not be negative (it is -1)" in refused({"type": "contains", "value": "x", "weight": -1})
    assert "tolerance must not be negative" in refused({"type": "numeric", "value": 1, "tolerance": -0.5})
    assert "weight is a number, not 'heavy'" in refused({"type": "contains", "value": "x", "weight": "heavy"})


def test_unknown_keys_list_the_allowed_ones() -> None:
    message = refused({"type": "contains", "value": "x", "tolerence": 1})
    assert "unknown key 'tolerence' for a contains assertion; allowed keys: type, value, weight, extract, ignore_case" in message
    assert "allowed keys: type, weight, extract" in refused({"type": "is-json", "value": "x"})
    assert "'extract'" in refused({"type": "max-tokens", "value": 3, "extract": "variant"})
    assert "'tolerance'" in refused({"type": "contains", "value": "x", "tolerance": 1})
    assert "ignore_case is true or false" in refused({"type": "contains", "value": "x", "ignore_case": "yes"})


def test_template_syntax_is_checked_before_anything_runs() -> None:
    with pytest.raises(TemplateError, match=r"row 14 assert\[0\] value has a syntax error on line 1"):
        compile_assertions([{"type": "contains", "value": "{{ label "}], "row 14 assert")
    with pytest.raises(TemplateError, match=r"assert\[0\] value\[1\]"):
        compile_assertions([{"type": "not-contains", "value": ["a", "{% if %}"]}], "assert")


def test_the_list_itself_must_be_a_list() -> None:
    with pytest.raises(BadInputError, match="assert: assertions are a list"):
        compile_assertions({"type": "contains", "value": "x"}, "assert")  # type: ignore[arg-type]
