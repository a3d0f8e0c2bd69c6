"""A chat for a server that applies its own chat template.

The ``server`` chat format (``workbench.prompts.chat_formats.SERVER``) renders messages as a
ChatML transcript: that text is what the history keeps as the run's prompt, and this module reads
the messages back out of it for ``/v1/chat/completions``. A re-run of the stored prompt sends the
same messages again.
"""

from __future__ import annotations

import re

_TURN = re.compile(r"<\|im_start\|>(\w+)\n(.*?)(?:<\|im_end\|>\n?|$)", re.S)


def messages_of(transcript: str) -> list[dict[str, str]]:
    """The messages of a transcript (a trailing empty assistant turn is the generation prompt)."""
    messages = [{"role": role, "content": content} for role, content in _TURN.findall(transcript)]
    if messages and messages[-1]["role"] == "assistant" and not messages[-1]["content"]:
        messages.pop()
    return messages
