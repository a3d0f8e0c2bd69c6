"""The window's work across restarts: the editor (mode, messages, draft, completion text), the
sampler and its preset, the output's colour mode, the Tokens panel's text and encodings, and the
run the output shows, saved a moment after each change and when the window closes.

The file itself is ``workbench.app.session_file``'s; this module only knows which widgets hold
what. A session that cannot be saved (a full disk) says so once in the status bar and the window
goes on; the previous file stays as it was.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from workbench.app.session_file import SessionFile
from workbench.errors import WorkbenchError
from workbench.paths import data_dir

AUTOSAVE_DELAY_MS = 1500
OUTPUT_TEXT_LIMIT = 200_000  # a run that is not in the history comes back as plain text, this long at most


class WindowSession(QObject):
    """Captures the window's state into its session file and puts it back."""

    def __init__(self, window: Any, file: SessionFile | None = None) -> None:
        super().__init__(window)
        self.w = window
        self.file = file or SessionFile(data_dir() / "session.json")
        self.pending: dict[str, Any] = {}  # what restore() could not put back yet (the run shown: the history opens later)
        self.warned = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_DELAY_MS)
        self.timer.timeout.connect(self.save)
        s = window.sampling
        for signal in (window.editors.changed, s.changed, s.max_tokens.valueChanged, s.seed.valueChanged,
                       s.fixed_seed.toggled, s.stop.textChanged, s.preset.currentIndexChanged,
                       window.colour_box.currentIndexChanged, window.token_lab.input.textChanged, window.runFinished):
            signal.connect(self.changed)

    def changed(self, *_args: Any) -> None:
        """Something worth keeping changed: save a moment later (signals' values are ignored: a
        bare ``timer.start`` would take an int argument as its interval)."""
        self.timer.start()

    # -- capture ------------------------------------------------------------------------------

    def capture(self) -> dict[str, Any]:
        w = self.w
        output: dict[str, Any] = {}
        saved = w.runs.saved
        if saved is not None and saved.done() and saved.exception() is None and saved.result() is not None:
            output = {"run": saved.result(), "branch": w.runs.session.branch_id}
        else:
            text = w.output.toPlainText()
            if text:
                output = {"text": text[:OUTPUT_TEXT_LIMIT]}
        return {
            "editor": w.editors.state(),
            "sampling": w.sampling.state(),
            "colour_mode": w.colour_box.currentIndex(),
            "tokens": {"text": w.token_lab.input.toPlainText(), "encodings": w.token_lab.selected()},
            "output": output,
        }

    def save(self) -> bool:
        """Write the session now; False (said once in the status bar) when it cannot be written."""
        self.timer.stop()
        try:
            self.file.save(self.capture())
        except WorkbenchError as e:
            if not self.warned:
                self.warned = True
                self.w.status.note(self.tr("Your work is not being saved for the next start: {0}").format(e))
            return False
        self.warned = False
        return True

    # -- restore ------------------------------------------------------------------------------

    def restore(self) -> None:
        """Put the saved session back (the run shown waits for the history: ``restore_output``)."""
        state = self.file.load()
        if self.file.problem:
            self.w.status.note(self.tr("The last session was not restored: {0}").format(self.file.problem))
        if not state:
            return
        w = self.w
        try:
            if isinstance(state.get("editor"), dict):
                w.editors.set_state(state["editor"])
            if isinstance(state.get("sampling"), dict):
                w.sampling.set_state(state["sampling"])
            colour = state.get("colour_mode")
            if isinstance(colour, int) and 0 <= colour < w.colour_box.count():
                w.colour_box.setCurrentIndex(colour)
            tokens = state.get("tokens")
            if isinstance(tokens, dict):
                if isinstance(tokens.get("encodings"), list) and tokens["encodings"]:
                    w.token_lab.set_selected([str(k) for k in tokens["encodings"]])
                w.token_lab.input.setPlainText(str(tokens.get("text", "")))
        except (TypeError, ValueError, KeyError, AttributeError) as e:  # a hand-edited file: keep what came back
            w.status.note(self.tr("Part of the last session was not restored: {0}").format(e))
        output = state.get("output")
        self.pending = output if isinstance(output, dict) else {}
        w.runs.forget_origin()
        self.timer.stop()  # putting it back is not a change to save

    def _after_busy(self, busy: bool) -> None:
        if busy:
            return
        self.w.bridge.busyChanged.disconnect(self._after_busy)
        if self.pending:
            self.restore_output()

    def restore_output(self) -> None:
        """The run the output showed, once the history is open (or its text, if it is not there)."""
        w = self.w
        if self.pending.get("run") is not None and w.bridge.busy:  # a model loading: show it after
            w.bridge.busyChanged.connect(self._after_busy)
            return
        output, self.pending = self.pending, {}
        run_id = output.get("run")
        if isinstance(run_id, int) and w.recorder.store is not None and w.runs.show_run(run_id, editor=False):
            branch = output.get("branch")
            if isinstance(branch, int) and branch and w.runs.session.tree is not None and branch < len(w.runs.session.tree.branches):
                w.runs.show_branch(branch)
            w.runs.adopt_reply()
            return
        text = output.get("text")
        if isinstance(text, str) and text:
            w.output.show_plain(text)
