"""The model manager's server models: each configured endpoint's models as rows beside the
files (or one row saying the endpoint is being asked, lists none or cannot be reached), choosing
one (file settings do not apply to it) and loading it, and the Endpoints dialog it opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem

from workbench.app.endpoints import ModelRef
from workbench.gui.endpoint_worker import EndpointRow
from workbench.gui.endpoints_dialog import EndpointsDialog
from workbench.models.info import remote_info

REMOTE_ROLE = Qt.ItemDataRole.UserRole + 1  # a server model's row: its ModelRef


class SortItem(QTableWidgetItem):
    """A cell that sorts by a number while showing text."""

    def __init__(self, text: str, key: float | str) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, SortItem) and type(self.key) is type(other.key):
            return self.key < other.key  # type: ignore[operator]
        return super().__lt__(other)


class ServerModels:
    """The server-model part of ``ModelManagerDialog`` (a mixin: it works on the dialog's table,
    details, load settings and bridge)."""

    def refresh_endpoints(self) -> None:
        """Ask the endpoints for their models again (after they changed)."""
        self.endpoint_models.refresh()
        self._show_problems()
        self._fill_table(keep=self._selected_key())

    def _on_endpoint_models(self) -> None:
        wanted = self._wanted
        self._fill_table(keep=self._selected_key())
        if wanted is not None and self._row_of(wanted) >= 0:
            self.select_path(wanted)

    def open_endpoints(self) -> EndpointsDialog:
        """The Endpoints dialog; what is changed there is listed here at once."""
        if self.endpoints_dialog is None:
            self.endpoints_dialog = EndpointsDialog(self)
            self.endpoints_dialog.changed.connect(self.refresh_endpoints)
        self.endpoints_dialog.show()
        self.endpoints_dialog.raise_()
        return self.endpoints_dialog

    def _add_endpoint_row(self, entry: EndpointRow) -> None:
        """A server model (loadable), or one row saying how its endpoint is."""
        if entry.model is not None:
            name, where = f"{entry.endpoint}/{entry.model}", f"{entry.path} · {entry.url}"
            tip = self.tr("{0} on the endpoint {1} ({2})").format(entry.model, entry.endpoint, entry.url)
        elif entry.state == "asking":
            name, where = self.tr("{0}: asking the server…").format(entry.endpoint), entry.url
            tip = where
        elif entry.state == "empty":
            name, where = self.tr("{0}: the server lists no models").format(entry.endpoint), entry.url
            tip = where
        else:
            name, where = self.tr("{0}: unreachable").format(entry.endpoint), entry.error
            tip = entry.error
        key = entry.path or f"{entry.endpoint}/"
        loaded = bool(entry.path) and self.bridge.loaded is not None and self.bridge.loaded.path == entry.path
        if loaded:
            tip += " · " + self.tr("loaded now")
        cells = (
            SortItem(name, name.lower()), SortItem("", 0), SortItem("", ""), SortItem(self.tr("server"), ""),
            SortItem("", 0), SortItem("", 0), SortItem(where, key),
        )
        target = ModelRef(entry.endpoint, entry.model) if entry.model is not None else None
        row = self.table.rowCount()
        self.table.insertRow(row)
        cells[0].setToolTip(tip)
        for col, cell in enumerate(cells):
            cell.setData(Qt.ItemDataRole.UserRole, key)
            cell.setData(REMOTE_ROLE, target)
            if entry.model is None:
                cell.setForeground(self.palette().placeholderText())
            if loaded:
                font = cell.font()
                font.setBold(True)
                cell.setFont(font)
            self.table.setItem(row, col, cell)

    def _select_endpoint_row(self, target: ModelRef | None, about: str) -> None:
        """A server model chosen (or a row about an endpoint: ``about`` says how it is)."""
        self.current = None
        self.current_remote = target
        self._local_settings(False)
        self.ctx_warning.hide()
        self.template.setPlainText(self.tr("(the server applies its own chat template)"))
        if target is None:
            self.details.setPlainText(about)
            self._update_estimate()
            return
        url = next((r.url for r in self.endpoint_models.rows() if r.path == target.path), "")
        self.details.setPlainText(f"endpoint: {target.endpoint}\nurl: {url}\nmodel: {target.model}")
        self.chat_format.set_model(remote_info(target.path, {"endpoint": target.endpoint, "url": url, "model": target.model}, None))
        self._update_estimate()

    def _local_settings(self, enabled: bool) -> None:
        """The load settings apply to a file only."""
        for widget in (self.ctx, self.threads, self.batch, self.mmap, self.mlock, self.flash):
            widget.setEnabled(enabled)
        if enabled:
            self._update_gpu_availability()
        else:
            self.gpu.setEnabled(False)
            self.gpu_reason.hide()

    def _start_remote(self, target: ModelRef) -> bool:
        if self.bridge.loading:
            self.show_error(self.tr("A model is already loading. Wait for it or cancel it first."))
            return False
        if not self.chat_format.commit():
            return False
        if not self.bridge.load_remote(target.endpoint, target.model):
            self.show_error(self.tr("The engine is busy generating. Stop the run first."))
            return False
        self._started(target)
        self.progress.setRange(0, 0)  # a server says no progress: busy until it answers
        return True
