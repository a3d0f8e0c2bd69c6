"""`workbench history` and `workbench run` on a history that cannot be written: a read-only folder
(a WAL database with no -wal or -shm file, where SQLite can make none) and a full disk (a small
tmpfs filled to the last byte). Browsing works, writing is one clear line, a run's result is still
printed, and the database stays whole.

Real mounts (tests/helpers/mounts.py); where nothing can be mounted, the same failures are injected
into the commands instead, never skipped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import mounts
from tests.helpers.cli import workbench
from tests.helpers.stores import files, integrity, make_history

PROMPT = ("run", "--prompt", "The capital of France is", "--max-tokens", "3", "--temperature", "0")


@pytest.fixture(autouse=True)
def no_mount_left_behind(tmp_path: Path) -> Iterator[None]:
    yield
    assert mounts.mounted(tmp_path) == []


def listed(db: Path) -> list[int]:
    done = workbench("history", "list", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    return [r["id"] for r in json.loads(done.stdout)["runs"]]


def clean_failure(done: object, *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)  # type: ignore[attr-defined]
    stderr = done.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    for word in words:
        assert word in stderr, stderr


def test_a_read_only_folder_is_browsed_and_writing_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shared history"
    folder.mkdir()
    db = folder / "h.sqlite"
    ids = make_history(db)
    before = files(folder)
    assert list(before) == ["h.sqlite"]
    with mounts.read_only_or_injected(monkeypatch, db, folder=True, commands=tmp_path):
        assert listed(db) == ids[::-1]
        found = workbench("history", "search", "高兴", "--db", str(db), "--json")
        assert found.returncode == 0 and [r["id"] for r in json.loads(found.stdout)["runs"]] == [ids[1]], found.stderr
        shown = workbench("history", "show", str(ids[0]), "--db", str(db), "--json")
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["output"] == "blue today" and len(json.loads(shown.stdout)["tokens"]) == 3
        text = workbench("history", "list", "--db", str(db))
        assert text.returncode == 0 and "blue today" in text.stdout and "2 of 2 runs" in text.stderr

        clean_failure(workbench("history", "delete", str(ids[0]), "--db", str(db)), "read-only", str(db))

        run = workbench(*PROMPT, "--json", "--db", str(db))
        assert run.returncode == 0, run.stderr
        result = json.loads(run.stdout)
        assert result["text"] and result["run_id"] is None
        assert "not saved in the history" in run.stderr and "read-only" in run.stderr and "Traceback" not in run.stderr
        assert listed(db) == ids[::-1]
        assert files(folder) == before  # nothing written, no -wal or -shm made
    assert files(folder) == before and integrity(db) == "ok"


def test_a_run_on_a_full_disk_prints_its_result_and_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "disk"
    with mounts.small_disk_or_plain(folder) as real:
        db = folder / "h.sqlite"
        ids = make_history(db)
        free = mounts.fill_or_inject(monkeypatch, folder, real, commands=tmp_path)

        run = workbench(*PROMPT, "--json", "--db", str(db))
        assert run.returncode == 0, run.stderr
        result = json.loads(run.stdout)
        assert result["text"] and result["run_id"] is None and len(result["tokens"]) == 3
        assert "not saved in the history" in run.stderr and "full" in run.stderr and "Traceback" not in run.stderr

        streamed = workbench(*PROMPT, "--db", str(db))  # streaming text: still all printed
        assert streamed.returncode == 0, streamed.stderr
        assert result["text"].strip() in streamed.stdout
        assert "not saved in the history" in streamed.stderr and "full" in streamed.stderr

        assert listed(db) == ids[::-1]  # the history is still browsed on the full disk
        clean_failure(workbench("history", "delete", str(ids[0]), "--db", str(db)), "full", str(db))
        assert integrity(db) == "ok"

        free()
        saved = workbench(*PROMPT, "--json", "--db", str(db))
        assert saved.returncode == 0 and json.loads(saved.stdout)["run_id"] == 3, saved.stderr
        assert json.loads(saved.stdout)["text"] == result["text"]
        assert listed(db) == [3, *ids[::-1]]
        assert integrity(db) == "ok"
