"""Which chat markers a model's vocabulary holds, found in the GGUF file without decoding it.

A chat format is chosen for a file without a chat template from the markers its vocabulary has
(``<|im_start|>``, ``<start_of_turn>``, ``<|start_header_id|>``...). The vocabulary is a GGUF array
of length-prefixed strings; a token equal to a marker is the marker's length as a little-endian
u64 followed by its bytes, so one ``find`` over the array's bytes per marker answers it in
milliseconds even for a 262,144-token vocabulary.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

# Every marker a built-in chat format or its detection looks for (workbench.prompts.chat_formats).
CHAT_MARKERS: tuple[str, ...] = (
    "<|im_start|>", "<|im_end|>",
    "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
    "<start_of_turn>", "<end_of_turn>",
    "<|system|>", "<|user|>", "<|assistant|>", "<|end|>",
    "[INST]", "[/INST]",
    "<｜User｜>", "<｜Assistant｜>",
)


def markers_in_bytes(buf: bytes | memoryview | object, start: int, end: int) -> tuple[str, ...]:
    """The markers among the strings stored in ``buf[start:end]`` (a GGUF string array)."""
    found = []
    for marker in CHAT_MARKERS:
        raw = marker.encode("utf-8")
        if buf.find(struct.pack("<Q", len(raw)) + raw, start, end) >= 0:  # type: ignore[attr-defined]
            found.append(marker)
    return tuple(found)


def markers_in_list(tokens: Sequence[object]) -> tuple[str, ...]:
    """The markers among a short vocabulary kept as a list."""
    held = {t for t in tokens if isinstance(t, str)}
    return tuple(m for m in CHAT_MARKERS if m in held)
