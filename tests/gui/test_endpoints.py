"""Remote endpoints in the window, offscreen, against a real server (llama-cpp-python's own on
loopback with the bundled model: the ``llama_server_url`` fixture): the Endpoints dialog (add,
test, keys, remove), the model manager's server models beside the files, and a server model as
the window's engine through its normal run path, then back to the local engine."""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from tests.helpers.remote import SERVER_MODEL
from tests.helpers.window import T, open_window, run_completion
from workbench.app.endpoints import EndpointStore
from workbench.engine.remote.endpoint import Endpoint
from workbench.gui.endpoints_dialog import EndpointsDialog
from workbench.gui.main_window import MainWindow
from workbench.gui.model_manager import ModelManagerDialog

SECRET = "sk-test-7d1f0c"


def dialog_for(qtbot: QtBot) -> EndpointsDialog:
    dialog = EndpointsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(dialog: EndpointsDialog, name: str, url: str, key: str = "") -> None:
    dialog.new_endpoint()
    dialog.name.setText(name)
    dialog.url.setText(url)
    dialog.api_key.setText(key)


def closed_url() -> str:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def rows(manager: ModelManagerDialog) -> dict[str, str]:
    """The model table: each row's key (a file, ENDPOINT/MODEL, or ENDPOINT/ for a row about an
    endpoint) and the text of its name cell."""
    table = manager.table
    return {table.item(r, 0).data(Qt.ItemDataRole.UserRole): table.item(r, 0).text() for r in range(table.rowCount())}


# -- the Endpoints dialog ------------------------------------------------------------------------


def test_an_endpoint_added_in_the_dialog_tests_reachable_with_its_model(qtbot: QtBot, llama_server_url: str) -> None:
    dialog = dialog_for(qtbot)
    fill(dialog, "lab", llama_server_url)  # without /v1
    with qtbot.wait_signal(dialog.changed, timeout=T):
        assert dialog.save()
    assert dialog.names() == ["lab"]
    assert EndpointStore().get("lab").url == llama_server_url + "/v1"
    with qtbot.wait_signal(dialog.tested, timeout=T) as tested:
        dialog.test_button.click()
        assert not dialog.test_button.isEnabled()  # the answer comes later: the GUI thread does not wait
        assert dialog.result.text().startswith("Asking")
    found = tested.args[0]
    assert found.reachable and found.models == [SERVER_MODEL] and found.logprobs
    text = dialog.result.text()
    for line in ("Reachable: yes", f"Models: {SERVER_MODEL}", "Per-token logprobs: yes", "Prompt logprobs: no",
                 f"Top logprobs: up to {found.top_logprobs_max}", "Tokenize: yes (llama-cpp-python)", "Server: llama-cpp-python"):
        assert line in text, line
    assert found.top_logprobs_max >= 5
    assert "unencrypted" not in dialog.result_warnings.text()  # loopback: nothing travels the network
    assert dialog.test_button.isEnabled()


def test_an_endpoint_at_a_closed_port_is_a_readable_failure(qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot)
    fill(dialog, "gone", closed_url())  # tested before it is saved: the form is what is asked
    with qtbot.wait_signal(dialog.tested, timeout=T) as tested:
        assert dialog.test_connection()
    assert not tested.args[0].reachable
    text = dialog.result.text()
    assert text.startswith("Not reachable: ") and "connection refused" in text
    assert "Traceback" not in text and "\n" not in text
    assert EndpointStore().names() == []  # testing saves nothing


def test_bad_input_is_explained_and_saves_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = dialog_for(qtbot)
    fill(dialog, "a/b", "http://localhost:8080")
    assert not dialog.save()
    assert dialog.error.isVisible() and "not a usable endpoint name" in dialog.error.text()
    fill(dialog, "lab", "ftp://localhost")
    assert not dialog.save() and "not an http:// or https:// address" in dialog.error.text()
    fill(dialog, "lab", "https://localhost")
    dialog.ca_file.setText(str(tmp_path / "missing.pem"))
    assert not dialog.save() and "does not exist" in dialog.error.text()
    assert EndpointStore().names() == []
    fill(dialog, "lab", "localhost:8080")
    assert dialog.save() and not dialog.error.isVisible()
    fill(dialog, "lab", "localhost:9090")  # a new one with a name in use does not replace it
    assert not dialog.save() and "already" in dialog.error.text()
    assert EndpointStore().get("lab").url == "http://localhost:8080/v1"


def test_the_api_key_is_never_shown_back_and_a_blank_field_keeps_it(qtbot: QtBot, workbench_home: Path) -> None:
    dialog = dialog_for(qtbot)
    fill(dialog, "lab", "http://127.0.0.1:9", key=SECRET)
    assert dialog.api_key.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.save()
    assert dialog.editing is not None and dialog.editing.name == "lab"
    assert dialog.api_key.text() == ""  # the form shows the stored endpoint: its key is not in it
    assert "stored" in dialog.key_note.text()
    assert EndpointStore().get("lab").api_key == SECRET
    assert SECRET not in (workbench_home / "endpoints.json").read_text()
    dialog.idle_timeout.setValue(30)
    assert dialog.save()  # the key field blank: the key stays
    kept = EndpointStore().get("lab")
    assert kept.api_key == SECRET and kept.idle_timeout_s == 30
    shown = [w.text() for w in dialog.findChildren(QLabel)] + [w.text() for w in dialog.findChildren(QLineEdit)]
    assert not any(SECRET in text for text in shown)
    assert dialog.forget_key.isVisibleTo(dialog)
    dialog.forget_key.setChecked(True)
    assert dialog.save()
    assert EndpointStore().get("lab").api_key is None and EndpointStore().has_key("lab") == "none"
    assert not dialog.forget_key.isVisibleTo(dialog)


def test_remove_asks_first_and_forgets_the_endpoint_and_its_key(qtbot: QtBot, workbench_home: Path) -> None:
    store = EndpointStore()
    store.add(Endpoint("lab", "http://127.0.0.1:9", api_key=SECRET))
    store.add(Endpoint("other", "http://127.0.0.1:10"))
    dialog = dialog_for(qtbot)
    assert dialog.names() == ["lab", "other"]
    assert dialog.select("lab") and dialog.remove_button.isEnabled()
    asked: list[str] = []
    dialog.confirm = lambda title, question: asked.append(question) or False  # type: ignore[method-assign]
    assert not dialog.remove()
    assert store.names() == ["lab", "other"] and "lab" in asked[0]
    dialog.confirm = lambda title, question: True  # type: ignore[method-assign]
    with qtbot.wait_signal(dialog.changed, timeout=T):
        assert dialog.remove()
    assert store.names() == ["other"] and dialog.names() == ["other"]
    assert "lab" not in json.loads((workbench_home / "endpoint-keys.json").read_text())
    assert dialog.name.text() == "" and not dialog.remove_button.isEnabled()


def test_plain_http_to_another_machine_is_warned(qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot)
    dialog.url.setText("http://192.0.2.7:8000")
    assert dialog.plain_warning.isVisible() and "unencrypted" in dialog.plain_warning.text()
    dialog.url.setText("https://192.0.2.7:8000")
    assert not dialog.plain_warning.isVisible()
    dialog.url.setText("http://localhost:8080")
    assert not dialog.plain_warning.isVisible()
    fill(dialog, "far", "http://192.0.2.7:9")  # unreachable, and warned all the same
    dialog.connect_timeout.setValue(0.5)
    with qtbot.wait_signal(dialog.tested, timeout=T):
        dialog.test_connection()
    assert dialog.result.text().startswith("Not reachable")
    assert dialog.result_warnings.isVisible() and "unencrypted" in dialog.result_warnings.text()


# -- the model manager and the window --------------------------------------------------------------


@pytest.fixture
def endpoints(llama_server_url: str) -> EndpointStore:
    """Two endpoints: "lab" (the real server) and "gone" (a closed port)."""
    store = EndpointStore()
    store.add(Endpoint("lab", llama_server_url))
    store.add(Endpoint("gone", closed_url()))
    return store


@pytest.fixture
def window(qtbot: QtBot, endpoints: EndpointStore) -> MainWindow:
    return open_window(qtbot, model=None)


def test_the_model_manager_lists_each_endpoints_models_beside_the_files(qtbot: QtBot, window: MainWindow) -> None:
    manager = window.open_model_manager()
    first = rows(manager)  # at once, before any server answered
    assert first["lab/"] == "lab: asking the server…" and first["gone/"] == "gone: asking the server…"
    files = [key for key in first if key.endswith(".gguf")]
    assert files and manager.current is not None and manager.current.path == files[0]  # a file is chosen, not a server row
    qtbot.wait_until(lambda: "lab/smollm2" in rows(manager) and rows(manager).get("gone/") == "gone: unreachable", timeout=T)
    answered = rows(manager)
    assert answered["lab/smollm2"] == f"lab/{SERVER_MODEL}" and "lab/" not in answered
    assert set(files) <= set(answered)
    assert manager.current is not None and manager.current.path == files[0]  # the answers kept the choice
    manager.select_path("gone/")
    assert "connection refused" in manager.details.toPlainText()
    assert not manager.start_load()  # a row about an endpoint loads nothing
    manager.select_path("lab/smollm2")
    assert manager.current_remote is not None and manager.current_remote.path == "lab/smollm2"
    assert not manager.ctx.isEnabled() and not manager.gpu.isEnabled()  # file settings do not apply
    assert "server" in manager.memory.text()
    assert manager.chat_format.combo.itemText(0) == "Automatic (the server's own template)"


def test_the_file_menu_opens_the_endpoints_dialog(qtbot: QtBot, window: MainWindow) -> None:
    assert window.endpoints_action in window.file_menu.actions()
    assert window.endpoints_action.text() == "&Endpoints…"
    window.endpoints_action.trigger()
    dialog = window.models.manager.endpoints_dialog if window.models.manager else None
    assert dialog is not None and dialog.isVisible() and dialog.names() == ["gone", "lab"]


def test_an_endpoint_added_from_the_model_manager_is_listed(qtbot: QtBot, window: MainWindow, llama_server_url: str) -> None:
    manager = window.open_model_manager()
    dialog = manager.open_endpoints()
    assert dialog.isVisible()
    fill(dialog, "second", llama_server_url + "/v1")
    assert dialog.save()
    qtbot.wait_until(lambda: "second/smollm2" in rows(manager), timeout=T)


def test_a_server_model_runs_through_the_window_and_is_saved_as_remote(qtbot: QtBot, window: MainWindow) -> None:
    manager = window.open_model_manager()
    qtbot.wait_until(lambda: "lab/smollm2" in rows(manager), timeout=T)
    assert manager.select_path("lab/smollm2")
    with qtbot.wait_signal(window.bridge.modelLoaded, timeout=T) as loaded:
        assert manager.start_load()
    assert loaded.args[0].remote and window.bridge.remote
    assert window.loaded is not None and window.loaded.path == "lab/smollm2"
    assert window.status.backend_label.text().startswith("remote http://127.0.0.1:")
    assert window.info is not None and window.info.remote is not None and window.info.remote["server"] == "llama-cpp-python"
    assert window.runs.model.chat_format.name == "server"  # chats go to the server's own template
    assert window.run_action.isEnabled()

    generation = run_completion(qtbot, window, "The capital of France is", 4)  # Deterministic: temperature 0
    assert generation.done is not None and generation.done.completion_tokens == len(generation.tokens)
    assert 1 <= len(generation.tokens) <= 4
    assert all(math.isfinite(t.logprob) and t.logprob <= 0 for t in generation.tokens)
    assert window.output.toPlainText() == generation.text
    assert window.runs.saved is not None
    run = window.recorder.store.get(window.runs.saved.result(timeout=30))
    assert run.backend.startswith("remote http://127.0.0.1:") and run.output == generation.text
    assert run.seed is not None and run.seed == generation.done.seed  # drawn here and sent: the run can be repeated
    # llama-cpp-python's server does not say its context: the gauge counts tokens, it does not cry "over".
    qtbot.wait_until(lambda: window.status.context_gauge.format().endswith(" tokens"), timeout=T)
    assert "over" not in window.status.context_gauge.format() and "/" not in window.status.context_gauge.format()

    # The Tokens panel's model lane uses the server's tokenizer.
    with qtbot.wait_signal(window.token_lab.resultsReady, timeout=T) as tokenized:
        window.token_lab.input.setPlainText("Hello world")
        window.token_lab.refresh()
    model_lane = [r for r in tokenized.args[1] if r[0] == "model"]
    assert model_lane and model_lane[0][1] is not None and model_lane[0][1].spans, model_lane

    # Back to the local engine: the same greedy tokens, the server model closed.
    with qtbot.wait_signal(window.bridge.modelLoaded, timeout=T):
        assert window.load_model("default")
    assert not window.bridge.remote and window.bridge.client is window.bridge.local
    assert window.status.backend_label.text() == "CPU" and window.info is not None and window.info.remote is None
    local = run_completion(qtbot, window, "The capital of France is", 4)
    assert local.text == generation.text


def test_panels_say_what_the_server_does_not_provide(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.wait_signal(window.bridge.modelLoaded, timeout=T):
        assert window.load_model("lab/smollm2")  # ENDPOINT/MODEL wherever a model file can be named
    window.editors.set_mode("completion")
    window.editors.completion.setPlainText("The cat sat on the mat.")
    with qtbot.wait_signal(window.surprisal_panel.failed, timeout=T) as failed:
        assert window.surprisal_panel.score()
    assert "does not provide prompt logprobs" in failed.args[0]
    assert window.surprisal_panel.summary.text() == failed.args[0]
    qtbot.wait_until(lambda: not window.bridge.busy, timeout=T)
    assert window.run_action.isEnabled()  # the window goes on
    manager = window.open_model_manager()  # the server model in use is chosen once its server answers
    assert manager.current_remote is None
    qtbot.wait_until(lambda: manager.current_remote is not None and manager.current_remote.path == "lab/smollm2", timeout=T)
    assert manager.table.selectedItems()[0].font().bold()  # marked as the one loaded


def test_a_model_the_server_lacks_fails_readably(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.wait_signal(window.bridge.loadFailed, timeout=T) as failed:
        assert window.load_model("lab/qwen")
    assert "has no model 'qwen'" in failed.args[0] and SERVER_MODEL in failed.args[0]
    assert window.error.isVisible() and "qwen" in window.error.text()
    assert window.loaded is None and not window.run_action.isEnabled()
    assert window.status.model_label.text() == "No model"


def test_a_chat_on_a_server_model_is_sent_as_messages(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.wait_signal(window.bridge.modelLoaded, timeout=T):
        assert window.load_model("lab/smollm2")
    assert window.status.chat_label.text() == "Chat: the server's own template"
    window.editors.set_mode("chat")
    window.sampling.apply_preset("Deterministic")
    window.sampling.max_tokens.setValue(6)
    window.editors.chat.composer.setPlainText("What is 2+2?")
    with qtbot.wait_signal(window.runFinished, timeout=T) as finished:
        assert window.run()
    reply = finished.args[0]
    assert window.runs.session.prepared is not None and window.runs.session.prepared.params.server_chat
    assert reply.tokens and all(math.isfinite(t.logprob) for t in reply.tokens)
    assert [(r.role_key(), r.text.toPlainText()) for r in window.editors.chat.rows] == [
        ("user", "What is 2+2?"), ("assistant", reply.text)]


def test_opening_a_server_that_never_answers_can_be_cancelled(qtbot: QtBot, window: MainWindow) -> None:
    with socket.socket() as silent:  # accepts the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        EndpointStore().add(Endpoint("silent", f"http://127.0.0.1:{silent.getsockname()[1]}", connect_timeout_s=60))
        accepted: list[socket.socket] = []
        threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True).start()
        assert window.load_model("silent/anything")
        assert window.bridge.loading and window.status.model_label.text() == "Loading anything…"
        qtbot.wait_until(lambda: bool(accepted), timeout=T)  # the request is in flight
        started = time.monotonic()
        with qtbot.wait_signal(window.bridge.loadCancelled, timeout=T):
            window.bridge.cancel()
        assert time.monotonic() - started < 10  # the socket closed under it: no wait for the 60 s timeout
        accepted[0].close()
    qtbot.wait_until(lambda: not window.bridge.busy, timeout=T)
    assert window.loaded is None and not window.bridge.has_model and not window.bridge.remote
    assert window.status.model_label.text() == "No model" and not window.error.isVisible()
