"""The experiment summary from stored cases: pass rates with Wilson intervals, paired comparisons
over the rows both columns ran, errors counted as failures, classification and calibration, and
with repeats pass@k, pass^k and the cases that flip."""

from __future__ import annotations

from datetime import datetime

import pytest

from workbench.app.experiments.report import summarise
from workbench.app.experiments.stats import pair_sentence
from workbench.app.experiments.stats import mcnemar_exact, wilson
from workbench.store.experiments import CaseRecord, ExperimentRecord


def record(columns: list[str], repeats: int = 1, classify: dict | None = None) -> ExperimentRecord:
    plan = {"columns": [{"id": c, "prompt": c.split("/")[0], "variant": None, "model": "default"} for c in columns], "repeats": repeats}
    now = datetime(2026, 12, 3)
    return ExperimentRecord(1, "demo", "", now, now, "done", {"classify": classify} if classify else {}, plan, 0, 0, None)


def case(row: int, column: str, passed: bool | None, repeat: int = 0, **kw: object) -> CaseRecord:
    return CaseRecord(row=row, column=column, repeat=repeat, status=str(kw.pop("status", "ok")), variables=dict(kw.pop("variables", {})),  # type: ignore[arg-type]
                      passed=passed, score=None if passed is None else float(passed), **kw)  # type: ignore[arg-type]


def test_pass_rates_and_the_paired_comparison() -> None:
    a = [True] * 3 + [False] * 7
    b = [True] * 9 + [False]
    cases = [case(i, "a", p) for i, p in enumerate(a)] + [case(i, "b", p) for i, p in enumerate(b)]
    cases.append(case(10, "b", None, status="error", error="engine crashed"))  # counted as a failure of b only
    result = summarise(record(["a", "b"]), cases)
    col_a, col_b = result["columns"]
    assert (col_a["n"], col_a["passed"], col_a["pass_rate"]) == (10, 3, 0.3)
    assert col_a["ci95"] == pytest.approx(list(wilson(3, 10)))
    assert (col_b["n"], col_b["passed"], col_b["errors"]) == (11, 9, 1)
    (pair,) = result["pairs"]
    assert (pair["a"], pair["b"], pair["n"]) == ("a", "b", 10)  # row 10 ran only in b
    assert pair["diff"] == pytest.approx(0.6) and pair["ci95"][0] > 0 and pair["verdict"] == "b"
    assert pair["p_value"] == pytest.approx(mcnemar_exact(pair["a_only"], pair["b_only"])) and pair["b_only"] == 6
    assert pair_sentence(pair).startswith("b beats a by 60 points")
    assert len(result["cases"]) == 21 and result["flaky"] == [] and col_a["pass_at_k"] is None


def test_repeats_give_pass_at_k_pass_hat_k_and_flipping_cases() -> None:
    draws = {0: [True, True, True], 1: [True, False, True], 2: [False, False, False]}
    cases = [case(row, "a", p, repeat=r) for row, ps in draws.items() for r, p in enumerate(ps)]
    result = summarise(record(["a"], repeats=3), cases)
    (column,) = result["columns"]
    assert column["pass_at_k"] == pytest.approx(2 / 3) and column["pass_hat_k"] == pytest.approx(1 / 3) and column["k"] == 3
    assert result["flaky"] == [{"row": 1, "column": "a", "k": 3, "passes": 2, "pass_at_k": 1.0, "pass_hat_k": 0.0}]


def test_classification_accuracy_probability_of_the_right_label_and_calibration() -> None:
    probs = [({"pos": 0.9, "neg": 0.1}, "pos"), ({"pos": 0.6, "neg": 0.4}, "neg"), ({"pos": 0.2, "neg": 0.8}, "neg")]
    cases = [case(i, "a", None, label_probs=p, label_tokens={"pos": 1, "neg": 2}, variables={"label": want})
             for i, (p, want) in enumerate(probs)]
    result = summarise(record(["a"], classify={"labels": ["pos", "neg"], "expected": "label"}), cases)
    cls = result["columns"][0]["classification"]
    assert cls["accuracy"] == pytest.approx(2 / 3) and cls["mean_p_correct"] == pytest.approx((0.9 + 0.4 + 0.8) / 3)
    # ECE over 10 bins: |1 - 0.9|, |0 - 0.6|, |1 - 0.8| each weighted 1/3.
    assert cls["ece"] == pytest.approx((0.1 + 0.6 + 0.2) / 3)
    assert cls["multi_token_labels"] == ["neg"] and len(cls["reliability"]) == 10
