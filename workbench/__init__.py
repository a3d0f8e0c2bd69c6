"""Prompt Workbench: see what a local GGUF language model does with your prompt."""

__version__ = "0.1.0"
