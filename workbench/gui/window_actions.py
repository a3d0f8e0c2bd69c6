"""The main window's actions, toolbar and menus: each action with its shortcuts and slot, the
panels' show/hide toggles, the language menu. Their texts are set in the window's
``retranslate`` (one translation context for the window)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from workbench.gui.i18n import LANGUAGES
from workbench.gui.theme import ThemeMenu


class WindowActions:
    """The action-and-menu part of ``MainWindow`` (a mixin: it works on the window's panels,
    docks and slots)."""

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
        self.endpoints_action = self._action(None, self.open_endpoints)
        self.quit_action = self._action(["Ctrl+Q"], self.close)
        self.run_action = self._action(["Ctrl+Return", "Ctrl+Enter"], self.run)
        self.stop_action = self._action(["Esc"], self.stop)
        self.regenerate_action = self._action(["Ctrl+R"], self.regenerate)
        self.continue_action = self._action(["Ctrl+Shift+Return", "Ctrl+Shift+Enter"], self.continue_generation)
        self.exact_action = self._action(["Ctrl+P"], self.show_exact_prompt)
        self.shortcuts_action = self._action(["F1"], self.show_shortcuts)
        self.about_action = self._action(None, self.show_about)
        self.database_action = self._action(None, self._ask_database)
        self.undo_replace_action = self._action(["Ctrl+Alt+Z"], self.undo_replace)
        self.undo_replace_action.setEnabled(False)
        self.editor_undo.available.connect(self.undo_replace_action.setEnabled)
        self.new_chat_action = self._action(["Ctrl+N"], self.new_chat)
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
        self.experiments_toggle = self.experiment_dock.toggleViewAction()
        self.experiments_toggle.setShortcut(QKeySequence("Ctrl+Shift+E"))

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
        self.file_menu.addAction(self.endpoints_action)
        self.recent_menu = QMenu(self)
        self.recent_menu.aboutToShow.connect(lambda: self.models.fill_recent_menu(self.recent_menu))
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addAction(self.database_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = bar.addMenu("")
        self.edit_menu.addAction(self.new_chat_action)
        self.edit_menu.addAction(self.undo_replace_action)
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
        self.view_menu.addAction(self.experiments_toggle)
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
        self.theme_menu = ThemeMenu(self.settings, self)  # translates itself
        self.view_menu.addMenu(self.theme_menu)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.shortcuts_action)
        self.help_menu.addAction(self.about_action)
