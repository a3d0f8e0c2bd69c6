"""Dataset rows: CSV and JSONL read one at a time with their line numbers, a bad line skipped
with its reason while the others still come, a row's own assertions."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from workbench.app.experiments.dataset import BadRow, Row, rows
from workbench.app.experiments.definition import DatasetDef
from workbench.errors import ExperimentFileError


def test_csv_rows_keep_chinese_quoted_newlines_and_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text('\ufeffreview,label,assert\n好吃,正面,\n"第一行\n第二行",负面,"[{""type"": ""contains"", ""value"": ""差""}]"\nonly-one-field\n\n太贵,负面,not json\n',
                    encoding="utf-8")
    got = list(rows(DatasetDef(path=path, format="csv")))
    assert got[0] == Row(0, 2, {"review": "好吃", "label": "正面"}, ())
    assert got[1] == Row(1, 3, {"review": "第一行\n第二行", "label": "负面"}, ({"type": "contains", "value": "差"},))
    assert isinstance(got[2], BadRow) and got[2].line == 5 and "1 fields where the header has 3" in got[2].reason
    assert isinstance(got[3], BadRow) and got[3].line == 7 and "assert column is not JSON" in got[3].reason
    assert len(got) == 4


def test_jsonl_bad_lines_are_reported_and_the_others_run(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"q": "1+1", "answer": 2}\n{"q": broken\n\n[1, 2]\n{"q": "嗨", "tags": ["a"], "ok": true}\n', encoding="utf-8")
    got = list(rows(DatasetDef(path=path, format="jsonl")))
    assert got[0] == Row(0, 1, {"q": "1+1", "answer": "2"}, ())
    assert isinstance(got[1], BadRow) and got[1].line == 2 and got[1].reason.startswith("not JSON")
    assert isinstance(got[2], BadRow) and got[2].line == 4 and "JSON object" in got[2].reason
    assert got[3] == Row(3, 5, {"q": "嗨", "tags": '["a"]', "ok": "true"}, ())


def test_rows_stream_without_reading_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(10_000):
            f.write(f'{{"q": "question {i}"}}\n')
    stream = rows(DatasetDef(path=path, format="jsonl"))
    first = list(itertools.islice(stream, 3))
    assert [r.values["q"] for r in first if isinstance(r, Row)] == ["question 0", "question 1", "question 2"]
    assert sum(1 for _ in stream) == 9_997


def test_a_missing_or_undecodable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExperimentFileError, match="cannot open the dataset"):
        list(rows(DatasetDef(path=tmp_path / "none.csv", format="csv")))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("q\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(ExperimentFileError, match="not UTF-8"):
        list(rows(DatasetDef(path=latin, format="csv")))
