"""The starter library: valid, complete in both languages, imported once per database."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.app.prompt_spec import version_task
from workbench.prompts.templates import check_template, language, render_version, variant_of
from workbench.prompts.variants import KINDS, flatten
from workbench.store.database import Database
from workbench.store.starter import ensure_starter_library, starter_file
from workbench.store.templates import TemplateStore
from workbench.values.params import GenerateParams

from tests.helpers.stores import template_store

TOPICS = ("舆情分析", "坐席质检", "按格式输出", "分类", "聚类", "知识库", "今天我很", "算术", "注入")


def test_every_starter_template_renders_and_every_variant_builds(tmp_path: Path) -> None:
    store = template_store(tmp_path / "s.sqlite")
    names = ensure_starter_library(store)
    data = json.loads(starter_file().read_text(encoding="utf-8"))
    assert names == [t["name"] for t in data["templates"]] and len(names) >= 18
    for topic in TOPICS:
        assert any(topic in n for n in names), topic
    kinds_seen: set[str] = set()
    for info in store.list():
        assert ("zh" in info.tags) != ("en" in info.tags), info.name
        version = store.resolve(f"{info.name}@production")
        system, body = render_version(version, {})
        assert body.strip() and "{{" not in body and "{{" not in system
        for stored in version.variants:
            task = version_task(version, stored["name"], {}, flatten, GenerateParams(prompt=""))
            assert task.prompt().strip()
            kinds_seen.add(task.variant.kind)
    assert kinds_seen == set(KINDS)
    arithmetic = store.resolve("算术应用题")
    assert {v["kind"] for v in arithmetic.variants} == set(KINDS) and language(arithmetic) == "zh"
    assert variant_of(arithmetic, "zero_shot_cot")["cue"] == "让我们一步一步地思考。"


def test_the_library_is_imported_once_and_never_over_the_users_work(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.sqlite")
    store = TemplateStore(db, check=check_template)
    store.add("分类", "我的分类模板：{{ text }}", variables=[{"name": "text", "default": "x"}])
    names = ensure_starter_library(store)
    assert "分类" not in names and "classification" in names
    assert store.resolve("分类").body == "我的分类模板：{{ text }}"
    store.delete("classification")
    assert ensure_starter_library(store) == []
    assert "classification" not in {t.name for t in store.list()}


def test_a_missing_library_file_or_read_only_database_imports_nothing(tmp_path: Path) -> None:
    store = template_store(tmp_path / "s.sqlite")
    assert ensure_starter_library(store, tmp_path / "missing.json") == []
    path = tmp_path / "r.sqlite"
    Database(path).close()
    read_only = template_store(path, read_only=True)
    assert ensure_starter_library(read_only) == []
