"""The window's background renders (``workbench.gui.background``): answers on the GUI thread, one
render of a kind at a time, the newest request winning, and forgotten requests never answered."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from workbench.errors import TemplateError
from workbench.gui.background import Background

T = 10_000


def test_answers_come_on_the_gui_thread_and_failures_as_the_error_raised(qtbot: QtBot) -> None:
    background = Background()
    answers: list[tuple[str, object, bool]] = []
    gui = threading.current_thread()
    background.call("a", lambda: 42, lambda r: answers.append(("done", r, threading.current_thread() is gui)), lambda e: None)
    qtbot.wait_until(lambda: len(answers) == 1, timeout=T)

    def broken() -> str:
        raise TemplateError.of("template.too_slow", what="template", seconds=2)

    background.call("a", broken, lambda r: None, lambda e: answers.append(("failed", e.key, threading.current_thread() is gui)))
    qtbot.wait_until(lambda: len(answers) == 2, timeout=T)
    assert answers == [("done", 42, True), ("failed", "template.too_slow", True)]
    assert not background.pending("a")


def test_one_render_of_a_kind_at_a_time_the_newest_waiting_request_wins(qtbot: QtBot) -> None:
    background = Background()
    release = threading.Event()
    running: list[str] = []
    answered: list[str] = []

    def work(name: str) -> str:
        running.append(name)
        if name == "first":
            assert release.wait(T / 1000)
        return name

    for name in ("first", "second", "third"):
        background.call("library", lambda name=name: work(name), answered.append, lambda e: answered.append(f"failed: {e}"))
    other: list[str] = []
    background.call("exact-prompt", lambda: "other kind", other.append, lambda e: None)
    qtbot.wait_until(lambda: other == ["other kind"], timeout=T)  # another kind does not wait
    assert running == ["first"]  # the two later ones wait; "second" was replaced by "third"
    release.set()
    qtbot.wait_until(lambda: answered == ["third"], timeout=T)
    assert running == ["first", "third"] and not background.pending("library")


def test_a_forgotten_request_is_never_answered(qtbot: QtBot) -> None:
    background = Background()
    release = threading.Event()
    answered: list[object] = []
    finished = threading.Event()

    def work() -> str:
        assert release.wait(T / 1000)
        finished.set()
        return "late"

    background.call("library", work, answered.append, answered.append)
    assert background.pending("library")
    background.forget("library")
    assert not background.pending("library")
    release.set()
    assert finished.wait(T / 1000)
    # A later request of the kind still runs, after the forgotten one, and is answered.
    background.call("library", lambda: "wanted", answered.append, answered.append)
    qtbot.wait_until(lambda: answered == ["wanted"], timeout=T)
