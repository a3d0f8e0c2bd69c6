"""Answer extraction rules and the majority vote of self-consistency."""

from __future__ import annotations

from workbench.prompts.answers import extract, majority, normalise
from workbench.prompts.variants import default_answer_pattern

EN = {"rule": "regex", "pattern": default_answer_pattern("en")}
ZH = {"rule": "regex", "pattern": default_answer_pattern("zh")}


def test_regex_takes_the_last_match_and_its_group() -> None:
    text = "First guess: the answer is 7. Checking again, 3 + 5 = 8. So the answer is 8."
    assert extract(text, EN) == "8"
    assert extract("THE ANSWER IS 12", EN) == "12"  # case does not matter by default
    assert extract("the answer is 12", {**EN, "ignore_case": False}) is None
    assert extract("no conclusion here", EN) is None
    assert extract("3 + 5 = 8。所以答案是 8。", ZH) == "8"
    assert extract("答案是：正面", ZH) == "正面"
    assert extract("x = 42 and y = 7", {"rule": "regex", "pattern": r"\d+"}) == "7"


def test_last_line_and_json_field() -> None:
    assert extract("reasoning...\n\n  positive \n\n", {"rule": "last_line"}) == "positive"
    assert extract("   \n", {"rule": "last_line"}) is None
    text = 'Draft: {"label": "neg"} then the final {"label": "pos", "score": 0.9} {broken'
    assert extract(text, {"rule": "json_field", "field": "label"}) == "pos"
    assert extract('{"n": [1, 2]}', {"rule": "json_field", "field": "n"}) == "[1, 2]"
    assert extract("no json", {"rule": "json_field", "field": "label"}) is None


def test_a_character_cut_by_the_token_limit_is_not_part_of_the_answer() -> None:
    assert extract("答案是 正面\ufffd", {"rule": "regex", "pattern": "答案是\\s*(.+)"}) == "正面\ufffd"
    assert majority(["正面\ufffd", "正面"]).votes[0].count == 2


def test_normalised_answers_vote_together() -> None:
    assert normalise(" 1,000. ") == normalise("1000") == "1000"
    assert normalise("8.0") == "8"
    assert normalise("Positive!") == normalise("positive")
    assert normalise("８") == "8"  # full-width digits


def test_majority_counts_ties_and_unanswered() -> None:
    result = majority(["8", "7", "8.", None, "7", " 8", ""])
    assert [(v.answer, v.count) for v in result.votes] == [("8", 3), ("7", 2)]
    assert result.winner == "8" and result.unanswered == 2
    assert abs(result.agreement - 3 / 7) < 1e-12
    assert not result.tie
    tie = majority(["b", "a", "a", "b"])
    assert tie.winner == "b" and tie.tie  # a tie goes to the answer seen first, and says so
    assert tie.to_json()["tie"] is True
    assert majority([None, None]).winner is None and majority([]).agreement == 0.0
