"""The window on a history it cannot write: a read-only folder (a real read-only mount where one
can be made, else the same failure injected) and a full disk (a small tmpfs filled up). The old
runs are browsed, a new run is generated and shown, the window says in one line why it was not
saved, and the database stays whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers import mounts
from tests.helpers.stores import integrity, make_history
from tests.helpers.window import T, open_window, run_completion
from workbench.gui.settings import AppSettings


def _runs_then_one_more(qtbot: QtBot, db: Path, said: str) -> None:
    win = open_window(qtbot)
    try:
        assert win.recorder.store is not None and win.recorder.store.count() == 2  # browsed
        with qtbot.wait_signal(win.recorder.failed, timeout=T) as failed:
            generation = run_completion(qtbot, win, "The capital of France is", 3)
        assert len(generation.tokens) == 3 and win.output.toPlainText()  # the result is shown
        assert "not saved in the history" in failed.args[0] and said in failed.args[0]
        qtbot.wait_until(lambda: win.error.isVisible())
        assert said in win.error.text()
        assert win.recorder.store.count() == 2
    finally:
        win.close()
    assert integrity(db) == "ok"


def test_a_read_only_folder_is_browsed_and_a_run_still_shows(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "history" / "h.sqlite"
    db.parent.mkdir()
    make_history(db)
    AppSettings().set_database_path(str(db))
    with mounts.read_only_or_injected(monkeypatch, db, folder=True):
        _runs_then_one_more(qtbot, db, "read-only")
    assert mounts.mounted(tmp_path) == []


def test_a_full_disk_is_said_and_a_run_still_shows(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "small"
    with mounts.small_disk_or_plain(folder) as real:
        db = folder / "h.sqlite"
        make_history(db)
        AppSettings().set_database_path(str(db))
        free = mounts.fill_or_inject(monkeypatch, folder, real)
        try:
            _runs_then_one_more(qtbot, db, "full")
        finally:
            free()
    assert mounts.mounted(tmp_path) == []
