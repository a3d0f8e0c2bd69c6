"""The `workbench` command as a user runs it: real process, real engine, exit codes and JSON shapes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import __version__

from tests.helpers.cli import workbench


def test_version() -> None:
    result = workbench("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_info_json(model_path: Path) -> None:
    result = workbench("info", "default", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    for key in ("path", "size_bytes", "gguf_version", "architecture", "name", "file_type", "context_length",
                "n_layer", "vocab_size", "tokenizer_model", "chat_template"):
        assert key in info
    assert info["path"] == str(model_path)
    assert info["file_type"] == "Q4_1"
    assert info["size_bytes"] == model_path.stat().st_size


def test_run_json_shape() -> None:
    result = workbench("run", "--prompt", "The sky is", "--max-tokens", "8", "--seed", "5", "--top-logprobs", "3", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) >= {"model", "params", "prompt_tokens", "text", "tokens", "finish_reason", "timings"}
    assert out["finish_reason"] == "length"  # seed 5 draws no end-of-text within 8 tokens
    assert out["params"]["seed"] == 5
    assert set(out["timings"]) >= {"load_s", "prompt_s", "gen_s", "tokens_per_s"}
    assert len(out["tokens"]) == 8
    token = out["tokens"][0]
    assert set(token) == {"id", "text", "bytes", "logprob", "top"}
    bytes.fromhex(token["bytes"])
    assert token["logprob"] <= 0
    assert len(token["top"]) == 3 and set(token["top"][0]) == {"id", "text", "logprob"}
    joined = b"".join(bytes.fromhex(t["bytes"]) for t in out["tokens"]).decode("utf-8", "replace")
    assert joined == out["text"]


def test_run_reads_stdin_and_chat_template() -> None:
    result = workbench("run", "--chat", "--system", "Be brief.", "--prompt", "-", "--max-tokens", "4",
                       "--temperature", "0", "--json", stdin="Say hi")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert "<|im_start|>system\nBe brief.<|im_end|>" in out["prompt"]
    assert "Say hi" in out["prompt"] and out["prompt"].endswith("<|im_start|>assistant\n")


def test_run_streams_plain_text_when_piped() -> None:
    result = workbench("run", "--prompt", "One, two, three,", "--max-tokens", "6", "--temperature", "0")
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout  # colours only on a terminal
    assert result.stdout.strip()
    assert "tok/s" in result.stderr


def test_next_json() -> None:
    result = workbench("next", "--prompt", "今天我很", "--top", "15", "--top-k", "3", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["entropy"] > 0
    assert len(out["tokens"]) == 15
    assert set(out["tokens"][0]) >= {"id", "text", "bytes", "logprob", "prob", "kept"}
    assert [t["kept"] for t in out["tokens"]] == [True] * 3 + [False] * 12
    assert out["start_token"] == ""


def test_next_after_an_empty_prompt_follows_the_start_token() -> None:
    result = workbench("next", "--prompt", "", "--top", "3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 prompt tokens") and "after the start token <|im_start|>" in result.stderr
    run = workbench("run", "--prompt", "")  # generating still wants a prompt
    assert run.returncode == 2 and "prompt is empty" in run.stderr


def test_gpu_layers_on_cpu_build_warns_and_runs() -> None:
    result = workbench("run", "--prompt", "Hi", "--max-tokens", "2", "--n-gpu-layers", "10", "--json")
    assert result.returncode == 0, result.stderr
    assert "no GPU support" in result.stderr
    assert json.loads(result.stdout)["model"]["backend"] == "CPU"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "--model", "/no/such/model.gguf", "--prompt", "x"), "not found"),
        (("run", "--model", "/tmp", "--prompt", "x"), "is a folder"),
        (("run", "--prompt", "   "), "prompt is empty"),
        (("run", "--prompt", "x", "--temperature", "-1"), "temperature"),
        (("run", "--prompt", "x", "--top-p", "1.5"), "top-p"),
        (("run", "--prompt", "hello " * 300, "--ctx", "256"), r"is \d+ tokens but the context holds 256"),
        (("run", "--prompt", "x", "--ctx", "64"), "--ctx must be from 256 to 1,048,576, not 64"),
        (("run", "--prompt", "x", "--threads", "0"), "--threads must be from 1 to"),
        (("next", "--prompt", "x", "--top", "0"), "--top must be from 1 to 1,000, not 0"),
        (("run", "--prompt", "x", "--system", "s"), "needs --chat"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: tuple[str, ...], message: str) -> None:
    result = workbench(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert re.search(message, result.stderr)


def test_invalid_utf8_prompt_exits_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "run", "--prompt", "-"], input=b"caf\xe9", capture_output=True, timeout=60
    )
    assert result.returncode == 2
    assert b"not valid UTF-8" in result.stderr and b"Traceback" not in result.stderr


def test_stop_string_and_context_full_are_reported() -> None:
    result = workbench("run", "--prompt", "1, 2, 3, 4,", "--stop", " 7", "--temperature", "0", "--max-tokens", "20", "--json")
    out = json.loads(result.stdout)
    assert out["finish_reason"] == "stop" and " 7" not in out["text"] and out["text"].startswith(" 5, 6")
    full = workbench("run", "--prompt", "Count: 1, 2, 3,", "--temperature", "0", "--ctx", "256", "--max-tokens", "1000", "--json")
    out = json.loads(full.stdout)
    assert out["finish_reason"] == "length" and out["context_full"] is True
    assert out["prompt_tokens"] + len(out["tokens"]) == 257  # every position used, plus the token drawn from the last


def test_bad_model_files_exit_2(tmp_path: Path, model_path: Path) -> None:
    text = tmp_path / "notes.gguf"
    text.write_text("just some notes")
    truncated = tmp_path / "half.gguf"
    truncated.write_bytes(model_path.read_bytes()[: 40_000_000])
    for path, message in ((text, "not a GGUF model"), (truncated, "truncated")):
        for command in (("info", str(path)), ("run", "--model", str(path), "--prompt", "x")):
            result = workbench(*command)
            assert result.returncode == 2
            assert message in result.stderr and "Traceback" not in result.stderr


def test_perplexity_json() -> None:
    result = workbench("perplexity", "--json", "The cat sat on the mat.")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["tokens"][0]["logprob"] is None
    assert all(t["logprob"] <= 0 for t in out["tokens"][1:])
    assert set(out["tokens"][0]) == {"id", "text", "logprob"}
    scored = [t["logprob"] for t in out["tokens"][1:]]
    import math

    assert out["perplexity"] == pytest.approx(math.exp(-sum(scored) / len(scored)))


def test_sample_counts_outputs() -> None:
    result = workbench("sample", "--prompt", "My favourite colour is", "--n", "6", "--max-tokens", "2", "--seed", "3", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert sum(o["count"] for o in out["outputs"]) == 6 == sum(f["count"] for f in out["first_tokens"])
    again = json.loads(workbench("sample", "--prompt", "My favourite colour is", "--n", "6", "--max-tokens", "2", "--seed", "3", "--json").stdout)
    assert again == out  # fixed seeds: the same six draws
    greedy = json.loads(workbench("sample", "--prompt", "My favourite colour is", "--n", "3", "--max-tokens", "2", "--temperature", "0", "--json").stdout)
    assert len(greedy["outputs"]) == 1 and greedy["outputs"][0]["count"] == 3
    bad = workbench("sample", "--prompt", "x", "--n", "0")
    assert bad.returncode == 2 and "--n must be from 1 to 1,000" in bad.stderr
