"""Run a chain-of-thought variant of a rendered template on an engine client.

Single-pass kinds (direct, zero-shot CoT, few-shot CoT) are one generation of the prompt the variant
builds. Self-consistency samples N chains of thought, extracts each answer and votes. Tree of
thought grows a tree: at each depth the model proposes ``breadth`` next steps for every kept node,
scores each partial solution by the probability it gives to "yes" after a check question, keeps the
``beam`` best, and finally answers from the best path. The explored tree is returned for saving.

Qt-free: the GUI calls this from a worker thread, the CLI directly.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import Distribution, GenerationDone, Timings
from workbench.values.tokens import Alternative, TokenEvent
from workbench.prompts.answers import extract, majority
from workbench.prompts.chat import ChatMessage
from workbench.errors import BadInputError, EngineClosed
from workbench.prompts.variants import Variant, complete, conversation, flatten, language_of

# What counts as yes / no when the model scores a step (compared after stripping and lower-casing).
_YES = ("yes", "true", "correct", "sure", "是", "对", "正确")
_NO = ("no", "false", "incorrect", "wrong", "impossible", "否", "不", "错")
SCORE_TOP_N = 50
# A vote keeps each sample's tokens for its view, bounded: the most likely alternatives of each token,
# and a token budget over all the samples (a sample past it keeps its text only).
TRACE_TOP = 5
TRACE_TOKENS = 16_384

PromptBuilder = Callable[[list[ChatMessage]], str]
Progress = Callable[[int, int, str], None]  # done, total, what is happening


class Engine(Protocol):
    def generate(self, params: GenerateParams) -> Any: ...
    def next_token(self, params: GenerateParams, top_n: int = 20) -> Distribution | None: ...


@dataclass
class VariantTask:
    """A rendered template and the variant to run it with."""

    variant: Variant
    system: str
    body: str
    examples: list[dict[str, Any]]
    to_prompt: PromptBuilder  # messages → the exact text the model receives (chat template or flat)
    base: GenerateParams  # sampler, top logprobs, parse_special; the prompt is replaced

    def prompt(self) -> str:
        return self.to_prompt(conversation(self.variant, self.system, self.body, self.examples))

    @property
    def chat(self) -> bool:
        return self.to_prompt is not flatten

    def record_params(self) -> GenerateParams:
        """The settings to save with the run, as the model was sampled: a vote's samples are drawn at
        the variant's temperature, not the base sampler's."""
        params = self.params(self.prompt())
        if self.variant.kind == "self_consistency":
            params.sampler = replace(params.sampler, temperature=self.variant["temperature"])
        return params

    def params(self, prompt: str, **changes: Any) -> GenerateParams:
        max_tokens = changes.pop("max_tokens", self.variant.get("max_tokens", self.base.max_tokens))
        if "stop" not in changes:
            changes["stop"] = [*self.base.stop, *self.variant["stop"]]
            if needs_examples(self.variant) and not self.chat:
                # Worked examples are separated by a blank line; after its own answer the model
                # would go on writing new questions.
                changes["stop"].append("\n\n")
        return replace(self.base, prompt=prompt, max_tokens=max_tokens, suffix_ids=[], **changes).validate()


@dataclass
class VariantResult:
    prompt: str  # the (last) prompt the model received
    output: str
    tokens: list[TokenEvent] = field(default_factory=list)
    done: GenerationDone | None = None
    details: dict[str, Any] = field(default_factory=dict)
    cancelled: bool = False

    @property
    def status(self) -> str:
        return "cancelled" if self.cancelled else "ok"


SEARCH_KINDS = ("self_consistency", "tree_of_thought")


def needs_examples(variant: Variant) -> bool:
    return variant.kind == "few_shot_cot" or (variant.kind == "self_consistency" and variant["reasoning"] == "few_shot_cot")


def make_task(
    variant: Variant, system: str, body: str, examples: list[dict[str, Any]], to_prompt: PromptBuilder, base: GenerateParams
) -> VariantTask:
    """A task, refused when the variant cannot run on it (few-shot without worked examples)."""
    if needs_examples(variant) and not examples:
        raise BadInputError(
            f"The variant {variant.name!r} shows worked examples, and there are none: they come from a template "
            "version (its examples, or the variant's own). For a plain prompt, choose zero_shot_cot."
        )
    return VariantTask(variant, system, body, examples, to_prompt, base)


def task_record(task: VariantTask) -> dict[str, Any]:
    """What a saved run needs to run its variant again: the variant's settings and its inputs."""
    mode = "chat" if task.chat else "completion"
    return {"variant": task.variant.to_json(),
            "task": {"mode": mode, "system": task.system, "body": task.body, "examples": task.examples}}


def task_from_record(record: dict[str, Any], base: GenerateParams, builder: Callable[[str], PromptBuilder]) -> VariantTask:
    """The task a saved run's ``task_record`` describes, ready to run again; ``builder`` gives
    the prompt builder for a mode (the model's chat template may have changed since)."""
    t = record["task"]
    variant = complete(record["variant"], language=language_of(t["body"], t["system"]))
    return make_task(variant, t["system"], t["body"], t.get("examples", []), builder(t.get("mode", "completion")), base)


def _sampler(base: SamplerParams, temperature: float | None, offset: int) -> SamplerParams:
    """The base sampler at another temperature; a fixed seed moves on per sample so samples differ
    but the whole experiment repeats exactly."""
    seed = None if base.seed is None else base.seed + offset
    return replace(base, temperature=base.temperature if temperature is None else temperature, seed=seed)


class VariantRunner:
    def __init__(self, engine: Engine, progress: Progress | None = None) -> None:
        self.engine = engine
        self.progress = progress or (lambda done, total, what: None)
        self.stop = threading.Event()

    def cancel(self) -> None:
        self.stop.set()
        cancel = getattr(self.engine, "cancel", None)
        if cancel is not None:
            cancel()

    def _generate(self, params: GenerateParams) -> Any:
        """One generation, run to its end; None when the engine was closed under it (the window
        closing): the search stops, and what it found so far is still returned and saved."""
        try:
            return self.engine.generate(params).result()
        except EngineClosed:
            self.stop.set()
            return None

    def run(self, task: VariantTask) -> VariantResult:
        kind = task.variant.kind
        if kind in SEARCH_KINDS and task.base.sampler.seed is None:
            # Every draw of a search derives from one seed, recorded with the run, so that a
            # re-run repeats the whole experiment.
            sampler = replace(task.base.sampler, seed=random.randrange(1 << 31))
            task = replace(task, base=replace(task.base, sampler=sampler))
        if kind == "self_consistency":
            return self._self_consistency(task)
        if kind == "tree_of_thought":
            return self._tree_of_thought(task)
        prompt = task.prompt()
        generation = self._generate(task.params(prompt))
        if generation is None:
            return VariantResult(prompt, "", [], None, cancelled=True)
        cancelled = generation.done is not None and generation.done.finish_reason == "cancelled"
        return VariantResult(prompt, generation.text, list(generation.tokens), generation.done, cancelled=cancelled)

    # -- self-consistency -------------------------------------------------------------------

    def _self_consistency(self, task: VariantTask) -> VariantResult:
        v = task.variant
        prompt = task.prompt()
        n = int(v["samples"])
        samples: list[dict[str, Any]] = []
        timings = Timings()
        last: GenerationDone | None = None
        budget = TRACE_TOKENS
        for i in range(n):
            if self.stop.is_set():
                break
            self.progress(i, n, f"sample {i + 1} of {n}")
            generation = self._generate(task.params(prompt, sampler=_sampler(task.base.sampler, v["temperature"], i)))
            if generation is None:
                break
            done = generation.done
            if done is not None and done.finish_reason == "cancelled":
                break
            text = generation.text
            answer = extract(text, v["extract"])
            tokens = len(generation.tokens)
            lead, follow = "", None
            if answer is None and v["reasoning"] == "zero_shot_cot" and v["answer_lead"] and not self.stop.is_set():
                # Kojima et al.'s second step: a chain of thought that never stated its answer is
                # asked for it ("The answer is"), greedily, and the rule reads the result.
                lead = ("\n" if text.strip() else "") + v["answer_lead"]
                follow = self._generate(task.params(
                    prompt + text.rstrip() + lead, sampler=replace(task.base.sampler, temperature=0.0), max_tokens=16,
                    stop=[*task.base.stop, "\n"], top_logprobs=0,
                ))
                if follow is not None:
                    text = text.rstrip() + lead + follow.text
                    tokens += len(follow.tokens)
                    answer = extract(text, v["extract"])
            logprobs = [t.logprob for t in generation.tokens]
            if follow is None:
                lead = ""  # the answer was not asked for after all (the engine closed)
            follow_tokens = list(follow.tokens) if follow is not None else []
            budget -= len(generation.tokens) + len(follow_tokens)
            trace = sample_trace(generation.tokens, lead, follow_tokens) if budget >= 0 else None
            samples.append({
                "text": text, "answer": answer, "tokens": tokens,
                "mean_logprob": sum(logprobs) / len(logprobs) if logprobs else None,
                "finish_reason": done.finish_reason if done else "", "seed": done.seed if done else None,
                "trace": trace,
            })
            if done is not None:
                last = done
                timings.prompt_s += done.timings.prompt_s
                timings.gen_s += done.timings.gen_s
        vote = majority([s["answer"] for s in samples])
        self.progress(len(samples), n, "voted")
        completion = sum(s["tokens"] for s in samples)
        if timings.gen_s:
            timings.tokens_per_s = completion / timings.gen_s
        done = None
        if last is not None:
            done = GenerationDone(last.finish_reason, last.prompt_tokens, completion, timings, task.base.sampler.seed or 0)
        details = {"kind": "self_consistency", "samples_wanted": n, "samples": samples, "extract": v["extract"], **vote.to_json()}
        return VariantResult(prompt, _vote_report(vote.to_json(), samples, n), [], done, details, cancelled=len(samples) < n)

    # -- tree of thought --------------------------------------------------------------------

    def _messages(self, task: VariantTask, steps: list[str], tail: str) -> list[ChatMessage]:
        messages = [ChatMessage("system", task.system)] if task.system else []
        reply = "\n".join([*steps, tail]) if tail else "\n".join(steps)
        return [*messages, ChatMessage("user", task.body), ChatMessage("assistant", reply)]

    def _score(self, task: VariantTask, steps: list[str]) -> tuple[float, float, float]:
        """(score, P(yes), P(no)) for a partial solution; 0.5 when the model says neither."""
        v = task.variant
        numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
        question = f"{task.body.rstrip()}\n\n{v['steps_heading']}\n{numbered}\n\n{v['score_prompt']}"
        messages = ([ChatMessage("system", task.system)] if task.system else []) + [ChatMessage("user", question)]
        try:
            dist = self.engine.next_token(task.params(task.to_prompt(messages)), top_n=SCORE_TOP_N)
        except EngineClosed:
            self.stop.set()
            dist = None
        if dist is None:
            return 0.5, 0.0, 0.0
        p_yes = p_no = 0.0
        for t in dist.tokens:
            word = re.sub(r"[\W_]+", "", t.text).lower()
            if not word:
                continue
            if word.startswith(_YES):
                p_yes += t.prob
            elif word.startswith(_NO):
                p_no += t.prob
        score = p_yes / (p_yes + p_no) if p_yes + p_no > 0 else 0.5
        return score, p_yes, p_no

    def _tree_of_thought(self, task: VariantTask) -> VariantResult:
        v = task.variant
        breadth, depth, beam = int(v["breadth"]), int(v["depth"]), int(v["beam"])
        total = breadth + breadth * beam * (depth - 1) + 1
        nodes: list[dict[str, Any]] = [{"id": 0, "parent": None, "depth": 0, "step": "", "score": None, "kept": True}]
        frontier = [0]
        done_count = 0

        def steps_of(node_id: int) -> list[str]:
            out = []
            while node_id:
                node = nodes[node_id]
                out.append(node["step"])
                node_id = node["parent"]
            return out[::-1]

        for level in range(1, depth + 1):
            candidates: list[int] = []
            for parent in frontier:
                seen: set[str] = set()
                path = steps_of(parent)
                for b in range(breadth):
                    if self.stop.is_set():
                        break
                    self.progress(done_count, total, f"depth {level}: proposing step {b + 1} of {breadth}")
                    prompt = task.to_prompt(self._messages(task, path, v["step_cue"]))
                    sampler = _sampler(task.base.sampler, v["temperature"], len(nodes))
                    generation = self._generate(
                        task.params(prompt, sampler=sampler, max_tokens=v["step_tokens"], stop=[], top_logprobs=0)
                    )
                    if generation is None:
                        break
                    done_count += 1
                    # One step is one line; a model that starts with a line break still proposes one.
                    # A character cut by the token limit is left out, not carried into later prompts.
                    text = generation.text.rstrip("\ufffd")
                    step = next((line.strip() for line in text.splitlines() if line.strip()), "")
                    if not step or step in seen or step in path:
                        continue  # an empty or repeated proposal (or a step already taken) adds nothing
                    seen.add(step)
                    score, p_yes, p_no = self._score(task, [*path, step])
                    nodes.append({"id": len(nodes), "parent": parent, "depth": level, "step": step, "score": score,
                                  "p_yes": p_yes, "p_no": p_no, "kept": False})
                    candidates.append(len(nodes) - 1)
            if self.stop.is_set() or not candidates:
                break
            # Best scores first; a tie keeps the earlier proposal.
            ranked = sorted(candidates, key=lambda i: (-nodes[i]["score"], i))[:beam]
            for i in ranked:
                nodes[i]["kept"] = True
            frontier = ranked
        best = max(frontier, key=lambda i: (nodes[i]["score"] or 0.0, -i))
        path = steps_of(best)
        prompt = task.to_prompt(self._messages(task, path, v["final_cue"]))
        details: dict[str, Any] = {"kind": "tree_of_thought", "breadth": breadth, "depth": depth, "beam": beam,
                                   "nodes": nodes, "best": best, "path": path}
        if self.stop.is_set():
            return VariantResult(prompt, "", [], None, details, cancelled=True)
        self.progress(done_count, total, "answering from the best path")
        # The answer completes the final cue's sentence; the next line would be a new attempt.
        generation = self._generate(task.params(prompt, stop=[*task.base.stop, *v["stop"], "\n"]))
        if generation is None:
            return VariantResult(prompt, "", [], None, details, cancelled=True)
        self.progress(total, total, "done")
        cancelled = generation.done is not None and generation.done.finish_reason == "cancelled"
        return VariantResult(prompt, generation.text, list(generation.tokens), generation.done, details, cancelled)


def _vote_report(vote: dict[str, Any], samples: list[dict[str, Any]], wanted: int) -> str:
    """The run's output text: the majority answer with its votes, then every sample."""
    tie = " (a tie: the first written wins)" if vote.get("tie") else ""
    lines = [f"Answer: {vote['winner'] if vote['winner'] is not None else '(none)'}{tie}"]
    if len(samples) < wanted:
        lines.append(f"Stopped after {len(samples)} of {wanted} samples.")
    counts = ", ".join(f"{v['answer']} ×{v['count']}" for v in vote["votes"])
    lines.append(f"Votes: {counts or 'none'}" + (f"; no answer in {vote['unanswered']}" if vote["unanswered"] else ""))
    for i, s in enumerate(samples, 1):
        lines += ["", f"--- sample {i} (answer: {s['answer'] if s['answer'] is not None else '-'}) ---", s["text"].strip()]
    return "\n".join(lines)


# -- a sample's tokens, as saved with the vote ------------------------------------------------


def _trace_rows(tokens: list[TokenEvent], pieces: dict[str, str]) -> list[list[Any]]:
    rows = []
    for t in tokens:
        pieces.setdefault(str(t.id), t.bytes.hex())
        top = []
        for a in t.top[:TRACE_TOP]:
            pieces.setdefault(str(a.id), a.bytes.hex())
            top.append([a.id, round(a.logprob, 5)])
        rows.append([t.id, round(t.logprob, 5), None if t.entropy is None else round(t.entropy, 4), top])
    return rows


def sample_trace(tokens: list[TokenEvent], lead: str = "", follow: list[TokenEvent] | None = None) -> dict[str, Any]:
    """A sample's tokens as compact JSON: each distinct token's bytes once (hex), then per token
    [id, logprob, entropy, [[alternative id, logprob], ...]]. ``lead`` and ``follow`` are the
    answer question of a chain that never stated its answer and the tokens that answered it."""
    pieces: dict[str, str] = {}
    trace: dict[str, Any] = {"tokens": _trace_rows(list(tokens), pieces)}
    if lead:
        trace["lead"] = lead
        trace["follow"] = _trace_rows(list(follow or []), pieces)
    trace["pieces"] = pieces
    return trace


def _trace_events(rows: list[Any], pieces: dict[str, bytes]) -> list[TokenEvent]:
    def alternative(token: int, logprob: float) -> Alternative:
        data = pieces.get(str(token), b"")
        return Alternative(int(token), data.decode("utf-8", "replace"), float(logprob), data)

    events = []
    for token, logprob, entropy, top in rows:
        data = pieces.get(str(token), b"")
        events.append(TokenEvent(int(token), data.decode("utf-8", "replace"), data, float(logprob),
                                 [alternative(a, lp) for a, lp in top], None if entropy is None else float(entropy)))
    return events


def trace_tokens(trace: dict[str, Any] | None) -> tuple[list[TokenEvent], str, list[TokenEvent]] | None:
    """(tokens, lead, follow-up tokens) of a saved ``sample_trace``; None for a sample saved
    without one (over the budget, or from an older version) or a damaged one."""
    if not isinstance(trace, dict):
        return None
    try:
        pieces = {str(k): bytes.fromhex(v) for k, v in trace.get("pieces", {}).items()}
        return (_trace_events(trace.get("tokens", []), pieces), str(trace.get("lead", "")),
                _trace_events(trace.get("follow", []), pieces))
    except (TypeError, ValueError, AttributeError):
        return None
