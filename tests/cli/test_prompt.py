"""`workbench prompt` and the chat-format options, as a user runs them: the exact prompt and its
tokens on both test models, the format named everywhere a run is reported, and bad input refused."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.helpers.cli import workbench
from tests.helpers.models import gemma_model_path


def prompt_json(*args: str) -> dict:
    result = workbench("prompt", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_prompt_json_shape_with_the_files_own_template() -> None:
    out = prompt_json("--chat", "--system", "Be brief.", "--prompt", "你好")
    assert set(out) >= {"prompt", "chat_format", "n_tokens", "tokens"}
    assert out["chat_format"] == "gguf"  # SmolLM2 carries its template
    assert out["prompt"].startswith("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n你好")
    assert out["n_tokens"] == len(out["tokens"])
    assert set(out["tokens"][0]) == {"id", "text", "special", "bytes"}
    specials = [t["text"] for t in out["tokens"] if t["special"]]
    assert specials == ["<|im_start|>", "<|im_end|>"] * 2 + ["<|im_start|>"]
    # The pieces are the prompt, byte for byte ("你" and "好" may each be cut into two pieces).
    assert b"".join(bytes.fromhex(t["bytes"]) for t in out["tokens"]) == out["prompt"].encode()


def test_gemma_without_template_gets_gemma_and_says_so() -> None:
    result = workbench("prompt", "--model", str(gemma_model_path()), "--chat", "--prompt", "Hi")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n"
    assert "Gemma format, chosen from its architecture (gemma3)" in result.stderr
    out = prompt_json("--model", str(gemma_model_path()), "--chat", "--prompt", "Hi")
    assert out["chat_format"] == "gemma"
    texts = [(t["text"], t["special"]) for t in out["tokens"]]
    # The tokenizer adds <bos> itself, so the template's is not doubled; the turn markers are single special tokens.
    assert texts[:2] == [("<bos>", True), ("<start_of_turn>", True)]
    assert sum(1 for t in texts if t == ("<bos>", True)) == 1
    assert ("<end_of_turn>", True) in texts


def test_chat_format_override_and_missing_markers_warning() -> None:
    out = prompt_json("--model", str(gemma_model_path()), "--chat-format", "chatml", "--prompt", "Hi")
    assert out["chat_format"] == "chatml"  # naming a format asks for a chat
    assert out["prompt"] == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    assert not any(t["special"] and t["text"] == "<|im_start|>" for t in out["tokens"])  # cut into pieces
    assert any("ordinary pieces" in note for note in out["notes"])
    smol = prompt_json("--chat-format", "llama3", "--prompt", "Hi")
    # The model's own BOS opens it (SmolLM2 names <|im_start|> as its BOS and does not add it itself).
    assert smol["prompt"] == "<|im_start|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"


def test_custom_chat_template_file(tmp_path: Path) -> None:
    template = tmp_path / "t.jinja"
    template.write_text(
        "{% for m in messages %}[{{ m['role'] | upper }}] {{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}[ASSISTANT] {% endif %}",
        encoding="utf-8",
    )
    out = prompt_json("--chat-template", str(template), "--system", "S", "--prompt", "Q")
    assert out["chat_format"] == "custom"
    assert out["prompt"] == "[SYSTEM] S\n[USER] Q\n[ASSISTANT] "


def test_messages_file_and_completion_prompt(tmp_path: Path) -> None:
    messages = tmp_path / "chat.json"
    messages.write_text(json.dumps([
        {"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}, {"role": "user", "content": "3+3?"}
    ]), encoding="utf-8")
    out = prompt_json("--messages", str(messages), "--model", str(gemma_model_path()))
    assert out["prompt"].endswith("<start_of_turn>model\n4<end_of_turn>\n<start_of_turn>user\n3+3?<end_of_turn>\n<start_of_turn>model\n")
    plain = prompt_json("--prompt", "The sky is")
    assert plain["chat_format"] is None and plain["prompt"] == "The sky is"


def test_template_and_variable_render_through_the_chat_format() -> None:
    out = prompt_json("--template", "舆情分析", "--var", "review=服务很好", "--chat")
    assert out["chat_format"] == "gguf" and "服务很好" in out["prompt"] and out["prompt"].startswith("<|im_start|>")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"role": "user", "content": "x"}', "must be a JSON list of messages"),
        ('[{"role": "user"}]', 'Message 1 in'),
        ('[{"role": "user", "content": "a"}, "b"]', "Message 2 in"),
        ('[{"role": "robot", "content": "a"}]', "has the role 'robot'; the roles are system, user, assistant"),
        ("[{", "is not valid JSON"),
    ],
)
def test_bad_messages_files_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content, encoding="utf-8")
    result = workbench("prompt", "--messages", str(path))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_bad_formats_and_templates_exit_2(tmp_path: Path) -> None:
    unknown = workbench("prompt", "--chat-format", "vicuna", "--prompt", "x")
    assert unknown.returncode == 2 and "chatml, llama2, llama3, gemma, mistral, phi3, zephyr, deepseek, alpaca" in unknown.stderr
    broken = tmp_path / "broken.jinja"
    broken.write_text("{% for m in messages %}\n{{ m['content'] }", encoding="utf-8")
    result = workbench("prompt", "--chat-template", str(broken), "--prompt", "x")
    assert result.returncode == 2 and "syntax error on line 2" in result.stderr
    no_gguf = workbench("prompt", "--model", str(gemma_model_path()), "--chat-format", "gguf", "--prompt", "x")
    assert no_gguf.returncode == 2 and "no chat template of its own" in no_gguf.stderr
    missing = workbench("prompt", "--chat-template", str(tmp_path / "nope.jinja"), "--prompt", "x")
    assert missing.returncode == 2 and "Cannot read the chat template" in missing.stderr


def test_a_template_without_generation_prompt_is_warned_about(tmp_path: Path) -> None:
    template = tmp_path / "t.jinja"
    template.write_text("{% for m in messages %}{{ m['content'] }}\n{% endfor %}", encoding="utf-8")
    result = workbench("prompt", "--chat-template", str(template), "--prompt", "x")
    assert result.returncode == 0 and "without the generation prompt" in result.stderr


def test_a_template_refusing_the_system_message_says_what_to_do(tmp_path: Path) -> None:
    strict = "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{{ m['content'] }}{% endfor %}"
    path = tmp_path / "strict.jinja"
    path.write_text(strict, encoding="utf-8")
    result = workbench("prompt", "--chat-template", str(path), "--system", "S", "--prompt", "x")
    assert result.returncode == 2
    assert "System role not supported" in result.stderr and "move the system text into the first user message" in result.stderr


def test_run_json_and_history_record_the_chat_format(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    result = workbench("run", "--model", str(gemma_model_path()), "--chat", "--prompt", "Hi", "--max-tokens", "3",
                       "--temperature", "0", "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["chat_format"] == "gemma" and "<end_of_turn>" in out["params"]["stop"]
    assert "chosen from its architecture" in result.stderr
    shown = json.loads(workbench("history", "show", str(out["run_id"]), "--json", "--db", str(db)).stdout)
    assert shown["chat_format"] == "gemma"
    plain = json.loads(workbench("run", "--prompt", "Hi", "--max-tokens", "2", "--json", "--db", str(db)).stdout)
    assert plain["chat_format"] is None
    with sqlite3.connect(db) as conn:
        assert conn.execute("select chat_format from runs order by id").fetchall() == [("gemma",), (None,)]
