"""Our errors as the window says them: in the interface language, naming the window's controls.

An error raised with a message key (``WorkbenchError.of``, texts in ``workbench.messages``) keeps
English for the command line, flags and all; here each key has the window's own wording, translated
with Qt like every other text of the window. ``user_message`` is the one way the window turns an
error, or a ``Notice`` (why a chat format was chosen, what to watch for), into text: a key this
table does not know, or an error without one, shows its English message.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject

from workbench.messages import Notice

# What a template error names (workbench.prompts.sandbox ``what``): the English phrase, and a
# pattern for the ones that carry a template's name.
_NAMED_SUBJECTS = (
    (re.compile(r"template (\S.*)"), "template"),
    (re.compile(r"system prompt of (\S.*)"), "system"),
    (re.compile(r"built-in (\S.*) chat format"), "format"),
)


class ErrorTexts(QObject):
    """The window's text of every message key, in the language installed now.

    Each text is a literal ``self.tr`` call so that ``make translations`` (pyside6-lupdate) lists it;
    the ``{fields}`` are those of the key in ``workbench.messages``.
    """

    def table(self) -> dict[str, str]:
        return {
            # GGUF check and the model list
            "gguf.not_found": self.tr("Model file not found: {path}"),
            "gguf.folder": self.tr("{path} is a folder, not a model file. Choose a .gguf file inside it."),
            "gguf.too_short": self.tr("{path} is not a GGUF model: it is only {size} bytes long."),
            "gguf.permission": self.tr("Cannot read {path}: permission denied."),
            "gguf.unreadable": self.tr("Cannot read {path}: {reason}."),
            "gguf.not_gguf": self.tr("{path} is not a GGUF model (it does not start with 'GGUF'). The workbench runs llama.cpp models in GGUF format; convert others with llama.cpp's convert_hf_to_gguf.py."),
            "gguf.big_endian": self.tr("{path} is a big-endian GGUF file; this machine needs a little-endian one."),
            "gguf.version": self.tr("{path} is GGUF version {version}; supported versions are {supported}. Re-convert it with a current llama.cpp."),
            "gguf.truncated": self.tr("{path} is truncated: the header ends at byte {size} but needs more. The download or copy was probably interrupted; get the file again."),
            "gguf.field_overrun": self.tr("{path} is truncated or corrupt: a field claims {n} bytes but only {remaining} remain."),
            "gguf.misaligned": self.tr("{path} is corrupt: tensor '{tensor}' is not aligned to {alignment} bytes."),
            "gguf.tensor_truncated": self.tr("{path} is truncated: tensor '{tensor}' needs bytes up to {end} but the file has {size}. The download or copy was probably interrupted; get the file again."),
            "gguf.long_string": self.tr("{path} is not a valid GGUF model: a string claims {n} bytes (limit {limit}) (at byte {at})."),
            "gguf.deep_array": self.tr("{path} is not a valid GGUF model: arrays nested deeper than {limit} (at byte {at})."),
            "gguf.array_type": self.tr("{path} is not a valid GGUF model: unknown array element type {type} (at byte {at})."),
            "gguf.long_array": self.tr("{path} is not a valid GGUF model: an array claims {n} elements (limit {limit}) (at byte {at})."),
            "gguf.array_overrun": self.tr("{path} is not a valid GGUF model: an array of {n} elements runs past the end of the file (at byte {at})."),
            "gguf.strings_overrun": self.tr("{path} is not a valid GGUF model: an array of {n} strings runs past the end of the file (at byte {at})."),
            "gguf.value_type": self.tr("{path} is not a valid GGUF model: unknown metadata value type {type} (at byte {at})."),
            "gguf.many_entries": self.tr("{path} is not a valid GGUF model: it claims {n} metadata entries (limit {limit}) (at byte {at})."),
            "gguf.many_tensors": self.tr("{path} is not a valid GGUF model: it claims {n} tensors (limit {limit}) (at byte {at})."),
            "gguf.counts_too_big": self.tr("{path} is not a valid GGUF model: it claims {n_kv} metadata entries and {n_tensors} tensors, more than fit in {size} bytes (at byte {at})."),
            "gguf.dimensions": self.tr("{path} is not a valid GGUF model: tensor '{tensor}' has {n} dimensions (1 to {limit} allowed) (at byte {at})."),
            "gguf.shape": self.tr("{path} is not a valid GGUF model: tensor '{tensor}' has an implausible shape {shape} (at byte {at})."),
            "gguf.tensor_type": self.tr("{path} is not a valid GGUF model: tensor '{tensor}' has the unknown ggml type {type} (at byte {at})."),
            "gguf.block_size": self.tr("{path} is not a valid GGUF model: tensor '{tensor}' has rows of {n} values, not a multiple of the {block} values of a {type} block (at byte {at})."),
            "gguf.alignment": self.tr("{path} is not a valid GGUF model: general.alignment is {alignment}, not a power of two (at byte {at})."),
            "gguf.duplicate_key": self.tr("{path} is not a valid GGUF model: the metadata key '{name}' appears twice (at byte {at})."),
            "gguf.hyperparameter": self.tr("{path} is not a valid GGUF model: {name} is {value}, where llama.cpp needs {expected} (at byte {at})."),
            "models.bundled_missing": self.tr("The bundled model is not installed: reinstall the workbench (`make run` in its source folder), or open a .gguf file in Models…."),
            "models.folder_gone": self.tr("Model folder {folder} no longer exists (or is not a folder)."),
            "models.folder_unreadable": self.tr("Cannot read model folder {folder}: {reason}."),
            # load settings and loading
            "load.ctx_too_small": self.tr("The context must be at least {min} tokens (llama.cpp's smallest context), not {n_ctx}: raise it in Models… → Context."),
            "load.threads": self.tr("CPU threads must be 1 or more, not {n}: set them in Models… → CPU threads."),
            "load.failed": self.tr("llama.cpp could not load {path}: {reason} If the file is a newer architecture, update llama-cpp-python; if memory ran out, use fewer GPU layers or a smaller model."),
            "load.failed_silently": self.tr("llama.cpp could not load {path} and gave no reason. If the file is a newer architecture, update llama-cpp-python; if memory ran out, use fewer GPU layers or a smaller model."),
            "load.crashed": self.tr("llama.cpp crashed loading {path} ({output}): the file passed the workbench's checks, but llama.cpp cannot use it. Get the file again or convert it with a current llama.cpp; load another model meanwhile."),
            "load.no_context": self.tr("llama.cpp loaded the model but could not create a context of {n_ctx} tokens ({reason}). Try a smaller context (Models… → Context) or fewer GPU layers (Models… → GPU offload)."),
            "load.no_context_silently": self.tr("llama.cpp loaded the model but could not create a context of {n_ctx} tokens. Try a smaller context (Models… → Context) or fewer GPU layers (Models… → GPU offload)."),
            # prompts and the context
            "prompt.empty": self.tr("The prompt is empty."),
            "prompt.empty_no_start": self.tr("The prompt is empty (and this model has no start token). Type a prompt."),
            "prompt.too_long": self.tr("The prompt is {n} tokens but the context holds {n_ctx} (and needs room for at least one new token). Shorten the prompt or load the model with a larger context (Models… → Context)."),
            "prompt.context_full": self.tr("The context of {n_ctx} tokens is full. For a longer output, load the model with a larger context (Models… → Context)."),
            "prompt.ids_outside": self.tr("Token ids {ids} are outside this model's vocabulary (0..{last})."),
            "prompt.no_distribution": self.tr("No next-token distribution yet: press Next token first."),
            "prompt.text_empty": self.tr("The text is empty."),
            "prompt.continuation_empty": self.tr("The label {text!r} makes no tokens under this model's tokenizer: give it some text."),
            "chat.no_messages": self.tr("A chat needs at least one message."),
            "messages.unreadable": self.tr("Cannot read the messages file {path}: {reason}."),
            "messages.not_json": self.tr("The messages file {path} is not valid JSON: {reason}."),
            "messages.not_list": self.tr("{where} must be a list of messages, each with a role and a content."),
            "messages.bad_entry": self.tr("Message {n} in {where} is not a message with a text role and content: {found}"),
            "messages.bad_role": self.tr("Message {n} in {where} has the role '{role}'; the roles are {roles}."),
            # chat formats
            "chat_format.unknown": self.tr("Unknown chat format '{name}'. The built-in formats are: {names}."),
            "chat_format.both": self.tr("Choose a chat format or write a chat template, not both."),
            "chat_format.no_gguf_template": self.tr("This model file has no chat template of its own; choose a built-in format in Models… → Chat format."),
            "chat_format.detected": self.tr("The model file has no chat template; using the {format} format, chosen from its architecture ({architecture}) and vocabulary."),
            "chat_format.guessed": self.tr("The model file has no chat template and nothing in it names a format; using ChatML, a guess. If replies look wrong, choose the model's format in Models… → Chat format."),
            "chat_format.missing_markers": self.tr("The {format} format needs {markers} as special tokens, but this model's vocabulary lacks them: they will be cut into ordinary pieces."),
            "chat_format.file": self.tr("Cannot read the chat template {path}: {reason}."),
            "chat_format.no_system": self.tr("The chat template does not accept a system message ({detail})."),
            "chat_format.no_generation_prompt": self.tr("The chat template renders the same with and without the generation prompt: the model is not told that it is the assistant's turn, and may continue the user's message instead."),
            "chat_format.renders_nothing": self.tr("The chat template renders an empty prompt for a chat."),
            "chat_format.refused": self.tr("The chat template ({format}) refused these messages: {detail}. It may not accept a system message: move the system text into the first user message, or choose another chat format in Models… → Chat format ({names})."),
            # the engine
            "engine.no_model": self.tr("No model is loaded. Load one in Models… (Ctrl+O)."),
            "engine.tokenizer_only": self.tr("Only the tokenizer of this model is loaded; load the full model to generate."),
            "engine.tokenizer_only_score": self.tr("Only the tokenizer of this model is loaded; load the full model."),
            "engine.tokenize_failed": self.tr("llama.cpp could not tokenize the text (code {code})."),
            "engine.decode_failed": self.tr("llama.cpp failed to evaluate {n} tokens (code {code}). {log}"),
            "engine.step_failed": self.tr("llama.cpp failed to evaluate a token (code {code})."),
            "engine.text_failed": self.tr("llama.cpp failed to evaluate the text (code {code})."),
            "engine.no_logits": self.tr("llama.cpp returned no logits."),
            "engine.not_started": self.tr("The engine did not start: {detail}"),
            "engine.protocol": self.tr("The engine speaks protocol {theirs}, this app {ours}. Reinstall the workbench."),
            "engine.unknown_request": self.tr("Unknown engine request {request}."),
            "engine.bug": self.tr("Engine error: {detail}"),
            "engine.killed": self.tr("The engine process was killed by {signal} (llama.cpp crashed or ran out of memory). Your work is kept; the next request starts a fresh engine."),
            "engine.killed_said": self.tr("The engine process was killed by {signal} (llama.cpp crashed or ran out of memory). Last output: {output} Your work is kept; the next request starts a fresh engine."),
            "engine.exited": self.tr("The engine process exited with code {code} (llama.cpp crashed or ran out of memory). Your work is kept; the next request starts a fresh engine."),
            "engine.exited_said": self.tr("The engine process exited with code {code} (llama.cpp crashed or ran out of memory). Last output: {output} Your work is kept; the next request starts a fresh engine."),
            # templates
            "template.refused": self.tr("The template refused the input: {detail}"),
            "template.syntax": self.tr("The {what} has a syntax error on line {line}: {detail}"),
            "template.too_long": self.tr("The {what} produced more than {limit:,} characters; rendering was stopped."),
            "template.too_slow": self.tr("The {what} took longer than {seconds:g} s to render; rendering was stopped."),
            "template.forbidden": self.tr("The {what} tried something the sandbox forbids: {detail}"),
            "template.undefined": self.tr("The {what} uses a variable that was not given: {detail}"),
            "template.failed": self.tr("The {what} failed: {detail}"),
            "template.render_failed": self.tr("The {what} failed while rendering: {detail}"),
            # sampler presets
            "preset.no_name": self.tr("A preset needs a name."),
            "preset.builtin_name": self.tr("'{name}' is a built-in preset; choose another name."),
            "preset.builtin_delete": self.tr("'{name}' is a built-in preset and cannot be deleted."),
            # the data folder
            "home.fallback": self.tr("Cannot keep data in {path} ({reason}); using {fallback} for now, which the system may empty. Set WORKBENCH_HOME to a writable folder to keep your history."),
            "home.unwritable": self.tr("Cannot keep data in {path} ({reason}), nor in {fallback} ({fallback_reason}). Set WORKBENCH_HOME to a writable folder."),
            # the history database
            "db.disk_full": self.tr("The disk holding {path} is full (or failing): free some space. Nothing saved before was lost."),
            "db.read_only_folder": self.tr("{path} is in a read-only folder ({folder}): the history can be browsed, but nothing new can be saved, as SQLite must create files beside it. Make the folder writable, or choose another file in File → History database…."),
            "db.read_only": self.tr("{path} is read-only: the history can be browsed, but nothing new (runs, templates, experiments) can be saved in it. Make it writable, or choose another file in File → History database…."),
            "db.locked": self.tr("{path} stayed locked by another program for {seconds} s; try again."),
            "db.damaged": self.tr("{path} is not a workbench database, or it is damaged. Move it aside, or choose another file in File → History database…."),
            "db.cannot_open": self.tr("{path} cannot be opened: check that its folder exists and is writable, or choose another file in File → History database…."),
            "db.failed": self.tr("The database {path} failed: {detail}"),
            "db.missing": self.tr("There is no database at {path} to open read-only."),
            "db.no_folder": self.tr("Cannot create the folder for the database {path}: {reason}."),
            "db.foreign": self.tr("{path} is not a workbench history: it holds another application's tables ({tables}). Nothing was written to it. Choose a file of its own in File → History database…."),
            "db.newer": self.tr("{path} was written by a newer Prompt Workbench (schema {schema}; this version knows up to {head}). Update the app, or choose another file in File → History database…."),
            "db.read_only_upgrade": self.tr("{path} is read-only and needs upgrading to this version's schema; make it writable."),
            "db.token_format": self.tr("These tokens were saved in format {version}, which this version cannot read."),
            "db.tokens_damaged": self.tr("The saved tokens of this run are damaged ({detail})."),
        }

    def subject(self, what: str) -> str:
        """The thing a template error is about, in the interface language."""
        if what == "template":
            return self.tr("template")
        if what == "model's chat template":
            return self.tr("model's chat template")
        if what == "custom chat template":
            return self.tr("custom chat template")
        if what == "chat template":
            return self.tr("chat template")
        for pattern, kind in _NAMED_SUBJECTS:
            m = pattern.fullmatch(what)
            if m:
                name = m.group(1)
                if kind == "template":
                    return self.tr("template {0}").format(name)
                if kind == "format":
                    return self.tr("built-in {0} chat format").format(name)
                return self.tr("system prompt of {0}").format(name)
        return what


def user_message(error: BaseException | Notice) -> str:
    """``error`` (or a notice, keyed the same way) as the window shows it: the window's text for
    its key in the interface language, else its own (English) message."""
    key = getattr(error, "key", "")
    texts = ErrorTexts()
    text = texts.table().get(key) if key else None
    if text is None:
        return str(error)
    fields = dict(getattr(error, "fields", {}))
    if isinstance(fields.get("what"), str):
        fields["what"] = texts.subject(fields["what"])
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError):  # a translation that lost or broke a field: the English one is whole
        return str(error)
