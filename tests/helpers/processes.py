"""Processes the tests start and wait for (engine hosts, window children)."""

from __future__ import annotations


def exited(pid: int) -> bool:
    """Gone, or a zombie (which holds no memory and runs nothing)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
