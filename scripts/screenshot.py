"""Take a screenshot of the real main window after a run (for the README).

usage: xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot.py OUT.png
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from workbench.gui.app import create_window


def main(out: str) -> int:
    app = QApplication(sys.argv)
    window = create_window()
    window.resize(1200, 760)
    window.show()
    window.settings.seed.setValue(7)
    window.settings.max_tokens.setValue(120)
    window.prompt.setPlainText("Explain in two sentences why the sky is blue.")

    def run() -> None:
        window.run()

    def shoot() -> None:
        cursor_token = window.output.tokens[min(5, len(window.output.tokens) - 1)]
        window.output.setToolTip(window.output.tooltip_html(cursor_token))
        window.grab().save(out)
        window.close()
        app.quit()

    window.bridge.modelLoaded.connect(lambda _m: QTimer.singleShot(100, run))
    window.runFinished.connect(lambda _g: QTimer.singleShot(300, shoot))
    QTimer.singleShot(60_000, app.quit)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "screenshot.png"))
