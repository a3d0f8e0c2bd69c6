"""Variant settings are checked and completed; each kind builds the conversation it promises."""

from __future__ import annotations

import pytest

from workbench.errors import BadInputError
from workbench.prompts.chat import ChatMessage
from workbench.prompts.variants import (
    KINDS,
    check_variants,
    complete,
    conversation,
    flatten,
    language_of,
    pick,
)


def test_every_kind_completes_with_defaults_in_both_languages() -> None:
    for kind in KINDS:
        en, zh = complete({"kind": kind}), complete({"kind": kind}, language="zh")
        assert en.kind == zh.kind == kind and en.name == kind
    assert complete({"kind": "zero_shot_cot"})["cue"] == "Let's think step by step."
    assert complete({"kind": "zero_shot_cot"}, language="zh")["cue"] == "让我们一步一步地思考。"


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"kind": "chain"}, "no variant kind"),
        ({"kind": "direct", "cue": "x"}, "has no setting cue"),
        ({"kind": "self_consistency", "samples": 0}, "between 1 and 100"),
        ({"kind": "self_consistency", "samples": 2.5}, "whole number"),
        ({"kind": "tree_of_thought", "depth": 9}, "between 1 and 6"),
        ({"kind": "self_consistency", "extract": {"rule": "regex", "pattern": "("}}, "does not compile"),
        ({"kind": "self_consistency", "extract": {"rule": "vote"}}, "extract needs a rule"),
        ({"kind": "self_consistency", "extract": {"rule": "json_field"}}, "needs a field"),
        ({"kind": "few_shot_cot", "examples": [{"reasoning": "no input"}]}, "examples is a list"),
        ({"kind": "direct", "stop": "\n"}, "stop is a list"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(bad: dict, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        complete(bad)


def test_variant_names_are_unique_in_a_version() -> None:
    with pytest.raises(BadInputError, match="Two variants"):
        check_variants([{"kind": "direct", "name": "a"}, {"kind": "zero_shot_cot", "name": "a"}])


def test_pick_by_name_then_kind_then_defaults() -> None:
    stored = [{"name": "careful", "kind": "zero_shot_cot", "cue": "Think carefully."}]
    assert pick(stored, "careful", language="en")["cue"] == "Think carefully."
    assert pick(stored, "zero_shot_cot", language="en")["cue"] == "Think carefully."
    assert pick(stored, "direct", language="zh")["instruction"] == "只给出最终答案。"
    with pytest.raises(BadInputError, match="careful"):
        pick(stored, "nonsense", language="en")


def test_language_follows_the_text() -> None:
    assert language_of("What is 2+2?") == "en"
    assert language_of("", "小明有3个苹果") == "zh"


def test_zero_shot_cue_starts_the_reply() -> None:
    messages = conversation(complete({"kind": "zero_shot_cot"}), "Be exact.", "Q: 2+3?\nA:", [])
    assert messages == [
        ChatMessage("system", "Be exact."), ChatMessage("user", "Q: 2+3?\nA:"), ChatMessage("assistant", "Let's think step by step."),
    ]
    assert flatten(messages) == "Be exact.\n\nQ: 2+3?\nA: Let's think step by step."
    zh = conversation(complete({"kind": "zero_shot_cot"}, language="zh"), "", "问：2加3？\n答：", [])
    assert flatten(zh) == "问：2加3？\n答：让我们一步一步地思考。"


def test_few_shot_puts_worked_examples_first() -> None:
    examples = [{"input": "1+1?", "question": "Q: 1+1?\nA:", "reasoning": "One and one make two.", "output": "2"}]
    messages = conversation(complete({"kind": "few_shot_cot"}), "", "Q: 2+3?\nA:", examples)
    assert [m.role for m in messages] == ["user", "assistant", "user"]
    assert flatten(messages) == "Q: 1+1?\nA: One and one make two. The answer is 2.\n\nQ: 2+3?\nA:"
    zh = conversation(complete({"kind": "few_shot_cot"}, language="zh"), "", "问：2加3？",
                      [{"input": "1加1？", "reasoning": "一加一等于二。", "output": "2"}])
    assert zh[1].content == "一加一等于二。答案是2。"


def test_direct_puts_its_instruction_before_the_question() -> None:
    messages = conversation(complete({"kind": "direct"}), "", "Q: 2+3?\nA:", [])
    assert flatten(messages) == "Answer with the final answer only.\n\nQ: 2+3?\nA:"
    assert flatten(conversation(complete({"kind": "direct", "instruction": ""}), "", "Q: 2+3?\nA:", [])) == "Q: 2+3?\nA:"
