"""The window's session on disk: what the editor, the sampler and the panels held, so that a
restart (or a crash) brings the work back.

One JSON file in the data folder, written whole to a temporary file and renamed over the old one,
so a full disk or a crash mid-write leaves the previous session, never half of one. A file that
cannot be read is moved aside (kept for the user) and the window starts empty. Qt-free: the
window decides what goes in the state.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from workbench.errors import StoreError

SESSION_VERSION = 1


class SessionFile:
    """Reads and writes one session file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None  # why the last load found nothing usable

    def load(self) -> dict[str, Any]:
        """The saved state ({} when there is none, or when it is unreadable: then it is moved
        aside to ``<name>.broken`` and ``problem`` says why)."""
        self.problem = None
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as e:
            self.problem = f"the last session could not be read ({e.strerror or e})"
            return {}
        try:
            state = json.loads(raw)
            if not isinstance(state, dict) or state.get("version") != SESSION_VERSION:
                raise ValueError("not a session of this version")
        except ValueError as e:
            aside = self.path.with_name(self.path.name + ".broken")
            try:
                os.replace(self.path, aside)
            except OSError:
                pass
            self.problem = f"the last session could not be read ({e}); it was kept as {aside}"
            return {}
        return state

    def save(self, state: dict[str, Any]) -> None:
        """Write ``state`` (plain JSON data). Raises StoreError when it cannot be written; the
        previous session file is then left as it was."""
        data = json.dumps({**state, "version": SESSION_VERSION}, ensure_ascii=False)
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except OSError as e:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            raise StoreError(f"The session could not be saved to {self.path}: {e.strerror or e}.") from e
