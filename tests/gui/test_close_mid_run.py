"""Closing the real window in the middle of a run (real engine, issue 17): while it generates and
while it still evaluates its prompt. The run is saved in the history as cancelled with the seed
it was drawn with (no fixed seed: the one the engine drew) and the settings it ran with, and no
engine host process is left.

The client draws a run's seed from the system's randomness; the test makes that draw repeatable
(a seeded generator in its place), so the run, and what the closing cuts it to, is the same each time."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers.engine_spy import on_started
from tests.helpers.processes import exited
from tests.helpers.window import T, open_window
from workbench.engine import client as client_module
from workbench.engine.client import EngineClient
from workbench.store.database import Database
from workbench.store.runs import RunStore
from workbench.values.params import GenerateParams, SamplerParams

SETTINGS = SamplerParams(temperature=0.9, top_k=30, top_p=0.9, min_p=0.02, repeat_penalty=1.1)  # no seed
MAX_TOKENS = 1000
LONG_PROMPT = "The quick brown fox jumps over the lazy dog. " * 150  # ~1500 tokens: seconds to evaluate here
DRAW = 20240517  # what seeds the generator the client draws the run's seed from


def host_processes() -> set[int]:
    """This process's children that are engine hosts."""
    pids: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as f:
                children = [int(p) for p in f.read().split()]
        except FileNotFoundError:
            continue
        for pid in children:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if b"workbench.engine.host" in f.read() and not exited(pid):
                        pids.add(pid)
            except FileNotFoundError:
                pass
    return pids


@pytest.mark.parametrize("phase", ["generating", "evaluating the prompt"])
def test_closing_the_window_mid_run_saves_it_cancelled_with_its_seed_and_settings(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, engine: EngineClient, phase: str
) -> None:
    engine.start()  # the shared engine's host, here before the window's (it checks the saved run)
    before = host_processes()
    monkeypatch.setattr(client_module.random, "SystemRandom", lambda: random.Random(DRAW))
    drawn = random.Random(DRAW).randrange(2**32)
    win = open_window(qtbot)
    client = win.bridge.local
    pid = client.host_pid
    assert pid is not None and pid in host_processes()
    db_path = win.recorder.store.db.path
    # What the host says as it starts the run: the seed it draws with, the prompt's size.
    started = on_started(client, monkeypatch, lambda _message: None)
    batches: list[object] = []
    win.bridge.tokensArrived.connect(batches.append)
    win.editors.set_mode("completion")
    prompt = "Once upon a time" if phase == "generating" else LONG_PROMPT
    win.editors.completion.setPlainText(prompt)
    win.sampling.set_sampler(SETTINGS)
    assert not win.sampling.fixed_seed.isChecked()
    win.sampling.max_tokens.setValue(MAX_TOKENS)
    win.run_action.trigger()
    if phase == "generating":
        qtbot.wait_until(lambda: len(batches) >= 2, timeout=T)
    else:
        qtbot.wait_until(lambda: bool(started), timeout=T)
        assert not batches  # closed before the first token: inside the prompt's evaluation
    assert win.bridge.busy
    n_ctx = win.loaded.n_ctx if win.loaded else None
    win.close()

    assert exited(pid) and host_processes() <= before  # the window's host is gone, no other took its place
    assert client.host_pid is None
    store = RunStore(Database(db_path))
    qtbot.wait_until(lambda: store.count() == 1, timeout=T)
    row = store.get(store.list(limit=1)[0].id)
    assert row.status == "cancelled" and row.finish_reason == "cancelled" and row.error is None
    [message] = started
    assert row.seed == message["seed"] == drawn  # the seed drawn for the run, not 0, not None
    assert row.prompt == prompt and row.prompt_tokens == message["prompt_tokens"] > 0
    saved = GenerateParams.from_dict(row.params)
    assert saved.sampler == SETTINGS and saved.max_tokens == MAX_TOKENS  # the settings it ran with
    assert row.load_params["n_ctx"] == n_ctx and row.model is not None and Path(row.model.path).name.endswith(".gguf")
    tokens = store.tokens(row.id)
    if phase == "generating":
        assert 0 < row.completion_tokens == len(tokens) < MAX_TOKENS
        # The saved seed and settings repeat the tokens the closing cut short.
        again = engine.generate(
            GenerateParams(row.prompt, SamplerParams(**{**SETTINGS.to_dict(), "seed": row.seed}), max_tokens=len(tokens))
        ).result()
        assert [t.id for t in again.tokens] == [t.id for t in tokens]
    else:
        assert row.completion_tokens == 0 and not tokens
