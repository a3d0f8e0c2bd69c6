"""Questions to remote servers for the window, on worker threads: "Test connection" (what a server
provides) and each endpoint's model list (``EndpointModels``, the model manager's rows of server
models). The GUI thread never waits on a server; the answers come as Qt signals, a failure as a
readable message in the answer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from workbench.app.endpoints import EndpointStore
from workbench.engine.remote.capabilities import Capabilities, list_models, probe
from workbench.engine.remote.endpoint import Endpoint
from workbench.engine.remote.http import Connection
from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.qt_helpers import emit_safely


def _reason(error: Exception) -> str:
    if isinstance(error, WorkbenchError):
        return user_message(error)
    return f"{type(error).__name__}: {error}"  # a bug of ours: said in one line, never a traceback


class EndpointWorker(QObject):
    """Asks servers in the background. ``probed(serial, Capabilities)`` answers ``test``;
    ``listed(serial, endpoint name, models, error)`` answers ``list_models`` once per endpoint
    (``error`` empty when the server answered). A serial names the request an answer is for."""

    probed = Signal(int, object)
    listed = Signal(int, str, object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._serial = 0

    def _start(self, name: str, work: Callable[[], None]) -> None:
        threading.Thread(target=work, daemon=True, name=name).start()

    def test(self, endpoint: Endpoint) -> int:
        """Ask ``endpoint`` what it provides; the request's serial."""
        self._serial += 1
        serial = self._serial

        def work() -> None:
            try:
                found = probe(endpoint)
            except Exception as e:  # probe answers for the server's sake; this is anything else
                found = Capabilities(reachable=False, error=_reason(e))
            emit_safely(self, "probed", serial, found)

        self._start("endpoint-test", work)
        return serial

    def list_models(self, endpoints: list[Endpoint]) -> int:
        """Ask every endpoint for its models, all at once (a slow one delays no other); the serial."""
        self._serial += 1
        serial = self._serial
        for endpoint in endpoints:

            def work(endpoint: Endpoint = endpoint) -> None:
                try:
                    models, _ = list_models(Connection(endpoint))
                except Exception as e:
                    emit_safely(self, "listed", serial, endpoint.name, [], _reason(e))
                    return
                emit_safely(self, "listed", serial, endpoint.name, models, "")

            self._start("endpoint-models", work)
        return serial


@dataclass(frozen=True)
class EndpointRow:
    """One row of an endpoint in a model list: a model it has, or (``model`` None) how it is:
    ``state`` "asking" (no answer yet), "failed" (``error`` says why) or "empty" (no models)."""

    endpoint: str
    url: str
    model: str | None = None
    state: str = "model"
    error: str = ""

    @property
    def path(self) -> str:
        """``ENDPOINT/MODEL``, the window's name of a server model ("" for a row about the endpoint)."""
        return f"{self.endpoint}/{self.model}" if self.model is not None else ""


class EndpointModels(QObject):
    """Every configured endpoint's models, asked in the background: ``refresh()`` starts over
    (each endpoint one "asking" row until it answers), ``changed`` follows each answer."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = EndpointWorker(self)
        self.worker.listed.connect(self._on_listed)
        self.by_endpoint: dict[str, list[EndpointRow]] = {}
        self.problem = ""  # the endpoint file could not be read
        self._serial = 0

    def refresh(self) -> None:
        try:
            endpoints = EndpointStore().list()
            self.problem = ""
        except WorkbenchError as e:
            endpoints = []
            self.problem = user_message(e)
        self.by_endpoint = {e.name: [EndpointRow(e.name, e.url, state="asking")] for e in endpoints}
        self._serial = self.worker.list_models(endpoints)

    def rows(self) -> list[EndpointRow]:
        return [row for rows in self.by_endpoint.values() for row in rows]

    @property
    def asking(self) -> bool:
        """Some endpoint has not answered yet."""
        return any(row.state == "asking" for row in self.rows())

    def _on_listed(self, serial: int, name: str, models: list[str], error: str) -> None:
        if serial != self._serial or name not in self.by_endpoint:
            return  # an answer to an older refresh
        url = self.by_endpoint[name][0].url
        if error:
            rows = [EndpointRow(name, url, state="failed", error=error)]
        elif not models:
            rows = [EndpointRow(name, url, state="empty")]
        else:
            rows = [EndpointRow(name, url, model) for model in models]
        self.by_endpoint[name] = rows
        self.changed.emit()
