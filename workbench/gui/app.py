"""Start the desktop app: show the window at once, load the model in the background."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from workbench import __version__
from workbench.engine.client import EngineClient
from workbench.errors import WorkbenchError
from workbench.gui.bridge import EngineBridge
from workbench.gui.error_text import user_message
from workbench.gui.i18n import install_language
from workbench.gui.main_window import MainWindow
from workbench.gui.settings import AppSettings
from workbench.gui.theme import apply_theme
from workbench.models.bundled import DEFAULT_ALIAS
from workbench.paths import assets_dir, data_dir_notice, log_dir

LAST = "last"


def _display_available() -> bool:
    """Qt aborts the process when it finds no screen; check first (Linux/BSD only need this)."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def create_window(model: str | None = LAST) -> MainWindow:
    """A main window with its own engine. ``model``: a path, 'default', 'last' (the model used last
    time, else the bundled one) or None (load nothing)."""
    settings = AppSettings()
    install_language(settings.language())
    apply_theme(settings.theme())  # before the window exists, so it is never painted in the wrong scheme
    bridge = EngineBridge(EngineClient(log_path=log_dir() / "engine.log"))
    window = MainWindow(bridge, settings)
    bridge.setParent(window)
    if model == LAST:
        last = settings.last_model()
        model = last if last and Path(last).is_file() else DEFAULT_ALIAS
        if last and model != last:
            window.load_model(model)
            window.show_error(window.tr("The last model, {0}, is no longer there; loaded the bundled model.").format(last))
            model = None
    if model:
        window.load_model(model)  # (a load that begins clears the banner: what to say comes after it)
    notice = data_dir_notice()
    if notice is not None:  # the home cannot be written: where the data goes instead matters more
        window.show_error(user_message(notice))
    return window


def app_icon() -> QIcon:
    """The app's icon in every size shipped in assets/icons (the window, the task bar)."""
    icon = QIcon()
    for png in sorted((assets_dir() / "icons").glob("workbench-*.png")):
        icon.addFile(str(png))
    return icon


def main(argv: list[str] | None = None) -> int:
    if not _display_available():
        print(
            "error: no display found, so the window cannot open (set DISPLAY, or run under xvfb-run). "
            "The command line works without one: see `workbench --help`.",
            file=sys.stderr,
        )
        return 2
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("Prompt Workbench")
    app.setOrganizationName("Prompt Workbench")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("prompt-workbench")  # Wayland matches the window to prompt-workbench.desktop
    try:
        window = create_window()
    except WorkbenchError as e:  # nowhere to keep settings and history: say why, in a box and on stderr
        print(f"error: {e}", file=sys.stderr)
        QMessageBox.critical(None, "Prompt Workbench", user_message(e))
        return 2
    window.show()
    return app.exec()
