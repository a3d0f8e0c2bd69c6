"""A walk through every panel of the real window, as a new user would take it, with a screenshot
of each step: both languages, any window size, light or dark.

usage: xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/walkthrough.py OUT_DIR
           [--size 1024x700] [--language zh_CN] [--theme dark] [--model PATH]

Each PNG is named after its step (01-chat.png, 02-tokens.png, ...). Run it in a fresh data folder
(WORKBENCH_HOME=$(mktemp -d)) so the history and the library start as a new user's do.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from workbench.gui.app import create_window
from workbench.gui.i18n import install_language
from workbench.gui.theme import THEMES, apply_theme

TIMEOUT_MS = 120_000

PROMPTS = {
    "": ("Answer in two sentences.", "Why is the sky blue?", "And why are sunsets red?", "The quick brown fox 跳过了 the lazy dog 🦊."),
    "zh_CN": ("用两句话回答。", "天空为什么是蓝色的？", "那日落为什么是红色的？", "在这个提示中有一个聪明的猴子 and a clever fox 🦊。"),
}


def wait(signal: Any, ms: int = TIMEOUT_MS) -> None:
    """Run the event loop until ``signal`` fires (or ``ms`` pass)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def settle(ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path, size: tuple[int, int], language: str, theme: str | None, model: str = "default") -> int:
    app = QApplication(sys.argv)
    window = create_window(None)
    install_language(language)  # for this walk only: the remembered language is left as it is
    if theme:
        apply_theme(theme)
    window.resize(*size)
    window.show()
    out.mkdir(parents=True, exist_ok=True)
    shots: list[str] = []

    def shoot(name: str, before: Callable[[], None] | None = None) -> None:
        if before:
            before()
        settle()
        path = out / f"{len(shots) + 1:02d}-{name}.png"
        window.grab().save(str(path))
        shots.append(str(path))

    loaded = window.bridge.modelLoaded
    window.load_model(model)
    wait(loaded)
    system, question, follow_up, mixed = PROMPTS.get(language, PROMPTS[""])
    window.sampling.apply_preset("Balanced")
    window.sampling.fixed_seed.setChecked(True)
    window.sampling.seed.setValue(7)
    window.sampling.max_tokens.setValue(60)
    window.editors.set_mode("chat")
    window.editors.chat.system.setPlainText(system)
    window.editors.chat.composer.setPlainText(question)
    window.run()
    wait(window.runFinished)
    window.editors.chat.composer.setPlainText(follow_up)
    window.run()
    wait(window.runFinished)
    shoot("chat", window.sampling_dock.raise_)

    shown: list[Any] = []
    window.exactPromptShown.connect(shown.append)
    window.show_exact_prompt()
    wait(window.exactPromptShown)
    settle()
    for dialog in shown:
        path = out / f"{len(shots) + 1:02d}-exact-prompt.png"
        dialog.grab().save(str(path))
        shots.append(str(path))
        dialog.close()
    manager = window.open_model_manager()
    settle(800)
    path = out / f"{len(shots) + 1:02d}-model-settings.png"
    manager.grab().save(str(path))
    shots.append(str(path))
    manager.close()

    window.token_lab.input.setPlainText(mixed)
    shoot("tokens", window.tokens_dock.raise_)

    window.next_dock.raise_()
    window.next_panel.refresh()
    wait(window.next_panel.distributionReady)
    shoot("next-token")

    window.surprisal_dock.raise_()
    window.surprisal_panel.score()
    wait(window.surprisal_panel.scored)
    shoot("surprisal")

    window.resample_dock.raise_()
    window.resample_panel.runs.setValue(8)
    window.resample_panel.start()
    wait(window.resample_panel.finished)
    shoot("resample")

    tokens = window.output.tokens
    if len(tokens) > 2 and len(tokens[2].top) > 1:
        window.branch(2, tokens[2].top[1])
        wait(window.runFinished)
    shoot("branches", window.branches_dock.raise_)

    window.colour_box.setCurrentIndex(2)
    shoot("colour-by-entropy", window.history_dock.raise_)
    window.colour_box.setCurrentIndex(0)

    window.library_dock.raise_()
    settle(600)
    window.library_panel.filter.setText("攻击" if language == "zh_CN" else "injection")
    shoot("library")

    # An experiment: the starter definition in the editor, then a built-in suite run, its results.
    from workbench.app.experiments.suites import find_suite

    panel = window.experiment_panel
    window.experiment_dock.raise_()
    panel.new_definition()
    shoot("experiment-definition")
    panel.open_file(find_suite("sentiment-zh" if language == "zh_CN" else "sentiment").path)
    panel.run()
    wait(panel.worker.finished, 300_000)
    settle(600)
    shoot("experiment-results")

    window.editors.set_mode("completion")
    window.editors.completion.setPlainText("Once upon a time, in a small village,")
    shoot("completion")
    print("\n".join(shots))
    window.close()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1024x700")
    parser.add_argument("--language", default="", help="zh_CN for Chinese; empty: English")
    parser.add_argument("--theme", choices=THEMES)
    parser.add_argument("--model", default="default", help="a .gguf file (default: the bundled model)")
    args = parser.parse_args()
    w, h = (int(x) for x in args.size.split("x"))
    raise SystemExit(main(args.out, (w, h), args.language, args.theme, args.model))
