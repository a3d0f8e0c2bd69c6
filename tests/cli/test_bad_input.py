"""Bad input on the command line is refused with a message (exit 2, no traceback) before anything
loads or runs: numbers with no sensible meaning (with their range), pipes where a file is wanted,
a template reference with nothing after its '@' (issue 17's inputs that overflowed, divided by
zero, crashed the engine host, hung or were silently replaced)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.cli import workbench

HUGE = str(2**70)
ID = "1180591620717411303424"  # past SQLite's 64-bit row ids


@pytest.mark.parametrize("argv", [
    ["history", "show", ID],
    ["history", "delete", ID],
    ["history", "compare", "1", ID],
    ["history", "rerun", ID],
    ["history", "list", "--limit", HUGE],
    ["history", "list", "--limit", "0"],
    ["eval", "show", ID],
    ["bench", "--tokens", "0"],
    ["bench", "--rounds", "0"],
    ["bench", "--threads", "0"],
    ["run", "-p", "hi", "--max-tokens", "0"],
    ["run", "-p", "hi", "--max-tokens", HUGE],
    ["run", "-p", "hi", "--threads", "100000"],
    ["run", "-p", "hi", "--threads", HUGE],
    ["run", "-p", "hi", "--ctx", HUGE],
    ["run", "-p", "hi", "--top-k", HUGE],
    ["run", "-p", "hi", "--seed", "-1"],
    ["run", "-p", "hi", "--top-logprobs", "101"],
    ["next", "-p", "hi", "--top", "0"],
    ["sample", "-p", "hi", "--n", "0"],
    ["run", "-p", "hi", "--temperature", "nan"],
    ["run", "-p", "hi", "--top-p", "inf"],
    ["run", "-p", "hi", "--max-tokens", "ten"],
])
def test_a_number_out_of_its_range_is_refused_with_the_range(argv: list[str]) -> None:
    done = workbench(*argv)
    assert done.returncode == 2, (argv, done.stderr)
    assert "Traceback" not in done.stderr and "error" in done.stderr
    assert any(word in done.stderr for word in ("must be", "is needed", "finite")), done.stderr


def test_a_context_far_beyond_the_models_is_refused_naming_both() -> None:
    done = workbench("run", "-p", "hi", "--ctx", "1000000", "--max-tokens", "1")
    assert done.returncode == 2 and "8,192" in done.stderr and "32,768" in done.stderr


def test_a_template_reference_with_nothing_after_the_at_is_refused() -> None:
    done = workbench("templates", "show", "舆情分析@")
    assert done.returncode == 2 and "names no version after '@'" in done.stderr


@pytest.mark.parametrize("argv", [
    ["info", "{fifo}"],
    ["run", "--model", "{fifo}", "-p", "hi"],
    ["tokens", "hi", "--model", "{fifo}"],
    ["templates", "add", "t", "--body-file", "{fifo}"],
    ["prompt", "--chat-template", "{fifo}", "--prompt", "x"],
])
def test_a_pipe_where_a_file_is_wanted_is_refused_not_waited_on(argv: list[str], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = workbench(*[a.replace("{fifo}", str(fifo)) for a in argv])  # the helper's timeout fails a hang
    assert done.returncode == 2 and "not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_examples_that_are_not_objects_are_refused_when_saved(tmp_path: Path) -> None:
    examples = tmp_path / "examples.json"
    examples.write_text('["just a string", 3]', encoding="utf-8")
    done = workbench("templates", "add", "t", "--body", "Q: {{ q }}", "--examples-file", str(examples))
    assert done.returncode == 2 and "Example 1 is str, not an object" in done.stderr
    assert workbench("templates", "show", "t").returncode == 2  # nothing was saved


def test_a_yaml_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    lines.append("examples: [*i]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = workbench("templates", "add", "t", "--body", "x", "--examples-file", str(bomb))
    assert done.returncode == 2 and "aliases" in done.stderr and "Traceback" not in done.stderr


def test_a_template_file_of_a_newer_format_is_not_imported(tmp_path: Path) -> None:
    newer = tmp_path / "lib.json"
    newer.write_text('{"format": "prompt-workbench-templates", "version": 99, "templates": []}', encoding="utf-8")
    done = workbench("templates", "import", str(newer))
    assert done.returncode == 2 and "format version 99" in done.stderr


def test_an_export_that_cannot_be_written_whole_leaves_no_partial_file(tmp_path: Path) -> None:
    """A full disk, made with a file-size limit on the process: the write fails part way."""
    import resource
    import signal
    import subprocess
    import sys

    from tests.helpers.runs import new_run
    from workbench.app.workspace import Workspace

    db = tmp_path / "h.sqlite"
    workspace = Workspace(db)
    for i in range(60):
        workspace.runs.save(new_run(prompt=f"prompt {i} " + "x" * 4000))
    workspace.close()
    target = tmp_path / "out.jsonl"
    target.write_text("what was there\n", encoding="utf-8")

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))  # the export is ~250 KB

    done = subprocess.run([sys.executable, "-m", "workbench", "history", "export", "--db", str(db), "-o", str(target)],
                          capture_output=True, text=True, timeout=120, preexec_fn=small_disk)
    assert done.returncode == 2 and "Nothing was left half written" in done.stderr and "Traceback" not in done.stderr
    assert target.read_text(encoding="utf-8") == "what was there\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".workbench-")) == []
    whole = workbench("history", "export", "--db", str(db), "-o", str(target), "--limit", "100")
    assert whole.returncode == 0 and len(target.read_text(encoding="utf-8").splitlines()) == 60
