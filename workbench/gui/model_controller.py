"""The window's model: checking a file, loading it in the background with its remembered
settings (or a server model, ``ENDPOINT/MODEL``: what its server says of it stands for the file's
facts), the chat format it renders with, what the window shows while it loads and after, recent
models and dropped files.

A model asked for while the engine works switches to it: the bridge stops the work and loads
after it; the window keeps the old model's state until then, so that the stopped run is saved
with the model it ran on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from workbench.app.endpoints import ModelRef
from workbench.app.model import ModelContext
from workbench.errors import WorkbenchError
from workbench.gui.bridge import remote_ref
from workbench.gui.error_text import user_message
from workbench.gui.model_manager import ModelManagerDialog
from workbench.models.catalog import RecentModels
from workbench.models.info import ModelInfo, model_info
from workbench.models.memory import estimate, free_ram_bytes
from workbench.prompts.chat_formats import FormatChoice
from workbench.values.params import LoadParams
from workbench.values.results import LoadedModel


class ModelController(QObject):
    """Loads the window's model and keeps what it knows of it (``info``, ``loaded``, and
    ``format_choice``: the chat format chosen for it, the one the window's prompts use)."""

    def __init__(self, window: Any) -> None:
        """``window``: the MainWindow (its bridge, settings, status bar and Tokens panel)."""
        super().__init__(window)
        self.w = window
        self.info: ModelInfo | None = None
        self.loaded: LoadedModel | None = None
        self.format_choice = FormatChoice()
        self.recent = RecentModels()
        self.manager: ModelManagerDialog | None = None
        window.bridge.modelLoaded.connect(self._on_loaded)
        window.bridge.loadFailed.connect(self._on_failed)
        window.bridge.loadCancelled.connect(self._on_cancelled)
        window.bridge.loadStarted.connect(self._on_load_started)

    def open_manager(self) -> ModelManagerDialog:
        if self.manager is None:
            self.manager = ModelManagerDialog(self.w.bridge, self.w.settings, self.w)
            self.manager.loadRequested.connect(self._on_requested)
            self.manager.chat_format.chosen.connect(self._on_format_chosen)
        else:
            self.manager.refresh()
        if self.info:
            self.manager.select_path(self.info.path)
        self.manager.show()
        self.manager.raise_()
        return self.manager

    def load(self, spec: str, params: LoadParams | None = None) -> bool:
        """Validate a file (fast, no engine) and load it in the background with its remembered
        settings; ``ENDPOINT/MODEL`` of a configured endpoint opens that server model."""
        target = remote_ref(spec)
        if target is not None:
            return self.load_remote(target)
        try:
            info = model_info(spec)
        except WorkbenchError as e:
            self.w.show_error(user_message(e))
            return False
        params = params or self.w.settings.load_params_for(info.path) or LoadParams(path=info.path)
        params.path = info.path
        if self.w.bridge.loading:
            self.w.show_error(self.tr("A model is already loading. Wait for it or cancel it first."))
            return False
        if not self.w.bridge.load(params):
            self.w.show_error(self.tr("The engine is busy; stop the current run before loading another model."))
            return False
        if not self.w.bridge.load_waits:
            self.info = info
        self._on_requested(params)
        return True

    def load_remote(self, target: ModelRef) -> bool:
        """Make a server model the window's engine, in the background."""
        if self.w.bridge.loading:
            self.w.show_error(self.tr("A model is already loading. Wait for it or cancel it first."))
            return False
        if not self.w.bridge.load_remote(target.endpoint, target.model):
            self.w.show_error(self.tr("The engine is busy; stop the current run before loading another model."))
            return False
        self._on_requested(target)
        return True

    def dropped(self, path: str) -> None:
        """A .gguf dropped on the window: load it, or let the model manager ask first when its
        remembered settings will not fit."""
        try:
            info = model_info(path)
        except WorkbenchError as e:
            self.w.show_error(user_message(e))
            return
        params = self.w.settings.load_params_for(info.path)
        if params is not None and not _safe_to_load(info, params):
            self.open_manager().add_model_file(info.path)
            return
        self.load(info.path)

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        for path in self.recent.load():
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.load(p))
        if menu.isEmpty():
            menu.addAction(self.tr("(none yet)")).setEnabled(False)

    def _on_requested(self, params: LoadParams | ModelRef) -> None:
        if self.w.bridge.load_waits:  # the work under way stops first (its run saved); loadStarted follows
            self.w.status.note(self.tr("Stopping to load {0}…").format(Path(params.path).name))
            return
        self._starts(params)

    def _on_load_started(self, params: LoadParams | ModelRef) -> None:
        self.w.status.note("")  # no longer stopping
        self._starts(params)

    def _starts(self, params: LoadParams | ModelRef) -> None:
        """What the window shows from the moment a load begins."""
        if isinstance(params, ModelRef):
            self.info = None  # the server says what it is once it answers
        elif self.info is None or self.info.path != params.path:  # the model manager's choice
            try:
                self.info = model_info(params.path)
            except WorkbenchError:
                pass
        self.w.hide_error()
        self.loaded = None
        self.format_choice = FormatChoice()
        self.w.next_panel.forget()
        self.w.status.loading(Path(params.path).name)
        self.w.update_actions()

    def _on_loaded(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        if loaded.remote:
            self.info = self.w.bridge.remote_info  # chats then use the server's own template
        self.w.status.loaded(loaded, self.info.display_name if self.info else Path(loaded.path).stem)
        settings = self.w.settings
        if not loaded.remote:  # the next start opens a file, never a server that may be gone
            settings.set_last_model(loaded.path)
            if self.w.bridge.local.load_params:
                settings.remember_load_params(self.w.bridge.local.load_params)
            self.recent.add(loaded.path)
        self.w.token_lab.set_model(Path(loaded.path).stem)
        if loaded.warnings:
            self.w.show_error(" ".join(loaded.warnings))
        self.use_format(settings.chat_format_for(loaded.path))
        self.w.update_actions()

    def _on_format_chosen(self, path: str, choice: FormatChoice) -> None:
        if self.loaded is not None and self.loaded.path == path:
            self.use_format(choice)

    def use_format(self, choice: FormatChoice) -> None:
        """Render the loaded model's chats with ``choice`` from now on; one that cannot apply to
        this file is shown, and the workbench chooses instead."""
        try:
            chat = ModelContext(self.info, self.loaded, choice).chat_format
        except WorkbenchError as e:
            self.w.show_error(user_message(e))
            choice = FormatChoice()
            chat = ModelContext(self.info, self.loaded, choice).chat_format
        self.format_choice = choice
        self.w.status.chat_format(chat)
        self.w.update_token_count()

    def _on_failed(self, message: str) -> None:
        self._on_cancelled(clear_backend=True)
        self.w.show_error(message)

    def _on_cancelled(self, clear_backend: bool = False) -> None:
        if self.w.bridge.has_model and self.loaded is not None:  # a switch called off before it began
            self.w.status.note("")
            self.w.update_actions()
            return
        self.loaded = None
        self.w.token_lab.set_model("")
        self.w.status.no_model(clear_backend)
        self.w.update_actions()


def _safe_to_load(info: ModelInfo, params: LoadParams) -> bool:
    if info.context_length and params.n_ctx > info.context_length:
        return False
    ram = free_ram_bytes()
    return ram is None or estimate(info, params.n_ctx, params.n_gpu_layers, params.n_batch).cpu_bytes <= ram
