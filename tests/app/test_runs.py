"""The run pipeline in-process, on the real engine and a real SQLite file: prepare → execute →
history record → save → re-run, and what a failure in the middle leaves."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

from workbench.app.model import LoadSettings, open_model
from workbench.app.prompt_spec import PromptSpec, RunRequest, prepare
from workbench.app.rerun import rerun_plan
from workbench.app.runs import RunExecutor, history_record, save_run
from workbench.app.workspace import Workspace
from workbench.engine.client import EngineClient
from workbench.errors import BadInputError, EngineCrashed, ModelFileError
from workbench.values.params import SamplerParams

from tests.helpers.models import context_of

SEEDED = SamplerParams(temperature=0.9, seed=7)


def execute(engine: EngineClient, request: RunRequest, workspace: Workspace | None = None) -> object:
    prepared = prepare(request, context_of(engine).chat_format, lambda: workspace.templates)  # type: ignore[union-attr]
    return RunExecutor(engine).execute(prepared)


def test_a_run_is_recorded_and_its_rerun_repeats_it(engine: EngineClient, tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "w.sqlite")
    workspace.templates.add("colour", "My favourite colour is {{ what }}", variables=[{"name": "what", "default": ""}])
    streamed: list[object] = []
    prepared = prepare(RunRequest(PromptSpec(template="colour"), SEEDED, max_tokens=12, top_logprobs=3),
                       context_of(engine).chat_format, lambda: workspace.templates)
    result = RunExecutor(engine).execute(prepared, on_token=streamed.append)
    assert result.status == "ok" and result.tokens == streamed and len(result.tokens) <= 12
    saved = save_run(workspace, history_record(result, context_of(engine), "cli"))
    assert saved.warning is None and saved.run_id is not None
    row = workspace.runs.get(saved.run_id)
    assert (row.prompt, row.output, row.template, row.seed, row.status) == (
        "My favourite colour is ", result.text, "colour@1", 7, "ok")
    assert [t.id for t in workspace.runs.tokens(saved.run_id)] == [t.id for t in result.tokens]

    plan = rerun_plan(row)
    assert plan.model_path == engine.load_params.path and plan.request.spec.rendered
    again = execute(engine, plan.request, workspace)
    assert again.text == result.text and again.prepared.template == "colour@1"  # the same draw, the same origin
    other = execute(engine, rerun_plan(row, seed=8).request, workspace)
    assert other.prepared.params.sampler.seed == 8


def test_a_failure_mid_run_keeps_what_came_and_is_saved_as_an_error(own_engine: EngineClient, tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "w.sqlite")
    pid = own_engine.host_pid
    assert pid is not None
    killed = threading.Event()

    def kill_after_three(token: object) -> None:
        if not killed.is_set() and len(seen) == 3:
            killed.set()
            os.kill(pid, signal.SIGKILL)

    seen: list[object] = []
    model = context_of(own_engine)
    request = RunRequest(PromptSpec(text="Once upon a time"), SamplerParams(seed=3), max_tokens=2000)
    prepared = prepare(request, model.chat_format, lambda: workspace.templates)
    result = RunExecutor(own_engine).execute(prepared, on_token=lambda t: (seen.append(t), kill_after_three(t)))
    assert isinstance(result.error, EngineCrashed) and result.status == "error"
    assert len(result.tokens) >= 3 and result.tokens[:3] == seen[:3]
    run_id = save_run(workspace, history_record(result, model, "cli")).run_id
    row = workspace.runs.get(run_id)
    assert row.status == "error" and "SIGKILL" in (row.error or "") and row.output == result.text


def test_a_database_that_cannot_be_used_is_a_warning_and_the_result_stays(engine: EngineClient, tmp_path: Path) -> None:
    broken = tmp_path / "w.sqlite"
    broken.write_bytes(b"this is not SQLite" * 100)
    result = execute(engine, RunRequest(PromptSpec(text="Hi"), SEEDED, max_tokens=2))
    saved = save_run(Workspace(broken), history_record(result, context_of(engine), "cli"))
    assert saved.run_id is None and "not saved" in (saved.warning or "") and "not a workbench database" in saved.warning
    assert result.status == "ok" and result.tokens
    assert broken.read_bytes().startswith(b"this is not SQLite")  # left as it was


def test_bad_reruns_say_why(engine: EngineClient, tmp_path: Path, model_path: Path) -> None:
    workspace = Workspace(tmp_path / "w.sqlite")
    result = execute(engine, RunRequest(PromptSpec(text="Hi"), SEEDED, max_tokens=2))
    record = history_record(result, context_of(engine), "cli")
    record.model = None
    orphan = workspace.runs.get(save_run(workspace, record).run_id)
    with pytest.raises(BadInputError, match="no recorded model"):
        rerun_plan(orphan)
    # A run whose model file is gone: the plan names it, and opening it says the file is missing.
    copy = tmp_path / "copy.gguf"
    shutil.copy(model_path, copy)
    client, model = open_model(LoadSettings(str(copy), n_ctx=512))
    with client:
        made = RunExecutor(client).execute(prepare(RunRequest(PromptSpec(text="Hi"), SEEDED, max_tokens=1), model.chat_format, lambda: None))
        gone = workspace.runs.get(save_run(workspace, history_record(made, model, "cli")).run_id)
    copy.unlink()
    plan = rerun_plan(gone)
    with pytest.raises(ModelFileError, match="copy.gguf"):
        open_model(plan.load)
    # A vote whose stored variant is no longer valid (edited by hand, or from a newer version) is
    # refused before anything runs.
    vote = prepare(RunRequest(PromptSpec(text="2+3?", variant="self_consistency"), SEEDED), context_of(engine).chat_format, lambda: None)
    assert vote.details is not None
    broken = {**vote.details, "variant": {**vote.details["variant"], "samples": 10_000}}
    replay = rerun_plan(type("Row", (), {**_row_fields(gone), "variant": "self_consistency", "details": broken})())
    assert replay.request.spec.replay == broken
    with pytest.raises(BadInputError, match="samples"):
        prepare(replay.request, context_of(engine).chat_format, lambda: None)


def _row_fields(row: object) -> dict[str, object]:
    return {k: getattr(row, k) for k in ("id", "model", "params", "seed", "load_params", "template", "mode", "prompt", "chat_format")}


def test_a_cancel_before_the_run_reaches_the_engine_still_stops_it(engine: EngineClient) -> None:
    prepared = prepare(RunRequest(PromptSpec(text="Once upon a time"), SamplerParams(temperature=0.0), max_tokens=500),
                       context_of(engine).chat_format, lambda: None)
    executor = RunExecutor(engine)
    executor.cancel()  # Stop pressed just as Run was: nothing was in flight yet
    result = executor.execute(prepared)
    assert result.status == "cancelled" and result.done is not None and result.done.finish_reason == "cancelled"
    assert len(result.tokens) < 100  # greedy, this prompt runs all 500 tokens when not stopped
