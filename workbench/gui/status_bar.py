"""The main window's status bar: the model and its loading, the backend, a context gauge that
follows the prompt, prompt-evaluation time and generation speed, and whether history is saved."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QToolButton

from workbench.values.results import GenerationDone, LoadedModel


class StatusBar(QObject):
    """The widgets of the window's status bar and what they say."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        bar = window.statusBar()
        self.model_label = QLabel()
        self.model_label.setObjectName("model-label")
        self.load_progress = QProgressBar()
        self.load_progress.setRange(0, 100)
        self.load_progress.setMaximumWidth(140)
        self.load_progress.hide()
        self.cancel_load = QToolButton()
        self.cancel_load.hide()
        self.backend_label = QLabel()
        self.context_gauge = QProgressBar()
        self.context_gauge.setObjectName("context-gauge")
        self.context_gauge.setMaximumWidth(180)
        self.context_gauge.setRange(0, 1)
        self.context_gauge.setValue(0)
        self.timing_label = QLabel()
        self.speed_label = QLabel()
        self.history_status = QLabel()
        self.history_status.setObjectName("history-status")
        self.history_status.setStyleSheet("color: #b3261e;")
        self.history_status.hide()
        bar.addWidget(self.model_label)
        bar.addWidget(self.load_progress)
        bar.addWidget(self.cancel_load)
        for widget in (self.backend_label, self.context_gauge, self.timing_label, self.speed_label, self.history_status):
            bar.addPermanentWidget(widget)
        self.n_ctx: int | None = None

    def retranslate(self, loading: bool) -> None:
        self.history_status.setText(self.tr("History unavailable"))
        self.cancel_load.setText(self.tr("Cancel"))
        self._gauge_format()
        if self.n_ctx is None and not loading:
            self.model_label.setText(self.tr("No model"))

    def _gauge_format(self) -> None:
        self.context_gauge.setFormat(self.tr("%v / %m tokens") if self.n_ctx is not None else self.tr("no model"))

    # -- the model ----------------------------------------------------------------------------

    def loading(self, name: str) -> None:
        self.n_ctx = None
        self._gauge_format()
        self.model_label.setText(self.tr("Loading {0}…").format(name))
        self.load_progress.setValue(0)
        self.load_progress.show()
        self.cancel_load.show()

    def progress(self, fraction: float) -> None:
        self.load_progress.setValue(int(fraction * 100))

    def loaded(self, loaded: LoadedModel, name: str) -> None:
        self._end_load()
        self.n_ctx = loaded.n_ctx
        self.model_label.setText(name)
        self.backend_label.setText(loaded.backend)
        self.context_gauge.setRange(0, loaded.n_ctx)
        self._gauge_format()

    def no_model(self, clear_backend: bool = True) -> None:
        self._end_load()
        self.n_ctx = None
        self._gauge_format()
        self.model_label.setText(self.tr("No model"))
        if clear_backend:
            self.backend_label.setText("")

    def _end_load(self) -> None:
        self.load_progress.hide()
        self.cancel_load.hide()

    # -- the prompt and the run -----------------------------------------------------------------

    def prompt_tokens(self, n: int) -> None:
        if self.n_ctx is None:
            return
        self.context_gauge.setMaximum(self.n_ctx)
        self.context_gauge.setValue(min(n, self.n_ctx))
        self.context_gauge.setToolTip(self.tr("{0} prompt tokens of a {1}-token context").format(n, self.n_ctx))

    def generating(self) -> None:
        self.speed_label.setText(self.tr("generating…"))

    def finished(self, done: GenerationDone) -> None:
        t = done.timings
        self.timing_label.setText(self.tr("prompt {0} tokens in {1} ms").format(done.prompt_tokens, f"{t.prompt_s * 1000:.0f}"))
        self.speed_label.setText(
            self.tr("{0} tokens · {1} tok/s · seed {2}").format(done.completion_tokens, f"{t.tokens_per_s:.1f}", done.seed)
            + (self.tr(" · stopped") if done.finish_reason == "cancelled" else "")
        )
        if self.n_ctx is not None:
            self.context_gauge.setValue(min(done.prompt_tokens + done.completion_tokens, self.n_ctx))

    def failed(self) -> None:
        self.speed_label.setText("")

    def note(self, text: str) -> None:
        self.timing_label.setText(text[:80])

    def history_unavailable(self, message: str | None) -> None:
        """Say the history is not saved (``message`` why), or hide that (None)."""
        if message is None:
            self.history_status.hide()
            return
        self.history_status.setToolTip(message)
        self.history_status.show()
