"""The main window's status bar: the model and its loading, the backend, the chat format in use, a
context gauge that follows the prompt, prompt-evaluation time and generation speed, and whether
history is saved.

The gauge says the prompt's real count even past the context ("198,723 / 4,096 tokens · 194,627
over"), in white on red then, which reads the same on a light or a dark theme."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QToolButton

from workbench.gui.chat_format_picker import FormatTexts, needs_attention, notes_text
from workbench.prompts.chat_formats import ChatFormat
from workbench.values.results import GenerationDone, LoadedModel

GAUGE_WIDTH = 180
NOTE_CHARS = 80  # a note longer than this is cut (whole in its tooltip): the bar holds other labels
# White on this red has a contrast of 5.6: readable whatever the theme around the bar.
OVER_STYLE = (
    "QProgressBar { color: #ffffff; background: #c62828; border: 1px solid #8e1b1b; border-radius: 3px;"
    " text-align: center; } QProgressBar::chunk { background: #c62828; }"
)
# Dark on amber, for a chat format that is a guess or lacks its markers: readable on either theme.
ATTENTION_STYLE = "QLabel { color: #1f1f1f; background: #ffca28; border-radius: 3px; padding: 0 4px; }"


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
        self.chat_label = QLabel()
        self.chat_label.setObjectName("chat-format-status")
        self.chat_label.hide()
        self.context_gauge = QProgressBar()
        self.context_gauge.setObjectName("context-gauge")
        self.context_gauge.setMaximumWidth(GAUGE_WIDTH)
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
        for widget in (self.backend_label, self.chat_label, self.context_gauge, self.timing_label, self.speed_label, self.history_status):
            bar.addPermanentWidget(widget)
        self.n_ctx: int | None = None
        self.tokens: int | None = None  # what the gauge counts now (None: nothing counted yet)
        self.uncounted: str | None = None  # why the prompt could not be counted (the gauge shows "?")
        self._run_total = False  # the count is a finished run's prompt and output, not the prompt
        self.chat: ChatFormat | None = None  # the chat format in use (None: no model)

    def retranslate(self, loading: bool) -> None:
        self.history_status.setText(self.tr("History unavailable"))
        self.cancel_load.setText(self.tr("Cancel"))
        self._show_gauge()
        self.chat_format(self.chat)
        if self.n_ctx is None and not loading:
            self.model_label.setText(self.tr("No model"))

    @property
    def over_context(self) -> int:
        """How many tokens the prompt is past the context (0 when it fits, or nothing is counted)."""
        if not self.n_ctx or self.tokens is None:
            return 0
        return max(0, self.tokens - self.n_ctx)

    def _show_gauge(self) -> None:
        gauge, n_ctx = self.context_gauge, self.n_ctx
        n = self.tokens or 0
        over = self.over_context
        numbers = (f"{n:,}", f"{n_ctx or 0:,}", f"{over:,}")
        tip = ""
        if n_ctx is None:
            text = self.tr("no model")
        elif self.uncounted is not None:
            text = self.tr("? / {1} tokens").format(*numbers) if n_ctx else self.tr("? tokens")
            tip = self.tr("The prompt could not be counted: {0}").format(self.uncounted)
        elif n_ctx == 0:  # a server model whose server does not say its context
            text = self.tr("{0} tokens").format(numbers[0])
            tip = self.tr("The server does not say how large its context is: a prompt too long for it fails with the server's message.")
        elif over:
            text = self.tr("{0} / {1} tokens · {2} over").format(*numbers)
            tip = self.tr(
                "The prompt is {0} tokens, {2} more than the {1}-token context holds. llama.cpp cannot "
                "take it: a run stops at once with an error. Shorten the prompt, or load the model "
                "again with a larger context (Models…)."
            ).format(*numbers)
        else:
            text = self.tr("{0} / {1} tokens").format(*numbers)
            if self.tokens is not None:
                tip = (
                    self.tr("{0} tokens of a {1}-token context: the prompt and the output")
                    if self._run_total
                    else self.tr("{0} prompt tokens of a {1}-token context")
                ).format(*numbers)
        gauge.setRange(0, n_ctx or 1)
        gauge.setValue(min(n, n_ctx or 0))
        gauge.setFormat(text)
        gauge.setToolTip(tip)
        gauge.setStyleSheet(OVER_STYLE if over else "")
        # As wide as its text needs (a count past the context is long), never narrower than before.
        width = max(GAUGE_WIDTH, gauge.fontMetrics().horizontalAdvance(text) + 24)
        gauge.setMinimumWidth(width if width > GAUGE_WIDTH else 0)
        gauge.setMaximumWidth(width)

    # -- the model ----------------------------------------------------------------------------

    def loading(self, name: str) -> None:
        self.n_ctx = None
        self.tokens = None
        self.uncounted = None
        self.chat_format(None)
        self._show_gauge()
        self.model_label.setText(self.tr("Loading {0}…").format(name))
        self.load_progress.setValue(0)
        self.load_progress.show()
        self.cancel_load.show()

    def progress(self, fraction: float) -> None:
        self.load_progress.setValue(int(fraction * 100))

    def loaded(self, loaded: LoadedModel, name: str) -> None:
        self._end_load()
        self.n_ctx = loaded.n_ctx
        self.tokens = None
        self.uncounted = None
        self.model_label.setText(name)
        self.backend_label.setText(loaded.backend)
        self._show_gauge()

    def no_model(self, clear_backend: bool = True) -> None:
        self._end_load()
        self.n_ctx = None
        self.tokens = None
        self.uncounted = None
        self.chat_format(None)
        self._show_gauge()
        self.model_label.setText(self.tr("No model"))
        if clear_backend:
            self.backend_label.setText("")

    def _end_load(self) -> None:
        self.load_progress.hide()
        self.cancel_load.hide()

    def chat_format(self, chat: ChatFormat | None) -> None:
        """Show the chat format the model's chats render with (None: hide it), its notes as the tooltip."""
        self.chat = chat
        label = self.chat_label
        if chat is None:
            label.hide()
            return
        label.setText(self.tr("Chat: {0}").format(FormatTexts().title(chat.name)))
        tip = self.tr("Chat messages are written in this format (Models… → Chat format changes it).")
        notes = notes_text(chat.notes)
        label.setToolTip(f"{notes}\n\n{tip}" if notes else tip)
        label.setStyleSheet(ATTENTION_STYLE if needs_attention(chat) else "")
        label.show()

    # -- the prompt and the run -----------------------------------------------------------------

    def prompt_tokens(self, n: int) -> None:
        """Show the prompt's count ``n`` (past the context too)."""
        if self.n_ctx is None:
            return
        self.tokens = n
        self.uncounted = None
        self._run_total = False
        self._show_gauge()

    def prompt_uncounted(self, reason: str) -> None:
        """The prompt could not be made to count it (``reason``, e.g. its template failed)."""
        if self.n_ctx is None:
            return
        self.tokens = None
        self.uncounted = reason
        self._show_gauge()

    def generating(self) -> None:
        self.speed_label.setText(self.tr("generating…"))

    def finished(self, done: GenerationDone) -> None:
        t = done.timings
        self.timing_label.setText(self.tr("prompt {0} tokens in {1} ms").format(done.prompt_tokens, f"{t.prompt_s * 1000:.0f}"))
        self.timing_label.setToolTip("")  # a cut note's
        self.speed_label.setText(
            self.tr("{0} tokens · {1} tok/s · seed {2}").format(done.completion_tokens, f"{t.tokens_per_s:.1f}", done.seed)
            + (self.tr(" · stopped") if done.finish_reason == "cancelled" else "")
        )
        if self.n_ctx is not None:
            self.tokens = done.prompt_tokens + done.completion_tokens
            self.uncounted = None
            self._run_total = True
            self._show_gauge()

    def failed(self) -> None:
        self.speed_label.setText("")

    def note(self, text: str) -> None:
        """A passing line (a count that failed, a replaced prompt): one longer than the bar has
        room for is cut with an ellipsis, and whole in its tooltip."""
        cut = len(text) > NOTE_CHARS
        self.timing_label.setText(text[: NOTE_CHARS - 1] + "…" if cut else text)
        self.timing_label.setToolTip(text if cut else "")

    def history_unavailable(self, message: str | None) -> None:
        """Say the history is not saved (``message`` why), or hide that (None)."""
        if message is None:
            self.history_status.hide()
            return
        self.history_status.setToolTip(message)
        self.history_status.show()
