"""`workbench bench --only eval`: experiments keep the engine busy, reuse a shared prefix, and
score labels cheaply. Every experiment runs through the real runner on a scratch history
database, on the benchmark's engine host (lent, not loaded again per experiment).

- ``eval_gen_ratio``: 200 short cases, their generated tokens per second of generation time
  (the experiment's wall time less the engine's prompt evaluation, so what is left is decoding
  and the runner's own work per case: rendering, the cache lookup, the saved run) against one
  plain llama-cpp-python run's decoding speed, measured before and after (their median).
- ``eval_prefix_ratio``: the prompt-evaluation time of an experiment whose prompts share a
  ~300-token few-shot prefix, against the same prompts with the question first (no shared
  prefix, every prompt evaluated whole); rounds alternate, the median ratio is reported.
- ``eval_classify_ratio``: logprob classification of 200 rows x 3 labels against evaluating the
  same 200 prompts once (a one-token generation each), engine time, rounds alternating.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from workbench.app.model import ModelContext
from workbench.engine.client import EngineClient
from workbench.models.info import model_info

if TYPE_CHECKING:
    from workbench.engine.llamacpp.reference import ReferenceRunner

GEN_CASES = 200
GEN_TOKENS = 16
PREFIX_CASES = 40
CLASSIFY_CASES = 200
LABELS = ["positive", "negative", "neutral"]
_SHOT = ("Review: The {thing} was {how}, and I would {verdict} it to a friend who asked me about it.\n"
         "Sentiment: {label}\n\n")


def eval_parts(client: EngineClient, reference: ReferenceRunner, bench_prompt: str, rounds: int = 2) -> dict[str, Any]:
    """The three experiment measurements on ``client``'s loaded model."""
    context = _context(client)
    with tempfile.TemporaryDirectory(prefix="workbench-bench-eval-") as scratch:
        folder = Path(scratch)
        before = reference.generation_rate(bench_prompt, 64, seed=1)
        gen = _run(folder, "gen", _generation_experiment(), client, context)
        after = reference.generation_rate(bench_prompt, 64, seed=2)
        plain = statistics.median([before, after])
        gen_rate = gen["tokens"] / max(1e-9, gen["wall_s"] - gen["prompt_s"])
        prefix_ratios, classify_ratios = [], []
        for r in range(rounds):
            order = ("shared", "whole") if r % 2 == 0 else ("whole", "shared")
            prefix = {side: _run(folder, f"prefix-{side}-{r}", _prefix_experiment(side == "shared", r), client, context) for side in order}
            prefix_ratios.append(prefix["shared"]["prompt_s"] / prefix["whole"]["prompt_s"])
            order = ("classify", "evaluate") if r % 2 == 0 else ("evaluate", "classify")
            timed = {side: _run(folder, f"{side}-{r}", _classify_experiment(side == "classify", r), client, context) for side in order}
            classify_ratios.append(timed["classify"]["prompt_s"] / timed["evaluate"]["prompt_s"])
    return {
        "eval_cases": GEN_CASES,
        "eval_gen_tok_s": gen_rate,
        "eval_plain_tok_s": plain,
        "eval_gen_ratio": gen_rate / plain,
        "eval_case_overhead_ms": 1000 * (gen["wall_s"] - gen["prompt_s"] - gen["gen_s"]) / GEN_CASES,
        "eval_prefix_tokens": _prefix_tokens(client),
        "eval_prefix_ratio": statistics.median(prefix_ratios),
        "eval_prefix_ratios": prefix_ratios,
        "eval_classify_ratio": statistics.median(classify_ratios),
        "eval_classify_ratios": classify_ratios,
    }


class _Lent:
    """The bench's engine lent to a runner: closing it gives it back."""

    def __init__(self, client: EngineClient) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def close(self) -> None:
        pass


def _context(client: EngineClient) -> ModelContext:
    assert client.load_params is not None
    return ModelContext(model_info(client.load_params.path), client.loaded)


def _run(folder: Path, name: str, definition: dict[str, Any], client: EngineClient, context: ModelContext) -> dict[str, float]:
    """Run one experiment on a fresh scratch database: wall time, and from its saved runs the
    engine's prompt and generation seconds and the tokens generated."""
    from workbench.app.experiments.definition import load_file
    from workbench.app.experiments.runner import ExperimentRunner
    from workbench.app.workspace import Workspace

    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    workspace = Workspace(folder / f"{name}.sqlite")
    try:
        runner = ExperimentRunner(workspace, load_file(path), source="bench", opener=lambda settings: (_Lent(client), context))
        started = time.perf_counter()
        outcome = runner.run()
        wall = time.perf_counter() - started
        prompt_s = gen_s = 0.0
        tokens = 0
        for case in workspace.experiments.cases(outcome.experiment_id):
            assert case.run_id is not None and case.status == "ok", case.error
            run = workspace.runs.get(case.run_id)
            prompt_s += run.prompt_s
            gen_s += run.gen_s
            tokens += run.completion_tokens
        return {"wall_s": wall, "prompt_s": prompt_s, "gen_s": gen_s, "tokens": tokens}
    finally:
        workspace.close()


def _generation_experiment() -> dict[str, Any]:
    # A story opening: the instruct model ends an answer to a question at once (no tokens to time).
    who = ["lighthouse keeper", "baker", "pilot", "gardener", "teacher", "sailor", "painter", "miner"]
    what = ["a map", "a key", "a letter", "a coin", "a bottle", "a feather", "a clock", "a seed"]
    rows = [{"who": who[i % 8], "what": what[(i * 3) % 8], "n": str(i)} for i in range(GEN_CASES)]
    return {"name": "bench: short cases",
            "prompts": [{"id": "story", "text": "Story {{ n }}. Write about a {{ who }} who finds {{ what }}. Once upon a time,"}],
            "dataset": rows, "sampler": {"temperature": 0.8, "max_tokens": GEN_TOKENS}, "seed": 11,
            "assert": [{"type": "max-tokens", "value": GEN_TOKENS}]}


def _shots() -> str:
    things = ["battery", "screen", "delivery", "keyboard", "camera", "speaker", "charger", "case", "manual", "app"]
    hows = ["excellent", "terrible", "fine", "broken", "superb", "average", "awful", "great", "okay", "useless"]
    labels = ["positive", "negative", "neutral", "negative", "positive", "neutral", "negative", "positive", "neutral", "negative"]
    verdicts = {"positive": "recommend", "negative": "never recommend", "neutral": "maybe mention"}
    return "".join(_SHOT.format(thing=t, how=h, verdict=verdicts[lab], label=lab) for t, h, lab in zip(things, hows, labels))


def _prefix_tokens(client: EngineClient) -> int:
    return len(client.tokenize(_shots(), add_special=False))


def _reviews(n: int, salt: int) -> list[dict[str, str]]:
    words = ["sturdy", "flimsy", "quiet", "loud", "cheap", "pricey", "fast", "slow", "bright", "dull"]
    return [{"review": f"Order {salt}-{i}: the {words[i % 10]} and {words[(i * 3 + salt) % 10]} build of item {i}.",
             "label": LABELS[i % 3]} for i in range(n)]


def _prefix_experiment(shared: bool, salt: int) -> dict[str, Any]:
    """The same prompts two ways: the few-shot block first (shared by every row) or last."""
    shots = _shots().replace("{", "(").replace("}", ")")
    text = shots + "Review: {{ review }}\nSentiment:" if shared else "Review: {{ review }}\nSentiment?\n\n" + shots + "Sentiment:"
    return {"name": "bench: prefix", "prompts": [{"id": "few", "text": text}], "dataset": _reviews(PREFIX_CASES, salt),
            "sampler": {"temperature": 0, "max_tokens": 1}, "seed": 3 + salt}


def _classify_experiment(classify: bool, salt: int) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "name": "bench: classify" if classify else "bench: evaluate once",
        "prompts": [{"id": "terse", "text": "Review: {{ review }}\nSentiment:"}],
        "dataset": _reviews(CLASSIFY_CASES, 100 + salt),
        "sampler": {"temperature": 0, "max_tokens": 1},
        "seed": 5 + salt,
    }
    if classify:
        definition["classify"] = {"labels": LABELS, "expected": "label", "prefix": " "}
    return definition
