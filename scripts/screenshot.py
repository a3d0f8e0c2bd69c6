"""Take a screenshot of the real main window after a run (for the README).

usage: xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot.py OUT.png [--theme dark]
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from workbench.gui.app import create_window
from workbench.gui.i18n import install_language
from workbench.gui.theme import THEMES, apply_theme


def main(out: str, theme: str | None = None, language: str = "") -> int:
    app = QApplication(sys.argv)
    window = create_window("default")
    if language:
        install_language(language)  # for this picture only
    if theme:
        apply_theme(theme)  # for this picture only: the remembered choice is left as it is
    window.resize(1280, 800)
    window.show()
    window.sampling.fixed_seed.setChecked(True)
    window.sampling.seed.setValue(7)
    window.sampling.max_tokens.setValue(120)
    window.editors.set_mode("chat")
    system, question = ("用两句话回答。", "天空为什么是蓝色的？") if language else ("Answer in two sentences.", "Why is the sky blue?")
    window.editors.chat.system.setPlainText(system)
    window.editors.chat.composer.setPlainText(question)

    def run() -> None:
        window.run()

    def shoot() -> None:
        window.grab().save(out)
        window.close()
        app.quit()

    window.bridge.modelLoaded.connect(lambda _m: QTimer.singleShot(100, run))
    window.runFinished.connect(lambda _g: QTimer.singleShot(300, shoot))
    QTimer.singleShot(60_000, app.quit)
    return app.exec()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Screenshot of the main window after a run.")
    parser.add_argument("out", nargs="?", default="screenshot.png")
    parser.add_argument("--theme", choices=THEMES, help="the theme to show (default: the remembered one)")
    parser.add_argument("--language", default="", help="zh_CN for the Chinese window")
    args = parser.parse_args()
    raise SystemExit(main(args.out, args.theme, args.language))
