"""The Endpoints dialog: the remote servers (llama.cpp server, vLLM, Ollama, LM Studio: anything
OpenAI-compatible) that models can run on. Add, edit and remove them, and "Test connection": the
server is asked, on a worker thread, what it provides (its models, per-token and prompt
logprobs, how many alternatives, tokenization, its kind).

An API key is typed in a password field and never shown back: editing an endpoint leaves the
field blank, which keeps the stored key (the endpoint store keeps it in the keyring or a private
file, never in the history)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.endpoints import EndpointStore, check_name
from workbench.engine.remote.capabilities import Capabilities
from workbench.engine.remote.endpoint import CONNECT_TIMEOUT_S, IDLE_TIMEOUT_S, MAX_RETRIES, Endpoint
from workbench.errors import BadInputError, WorkbenchError
from workbench.gui.endpoint_worker import EndpointWorker
from workbench.gui.error_text import user_message
from workbench.gui.qt_helpers import Retranslating

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "QLabel { color: #1f1f1f; background: #ffca28; border-radius: 3px; padding: 2px 4px; }"
MAX_MODELS_SHOWN = 20


def _seconds() -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.5, 3600.0)
    box.setDecimals(1)
    box.setSuffix(" s")
    return box


class EndpointsDialog(Retranslating, QDialog):
    """The configured endpoints, a form for one of them, and its connection test."""

    changed = Signal()  # an endpoint was added, changed or removed
    tested = Signal(object)  # the Capabilities of a connection test, once shown

    def __init__(self, parent: QWidget | None = None, store: EndpointStore | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("endpoints")
        self.resize(820, 520)
        self.store = store or EndpointStore()
        self.worker = EndpointWorker(self)
        self.editing: Endpoint | None = None  # the stored endpoint the form shows (None: a new one)
        self._test_serial = 0
        self._tested: Endpoint | None = None

        self.list = QListWidget()
        self.list.setObjectName("endpoint-list")
        self.new_button = QPushButton()
        self.remove_button = QPushButton()
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.remove_button)
        left.addLayout(row)

        self.name = QLineEdit()
        self.url = QLineEdit()
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        self.forget_key = QCheckBox()
        self.connect_timeout = _seconds()
        self.idle_timeout = _seconds()
        self.ca_file = QLineEdit()
        self.ca_choose = QPushButton()
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.ca_choose)
        self.plain_warning = QLabel()
        self.plain_warning.setObjectName("plain-http-warning")
        self.plain_warning.setWordWrap(True)
        self.plain_warning.setStyleSheet(WARNING_STYLE)
        self.plain_warning.hide()
        self.form_labels = [QLabel() for _ in range(6)]
        form = QFormLayout()
        for label, field in zip(self.form_labels, (self.name, self.url, self.api_key, self.connect_timeout, self.idle_timeout, ca_row)):
            form.addRow(label, field)
            if field is self.api_key:
                form.addRow("", self.key_note)
                form.addRow("", self.forget_key)
        form.addRow(self.plain_warning)
        self.save_button = QPushButton()
        self.test_button = QPushButton()
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.test_button)
        actions.addWidget(self.save_button)
        self.error = QLabel()
        self.error.setObjectName("endpoint-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.result = QLabel()
        self.result.setObjectName("endpoint-test")
        self.result.setTextFormat(Qt.TextFormat.PlainText)  # model names come from the server
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_warnings = QLabel()
        self.result_warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.result_warnings.setWordWrap(True)
        self.result_warnings.setStyleSheet(WARNING_STYLE)
        self.result_warnings.hide()
        self.box = QGroupBox()
        box_layout = QVBoxLayout(self.box)
        box_layout.addLayout(form)
        box_layout.addLayout(actions)
        box_layout.addWidget(self.error)
        box_layout.addWidget(self.result)
        box_layout.addWidget(self.result_warnings)
        box_layout.addStretch(1)

        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(self.box, 3)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

        self.list.currentItemChanged.connect(lambda item, _old: self._on_select(item))
        self.new_button.clicked.connect(self.new_endpoint)
        self.remove_button.clicked.connect(self.remove)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test_connection)
        self.ca_choose.clicked.connect(self._choose_ca)
        self.url.textChanged.connect(self._update_warning)
        self.buttons.rejected.connect(self.reject)
        self.worker.probed.connect(self._on_probed)

        self.retranslate()
        self.new_endpoint()
        self.reload()

    # -- text -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Endpoints"))
        self.new_button.setText(self.tr("New"))
        self.remove_button.setText(self.tr("Remove…"))
        self.box.setTitle(self.tr("Endpoint"))
        for label, text in zip(self.form_labels, (
            self.tr("Name"), self.tr("Address"), self.tr("API key"), self.tr("Connect timeout"),
            self.tr("Idle timeout"), self.tr("CA file"),
        )):
            label.setText(text)
        self.name.setPlaceholderText(self.tr("letters, digits, '.', '_' or '-'"))
        self.url.setPlaceholderText(self.tr("http://host:8080 (with or without /v1)"))
        self.idle_timeout.setToolTip(self.tr("The longest wait between two pieces of a streamed reply"))
        self.ca_file.setPlaceholderText(self.tr("(the system's certificates)"))
        self.ca_choose.setText(self.tr("Choose…"))
        self.forget_key.setText(self.tr("Forget the stored key"))
        self.save_button.setText(self.tr("Save"))
        self.test_button.setText(self.tr("Test connection"))
        self.plain_warning.setText(self._plain_text())
        self._show_key_note()

    def _plain_text(self) -> str:
        return self.tr("Plain HTTP to another machine: prompts and outputs travel unencrypted. Use https:// if the server has it.")

    # -- the list -------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        """Fill the list from the endpoint store (``select``: the one to show)."""
        try:
            endpoints = self.store.list()
        except WorkbenchError as e:
            endpoints = []
            self.show_error(user_message(e))
        self.list.blockSignals(True)
        self.list.clear()
        for endpoint in endpoints:
            item = QListWidgetItem(f"{endpoint.name} · {endpoint.url}")
            item.setData(Qt.ItemDataRole.UserRole, endpoint.name)
            self.list.addItem(item)
            if endpoint.name == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.remove_button.setEnabled(self.list.currentItem() is not None)

    def names(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def select(self, name: str) -> bool:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentRow(i)
                return True
        return False

    def _on_select(self, item: QListWidgetItem | None) -> None:
        self.remove_button.setEnabled(item is not None)
        if item is None:
            return
        try:
            endpoint = self.store.get(item.data(Qt.ItemDataRole.UserRole))
        except WorkbenchError as e:
            self.show_error(user_message(e))
            return
        self._fill(endpoint)

    # -- the form -------------------------------------------------------------------------

    def new_endpoint(self) -> None:
        """An empty form for a new endpoint."""
        self.list.blockSignals(True)
        self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        self.remove_button.setEnabled(False)
        self._fill(None)
        self.name.setFocus()

    def _fill(self, endpoint: Endpoint | None) -> None:
        self.editing = endpoint
        self.name.setText(endpoint.name if endpoint else "")
        self.name.setReadOnly(endpoint is not None)  # a new name is a new endpoint
        self.url.setText(endpoint.url if endpoint else "")
        self.api_key.clear()  # never shown back
        self.forget_key.setChecked(False)
        self.connect_timeout.setValue(endpoint.connect_timeout_s if endpoint else CONNECT_TIMEOUT_S)
        self.idle_timeout.setValue(endpoint.idle_timeout_s if endpoint else IDLE_TIMEOUT_S)
        self.ca_file.setText((endpoint.ca_file or "") if endpoint else "")
        self.hide_error()
        self.result.clear()
        self.result_warnings.hide()
        self._show_key_note()

    def _show_key_note(self) -> None:
        where = self.store.has_key(self.editing.name) if self.editing is not None else "none"
        stored = where != "none"
        note = {
            "keyring": self.tr("A key is stored in the system keyring. Leave the field blank to keep it."),
            "file": self.tr("A key is stored in a file only you can read. Leave the field blank to keep it."),
        }.get(where, self.tr("No key is stored. Servers that need none work without one."))
        self.key_note.setText(note)
        self.api_key.setPlaceholderText(self.tr("(unchanged)") if stored else self.tr("(none)"))
        self.forget_key.setVisible(stored)

    def _update_warning(self) -> None:
        text = self.url.text().strip()
        try:
            plain = bool(text) and Endpoint("check", text).unencrypted_remote
        except WorkbenchError:
            plain = False
        self.plain_warning.setVisible(plain)

    def form_endpoint(self, for_test: bool = False) -> Endpoint:
        """The endpoint the form describes (BadInputError says what is wrong). Its key: the one
        typed; else, editing, the stored one (kept: ``None``; forgotten: ``""``), which a test
        sends as it is."""
        name = check_name(self.name.text().strip())
        if not self.url.text().strip():
            raise BadInputError(self.tr("Give the server's address, e.g. http://localhost:8080."))
        ca = self.ca_file.text().strip() or None
        if ca is not None and not Path(ca).is_file():
            raise BadInputError(self.tr("The CA file {0} does not exist.").format(ca))
        editing = self.editing if self.editing is not None and self.editing.name == name else None
        typed = self.api_key.text().strip()
        key: str | None = typed or None
        if not typed and editing is not None:
            forget = self.forget_key.isChecked()
            key = (None if forget else editing.api_key) if for_test else ("" if forget else None)
        return Endpoint(
            name, self.url.text(), key, self.connect_timeout.value(), self.idle_timeout.value(), ca,
            max_retries=editing.max_retries if editing is not None else MAX_RETRIES,
        )

    def save(self) -> bool:
        """Keep the form's endpoint (a new one, or the one edited); False with the reason shown."""
        try:
            endpoint = self.form_endpoint()
            if self.editing is None and endpoint.name in self.store.names():
                raise BadInputError(self.tr("There is an endpoint named {0} already: choose it in the list to edit it.").format(endpoint.name))
            self.store.add(endpoint)
        except WorkbenchError as e:
            self.show_error(user_message(e))
            return False
        self.reload(select=endpoint.name)
        self._on_select(self.list.currentItem())
        self.changed.emit()
        return True

    def confirm(self, title: str, question: str) -> bool:
        """Ask yes/no (tests replace this)."""
        return QMessageBox.question(self, title, question) == QMessageBox.StandardButton.Yes

    def remove(self) -> bool:
        """Remove the endpoint chosen in the list (and its stored key), once confirmed."""
        item = self.list.currentItem()
        if item is None:
            return False
        name = item.data(Qt.ItemDataRole.UserRole)
        if not self.confirm(self.tr("Remove endpoint"), self.tr("Remove the endpoint {0} and its stored key?").format(name)):
            return False
        try:
            self.store.remove(name)
        except WorkbenchError as e:
            self.show_error(user_message(e))
            return False
        self.reload()
        self.new_endpoint()
        self.changed.emit()
        return True

    def _choose_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("The CA certificate to trust for this server"), str(Path.home()),
                                              self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if path:
            self.ca_file.setText(path)

    # -- testing --------------------------------------------------------------------------

    def test_connection(self) -> bool:
        """Ask the server the form describes what it provides, in the background (``tested`` follows)."""
        try:
            endpoint = self.form_endpoint(for_test=True)
        except WorkbenchError as e:
            self.show_error(user_message(e))
            return False
        self.hide_error()
        self._tested = endpoint
        self.test_button.setEnabled(False)
        self.result.setText(self.tr("Asking {0}…").format(endpoint.url))
        self.result_warnings.hide()
        self._test_serial = self.worker.test(endpoint)
        return True

    def _on_probed(self, serial: int, found: Capabilities) -> None:
        if serial != self._test_serial:
            return  # an older test's answer
        self.test_button.setEnabled(True)
        self.result.setText("\n".join(self.describe(found)))
        warnings = list(found.warnings)
        endpoint = self._tested
        if endpoint is not None and endpoint.unencrypted_remote:
            # Said in the interface language, in place of the server check's own wording.
            warnings = [self._plain_text(), *(w for w in warnings if endpoint.url not in w)]
        self.result_warnings.setText("\n".join(warnings))
        self.result_warnings.setVisible(bool(warnings))
        self.tested.emit(found)

    def describe(self, found: Capabilities) -> list[str]:
        """What a test found, line by line."""
        if not found.reachable:
            return [self.tr("Not reachable: {0}").format(found.error or self.tr("no answer"))]
        yes, no = self.tr("yes"), self.tr("no")
        models = ", ".join(found.models[:MAX_MODELS_SHOWN]) or self.tr("none")
        if len(found.models) > MAX_MODELS_SHOWN:
            models += " " + self.tr("and {0} more").format(len(found.models) - MAX_MODELS_SHOWN)
        lines = [
            self.tr("Reachable: {0}").format(yes),
            self.tr("Models: {0}").format(models),
            self.tr("Server: {0}").format(found.server),
            self.tr("Per-token logprobs: {0}").format(yes if found.logprobs else no),
            self.tr("Top logprobs: up to {0}").format(found.top_logprobs_max) if found.logprobs else self.tr("Top logprobs: none"),
            self.tr("Prompt logprobs: {0}").format(yes if found.prompt_logprobs else no),
            self.tr("Tokenize: {0}").format(self.tr("yes ({0})").format(found.tokenize) if found.tokenize else no),
        ]
        if found.n_ctx:
            lines.append(self.tr("Context: {0} tokens").format(f"{found.n_ctx:,}"))
        if found.error:
            lines.append(self.tr("Note: {0}").format(found.error))
        return lines

    # -- messages -------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def hide_error(self) -> None:
        self.error.hide()
