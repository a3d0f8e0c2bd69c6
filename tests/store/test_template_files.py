"""Template libraries as JSON or YAML files: the same data both ways, clear errors for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import BadInputError
from workbench.store import template_files
from workbench.prompts.templates import variant_of
from workbench.store.templates import TemplateStore

from tests.helpers.stores import template_store


def _library(tmp_path: Path) -> TemplateStore:
    store = template_store(tmp_path / "a.sqlite")
    store.add(
        "算术", "问：{{ question }}\n答：", variables=[{"name": "question", "default": "3加5等于几？"}],
        examples=[{"input": "1加1？", "reasoning": "一加一等于二。", "output": "2"}],
        variants=[{"name": "投票", "kind": "self_consistency", "samples": 3, "extract": {"rule": "last_line"}},
                  {"name": "cot", "kind": "zero_shot_cot"}],
        tags=["zh"],
    )
    store.edit("算术", "更短", body="{{ question }}\n答：")
    store.label("算术", "production", "2")
    return store


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_a_library_round_trips_through_a_file(tmp_path: Path, suffix: str) -> None:
    store = _library(tmp_path)
    path = tmp_path / f"lib{suffix}"
    template_files.write(path, store.export())
    text = path.read_text(encoding="utf-8")
    assert "问：" in text  # Chinese stays readable, not escaped
    if suffix != ".json":
        assert "body: |" in text  # multi-line prompts as YAML block scalars
    other = template_store(tmp_path / "b.sqlite")
    assert other.import_(template_files.read(path)) == ["算术"]
    def versions(s: TemplateStore) -> list[dict]:
        return [{k: v for k, v in ver.items() if k != "created_at"} for ver in s.export()["templates"][0]["versions"]]

    assert versions(other) == versions(store)
    assert variant_of(other.resolve("算术@production"), "投票")["samples"] == 3


def test_broken_files_say_what_and_where(tmp_path: Path) -> None:
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("format: prompt-workbench-templates\ntemplates: [\n  - name: x\n   body: {", encoding="utf-8")
    with pytest.raises(BadInputError, match=r"invalid YAML on line \d"):
        template_files.read(bad_yaml)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(BadInputError, match="invalid JSON on line 1"):
        template_files.read(bad_json)
    with pytest.raises(BadInputError, match="No such file"):
        template_files.read(tmp_path / "missing.yaml")
    python_object = tmp_path / "evil.yaml"
    python_object.write_text("!!python/object/apply:os.system ['echo hacked']", encoding="utf-8")
    with pytest.raises(BadInputError, match="invalid YAML"):
        template_files.read(python_object)
