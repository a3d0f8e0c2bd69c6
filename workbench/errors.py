"""User-facing error types.

Every failure that reaches a person goes through one of these, with a message that says what
happened and what to do. Lower layers (llama.cpp, the file system, Jinja) raise their own
exceptions; they are translated once, at our boundary, into these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from workbench.messages import MESSAGES

Field = str | int | float | bool | None


class WorkbenchError(Exception):
    """A problem the user can act on. ``str(error)`` is the message to show, in English, worded for
    the command line.

    An error made with ``of(key, **fields)`` also keeps its message key and fields (plain JSON
    values, so they cross the engine protocol): the window shows it in its own language and
    words (``workbench.gui.error_text``), naming its controls rather than the CLI's flags.
    """

    exit_code = 2

    def __init__(self, message: str = "", *, key: str = "", fields: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.fields: dict[str, Field] = {name: _plain(value) for name, value in (fields or {}).items()}

    @classmethod
    def of(cls, key: str, **fields: Any) -> Self:
        """The error whose English message is ``MESSAGES[key]`` filled in with ``fields``."""
        return cls(MESSAGES[key].format(**fields), key=key, fields=fields)


def _plain(value: Any) -> Field:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


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


class ExperimentFileError(BadInputError):
    """An experiment definition that cannot run: where (its file and line) and what is wrong."""

    def __init__(self, message: str, source: str = "", line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.reason = message  # what is wrong, without where
        where = ", ".join(part for part in (source, f"line {line}" if line else "") if part)
        where = f"{where}: " if where else ""
        super().__init__(where + message)


class StoreError(WorkbenchError):
    """The history database cannot be opened, read or written (newer schema, read-only, disk full)."""


class EngineError(WorkbenchError):
    """The engine failed in a way that is not the user's input."""

    exit_code = 1


class EngineCrashed(EngineError):
    """The engine process died (abort, segfault, out of memory). A fresh one starts on the next request."""


class EngineClosed(EngineError):
    """The engine was shut down on purpose (the window is closing); nothing to report."""


class RemoteError(WorkbenchError):
    """A remote engine (an OpenAI-compatible server) could not be reached, refused the request or
    broke off its reply. ``status``: the HTTP status, if one came; ``context``: the request did not
    fit the model's context; ``stalled`` / ``closed``: a stream that stopped in the middle."""

    def __init__(self, message: str = "", *, status: int | None = None, context: bool = False, stalled: bool = False,
                 closed: bool = False, key: str = "", fields: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, key=key, fields=fields)
        self.status = status
        self.context = context
        self.stalled = stalled
        self.closed = closed


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
        RemoteError,
    )
}


def error_from_kind(kind: str, message: str, key: str = "", fields: Mapping[str, Any] | None = None) -> WorkbenchError:
    """Rebuild an error sent across the engine protocol by its class name (and its message key)."""
    return _KINDS.get(kind, EngineError)(message, key=key, fields=fields)
