"""`workbench run --variant`: every kind from the command line, saved, filtered and re-run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import workbench

LIBRARY = {
    "format": "prompt-workbench-templates",
    "version": 1,
    "templates": [{
        "name": "arith", "mode": "completion", "versions": [{
            "number": 1, "system": "", "body": "Q: {{ question }}\nA:",
            "variables": [{"name": "question", "default": "Tom has 3 apples and buys 5 more. How many apples does he have?"}],
            "examples": [{"input": "Ann has 2 pens and buys 3 more. How many pens?", "reasoning": "2 + 3 = 5.", "output": "5"}],
            "variants": [{"name": "vote", "kind": "self_consistency", "samples": 3, "max_tokens": 16}],
        }],
    }],
}


def _run(db: str, *args: str) -> dict:
    result = workbench("run", "--db", db, "--json", "--seed", "5", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_variants_run_from_a_template_and_are_saved(tmp_path: Path) -> None:
    db = str(tmp_path / "v.sqlite")
    library = tmp_path / "lib.json"
    library.write_text(json.dumps(LIBRARY), encoding="utf-8")
    assert workbench("templates", "import", str(library), "--db", db).returncode == 0

    few = _run(db, "-t", "arith", "--variant", "few_shot_cot", "--max-tokens", "8", "--temperature", "0")
    # The worked example is put through the template, so it reads like the real question.
    assert few["prompt"].startswith("Q: Ann has 2 pens and buys 3 more. How many pens?\nA: 2 + 3 = 5. The answer is 5.\n\nQ: Tom")
    assert few["variant"]["kind"] == "few_shot_cot" and len(few["tokens"]) <= 8

    vote = _run(db, "-t", "arith", "--variant", "vote")
    details = vote["details"]
    assert vote["variant"]["samples"] == 3 and len(details["samples"]) == 3
    assert details["task"]["body"].startswith("Q: Tom") and vote["prompt"].endswith("A: Let's think step by step.")
    assert sum(v["count"] for v in details["votes"]) + details["unanswered"] == 3

    assert vote["finish_reason"] == "length" and vote["timings"]["gen_s"] > 0 and vote["params"]["temperature"] == 0.7
    listed = json.loads(workbench("history", "list", "--variant", "self-consistency", "--db", db, "--json").stdout)
    assert [r["id"] for r in listed["runs"]] == [vote["run_id"]]
    assert listed["runs"][0]["completion_tokens"] == sum(s["tokens"] for s in details["samples"]) > 0
    bogus = workbench("history", "list", "--variant", "bogus", "--db", db)
    assert bogus.returncode == 2 and "self_consistency" in bogus.stderr
    shown = json.loads(workbench("history", "show", str(vote["run_id"]), "--db", db, "--json").stdout)
    assert shown["details"]["votes"] == details["votes"] and shown["template"] == "arith@1"

    # Re-running runs the whole vote again (same seed: the same samples), not one generation.
    rerun = workbench("history", "rerun", str(vote["run_id"]), "--db", db, "--json")
    assert rerun.returncode == 0, rerun.stderr
    again = json.loads(rerun.stdout)
    assert [s["text"] for s in again["details"]["samples"]] == [s["text"] for s in details["samples"]]
    # Re-running a single-pass variant repeats its prompt as saved (no second cue).
    few_again = json.loads(workbench("history", "rerun", str(few["run_id"]), "--db", db, "--json").stdout)
    assert few_again["prompt"] == few["prompt"] and few_again["text"] == few["text"]


def test_a_variant_on_a_plain_prompt_and_its_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    tree = _run(db, "--prompt", "Q: What is 2 + 2?\nA:", "--variant", "tree_of_thought", "--max-tokens", "6")
    assert tree["details"]["nodes"][0]["depth"] == 0 and tree["prompt"].endswith("Therefore, the answer is")
    zh = _run(db, "--prompt", "问：2加2等于几？\n答：", "--variant", "zero_shot_cot", "--max-tokens", "4")
    assert zh["prompt"] == "问：2加2等于几？\n答：让我们一步一步地思考。"

    few = workbench("run", "--prompt", "Q: 2+2?\nA:", "--variant", "few_shot_cot", "--db", db)
    assert few.returncode != 0 and "worked examples" in few.stderr and "Traceback" not in few.stderr
    unknown = workbench("run", "--prompt", "x", "--variant", "chain", "--db", db)
    assert unknown.returncode != 0 and "self_consistency" in unknown.stderr
