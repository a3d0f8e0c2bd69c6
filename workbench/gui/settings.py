"""The app's remembered state (window layout, last model, per-model load settings and chat
format, language), in an INI file in the data folder, so WORKBENCH_HOME keeps tests and users apart."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from workbench.errors import PromptError
from workbench.paths import data_dir
from workbench.prompts.chat_formats import FormatChoice
from workbench.values.params import LoadParams


class AppSettings:
    """The remembered state, read and written one key at a time (each write is synced)."""

    def __init__(self) -> None:
        self.qsettings = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)

    def _get(self, key: str, default: Any = None) -> Any:
        return self.qsettings.value(key, default)

    def _set(self, key: str, value: Any) -> None:
        self.qsettings.setValue(key, value)
        self.qsettings.sync()

    # window
    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self._get("window/geometry"), self._get("window/state")

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._set("window/geometry", geometry)
        self._set("window/state", state)

    def splitter_sizes(self, name: str) -> list[int] | None:
        raw = self._get(f"splitters/{name}")
        try:
            return [int(x) for x in json.loads(raw)] if raw else None
        except (TypeError, ValueError):
            return None

    def save_splitter_sizes(self, name: str, sizes: list[int]) -> None:
        self._set(f"splitters/{name}", json.dumps(sizes))

    # models
    def last_model(self) -> str | None:
        value = self._get("model/last")
        return str(value) if value else None

    def set_last_model(self, path: str) -> None:
        self._set("model/last", path)

    def model_folders(self) -> list[str]:
        raw = self._get("model/folders")
        try:
            return [str(x) for x in json.loads(raw)] if raw else []
        except (TypeError, ValueError):
            return []

    def set_model_folders(self, folders: list[str]) -> None:
        self._set("model/folders", json.dumps(folders))

    def load_params_for(self, path: str) -> LoadParams | None:
        """The load settings last used with this model file, if any."""
        raw = self._get("model/settings")
        try:
            table = json.loads(raw) if raw else {}
            return LoadParams.from_dict({**table[path], "path": path}) if path in table else None
        except (TypeError, ValueError, KeyError):
            return None

    def remember_load_params(self, params: LoadParams) -> None:
        raw = self._get("model/settings")
        try:
            table = json.loads(raw) if raw else {}
        except (TypeError, ValueError):
            table = {}
        table[params.path] = {k: v for k, v in params.to_dict().items() if k != "path"}
        self._set("model/settings", json.dumps(table))

    def _table(self, key: str) -> dict[str, Any]:
        """A JSON object kept under ``key`` (empty when missing or broken)."""
        raw = self._get(key)
        try:
            table = json.loads(raw) if raw else {}
        except (TypeError, ValueError):
            return {}
        return table if isinstance(table, dict) else {}

    def chat_format_for(self, path: str) -> FormatChoice:
        """The chat format chosen for this model file; automatic when none was, or the entry is broken."""
        entry = self._table("model/chat_formats").get(path)
        if not isinstance(entry, dict):
            return FormatChoice()
        name, template = entry.get("name"), entry.get("template")
        if not isinstance(name, (str, type(None))) or not isinstance(template, (str, type(None))):
            return FormatChoice()
        try:
            return FormatChoice(name=name, template=template)
        except PromptError:  # both given: not a choice this app wrote
            return FormatChoice()

    def remember_chat_format(self, path: str, choice: FormatChoice) -> None:
        table = self._table("model/chat_formats")
        if choice.is_default:
            table.pop(path, None)
        else:
            table[path] = {"name": choice.name, "template": choice.template}
        self._set("model/chat_formats", json.dumps(table))

    # history database: "" is the default file in the data folder
    def database_path(self) -> str:
        return str(self._get("history/database", "") or "")

    def set_database_path(self, path: str) -> None:
        self._set("history/database", path)

    # language: "" follows the system
    def language(self) -> str:
        return str(self._get("ui/language", "") or "")

    def set_language(self, code: str) -> None:
        self._set("ui/language", code)

    # theme: "light", "dark" or "system" (follows the platform's colour scheme)
    def theme(self) -> str:
        return str(self._get("ui/theme", "") or "system")

    def set_theme(self, mode: str) -> None:
        self._set("ui/theme", mode)

    # editor
    def editor_mode(self) -> str:
        return str(self._get("editor/mode", "chat"))

    def set_editor_mode(self, mode: str) -> None:
        self._set("editor/mode", mode)
