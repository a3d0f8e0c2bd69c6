"""A data folder that cannot be written: one clear warning, then a private temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from workbench import paths
from workbench.errors import StoreError


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """paths with nothing chosen yet, and the system's temporary folder inside the test's."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setattr(paths, "_chosen", None)
    monkeypatch.setattr(paths, "_notice", None)
    monkeypatch.setattr(paths, "_writable", None)
    return tmp


def _home_under_a_file(tmp_path: Path) -> Path:
    # A home that cannot be created even by root (chmod does not stop root): its parent is a file.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    return blocker / "home"


def test_a_writable_home_is_used_and_nothing_is_said(fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "home"))
    assert paths.data_dir() == tmp_path / "home"
    assert (tmp_path / "home").is_dir() and not list((tmp_path / "home").iterdir())  # the probe is gone
    assert paths.data_dir_notice() is None
    assert capsys.readouterr().err == ""


def test_an_unwritable_home_falls_back_to_a_private_temporary_folder(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    home = _home_under_a_file(tmp_path)
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    first = paths.data_dir()
    assert first == fresh / f"prompt-workbench-{os.getuid()}"
    assert first.is_dir() and (first.stat().st_mode & 0o777) == 0o700
    assert paths.data_dir() == first and paths.log_dir().parent == first
    err = capsys.readouterr().err
    assert err.count("warning:") == 1, err  # said once, however often the folder is asked for
    assert str(home) in err and "Not a directory" in err and str(first) in err and "WORKBENCH_HOME" in err
    notice = paths.data_dir_notice()
    assert notice is not None and notice.key == "home.fallback" and notice.fields["fallback"] == str(first)


def test_a_fallback_folder_of_another_user_is_not_used(fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_HOME", str(_home_under_a_file(tmp_path)))
    planted = fresh / f"prompt-workbench-{os.getuid()}"
    planted.mkdir()
    os.chown(planted, os.getuid() + 1, -1)  # someone else made it first, to read what we keep there
    with pytest.raises(StoreError, match="nor in .*WORKBENCH_HOME") as caught:
        paths.data_dir()
    assert caught.value.key == "home.unwritable" and "another user" in str(caught.value)


def test_the_command_line_runs_on_with_the_warning(tmp_path: Path) -> None:
    env = {**os.environ, "WORKBENCH_HOME": str(_home_under_a_file(tmp_path)), "TMPDIR": str(tmp_path)}
    for _ in range(2):  # a second start finds the same temporary folder and its history
        done = subprocess.run([sys.executable, "-m", "workbench", "history", "list"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stderr.startswith("warning: Cannot keep data in") and "Traceback" not in done.stderr
    assert (tmp_path / f"prompt-workbench-{os.getuid()}" / "workbench.sqlite").is_file()
