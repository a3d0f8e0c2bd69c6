"""llama.cpp's log, kept in memory: its last lines explain a failed load or decode.

Importing this module routes llama.cpp's log (process-wide) into a bounded buffer instead of
stderr; ``recent_log`` quotes it in our error messages.
"""

from __future__ import annotations

import ctypes
import re
from collections import deque

import llama_cpp

_log_lines: deque[str] = deque(maxlen=400)
_log_partial: list[str] = []


@llama_cpp.llama_log_callback
def _log_callback(level: int, text: bytes, _user: ctypes.c_void_p) -> None:
    # llama.cpp sends fragments (progress dots) and whole lines; keep whole lines only.
    _log_partial.append(text.decode("utf-8", errors="replace") if text else "")
    joined = "".join(_log_partial)
    if "\n" in joined:
        *lines, rest = joined.split("\n")
        _log_lines.extend(line for line in lines if line.strip())
        _log_partial[:] = [rest] if rest else []


llama_cpp.llama_log_set(_log_callback, ctypes.c_void_p(0))


def recent_log(n: int = 8, pattern: str | None = None) -> list[str]:
    """The last ``n`` whole lines llama.cpp logged (only those matching ``pattern``, if given)."""
    lines = list(_log_lines)
    if pattern:
        lines = [line for line in lines if re.search(pattern, line, re.IGNORECASE)]
    return lines[-n:]


# "llama_model_load: error loading model: " and other "function: " prefixes before the reason.
_PREFIXES = re.compile(r"^(?:(?:[a-z_][a-z0-9_]*|error loading model): )+", re.IGNORECASE)
_GENERIC = re.compile(r"^failed to load model\b", re.IGNORECASE)


def load_failure_reason() -> str:
    """Why llama.cpp refused a model, from its last log lines: the specific reasons (``failed to
    read tensor data``, ``unknown model architecture: 'x'``), without the function names and the
    generic "failed to load model" lines that follow them; "" when it said nothing."""
    lines = recent_log(6, r"error|failed|unknown|invalid|unsupported")
    reasons: list[str] = []
    for line in lines:
        reason = _PREFIXES.sub("", line.strip()).strip()
        if reason and not _GENERIC.match(reason) and reason not in reasons:
            reasons.append(reason)
    if not reasons and lines:
        reasons = [_PREFIXES.sub("", lines[-1].strip())]
    text = "; ".join(reasons)
    return text if not text or text.endswith((".", "!", "?")) else text + "."  # a sentence: a hint follows


def clear_log() -> None:
    """Forget earlier lines, so that a report quotes only what follows."""
    _log_lines.clear()
