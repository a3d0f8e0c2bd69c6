"""The window's words for stored and engine values: run statuses, finish reasons, modes and
sampler stages.

The history, the engine and the CLI keep these values in English (``ok``, ``cancelled``, ``stop``,
``top_k`` ...); the window shows them in the interface language. A value this module does not know
is shown as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


class ValueLabels(QObject):
    """Translated labels of the values the window shows from a run or a distribution."""

    def status(self, status: str) -> str:
        """A saved run's status (``workbench.store.run_records.STATUSES``)."""
        return {"ok": self.tr("ok"), "cancelled": self.tr("cancelled"), "error": self.tr("error")}.get(status, status)

    def finish(self, reason: str) -> str:
        """Why a generation ended (``GenerationDone.finish_reason``)."""
        return {"stop": self.tr("stop"), "length": self.tr("length"), "cancelled": self.tr("cancelled"),
                "error": self.tr("error")}.get(reason, reason)

    def mode(self, mode: str) -> str:
        """A prompt's mode (``workbench.store.template_records.MODES``)."""
        return {"completion": self.tr("completion"), "chat": self.tr("chat")}.get(mode, mode)

    def stage(self, stage: str) -> str:
        """A sampler stage of a next-token distribution (``Distribution.stages``, ``cut_by``): the
        whole vocabulary, then the samplers under their own names (top_k, top_p, min_p), as the
        sampler settings call them."""
        if stage == "server top":  # a remote engine: the tokens its server listed
            return self.tr("listed by the server")
        return self.tr("vocabulary") if stage == "vocabulary" else stage

    def setting(self, key: str) -> str:
        """A sampler setting as stored in a run's parameters."""
        return {
            "temperature": self.tr("Temperature"),
            "top_k": self.tr("Top-k"),
            "top_p": self.tr("Top-p"),
            "min_p": self.tr("Min-p"),
            "repeat_penalty": self.tr("Repeat penalty"),
        }.get(key, key)


_labels: ValueLabels | None = None


def labels() -> ValueLabels:
    """The window's labels; each call to one of its methods translates into the language installed now."""
    global _labels
    if _labels is None:
        _labels = ValueLabels()
    return _labels


def counted(n: int, one: str, many: str) -> str:
    """``one`` or ``many`` (translated texts with a ``{0}``) for ``n`` things: "1 run", "2,000 runs"."""
    return (one if n == 1 else many).format(f"{n:,}")
