"""The window's work comes back after a restart (issue 13): the editor, the sampler and its
preset, the colour mode, the Tokens panel and the output; a broken or unwritable session file
costs nothing but a note."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.helpers.window import T, open_window, run_completion
from workbench.paths import data_dir


def test_work_comes_back_after_a_restart(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    done = run_completion(qtbot, win, "A list of three animals:", 6)
    chat = win.editors.chat
    chat.system.setPlainText("Be brief.")
    chat.rows[0].text.setPlainText("Hello")
    chat.add_message("assistant", "Hi! How can I help?")
    chat.composer.setPlainText("a draft not sent yet")
    win.editors.completion.setPlainText("A list of three animals: cat,")
    win.sampling.apply_preset("Balanced")
    win.sampling.max_tokens.setValue(77)
    win.colour_box.setCurrentIndex(2)
    win.token_lab.input.setPlainText("你好，世界")
    win.editors.set_mode("chat")
    conversation = chat.conversation_id
    win.close()

    again = open_window(qtbot)
    c = again.editors.chat
    assert again.editors.mode() == "chat"
    assert c.system.toPlainText() == "Be brief." and c.composer.toPlainText() == "a draft not sent yet"
    assert [(r.role_key(), r.text.toPlainText()) for r in c.rows] == [("user", "Hello"), ("assistant", "Hi! How can I help?")]
    assert c.conversation_id == conversation
    assert again.editors.completion.toPlainText() == "A list of three animals: cat,"
    assert again.sampling.current_preset() == "Balanced" and again.sampling.temperature.value() == 0.7
    assert again.sampling.max_tokens.value() == 77
    assert again.colour_box.currentIndex() == 2
    assert again.token_lab.input.toPlainText() == "你好，世界"
    # The output is the run it showed, with its tokens (from the history), not just its text.
    qtbot.wait_until(lambda: again.output.toPlainText() == done.text, timeout=T)
    assert [t.id for t in again.output.tokens] == [t.id for t in done.tokens]
    assert again.regenerate_action.isEnabled()  # and it can be drawn again


def test_the_session_is_saved_a_moment_after_a_change(qtbot: QtBot) -> None:
    """A crash loses at most the last moment: the file follows the editor without a close."""
    win = open_window(qtbot, model=None)
    with qtbot.wait_signal(win.session_state.timer.timeout, timeout=T):
        win.editors.completion.setPlainText("kept even if the app is killed")
    assert "kept even if the app is killed" in (data_dir() / "session.json").read_text(encoding="utf-8")


def test_a_broken_session_file_is_kept_aside(qtbot: QtBot) -> None:
    path = data_dir() / "session.json"
    path.write_text("{ not json", encoding="utf-8")
    win = open_window(qtbot, model=None)
    assert win.editors.completion.toPlainText() == ""
    assert (data_dir() / "session.json.broken").read_text(encoding="utf-8") == "{ not json"
    assert "session" in win.status.timing_label.text()


def test_a_session_that_cannot_be_written_is_said_once(qtbot: QtBot, tmp_path: Path) -> None:
    win = open_window(qtbot, model=None)
    win.session_state.file.path = tmp_path / "missing-folder" / "session.json"
    win.editors.completion.setPlainText("x")
    assert not win.session_state.save()
    assert "not being saved" in win.status.timing_label.text()
    win.close()  # closing still works
