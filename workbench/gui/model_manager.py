"""The model manager: find models (file, folders, recent, and the models of each configured
endpoint, asked in the background), read their metadata, choose load settings (GPU offload,
context, threads, batch, mmap/mlock, flash attention) against a memory estimate and the chat
format, and load with progress and cancel. A server model needs no load settings: Load makes it
the window's engine."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.values.params import LoadParams
from workbench.values.results import LoadedModel
from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.app.endpoints import ModelRef
from workbench.gui.bridge import EngineBridge
from workbench.gui.chat_format_picker import ChatFormatPicker, JinjaHighlighter
from workbench.gui.endpoint_worker import EndpointModels
from workbench.gui.endpoints_dialog import EndpointsDialog
from workbench.gui.server_models import REMOTE_ROLE, ServerModels, SortItem
from workbench.gui.settings import AppSettings
from workbench.models.bundled import bundled_model_path
from workbench.models.catalog import RecentModels, scan_folders
from workbench.models.info import ModelInfo, model_info
from workbench.models.memory import estimate, free_ram_bytes, free_vram_bytes
from workbench.gui.qt_helpers import Retranslating

COLUMNS = ("name", "size", "quant", "arch", "params", "context", "path")


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit in ("B", "KB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def human_count(n: int) -> str:
    return f"{n / 1e9:.1f}B" if n >= 1e9 else f"{n / 1e6:.0f}M"


class ModelManagerDialog(Retranslating, ServerModels, QDialog):
    """Pick a model and its load settings; loading happens here, with progress and cancel."""

    loadRequested = Signal(object)  # LoadParams, or ModelRef for a server model

    def __init__(self, bridge: EngineBridge, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("model-manager")
        self.bridge = bridge
        self.settings = settings
        self.recent = RecentModels()
        self.infos: dict[str, ModelInfo] = {}
        self.current: ModelInfo | None = None
        self.current_remote: ModelRef | None = None  # a server model chosen instead of a file
        self._loading_remote = False
        self._wanted: str | None = None  # a server model to choose once its endpoint answers
        self.endpoint_models = EndpointModels(self)
        self.endpoints_dialog: EndpointsDialog | None = None
        self.free_vram = free_vram_bytes() if bridge.local.gpu_offload_supported else None
        self.resize(1240, 700)

        # -- models ---------------------------------------------------------------------
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("model-table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.open_file = QPushButton()
        self.add_folder = QPushButton()
        self.remove_folder = QPushButton()
        self.rescan = QPushButton()
        self.endpoints_button = QPushButton()
        self.endpoints_button.setObjectName("endpoints-button")
        self.folders = QListWidget()
        self.folders.setMaximumHeight(70)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        buttons = QHBoxLayout()
        for b in (self.open_file, self.add_folder, self.remove_folder, self.rescan, self.endpoints_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.folders_label = QLabel()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.folders_label)
        left_layout.addWidget(self.folders)
        left_layout.addWidget(self.problems)

        # -- metadata -------------------------------------------------------------------
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.template = QPlainTextEdit()
        self.template.setObjectName("chat-template")
        self.template.setReadOnly(True)
        self.highlighter = JinjaHighlighter(self.template.document())
        self.meta_tabs = QTabWidget()
        self.meta_tabs.addTab(self.details, "")
        self.meta_tabs.addTab(self.template, "")

        # -- load settings --------------------------------------------------------------
        self.gpu = QSlider(Qt.Orientation.Horizontal)
        self.gpu.setObjectName("gpu-layers")
        self.gpu_value = QLabel("0")
        self.gpu_reason = QLabel()
        self.gpu_reason.setWordWrap(True)
        self.ctx = QSpinBox()
        self.ctx.setRange(256, 1_048_576)
        self.ctx.setSingleStep(1024)
        self.ctx.setValue(4096)
        self.threads = QSpinBox()
        self.threads.setRange(1, os.cpu_count() or 1)  # more threads than cores only slows llama.cpp down
        self.threads.setValue(os.cpu_count() or 1)
        self.batch = QSpinBox()
        self.batch.setRange(16, 8192)
        self.batch.setValue(512)
        self.mmap = QCheckBox()
        self.mmap.setChecked(True)
        self.mlock = QCheckBox()
        self.flash = QComboBox()
        self.flash.addItems(["", "", ""])  # auto / on / off, texts set in retranslate
        self.ctx_warning = QLabel()
        self.ctx_warning.setWordWrap(True)
        self.ctx_warning.setStyleSheet("color: #9a6700;")
        self.memory = QLabel()
        self.memory.setObjectName("memory-estimate")
        self.memory.setWordWrap(True)
        gpu_row = QHBoxLayout()
        gpu_row.addWidget(self.gpu, 1)
        gpu_row.addWidget(self.gpu_value)
        self.chat_format = ChatFormatPicker(settings)
        self.form = QFormLayout()
        self.form_labels = [QLabel() for _ in range(8)]
        rows = (gpu_row, self.ctx, self.threads, self.batch, self.mmap, self.mlock, self.flash, self.chat_format)
        for label, widget in zip(self.form_labels, rows):
            self.form.addRow(label, widget)
        self.form.addRow(self.gpu_reason)
        self.form.addRow(self.ctx_warning)
        self.form.addRow(self.memory)
        self.settings_box = QGroupBox()
        self.settings_box.setLayout(self.form)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.error = QLabel()
        self.error.setObjectName("load-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        self.buttons = QDialogButtonBox()
        self.load_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_load = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_load.hide()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.meta_tabs, 1)
        right_layout.addWidget(self.settings_box)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([560, 540])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        self.table.itemSelectionChanged.connect(self._on_select)
        self.table.itemDoubleClicked.connect(lambda _i: self.start_load())
        self.open_file.clicked.connect(self._choose_file)
        self.add_folder.clicked.connect(self._choose_folder)
        self.remove_folder.clicked.connect(self._remove_folder)
        self.rescan.clicked.connect(self.refresh)
        self.endpoints_button.clicked.connect(self.open_endpoints)
        self.endpoint_models.changed.connect(self._on_endpoint_models)
        for w in (self.ctx, self.batch):
            w.valueChanged.connect(self._update_estimate)
        self.gpu.valueChanged.connect(self._update_estimate)
        self.load_button.clicked.connect(self.start_load)
        self.cancel_load.clicked.connect(self.bridge.cancel)
        self.close_button.clicked.connect(self.reject)
        bridge.loadProgress.connect(self._on_progress)
        bridge.modelLoaded.connect(self._on_loaded)
        bridge.loadFailed.connect(self._on_failed)
        bridge.loadCancelled.connect(self._on_cancelled)

        self.retranslate()
        for folder in settings.model_folders():
            self.folders.addItem(folder)
        self.refresh()
        self._update_gpu_availability()

    # -- text -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Models"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Size"), self.tr("Quantization"), self.tr("Architecture"),
             self.tr("Parameters"), self.tr("Context"), self.tr("File")]
        )
        self.open_file.setText(self.tr("Open file…"))
        self.add_folder.setText(self.tr("Add folder…"))
        self.remove_folder.setText(self.tr("Remove folder"))
        self.rescan.setText(self.tr("Rescan"))
        self.endpoints_button.setText(self.tr("Endpoints…"))
        self.endpoints_button.setToolTip(self.tr("Remote servers whose models are listed here"))
        self.folders_label.setText(self.tr("Model folders (scanned for .gguf files):"))
        self.meta_tabs.setTabText(0, self.tr("Details"))
        self.meta_tabs.setTabText(1, self.tr("Chat template"))
        self.settings_box.setTitle(self.tr("Load settings"))
        for label, text in zip(
            self.form_labels,
            (self.tr("GPU offload (layers)"), self.tr("Context (tokens)"), self.tr("CPU threads"),
             self.tr("Batch size"), self.tr("Memory-map the file"), self.tr("Lock in RAM (mlock)"),
             self.tr("Flash attention"), self.tr("Chat format")),
        ):
            label.setText(text)
        for i, text in enumerate((self.tr("Auto (off on CPU)"), self.tr("On"), self.tr("Off"))):
            self.flash.setItemText(i, text)
        self.load_button.setText(self.tr("Load"))
        self.cancel_load.setText(self.tr("Cancel loading"))
        self._update_gpu_availability()
        self._update_estimate()

    # -- the list -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Rebuild the table from the bundled model, recent files and scanned folders, and ask
        the endpoints for their models again (their rows follow as they answer)."""
        problems: list[WorkbenchError] = []
        infos: dict[str, ModelInfo] = {}
        candidates: list[str] = []
        try:
            candidates.append(str(bundled_model_path()))
        except WorkbenchError:
            pass
        candidates += self.recent.load()
        for path in candidates:
            if path in infos:
                continue
            try:
                infos[path] = model_info(path)
            except WorkbenchError as e:
                if Path(path).exists():
                    problems.append(e)
        scan = scan_folders(self.folder_list())
        problems += scan.problems
        for info in scan.models:
            infos.setdefault(info.path, info)
        self.infos = infos
        self._problems = [user_message(e) for e in problems]
        self.endpoint_models.refresh()
        self._show_problems()
        self._fill_table()

    def _show_problems(self) -> None:
        problems = self._problems + ([self.endpoint_models.problem] if self.endpoint_models.problem else [])
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))

    def folder_list(self) -> list[str]:
        return [self.folders.item(i).text() for i in range(self.folders.count())]

    def _selected_key(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _fill_table(self, keep: str | None = None) -> None:
        """Rebuild the rows; ``keep``: the row to stay chosen (as it was: no new selection)."""
        self.table.blockSignals(keep is not None)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(0)
        for info in self.infos.values():
            row = self.table.rowCount()
            self.table.insertRow(row)
            stem = Path(info.path).stem
            cells = (
                SortItem(stem, stem.lower()),
                SortItem(human_bytes(info.size_bytes), info.size_bytes),
                SortItem(info.file_type or "?", info.file_type or ""),
                SortItem(info.architecture or "?", info.architecture or ""),
                SortItem(human_count(info.n_params), info.n_params),
                SortItem(str(info.context_length or "?"), info.context_length or 0),
                SortItem(info.path, info.path),
            )
            loaded = self.bridge.loaded is not None and self.bridge.loaded.path == info.path
            cells[0].setToolTip(info.display_name + (" · " + self.tr("loaded now") if loaded else ""))
            for col, cell in enumerate(cells):
                cell.setData(Qt.ItemDataRole.UserRole, info.path)
                if loaded:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, col, cell)
        for endpoint_row in self.endpoint_models.rows():
            self._add_endpoint_row(endpoint_row)
        self.table.setSortingEnabled(True)
        kept = keep is not None and self._row_of(keep) >= 0
        if kept:
            self.table.selectRow(self._row_of(keep))
        self.table.blockSignals(False)
        if kept or not self.table.rowCount():
            return
        local = [r for r in range(self.table.rowCount()) if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) in self.infos]
        self.table.selectRow(local[0] if local else 0)

    def _row_of(self, key: str) -> int:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == key:
                return row
        return -1

    def select_path(self, path: str) -> bool:
        """Choose the row of ``path`` (a file, or ENDPOINT/MODEL: chosen when its server answers,
        unless another row is chosen first)."""
        row = self._row_of(path)
        if row < 0:
            self._wanted = path
            return False
        self.table.selectRow(row)
        return True

    def add_model_file(self, path: str) -> bool:
        """Add one file to the list and select it; a bad file shows its reason."""
        try:
            info = model_info(path)
        except WorkbenchError as e:
            self.show_error(user_message(e))
            return False
        self.infos[info.path] = info
        self._fill_table()
        return self.select_path(info.path)

    def add_folder_path(self, folder: str) -> None:
        if folder not in self.folder_list():
            self.folders.addItem(folder)
            self.settings.set_model_folders(self.folder_list())
        self.refresh()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a GGUF model"), str(Path.home()), "GGUF (*.gguf);;* (*)")
        if path:
            self.add_model_file(path)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a model folder"), str(Path.home()))
        if folder:
            self.add_folder_path(folder)

    def _remove_folder(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))
        self.settings.set_model_folders(self.folder_list())
        self.refresh()

    # -- selection and settings -----------------------------------------------------------

    def _on_select(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        key = items[0].data(Qt.ItemDataRole.UserRole)
        self._wanted = None  # another row is chosen
        info = self.infos.get(key)
        if info is None:
            self._select_endpoint_row(items[0].data(REMOTE_ROLE), self.table.item(items[0].row(), 0).toolTip())
            return
        self.current = info
        self.current_remote = None
        self._local_settings(True)
        self.details.setPlainText(
            "\n".join(f"{k}: {v}" for k, v in info.to_json().items() if k != "chat_template")
        )
        self.template.setPlainText(info.chat_template or self.tr("(this model has no chat template)"))
        layers = (info.n_layer or 0) + 1
        self.gpu.setRange(0, layers)
        self.chat_format.set_model(info)
        remembered = self.settings.load_params_for(info.path)
        if remembered:
            self.apply_params(remembered)
        else:
            self.ctx.setValue(min(4096, info.context_length or 4096))
        self._update_estimate()

    def apply_params(self, p: LoadParams) -> None:
        self.gpu.setValue(min(p.n_gpu_layers, self.gpu.maximum()))
        self.ctx.setValue(p.n_ctx)
        self.threads.setValue(p.n_threads or os.cpu_count() or 1)
        self.batch.setValue(p.n_batch)
        self.mmap.setChecked(p.use_mmap)
        self.mlock.setChecked(p.use_mlock)
        self.flash.setCurrentIndex({None: 0, True: 1, False: 2}[p.flash_attn])

    def load_params(self) -> LoadParams | None:
        if self.current is None:
            return None
        return LoadParams(
            path=self.current.path,
            n_ctx=self.ctx.value(),
            n_gpu_layers=self.gpu.value() if self.gpu.isEnabled() else 0,
            n_threads=self.threads.value(),
            n_batch=self.batch.value(),
            use_mmap=self.mmap.isChecked(),
            use_mlock=self.mlock.isChecked(),
            flash_attn=(None, True, False)[self.flash.currentIndex()],
        )

    def _update_gpu_availability(self) -> None:
        supported = bool(self.bridge.local.gpu_offload_supported)
        self.gpu.setEnabled(supported)
        if not supported:
            self.gpu.setValue(0)
            self.gpu_reason.setText(
                self.tr("GPU offload is off: this llama.cpp build has no GPU support. Rebuild with `make run GPU=cuda`.")
            )
        self.gpu_reason.setVisible(not supported)

    def _update_estimate(self) -> None:
        self.gpu_value.setText(f"{self.gpu.value()}/{self.gpu.maximum()}")
        info = self.current
        if info is None:
            remote = self.current_remote is not None
            self.memory.setText(self.tr("Runs on the server: nothing is loaded into this computer's memory.") if remote else "")
            self.memory.setStyleSheet("")
            self.fits = True
            self.ctx_warning.hide()
            return
        trained = info.context_length or 0
        self.ctx_warning.setVisible(bool(trained) and self.ctx.value() > trained)
        self.ctx_warning.setText(
            self.tr("This context is longer than the model was trained for ({0} tokens); quality will drop past it.").format(trained)
        )
        est = estimate(info, self.ctx.value(), self.gpu.value(), self.batch.value())
        ram = free_ram_bytes()
        text = self.tr("Needs about {0} (weights {1} + KV cache {2} + buffers {3}).").format(
            human_bytes(est.total_bytes), human_bytes(est.weights_bytes), human_bytes(est.kv_bytes), human_bytes(est.overhead_bytes)
        )
        fits = True
        if ram is not None:
            text += " " + self.tr("RAM: {0} needed, {1} free.").format(human_bytes(est.cpu_bytes), human_bytes(ram))
            fits = est.cpu_bytes <= ram
        if est.gpu_bytes:
            if self.free_vram is not None:
                text += " " + self.tr("VRAM: {0} needed, {1} free.").format(human_bytes(est.gpu_bytes), human_bytes(self.free_vram))
                fits = fits and est.gpu_bytes <= self.free_vram
            else:
                text += " " + self.tr("VRAM: {0} needed.").format(human_bytes(est.gpu_bytes))
        if not fits:
            text += " " + self.tr("This will probably not fit: lower the context or the GPU layers.")
        self.memory.setText(text)
        self.memory.setStyleSheet("" if fits else "color: #b3261e; font-weight: bold;")
        self.fits = fits

    # -- loading --------------------------------------------------------------------------

    def confirm(self, title: str, question: str) -> bool:
        """Ask yes/no (tests replace this)."""
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def start_load(self) -> bool:
        if self.current_remote is not None:
            return self._start_remote(self.current_remote)
        params = self.load_params()
        if params is None:
            self.show_error(self.tr("Choose a model first."))
            return False
        if self.bridge.loading:
            self.show_error(self.tr("A model is already loading. Wait for it or cancel it first."))
            return False
        if not self.chat_format.commit():  # a template being written is checked before it is used
            return False
        info = self.current
        assert info is not None
        if info.context_length and params.n_ctx > info.context_length and not self.confirm(
            self.tr("Context longer than trained"),
            self.tr("The model was trained for {0} tokens; {1} may give poor output past that. Load anyway?").format(
                info.context_length, params.n_ctx
            ),
        ):
            return False
        if not getattr(self, "fits", True) and not self.confirm(
            self.tr("Not enough memory"), self.tr("The estimate says this will not fit in memory. Load anyway?")
        ):
            return False
        if not self.bridge.load(params):
            self.show_error(self.tr("The engine is busy generating. Stop the run first."))
            return False
        self._started(params)
        return True

    def _started(self, target: LoadParams | ModelRef) -> None:
        self._loading_remote = isinstance(target, ModelRef)
        self.error.hide()
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_load.show()
        self.load_button.setEnabled(False)
        self.loadRequested.emit(target)

    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 100))

    def _end_load(self) -> None:
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.cancel_load.hide()
        self.load_button.setEnabled(True)

    def _on_loaded(self, loaded: LoadedModel) -> None:
        self._end_load()
        self._loading_remote = False
        if not loaded.remote:  # a server model has no file settings to remember
            params = self.bridge.local.load_params
            if params is not None:
                self.settings.remember_load_params(params)
            self.recent.add(loaded.path)
        if self.isVisible():
            self.accept()

    def _on_failed(self, message: str) -> None:
        self._end_load()
        remote, self._loading_remote = self._loading_remote, False
        if remote:  # the server's reason says it all
            self.show_error(message)
            return
        hint = self.tr("Try fewer GPU layers or a smaller context; if the file is damaged, download it again.")
        self.show_error(f"{message}\n{hint}")

    def _on_cancelled(self) -> None:
        self._end_load()
        self._loading_remote = False
        self.show_error(self.tr("Loading was cancelled."))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
