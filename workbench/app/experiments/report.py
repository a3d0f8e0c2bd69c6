"""An experiment's results as one summary (the ``eval --json`` and ``eval show --json`` object,
what the window's matrix and the exports read): per column the pass rate with its Wilson
interval, classification accuracy and calibration; for every pair of columns the paired
difference with its interval and McNemar's exact p; with repeats, pass@k, pass^k and the cases
that flip.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workbench.app.experiments.stats import calibration, paired, pass_at_k, pass_hat_k, wilson
from workbench.app.workspace import Workspace
from workbench.prompts.answers import normalise
from workbench.store.experiments import CaseRecord, ExperimentRecord


def summary(workspace: Workspace, experiment_id: int, with_cases: bool = True) -> dict[str, Any]:
    """The summary of a stored experiment (every case read once, in pages)."""
    record = workspace.experiments.get(experiment_id)
    return summarise(record, workspace.experiments.cases(experiment_id), with_cases)


@dataclass
class _Column:
    id: str
    prompt: str
    variant: str | None
    model: str
    n: int = 0
    passed: int = 0
    errors: int = 0
    scores: list[float] = field(default_factory=list)
    tokens: int = 0
    latency: float = 0.0
    confidence: list[float] = field(default_factory=list)
    correct: list[bool] = field(default_factory=list)
    p_correct: list[float] = field(default_factory=list)
    multi_token: set[str] = field(default_factory=set)


def summarise(record: ExperimentRecord, cases: Iterable[CaseRecord], with_cases: bool = True) -> dict[str, Any]:
    plan = record.plan
    expected_column = ((record.definition.get("classify") or {}).get("expected"))
    columns = {c["id"]: _Column(c["id"], c["prompt"], c["variant"], c["model"]) for c in plan.get("columns", [])}
    verdicts: dict[str, dict[tuple[int, int], bool]] = defaultdict(dict)  # column -> (row, repeat) -> passed
    out_cases: list[dict[str, Any]] = []
    for case in cases:
        column = columns.get(case.column)
        if column is None:  # a column no longer planned (the file changed on resume): still reported
            column = columns[case.column] = _Column(case.column, case.column, None, "")
        if with_cases:
            out_cases.append(case.to_json())
        column.errors += case.status == "error"
        column.tokens += case.completion_tokens
        column.latency += case.latency_s
        if case.passed is not None:
            column.n += 1
            column.passed += bool(case.passed)
            verdicts[case.column][(case.row, case.repeat)] = bool(case.passed)
        elif case.status == "error":
            column.n += 1
            verdicts[case.column][(case.row, case.repeat)] = False
        if case.score is not None:
            column.scores.append(case.score)
        if case.label_probs and expected_column:
            expected = case.variables.get(expected_column)
            if expected is not None:
                best = max(case.label_probs, key=lambda label: case.label_probs[label])
                right = {label for label in case.label_probs if normalise(label) == normalise(expected)}
                column.confidence.append(case.label_probs[best])
                column.correct.append(best in right)
                column.p_correct.append(sum(case.label_probs[label] for label in right))
        for label, n in (case.label_tokens or {}).items():
            if n > 1:
                column.multi_token.add(label)
    return {
        "experiment_id": record.id,
        "name": record.name,
        "status": record.status,
        "created_at": record.to_json()["created_at"],
        "source": record.source,
        "n_cases": record.n_cases,
        "n_done": record.n_done,
        "error": record.error,
        "columns": [{**_column_json(c), **_repeat_rates(verdicts.get(c.id, {}), int(plan.get("repeats") or 1))} for c in columns.values()],
        "pairs": _pairs(list(columns), verdicts),
        "flaky": _flaky(verdicts, int(plan.get("repeats") or 1)),
        "bad_rows": plan.get("bad_rows", []),
        "cases": out_cases,
    }


def _column_json(c: _Column) -> dict[str, Any]:
    lo, hi = wilson(c.passed, c.n)
    classification = None
    if c.correct:
        cal = calibration(c.confidence, c.correct)
        classification = {
            "n": len(c.correct),
            "accuracy": sum(c.correct) / len(c.correct),
            "mean_p_correct": sum(c.p_correct) / len(c.p_correct),
            "ece": cal.ece,
            "reliability": cal.to_json()["reliability"],
            "multi_token_labels": sorted(c.multi_token),
        }
    done = max(1, c.n + (c.errors if c.n == 0 else 0))
    return {
        "id": c.id, "prompt": c.prompt, "variant": c.variant, "model": c.model,
        "n": c.n, "passed": c.passed, "pass_rate": c.passed / c.n if c.n else 0.0, "ci95": [lo, hi],
        "mean_score": sum(c.scores) / len(c.scores) if c.scores else None,
        "errors": c.errors, "tokens": c.tokens, "mean_latency_s": c.latency / done,
        "classification": classification,
    }


def _pairs(ids: list[str], verdicts: dict[str, dict[tuple[int, int], bool]]) -> list[dict[str, Any]]:
    out = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            shared = sorted(set(verdicts.get(a, {})) & set(verdicts.get(b, {})))
            if not shared:
                continue
            result = paired([verdicts[a][k] for k in shared], [verdicts[b][k] for k in shared])
            out.append({"a": a, "b": b, "n": result.n, "a_rate": result.a_rate, "b_rate": result.b_rate, "diff": result.diff, "ci95": list(result.ci95),
                        "p_value": result.p_value, "a_only": result.a_only, "b_only": result.b_only, "verdict": result.verdict})
    return out


def _repeat_rates(cells: dict[tuple[int, int], bool], repeats: int) -> dict[str, Any]:
    """With repeats, the column's mean pass@k and pass^k over its rows (k: the repeats): how often
    at least one draw passes, and how often every draw does."""
    if repeats < 2:
        return {"pass_at_k": None, "pass_hat_k": None}
    by_row: dict[int, list[bool]] = defaultdict(list)
    for (row, _repeat), passed in cells.items():
        by_row[row].append(passed)
    rows = [draws for draws in by_row.values() if draws]
    if not rows:
        return {"pass_at_k": None, "pass_hat_k": None}
    at = [pass_at_k(len(d), sum(d), len(d)) for d in rows]
    hat = [pass_hat_k(len(d), sum(d), len(d)) for d in rows]
    return {"pass_at_k": sum(at) / len(at), "pass_hat_k": sum(hat) / len(hat), "k": repeats}


def _flaky(verdicts: dict[str, dict[tuple[int, int], bool]], repeats: int) -> list[dict[str, Any]]:
    """With repeats, each case's pass@k and pass^k over its draws; the cases that flip are listed."""
    if repeats < 2:
        return []
    out = []
    for column, cells in verdicts.items():
        by_row: dict[int, list[bool]] = defaultdict(list)
        for (row, _repeat), passed in cells.items():
            by_row[row].append(passed)
        for row, draws in sorted(by_row.items()):
            k, c = len(draws), sum(draws)
            if 0 < c < k:
                out.append({"row": row, "column": column, "k": k, "passes": c,
                            "pass_at_k": pass_at_k(k, c, k), "pass_hat_k": pass_hat_k(k, c, k)})
    return out
