"""Keyed error messages: every key raised exists, the English text stays worded for the command
line, and an error keeps its key and fields across the engine protocol."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import workbench
from workbench.app.model import LoadSettings
from workbench.engine.client import EngineClient
from workbench.engine.protocol import decode, encode, error_from_message, error_message
from workbench.errors import EngineCrashed, ModelFileError, PromptError, WorkbenchError
from workbench.messages import MESSAGES
from workbench.models.gguf import read_header
from workbench.values.params import GenerateParams, LoadParams

PACKAGE = Path(workbench.__file__).parent


def raised_keys() -> set[str]:
    """The literal keys of every ``X.of("key", ...)`` in the package, and of the GGUF reader's
    ``fail("key", ...)`` (which prefixes ``gguf.``)."""
    keys: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            if node.func.attr == "of":
                keys.add(first.value)
            elif node.func.attr == "fail" and path.name == "gguf.py":
                keys.add("gguf." + first.value)
    return keys


def test_every_key_raised_has_a_message() -> None:
    keys = raised_keys()
    assert len(keys) > 50  # the walk sees the raise sites
    assert keys - set(MESSAGES) == set()


def test_an_error_keeps_its_english_message_key_and_fields() -> None:
    error = PromptError.of("prompt.too_long", n=5000, n_ctx=256)
    assert str(error).startswith("The prompt is 5000 tokens but the context holds 256")
    assert (error.key, error.fields) == ("prompt.too_long", {"n": 5000, "n_ctx": 256})
    plain = WorkbenchError("no key")
    assert (str(plain), plain.key, plain.fields) == ("no key", "", {})


def test_fields_are_plain_values(tmp_path: Path) -> None:
    error = ModelFileError.of("gguf.not_found", path=tmp_path / "x.gguf")
    assert error.fields == {"path": str(tmp_path / "x.gguf")}  # a Path travels as text
    assert str(error) == f"Model file not found: {tmp_path / 'x.gguf'}"


def test_an_error_crosses_the_protocol_with_its_key() -> None:
    sent = EngineCrashed.of("engine.killed_said", signal="SIGKILL", output="GGML_ASSERT(x) failed")
    received = error_from_message(decode(encode(error_message(7, sent))))
    assert type(received) is EngineCrashed
    assert (str(received), received.key, received.fields) == (str(sent), sent.key, sent.fields)
    old = error_from_message({"type": "error", "id": 7, "kind": "PromptError", "message": "from an older host"})
    assert type(old) is PromptError and old.key == "" and str(old) == "from an older host"


def test_the_gguf_check_says_why_with_a_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"hello, this is not a model at all")
    with pytest.raises(ModelFileError) as caught:
        read_header(bad)
    assert caught.value.key == "gguf.not_gguf" and caught.value.fields == {"path": str(bad)}
    assert "is not a GGUF model (it does not start with 'GGUF')" in str(caught.value)
    truncated = tmp_path / "short.gguf"
    truncated.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + b"\xff" * 20)
    with pytest.raises(ModelFileError) as caught:
        read_header(truncated)
    assert caught.value.key.startswith("gguf.") and caught.value.fields["path"] == str(truncated)


def test_the_command_line_still_names_its_flags() -> None:
    with pytest.raises(PromptError) as caught:
        LoadSettings(n_ctx=64).check()
    assert str(caught.value).startswith("--ctx must be at least 256") and caught.value.key == "load.ctx_too_small"


def test_a_prompt_too_long_comes_from_the_host_with_its_key(model_path: Path) -> None:
    client = EngineClient()
    try:
        client.load(LoadParams(path=str(model_path), n_ctx=256))
        with pytest.raises(PromptError) as caught:
            client.next_token(GenerateParams("hello " * 400), top_n=5)
    finally:
        client.close()
    error = caught.value
    assert error.key == "prompt.too_long" and error.fields["n_ctx"] == 256 and error.fields["n"] > 256
    assert "(--ctx)" in str(error) and "Models…" not in str(error)  # the CLI's words
