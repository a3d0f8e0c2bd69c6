"""Prompts: sandboxed templates, chat templates, chain-of-thought variants."""
