"""Template versions and templates as plain values (no SQLAlchemy: the window's panels and the
prompt layer read them without loading the database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MODES = ("completion", "chat")


@dataclass
class TemplateVersion:
    name: str
    number: int
    mode: str
    system: str
    body: str
    variables: list[dict[str, Any]] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)  # as stored: kind, name, what differs from the defaults
    note: str = ""
    created_at: str = ""
    labels: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.number}"

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class TemplateInfo:
    name: str
    description: str
    tags: list[str]
    mode: str
    archived: bool
    versions: int
    labels: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)
