"""Dataclass <-> dict helpers shared by the value types of this package."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any


class Value:
    """Dataclass <-> dict helpers shared by the value types of this package."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})
