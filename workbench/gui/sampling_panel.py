"""The sampling panel: sampler settings, stop strings, seed, and named presets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.values.params import SamplerParams
from workbench.errors import BadInputError
from workbench.presets import BUILTIN, PresetStore
from workbench.gui.error_text import user_message
from workbench.gui.qt_helpers import Retranslating


class SamplingPanel(Retranslating, QWidget):
    presetsChanged = Signal()
    changed = Signal()  # any sampler value

    def __init__(self, store: PresetStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sampling-panel")
        self.store = store or PresetStore()
        d = SamplerParams()

        self.preset = QComboBox()
        self.preset.setObjectName("preset")
        self.save_preset = QPushButton()
        self.delete_preset = QPushButton()
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.preset, 1)
        preset_row.addWidget(self.save_preset)
        preset_row.addWidget(self.delete_preset)

        self.temperature = self._double(0.0, 5.0, 0.05, d.temperature)
        self.top_k = self._int(0, 1000, d.top_k)
        self.top_p = self._double(0.01, 1.0, 0.01, d.top_p)
        self.min_p = self._double(0.0, 1.0, 0.01, d.min_p)
        self.repeat_penalty = self._double(0.5, 2.0, 0.05, d.repeat_penalty)
        self.max_tokens = self._int(1, 32768, 256)
        self.fixed_seed = QCheckBox()
        self.seed = QDoubleSpinBox()  # a double holds every 32-bit seed; QSpinBox stops at 2**31 - 1
        self.seed.setDecimals(0)
        self.seed.setRange(0, 2**32 - 1)
        self.seed.setValue(42)
        self.seed.setEnabled(False)
        self.fixed_seed.toggled.connect(self.seed.setEnabled)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.fixed_seed)
        seed_row.addWidget(self.seed, 1)
        self.stop = QPlainTextEdit()
        self.stop.setObjectName("stop-strings")
        self.stop.setMaximumHeight(70)

        self.form = QFormLayout()
        self.labels = {key: QLabel() for key in ("temperature", "top_k", "top_p", "min_p", "repeat", "max", "seed", "stop")}
        for key, widget in (
            ("temperature", self.temperature),
            ("top_k", self.top_k),
            ("top_p", self.top_p),
            ("min_p", self.min_p),
            ("repeat", self.repeat_penalty),
            ("max", self.max_tokens),
        ):
            self.labels[key].setBuddy(widget)
            self.form.addRow(self.labels[key], widget)
        self.labels["seed"].setBuddy(self.fixed_seed)
        self.labels["stop"].setBuddy(self.stop)
        self.form.addRow(self.labels["seed"], seed_row)
        self.form.addRow(self.labels["stop"], self.stop)

        self.preset_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.preset_label)
        layout.addLayout(preset_row)
        layout.addLayout(self.form)
        layout.addStretch(1)

        self.preset.activated.connect(lambda _i: self.apply_preset(self.current_preset()))
        self._applying = False
        for box in (self.temperature, self.top_k, self.top_p, self.min_p, self.repeat_penalty):
            box.valueChanged.connect(self._on_value_changed)
            box.valueChanged.connect(lambda _v: self.changed.emit())
        self.save_preset.clicked.connect(self._ask_save)
        self.delete_preset.clicked.connect(self._delete_current)
        self.retranslate()
        self.reload_presets()

    def _double(self, lo: float, hi: float, step: float, value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(lo, hi)
        box.setSingleStep(step)
        box.setDecimals(2)
        box.setValue(value)
        return box

    def _int(self, lo: int, hi: int, value: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(lo, hi)
        box.setValue(value)
        return box

    def retranslate(self) -> None:
        self.preset_label.setText(self.tr("Preset"))
        self.save_preset.setText(self.tr("Save as…"))
        self.save_preset.setToolTip(self.tr("Save the current settings as a named preset"))
        self.delete_preset.setText(self.tr("Delete"))
        self.delete_preset.setToolTip(self.tr("Delete the selected preset (built-in presets stay)"))
        texts = {
            "temperature": (self.tr("&Temperature"), self.tr("0 = always the most likely token; higher = more random")),
            "top_k": (self.tr("Top-&k"), self.tr("Keep only the K most likely tokens (0 = off)")),
            "top_p": (self.tr("Top-&p"), self.tr("Keep the most likely tokens up to this total probability (1 = off)")),
            "min_p": (self.tr("&Min-p"), self.tr("Drop tokens less likely than this fraction of the best one (0 = off)")),
            "repeat": (self.tr("&Repeat penalty"), self.tr("Penalise tokens used in the last 64 (1 = off)")),
            "max": (self.tr("Ma&x tokens"), self.tr("Stop after this many tokens")),
            "seed": (self.tr("&Seed"), self.tr("A fixed seed makes a run repeat exactly; after a run this shows the seed it used")),
            "stop": (self.tr("St&op strings"), self.tr("One per line (\\n for a newline); generation stops when one appears")),
        }
        for key, (label, tip) in texts.items():
            self.labels[key].setText(label)
            self.labels[key].setToolTip(tip)
        self.fixed_seed.setText(self.tr("fixed"))
        self.fixed_seed.setToolTip(self.tr("Tick to reuse the seed shown; untick for a new random seed each run"))
        self.preset.setPlaceholderText(self.tr("(custom settings)"))
        for i in range(self.preset.count()):
            self.preset.setItemText(i, self._display_name(self.preset.itemData(i)))

    # -- values ---------------------------------------------------------------------------

    def sampler(self) -> SamplerParams:
        return SamplerParams(
            temperature=self.temperature.value(),
            top_k=self.top_k.value(),
            top_p=self.top_p.value(),
            min_p=self.min_p.value(),
            repeat_penalty=self.repeat_penalty.value(),
            seed=int(self.seed.value()) if self.fixed_seed.isChecked() else None,
        )

    def set_sampler(self, params: SamplerParams) -> None:
        self.temperature.setValue(params.temperature)
        self.top_k.setValue(params.top_k)
        self.top_p.setValue(params.top_p)
        self.min_p.setValue(params.min_p)
        self.repeat_penalty.setValue(params.repeat_penalty)
        if params.seed is not None:
            self.fixed_seed.setChecked(True)
            self.seed.setValue(params.seed)

    def state(self) -> dict[str, Any]:
        """Every setting of the panel, the chosen preset's name included, as plain data."""
        return {
            "preset": self.current_preset(),
            "temperature": self.temperature.value(),
            "top_k": self.top_k.value(),
            "top_p": self.top_p.value(),
            "min_p": self.min_p.value(),
            "repeat_penalty": self.repeat_penalty.value(),
            "max_tokens": self.max_tokens.value(),
            "fixed_seed": self.fixed_seed.isChecked(),
            "seed": int(self.seed.value()),
            "stop": self.stop.toPlainText(),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Put back what ``state()`` gave; a preset that no longer exists leaves custom settings."""
        self._applying = True
        try:
            boxes = {"temperature": self.temperature, "top_k": self.top_k, "top_p": self.top_p, "min_p": self.min_p,
                     "repeat_penalty": self.repeat_penalty, "max_tokens": self.max_tokens, "seed": self.seed}
            for key, box in boxes.items():
                value = state.get(key)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    box.setValue(value)  # type: ignore[attr-defined]
            self.fixed_seed.setChecked(bool(state.get("fixed_seed", False)))
            self.stop.setPlainText(str(state.get("stop", "")))
        finally:
            self._applying = False
        preset = str(state.get("preset", ""))
        self.preset.setCurrentIndex(self.preset.findData(preset) if preset else -1)
        self._on_value_changed()  # values that no longer match the preset leave it
        self._update_delete()

    def stop_strings(self) -> list[str]:
        lines = self.stop.toPlainText().split("\n")
        return [line.replace("\\n", "\n").replace("\\t", "\t") for line in lines if line]

    # -- presets --------------------------------------------------------------------------

    def reload_presets(self, select: str | None = None) -> None:
        current = select or self.current_preset()
        self.preset.clear()
        for name in self.store.all():
            self.preset.addItem(self._display_name(name), name)  # built-in names shown translated
        index = self.preset.findData(current)
        self.preset.setCurrentIndex(max(index, 0) if current else -1)
        self._update_delete()

    def current_preset(self) -> str:
        """The selected preset's name ('' for custom settings)."""
        data = self.preset.currentData()
        return str(data) if data else ""

    def _display_name(self, name: str) -> str:
        return {"Deterministic": self.tr("Deterministic"), "Balanced": self.tr("Balanced"), "Creative": self.tr("Creative")}.get(name, name)

    def _update_delete(self) -> None:
        self.delete_preset.setEnabled(bool(self.current_preset()) and self.current_preset() not in BUILTIN)

    def apply_preset(self, name: str) -> None:
        params = self.store.all().get(name)
        if params is not None:
            self._applying = True
            try:
                self.set_sampler(params)
                if params.seed is None:
                    self.fixed_seed.setChecked(False)
            finally:
                self._applying = False
            self.preset.setCurrentIndex(self.preset.findData(name))
        self._update_delete()

    def _on_value_changed(self) -> None:
        """Editing a value by hand leaves the preset: the combo shows '(custom settings)'."""
        if self._applying or not self.current_preset():
            return
        preset = self.store.all().get(self.current_preset())
        mine = self.sampler()
        if preset is None or any(getattr(preset, f) != getattr(mine, f) for f in ("temperature", "top_k", "top_p", "min_p", "repeat_penalty")):
            self.preset.setCurrentIndex(-1)
            self._update_delete()

    def save_as(self, name: str) -> None:
        """Save the current settings under ``name`` (raises BadInputError for a bad name)."""
        self.store.save(name, self.sampler())
        self.reload_presets(select=name.strip())
        self.presetsChanged.emit()

    def delete(self, name: str) -> None:
        self.store.delete(name)
        self.reload_presets(select=next(iter(BUILTIN)))
        self.presetsChanged.emit()

    def _ask_save(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save preset"), self.tr("Preset name:"))
        if not ok:
            return
        try:
            self.save_as(name)
        except BadInputError as e:
            QMessageBox.warning(self, self.tr("Save preset"), user_message(e))

    def _delete_current(self) -> None:
        name = self.current_preset()
        try:
            self.delete(name)
        except BadInputError as e:
            QMessageBox.warning(self, self.tr("Delete preset"), user_message(e))
