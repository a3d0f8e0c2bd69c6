"""The main window: editors and output in the centre, dockable panels around, menus, toolbar,
status bar. Layout, open panels and the last model come back on the next start.

The window lays things out and loads models; its runs are the run controller's
(``gui/run_controller.py``), its status bar its own module (``gui/status_bar.py``), and all its
engine work goes through the one bridge (``gui/bridge.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench import __version__
from workbench.app.prompt_spec import PreparedRun
from workbench.errors import WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.background import Background
from workbench.gui.branches_panel import BranchesPanel
from workbench.gui.bridge import EngineBridge
from workbench.gui.dialogs import ExactPromptDialog, ShortcutsDialog
from workbench.gui.editor_undo import EditorUndo
from workbench.gui.editors import PromptEditors
from workbench.gui.endpoints_dialog import EndpointsDialog
from workbench.gui.experiment_panel import ExperimentPanel
from workbench.gui.history_panel import HistoryPanel
from workbench.gui.history_recorder import HistoryRecorder
from workbench.gui.i18n import install_language
from workbench.gui.library_panel import LibraryChoice, LibraryPanel
from workbench.gui.model_controller import ModelController
from workbench.gui.model_manager import ModelManagerDialog
from workbench.gui.next_token_panel import NextTokenPanel
from workbench.gui.output_view import OutputView
from workbench.gui.qt_helpers import Retranslating
from workbench.gui.resample_panel import ResamplePanel
from workbench.gui.run_controller import RunController
from workbench.gui.sampling_panel import SamplingPanel
from workbench.gui.session_state import WindowSession
from workbench.gui.settings import AppSettings
from workbench.gui.status_bar import StatusBar
from workbench.gui.surprisal_panel import SurprisalPanel
from workbench.gui.prompt_count import PromptCount
from workbench.gui.token_lab import TokenLab
from workbench.gui.window_actions import WindowActions
from workbench.models.info import ModelInfo
from workbench.prompts.chat_formats import ChatFormat, FormatChoice
from workbench.values.params import GenerateParams, LoadParams
from workbench.values.results import LoadedModel
from workbench.values.tokens import Alternative

LIBRARY_DELAY_MS = 50
CENTRE_MIN_WIDTH = 420
PANEL_SHARE = 0.45  # of the window's width, for the panels on a first start


class MainWindow(Retranslating, WindowActions, QMainWindow):
    """The workbench's window: prompt, output, panels; runs through its run controller."""

    runFinished = Signal(object)  # GenerationResult (a VariantResult after a vote or a search), after the view is updated
    tokenCountUpdated = Signal(int)
    libraryApplied = Signal(object)  # LibraryChoice rendered into the editor
    libraryFailed = Signal(object)  # WorkbenchError: the library choice could not be rendered (said in the window)
    exactPromptShown = Signal(object)  # ExactPromptDialog opened by show_exact_prompt

    def __init__(self, bridge: EngineBridge | None = None, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.resize(1200, 760)
        self.setAcceptDrops(True)
        self.bridge = bridge or EngineBridge(parent=self)
        self.settings = settings or AppSettings()
        self.recorder = HistoryRecorder(self.settings.database_path() or None, self)

        self.editors = PromptEditors()
        self.output = OutputView()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("QLabel { color: white; background: #b3261e; padding: 6px; }")
        self.error.hide()
        self.error.mousePressEvent = lambda _e: self.hide_error()  # click to dismiss
        self._build_centre()
        self._build_docks()
        self.models = ModelController(self)
        self.runs = RunController(self)
        self.editors.changed.connect(self.runs.forget_origin)  # an edited prompt is the user's own
        self.editors.chat.sendRequested.connect(self.run)
        self._error_follows_prompt = False
        self.editors.changed.connect(self._prompt_edited)
        self.editor_undo = EditorUndo(self.editors, self)
        self.library_panel.useRequested.connect(self.use_library)
        self.library_panel.runRequested.connect(self.run_library)
        self.library_panel.cancelRequested.connect(self.stop)
        self.history_panel.showRequested.connect(self.show_run)
        self.history_panel.rerunRequested.connect(self.rerun)
        self.history_panel.compareRequested.connect(self.compare_runs)
        self.branches_panel.branchSelected.connect(self.show_branch)
        self._connect_experiments()
        self.output.branchRequested.connect(self.branch)
        self._library_opened = False  # opened just after the window first appears (see showEvent)
        self.recorder.failed.connect(self.show_error)
        self.sampling_dock.raise_()
        self.restage_timer = QTimer(self)
        self.restage_timer.setSingleShot(True)
        # One frame: a restage costs a few ms even on a 262k vocabulary, and the panel sends one
        # at a time with the newest settings, so a slider drag never queues them up.
        self.restage_timer.setInterval(16)
        self.restage_timer.timeout.connect(self.next_panel.restage)
        self.sampling.changed.connect(self.restage_timer.start)

        self.background = Background(self)  # template renders the window does not wait for
        self.prompt_count = PromptCount(self)  # counted once typing pauses, on the engine

        self._build_actions()
        self.editor_undo.kept.connect(lambda: self.status.note(self.tr("Prompt replaced · Edit → Undo (Ctrl+Alt+Z) brings it back")))
        self._build_menus()
        self.status = StatusBar(self)
        self.status.cancel_load.clicked.connect(self.bridge.cancel)
        self._connect_bridge()
        self.session_state = WindowSession(self)
        self.retranslate()
        self.restore_layout()
        self.session_state.restore()
        self.update_actions()

    # -- construction ---------------------------------------------------------------------

    def _build_centre(self) -> None:
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
        self.colour_box.currentIndexChanged.connect(self._set_colour_mode)
        # The long hint gives way (elided by the layout) so the colour and branch pickers keep their width.
        self.output_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header_row.addWidget(self.output_title, 1)
        header_row.addWidget(self.colour_box)
        header_row.addWidget(self.branch_box)
        self.splitter.addWidget(_titled(output_header, self.output))
        self.splitter.setSizes([420, 340])  # a chat's messages and the output both need room
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.error)
        layout.addWidget(self.splitter)
        # The prompt and the output are the work: on a small screen the panels give way first.
        central.setMinimumWidth(CENTRE_MIN_WIDTH)
        self.setCentralWidget(central)

    def _set_colour_mode(self, index: int) -> None:
        mode = ("probability", "rank", "entropy")[max(index, 0)]
        self.output.set_colour_mode(mode)
        self.library_panel.set_colour_mode(mode)  # a vote's samples are tinted the same way

    def _build_docks(self) -> None:
        self.sampling = SamplingPanel()
        self.sampling_dock = self._dock("sampling-dock", self.sampling)
        self.token_lab = TokenLab(self.bridge)
        self.tokens_dock = self._dock("tokens-dock", self.token_lab)
        self.tabifyDockWidget(self.sampling_dock, self.tokens_dock)
        self.next_panel = NextTokenPanel(self.bridge, self.params_later, self.sampling.sampler)
        self.next_dock = self._dock("next-token-dock", self.next_panel)
        self.tabifyDockWidget(self.tokens_dock, self.next_dock)
        self.surprisal_panel = SurprisalPanel(self.bridge, self.exact_prompt_later)
        self.surprisal_dock = self._dock("surprisal-dock", self.surprisal_panel)
        self.tabifyDockWidget(self.next_dock, self.surprisal_dock)
        self.resample_panel = ResamplePanel(self.bridge, self.params_later)
        self.resample_dock = self._dock("resample-dock", self.resample_panel)
        self.tabifyDockWidget(self.surprisal_dock, self.resample_dock)
        self.branches_panel = BranchesPanel()
        self.branches_dock = self._dock("branches-dock", self.branches_panel)
        self.tabifyDockWidget(self.resample_dock, self.branches_dock)
        self.history_panel = HistoryPanel(self.recorder)
        self.history_dock = self._dock("history-dock", self.history_panel)
        self.tabifyDockWidget(self.branches_dock, self.history_dock)
        self.library_panel = LibraryPanel()
        self.library_dock = self._dock("library-dock", self.library_panel)
        self.tabifyDockWidget(self.history_dock, self.library_dock)
        self.experiment_panel = ExperimentPanel(self.recorder)
        self.experiment_dock = self._dock("experiments-dock", self.experiment_panel)
        self.tabifyDockWidget(self.library_dock, self.experiment_dock)

    def _connect_experiments(self) -> None:
        """A matrix cell opens its run; "Runs in History" filters the History; a suite chosen in
        the Library runs in the Experiments panel."""
        panel = self.experiment_panel
        panel.showRunRequested.connect(self.show_run)
        panel.failed.connect(self.show_error)
        panel.historyRequested.connect(lambda eid: (self.history_panel.set_experiment(eid), self.history_dock.raise_()))
        self.library_panel.suiteRequested.connect(lambda path: (self.experiment_dock.raise_(), panel.run_suite(path)))

    def _dock(self, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget()
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _connect_bridge(self) -> None:
        b = self.bridge
        b.loadProgress.connect(self.status.progress)
        b.busyChanged.connect(lambda _busy: self.update_actions())
        b.failed.connect(self.show_error)

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
        self.experiment_dock.setWindowTitle(self.tr("Experiments"))
        texts = {
            self.open_action: (self.tr("&Models…"), self.tr("Open, find and load models (Ctrl+O)")),
            self.endpoints_action: (self.tr("&Endpoints…"), self.tr("Servers to run models on: llama.cpp server, vLLM, Ollama, LM Studio")),
            self.quit_action: (self.tr("&Quit"), ""),
            self.run_action: (self.tr("&Run"), self.tr("Run the prompt (Ctrl+Enter)")),
            self.stop_action: (self.tr("&Stop"), self.tr("Stop generating (Esc)")),
            self.regenerate_action: (self.tr("Re&generate"), self.tr("Run the last prompt again (Ctrl+R)")),
            self.continue_action: (self.tr("&Continue"), self.tr("Continue the output (Ctrl+Shift+Enter)")),
            self.exact_action: (self.tr("Show &exact prompt"), self.tr("The exact text the model receives (Ctrl+P)")),
            self.shortcuts_action: (self.tr("&Keyboard shortcuts"), ""),
            self.about_action: (self.tr("&About"), ""),
            self.database_action: (self.tr("History &database…"), self.tr("Choose the file that keeps the run history")),
            self.new_chat_action: (self.tr("&New chat"), self.tr("Start a new conversation; the system prompt stays (Ctrl+N)")),
            self.undo_replace_action: (
                self.tr("&Undo replacing the prompt"),
                self.tr("Bring back the prompt the Library or History replaced (Ctrl+Alt+Z)"),
            ),
        }
        for action, (text, tip) in texts.items():
            action.setText(text)
            action.setToolTip(tip or text.replace("&", ""))
        self.file_menu.setTitle(self.tr("&File"))
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.recent_menu.setTitle(self.tr("&Recent models"))
        self.generate_menu.setTitle(self.tr("&Generate"))
        self.view_menu.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.language_actions[""].setText(self.tr("System default"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.error.setToolTip(self.tr("Click to dismiss"))
        self.status.retranslate(self.bridge.loading)

    def set_language(self, code: str) -> None:
        self.settings.set_language(code)
        install_language(code)
        self.language_actions.get(code, self.language_actions[""]).setChecked(True)

    # -- layout persistence ---------------------------------------------------------------

    def restore_layout(self) -> None:
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._panels_sized = state is not None and self.restoreState(state)
        sizes = self.settings.splitter_sizes("editor")
        if sizes:
            self.splitter.setSizes(sizes)
        self.editors.set_mode(self.settings.editor_mode())

    def save_layout(self) -> None:
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.settings.save_splitter_sizes("editor", self.splitter.sizes())
        self.settings.set_editor_mode(self.editors.mode())

    # -- models (the model controller's) -----------------------------------------------------

    @property
    def info(self) -> ModelInfo | None:
        return self.models.info

    @property
    def loaded(self) -> LoadedModel | None:
        return self.models.loaded

    @property
    def format_choice(self) -> FormatChoice:
        """The chat format chosen for the loaded model (automatic by default)."""
        return self.models.format_choice

    def open_model_manager(self) -> ModelManagerDialog:
        return self.models.open_manager()

    def load_model(self, spec: str, params: LoadParams | None = None) -> bool:
        return self.models.load(spec, params)

    def open_endpoints(self) -> EndpointsDialog:
        """The Endpoints dialog (the model manager has its own button for it)."""
        return self.open_model_manager().open_endpoints()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.toLocalFile().lower().endswith(".gguf") for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().lower().endswith(".gguf")]
        if paths:
            event.acceptProposedAction()
            self.models.dropped(paths[0])

    # -- prompt ---------------------------------------------------------------------------

    def exact_prompt(self) -> str:
        """The string the model receives for the current editor (chat template applied)."""
        return self.runs.exact_prompt()

    def exact_prompt_later(self) -> Callable[[], str]:
        """The editor read now; a function making its exact prompt, for a worker thread."""
        return self.runs.exact_prompt_later()

    def params_later(self) -> Callable[[], GenerateParams]:
        """The editor and the sampling settings read now; a function making the run's settings,
        for a worker thread."""
        return self.runs.params_later()

    def build_params(self, prompt: str | None = None) -> GenerateParams:
        """The editor's prompt (or ``prompt``) with the current sampling settings."""
        return self.runs.build_params(prompt)

    @property
    def prompt_tokens(self) -> int | None:
        """The prompt's last token count (None: not counted yet)."""
        return self.prompt_count.tokens

    def update_token_count(self) -> None:
        """Count the prompt's tokens in the background (``tokenCountUpdated`` says the answer)."""
        self.prompt_count.update()

    def show_exact_prompt(self) -> None:
        """Open the exact prompt once it has rendered in the background (exactPromptShown), or
        show why it cannot be made."""
        try:
            make, chat = self.runs.prepared_later(), self.runs.model.chat_format
        except WorkbenchError as e:
            self.show_error(user_message(e))
            return
        self.background.call("exact-prompt", make, lambda prepared: self._open_exact_prompt(prepared, chat), lambda e: self.show_error(user_message(e)))

    def _open_exact_prompt(self, prepared: PreparedRun, chat: ChatFormat) -> None:
        dialog = ExactPromptDialog(prepared.params.prompt, self.prompt_tokens, chat if prepared.chat_format is not None else None, self)
        dialog.show()
        self.exactPromptShown.emit(dialog)

    # -- the editor's undo step and new chats ---------------------------------------------------

    def keep_undo_step(self) -> None:
        """The editor is about to be replaced (by the Library or History): Edit → Undo brings
        what it holds back."""
        self.editor_undo.keep()

    def undo_replace(self) -> bool:
        return self.editor_undo.undo()

    def new_chat(self) -> None:
        self.keep_undo_step()
        self.editors.set_mode("chat")
        self.editors.chat.new_chat()

    # -- runs (the run controller's) --------------------------------------------------------

    def run(self) -> bool:
        return self.runs.run()

    def regenerate(self) -> bool:
        return self.runs.regenerate()

    def continue_generation(self) -> bool:
        return self.runs.continue_generation()

    def branch(self, index: int, choice: Alternative) -> bool:
        return self.runs.branch(index, choice)

    def show_branch(self, branch_id: int) -> None:
        self.runs.show_branch(branch_id)

    def stop(self) -> None:
        self.runs.stop()

    def show_run(self, run_id: int) -> bool:
        return self.runs.show_run(run_id)

    def rerun(self, run_id: int) -> bool:
        return self.runs.rerun(run_id)

    def use_library(self, choice: LibraryChoice) -> None:
        """Put a template (with its variant) into the editor once it has rendered in the
        background (libraryApplied), or show why it cannot be (libraryFailed)."""
        self.runs.apply_library(choice)

    def run_library(self, choice: LibraryChoice) -> bool:
        return self.runs.run_library(choice)

    def confirm_load(self, path: str) -> bool:
        """Ask before loading the model a run was made with, to branch or re-run it (tests replace this)."""
        answer = QMessageBox.question(
            self,
            self.tr("Branch"),
            self.tr("This run was made with {0}, which is not loaded. Load it to branch?").format(Path(path).name),
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- history --------------------------------------------------------------------------

    def use_database(self, path: str) -> bool:
        """Keep the history in ``path`` from now on (remembered); False, with the reason shown, if it cannot be used."""
        if not self.recorder.open(path):
            self.show_error(self.tr("This history database cannot be used: {0}").format(self.recorder.error))
            return False
        self.settings.set_database_path(path)
        self.runs.saved = None
        self._open_library()
        self.status.history_unavailable(None)
        self.hide_error()
        return True

    def _ask_database(self) -> None:
        current = str(self.recorder.path or "")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("History database"), current, "SQLite (*.sqlite *.db);;*", options=QFileDialog.Option.DontConfirmOverwrite
        )
        if path:
            self.use_database(path)

    def _open_history(self) -> None:
        """Open the history database (and its template library) just after the first paint."""
        if not self.recorder.opened:
            self.recorder.open(self.settings.database_path() or None)
        if self.recorder.error:  # the app works on without history; the status bar keeps saying so
            message = self.tr("The history is unavailable, runs are not saved: {0}").format(self.recorder.error)
            self.show_error(message)
            self.status.history_unavailable(message)
        self._open_library()
        self.session_state.restore_output()

    def _open_library(self) -> None:
        workspace = self.recorder.workspace
        try:
            templates = workspace.templates if workspace is not None else None
        except WorkbenchError as e:
            self.show_error(user_message(e))
            templates = None
        self.library_panel.set_store(templates)

    def compare_runs(self, run_ids: list[int]) -> QDialog | None:
        store = self.recorder.store
        if store is None or len(run_ids) < 2:
            return None
        try:
            from workbench.gui.compare_view import CompareDialog  # the store's comparison: loaded on first use

            dialog = CompareDialog(store, run_ids, self)
        except WorkbenchError as e:
            self.show_error(user_message(e))
            return None
        dialog.show()
        return dialog

    def show_error(self, message: str, follows_prompt: bool = False) -> None:
        """The red banner; ``follows_prompt``: it is about the prompt, so it goes when the prompt
        is edited (a fixed prompt must not keep saying it is broken)."""
        self.error.setText(message)
        self.error.show()
        self._error_follows_prompt = follows_prompt

    def _prompt_edited(self) -> None:
        if self._error_follows_prompt and self.error.isVisible():
            self.hide_error()

    def confirm_drop_turns(self, turns: int, tokens: int, n_ctx: int, left: int) -> bool:
        """Ask before dropping a chat's oldest turns to fit the context (tests replace this)."""
        answer = QMessageBox.question(
            self,
            self.tr("The conversation is too long"),
            self.tr(
                "This conversation is {0} tokens, more than the {1}-token context holds. Drop its oldest {2} "
                "turn(s) (about {3} tokens are left) and send it again? Edit → Undo brings them back."
            ).format(tokens, n_ctx, turns, left),
        )
        return answer == QMessageBox.StandardButton.Yes

    def hide_error(self) -> None:
        self.error.hide()

    def update_actions(self) -> None:
        busy = self.bridge.busy
        ready = self.loaded is not None and not busy
        session = self.runs.session
        self.run_action.setEnabled(ready)
        self.regenerate_action.setEnabled(ready and session.prepared is not None)
        self.continue_action.setEnabled(ready and session.last is not None and session.prepared is not None)
        self.stop_action.setEnabled(busy and not self.bridge.loading)
        self.open_action.setEnabled(True)

    def show_shortcuts(self) -> ShortcutsDialog:
        actions = [self.open_action, self.run_action, self.stop_action, self.regenerate_action, self.continue_action,
                   self.exact_action, self.sampling_toggle, self.tokens_toggle, self.next_toggle, self.branches_toggle, self.history_toggle, self.library_toggle, self.experiments_toggle,
                   self.shortcuts_action, self.quit_action]
        dialog = ShortcutsDialog(actions, self)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Prompt Workbench"),
            self.tr("Prompt Workbench {0}: see what a local language model does with your prompt. llama.cpp through llama-cpp-python {1}.").format(
                __version__, self.bridge.local.llama_cpp_version or "?"
            ),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._panels_sized:
            # First start: Qt gives the docks their widest panel's width (two thirds of a small
            # window); the prompt column gets more than half.
            self._panels_sized = True
            QTimer.singleShot(0, self._size_panels)
        if not self._library_opened:
            # After the first paint: on a first start this imports the starter library (~0.3 s).
            self._library_opened = True
            QTimer.singleShot(LIBRARY_DELAY_MS, self._open_history)

    def _size_panels(self) -> None:
        self.resizeDocks([self.sampling_dock], [int(self.width() * PANEL_SHARE)], Qt.Orientation.Horizontal)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.experiment_panel.shutdown()  # its cases so far are kept; Continue goes on later
        self.bridge.shutdown()
        self.recorder.close()  # the last run's save finishes first
        self.session_state.save()  # after it: the session names the run the output shows
        super().closeEvent(event)


def _titled(header: QWidget, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    if isinstance(header, QLabel):
        header.setBuddy(widget)
    layout.addWidget(header)
    layout.addWidget(widget)
    return box
