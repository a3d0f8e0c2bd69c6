"""The main window: prompt editor, sampler settings, Run/Stop, streamed output, status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.engine.client import Generation
from workbench.engine.protocol import GenerateParams, LoadedModel, LoadParams, SamplerParams, TokenEvent
from workbench.errors import WorkbenchError
from workbench.gui.bridge import EngineBridge
from workbench.gui.output_view import OutputView
from workbench.models.info import ModelInfo, model_info
from workbench.prompts.chat import ChatMessage, render_chat


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(title)
    label.setBuddy(widget)
    layout.addWidget(label)
    layout.addWidget(widget)
    return box


class SamplerForm(QWidget):
    """Sampler settings with the engine's defaults and valid ranges."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        d = SamplerParams()
        form = QFormLayout(self)
        self.temperature = self._double(0.0, 5.0, 0.05, d.temperature, "0 = always the most likely token")
        self.top_k = self._int(0, 1000, d.top_k, "keep only the K most likely tokens (0 = off)")
        self.top_p = self._double(0.01, 1.0, 0.01, d.top_p, "keep the most likely tokens up to this total probability (1 = off)")
        self.min_p = self._double(0.0, 1.0, 0.01, d.min_p, "drop tokens less likely than this fraction of the best (0 = off)")
        self.repeat_penalty = self._double(0.5, 2.0, 0.05, d.repeat_penalty, "penalise recently used tokens (1 = off)")
        self.max_tokens = self._int(1, 32768, 256, "stop after this many tokens")
        self.seed = self._int(-1, 2**31 - 1, -1, "fix the random draw so a run repeats (-1 = random)")
        self.seed.setSpecialValueText("random")
        self.chat = QCheckBox("Use the model's chat template")
        self.chat.setChecked(True)
        for label, widget in (
            ("&Temperature", self.temperature),
            ("Top-&k", self.top_k),
            ("Top-&p", self.top_p),
            ("&Min-p", self.min_p),
            ("&Repeat penalty", self.repeat_penalty),
            ("Max &tokens", self.max_tokens),
            ("&Seed", self.seed),
        ):
            form.addRow(label, widget)
        form.addRow(self.chat)

    def _double(self, lo: float, hi: float, step: float, value: float, tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(lo, hi)
        box.setSingleStep(step)
        box.setDecimals(2)
        box.setValue(value)
        box.setToolTip(tip)
        return box

    def _int(self, lo: int, hi: int, value: int, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(lo, hi)
        box.setValue(value)
        box.setToolTip(tip)
        return box

    def sampler(self) -> SamplerParams:
        return SamplerParams(
            temperature=self.temperature.value(),
            top_k=self.top_k.value(),
            top_p=self.top_p.value(),
            min_p=self.min_p.value(),
            repeat_penalty=self.repeat_penalty.value(),
            seed=None if self.seed.value() < 0 else self.seed.value(),
        )


class MainWindow(QMainWindow):
    runFinished = Signal(object)  # Generation, after the view has been updated

    def __init__(self, bridge: EngineBridge | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Prompt Workbench")
        self.resize(1100, 720)
        self.bridge = bridge or EngineBridge(parent=self)
        self.info: ModelInfo | None = None
        self.loaded: LoadedModel | None = None
        self.last_generation: Generation | None = None

        self.prompt = QPlainTextEdit()
        self.prompt.setObjectName("prompt")
        self.prompt.setPlaceholderText("Type a prompt, then press Ctrl+Enter to run it.")
        self.output = OutputView()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("QLabel { color: palette(bright-text); background: #b3261e; padding: 6px; }")
        self.error.hide()
        self.settings = SamplerForm()

        editors = QSplitter(Qt.Orientation.Vertical)
        editors.addWidget(_titled("Prompt", self.prompt))
        editors.addWidget(
            _titled("Output · tinted by probability: green likely, red surprising · hover a token for alternatives", self.output)
        )
        editors.setSizes([260, 420])
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(editors)
        main.addWidget(self.settings)
        main.setStretchFactor(0, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.error)
        layout.addWidget(main)
        self.setCentralWidget(central)

        self._build_actions()
        self._build_status_bar()
        self._connect_bridge()
        self._update_actions()

    # -- construction ---------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.open_action = QAction("&Open model…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_model)
        self.run_action = QAction("&Run", self)
        self.run_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.run_action.setToolTip("Run the prompt (Ctrl+Enter)")
        self.run_action.triggered.connect(self.run)
        self.stop_action = QAction("&Stop", self)
        self.stop_action.setShortcut(QKeySequence("Esc"))
        self.stop_action.setToolTip("Stop generating (Esc)")
        self.stop_action.triggered.connect(self.stop)
        for action in (self.open_action, self.run_action, self.stop_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.addAction(self.open_action)
        toolbar.addSeparator()
        toolbar.addAction(self.run_action)
        toolbar.addAction(self.stop_action)
        menu = self.menuBar().addMenu("&Model")
        menu.addAction(self.open_action)
        menu = self.menuBar().addMenu("&Generate")
        menu.addAction(self.run_action)
        menu.addAction(self.stop_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.model_label = QLabel("No model")
        self.backend_label = QLabel("")
        self.speed_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy indicator: llama.cpp gives no load fraction
        self.progress.setMaximumWidth(140)
        self.progress.hide()
        bar.addWidget(self.model_label)
        bar.addWidget(self.progress)
        bar.addPermanentWidget(self.backend_label)
        bar.addPermanentWidget(self.speed_label)

    def _connect_bridge(self) -> None:
        b = self.bridge
        b.modelLoaded.connect(self._on_loaded)
        b.loadFailed.connect(self._on_load_failed)
        b.generationStarted.connect(self._on_generation_started)
        b.tokensArrived.connect(self._on_tokens)
        b.generationFinished.connect(self._on_finished)
        b.generationFailed.connect(self._on_generation_failed)
        b.busyChanged.connect(lambda _busy: self._update_actions())

    # -- model ----------------------------------------------------------------------------

    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a GGUF model", str(Path.home()), "GGUF models (*.gguf);;All files (*)")
        if path:
            self.load_model(path)

    def load_model(self, spec: str, n_ctx: int = 4096, n_gpu_layers: int = 0) -> bool:
        """Validate the file here (fast, no engine), then load it in the background."""
        try:
            info = model_info(spec)
        except WorkbenchError as e:
            self.show_error(str(e))
            return False
        if not self.bridge.load(LoadParams(path=info.path, n_ctx=n_ctx, n_gpu_layers=n_gpu_layers)):
            self.show_error("The engine is busy; stop the current run before loading another model.")
            return False
        self.info = info
        self._on_load_started(info.path)
        return True

    def _on_load_started(self, path: str) -> None:
        self.hide_error()
        self.loaded = None
        self.model_label.setText(f"Loading {Path(path).name}…")
        self.progress.show()
        self._update_actions()

    def _on_loaded(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        self.progress.hide()
        name = self.info.display_name if self.info else Path(loaded.path).stem
        self.model_label.setText(f"{name} · ctx {loaded.n_ctx}")
        self.backend_label.setText(loaded.backend)
        if loaded.warnings:
            self.show_error(" ".join(loaded.warnings))
        self._update_actions()

    def _on_load_failed(self, message: str) -> None:
        self.progress.hide()
        self.model_label.setText("No model")
        self.show_error(message)
        self._update_actions()

    # -- run ------------------------------------------------------------------------------

    def build_params(self) -> GenerateParams:
        text = self.prompt.toPlainText()
        chat = self.settings.chat.isChecked()
        if chat and self.loaded is not None:
            text = render_chat(
                self.info.chat_template if self.info else None,
                [ChatMessage("user", text)],
                bos_token=self.loaded.bos_text,
                eos_token=self.loaded.eos_text,
                tokenizer_adds_bos=self.loaded.add_bos,
            )
        return GenerateParams(
            prompt=text,
            sampler=self.settings.sampler(),
            max_tokens=self.settings.max_tokens.value(),
            top_logprobs=10,
            parse_special=chat,
        ).validate()

    def run(self) -> None:
        if self.loaded is None or self.bridge.busy:
            return
        if not self.prompt.toPlainText().strip():
            self.show_error("The prompt is empty. Type something to send to the model.")
            return
        try:
            params = self.build_params()
        except WorkbenchError as e:
            self.show_error(str(e))
            return
        self.hide_error()
        self.bridge.generate(params)

    def stop(self) -> None:
        if self.bridge.busy:
            self.bridge.cancel()

    def _on_generation_started(self) -> None:
        self.output.clear_tokens()
        self.speed_label.setText("generating…")

    def _on_tokens(self, tokens: list[TokenEvent]) -> None:
        self.output.append_tokens(tokens)

    def _on_finished(self, generation: Generation) -> None:
        self.last_generation = generation
        done = generation.done
        if done is not None:
            t = done.timings
            self.speed_label.setText(
                f"{done.completion_tokens} tokens · {t.tokens_per_s:.1f} tok/s · prompt {t.prompt_s * 1000:.0f} ms"
                + (" · stopped" if done.finish_reason == "cancelled" else "")
            )
        self.runFinished.emit(generation)

    def _on_generation_failed(self, message: str) -> None:
        self.speed_label.setText("")
        self.show_error(message)
        if self.bridge.client.load_params is not None and self.bridge.client.loaded is None:
            self.backend_label.setText("engine restarting")

    # -- state ----------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def hide_error(self) -> None:
        self.error.hide()

    def _update_actions(self) -> None:
        busy = self.bridge.busy
        self.run_action.setEnabled(self.loaded is not None and not busy)
        self.stop_action.setEnabled(busy)
        self.open_action.setEnabled(not busy)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.bridge.shutdown()
        super().closeEvent(event)
