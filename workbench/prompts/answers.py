"""Answers out of free text, and a majority vote over them (self-consistency).

Three extraction rules: ``regex`` (the last match, ignoring case unless ``"ignore_case": false``;
its first group when it has one), ``last_line``
(the last non-empty line) and ``json_field`` (a field of the last JSON object in the text). Answers
are compared after normalising case, spacing, thousands separators and closing punctuation, so
"42." and " 42" are one vote.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_TRAILING = " \t\r\n.。!！?？,，;；:：\"'“”‘’`*\ufffd"  # U+FFFD: a character cut by the token limit
_NUMBER_COMMAS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def extract(text: str, rule: dict[str, Any]) -> str | None:
    """The answer in ``text`` under ``rule``, or None when the rule finds nothing."""
    kind = rule.get("rule")
    if kind == "regex":
        flags = re.IGNORECASE if rule.get("ignore_case", True) else 0
        matches = list(re.finditer(str(rule["pattern"]), text, flags))
        if not matches:
            return None
        last = matches[-1]
        found = next((g for g in last.groups() if g is not None), None) if last.groups() else last.group(0)
        return found.strip() if found is not None and found.strip() else None
    if kind == "last_line":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else None
    if kind == "json_field":
        return _json_field(text, str(rule["field"]))
    raise ValueError(f"unknown extraction rule {kind!r}")


def _json_field(text: str, name: str) -> str | None:
    decoder = json.JSONDecoder()
    found: Any = None
    i = text.find("{")
    while i >= 0:
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            i = text.find("{", i + 1)
            continue
        if isinstance(value, dict) and name in value:
            found = value[name]
        i = text.find("{", end)
    if found is None:
        return None
    return found if isinstance(found, str) else json.dumps(found, ensure_ascii=False, sort_keys=True)


def normalise(answer: str) -> str:
    """The form answers are counted in."""
    text = unicodedata.normalize("NFKC", answer).strip(_TRAILING)
    text = _NUMBER_COMMAS.sub("", text)
    text = re.sub(r"\s+", " ", text)
    if re.fullmatch(r"-?\d+\.0+", text):
        text = text.split(".")[0]
    return text.casefold()


@dataclass
class Vote:
    answer: str  # as first written by a sample
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "count": self.count}


@dataclass
class VoteResult:
    votes: list[Vote] = field(default_factory=list)  # most votes first; ties in order of first appearance
    unanswered: int = 0  # samples in which the rule found no answer

    @property
    def winner(self) -> str | None:
        return self.votes[0].answer if self.votes else None

    @property
    def tie(self) -> bool:
        """The top answers have as many votes each: the first written wins, but say so."""
        return len(self.votes) > 1 and self.votes[0].count == self.votes[1].count

    @property
    def agreement(self) -> float:
        """The winner's share of all samples (unanswered ones included)."""
        total = sum(v.count for v in self.votes) + self.unanswered
        return self.votes[0].count / total if self.votes and total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"winner": self.winner, "agreement": self.agreement, "tie": self.tie, "votes": [v.to_json() for v in self.votes],
                "unanswered": self.unanswered}


def majority(answers: list[str | None]) -> VoteResult:
    counts: Counter[str] = Counter()
    first_form: dict[str, str] = {}
    order: dict[str, int] = {}
    unanswered = 0
    for answer in answers:
        if answer is None:
            unanswered += 1
            continue
        key = normalise(answer)
        if not key:
            unanswered += 1
            continue
        counts[key] += 1
        first_form.setdefault(key, answer.strip(_TRAILING) or answer)
        order.setdefault(key, len(order))
    ranked = sorted(counts, key=lambda k: (-counts[k], order[k]))
    return VoteResult([Vote(first_form[k], counts[k]) for k in ranked], unanswered)
