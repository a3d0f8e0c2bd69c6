"""Running an experiment: every case through the one run pipeline (``prepare`` → ``RunExecutor``
→ ``history_record``), recorded with its run as it finishes, so a crash, a kill or a quit
resumes where it stopped.

One model load per model; a model's columns run one after another and each column's rows in
order, so cases that share a prompt prefix find it in llama.cpp's cache. A case identical to one
already answered (rendered prompt, model fingerprint, sampler, seed, labels) is taken from the
history instead of computed again. Pause, resume and cancel work from any thread, between cases
(cancel also stops the case in flight, which is then run again on resume). A model on a remote
endpoint runs ``concurrency`` cases of a column at once (the server's parallel slots decide how
much that helps); each is recorded as it finishes.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from workbench.app.experiments.dataset import BadRow, Row, rows, where
from workbench.app.experiments.definition import Experiment
from workbench.app.experiments.plan import Plan, PlannedColumn, changed_parts, make_plan
from workbench.app.model import LoadSettings, ModelContext, open_model
from workbench.app.prompt_spec import PreparedRun, PromptSpec, RunRequest, prepare
from workbench.app.runs import Engine, RunExecutor, RunResult, history_record
from workbench.app.workspace import Workspace
from workbench.errors import EngineClosed, EngineCrashed, ExperimentFileError, NoModelLoaded, WorkbenchError
from workbench.prompts.answers import extract, normalise
from workbench.prompts.assertions import Assertion, CaseOutput, compile_assertions, score
from workbench.store.experiments import NewCase
from workbench.store.runs import fingerprint, model_fingerprint
from workbench.values.results import GenerationDone, GenerationResult, Timings


class ClassifyingEngine(Engine, Protocol):
    """An engine that can also score labels after a prompt (EngineClient)."""

    def score_continuations(self, params: Any, texts: list[str]) -> Any: ...

    def tokenize(self, text: str, add_special: bool = True, parse_special: bool = False) -> list[tuple[int, bytes]]: ...

    def close(self) -> None: ...


ModelOpener = Callable[[LoadSettings], tuple[ClassifyingEngine, ModelContext]]


@dataclass(frozen=True)
class Progress:
    """How far an experiment got: cases done of all, how many came from the history, errors, the
    time so far and the time left (None until a case has been computed)."""

    done: int
    total: int
    cached: int
    errors: int
    elapsed_s: float
    eta_s: float | None
    column: str = ""
    row: int = -1
    paused: bool = False
    message: str = ""


@dataclass
class Outcome:
    """How a run of the runner ended, and what it had to say (resumed columns, bad rows)."""

    experiment_id: int
    status: str  # done | cancelled | error
    notices: list[str] = field(default_factory=list)


class ExperimentRunner:
    """Runs one experiment (new, or resumed by id) in the calling thread; pause(), resume() and
    cancel() from any other."""

    def __init__(
        self,
        workspace: Workspace,
        experiment: Experiment,
        *,
        source: str = "cli",
        on_progress: Callable[[Progress], None] | None = None,
        on_case: Callable[[NewCase], None] | None = None,
        opener: ModelOpener | None = None,
    ) -> None:
        self.workspace = workspace
        self.experiment = experiment
        self.source = source
        self.on_progress = on_progress or (lambda p: None)
        self.on_case = on_case or (lambda c: None)
        self.opener: ModelOpener = opener or open_model  # type: ignore[assignment]
        self._running = threading.Event()
        self._running.set()
        self._cancelled = threading.Event()
        self._executors: set[RunExecutor] = set()  # the cases in flight (several at once on an endpoint)
        self._lock = threading.Lock()
        self._experiment_id: int | None = None
        self._session: _ModelSession | None = None

    # -- control from other threads ---------------------------------------------------------

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def cancel(self) -> None:
        self._cancelled.set()
        self._running.set()
        self._stop_running()

    @property
    def experiment_id(self) -> int | None:
        return self._experiment_id

    @property
    def current_engine(self) -> ClassifyingEngine | None:
        """The engine of the model whose columns are running (None between models)."""
        session = self._session
        return session.engine if session is not None else None

    # -- the run ----------------------------------------------------------------------------

    def run(self, resume_id: int | None = None, limit: int | None = None) -> Outcome:
        """Plan (every check before the first case), record the experiment, run what is left."""
        plan = make_plan(self.experiment, self.workspace, limit)
        store = self.workspace.experiments
        notices = [f"{where(b)} of the dataset is skipped: {b.reason}" for b in plan.bad_rows]
        skip: set[str] = set()
        if resume_id is None:
            eid = store.create(self.experiment.name, self.experiment.source, self.experiment.raw, plan.to_json(), plan.n_cases)
        else:
            eid = resume_id
            record = store.get(eid)
            skip, said = _resumable(record.plan, plan)
            notices += said
            store.start(eid, {**plan.to_json(), "frozen": sorted(skip)}, plan.n_cases)
        self._experiment_id = eid
        try:
            status = self._run_cases(eid, plan, skip, notices)
        except BaseException as e:
            store.finish(eid, "error" if isinstance(e, Exception) else "cancelled", str(e) or type(e).__name__)
            raise
        store.finish(eid, status)
        return Outcome(eid, status, notices)

    def _run_cases(self, eid: int, plan: Plan, skip: set[str], notices: list[str]) -> str:
        store = self.workspace.experiments
        done_cells = store.done_cells(eid)
        bad = {b.index for b in plan.bad_rows}
        running = [c for c in plan.columns if c.id not in skip]  # a changed column is not resumed: not counted
        total = len(running) * (plan.n_rows - len(bad)) * self.experiment.repeats
        counter = _Counter(total, sum(1 for (r, c, _p) in done_cells if c not in skip and r not in bad))
        changed_rows = 0
        experiment = self.experiment
        for model_def in experiment.models:
            columns = [c for c in plan.columns if c.column.model.id == model_def.id and c.id not in skip]
            if not columns:
                continue
            session = self._session = _ModelSession(self, model_def.settings)
            try:
                for column in columns:
                    judges = _Judges(experiment)
                    pending: list[tuple[Row, int]] = []
                    for row in self._rows(plan, bad):
                        for repeat in range(experiment.repeats):
                            cell = (row.index, column.id, repeat)
                            if cell in done_cells:
                                if done_cells[cell] != row.values:
                                    changed_rows += 1
                                continue
                            pending.append((row, repeat))
                    width = self._width(session, model_def.concurrency) if pending else 1
                    if not self._run_column(eid, session, column, pending, judges, counter, width):
                        return "cancelled"
            finally:
                session.close()
                self._session = None
        if changed_rows:
            notices.append(f"{changed_rows} case(s) ran on dataset rows that have changed since; they were kept as they were.")
        self.on_progress(counter.progress("", -1, "done"))
        return "done"

    def _width(self, session: _ModelSession, concurrency: int) -> int:
        """How many cases run at once: the model's concurrency on a remote endpoint, else one (a
        local engine computes one request at a time; parallel requests would only queue)."""
        if concurrency <= 1:
            return 1
        try:
            engine, _ = session.open()
        except WorkbenchError:
            return 1  # the cases will say why it cannot open, one by one
        return concurrency if getattr(engine, "endpoint", None) is not None else 1

    def _run_column(self, eid: int, session: _ModelSession, column: PlannedColumn, pending: list[tuple[Row, int]],
                    judges: _Judges, counter: _Counter, width: int) -> bool:
        """Run a column's pending cases, ``width`` at a time, each recorded as it finishes (in the
        order they finish); False once cancelled."""
        store = self.workspace.experiments
        items = iter(pending)
        running: dict[Future[tuple[NewCase, Any]], tuple[Row, int]] = {}
        stopped = False
        with ThreadPoolExecutor(width, thread_name_prefix="experiment-case") as pool:
            try:
                while True:
                    while len(running) < width and not stopped:
                        if not self._wait():
                            stopped = True
                            break
                        item = next(items, None)
                        if item is None:
                            break
                        row, repeat = item
                        self.on_progress(counter.progress(column.id, row.index))
                        running[pool.submit(self._case, session, column, row, repeat, judges)] = item
                    if not running:
                        return not stopped
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        running.pop(future)
                        case, new_run = future.result()
                        if self._cancelled.is_set() and case.status == "cancelled":
                            stopped = True
                            continue
                        case.run_id = store.record(eid, case, new_run)
                        counter.add(case)
                        self.on_case(case)
            except BaseException:
                self._stop_running()  # the cases still in flight are not waited for to the end
                raise

    def _stop_running(self) -> None:
        with self._lock:
            executors = list(self._executors)
        for executor in executors:
            executor.cancel()

    def _rows(self, plan: Plan, bad: set[int]) -> Iterator[Row]:
        n = 0
        for row in rows(self.experiment.dataset, self.experiment.source):
            if n >= plan.n_rows:
                return
            n += 1
            if isinstance(row, BadRow) or row.index in bad:
                continue
            yield row

    def _wait(self) -> bool:
        """Block while paused; False once cancelled."""
        if not self._running.is_set():
            eid = self._experiment_id
            if eid is not None:
                self.workspace.experiments.set_status(eid, "paused")
            self._running.wait()
            if eid is not None and not self._cancelled.is_set():
                self.workspace.experiments.set_status(eid, "running")
        return not self._cancelled.is_set()

    # -- one case ---------------------------------------------------------------------------

    def _case(self, session: _ModelSession, column: PlannedColumn, row: Row, repeat: int, judges: _Judges) -> tuple[NewCase, Any]:
        experiment = self.experiment
        variables = column.variables(row)
        base = NewCase(row=row.index, column=column.id, repeat=repeat, status="ok", variables=row.values)
        started = time.perf_counter()
        try:
            engine, model = session.open()
            request = RunRequest(
                PromptSpec(version=column.version, variables=variables, chat=column.column.prompt.chat, variant=column.column.variant),
                sampler=replace(experiment.sampler, seed=(experiment.seed + repeat) % 2**32),
                max_tokens=experiment.max_tokens,
                top_logprobs=experiment.top_logprobs,
                stop=list(experiment.stop),
            )
            prepared = prepare(request, model.chat_format, lambda: self.workspace.templates)
            if column.inline:
                prepared = replace(prepared, template=None)
            assertions = judges.for_row(row)
        except ExperimentFileError:  # the definition cannot work with this model: stop, not one error a case
            raise
        except WorkbenchError as e:
            return replace(base, status="error", error=str(e), passed=False, score=0.0), None
        key = case_key(prepared, session.fingerprint, experiment)
        cached = self.workspace.experiments.cached(key)
        if cached is not None:
            output = CaseOutput(cached.output, cached.completion_tokens, cached.latency_s, cached.answer)
            checked = judges.check(assertions, output, row, cached.label_probs)
            return replace(base, case_key=key, cached=True, run_id=cached.run_id, output=cached.output, answer=cached.answer,
                           label_probs=cached.label_probs, label_tokens=cached.label_tokens,
                           completion_tokens=cached.completion_tokens, latency_s=cached.latency_s, **checked), None
        executor = RunExecutor(engine)
        with self._lock:
            self._executors.add(executor)
        try:
            result, labels = self._compute(engine, executor, prepared, session.prefix_tokens)
        finally:
            with self._lock:
                self._executors.discard(executor)
        latency = time.perf_counter() - started
        if isinstance(result.error, (EngineCrashed, NoModelLoaded)):
            session.close()  # the next case loads the model again (or says why it cannot)
        if result.status == "cancelled" and self._cancelled.is_set():
            return replace(base, status="cancelled"), None
        answer = _answer(result)
        probs = labels.probs if labels is not None else _vote_probs(result, experiment)
        tokens = labels.tokens if labels is not None else None
        if not experiment.generates and labels is not None:
            answer = labels.best
        output = CaseOutput(result.text, len(result.tokens) or (result.done.completion_tokens if result.done else 0), latency, answer)
        record = history_record(result, model, self.source, extra={
            "experiment": {"id": self._experiment_id, "column": column.id, "row": row.index, "repeat": repeat},
            **({"classification": {"labels": probs, "tokens": tokens}} if probs is not None else {}),
        })
        if result.error is not None or result.status != "ok":
            error = str(result.error) if result.error is not None else f"the run ended {result.status}"
            return replace(base, status="error", error=error, passed=False, score=0.0, output=result.text, case_key=None,
                           completion_tokens=output.completion_tokens, latency_s=latency), record
        checked = judges.check(assertions, output, row, probs)
        return replace(base, case_key=key, output=result.text, answer=answer, label_probs=probs, label_tokens=tokens,
                       completion_tokens=output.completion_tokens, latency_s=latency, **checked), record

    def _compute(
        self, engine: ClassifyingEngine, executor: RunExecutor, prepared: PreparedRun, prefix_tokens: int
    ) -> tuple[RunResult, _Labels | None]:
        """Generate (unless only labels are scored), then score the labels when the experiment
        classifies (not for a vote: its share of votes is its confidence)."""
        experiment = self.experiment
        if experiment.generates:
            result = executor.execute(prepared)
        else:
            result = RunResult(prepared, generation=GenerationResult([], "", None))
        labels = None
        if experiment.classify is not None and not prepared.search and result.error is None and not self._cancelled.is_set():
            try:
                labels = _score_labels(engine, prepared, experiment, prefix_tokens)
            except EngineClosed:
                return RunResult(prepared, generation=result.generation), None
            except WorkbenchError as e:
                return RunResult(prepared, generation=result.generation, error=e), None
            if labels is None:  # cancelled
                return RunResult(prepared, generation=result.generation), None
            if not experiment.generates:
                done = GenerationDone("stop", labels.prompt_tokens, 0, Timings(prompt_s=labels.seconds), experiment.sampler.seed or 0)
                result = RunResult(prepared, generation=GenerationResult([], labels.best, done))
        return result, labels


class _ModelSession:
    """A model column's engine, loaded on first need (a column answered wholly from the history
    loads nothing) and reloaded after it failed to load, with the file's fingerprint."""

    def __init__(self, runner: ExperimentRunner, settings: LoadSettings) -> None:
        self.runner = runner
        self.settings = settings
        self.engine: ClassifyingEngine | None = None
        self.model: ModelContext | None = None
        self.fingerprint = ""
        self.prefix_tokens = 0  # tokens of classify.prefix under this model, shared by every label
        self._fingerprint_of(settings)

    def _fingerprint_of(self, settings: LoadSettings) -> None:
        from workbench.models.info import model_info

        try:
            path = model_info(settings.model).path
            self.fingerprint = fingerprint(path)
        except (WorkbenchError, OSError):
            self.fingerprint = ""  # the load will say what is wrong with the file

    def open(self) -> tuple[ClassifyingEngine, ModelContext]:
        if self.engine is None or self.model is None:
            self.engine, self.model = self.runner.opener(self.settings)
            if self.model.info is not None and self.model.info.remote is not None:
                self.fingerprint = model_fingerprint(self.model.info)
            elif not self.fingerprint:
                self._fingerprint_of(self.settings)
            self._check_labels(self.engine)
        return self.engine, self.model

    def _check_labels(self, engine: ClassifyingEngine) -> None:
        """Labels this model's tokenizer makes nothing of fail every case: say so once, and stop."""
        classify = self.runner.experiment.classify
        if classify is None:
            return
        empty = [label for label in classify.labels if not engine.tokenize(classify.prefix + label, add_special=False)]
        if empty:
            raise ExperimentFileError(
                f"classify.labels: {', '.join(repr(e) for e in empty)} make no tokens under the tokenizer of "
                f"{self.settings.model}: give each label some text.", self.runner.experiment.source)
        self.prefix_tokens = len(engine.tokenize(classify.prefix, add_special=False)) if classify.prefix else 0

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
        self.engine = None


@dataclass
class _Labels:
    probs: dict[str, float]
    tokens: dict[str, int]
    best: str
    prompt_tokens: int
    seconds: float


def _score_labels(engine: ClassifyingEngine, prepared: PreparedRun, experiment: Experiment, shared: int) -> _Labels | None:
    classify = experiment.classify
    assert classify is not None
    params = replace(prepared.params, suffix_ids=[])
    scores = engine.score_continuations(params, [classify.prefix + label for label in classify.labels])
    if scores is None:
        return None
    totals = [c.logprob for c in scores.continuations]
    peak = max(totals)
    weights = [math.exp(t - peak) for t in totals]
    norm = sum(weights)
    probs = {label: w / norm for label, w in zip(classify.labels, weights)}
    # A label's own tokens: its continuation's, less the ``shared`` ones of the prefix they all start with.
    tokens = {label: max(1, len(c.ids) - shared) for label, c in zip(classify.labels, scores.continuations)}
    best = max(classify.labels, key=lambda label: probs[label])
    return _Labels(probs, tokens, best, scores.prompt_tokens, scores.seconds)


def _vote_probs(result: RunResult, experiment: Experiment) -> dict[str, float] | None:
    """A vote's shares over the labels (self-consistency's confidence), when the experiment classifies."""
    if experiment.classify is None or result.variant is None:
        return None
    details = result.variant.details
    votes = details.get("votes")
    if not isinstance(votes, list):
        return None
    wanted = int(details.get("samples_wanted") or sum(v["count"] for v in votes) or 1)
    by_label = {normalise(label): label for label in experiment.classify.labels}
    probs = {label: 0.0 for label in experiment.classify.labels}
    for vote in votes:
        label = by_label.get(normalise(str(vote["answer"])))
        if label is not None:
            probs[label] += vote["count"] / wanted
    return probs


def _answer(result: RunResult) -> str | None:
    """What the variant found: a vote's winner, or its extraction rule applied to the output."""
    if result.variant is not None:
        winner = result.variant.details.get("winner")
        return str(winner) if winner is not None else None
    details = result.prepared.details or {}
    rule = (details.get("variant") or {}).get("extract")
    if isinstance(rule, dict):
        return extract(result.text, rule)
    return None


class _Judges:
    """The experiment's assertions (compiled once) and a row's own, and the verdict of a case."""

    def __init__(self, experiment: Experiment) -> None:
        self.experiment = experiment
        self.common = compile_assertions(experiment.assertions, "assert")

    def for_row(self, row: Row) -> list[Assertion]:
        if not row.asserts:
            return self.common
        return self.common + compile_assertions(row.asserts, f"{where(row)} assert")

    def check(self, assertions: list[Assertion], output: CaseOutput, row: Row, probs: dict[str, float] | None) -> dict[str, Any]:
        experiment = self.experiment
        try:
            results = [a.check(output, row.values) for a in assertions]
        except WorkbenchError as e:  # a value that renders badly for this row (a missing column)
            return {"passed": False, "score": 0.0, "assertions": [], "status": "error", "error": str(e)}
        if results:
            passed, value = score(results, experiment.threshold)
            return {"passed": passed, "score": value, "assertions": [r.to_json() for r in results]}
        classify = experiment.classify
        if classify is not None and classify.expected and probs:
            best = max(probs, key=lambda label: probs[label])
            right = normalise(best) == normalise(row.values.get(classify.expected, ""))
            return {"passed": right, "score": 1.0 if right else 0.0, "assertions": []}
        return {"passed": None, "score": None, "assertions": []}


class _Counter:
    """Progress and ETA: the time per computed case (cases from the history cost nothing)."""

    def __init__(self, total: int, already: int) -> None:
        self.total = total
        self.done = already
        self.cached = 0
        self.errors = 0
        self.computed = 0
        self.started = time.monotonic()

    def add(self, case: NewCase) -> None:
        self.done += 1
        self.cached += case.cached
        self.errors += case.status == "error"
        self.computed += not case.cached

    def progress(self, column: str, row: int, message: str = "") -> Progress:
        elapsed = time.monotonic() - self.started
        left = max(0, self.total - self.done)
        eta = elapsed / self.computed * left if self.computed else None
        return Progress(self.done, self.total, self.cached, self.errors, elapsed, eta, column, row, False, message)


def case_key(prepared: PreparedRun, model_fingerprint: str, experiment: Experiment) -> str:
    """What makes two cases the same case: the exact prompt (and a variant's record), the
    model's content, every generation setting with the seed, and what is scored after it."""
    classify = experiment.classify
    record = {
        "prompt": prepared.prompt,
        "mode": prepared.mode,
        "variant": prepared.details,
        "params": prepared.params.to_dict(),
        "model": model_fingerprint,
        "generates": experiment.generates,
        "labels": [classify.prefix + label for label in classify.labels] if classify else None,
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _resumable(stored: dict[str, Any], plan: Plan) -> tuple[set[str], list[str]]:
    """The columns not to resume (changed since the experiment was recorded, or new), and what to say."""
    old = {c["id"]: c for c in stored.get("columns", [])}
    skip: set[str] = set()
    said: list[str] = []
    for column in plan.columns:
        before = old.get(column.id)
        if before is None:
            skip.add(column.id)
            said.append(f"column {column.id} is new since this experiment ran: not resumed (run the file as a new experiment).")
            continue
        parts = changed_parts(before.get("signature", {}), column.signature)
        if parts:
            skip.add(column.id)
            said.append(f"column {column.id} changed since it ran ({', '.join(parts)}): its cases are kept as they were, not resumed.")
    for cid in old:
        if cid not in {c.id for c in plan.columns}:
            said.append(f"column {cid} is no longer in the file: its cases are kept as they were.")
    return skip, said
