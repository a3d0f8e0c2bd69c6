"""Running a prepared run on an engine, and the one function that turns its result into a history
record.

A single generation streams its tokens to a callback; a vote or a search runs its many
generations through the variant runner. A failure in the middle still gives a result (with what
came before it and the error), so the history keeps it; the caller decides whether to raise.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from workbench.app.model import ModelContext
from workbench.app.prompt_spec import PreparedRun
from workbench.app.workspace import Workspace
from workbench.errors import EngineClosed, WorkbenchError
from workbench.prompts import variant_runner
from workbench.prompts.variant_runner import Progress, VariantResult, VariantRunner
from workbench.store.run_records import NewRun
from workbench.values.results import GenerationDone, GenerationResult
from workbench.values.tokens import TokenEvent

TokenSink = Callable[[TokenEvent], None]


class Engine(variant_runner.Engine, Protocol):
    """What a run needs of an engine (EngineClient, or a remote backend later): what the variant
    runner needs, and a cancel from any thread."""

    def cancel(self) -> None: ...


@dataclass
class RunResult:
    """What a run left: one generation, or a variant's result, or an error with what came before."""

    prepared: PreparedRun
    generation: GenerationResult | None = None
    variant: VariantResult | None = None
    error: WorkbenchError | None = None

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        if self.variant is not None:
            return self.variant.status
        # No "done" at all: the engine was shut down under it (the window closing).
        cancelled = self.generation is None or self.generation.done is None or self.generation.cancelled
        return "cancelled" if cancelled else "ok"

    @property
    def prompt(self) -> str:
        if self.variant is not None:
            return self.variant.prompt
        return self.prepared.prompt

    @property
    def text(self) -> str:
        if self.variant is not None:
            return self.variant.output
        return self.generation.text if self.generation is not None else ""

    @property
    def tokens(self) -> list[TokenEvent]:
        if self.variant is not None:
            return list(self.variant.tokens)
        return list(self.generation.tokens) if self.generation is not None else []

    @property
    def done(self) -> GenerationDone | None:
        if self.variant is not None:
            return self.variant.done
        return self.generation.done if self.generation is not None else None

    @property
    def details(self) -> dict[str, Any] | None:
        """The variant record, with what a vote or a search found."""
        if self.prepared.details is None:
            return None
        return {**self.prepared.details, **(self.variant.details if self.variant is not None else {})}


def history_record(result: RunResult, model: ModelContext, source: str, extra: dict[str, Any] | None = None) -> NewRun:
    """The history record of a run: the one place that decides what a saved run holds.
    ``extra``: more findings kept with it (an experiment's case, its label probabilities)."""
    prepared = result.prepared
    details = result.details
    if extra:
        details = {**(details or {}), **extra}
    return NewRun(
        source=source,
        mode=prepared.mode,
        prompt=result.prompt,
        output=result.text,
        params=prepared.params,
        model=model.info,
        loaded=model.loaded,
        tokens=result.tokens,
        done=result.done,
        status=result.status,
        error=str(result.error) if result.error is not None else None,
        template=prepared.template,
        variant=prepared.variant,
        details=details,
        conversation=prepared.conversation,
        turn=prepared.turn,
        messages=[{"role": m.role, "content": m.content} for m in prepared.messages] if prepared.messages is not None else None,
        chat_format=prepared.chat_format,
    )


@dataclass(frozen=True)
class Saved:
    """The outcome of saving a run: its id, or why it was not saved (a warning, never a lost result)."""

    run_id: int | None
    warning: str | None = None


def save_run(workspace: Workspace, record: NewRun) -> Saved:
    try:
        return Saved(workspace.runs.save(record))
    except WorkbenchError as e:
        return Saved(None, f"the run was not saved in the history: {e}")


class RunExecutor:
    """Runs prepared runs on one engine, one at a time; ``cancel()`` from any thread. Once
    cancelled it stays so: make one executor per run that can be stopped on its own."""

    def __init__(self, engine: Engine, progress: Progress | None = None) -> None:
        self.engine = engine
        self.progress = progress
        self._runner: VariantRunner | None = None
        self._stopped = threading.Event()

    def execute(self, prepared: PreparedRun, on_token: TokenSink | None = None) -> RunResult:
        """Run ``prepared`` to its end. A cancel() that came before (from another thread, just
        as the run was asked for) stops it at once."""
        if prepared.search:
            assert prepared.task is not None
            runner = self._runner = VariantRunner(self.engine, self.progress)
            if self._stopped.is_set():  # cancel() came before this runner existed
                runner.cancel()
            try:
                return RunResult(prepared, variant=runner.run(prepared.task))
            except WorkbenchError as e:
                return RunResult(prepared, error=e)
            finally:
                self._runner = None
        stream = self.engine.generate(prepared.params)
        asked = False
        try:
            for token in stream:
                if on_token is not None:
                    on_token(token)
                if not asked and self._stopped.is_set():  # a cancel() before the request reached the engine
                    asked = True
                    self.engine.cancel()
        except EngineClosed:  # shut down under it (the window closing): kept as cancelled
            return RunResult(prepared, generation=stream.partial())
        except WorkbenchError as e:  # the engine failed mid-way: what came is kept
            return RunResult(prepared, generation=stream.partial(), error=e)
        return RunResult(prepared, generation=stream.result())

    @property
    def stopped(self) -> bool:
        """cancel() was called."""
        return self._stopped.is_set()

    def cancel(self) -> None:
        self._stopped.set()
        runner = self._runner
        if runner is not None:
            runner.cancel()
        self.engine.cancel()
