"""An experiment definition: the YAML file (or the same object from the window's editor) checked
against its JSON Schema and our own rules, every problem named with its line, and turned into
plain values the runner plans its cases from.

The schema (``experiment.schema.json`` beside this module) is the one description of the file;
README documents it. Checks the schema cannot make (a regex that does not compile, a template
variable the dataset lacks) happen here or when the runner opens the dataset, before anything runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from workbench.app.experiments.yaml_lines import LinedDocument, load
from workbench.app.model import LoadSettings
from workbench.errors import BadInputError, ExperimentFileError, WorkbenchError
from workbench.prompts.assertions import compile_assertions
from workbench.values.params import SamplerParams

DEFAULT_SAMPLER = {"temperature": 0.0, "max_tokens": 64}
_TEMPLATE_OR_TEXT = [{"required": ["template"]}, {"required": ["text"]}]
SAMPLER_KEYS = ("temperature", "top_k", "top_p", "min_p", "repeat_penalty", "repeat_last_n")


@cache
def schema() -> dict[str, Any]:
    """The experiment file's JSON Schema."""
    text = resources.files("workbench.app.experiments").joinpath("experiment.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class PromptDef:
    """One prompt to try: a template of the library (``NAME``, ``NAME@3``, ``NAME@label``) or an
    inline Jinja text, with the variants to run it as (empty: the prompt as written)."""

    id: str
    template: str | None = None
    text: str | None = None
    system: str | None = None
    chat: bool = False
    variants: tuple[Any, ...] = ()  # names or kinds (str), or inline variant objects (dict)

    def variant_names(self) -> list[str | None]:
        if not self.variants:
            return [None]
        return [v if isinstance(v, str) else str(v.get("name") or v["kind"]) for v in self.variants]


@dataclass(frozen=True)
class ModelDef:
    """A model column: its id in column names, and how to load it."""

    id: str
    settings: LoadSettings
    concurrency: int = 1  # parallel cases on a remote endpoint


@dataclass(frozen=True)
class DatasetDef:
    """Where the rows come from: a file (CSV or JSONL) or rows written in the definition."""

    path: Path | None = None
    format: str | None = None  # csv | jsonl
    rows: tuple[dict[str, Any], ...] | None = None


@dataclass(frozen=True)
class ClassifyDef:
    """Logprob classification: the labels scored after each prompt, and the column of the right one."""

    labels: tuple[str, ...]
    expected: str | None = None
    prefix: str = ""


@dataclass(frozen=True)
class Column:
    """A column of the results: one prompt, as one variant, on one model."""

    id: str
    prompt: PromptDef
    variant: str | None
    model: ModelDef


@dataclass(frozen=True)
class Experiment:
    """A checked definition, ready to plan cases from."""

    name: str
    source: str  # the file it came from ("" for one made in the window)
    base: Path  # relative paths resolve from here
    prompts: tuple[PromptDef, ...]
    dataset: DatasetDef
    models: tuple[ModelDef, ...]
    sampler: SamplerParams
    max_tokens: int
    stop: tuple[str, ...]
    top_logprobs: int
    repeats: int
    seed: int
    assertions: tuple[dict[str, Any], ...]
    threshold: float | None
    classify: ClassifyDef | None
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict)  # the definition as given, for the record

    @property
    def generates(self) -> bool:
        """Whether cases generate text: always, unless the only judge is logprob classification."""
        return bool(self.assertions) or self.classify is None

    def columns(self) -> list[Column]:
        """Prompts x variants x models, in that order. A column's id is the prompt's id, then
        ``/VARIANT`` when the experiment tries more than one variant, ``@MODEL`` when more than one model."""
        variants = {v for p in self.prompts for v in p.variant_names()}
        out = []
        for model in self.models:
            for prompt in self.prompts:
                for variant in prompt.variant_names():
                    cid = prompt.id
                    if len(variants) > 1 and variant is not None:
                        cid += f"/{variant}"
                    if len(self.models) > 1:
                        cid += f"@{model.id}"
                    out.append(Column(cid, prompt, variant, model))
        return out


def load_file(path: Path | str) -> Experiment:
    """Read and check an experiment file; ExperimentFileError names the line of any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ExperimentFileError(f"cannot read it: {getattr(e, 'strerror', None) or e}", str(path)) from None
    return parse(text, str(path), path.parent)


def parse(text: str, source: str, base: Path) -> Experiment:
    """Check a definition's text (YAML or JSON); relative paths resolve from ``base``."""
    return from_document(load(text, source), base)


def from_document(doc: LinedDocument, base: Path) -> Experiment:
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "an experiment is a mapping with prompts, dataset, models ... (see README, Experiments).")
    _check_schema(doc)
    prompts = tuple(_prompt(doc, i, p) for i, p in enumerate(data["prompts"]))
    ids = [p.id for p in prompts]
    for i, pid in enumerate(ids):
        if pid in ids[:i]:
            raise doc.error(("prompts", i, "id"), f"the id {pid!r} is used twice; each prompt needs its own.")
    for i, p in enumerate(prompts):
        if p.system and not p.chat and p.text is not None:
            raise doc.error(("prompts", i, "system"), "a system message needs chat: true (it only exists in a chat).")
    models = tuple(_model(doc, i, m, base) for i, m in enumerate(data.get("models") or ["default"]))
    model_ids = [m.id for m in models]
    for i, mid in enumerate(model_ids):
        if mid in model_ids[:i]:
            raise doc.error(("models", i), f"two models would both be called {mid!r}: give one an id.")
    sampler_raw = {**DEFAULT_SAMPLER, **(data.get("sampler") or {})}
    seed = int(data.get("seed", 0))
    sampler = SamplerParams(**{k: sampler_raw[k] for k in SAMPLER_KEYS if k in sampler_raw}, seed=seed)
    try:
        sampler.validate()
    except WorkbenchError as e:
        raise doc.error(("sampler",), str(e)) from None
    assertions = tuple(data.get("assert") or ())
    try:
        compile_assertions(assertions, "assert")
    except BadInputError as e:  # its message names the assertion already
        raise ExperimentFileError(str(e), doc.source, doc.line(_assert_path(e))) from None
    classify = _classify(doc, data.get("classify"))
    return Experiment(
        name=str(data.get("name") or Path(doc.source).stem or "experiment"),
        source=doc.source,
        base=base,
        prompts=prompts,
        dataset=_dataset(data["dataset"], base),
        models=models,
        sampler=sampler,
        max_tokens=int(sampler_raw["max_tokens"]),
        stop=tuple(sampler_raw.get("stop") or ()),
        top_logprobs=int(sampler_raw.get("top_logprobs", 5)),
        repeats=int(data.get("repeats", 1)),
        seed=seed,
        assertions=assertions,
        threshold=float(data["threshold"]) if data.get("threshold") is not None else None,
        classify=classify,
        description=str(data.get("description") or ""),
        raw=json.loads(json.dumps(data, default=str)),
    )


def _check_schema(doc: LinedDocument) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(doc.data), key=lambda e: (doc.line(tuple(e.absolute_path)) or 0, len(e.absolute_path)))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors) if len(errors) > 1 else errors[0]
    # The best match of a oneOf is its least specific branch: prefer the deepest problem inside
    # it, except for a prompt's "template or text", which is best said as it is.
    while error.context and error.schema.get("oneOf") != _TEMPLATE_OR_TEXT:
        error = min(error.context, key=lambda e: (-len(e.absolute_path), e.message))
    path = tuple(error.absolute_path)
    raise doc.error(path, _schema_message(error))


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"{error.message.replace('Additional properties are not allowed', 'unknown key')}; the keys are {allowed}."
    if error.validator == "required":
        return error.message.replace("is a required property", "is needed here") + "."
    if error.validator == "oneOf" and error.schema.get("oneOf") == _TEMPLATE_OR_TEXT:
        return "give a prompt either template: (a library template) or text: (an inline prompt), not both and not neither."
    return error.message + "."


def _prompt(doc: LinedDocument, i: int, raw: dict[str, Any]) -> PromptDef:
    variants = tuple(raw.get("variants") or ())
    if raw.get("text") is not None:
        from workbench.prompts.templates import check_syntax

        try:
            check_syntax(raw["text"], f"prompt {raw['id']}")
            if raw.get("system"):
                check_syntax(raw["system"], f"system prompt of {raw['id']}")
        except BadInputError as e:
            raise doc.error(("prompts", i, "text"), str(e)) from None
    return PromptDef(
        id=str(raw["id"]),
        template=raw.get("template"),
        text=raw.get("text"),
        system=raw.get("system"),
        chat=bool(raw.get("chat", False)),
        variants=variants,
    )


def _model(doc: LinedDocument, i: int, raw: Any, base: Path) -> ModelDef:
    from workbench.app.endpoints import EndpointStore
    from workbench.prompts.chat_formats import GGUF, FormatChoice, builtin

    if isinstance(raw, str):
        raw = {"path": raw}
    path = str(raw["path"])
    remote = EndpointStore().model_ref(path) is not None if path != "default" else False
    resolved = path if path == "default" or remote else str((base / Path(path).expanduser()).resolve())
    choice = FormatChoice()
    try:
        if raw.get("chat_format"):
            name = str(raw["chat_format"]).strip().lower()
            choice = FormatChoice(name=GGUF if name == GGUF else builtin(name).name)
        elif raw.get("chat_template"):
            template_path = base / str(raw["chat_template"])
            choice = FormatChoice(template=template_path.read_text(encoding="utf-8"))
        settings = LoadSettings(
            model=resolved,
            n_ctx=int(raw.get("ctx", 4096)),
            n_gpu_layers=int(raw.get("n_gpu_layers", 0)),
            n_threads=raw.get("threads"),
            chat_format=choice,
        ).check()
    except OSError as e:
        raise doc.error(("models", i, "chat_template"), f"cannot read the chat template: {e.strerror or e}") from None
    except WorkbenchError as e:
        raise doc.error(("models", i), str(e)) from None
    model_id = str(raw.get("id") or ("default" if path == "default" else Path(path).stem))
    return ModelDef(model_id, settings, int(raw.get("concurrency", 1)))


def _dataset(raw: Any, base: Path) -> DatasetDef:
    if isinstance(raw, list):
        return DatasetDef(rows=tuple(raw))
    if isinstance(raw, str):
        raw = {"path": raw}
    path = (base / Path(str(raw["path"])).expanduser()).resolve()
    fmt = raw.get("format") or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "csv")
    return DatasetDef(path=path, format=fmt)


def _classify(doc: LinedDocument, raw: dict[str, Any] | None) -> ClassifyDef | None:
    if raw is None:
        return None
    labels = tuple(str(label) for label in raw["labels"])
    prefix = str(raw.get("prefix", ""))
    for i, label in enumerate(labels):
        if not (prefix + label).strip():
            raise doc.error(("classify", "labels", i), "a label needs some text to score.")
    return ClassifyDef(labels, raw.get("expected"), prefix)


def _assert_path(error: BadInputError) -> tuple[str | int, ...]:
    """The path of the assertion an error names (``assert[2]`` at the start of its message)."""
    text = str(error)
    if text.startswith("assert[") and "]" in text:
        index = text[len("assert[") : text.index("]")]
        if index.isdigit():
            return ("assert", int(index))
    return ("assert",)
