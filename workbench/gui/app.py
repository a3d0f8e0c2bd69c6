"""Start the desktop app: show the window at once, load the model in the background."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from workbench import __version__
from workbench.engine.client import EngineClient
from workbench.gui.bridge import EngineBridge
from workbench.gui.main_window import MainWindow
from workbench.paths import log_dir


def create_window(model: str | None = "default") -> MainWindow:
    """A main window with its own engine, loading ``model`` (None: load nothing)."""
    bridge = EngineBridge(EngineClient(log_path=log_dir() / "engine.log"))
    window = MainWindow(bridge)
    bridge.setParent(window)
    if model:
        window.load_model(model)
    return window


def main(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("Prompt Workbench")
    app.setOrganizationName("Prompt Workbench")
    app.setApplicationVersion(__version__)
    window = create_window()
    window.show()
    return app.exec()
