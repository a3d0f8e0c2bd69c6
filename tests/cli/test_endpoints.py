"""`workbench endpoints ...` and remote models from the command line, against llama-cpp-python's
real server on loopback: the JSON shapes (the contract), keys kept out of sight, runs saved,
re-run and compared like local ones."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.helpers.cli import workbench


def test_add_list_test_remove_and_the_key_is_never_shown(llama_server_url: str, workbench_home: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text("sk-very-secret-123\n", encoding="utf-8")
    added = workbench("endpoints", "add", "lab", llama_server_url, "--api-key-file", str(key_file), "--json")
    assert added.returncode == 0, added.stderr
    data = json.loads(added.stdout)
    assert data["name"] == "lab" and data["url"] == llama_server_url + "/v1" and data["api_key"] in ("file", "keyring")
    assert data["test"]["reachable"] is True  # the server has no key: a key it does not need does no harm
    listed = workbench("endpoints", "list", "--json")
    assert [e["name"] for e in json.loads(listed.stdout)] == ["lab"]
    tested = workbench("endpoints", "test", "lab", "--json")
    assert tested.returncode == 0
    found = json.loads(tested.stdout)
    assert {k: found[k] for k in ("reachable", "models", "logprobs", "tokenize")} == {
        "reachable": True, "models": ["smollm2"], "logprobs": True, "tokenize": "llama-cpp-python"}
    assert found["top_logprobs_max"] >= 20 and found["prompt_logprobs"] is False
    for output in (added.stdout, added.stderr, listed.stdout, tested.stdout, workbench("endpoints", "list").stdout):
        assert "sk-very-secret" not in output
    settings = (workbench_home / "endpoints.json").read_text(encoding="utf-8")
    assert "sk-very-secret" not in settings
    keys = workbench_home / "endpoint-keys.json"
    if data["api_key"] == "file":
        assert stat.S_IMODE(keys.stat().st_mode) == 0o600 and "sk-very-secret-123" in keys.read_text(encoding="utf-8")
    removed = workbench("endpoints", "remove", "lab", "--json")
    assert json.loads(removed.stdout) == {"removed": "lab"}
    assert json.loads(workbench("endpoints", "list", "--json").stdout) == []
    assert "sk-very-secret" not in (keys.read_text(encoding="utf-8") if keys.exists() else "")


def test_an_unreachable_endpoint_exits_2_with_the_reason(workbench_home: Path) -> None:
    from workbench.engine.remote.local_server import free_port

    url = f"http://127.0.0.1:{free_port()}"
    assert workbench("endpoints", "add", "gone", url, "--no-test").returncode == 0
    tested = workbench("endpoints", "test", "gone", "--json")
    assert tested.returncode == 2 and json.loads(tested.stdout)["reachable"] is False
    assert "connection refused" in json.loads(tested.stdout)["error"]
    ran = workbench("run", "--model", "gone/x", "-p", "hi")
    assert ran.returncode == 2 and "connection refused" in ran.stderr and "Traceback" not in ran.stderr
    far = workbench("endpoints", "add", "far", "http://192.0.2.1:8000", "--no-test")
    assert "unencrypted" in far.stderr
    assert workbench("endpoints", "test", "nowhere").returncode == 2


def test_a_remote_run_is_saved_rerun_and_compared_like_a_local_one(llama_server_url: str, workbench_home: Path) -> None:
    assert workbench("endpoints", "add", "lab", llama_server_url, "--no-test").returncode == 0
    common = ["-p", "The capital of France is", "--temperature", "0", "--max-tokens", "6", "--json"]
    remote = workbench("run", "--model", "lab/smollm2", *common)
    assert remote.returncode == 0, remote.stderr
    far = json.loads(remote.stdout)
    assert far["model"]["path"] == "lab/smollm2" and far["model"]["backend"].startswith("remote http://127.0.0.1:")
    assert far["model"]["remote"]["server"] == "llama-cpp-python" and far["model"]["remote"]["model"] == "smollm2"
    local = json.loads(workbench("run", *common).stdout)
    assert far["text"] == local["text"] and [t["text"] for t in far["tokens"]] == [t["text"] for t in local["tokens"]]
    assert all(isinstance(t["logprob"], float) for t in far["tokens"])
    again = workbench("history", "rerun", str(far["run_id"]), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["text"] == far["text"]
    shown = json.loads(workbench("history", "show", str(far["run_id"]), "--json").stdout)
    assert "remote" in json.dumps(shown)
    compared = workbench("history", "compare", str(far["run_id"]), str(local["run_id"]), "--json")
    assert compared.returncode == 0, compared.stderr
    chat = workbench("run", "--model", "lab/smollm2", "--chat", "-p", "What is 2+2?", "--temperature", "0", "--max-tokens", "8", "--json")
    assert chat.returncode == 0, chat.stderr
    chatted = json.loads(chat.stdout)
    assert chatted["chat_format"] == "server" and chatted["text"]
    replay = workbench("history", "rerun", str(chatted["run_id"]), "--json")
    assert replay.returncode == 0, replay.stderr
    assert json.loads(replay.stdout)["text"] == chatted["text"]
    missing = workbench("run", "--model", "lab/qwen", "-p", "hi")
    assert missing.returncode == 2 and "It has: smollm2" in missing.stderr


def test_a_server_that_closes_mid_stream_leaves_an_error_run_with_what_arrived(workbench_home: Path) -> None:
    from tests.helpers.fault_server import FaultServer

    with FaultServer("close_mid") as server:
        assert workbench("endpoints", "add", "flaky", server.url, "--no-test").returncode == 0
        ran = workbench("run", "--model", "flaky/fault-model", "-p", "count", "--max-tokens", "10", "--top-logprobs", "1")
        assert ran.returncode == 2 and "closed the connection in the middle" in ran.stderr and "Traceback" not in ran.stderr
        assert ran.stdout.startswith(" one two three")  # streamed before the server went away
        runs = json.loads(workbench("history", "list", "--json").stdout)
        run = runs["runs"][0] if isinstance(runs, dict) else runs[0]
        assert run["status"] == "error" and run["completion_tokens"] == 3
        shown = json.loads(workbench("history", "show", str(run["id"]), "--json").stdout)
        assert shown["output"] == " one two three" and "closed the connection" in shown["error"]
        server.mode = "context"
        over = workbench("run", "--model", "flaky/fault-model", "-p", "x" * 50)
        assert over.returncode == 2 and "does not fit the model's context" in over.stderr and "5000 prompt tokens, context 4096" in over.stderr
