"""Experiment definitions: the issue's minimal form, the richer one, and every problem named with
its line before anything runs; the JSON Schema in the repository is itself valid."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.helpers.experiments import write_experiment
from workbench.app.experiments.definition import load_file, schema
from workbench.errors import ExperimentFileError

MINIMAL = """
prompts:                                 # each: a template ref or an inline text, and an id
  - {id: terse, text: "评论：{{ review }}\\n情感："}
  - {id: lib, template: "舆情分析@production", variants: [direct, zero_shot_cot]}
dataset: reviews.csv                     # or a list of rows: [{review: ..., label: ...}]
models: [default]                        # or {path: m.gguf, ctx: 2048, n_gpu_layers: 0}
sampler: {temperature: 0, max_tokens: 16}
repeats: 1
seed: 7
assert: [{type: contains, value: "{{ label }}"}]
classify: {labels: [正面, 负面, 中性], expected: label}   # logprob classification (item 2)
"""


def test_the_minimal_form_of_the_issue_is_accepted(tmp_path: Path) -> None:
    experiment = load_file(write_experiment(tmp_path, MINIMAL))
    assert [c.id for c in experiment.columns()] == ["terse", "lib/direct", "lib/zero_shot_cot"]
    assert experiment.dataset.path == tmp_path / "reviews.csv" and experiment.dataset.format == "csv"
    assert experiment.sampler.temperature == 0 and experiment.sampler.seed == 7 and experiment.max_tokens == 16
    assert experiment.classify is not None and experiment.classify.labels == ("正面", "负面", "中性")
    assert experiment.generates and experiment.name == "experiment"


def test_models_with_settings_and_relative_paths(tmp_path: Path) -> None:
    path = write_experiment(tmp_path / "sub", """
        name: two models
        prompts: [{id: p, text: "Q: {{ q }}"}]
        dataset: {path: ../rows.jsonl}
        models:
          - default
          - {path: models/m.gguf, id: small, ctx: 2048, n_gpu_layers: -1, chat_format: gemma}
    """)
    experiment = load_file(path)
    assert experiment.dataset.path == tmp_path / "rows.jsonl" and experiment.dataset.format == "jsonl"
    default, small = experiment.models
    assert default.settings.model == "default"
    assert small.settings.model == str(tmp_path / "sub" / "models" / "m.gguf")
    assert (small.id, small.settings.n_ctx, small.settings.n_gpu_layers, small.settings.chat_format.name) == ("small", 2048, -1, "gemma")
    assert [c.id for c in experiment.columns()] == ["p@default", "p@small"]


def test_classification_alone_does_not_generate(tmp_path: Path) -> None:
    experiment = load_file(write_experiment(tmp_path, """
        prompts: [{id: p, text: "{{ review }} ->"}]
        dataset: [{review: good, label: positive}]
        classify: {labels: [positive, negative]}
    """))
    assert not experiment.generates


@pytest.mark.parametrize(("text", "line", "words"), [
    ("prompts: [{id: a}]\ndataset: [{x: 1}]\n", 1, "either template:"),
    ("prompts:\n  - {id: a, text: hi}\ndataset: [{x: 1}]\nsampler: {temprature: 0}\n", 4, "unknown key ('temprature'"),
    ("prompts:\n  - {id: a, text: hi}\ndataset: [{x: 1}]\nassert:\n  - {type: contains, value: a}\n  - {type: regex, value: 'a(b'}\n",
     6, "does not compile: missing ), unterminated subpattern at position 1"),
    ("prompts:\n  - {id: a, text: hi}\ndataset: [{x: 1}]\nassert:\n  - {type: json-schema, value: {type: 12}}\n", 5, "assert[0]"),
    ("prompts:\n  - {id: a, text: '{{ x '}\ndataset: [{x: 1}]\n", 2, "syntax error"),
    ("prompts:\n  - {id: a, text: hi}\n  - {id: a, text: ho}\ndataset: [{x: 1}]\n", 3, "used twice"),
    ("prompts:\n  - {id: a, text: hi}\ndataset: [{x: 1}]\nrepeats: 0\n", 4, "repeats"),
    ("prompts:\n  - {id: a, text: hi}\ndataset: [{x: 1}]\nmodels: [{path: m.gguf, chat_format: nonsense}]\n", 4, "chatml"),
    ("prompts:\n  - {id: a, text: hi}\ndataset: [{x: 1}]\nclassify: {labels: [yes]}\n", 4, "too short"),
    ("prompts: [ {id: a\n", 2, "not valid YAML"),
    ("- just\n- a list\n", 1, "mapping"),
    ("", None, "empty"),
])
def test_problems_name_their_line(tmp_path: Path, text: str, line: int | None, words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExperimentFileError) as caught:
        load_file(path)
    assert caught.value.line == line and words in str(caught.value)
    assert str(caught.value).startswith(f"{path}, line {line}: " if line else f"{path}: ")
    assert caught.value.exit_code == 2


def test_the_schema_in_the_repository_is_a_valid_json_schema_and_documents_the_minimal_form() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    import yaml

    jsonschema.validate(yaml.safe_load(MINIMAL), schema())
    repo_copy = Path(__file__).resolve().parents[3] / "workbench" / "app" / "experiments" / "experiment.schema.json"
    assert json.loads(repo_copy.read_text(encoding="utf-8")) == schema()


def test_a_model_with_more_threads_than_4_per_core_is_refused_with_its_line(tmp_path: Path) -> None:
    import os

    from tests.helpers.experiments import write_experiment
    from workbench.app.experiments.definition import load_file

    path = write_experiment(tmp_path, f"""
    name: too many threads
    prompts: [{{id: p, text: "hi"}}]
    models: [{{path: default, threads: {8 * (os.cpu_count() or 1)}}}]
    dataset: [{{a: 1}}]
    """)
    with pytest.raises(ExperimentFileError) as caught:
        load_file(path)
    assert caught.value.line == 3 and "4 per core" in caught.value.reason
