"""The multi-turn chat in the real window (issue 13): Enter sends, the reply is appended as an
assistant message, Regenerate keeps the earlier reply as a sibling, every turn is a history run
linked to its conversation, and History reopens it with its settings; replacing the editor keeps
an undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.helpers.window import T, open_window
from workbench.gui.main_window import MainWindow
from workbench.values.params import LoadParams


def send(qtbot: QtBot, win: MainWindow, text: str) -> object:
    """Type ``text`` in the composer and press Enter; the finished generation."""
    composer = win.editors.chat.composer
    composer.setPlainText(text)
    with qtbot.wait_signal(win.runFinished, timeout=T) as finished:
        QTest.keyClick(composer, Qt.Key.Key_Return)
    return finished.args[0]


def roles(win: MainWindow) -> list[tuple[str, str]]:
    return [(r.role_key(), r.text.toPlainText()) for r in win.editors.chat.rows]


def saved(win: MainWindow) -> list:  # type: ignore[no-untyped-def]
    win.recorder.flush()
    return list(reversed(win.recorder.store.list()))  # oldest first


def test_a_conversation_of_two_turns(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("chat")
    win.sampling.apply_preset("Deterministic")
    win.sampling.max_tokens.setValue(8)
    first = send(qtbot, win, "What is the capital of France?")
    assert roles(win) == [("user", "What is the capital of France?"), ("assistant", first.text)]
    assert win.editors.chat.composer.toPlainText() == ""

    # Shift+Enter is a new line in the composer, not a send.
    composer = win.editors.chat.composer
    composer.setPlainText("And of")
    composer.moveCursor(composer.textCursor().MoveOperation.End)
    QTest.keyClick(composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert composer.toPlainText() == "And of\n" and len(win.editors.chat.rows) == 2

    second = send(qtbot, win, "And of Italy?")
    assert [r for r, _ in roles(win)] == ["user", "assistant", "user", "assistant"]
    assert roles(win)[3] == ("assistant", second.text)
    # The second turn sent the whole conversation, the first reply included.
    assert f"<|im_start|>assistant\n{first.text}<|im_end|>" in win.runs.session.prepared.params.prompt

    runs = saved(win)
    assert len(runs) == 2
    rows = [win.recorder.store.get(r.id) for r in runs]
    assert rows[0].conversation == rows[1].conversation == win.editors.chat.conversation_id
    assert [r.turn for r in rows] == [1, 2]
    assert rows[1].messages[-1] == {"role": "user", "content": "And of Italy?"}
    assert rows[1].messages[1] == {"role": "assistant", "content": first.text}


def test_regenerate_keeps_the_earlier_reply_as_a_sibling(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("chat")
    win.sampling.apply_preset("Creative")
    win.sampling.max_tokens.setValue(6)
    first = send(qtbot, win, "Name a colour.")
    with qtbot.wait_signal(win.runFinished, timeout=T) as again:
        win.regenerate_action.trigger()
    tree = win.runs.session.tree
    assert tree is not None and len(tree.branches) == 2 and tree.get(1).redraw
    assert [t.id for t in tree.get(0).tokens] == [t.id for t in first.tokens]  # the first reply is kept
    assert roles(win)[-1] == ("assistant", again.args[0].text)  # the message follows the new draw
    assert len(win.editors.chat.rows) == 2  # replaced in place, not appended
    win.show_branch(0)
    assert roles(win)[-1] == ("assistant", first.text)
    assert len(saved(win)) == 1  # one run per turn: the draw is a branch of it
    win.recorder.flush()
    stored = win.recorder.store.tree(saved(win)[0].id)
    assert stored is not None and len(stored.branches) == 2 and stored.get(1).redraw


def test_history_reopens_a_turn_with_its_settings_and_undo_keeps_the_editor(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("chat")
    win.sampling.apply_preset("Deterministic")
    win.sampling.max_tokens.setValue(5)
    win.sampling.stop.setPlainText("\\n\\n")
    first = send(qtbot, win, "Say hello.")
    conversation = win.editors.chat.conversation_id
    send(qtbot, win, "Say goodbye.")
    first_id = saved(win)[0].id

    win.new_chat()
    assert win.editors.chat.conversation_id != conversation and roles(win) == [("user", "")]
    win.editors.chat.composer.setPlainText("an unsent draft")
    win.sampling.apply_preset("Creative")
    win.sampling.max_tokens.setValue(99)
    win.sampling.stop.clear()

    assert win.show_run(first_id)
    assert roles(win) == [("user", "Say hello."), ("assistant", first.text)]
    assert win.editors.chat.conversation_id == conversation  # the next turn goes on in it
    assert win.sampling.temperature.value() == 0.0 and win.sampling.max_tokens.value() == 5
    assert win.sampling.stop_strings() == ["\n\n"]

    # Going on from the reopened turn: its run is turn 2 of the same conversation.
    send(qtbot, win, "Say thanks.")
    row = win.recorder.store.get(saved(win)[-1].id)
    assert row.conversation == conversation and row.turn == 2

    # The draft History replaced comes back with Undo, and Undo again swaps back.
    assert win.undo_replace_action.isEnabled()
    assert win.undo_replace()
    assert win.editors.chat.composer.toPlainText() == "an unsent draft"
    assert win.undo_replace()
    assert roles(win)[0] == ("user", "Say hello.")


def test_a_chat_that_outgrows_the_context_offers_to_drop_its_oldest_turns(qtbot: QtBot) -> None:
    win = open_window(qtbot, model=None)
    with qtbot.wait_signal(win.bridge.modelLoaded, timeout=T):
        assert win.load_model("default", LoadParams(path="", n_ctx=256))
    win.editors.set_mode("chat")
    win.sampling.apply_preset("Deterministic")
    win.sampling.max_tokens.setValue(8)
    chat = win.editors.chat
    chat.rows[0].text.setPlainText("Tell me about the sea. " * 20)
    chat.add_message("assistant", "The sea is wide and deep. " * 20)
    chat.add_message("user", "And rivers? " * 10)
    chat.add_message("assistant", "Rivers run to the sea. " * 5)
    asked: list[tuple[int, int, int]] = []

    def confirm(turns: int, tokens: int, n_ctx: int, left: int) -> bool:
        asked.append((turns, tokens, n_ctx))
        return True

    win.confirm_drop_turns = confirm  # type: ignore[method-assign]
    with qtbot.wait_signal(win.runFinished, timeout=T):
        chat.composer.setPlainText("Which is longer?")
        win.run_action.trigger()
    assert asked and asked[0][0] == 1 and asked[0][1] > 256 and asked[0][2] == 256
    assert [r.role_key() for r in chat.rows][:3] == ["user", "assistant", "user"]
    assert chat.rows[0].text.toPlainText().startswith("And rivers?")  # the oldest turn went
    assert chat.rows[2].text.toPlainText() == "Which is longer?"
    assert not win.error.isVisible()
    assert win.undo_replace() and chat.rows[0].text.toPlainText().startswith("Tell me about the sea.")


def test_a_prompt_error_banner_goes_when_the_prompt_is_edited(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    win.editors.set_mode("completion")
    win.editors.completion.clear()
    assert not win.run()
    assert win.error.isVisible()
    win.editors.completion.setPlainText("Now there is a prompt")
    assert not win.error.isVisible()
    # Other errors (not about the prompt) stay until dismissed or the next run.
    win.show_error("The history is unavailable")
    win.editors.completion.setPlainText("edited again")
    assert win.error.isVisible()


def test_a_reply_cut_mid_character_and_the_branch_picker_in_chinese(qtbot: QtBot) -> None:
    """Seen in the walk-through: a Chinese reply cut by the length limit ended in "\ufffd" in the
    chat, and the picker above the output named branches in English."""
    from workbench.gui.i18n import install_language

    win = open_window(qtbot)
    win.editors.set_mode("chat")
    win.sampling.apply_preset("Deterministic")
    win.sampling.max_tokens.setValue(1)  # one byte-level token: most Chinese replies stop inside a character
    done = send(qtbot, win, "用中文回答：天空为什么是蓝色的？")
    reply = roles(win)[-1][1]
    assert "\ufffd" not in reply and done.text.removesuffix("\ufffd") == reply
    choice = win.output.tokens[0].top[1]
    with qtbot.wait_signal(win.runFinished, timeout=T):
        assert win.branch(0, choice)
    install_language("zh_CN")
    try:
        win.runs.refresh_branches()
        assert win.branch_box.itemText(1).startswith("分支 1")
    finally:
        install_language("")
