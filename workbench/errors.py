"""User-facing error types.

Every failure that reaches a person goes through one of these, with a message that says what
happened and what to do. Lower layers (llama.cpp, the file system, Jinja) raise their own
exceptions; they are translated once, at our boundary, into these.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """A problem the user can act on. ``str(error)`` is the message to show."""

    exit_code = 2


class BadInputError(WorkbenchError):
    """The input given (a flag, a file, a prompt) cannot be used."""


class ModelFileError(BadInputError):
    """A model file is missing, unreadable, not GGUF, truncated or implausible."""


class ModelLoadError(BadInputError):
    """llama.cpp refused to load a model that passed our own checks."""


class PromptError(BadInputError):
    """The prompt is empty, too long for the context, or cannot be rendered."""


class SamplerError(BadInputError):
    """A sampler setting is out of range."""


class TemplateError(BadInputError):
    """A template (user or chat template) is broken or tried something forbidden."""


class StoreError(WorkbenchError):
    """The history database cannot be opened, read or written (newer schema, read-only, disk full)."""


class EngineError(WorkbenchError):
    """The engine failed in a way that is not the user's input."""

    exit_code = 1


class EngineCrashed(EngineError):
    """The engine process died (abort, segfault, out of memory). A fresh one starts on the next request."""


class EngineClosed(EngineError):
    """The engine was shut down on purpose (the window is closing); nothing to report."""


class NoModelLoaded(BadInputError):
    """An operation needs a model and none is loaded."""


_KINDS: dict[str, type[WorkbenchError]] = {
    cls.__name__: cls
    for cls in (
        WorkbenchError,
        BadInputError,
        ModelFileError,
        ModelLoadError,
        PromptError,
        SamplerError,
        TemplateError,
        StoreError,
        EngineError,
        EngineCrashed,
        EngineClosed,
        NoModelLoaded,
    )
}


def error_from_kind(kind: str, message: str) -> WorkbenchError:
    """Rebuild an error sent across the engine protocol by its class name."""
    return _KINDS.get(kind, EngineError)(message)
