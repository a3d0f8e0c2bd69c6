"""What the history holds, as plain values: a run to save, a run in a list, a filter over runs,
and how times are kept. No SQLAlchemy here, so the window can show before the database loads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from workbench.models.info import ModelInfo
from workbench.values.branches import BranchTree
from workbench.values.params import GenerateParams
from workbench.values.results import GenerationDone, LoadedModel
from workbench.values.tokens import TokenEvent

STATUSES = ("ok", "cancelled", "error")


def utc_now() -> datetime:
    """Times are stored as naive UTC (SQLite has no time zones)."""
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def iso_utc(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).isoformat()


@dataclass
class NewRun:
    """Everything a finished (or cancelled, or failed) generation leaves behind."""

    source: str  # "gui" | "cli"
    mode: str  # "completion" | "chat"
    prompt: str  # the rendered prompt, exactly as the model received it
    output: str
    params: GenerateParams
    model: ModelInfo | None = None
    loaded: LoadedModel | None = None  # its context, GPU layers and threads are kept as the load settings
    tokens: list[TokenEvent] = field(default_factory=list)
    done: GenerationDone | None = None
    status: str = "ok"
    error: str | None = None
    template: str | None = None
    variant: str | None = None
    branches: BranchTree | None = None
    details: dict[str, Any] | None = None  # what a variant found: votes, the explored tree
    conversation: str | None = None  # the chat this run is a turn of
    turn: int | None = None
    messages: list[dict[str, str]] | None = None  # the chat messages it sent
    chat_format: str | None = None  # the chat format its prompt was rendered with (None: not a chat)


@dataclass
class RunSummary:
    id: int
    created_at: datetime
    source: str
    model: str
    mode: str
    template: str | None
    variant: str | None
    status: str
    prompt: str  # the first PREVIEW characters
    output: str
    completion_tokens: int
    tokens_per_s: float
    starred: bool
    rating: int | None

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["created_at"] = iso_utc(self.created_at)
        return data


@dataclass
class RunFilter:
    query: str = ""  # full text, over prompt, output, note and template
    model: str = ""  # part of the model's name or file name
    template: str = ""
    variant: str = ""
    status: str = ""
    starred: bool = False
    min_rating: int = 0
    since: datetime | None = None
    until: datetime | None = None
    experiment: int | None = None  # only the runs of this experiment's cases
