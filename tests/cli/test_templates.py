"""`workbench templates` and `workbench run --template` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import workbench


def test_template_lifecycle_and_run_from_a_label(tmp_path: Path) -> None:
    db = str(tmp_path / "t.sqlite")
    body = tmp_path / "body.txt"
    body.write_text("Review: {{ review }}\nSentiment:", encoding="utf-8")
    added = workbench("templates", "add", "sentiment", "--body-file", str(body), "--var", "review", "--tag", "舆情分析", "--db", db, "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["number"] == 1
    edited = workbench("templates", "edit", "sentiment", "--note", "one word", "--body", "Review: {{ review }}\nOne word:", "--db", db, "--json")
    assert json.loads(edited.stdout)["number"] == 2
    assert workbench("templates", "label", "sentiment", "production", "1", "--db", db).returncode == 0
    listed = json.loads(workbench("templates", "list", "--db", db, "--json").stdout)["templates"]
    assert {"算术应用题", "arithmetic word problems", "Prompt 攻击和防范"} & {t["name"] for t in listed}  # the starter library
    listed = [t for t in listed if t["name"] == "sentiment"]
    assert listed == [{"name": "sentiment", "description": "", "tags": ["舆情分析"], "mode": "completion", "archived": False,
                       "versions": 2, "labels": {"production": 1}}]
    diff = workbench("templates", "diff", "sentiment", "production", "2", "--db", db).stdout
    assert "-Sentiment:" in diff and "+One word:" in diff
    versions = json.loads(workbench("templates", "versions", "sentiment", "--db", db, "--json").stdout)["versions"]
    assert [v["note"] for v in versions] == ["first version", "one word"]

    run = workbench("run", "--template", "sentiment@production", "--var", "review=物流很快", "--max-tokens", "3",
                    "--temperature", "0", "--json", "--db", db)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["prompt"] == "Review: 物流很快\nSentiment:"
    shown = json.loads(workbench("history", "show", str(result["run_id"]), "--db", db, "--json").stdout)
    assert shown["template"] == "sentiment@1" and shown["prompt"] == result["prompt"]

    exported = tmp_path / "templates.yaml"
    assert workbench("templates", "export", "sentiment", "-o", str(exported), "--db", db).returncode == 0
    assert exported.read_text(encoding="utf-8").startswith("format: prompt-workbench-templates\n")
    everything = json.loads(workbench("templates", "export", "--db", db).stdout)
    other = str(tmp_path / "other.sqlite")
    imported = json.loads(workbench("templates", "import", str(exported), "--db", other, "--json").stdout)
    assert imported == {"imported": ["sentiment"], "skipped": []}
    whole = tmp_path / "all.json"
    whole.write_text(json.dumps(everything), encoding="utf-8")
    again = json.loads(workbench("templates", "import", str(whole), "--db", other, "--json").stdout)
    assert again["imported"] == [] and "算术应用题" in again["skipped"]  # the same starter library: skipped
    assert json.loads(workbench("templates", "show", "sentiment@production", "--db", other, "--json").stdout)["number"] == 1


def test_template_bad_input(tmp_path: Path) -> None:
    db = str(tmp_path / "t.sqlite")
    broken = workbench("templates", "add", "b", "--body", "{{ x ", "--db", db)
    assert broken.returncode == 2 and "syntax error on line 1" in broken.stderr and "Traceback" not in broken.stderr
    assert workbench("templates", "add", "q", "--body", "Q: {{ question }}", "--var", "question", "--db", db).returncode == 0
    missing = workbench("run", "--template", "q", "--max-tokens", "2", "--db", db)
    assert missing.returncode == 2 and "not given" in missing.stderr
    unknown = workbench("run", "--template", "q", "--var", "colour=red", "--max-tokens", "2", "--db", db)
    assert unknown.returncode == 2 and "no variable colour" in unknown.stderr
    escape = workbench("templates", "add", "e", "--body", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "--db", db)
    assert escape.returncode == 0
    ran = workbench("run", "--template", "e", "--max-tokens", "2", "--db", db)
    assert ran.returncode == 2 and "sandbox forbids" in ran.stderr
    both = workbench("run", "--template", "q", "--prompt", "x", "--var", "question=1", "--max-tokens", "2", "--db", db)
    assert both.returncode == 2 and "not both" in both.stderr
    nofile = workbench("templates", "import", str(tmp_path / "nope.json"), "--db", db)
    assert nofile.returncode == 2 and "Cannot read templates" in nofile.stderr
    deep = workbench("templates", "add", "d", "--body", "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "--db", db)
    assert deep.returncode == 2 and "nested too deeply" in deep.stderr and "Traceback" not in deep.stderr


def test_examples_and_variants_from_files(tmp_path: Path) -> None:
    db = str(tmp_path / "t.sqlite")
    variants = tmp_path / "variants.yaml"
    variants.write_text("- name: think\n  kind: zero_shot_cot\n  cue: Think it through.\n", encoding="utf-8")
    examples = tmp_path / "examples.json"
    examples.write_text(json.dumps([{"input": "1+1", "reasoning": "One and one.", "output": "2"}]), encoding="utf-8")
    added = workbench("templates", "add", "sum", "--body", "Q: {{ q }}\nA:", "--var", "q=2+2", "--variants-file", str(variants),
                      "--examples-file", str(examples), "--db", db)
    assert added.returncode == 0, added.stderr
    assert "variant think (zero_shot_cot): cue='Think it through.'" in added.stdout and "1 worked example(s)" in added.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("- name: x\n  kind: zero_shot_cot\n  samples: 3\n", encoding="utf-8")
    refused = workbench("templates", "edit", "sum", "--variants-file", str(bad), "--note", "typo", "--db", db)
    assert refused.returncode == 2 and "has no setting samples" in refused.stderr
    run = workbench("run", "-t", "sum", "--variant", "think", "--max-tokens", "2", "--json", "--db", db)
    assert json.loads(run.stdout)["prompt"] == "Q: 2+2\nA: Think it through."
