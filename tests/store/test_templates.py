"""Templates on a real database: immutable versions, labels, diff, rename/copy/archive/delete, the
checks a version passes when saved, and export/import that keeps every version."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import BadInputError, TemplateError
from workbench.store.template_search import matches
from workbench.store.templates import TemplateStore

from tests.helpers.stores import template_store

BODY = "Classify the sentiment of this review as positive or negative.\nReview: {{ review }}\nSentiment:"


@pytest.fixture
def templates(tmp_path: Path) -> TemplateStore:
    return template_store(tmp_path / "t.sqlite")


def test_edits_make_versions_and_labels_point_at_them(templates: TemplateStore) -> None:
    v1 = templates.add("sentiment", BODY, variables=[{"name": "review", "description": "the text"}], tags=["舆情分析"])
    assert (v1.ref, v1.note) == ("sentiment@1", "first version")
    v2 = templates.edit("sentiment", "answer in one word", body=BODY + " (one word)")
    assert v2.number == 2 and v2.variables == v1.variables
    templates.label("sentiment", "production", "1")
    assert templates.resolve("sentiment@production").body == BODY
    assert templates.resolve("sentiment").number == 2  # the latest
    templates.label("sentiment", "production", "2")  # moved
    assert templates.resolve("sentiment@production").number == 2
    assert [v.labels for v in templates.versions("sentiment")] == [[], ["production"]]
    assert templates.versions("sentiment")[0].body == BODY  # version 1 never changed
    diff = templates.diff("sentiment", "1", "production")
    assert "-Sentiment:" in diff and "+Sentiment: (one word)" in diff
    with pytest.raises(BadInputError, match="Nothing changed"):
        templates.edit("sentiment", "again", body=BODY + " (one word)")
    with pytest.raises(BadInputError, match="note"):
        templates.edit("sentiment", " ", body="x")
    with pytest.raises(BadInputError, match="no label 'staging'"):
        templates.resolve("sentiment@staging")
    with pytest.raises(BadInputError, match="versions 1 to 2, not 7"):
        templates.resolve("sentiment@7")
    info = templates.list()[0]
    assert (info.name, info.versions, info.labels, info.tags) == ("sentiment", 2, {"production": 2}, ["舆情分析"])


def test_rename_copy_archive_delete_and_names(templates: TemplateStore) -> None:
    templates.add("a", "A {{ x }}", variables=[{"name": "x"}])
    templates.rename("a", "alpha")
    copy = templates.duplicate("alpha", "beta")
    assert copy.ref == "beta@1" and copy.note == "copied from alpha@1"
    with pytest.raises(BadInputError, match="exists already"):
        templates.rename("beta", "alpha")
    templates.archive("alpha")
    assert [t.name for t in templates.list()] == ["beta"]
    assert [t.name for t in templates.list(include_archived=True)] == ["alpha", "beta"]
    templates.delete("alpha")
    with pytest.raises(BadInputError, match="no template 'alpha'"):
        templates.resolve("alpha")
    with pytest.raises(BadInputError, match="cannot be a template name"):
        templates.add("x@1", "body")
    with pytest.raises(BadInputError, match="identifier"):
        templates.add("c", "body", variables=[{"name": "not ok"}])


def test_export_and_import_keep_versions_labels_and_archive(templates: TemplateStore, tmp_path: Path) -> None:
    templates.add("s", BODY, variables=[{"name": "review"}], description="sentiment", tags=["demo"])
    templates.edit("s", "shorter", body="Review: {{ review }}\nSentiment:")
    templates.label("s", "production", "1")
    templates.archive("s")
    data = templates.export()
    other = template_store(tmp_path / "other.sqlite")
    assert other.import_(data) == ["s"]
    assert [v.body for v in other.versions("s")] == [BODY, "Review: {{ review }}\nSentiment:"]
    assert other.resolve("s@production").number == 1 and other.list(include_archived=True)[0].archived
    assert other.export()["templates"][0]["versions"][1]["note"] == "shorter"
    assert other.import_(data) == []  # the same template again: skipped, nothing doubled
    data["templates"][0]["versions"][1]["body"] = "Changed: {{ review }}"
    with pytest.raises(BadInputError, match="exists already and differs"):
        other.import_(data)
    assert other.import_(data, replace=True) == ["s"]
    # Versions are never rewritten: the file's latest became version 3, and 1 and 2 are as they were.
    assert [v.body for v in other.versions("s")] == [BODY, "Review: {{ review }}\nSentiment:", "Changed: {{ review }}"]
    assert other.resolve("s").note.startswith("imported")
    assert other.import_(data, replace=True) == []  # nothing new the second time
    with pytest.raises(BadInputError, match="not a Prompt Workbench template file"):
        other.import_({"templates": []})


def test_a_variable_the_text_uses_must_be_declared(templates: TemplateStore) -> None:
    with pytest.raises(TemplateError, match="uses r without declaring it"):
        templates.add("b9", "Q: {{ q }} {{ r }}", variables=[{"name": "q", "default": "1"}])
    templates.add("ok", "{% for line in items.splitlines() %}{{ loop.index }}. {{ line }}\n{% endfor %}{{ examples | length }}",
                  variables=[{"name": "items", "default": "a\nb"}])  # loop names, globals and examples are fine
    with pytest.raises(TemplateError, match="uses tone without declaring it"):
        templates.edit("ok", "add a tone", system="Be {{ tone }}.")


def test_a_filter_finds_names_descriptions_and_tags_in_either_language(templates: TemplateStore) -> None:
    templates.add("提示词注入-未防御", "{{ x }}", variables=[{"name": "x"}], tags=["zh", "security", "prompt-injection"],
                  description="没有任何防护的翻译提示词")
    templates.add("mine", "hi", tags=["Own Tag"], description="A greeting")
    injection, mine = sorted(templates.list(), key=lambda i: i.name != "提示词注入-未防御")
    for query in ("攻击", "防范", "Security 中文", "注入", "翻译", "", "  "):
        assert matches(injection, query), query
    assert not matches(injection, "攻击 english")  # every word must be found
    assert matches(mine, "own tag") and matches(mine, "GREETING") and not matches(mine, "攻击")
