"""The `workbench` command run as a user runs it: a real process."""

from __future__ import annotations

import subprocess
import sys


def workbench(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], input=stdin, capture_output=True, text=True, timeout=120
    )
