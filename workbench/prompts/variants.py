"""Chain-of-thought variants of a template: what each kind asks of the model, checked and completed
with defaults, and the conversation each one builds around the rendered template.

A variant is plain data stored with a template version::

    {"name": "cot", "kind": "zero_shot_cot", "cue": "Let's think step by step."}

Kinds: ``direct`` (answer at once), ``zero_shot_cot`` (a reasoning cue, Kojima et al. 2022),
``few_shot_cot`` (worked examples before the question, Wei et al. 2022), ``self_consistency``
(several sampled chains of thought and a majority vote over their extracted answers, Wang et al.
2022) and ``tree_of_thought`` (the model proposes next steps and scores them; the best are expanded,
Yao et al. 2023). Defaults follow the template's language: Chinese text gets Chinese cues.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.errors import BadInputError
from workbench.prompts.chat import ChatMessage
from workbench.prompts.chat_formats import ChatFormat

KINDS = ("direct", "zero_shot_cot", "few_shot_cot", "self_consistency", "tree_of_thought")
EXTRACT_RULES = ("regex", "last_line", "json_field")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_STOPS = ("。", "！", "？", "；", "：", "，")

# Texts a variant uses unless it says otherwise, by language.
DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "direct_instruction": "Answer with the final answer only.",
        "cue": "Let's think step by step.",
        "answer_lead": "The answer is",
        "step_cue": "Next step:",
        "score_prompt": "Is this reasoning correct and on the way to the answer? Answer yes or no.\nAnswer:",
        "final_cue": "Therefore, the answer is",
        "steps_heading": "Steps so far:",
    },
    "zh": {
        "direct_instruction": "只给出最终答案。",
        "cue": "让我们一步一步地思考。",
        "answer_lead": "答案是",
        "step_cue": "下一步：",
        "score_prompt": "以上推理是否正确并且朝着答案前进？回答是或否。\n回答：",
        "final_cue": "因此，答案是",
        "steps_heading": "目前的步骤：",
    },
}

# Numbers a variant may set, with their bounds.
_LIMITS: dict[str, tuple[int | float, int | float]] = {
    "samples": (1, 100),
    "temperature": (0.0, 2.0),
    "breadth": (1, 8),
    "depth": (1, 6),
    "beam": (1, 8),
    "max_tokens": (1, 4096),
    "step_tokens": (1, 512),
}


def language_of(*texts: str) -> str:
    """'zh' when the text has any CJK character, else 'en'."""
    return "zh" if any(_CJK.search(t or "") for t in texts) else "en"


@dataclass(frozen=True)
class Variant:
    """One variant, with every setting filled in (see ``complete``)."""

    name: str
    kind: str
    settings: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, **self.settings}


def _defaults(kind: str, language: str) -> dict[str, Any]:
    """Every setting of a kind with its default; ``stop`` (extra stop strings) belongs to all."""
    return {**_kind_defaults(kind, language), "stop": []}


def _kind_defaults(kind: str, language: str) -> dict[str, Any]:
    t = DEFAULT_TEXTS[language]
    if kind == "direct":
        return {"instruction": t["direct_instruction"], "max_tokens": 128}
    if kind == "zero_shot_cot":
        return {"cue": t["cue"], "max_tokens": 256}
    if kind == "few_shot_cot":
        return {"examples": None, "answer_lead": t["answer_lead"], "max_tokens": 256}
    if kind == "self_consistency":
        return {
            "samples": 5, "temperature": 0.7, "reasoning": "zero_shot_cot", "cue": t["cue"], "examples": None,
            "answer_lead": t["answer_lead"], "extract": {"rule": "regex", "pattern": default_answer_pattern(language)},
            "max_tokens": 256,
        }
    if kind == "tree_of_thought":
        return {
            "breadth": 3, "depth": 2, "beam": 2, "temperature": 0.8, "step_cue": t["step_cue"],
            "steps_heading": t["steps_heading"], "score_prompt": t["score_prompt"], "final_cue": t["final_cue"],
            "step_tokens": 48, "max_tokens": 64,
        }
    raise BadInputError(f"There is no variant kind {kind!r}; the kinds are {', '.join(KINDS)}.")


def default_answer_pattern(language: str) -> str:
    """A regex whose group 1 is the answer after "The answer is" / "答案是"."""
    lead = re.escape(DEFAULT_TEXTS[language]["answer_lead"])
    return rf"{lead}\s*[:：]?\s*([^\n。]+?)\s*(?:[.。]\s|[.。]?$|\n)"


def complete(data: dict[str, Any], *, language: str = "en") -> Variant:
    """A stored variant checked, with the defaults of its kind for whatever it leaves out.

    Unknown settings and out-of-range numbers are refused: a typo should not silently run a
    different experiment than the one the user wrote down."""
    if not isinstance(data, dict):
        raise BadInputError(f"A variant is an object with a name and a kind, not {data!r}.")
    kind = str(data.get("kind", ""))
    settings = _defaults(kind, language)
    name = str(data.get("name") or kind)
    unknown = set(data) - set(settings) - {"name", "kind", "description"}
    if unknown:
        raise BadInputError(
            f"The {kind} variant {name!r} has no setting {', '.join(sorted(unknown))}; "
            f"it has {', '.join(sorted(settings))}."
        )
    for key, value in data.items():
        if key in ("name", "kind"):
            continue
        if key in _LIMITS and value is not None:
            lo, hi = _LIMITS[key]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not lo <= value <= hi:
                raise BadInputError(f"The variant {name!r}: {key} must be between {lo} and {hi}, not {value!r}.")
            if isinstance(lo, int) and not isinstance(value, int):
                raise BadInputError(f"The variant {name!r}: {key} must be a whole number, not {value!r}.")
        settings[key] = value
    if kind == "self_consistency":
        if settings["reasoning"] not in ("zero_shot_cot", "few_shot_cot"):
            raise BadInputError(f"The variant {name!r}: reasoning is zero_shot_cot or few_shot_cot, not {settings['reasoning']!r}.")
        check_extract(settings["extract"], name)
    if settings.get("examples") is not None:
        check_examples(settings["examples"], name)
    if not isinstance(settings["stop"], list) or not all(isinstance(x, str) and x for x in settings["stop"]):
        raise BadInputError(f"The variant {name!r}: stop is a list of non-empty strings.")
    return Variant(name, kind, settings)


def check_extract(rule: Any, name: str) -> None:
    if not isinstance(rule, dict) or rule.get("rule") not in EXTRACT_RULES:
        raise BadInputError(f"The variant {name!r}: extract needs a rule: {', '.join(EXTRACT_RULES)}.")
    if rule["rule"] == "regex":
        try:
            re.compile(str(rule.get("pattern", "")))
        except re.error as e:
            raise BadInputError(f"The variant {name!r}: the answer regex does not compile: {e}.") from None
        if not rule.get("pattern"):
            raise BadInputError(f"The variant {name!r}: the regex rule needs a pattern.")
    if rule["rule"] == "json_field" and not rule.get("field"):
        raise BadInputError(f"The variant {name!r}: the json_field rule needs a field name.")


def check_examples(examples: Any, name: str) -> None:
    if not isinstance(examples, list) or not all(isinstance(e, dict) and "input" in e for e in examples):
        raise BadInputError(f"The variant {name!r}: examples is a list of objects with input, reasoning and output.")


def check_variants(variants: Any, language: str = "en") -> list[dict[str, Any]]:
    """Check a version's variant list (as stored: only what differs from the defaults)."""
    if not isinstance(variants, list):
        raise BadInputError("A template's variants are a list.")
    names: set[str] = set()
    out = []
    for v in variants:
        variant = complete(v, language=language)
        if variant.name in names:
            raise BadInputError(f"Two variants are named {variant.name!r}.")
        names.add(variant.name)
        out.append(dict(v))
    return out


def pick(variants: list[dict[str, Any]], wanted: str, *, language: str) -> Variant:
    """The stored variant named ``wanted``, else the first of that kind, else that kind's defaults."""
    for v in variants:
        if v.get("name") == wanted:
            return complete(v, language=language)
    for v in variants:
        if v.get("kind") == wanted:
            return complete(v, language=language)
    if wanted in KINDS:
        return complete({"kind": wanted}, language=language)
    names = [str(v.get("name")) for v in variants]
    raise BadInputError(f"There is no variant {wanted!r}. Variants: {', '.join(names + [k for k in KINDS if k not in names])}.")


# -- conversations ---------------------------------------------------------------------------


def worked_example(example: dict[str, Any], answer_lead: str) -> tuple[str, str]:
    """(question, worked answer) of a few-shot example. Its ``question`` (the input rendered
    through the template, see TemplateVersion.shots) is used when present, else its raw input."""
    reasoning = str(example.get("reasoning", "")).strip()
    output = str(example.get("output", "")).strip()
    space = "" if _CJK.search(answer_lead[-1:]) else " "
    answer = f"{answer_lead}{space}{output}" if output else ""
    if answer and not answer.endswith((".", "。", "!", "！", "?", "？")):
        answer += "。" if language_of(answer_lead) == "zh" else "."
    question = str(example.get("question") or example["input"]).strip()
    if reasoning and answer:
        return question, reasoning + ("" if _CJK.search(reasoning[-1:]) or reasoning.endswith(_CJK_STOPS) else " ") + answer
    return question, reasoning or answer


def conversation(variant: Variant, system: str, body: str, examples: list[dict[str, Any]]) -> list[ChatMessage]:
    """The messages a variant sends for one rendered template. ``examples`` are the worked examples
    to show (the variant's own, else the version's). A final assistant message is the start of the
    model's reply (a cue it continues), not a turn of its own."""
    messages = [ChatMessage("system", system)] if system else []
    kind = variant.kind
    reasoning = variant.get("reasoning", kind)
    if kind == "few_shot_cot" or (kind == "self_consistency" and reasoning == "few_shot_cot"):
        for example in examples:
            question, answer = worked_example(example, variant["answer_lead"])
            messages += [ChatMessage("user", question), ChatMessage("assistant", answer)]
        messages.append(ChatMessage("user", body))
    elif kind == "direct":
        # Before the question, so that a completion prompt still ends where the answer starts.
        instruction = variant["instruction"]
        messages.append(ChatMessage("user", f"{instruction}\n\n{body}" if instruction else body))
    else:
        messages.append(ChatMessage("user", body))
        if kind in ("zero_shot_cot", "self_consistency") and variant.get("cue"):
            messages.append(ChatMessage("assistant", variant["cue"]))
    return messages


def flatten(messages: list[ChatMessage]) -> str:
    """A conversation as completion text: system first, each question followed by its answer on
    the next line (after a space when the question ends with "A:"), worked examples separated by a
    blank line. Ends where the model continues."""
    parts: list[str] = []
    for i, m in enumerate(messages):
        if m.role == "system" or m.role == "user":
            # The last text is kept exactly: a trailing space or newline changes the tokens.
            content = m.content if i == len(messages) - 1 else m.content.rstrip()
            parts.append(("\n\n" if parts else "") + content)
        else:
            before = parts[-1] if parts else ""
            sep = "" if before.endswith("：") else " " if before.endswith(":") else "\n"
            parts.append(sep + m.content)
    return "".join(parts)


def prompt_builder(mode: str, chat: ChatFormat) -> Callable[[list[ChatMessage]], str]:
    """messages → the exact text the model receives: through the model's chat format in chat
    mode, as flat text in completion mode."""
    return chat.render if mode == "chat" else flatten
