"""Start-up: the first paint imports only what it needs (its speed is the benchmark's business,
`gui_window_shown_s`; this holds the reason it is fast)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CODE = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from workbench.gui.app import create_window
window = create_window("default")
window.show()
app.processEvents()
heavy = sorted(m for m in ("sqlalchemy", "alembic", "workbench.store.runs", "workbench.store.database") if m in sys.modules)
print("before:", heavy)
window._open_history()  # what the timer does just after the first paint
print("after:", window.recorder.store is not None, "sqlalchemy" in sys.modules)
window.close()
"""


def test_the_window_paints_before_the_database_loads(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "before: []" in result.stdout
    assert "after: True True" in result.stdout


NO_HOME = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from workbench.gui.app import app_icon, create_window
import time
window = create_window("default")
deadline = time.monotonic() + 90
while window.models.loaded is None and time.monotonic() < deadline:  # the banner outlives the load
    app.processEvents()
    time.sleep(0.02)
print("loaded:", window.models.loaded is not None)
print("banner:", window.error.isVisibleTo(window), window.error.text())
print("icon sizes:", sorted(s.width() for s in app_icon().availableSizes()))
window.close()
"""


def test_a_home_that_cannot_be_written_is_said_in_the_window_which_opens_anyway(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_HOME=str(blocker / "home"), TMPDIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", NO_HOME], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "loaded: True" in result.stdout
    assert f"banner: True Cannot keep data in {blocker / 'home'}" in result.stdout
    assert "WORKBENCH_HOME" in result.stdout and (tmp_path / f"prompt-workbench-{os.getuid()}" / "settings.ini").exists()
    assert "icon sizes: [16, 24, 32, 48, 64, 128, 256, 512]" in result.stdout
