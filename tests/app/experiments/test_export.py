"""Exports of an experiment summary: CSV that reads back (Chinese, newlines), JSONL that
round-trips the cases, and an offline HTML report that escapes everything it was given."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from workbench.app.experiments.export import FORMATS, MATRIX_MAX_CASES, export, to_csv, to_html, to_jsonl
from workbench.app.experiments.stats import pair_sentence

HOSTILE = '<script>alert("x")</script>'


def reliability() -> list[dict[str, Any]]:
    bins = [{"lo": i / 10, "hi": (i + 1) / 10, "n": 0, "confidence": None, "accuracy": None} for i in range(10)]
    bins[8] = {"lo": 0.8, "hi": 0.9, "n": 2, "confidence": 0.85, "accuracy": 0.5}
    bins[9] = {"lo": 0.9, "hi": 1.0, "n": 1, "confidence": 0.95, "accuracy": 1.0}
    return bins


def case(row: int, column: str, passed: bool | None, output: str, repeat: int = 0, **kw: Any) -> dict[str, Any]:
    reviews = ["物流很快，包装完好", "质量太差了\n再也不买", "It's fine, I guess"]
    labels = ["正面", "负面", "中性"]
    data = {
        "row": row, "column": column, "repeat": repeat, "run_id": 100 + row * 10 + repeat, "status": "ok",
        "passed": passed, "score": None if passed is None else float(passed), "output": output, "answer": None,
        "assertions": [] if passed is None else [{"type": "contains", "passed": passed, "detail": "…"}],
        "label_probs": None, "cached": False, "error": None,
        "vars": {"review": reviews[row], "label": labels[row]}, "completion_tokens": 4, "latency_s": 0.2,
    }
    data.update(kw)
    return data


def make_summary() -> dict[str, Any]:
    probs = [{"正面": 0.9, "负面": 0.06, "中性": 0.04}, {"正面": 0.12, "负面": 0.85, "中性": 0.03}, {"正面": 0.5, "负面": 0.1, "中性": 0.4}]
    cases = [
        case(0, "terse", True, "正面"),
        case(1, "terse", False, "负面\n（差评）", assertions=[{"type": "contains", "passed": True}, {"type": "regex", "passed": False}]),
        case(2, "terse", None, "", status="error", error="engine crashed: out of memory"),
        *(case(r, "lib/zero_shot_cot", True, f"思考……答案：{lab}") for r, lab in enumerate(["正面", "负面", "中性"])),
        case(2, "lib/zero_shot_cot", False, "中性?", repeat=1),
        *(case(r, HOSTILE, None, "", label_probs=probs[r]) for r in range(3)),
    ]
    cases[0]["output"] = HOSTILE + " see https://evil.example/x.js <img src=x>"
    return {
        "experiment_id": 3, "name": "舆情分析：直接 vs 思维链", "status": "done", "created_at": "2026-12-03T10:00:00Z",
        "n_cases": 10, "n_done": 10, "error": None, "bad_rows": [],
        "columns": [
            {"id": "terse", "prompt": "terse", "variant": None, "model": "SmolLM2-135M-Instruct", "n": 3, "passed": 1,
             "pass_rate": 1 / 3, "ci95": [0.06, 0.79], "mean_score": 0.5, "errors": 1, "tokens": 12, "mean_latency_s": 0.2,
             "classification": None},
            {"id": "lib/zero_shot_cot", "prompt": "lib", "variant": "zero_shot_cot", "model": "SmolLM2-135M-Instruct", "n": 4,
             "passed": 3, "pass_rate": 0.75, "ci95": [0.30, 0.95], "mean_score": 0.75, "errors": 0, "tokens": 16,
             "mean_latency_s": 0.2, "classification": None},
            {"id": HOSTILE, "prompt": "lib", "variant": "direct", "model": "SmolLM2-135M-Instruct", "n": 0, "passed": 0,
             "pass_rate": 0.0, "ci95": [0.0, 1.0], "mean_score": None, "errors": 0, "tokens": 0, "mean_latency_s": 0.1,
             "classification": {"n": 3, "accuracy": 2 / 3, "mean_p_correct": 0.72, "ece": 0.123,
                                "reliability": reliability(), "multi_token_labels": ["中性"]}},
        ],
        "pairs": [{"a": "terse", "b": "lib/zero_shot_cot", "n": 3, "a_rate": 1 / 3, "b_rate": 1.0, "diff": 0.6667,
                   "ci95": [0.04, 0.90], "p_value": 0.5, "a_only": 0, "b_only": 2, "verdict": "b"}],
        "flaky": [{"row": 2, "column": "lib/zero_shot_cot", "k": 2, "passes": 1, "pass_at_k": 1.0, "pass_hat_k": 0.0}],
        "cases": cases,
    }


# --- dispatch -------------------------------------------------------------------------------


def test_export_dispatches_and_names_the_formats_for_an_unknown_one() -> None:
    summary = make_summary()
    for fmt, writer in zip(FORMATS, (to_csv, to_jsonl, to_html)):
        via, direct = io.StringIO(), io.StringIO()
        export(summary, fmt, via)
        writer(summary, direct)
        assert via.getvalue() == direct.getvalue() != ""
    with pytest.raises(ValueError, match="csv, jsonl, html"):
        export(summary, "xlsx", io.StringIO())


# --- CSV ------------------------------------------------------------------------------------


def read_csv(summary: dict[str, Any]) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    to_csv(summary, out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_csv_has_one_line_per_case_with_the_column_details_and_dataset_variables() -> None:
    summary = make_summary()
    rows = read_csv(summary)
    assert len(rows) == len(summary["cases"])
    header = list(rows[0])
    assert header[:6] == ["experiment_id", "row", "column", "prompt", "variant", "model"]
    assert header[-2:] == ["var:review", "var:label"]  # in the order the dataset has them
    first, second, error = rows[0], rows[1], rows[2]
    assert (first["experiment_id"], first["row"], first["column"], first["model"]) == ("3", "0", "terse", "SmolLM2-135M-Instruct")
    assert (first["passed"], first["score"], first["cached"], first["variant"]) == ("true", "1.0", "false", "")
    assert first["var:review"] == "物流很快，包装完好" and first["var:label"] == "正面"
    assert second["output"] == "负面\n（差评）" and second["var:review"] == "质量太差了\n再也不买"
    assert second["assertions"] == "contains:pass; regex:fail"
    assert (error["status"], error["passed"], error["error"]) == ("error", "", "engine crashed: out of memory")
    cot = rows[3]
    assert (cot["prompt"], cot["variant"], cot["run_id"]) == ("lib", "zero_shot_cot", "100")


def test_csv_label_probs_are_json_text_with_chinese_intact() -> None:
    rows = read_csv(make_summary())
    classified = [r for r in rows if r["label_probs"]]
    assert len(classified) == 3
    assert json.loads(classified[1]["label_probs"]) == {"正面": 0.12, "负面": 0.85, "中性": 0.03}
    assert "负面" in classified[1]["label_probs"]  # not \\u escapes
    assert rows[0]["label_probs"] == ""


def test_csv_written_with_a_bom_reads_back_in_utf8_sig(tmp_path: Any) -> None:
    path = tmp_path / "cases.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        to_csv(make_summary(), out)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "物流很快".encode() in raw  # UTF-8 after the byte-order mark
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[1]["var:review"] == "质量太差了\n再也不买" and list(rows[0])[0] == "experiment_id"


def test_csv_of_a_summary_without_cases_is_just_the_header() -> None:
    summary = make_summary() | {"cases": []}
    out = io.StringIO()
    to_csv(summary, out)
    assert out.getvalue().strip().split(",")[0] == "experiment_id" and len(out.getvalue().splitlines()) == 1


# --- JSONL ----------------------------------------------------------------------------------


def test_jsonl_round_trips_every_case_with_its_experiment_id() -> None:
    summary = make_summary()
    out = io.StringIO()
    to_jsonl(summary, out)
    text = out.getvalue()
    lines = text.splitlines()
    assert len(lines) == len(summary["cases"]) and text.endswith("\n")
    parsed = [json.loads(line) for line in lines]
    assert all(p.pop("experiment_id") == 3 for p in parsed)
    assert parsed == summary["cases"]
    assert "质量太差了" in text  # ensure_ascii=False


# --- HTML -----------------------------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source", "track", "embed", "param"}


class Structure(HTMLParser):
    """Checks every opened element is closed in order, and collects what the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.bars: list[dict[str, str | None]] = []
        self.tags: dict[str, int] = {}
        self.titles: list[str] = []
        self.html_attrs: dict[str, str | None] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        found = dict(attrs)
        if tag == "html":
            self.html_attrs = found
        if tag == "rect" and found.get("class") == "bar":
            self.bars.append(found)
        if found.get("title"):
            self.titles.append(str(found["title"]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def render(summary: dict[str, Any]) -> tuple[str, Structure]:
    out = io.StringIO()
    to_html(summary, out)
    page = out.getvalue()
    parser = Structure()
    parser.feed(page)
    parser.close()
    return page, parser


def test_html_is_well_formed_and_offline() -> None:
    page, parsed = render(make_summary())
    assert parsed.problems == [] and parsed.stack == []
    assert all(parsed.tags.get(t, 0) >= 1 for t in ("table", "svg", "section"))
    for needle in ("http://", "https://", "src=", "<link", "url(", "@import", "<script"):
        assert needle not in page.lower(), needle
    assert '<meta charset="utf-8">' in page and parsed.html_attrs.get("lang") == "zh"


def test_html_escapes_hostile_text_in_text_and_attributes() -> None:
    page, parsed = render(make_summary())
    assert "<script" not in page and "&lt;script&gt;" in page
    text = "".join(parsed.text)
    assert HOSTILE in text  # the column id shows as text, in the tables and the chart
    assert any(HOSTILE in t and "https://evil.example" in t for t in parsed.titles)  # the output, on hover
    assert parsed.tags.get("script", 0) == 0 and parsed.tags.get("img", 0) == 0


def test_html_has_one_bar_per_column_with_its_pass_rate() -> None:
    summary = make_summary()
    _, parsed = render(summary)
    assert len(parsed.bars) == len(summary["columns"])
    heights = [float(str(b["height"])) for b in parsed.bars]
    # 200 px is 100 %: a third, three quarters and nothing
    assert heights == pytest.approx([200 / 3, 150.0, 0.0], abs=0.1)


def test_html_says_the_pair_in_words_and_lists_columns_reliability_flaky_and_cases() -> None:
    summary = make_summary()
    page, parsed = render(summary)
    text = " ".join(" ".join(parsed.text).split())
    sentence = pair_sentence(summary["pairs"][0])
    assert sentence.startswith("lib/zero_shot_cot beats terse by 67 points [4, 90]") and "n = 3" in sentence
    assert sentence in text
    assert "舆情分析：直接 vs 思维链" in text and "10 of 10 cases done" in text
    assert "33.3" in text and "[6.0, 79.0]" in text  # terse's pass rate and interval
    assert "sum of their tokens' log-probabilities" in text and "中性" in text
    assert "Reliability" in text and "0.123" in text and "Flaky cases" in text and "1 of 2" in text
    matrix = page[page.index('id="cases"'):]
    assert matrix.count('class="c pass"') == 4 + 1 and matrix.count('class="c fail"') == 2 + 1  # +1: the legend
    assert matrix.count('class="c err"') == 1 + 1 and matrix.count('class="c none"') == 3 + 1
    assert "Showing the first" not in page
    assert any(t.startswith("repeat 0\nlabels: 负面 0.85, 正面 0.12") for t in parsed.titles)  # a classified case
    assert any(t.endswith("output: 负面\n（差评）") for t in parsed.titles)  # line breaks kept on hover


def test_html_lang_is_english_for_an_english_name_and_copes_with_an_empty_summary() -> None:
    empty = {"experiment_id": 9, "name": "smoke test", "status": "running", "created_at": "2026-12-03T10:00:00Z",
             "n_cases": 0, "n_done": 0, "columns": [], "pairs": [], "flaky": [], "cases": []}
    page, parsed = render(empty)
    assert parsed.html_attrs.get("lang") == "en" and parsed.problems == [] and parsed.stack == []
    assert "No cases in this summary." in page and parsed.bars == []


def test_html_matrix_of_a_big_experiment_shows_the_first_cases_and_says_so() -> None:
    summary = make_summary()
    n = MATRIX_MAX_CASES + 500
    summary["cases"] = [case(r % 3, "terse", r % 2 == 0, "ok", repeat=r // 3) for r in range(n)]
    page, parsed = render(summary)
    assert parsed.problems == []
    assert f"Showing the first {MATRIX_MAX_CASES:,} of {n:,} cases" in page
    matrix = page[page.index('id="cases"'):]
    assert len(re.findall(r'<span class="c (?:pass|fail)" title', matrix)) == MATRIX_MAX_CASES
