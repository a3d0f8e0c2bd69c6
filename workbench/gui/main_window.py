"""The main window: editors and output in the centre, dockable panels around, menus, toolbar,
status bar. Layout, open panels and the last model come back on the next start."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench import __version__
from workbench.engine.client import Generation
from workbench.engine.branches import BranchTree
from workbench.engine.protocol import Alternative, GenerateParams, LoadedModel, LoadParams, TokenEvent
from workbench.errors import WorkbenchError
from workbench.gui.bridge import EngineBridge
from workbench.gui.dialogs import ExactPromptDialog, ShortcutsDialog
from workbench.gui.editors import PromptEditors
from workbench.gui.i18n import LANGUAGES, install_language
from workbench.gui.model_manager import ModelManagerDialog
from workbench.gui.next_token_panel import NextTokenPanel
from workbench.gui.output_view import OutputView
from workbench.gui.branches_panel import BranchesPanel
from workbench.gui.compare_view import CompareDialog
from workbench.gui.history_panel import HistoryPanel
from workbench.gui.history_recorder import HistoryRecorder
from workbench.gui.resample_panel import ResamplePanel
from workbench.gui.sampling_panel import SamplingPanel
from workbench.gui.settings import AppSettings
from workbench.gui.surprisal_panel import SurprisalPanel
from workbench.gui.token_lab import TokenLab
from workbench.models.catalog import RecentModels
from workbench.models.info import ModelInfo, model_info
from workbench.models.memory import estimate, free_ram_bytes
from workbench.gui.library_panel import LibraryChoice, LibraryPanel
from workbench.prompts.chat import ChatFormat, ChatMessage
from workbench.prompts.variant_runner import (
    SEARCH_KINDS,
    PromptBuilder,
    VariantResult,
    VariantTask,
    task_from_record,
    task_record,
)
from workbench.prompts.variants import conversation, flatten, prompt_builder
from workbench.store.templates import TemplateStore
from workbench.store.runs import NewRun
from workbench.gui.qt_helpers import Retranslating

TOKEN_COUNT_DELAY_MS = 300
LIBRARY_DELAY_MS = 50


class MainWindow(Retranslating, QMainWindow):
    runFinished = Signal(object)  # Generation (a VariantResult after a vote or a search), after the view is updated
    tokenCountUpdated = Signal(int)

    def __init__(self, bridge: EngineBridge | None = None, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.resize(1200, 760)
        self.setAcceptDrops(True)
        self.bridge = bridge or EngineBridge(parent=self)
        self.settings = settings or AppSettings()
        self.recent = RecentModels()
        self.info: ModelInfo | None = None
        self.loaded: LoadedModel | None = None
        self.last_generation: Generation | None = None
        self.last_params: GenerateParams | None = None
        self.prompt_tokens: int | None = None
        self._continuing = False
        self._base_prompt = ""
        self.tree: BranchTree | None = None  # the branches of the last run
        self.tree_model = ""  # the model file they were generated with
        self.branch_id = 0
        self._pending_branch: tuple[int, int, Alternative] | None = None
        self._count_serial = 0
        self.model_manager: ModelManagerDialog | None = None
        self.recorder = HistoryRecorder(self.settings.database_path() or None, self)
        self.run_saved: Future[int] | None = None  # the history record of the run shown (its tree)

        self.editors = PromptEditors()
        self.output = OutputView()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("QLabel { color: white; background: #b3261e; padding: 6px; }")
        self.error.hide()
        self.error.mousePressEvent = lambda _e: self.hide_error()  # click to dismiss
        self.prompt_title = QLabel()
        self.output_title = QLabel()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("editor-splitter")
        self.splitter.addWidget(_titled(self.prompt_title, self.editors))
        self.branch_box = QComboBox()
        self.branch_box.setObjectName("branches")
        self.branch_box.setMinimumContentsLength(30)
        self.branch_box.activated.connect(lambda i: self.show_branch(self.branch_box.itemData(i)))
        self.branch_box.hide()
        output_header = QWidget()
        header_row = QHBoxLayout(output_header)
        header_row.setContentsMargins(0, 0, 0, 0)
        self.colour_box = QComboBox()
        self.colour_box.setObjectName("colour-mode")
        self.colour_box.addItems(["", "", ""])
        self.colour_box.currentIndexChanged.connect(
            lambda i: self.output.set_colour_mode(("probability", "rank", "entropy")[max(i, 0)])
        )
        # The long hint gives way (elided by the layout) so the colour and branch pickers keep their width.
        self.output_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header_row.addWidget(self.output_title, 1)
        header_row.addWidget(self.colour_box)
        header_row.addWidget(self.branch_box)
        self.splitter.addWidget(_titled(output_header, self.output))
        self.output.branchRequested.connect(self.branch)
        self.splitter.setSizes([320, 400])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.error)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        self.sampling = SamplingPanel()
        self.sampling_dock = QDockWidget()
        self.sampling_dock.setObjectName("sampling-dock")
        self.sampling_dock.setWidget(self.sampling)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.sampling_dock)
        self.token_lab = TokenLab(self.bridge.client)
        self.tokens_dock = QDockWidget()
        self.tokens_dock.setObjectName("tokens-dock")
        self.tokens_dock.setWidget(self.token_lab)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.tokens_dock)
        self.tabifyDockWidget(self.sampling_dock, self.tokens_dock)
        self.next_panel = NextTokenPanel(self.bridge.client, self.build_params, self.sampling.sampler)
        self.next_dock = QDockWidget()
        self.next_dock.setObjectName("next-token-dock")
        self.next_dock.setWidget(self.next_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.next_dock)
        self.tabifyDockWidget(self.tokens_dock, self.next_dock)
        self.surprisal_panel = SurprisalPanel(self.bridge.client, self.exact_prompt)
        self.surprisal_dock = self._dock("surprisal-dock", self.surprisal_panel)
        self.tabifyDockWidget(self.next_dock, self.surprisal_dock)
        self.resample_panel = ResamplePanel(self.bridge.client, self.build_params)
        self.resample_dock = self._dock("resample-dock", self.resample_panel)
        self.tabifyDockWidget(self.surprisal_dock, self.resample_dock)
        self.branches_panel = BranchesPanel()
        self.branches_panel.branchSelected.connect(self.show_branch)
        self.branches_dock = self._dock("branches-dock", self.branches_panel)
        self.tabifyDockWidget(self.resample_dock, self.branches_dock)
        self.history_panel = HistoryPanel(self.recorder)
        self.history_panel.showRequested.connect(self.show_run)
        self.history_panel.rerunRequested.connect(self.rerun)
        self.history_panel.compareRequested.connect(self.compare_runs)
        self.history_dock = self._dock("history-dock", self.history_panel)
        self.tabifyDockWidget(self.branches_dock, self.history_dock)
        self.origin: dict[str, Any] | None = None  # the template and variant the editor's prompt came from
        self.editors.changed.connect(self._forget_origin)  # an edited prompt is the user's own
        self.library_panel = LibraryPanel()
        self.library_panel.useRequested.connect(self.use_library)
        self.library_panel.runRequested.connect(self.run_library)
        self.library_panel.cancelRequested.connect(self.stop)
        self.library_dock = self._dock("library-dock", self.library_panel)
        self.tabifyDockWidget(self.history_dock, self.library_dock)
        self._library_opened = False  # opened just after the window first appears (see showEvent)
        self.recorder.failed.connect(self.show_error)
        self.sampling_dock.raise_()
        self.restage_timer = QTimer(self)
        self.restage_timer.setSingleShot(True)
        self.restage_timer.setInterval(150)
        self.restage_timer.timeout.connect(self.next_panel.restage)
        self.sampling.changed.connect(self.restage_timer.start)

        self.count_timer = QTimer(self)
        self.count_timer.setSingleShot(True)
        self.count_timer.setInterval(TOKEN_COUNT_DELAY_MS)
        self.count_timer.timeout.connect(self.update_token_count)
        self.editors.changed.connect(self.count_timer.start)

        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        if self.recorder.error:  # the app works on without history; the status bar keeps saying so
            message = self.tr("The history is unavailable, runs are not saved: {0}").format(self.recorder.error)
            self.show_error(message)
            self.history_status.setToolTip(message)
            self.history_status.show()
        self._connect_bridge()
        self.retranslate()
        self.restore_layout()
        self._update_actions()

    # -- construction ---------------------------------------------------------------------

    def _dock(self, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget()
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _action(self, shortcuts: list[str] | QKeySequence.StandardKey | None, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(self)
        if isinstance(shortcuts, list):
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        elif shortcuts is not None:
            action.setShortcut(shortcuts)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.open_action = self._action(QKeySequence.StandardKey.Open, self.open_model_manager)
        self.quit_action = self._action(["Ctrl+Q"], self.close)
        self.run_action = self._action(["Ctrl+Return", "Ctrl+Enter"], self.run)
        self.stop_action = self._action(["Esc"], self.stop)
        self.regenerate_action = self._action(["Ctrl+R"], self.regenerate)
        self.continue_action = self._action(["Ctrl+Shift+Return", "Ctrl+Shift+Enter"], self.continue_generation)
        self.exact_action = self._action(["Ctrl+P"], self.show_exact_prompt)
        self.shortcuts_action = self._action(["F1"], self.show_shortcuts)
        self.about_action = self._action(None, self.show_about)
        self.database_action = self._action(None, self._ask_database)
        self.sampling_toggle = self.sampling_dock.toggleViewAction()
        self.sampling_toggle.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.tokens_toggle = self.tokens_dock.toggleViewAction()
        self.tokens_toggle.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.next_toggle = self.next_dock.toggleViewAction()
        self.next_toggle.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.surprisal_toggle = self.surprisal_dock.toggleViewAction()
        self.resample_toggle = self.resample_dock.toggleViewAction()
        self.branches_toggle = self.branches_dock.toggleViewAction()
        self.branches_toggle.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.history_toggle = self.history_dock.toggleViewAction()
        self.history_toggle.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.library_toggle = self.library_dock.toggleViewAction()
        self.library_toggle.setShortcut(QKeySequence("Ctrl+Shift+L"))

        toolbar = self.addToolBar("main")
        toolbar.setObjectName("main-toolbar")
        self.toolbar = toolbar
        toolbar.addAction(self.open_action)
        toolbar.addSeparator()
        for action in (self.run_action, self.stop_action, self.regenerate_action, self.continue_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.exact_action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.open_action)
        self.recent_menu = QMenu(self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addAction(self.database_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.generate_menu = bar.addMenu("")
        for action in (self.run_action, self.stop_action, self.regenerate_action, self.continue_action):
            self.generate_menu.addAction(action)
        self.generate_menu.addSeparator()
        self.generate_menu.addAction(self.exact_action)
        self.view_menu = bar.addMenu("")
        self.view_menu.addAction(self.sampling_toggle)
        self.view_menu.addAction(self.tokens_toggle)
        self.view_menu.addAction(self.next_toggle)
        self.view_menu.addAction(self.surprisal_toggle)
        self.view_menu.addAction(self.resample_toggle)
        self.view_menu.addAction(self.branches_toggle)
        self.view_menu.addAction(self.history_toggle)
        self.view_menu.addAction(self.library_toggle)
        self.language_menu = QMenu(self)
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code in ("", *LANGUAGES):
            action = QAction(LANGUAGES.get(code, ""), self, checkable=True)
            action.triggered.connect(lambda _c=False, code=code: self.set_language(code))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self.language_actions.get(self.settings.language(), self.language_actions[""]).setChecked(True)
        self.view_menu.addMenu(self.language_menu)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.shortcuts_action)
        self.help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.model_label = QLabel()
        self.model_label.setObjectName("model-label")
        self.load_progress = QProgressBar()
        self.load_progress.setRange(0, 100)
        self.load_progress.setMaximumWidth(140)
        self.load_progress.hide()
        self.cancel_load = QToolButton()
        self.cancel_load.hide()
        self.cancel_load.clicked.connect(self.bridge.cancel)
        self.backend_label = QLabel()
        self.context_gauge = QProgressBar()
        self.context_gauge.setObjectName("context-gauge")
        self.context_gauge.setMaximumWidth(180)
        self.context_gauge.setRange(0, 1)
        self.context_gauge.setValue(0)
        self.timing_label = QLabel()
        self.speed_label = QLabel()
        bar.addWidget(self.model_label)
        bar.addWidget(self.load_progress)
        bar.addWidget(self.cancel_load)
        bar.addPermanentWidget(self.backend_label)
        bar.addPermanentWidget(self.context_gauge)
        bar.addPermanentWidget(self.timing_label)
        bar.addPermanentWidget(self.speed_label)
        self.history_status = QLabel()
        self.history_status.setObjectName("history-status")
        self.history_status.setStyleSheet("color: #b3261e;")
        self.history_status.hide()
        bar.addPermanentWidget(self.history_status)

    def _connect_bridge(self) -> None:
        b = self.bridge
        b.loadProgress.connect(lambda f: self.load_progress.setValue(int(f * 100)))
        b.modelLoaded.connect(self._on_loaded)
        b.loadFailed.connect(self._on_load_failed)
        b.loadCancelled.connect(self._on_load_cancelled)
        b.generationStarted.connect(self._on_generation_started)
        b.tokensArrived.connect(self._on_tokens)
        b.generationFinished.connect(self._on_finished)
        b.generationFailed.connect(self._on_generation_failed)
        b.busyChanged.connect(self._on_busy_changed)
        b.tokensCounted.connect(self._on_tokens_counted)
        b.variantProgress.connect(self.library_panel.show_progress)
        b.variantFinished.connect(self._on_variant_finished)
        b.variantFailed.connect(self._on_variant_failed)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Prompt Workbench"))
        self.prompt_title.setText(self.tr("Prompt"))
        self.output_title.setText(
            self.tr("Output · green likely, red surprising · hover a token for alternatives, right-click to branch")
        )
        self.output_title.setToolTip(self.output_title.text())  # the label may be cut short
        for i, text in enumerate((self.tr("Colour by probability"), self.tr("Colour by rank"), self.tr("Colour by entropy"))):
            self.colour_box.setItemText(i, text)
        self.sampling_dock.setWindowTitle(self.tr("Sampling"))
        self.tokens_dock.setWindowTitle(self.tr("Tokens"))
        self.next_dock.setWindowTitle(self.tr("Next token"))
        self.surprisal_dock.setWindowTitle(self.tr("Prompt surprisal"))
        self.resample_dock.setWindowTitle(self.tr("Resample"))
        self.branches_dock.setWindowTitle(self.tr("Branches"))
        self.history_dock.setWindowTitle(self.tr("History"))
        self.library_dock.setWindowTitle(self.tr("Library"))
        self.history_status.setText(self.tr("History unavailable"))
        texts = {
            self.open_action: (self.tr("&Models…"), self.tr("Open, find and load models (Ctrl+O)")),
            self.quit_action: (self.tr("&Quit"), ""),
            self.run_action: (self.tr("&Run"), self.tr("Run the prompt (Ctrl+Enter)")),
            self.stop_action: (self.tr("&Stop"), self.tr("Stop generating (Esc)")),
            self.regenerate_action: (self.tr("Re&generate"), self.tr("Run the last prompt again (Ctrl+R)")),
            self.continue_action: (self.tr("&Continue"), self.tr("Continue the output (Ctrl+Shift+Enter)")),
            self.exact_action: (self.tr("Show &exact prompt"), self.tr("The exact text the model receives (Ctrl+P)")),
            self.shortcuts_action: (self.tr("&Keyboard shortcuts"), ""),
            self.about_action: (self.tr("&About"), ""),
            self.database_action: (self.tr("History &database…"), self.tr("Choose the file that keeps the run history")),
        }
        for action, (text, tip) in texts.items():
            action.setText(text)
            action.setToolTip(tip or text.replace("&", ""))
        self.file_menu.setTitle(self.tr("&File"))
        self.recent_menu.setTitle(self.tr("&Recent models"))
        self.generate_menu.setTitle(self.tr("&Generate"))
        self.view_menu.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.language_actions[""].setText(self.tr("System default"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.cancel_load.setText(self.tr("Cancel"))
        self.error.setToolTip(self.tr("Click to dismiss"))
        self._update_gauge_format()
        if self.loaded is None and not self.bridge.loading:
            self.model_label.setText(self.tr("No model"))

    def _update_gauge_format(self) -> None:
        self.context_gauge.setFormat(self.tr("%v / %m tokens") if self.loaded is not None else self.tr("no model"))

    def set_language(self, code: str) -> None:
        self.settings.set_language(code)
        install_language(code)
        self.language_actions.get(code, self.language_actions[""]).setChecked(True)

    # -- layout persistence ---------------------------------------------------------------

    def restore_layout(self) -> None:
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        sizes = self.settings.splitter_sizes("editor")
        if sizes:
            self.splitter.setSizes(sizes)
        self.editors.set_mode(self.settings.editor_mode())

    def save_layout(self) -> None:
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.settings.save_splitter_sizes("editor", self.splitter.sizes())
        self.settings.set_editor_mode(self.editors.mode())

    # -- models ---------------------------------------------------------------------------

    def open_model_manager(self) -> ModelManagerDialog:
        if self.model_manager is None:
            self.model_manager = ModelManagerDialog(self.bridge, self.settings, self)
            self.model_manager.loadRequested.connect(self._on_load_requested)
        else:
            self.model_manager.refresh()
        if self.info:
            self.model_manager.select_path(self.info.path)
        self.model_manager.show()
        self.model_manager.raise_()
        return self.model_manager

    def load_model(self, spec: str, params: LoadParams | None = None) -> bool:
        """Validate a file (fast, no engine) and load it in the background with its remembered settings."""
        try:
            info = model_info(spec)
        except WorkbenchError as e:
            self.show_error(str(e))
            return False
        params = params or self.settings.load_params_for(info.path) or LoadParams(path=info.path)
        params.path = info.path
        if self.bridge.loading:
            self.show_error(self.tr("A model is already loading. Wait for it or cancel it first."))
            return False
        if not self.bridge.load(params):
            self.show_error(self.tr("The engine is busy; stop the current run before loading another model."))
            return False
        self.info = info
        self._on_load_requested(params)
        return True

    def _on_load_requested(self, params: LoadParams) -> None:
        try:
            self.info = model_info(params.path)
        except WorkbenchError:
            pass
        self.hide_error()
        self.loaded = None
        self._update_gauge_format()
        self.model_label.setText(self.tr("Loading {0}…").format(Path(params.path).name))
        self.load_progress.setValue(0)
        self.load_progress.show()
        self.cancel_load.show()
        self._update_actions()

    def _end_load(self) -> None:
        self.load_progress.hide()
        self.cancel_load.hide()

    def _on_loaded(self, loaded: LoadedModel) -> None:
        self._end_load()
        self.loaded = loaded
        name = self.info.display_name if self.info else Path(loaded.path).stem
        self.model_label.setText(name)
        self.backend_label.setText(loaded.backend)
        self.context_gauge.setRange(0, loaded.n_ctx)
        self._update_gauge_format()
        self.settings.set_last_model(loaded.path)
        if self.bridge.client.load_params:
            self.settings.remember_load_params(self.bridge.client.load_params)
        self.recent.add(loaded.path)
        self.token_lab.set_model(Path(loaded.path).stem)
        if loaded.warnings:
            self.show_error(" ".join(loaded.warnings))
        self._update_actions()
        self.update_token_count()

    def _on_load_failed(self, message: str) -> None:
        self._end_load()
        self.loaded = None
        self.token_lab.set_model("")
        self._update_gauge_format()
        self.model_label.setText(self.tr("No model"))
        self.backend_label.setText("")
        self.show_error(message)
        self._update_actions()

    def _on_load_cancelled(self) -> None:
        self._end_load()
        self.loaded = None
        self.token_lab.set_model("")
        self._update_gauge_format()
        self.model_label.setText(self.tr("No model"))
        self._update_actions()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent.load():
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.load_model(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction(self.tr("(none yet)")).setEnabled(False)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.toLocalFile().lower().endswith(".gguf") for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().lower().endswith(".gguf")]
        if not paths:
            return
        event.acceptProposedAction()
        try:
            info = model_info(paths[0])
        except WorkbenchError as e:
            self.show_error(str(e))
            return
        params = self.settings.load_params_for(info.path)
        if params is not None and not self._safe_to_load(info, params):
            # Remembered settings that need confirmation: let the model manager ask.
            dialog = self.open_model_manager()
            dialog.add_model_file(info.path)
            return
        self.load_model(info.path)

    def _safe_to_load(self, info: ModelInfo, params: LoadParams) -> bool:
        if info.context_length and params.n_ctx > info.context_length:
            return False
        ram = free_ram_bytes()
        return ram is None or estimate(info, params.n_ctx, params.n_gpu_layers, params.n_batch).cpu_bytes <= ram

    # -- prompt ---------------------------------------------------------------------------

    def exact_prompt(self) -> str:
        """The string the model receives for the current editor (chat template applied)."""
        if self.editors.mode() == "completion":
            return self.editors.completion.toPlainText()
        return ChatFormat.of(self.info, self.loaded).render(self.editors.chat.messages())

    def build_params(self, prompt: str | None = None) -> GenerateParams:
        return GenerateParams(
            prompt=self.exact_prompt() if prompt is None else prompt,
            sampler=self.sampling.sampler(),
            max_tokens=self.sampling.max_tokens.value(),
            top_logprobs=10,
            stop=self.sampling.stop_strings(),
            parse_special=True,  # <|im_start|> typed in either editor is the special token it looks like
            token_entropy=True,  # for "colour by entropy"
        ).validate()

    def update_token_count(self) -> None:
        if self.loaded is None:
            return
        if self.editors.is_empty():
            self.prompt_tokens = 0
            self.context_gauge.setValue(0)
            return
        try:
            text = self.exact_prompt()
        except WorkbenchError as e:
            self.timing_label.setText(str(e)[:80])
            return
        serial = self.bridge.count_tokens(text, parse_special=True)
        if serial is not None:
            self._count_serial = serial

    def _on_tokens_counted(self, serial: int, n: int) -> None:
        if serial != self._count_serial or self.loaded is None:
            return
        self.prompt_tokens = n
        self.context_gauge.setMaximum(self.loaded.n_ctx)
        self.context_gauge.setValue(min(n, self.loaded.n_ctx))
        self.context_gauge.setToolTip(self.tr("{0} prompt tokens of a {1}-token context").format(n, self.loaded.n_ctx))
        self.tokenCountUpdated.emit(n)

    def show_exact_prompt(self) -> ExactPromptDialog | None:
        try:
            text = self.exact_prompt()
        except WorkbenchError as e:
            self.show_error(str(e))
            return None
        dialog = ExactPromptDialog(text, self.prompt_tokens, self)
        dialog.show()
        return dialog

    # -- run ------------------------------------------------------------------------------

    def _start(self, params: GenerateParams, continuing: bool = False) -> None:
        self.hide_error()
        self._continuing = continuing
        self.last_params = params
        self.bridge.generate(params)

    def run(self) -> None:
        if self.loaded is None or self.bridge.busy:
            return
        if self.editors.is_empty():
            self.show_error(self.tr("The prompt is empty. Type something to send to the model."))
            return
        try:
            params = self.build_params()
        except WorkbenchError as e:
            self.show_error(str(e))
            return
        self._start(params)

    def regenerate(self) -> None:
        """Run the last prompt again with the current sampler (a new draw unless the seed is fixed)."""
        if self.last_params is None or self.loaded is None or self.bridge.busy:
            return
        try:
            params = self.build_params(prompt=self.last_params.prompt if not self._continuing else self._base_prompt)
        except WorkbenchError as e:
            self.show_error(str(e))
            return
        params.parse_special = self.last_params.parse_special
        self._start(params)

    def continue_generation(self) -> None:
        """Generate more after the current output, keeping it."""
        if self.last_generation is None or self.last_params is None or self.loaded is None or self.bridge.busy:
            return
        try:
            params = self.build_params(prompt=self.last_params.prompt + self.last_generation.text)
        except WorkbenchError as e:
            self.show_error(str(e))
            return
        params.parse_special = self.last_params.parse_special
        if self.tree is not None:  # continue the exact tokens shown, not a re-tokenized text
            params.prompt = self.tree.base.prompt
            params.suffix_ids = list(self.tree.base.suffix_ids) + [t.id for t in self.tree.get(self.branch_id).tokens]
        self._start(params, continuing=True)

    def branch(self, index: int, choice: Alternative) -> bool:
        """Continue the shown branch from token ``index`` with ``choice`` instead."""
        if self.tree is None or self.bridge.busy:
            return False
        if self.loaded is None or self.loaded.path != self.tree_model:
            if self.confirm_load(self.tree_model):
                self.load_model(self.tree_model)
            return False
        params = self.tree.branch_params(self.branch_id, index, choice)
        params.sampler = self.sampling.sampler()
        self._pending_branch = (self.branch_id, index, choice)
        self._start(params, continuing=False)
        return True

    def confirm_load(self, path: str) -> bool:
        """Ask before loading the run's model to branch it (tests replace this)."""
        answer = QMessageBox.question(
            self,
            self.tr("Branch"),
            self.tr("This run was made with {0}, which is not loaded. Load it to branch?").format(Path(path).name),
        )
        return answer == QMessageBox.StandardButton.Yes

    def show_branch(self, branch_id: int) -> None:
        if self.tree is None:
            return
        branch = self.tree.get(branch_id)
        self.branch_id = branch_id
        self.output.clear_tokens()
        self.output.append_tokens(branch.tokens)
        shown = Generation(iter(()))
        shown.tokens, shown.text = list(branch.tokens), branch.text
        self.last_generation = shown
        index = self.branch_box.findData(branch_id)
        if index >= 0:
            self.branch_box.setCurrentIndex(index)
        self.branches_panel.select(branch_id)

    def _refresh_branches(self, new_branch: bool = False) -> None:
        self.branch_box.clear()
        self.branches_panel.set_tree(self.tree, self.branch_id)
        if new_branch:
            self.branches_dock.show()
            self.branches_dock.raise_()
        if self.tree is None:
            self.branch_box.hide()
            return
        for b in self.tree.branches:
            self.branch_box.addItem(b.label() if b.parent is not None else self.tr("main"), b.id)
        self.branch_box.setVisible(len(self.tree.branches) > 1)
        self.branch_box.setCurrentIndex(self.branch_box.findData(self.branch_id))
        self.output.branching = True

    def stop(self) -> None:
        if self.bridge.busy:
            self.bridge.cancel()

    def _on_generation_started(self) -> None:
        if self._pending_branch is not None and self.tree is not None:
            parent_id, at, choice = self._pending_branch
            parent = self.tree.get(parent_id)
            self.output.clear_tokens()
            chosen = TokenEvent(choice.id, choice.text, choice.bytes, choice.logprob, parent.tokens[at].top)
            self.output.append_tokens(parent.tokens[:at] + [chosen])
        elif not self._continuing:
            self.output.clear_tokens()
            self._base_prompt = self.last_params.prompt if self.last_params else ""
        self.speed_label.setText(self.tr("generating…"))

    def _on_tokens(self, tokens: list[TokenEvent]) -> None:
        self.output.append_tokens(tokens)

    def _on_finished(self, generation: Generation) -> None:
        reason = generation.done.finish_reason if generation.done else ""
        new_branch = False
        if self._pending_branch is not None and self.tree is not None:
            parent_id, at, choice = self._pending_branch
            self._pending_branch = None
            branch = self.tree.add_branch(parent_id, at, choice, generation.tokens, reason)
            prefix = b"".join(t.bytes for t in branch.tokens[: at + 1]).decode("utf-8", "replace")
            generation.tokens, generation.text = list(branch.tokens), prefix + generation.text
            self.branch_id = branch.id
            new_branch = True
        elif self._continuing and self.last_generation is not None and self.tree is not None:
            generation.text = self.last_generation.text + generation.text
            generation.tokens = self.tree.extend(self.branch_id, generation.tokens, reason).tokens[:]
        elif self.last_params is not None:
            self.tree = BranchTree(self.last_params)
            self.tree_model = self.loaded.path if self.loaded else ""
            self.tree.add_root(generation.tokens, reason)
            self.branch_id = 0
            # No "done" at all: the engine was shut down under it (the window closing).
            self._record(generation, "cancelled" if reason in ("cancelled", "") else "ok")
        if (new_branch or self._continuing) and self.tree is not None:
            self.recorder.update_tree(self.run_saved, self.tree)
        self._refresh_branches(new_branch)
        self.last_generation = generation
        self.output.truncate(generation.text)
        done = generation.done
        if done is not None:
            t = done.timings
            self.timing_label.setText(self.tr("prompt {0} tokens in {1} ms").format(done.prompt_tokens, f"{t.prompt_s * 1000:.0f}"))
            self.speed_label.setText(
                self.tr("{0} tokens · {1} tok/s · seed {2}").format(done.completion_tokens, f"{t.tokens_per_s:.1f}", done.seed)
                + (self.tr(" · stopped") if done.finish_reason == "cancelled" else "")
            )
            if not self.sampling.fixed_seed.isChecked() and done.seed:
                self.sampling.seed.setValue(done.seed)  # tick "fixed" to repeat this run
            if done.context_full:
                self.show_error(
                    self.tr("The context is full ({0} tokens): the output stopped there. Load the model with a larger context (Models…).").format(
                        self.loaded.n_ctx if self.loaded else "?"
                    )
                )
            if self.loaded:
                used = done.prompt_tokens + done.completion_tokens
                self.context_gauge.setValue(min(used, self.loaded.n_ctx))
        self._update_actions()
        self.runFinished.emit(generation)

    def _on_generation_failed(self, message: str) -> None:
        if self._pending_branch is None and not self._continuing and self.last_params is not None:
            self._record(None, "error", message)
        self._pending_branch = None
        self.speed_label.setText("")
        self.show_error(message)

    def _on_busy_changed(self, busy: bool) -> None:
        self._update_actions()
        if not busy and self.count_timer.isActive() is False and self.prompt_tokens is None:
            self.update_token_count()

    # -- state ----------------------------------------------------------------------------

    # -- history --------------------------------------------------------------------------

    def _record(self, generation: Generation | None, status: str, error: str | None = None) -> None:
        """Save the run just finished (or failed) in the history, in the background."""
        params = self.last_params
        if params is None:
            return
        loaded = self.loaded
        run = NewRun(
            source="gui",
            mode=self.editors.mode(),
            prompt=params.prompt,
            output=generation.text if generation else "",
            params=params,
            model=self.info,
            loaded=loaded,
            tokens=list(generation.tokens) if generation else [],
            done=generation.done if generation else None,
            status=status,
            error=error,
            template=self.origin["template"] if self.origin else None,
            variant=self.origin["variant"] if self.origin else None,
            details=self.origin["details"] if self.origin else None,
        )
        self.run_saved = self.recorder.save(run)

    def show_run(self, run_id: int) -> bool:
        """Show a saved run in the output: its tokens with their probabilities, and its branches."""
        store = self.recorder.store
        if store is None or self.bridge.busy:
            return False
        try:
            row = store.get(run_id)
            tree = store.tree(run_id)
            if tree is None:
                tree = BranchTree(GenerateParams.from_dict(row.params))
                tree.add_root(store.tokens(run_id), row.finish_reason)
        except WorkbenchError as e:
            self.show_error(str(e))
            return False
        self.tree, self.tree_model = tree, row.model.path if row.model else ""
        self.last_params = GenerateParams.from_dict(row.params)
        self.run_saved = _done_future(run_id)
        self._refresh_branches()
        self.show_branch(0)
        if row.variant in SEARCH_KINDS and row.details:  # its votes or explored tree, in the Library panel
            self.library_panel.show_result(VariantResult(row.prompt, row.output, [], None, row.details, row.status == "cancelled"))
            self.library_dock.show()
            if not row.tokens:
                self.output.setPlainText(row.output)
        return True

    def rerun(self, run_id: int) -> bool:
        """Run a saved run's exact prompt again with its settings (the model it used, if loaded)."""
        store = self.recorder.store
        if store is None or self.loaded is None or self.bridge.busy:
            return False
        try:
            row = store.get(run_id)
        except WorkbenchError as e:
            self.show_error(str(e))
            return False
        if row.model is not None and self.info is not None and row.model.path != self.info.path:
            if self.confirm_load(row.model.path):
                self.load_model(row.model.path)
            return False
        details = row.details or {}
        if row.variant in SEARCH_KINDS and "task" in details:  # the whole vote or search again
            base = GenerateParams.from_dict(row.params)
            base.sampler.seed = row.seed
            try:
                task = task_from_record(details, base, self._prompt_builder)
            except WorkbenchError as e:
                self.show_error(str(e))
                return False
            self.origin = {"template": row.template, "variant": row.variant, "details": None}
            self.library_panel.set_running(True)
            return self.bridge.run_variant(task)
        self._start(GenerateParams.from_dict(row.params))
        return True

    def use_database(self, path: str) -> bool:
        """Keep the history in ``path`` from now on (remembered); False, with the reason shown, if it cannot be used."""
        if not self.recorder.open(path):
            self.show_error(self.tr("This history database cannot be used: {0}").format(self.recorder.error))
            return False
        self.settings.set_database_path(path)
        self.run_saved = None
        self._open_library()
        self.history_status.hide()
        self.hide_error()
        return True

    def _ask_database(self) -> None:
        current = str(self.recorder.path or "")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("History database"), current, "SQLite (*.sqlite *.db);;*", options=QFileDialog.Option.DontConfirmOverwrite
        )
        if path:
            self.use_database(path)

    # -- library --------------------------------------------------------------------------

    def _forget_origin(self) -> None:
        self.origin = None

    def _open_library(self) -> None:
        store = self.recorder.store
        self.library_panel.set_store(TemplateStore(store.db) if store is not None else None)

    def _prompt_builder(self, mode: str) -> PromptBuilder:
        return prompt_builder(mode, ChatFormat.of(self.info, self.loaded))

    def _library_task(self, choice: LibraryChoice) -> tuple[list[ChatMessage], VariantTask | None]:
        """The conversation a library choice sends, and its variant task (None: the template as
        written). Raises WorkbenchError for a broken template or a missing variable."""
        version = choice.version
        if not choice.variant:
            system, body = version.render(choice.values)
            return ([ChatMessage("system", system)] if system else []) + [ChatMessage("user", body)], None
        base = self.build_params(prompt="")
        base.parse_special = version.mode == "chat"
        task = version.variant_task(choice.variant, choice.values, self._prompt_builder(version.mode), base)
        return conversation(task.variant, task.system, task.body, task.examples), task

    def _fill_editor(self, mode: str, messages: list[ChatMessage]) -> None:
        self.editors.set_mode(mode)
        if mode == "completion":
            self.editors.completion.setPlainText(flatten(messages))
            return
        chat = self.editors.chat
        chat.system.setPlainText(next((m.content for m in messages if m.role == "system"), ""))
        for row in list(chat.rows):
            chat.remove_message(row)
        for m in messages:
            if m.role != "system":
                chat.add_message(m.role, m.content)

    def use_library(self, choice: LibraryChoice) -> bool:
        """Put a template (with its variant) into the editor; False, with the reason shown, if it
        cannot be rendered."""
        try:
            self._apply_library(choice)
        except WorkbenchError:
            return False
        return True

    def _apply_library(self, choice: LibraryChoice) -> VariantTask | None:
        """Fill the editor from a library choice and return its variant task (None: the template
        as written). A template that cannot be rendered raises, with the reason shown."""
        try:
            messages, task = self._library_task(choice)
        except WorkbenchError as e:
            self.library_panel.show_failure(str(e))
            self.show_error(str(e))
            raise
        self._fill_editor(choice.version.mode, messages)
        self.origin = {
            "template": choice.version.ref,
            "variant": task.variant.kind if task else None,
            "details": task_record(task) if task else None,
        }
        self.hide_error()
        return task

    def run_library(self, choice: LibraryChoice) -> bool:
        """Run a library choice: a single-pass variant through the editor (streamed, coloured),
        self-consistency and tree of thought in the background with their results in the panel."""
        if self.loaded is None or self.bridge.busy:
            self.library_panel.show_failure(self.tr("Load a model first (and wait for the current run to end)."))
            return False
        try:
            task = self._apply_library(choice)
        except WorkbenchError:
            return False
        if task is None or task.variant.kind not in SEARCH_KINDS:
            self.run()
            return self.bridge.busy
        self.library_panel.set_running(True)
        self.last_params = None  # a search is not a single generation to regenerate or continue
        if not self.bridge.run_variant(task):
            self.library_panel.set_running(False)
            return False
        return True

    def _on_variant_finished(self, task: VariantTask, result: VariantResult) -> None:
        self.library_panel.show_result(result)
        self.library_dock.show()
        self.library_dock.raise_()
        mode = "chat" if task.chat else "completion"
        details = {**task_record(task), **result.details}
        run = NewRun(
            source="gui", mode=mode, prompt=result.prompt, output=result.output, params=task.record_params(),
            model=self.info, loaded=self.loaded, tokens=list(result.tokens), done=result.done, status=result.status,
            template=self.origin["template"] if self.origin else None, variant=task.variant.kind, details=details,
        )
        self.run_saved = self.recorder.save(run)
        self.tree = None
        self._refresh_branches()
        self.output.clear_tokens()
        if result.tokens:  # tree of thought: the answer, coloured by probability
            self.output.append_tokens(result.tokens)
            self.output.truncate(result.output)  # the stop string is not part of the answer
        else:
            self.output.setPlainText(result.output)
        self.runFinished.emit(result)

    def _on_variant_failed(self, message: str) -> None:
        self.library_panel.show_failure(message)
        self.show_error(message)

    def compare_runs(self, run_ids: list[int]) -> CompareDialog | None:
        store = self.recorder.store
        if store is None or len(run_ids) < 2:
            return None
        try:
            dialog = CompareDialog(store, run_ids, self)
        except WorkbenchError as e:
            self.show_error(str(e))
            return None
        dialog.show()
        return dialog

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def hide_error(self) -> None:
        self.error.hide()

    def _update_actions(self) -> None:
        busy = self.bridge.busy
        ready = self.loaded is not None and not busy
        self.run_action.setEnabled(ready)
        self.regenerate_action.setEnabled(ready and self.last_params is not None)
        self.continue_action.setEnabled(ready and self.last_generation is not None)
        self.stop_action.setEnabled(busy and not self.bridge.loading)
        self.open_action.setEnabled(True)

    def show_shortcuts(self) -> ShortcutsDialog:
        actions = [self.open_action, self.run_action, self.stop_action, self.regenerate_action, self.continue_action,
                   self.exact_action, self.sampling_toggle, self.tokens_toggle, self.next_toggle, self.branches_toggle, self.history_toggle, self.library_toggle,
                   self.shortcuts_action, self.quit_action]
        dialog = ShortcutsDialog(actions, self)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Prompt Workbench"),
            self.tr("Prompt Workbench {0}: see what a local language model does with your prompt. llama.cpp through llama-cpp-python {1}.").format(
                __version__, self.bridge.client.llama_cpp_version or "?"
            ),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._library_opened:
            # After the first paint: on a first start this imports the starter library (~0.3 s).
            self._library_opened = True
            QTimer.singleShot(LIBRARY_DELAY_MS, self._open_library)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.bridge.shutdown()
        self.recorder.close()  # the last run's save finishes first
        super().closeEvent(event)


def _done_future(value: int) -> Future[int]:
    future: Future[int] = Future()
    future.set_result(value)
    return future


def _titled(header: QWidget, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    if isinstance(header, QLabel):
        header.setBuddy(widget)
    layout.addWidget(header)
    layout.addWidget(widget)
    return box
