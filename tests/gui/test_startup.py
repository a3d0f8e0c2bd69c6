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
