"""A real OpenAI-compatible server on loopback for the tests: llama-cpp-python's own, with the
bundled model under the name ``smollm2`` (``workbench.engine.remote.local_server``)."""

from __future__ import annotations

from workbench.engine.remote.local_server import SERVER_MODEL, llama_server

__all__ = ["SERVER_MODEL", "llama_server"]
