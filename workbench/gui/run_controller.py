"""The window's runs: the editor's prompt → a prepared run → the bridge → the output, the
history and the branch tree.

The run session (``workbench.app.run_session``) decides what Run, Regenerate, Continue and a
branch mean; this controller turns the window's widgets into requests, starts them on the one
engine bridge, and shows what comes back. Library runs, history re-runs and showing a saved run
come through here too.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, replace
from collections.abc import Callable
from typing import Any, NoReturn

from PySide6.QtCore import QObject

from workbench.app.model import ModelContext
from workbench.app.prompt_spec import (
    PreparedRun,
    PromptSpec,
    RunOrigin,
    RunRequest,
    base_params,
    prepare,
    template_conversation,
    variant_run,
)
from workbench.app.rerun import rerun_plan
from workbench.app.run_session import RunSession
from workbench.app.runs import RunResult, history_record
from workbench.app.conversation import fit, turn_starts
from workbench.errors import PromptError, TemplateError, WorkbenchError
from workbench.gui.error_text import user_message
from workbench.gui.library_panel import LibraryChoice
from workbench.prompts.chat import ChatMessage
from workbench.prompts.variant_runner import SEARCH_KINDS, VariantResult, VariantTask, task_record
from workbench.prompts.variants import flatten
from workbench.values.branches import BranchTree
from workbench.values.params import GenerateParams
from workbench.values.results import GenerationResult
from workbench.tokens.groups import ends_mid_character
from workbench.values.tokens import Alternative, TokenEvent

GUI_TOP_LOGPROBS = 10


class RunController(QObject):
    """Starts the window's runs and shows their results."""

    def __init__(self, window: Any) -> None:
        """``window``: the MainWindow whose editors, panels, bridge and recorder this drives
        (typed loosely: the window imports this module)."""
        super().__init__(window)
        self.w = window
        self.session = RunSession()
        self.origin: RunOrigin | None = None  # the template and variant the editor's prompt came from
        self.saved: Future[int] | None = None  # the history record of the run shown (for its tree)
        self.reply: _Reply | None = None  # the chat message that shows the tree's output
        self._new_tree = False  # the run being made on the worker thread (Run) starts a new tree
        b = window.bridge
        b.runPrepared.connect(self._on_prepared)
        b.prepareFailed.connect(self._on_prepare_failed)
        b.runStopped.connect(self._on_stopped_unmade)
        b.generationStarted.connect(self._on_started)
        b.tokensArrived.connect(window.output.append_tokens)
        b.runFinished.connect(self._on_finished)
        b.variantProgress.connect(window.library_panel.show_progress)
        b.variantFinished.connect(self._on_variant_finished)

    @property
    def model(self) -> ModelContext:
        return ModelContext(self.w.info, self.w.loaded, self.w.format_choice)

    # -- the editor's prompt ------------------------------------------------------------------

    def spec(self) -> PromptSpec:
        editors = self.w.editors
        if editors.mode() == "completion":
            # <|im_start|> typed in either editor is the special token it looks like.
            return PromptSpec(text=editors.completion.toPlainText(), parse_special=True)
        return PromptSpec(messages=tuple(editors.chat.messages()), parse_special=True)

    def request(self, spec: PromptSpec | None = None) -> RunRequest:
        s = self.w.sampling
        return RunRequest(
            spec or self.spec(),
            sampler=s.sampler(),
            max_tokens=s.max_tokens.value(),
            top_logprobs=GUI_TOP_LOGPROBS,
            stop=s.stop_strings(),
            token_entropy=True,  # for "colour by entropy"
            origin=self.origin,
            conversation=self.w.editors.chat.conversation_id if self.w.editors.mode() == "chat" else None,
        )

    def prepared_later(self, prompt: str | None = None) -> Callable[[], PreparedRun]:
        """A function making the run of the editor's prompt (or ``prompt``, sent as it is) with
        the current settings: the widgets are read now, the function renders (safe to call on a
        worker thread, where a slow chat template keeps the window live). It raises PromptError
        or TemplateError for a prompt that cannot be made."""
        spec = self.spec() if prompt is None else PromptSpec(text=prompt, rendered=True, parse_special=True)
        request, chat = self.request(spec), self.model.chat_format
        return lambda: prepare(request, chat, _no_templates)

    def params_later(self) -> Callable[[], GenerateParams]:
        """``prepared_later``'s generation settings (for the panels that evaluate the prompt)."""
        make = self.prepared_later()
        return lambda: make().params

    def exact_prompt_later(self) -> Callable[[], str]:
        """``prepared_later``'s exact prompt (for the token count and the surprisal panel)."""
        make = self.prepared_later()
        return lambda: make().params.prompt

    def prepared(self, prompt: str | None = None) -> PreparedRun:
        """The editor's prompt (or ``prompt``, sent as it is) with the current settings, made now."""
        return self.prepared_later(prompt)()

    def exact_prompt(self) -> str:
        """The string the model receives for the current editor (chat template applied)."""
        return self.prepared().params.prompt

    def build_params(self, prompt: str | None = None) -> GenerateParams:
        return self.prepared(prompt).params

    # -- starting -----------------------------------------------------------------------------

    def _start(self, prepared: PreparedRun, continuing: bool = False) -> bool:
        self._clear_shown()
        self.session.start(prepared, continuing)
        return self.w.bridge.run(prepared)

    def _clear_shown(self) -> None:
        """A run starts: what was shown for the last one goes, and a library template still
        rendering no longer fills the editor (the run took what the editor held)."""
        self.w.hide_error()
        self.w.library_panel.clear_result()  # a vote or a search shown there is not this run's
        self.w.background.forget("library")

    def run(self) -> bool:
        if self.w.loaded is None or self.w.bridge.busy:
            return False
        if self.w.editors.mode() == "chat":
            self.w.editors.chat.take_draft()  # what is in the composer is the next message
        if self.w.editors.is_empty():
            self.w.show_error(self.tr("The prompt is empty. Type something to send to the model."), follows_prompt=True)
            return False
        try:
            make = self.prepared_later()
        except WorkbenchError as e:  # settings that cannot apply (a chat format this file lacks)
            self.w.show_error(user_message(e), follows_prompt=True)
            return False
        self._clear_shown()
        # The session starts when the prepared run comes back from the worker thread (runPrepared).
        if not self.w.bridge.run(make):
            return False
        self._new_tree = True
        return True

    def _on_prepared(self, prepared: PreparedRun) -> None:
        """A run made on the worker thread (Run, a re-run) is about to start."""
        new_tree, self._new_tree = self._new_tree, False
        if prepared.search:  # a library or re-run vote or search: its results go to the library panel
            self.w.library_panel.set_running(True)
            self.session.searched()
            return
        if new_tree:
            self.reply = None  # a new tree: its reply is a new message
        self.session.start(prepared)

    def _on_stopped_unmade(self) -> None:
        self._new_tree = False  # nothing ran: the tree shown is still the current one

    def _on_prepare_failed(self, error: WorkbenchError) -> None:
        self._new_tree = False
        self.w.show_error(user_message(error), follows_prompt=True)

    def regenerate(self) -> bool:
        """Run the last prompt again with the current sampler (a new draw unless the seed is fixed)."""
        if self.w.loaded is None or self.w.bridge.busy:
            return False
        try:
            prepared = self.session.regenerate(self.build_params)
        except WorkbenchError as e:
            self.w.show_error(user_message(e))
            return False
        return prepared is not None and self._start(prepared)

    def continue_generation(self) -> bool:
        """Generate more after the current output, keeping it."""
        if self.w.loaded is None or self.w.bridge.busy:
            return False
        try:
            prepared = self.session.continuation(self.build_params)
        except WorkbenchError as e:
            self.w.show_error(user_message(e))
            return False
        return prepared is not None and self._start(prepared, continuing=True)

    def branch(self, index: int, choice: Alternative) -> bool:
        """Continue the shown branch from token ``index`` with ``choice`` instead."""
        session = self.session
        if session.tree is None or self.w.bridge.busy:
            return False
        if self.w.loaded is None or self.w.loaded.path != session.tree_model:
            if self.w.confirm_load(session.tree_model):
                self.w.load_model(session.tree_model)
            return False
        return self._start(session.branch(index, choice, self.w.sampling.sampler()))

    def stop(self) -> None:
        if self.w.bridge.busy:
            self.w.bridge.cancel()

    # -- a generation's life ------------------------------------------------------------------

    def _on_started(self) -> None:
        shown = self.session.opening_tokens()
        if shown is not None:
            self.w.output.clear_tokens()
            self.w.output.append_tokens(shown)
        self.w.status.generating()

    def _on_finished(self, result: RunResult) -> None:
        if result.error is not None:
            self._on_failed(result)
            return
        generation = result.generation or GenerationResult([], "", None)
        finished = self.session.finish(generation, self.w.loaded.path if self.w.loaded else "")
        if finished.record is not None:
            self._save(finished.record)
            self._start_reply(finished.record.prepared)
        if finished.tree_changed and self.session.tree is not None:
            self.w.recorder.update_tree(self.saved, self.session.tree)
        self.refresh_branches(finished.new_branch)
        shown = finished.shown
        self.w.output.truncate(shown.text)
        self._show_reply(shown.text, shown.tokens)
        done = shown.done
        if done is not None:
            self.w.status.finished(done)
            if not self.w.sampling.fixed_seed.isChecked() and done.seed:
                self.w.sampling.seed.setValue(done.seed)  # tick "fixed" to repeat this run
            if done.context_full:
                self.w.show_error(
                    self.tr("The context is full ({0} tokens): the output stopped there. Load the model with a larger context (Models…).").format(
                        self.w.loaded.n_ctx if self.w.loaded else "?"
                    ),
                    follows_prompt=True,
                )
        self.w.update_actions()
        self.w.runFinished.emit(shown)

    def _on_failed(self, result: RunResult) -> None:
        record = self.session.fail(result)
        if record is not None:
            self._save(record)
        self.w.status.failed()
        error = result.error
        if error is not None and error.key == "prompt.too_long" and result.prepared.messages is not None and self._offer_trim(result.prepared, error):
            return
        self.w.show_error(user_message(error), follows_prompt=isinstance(error, (PromptError, TemplateError)))

    def _offer_trim(self, prepared: PreparedRun, error: WorkbenchError) -> bool:
        """A chat that outgrew the context: offer to drop its oldest turns and run it again (what
        is dropped stays an undo step away). False: nothing was offered, or the user declined."""
        n, n_ctx = error.fields.get("n"), error.fields.get("n_ctx")
        if not isinstance(n, int) or not isinstance(n_ctx, int) or self.w.editors.mode() != "chat":
            return False
        budget = n_ctx - min(prepared.params.max_tokens, n_ctx // 4)  # room for the reply too
        trim = fit(list(prepared.messages or ()), n, budget)
        if trim is None or not self.w.confirm_drop_turns(trim.turns, n, n_ctx, trim.tokens):
            return False
        chat = self.w.editors.chat
        starts = turn_starts([row.message() for row in chat.rows])
        if len(starts) <= trim.turns:
            return False
        self.w.keep_undo_step()
        for row in chat.rows[starts[0] : starts[trim.turns]]:
            chat.remove_message(row)
        return self.run()

    def _save(self, result: RunResult) -> None:
        self.saved = self.w.recorder.save(history_record(result, self.model, "gui"))

    # -- the chat's reply ---------------------------------------------------------------------

    def _start_reply(self, prepared: PreparedRun) -> None:
        """A chat turn was answered: its reply becomes the conversation's next message (or
        completes the assistant message the chat ended with)."""
        messages = prepared.messages
        chat = self.w.editors.chat
        if messages is None or self.w.editors.mode() != "chat":
            self.reply = None
            return
        last = chat.rows[-1] if chat.rows else None
        if messages[-1].role == "assistant" and last is not None and last.role_key() == "assistant":
            self.reply = _Reply(last, messages[-1].content)
        else:
            self.reply = _Reply(chat.add_message("assistant"), "")

    def adopt_reply(self) -> None:
        """The chat's last message is the reply the output shows (a session brought back): it
        follows the branch shown from now on."""
        chat, last = self.w.editors.chat, self.session.last
        row = chat.rows[-1] if chat.rows else None
        if self.w.editors.mode() == "chat" and row is not None and last is not None and row.role_key() == "assistant":
            text, shown = row.text.toPlainText(), last.text.removesuffix("\ufffd")
            if text.endswith(shown):
                self.reply = _Reply(row, text[: len(text) - len(shown)])

    def _show_reply(self, text: str, tokens: list[TokenEvent]) -> None:
        """The chat message of the tree follows the branch shown (a regenerated or branched reply)."""
        reply = self.reply
        if reply is None or reply.row not in self.w.editors.chat.rows:
            return
        if ends_mid_character(t.bytes for t in tokens):  # cut off by the length limit: no half character
            text = text.removesuffix("\ufffd")
        origin = self.origin  # the reply is the model's, not an edit of the prompt it answered
        reply.row.text.setPlainText(reply.prefix + text)
        self.origin = origin

    # -- branches -----------------------------------------------------------------------------

    def show_branch(self, branch_id: int) -> None:
        branch = self.session.show_branch(branch_id)
        if branch is None:
            return
        self.w.output.clear_tokens()
        self.w.output.append_tokens(branch.tokens)
        self._show_reply(branch.text, branch.tokens)
        index = self.w.branch_box.findData(branch_id)
        if index >= 0:
            self.w.branch_box.setCurrentIndex(index)
        self.w.branches_panel.select(branch_id)

    def refresh_branches(self, new_branch: bool = False) -> None:
        tree, box = self.session.tree, self.w.branch_box
        box.clear()
        self.w.branches_panel.set_tree(tree, self.session.branch_id)
        if new_branch:
            self.w.branches_dock.show()
            self.w.branches_dock.raise_()
        if tree is None:
            box.hide()
            return
        for b in tree.branches:
            box.addItem(self.w.branches_panel.branch_label(b), b.id)
        box.setVisible(len(tree.branches) > 1)
        box.setCurrentIndex(box.findData(self.session.branch_id))
        self.w.output.branching = True

    # -- the history --------------------------------------------------------------------------

    def show_run(self, run_id: int, editor: bool = True) -> bool:
        """Show a saved run: its tokens with their probabilities and its branches in the output,
        and (``editor``) its prompt and sampler settings back in the editor and the Sampling panel
        (what was there before kept as an undo step). A chat turn reopens its conversation up to
        that turn, its reply included, to go on from."""
        store = self.w.recorder.store
        if store is None or self.w.bridge.busy:
            return False
        if editor:
            self.w.background.forget("library")  # the editor shows this run, not a template still rendering
        try:
            row = store.get(run_id)
            params = GenerateParams.from_dict(row.params)
            tree = store.tree(run_id)
            if tree is None:
                tree = BranchTree(params)
                tree.add_root(store.tokens(run_id), row.finish_reason)
        except WorkbenchError as e:
            self.w.show_error(user_message(e))
            return False
        messages = tuple(ChatMessage(str(m["role"]), str(m["content"])) for m in row.messages) if row.messages else None
        if editor:
            self._put_back(row, params, messages)
        prepared = PreparedRun(params, row.mode, row.template, None, row.variant, row.details, messages, row.conversation)
        self.session.show_stored(tree, row.model.path if row.model else "", prepared)
        self.saved = _done_future(run_id)
        self.refresh_branches()
        self.show_branch(0)
        if row.variant in SEARCH_KINDS and row.details:  # its votes or explored tree, in the Library panel
            self.w.library_panel.show_result(VariantResult(row.prompt, row.output, [], None, row.details, row.status == "cancelled"))
            self.w.library_dock.show()
            if not row.tokens:
                self.w.output.show_plain(row.output)
        else:
            self.w.library_panel.clear_result()
        return True

    def _put_back(self, row: Any, params: GenerateParams, messages: tuple[ChatMessage, ...] | None) -> None:
        """A stored run's prompt and settings, back where they are edited."""
        self.w.keep_undo_step()
        editors = self.w.editors
        self.reply = None
        if messages is not None:
            editors.set_mode("chat")
            editors.chat.set_messages([*messages, ChatMessage("assistant", "")], row.conversation)
            chat = editors.chat
            self.reply = _Reply(chat.rows[-1], "")
            if messages[-1].role == "assistant":  # it went on from a reply begun by hand
                chat.remove_message(chat.rows[-1])
                self.reply = _Reply(chat.rows[-1], messages[-1].content)
        else:  # a completion, or a chat saved before its messages were: the exact prompt it sent
            editors.set_mode("completion")
            editors.completion.setPlainText(row.prompt)
        sampling = self.w.sampling
        sampling.set_sampler(replace(params.sampler, seed=None))
        if row.seed is not None:
            sampling.seed.setValue(row.seed)  # tick "fixed" to draw this run again
        sampling.max_tokens.setValue(params.max_tokens)
        sampling.stop.setPlainText("\n".join(s.replace("\n", "\\n").replace("\t", "\\t") for s in params.stop))
        # The editor now holds that run's prompt, from its template (and single-pass variant); a
        # vote's or a search's last prompt, run by hand, is one plain generation.
        single = row.variant not in SEARCH_KINDS
        self.origin = RunOrigin(row.template, row.variant if single else None, row.details if single else None, row.mode) if row.template else None

    def rerun(self, run_id: int) -> bool:
        """Run a saved run again: its exact prompt and settings, seed included, on the model it
        used (offering to load it); a vote or a search runs its whole variant again."""
        store = self.w.recorder.store
        if store is None or self.w.loaded is None or self.w.bridge.busy:
            return False
        try:
            plan = rerun_plan(store.get(run_id))
        except WorkbenchError as e:
            self.w.show_error(user_message(e))
            return False
        if self.w.info is not None and plan.model_path != self.w.info.path:
            if self.w.confirm_load(plan.model_path):
                self.w.load_model(plan.model_path)
            return False
        try:
            request, chat = plan.request, self.model.chat_format
        except WorkbenchError as e:
            self.w.show_error(user_message(e))
            return False
        self._clear_shown()
        return self.w.bridge.run(lambda: prepare(request, chat, _no_templates))  # made on the worker: runPrepared

    # -- the library --------------------------------------------------------------------------

    def forget_origin(self) -> None:
        self.origin = None

    def _library_task_later(self, choice: LibraryChoice) -> Callable[[], tuple[list[ChatMessage], VariantTask | None]]:
        """A function making the conversation a library choice sends, and its variant task (None:
        the template as written): the settings read now, the template rendered when it is called
        (on a worker thread). It raises WorkbenchError for a broken template or a missing variable."""
        base = base_params(self.request(PromptSpec(text="")))
        chat = self.model.chat_format
        return lambda: template_conversation(choice.version, choice.variant, choice.values, chat, base)

    def _fill_editor(self, mode: str, messages: list[ChatMessage]) -> None:
        """The editor shows a library choice (a new conversation); what it held is an undo step."""
        editors = self.w.editors
        self.w.keep_undo_step()
        self.reply = None
        editors.set_mode(mode)
        if mode == "completion":
            editors.completion.setPlainText(flatten(messages))
            return
        editors.chat.set_messages(messages)

    def apply_library(self, choice: LibraryChoice, then_run: bool = False) -> None:
        """Render a library choice in the background (a slow template does not stall the window),
        then fill the editor with it, and run it if ``then_run``. A template that cannot be
        rendered is said in the panel and the window; the editor is left as it was. A newer
        choice replaces one still rendering."""

        def rendered(answer: tuple[list[ChatMessage], VariantTask | None]) -> None:
            messages, task = answer
            if then_run and not self._can_run_library():  # the engine was taken meanwhile
                return
            self._fill_editor(choice.version.mode, messages)
            self.origin = RunOrigin(choice.version.ref, task.variant.kind if task else None, task_record(task) if task else None)
            self.w.hide_error()
            self.w.libraryApplied.emit(choice)
            if then_run:
                self._run_library_task(choice, task)

        try:
            make = self._library_task_later(choice)
        except WorkbenchError as e:
            self._library_failed(e)
            return
        self.w.background.call("library", make, rendered, self._library_failed)

    def _library_failed(self, error: WorkbenchError) -> None:
        self.w.library_panel.show_failure(user_message(error))
        self.w.show_error(user_message(error))
        self.w.libraryFailed.emit(error)

    def _can_run_library(self) -> bool:
        if self.w.loaded is None or self.w.bridge.busy:
            self.w.library_panel.show_failure(self.tr("Load a model first (and wait for the current run to end)."))
            return False
        return True

    def run_library(self, choice: LibraryChoice) -> bool:
        """Run a library choice: a single-pass variant through the editor (streamed, coloured),
        self-consistency and tree of thought in the background with their results in the panel.
        False (said in the panel) without a model or while the engine is busy; else it runs once
        the template has rendered."""
        if not self._can_run_library():
            return False
        self.apply_library(choice, then_run=True)
        return True

    def _run_library_task(self, choice: LibraryChoice, task: VariantTask | None) -> bool:
        if task is None or task.variant.kind not in SEARCH_KINDS:
            return self.run()
        mode, ref = "chat" if task.chat else "completion", choice.version.ref
        # Its prompt renders on the worker too; the panel shows it running from runPrepared (a
        # search is not a single generation to regenerate or continue).
        return self.w.bridge.run(lambda: variant_run(task, mode, ref))

    def _on_variant_finished(self, result: RunResult) -> None:
        self._save(result)
        if result.error is not None:
            self.w.library_panel.show_failure(user_message(result.error))
            self.w.show_error(user_message(result.error))
            return
        variant = result.variant
        assert variant is not None
        self.w.library_panel.show_result(variant)
        self.w.library_dock.show()
        self.w.library_dock.raise_()
        self.refresh_branches()
        self.w.output.clear_tokens()
        if variant.tokens:  # tree of thought: the answer, coloured by probability
            self.w.output.append_tokens(variant.tokens)
            self.w.output.truncate(variant.output)  # the stop string is not part of the answer
        else:
            self.w.output.show_plain(variant.output)
        self.w.runFinished.emit(variant)


@dataclass
class _Reply:
    row: Any  # the MessageRow
    prefix: str  # what the message held before the model went on (a reply begun by hand)


def _done_future(value: int) -> Future[int]:
    future: Future[int] = Future()
    future.set_result(value)
    return future


def _no_templates() -> NoReturn:
    # The editor's prompt and a re-run's are text or messages, never a template name: nothing
    # made on a worker thread opens the store.
    raise PromptError("The editor's prompt names no template.")
