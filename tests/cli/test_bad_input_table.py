"""Every `workbench` subcommand refuses bad input: exit 2, a message on stderr that names what is
wrong, no traceback, and nothing loaded or run first (issue 17, item 6). The bad inputs: missing
files, folders where a file is wanted, wrong types, NaN and infinities, numbers out of range,
empty input, input over 5 MB, invalid UTF-8 and NUL bytes.

The table is built from the real parser (``build_parser``): each subcommand's options and
positionals with a number type, each that names a file (a FILE or PATH metavar, a model's
.gguf, a database, an output), each that reads standard input. A new option is covered by its
type and metavar; a new subcommand fails ``test_every_subcommand_is_in_the_table`` until BASE
gives it the arguments it needs besides the bad one.

The commands run in this process (``main(argv)``), each under a time limit. Starting an engine,
loading a model, probing a server or running a benchmark part stops the command: bad input that
gets that far was not refused in time, and a case that is good input (ACCEPTED) ends there."""

from __future__ import annotations

import argparse
import functools
import io
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from workbench.cli import build_parser, main, options

TIME_LIMIT_S = 10
BIG = options.MAX_TEXT_FILE + 1  # "over 5 MB": the size the commands take a text file up to
HUGE = str(2**70)


# -- the parser, walked ------------------------------------------------------------------------


def subcommands(parser: argparse.ArgumentParser | None = None, path: tuple[str, ...] = ()) -> dict[str, argparse.ArgumentParser]:
    """Every subcommand, nested ones too ("history show"), by its words."""
    parser = parser or build_parser()
    found: dict[str, argparse.ArgumentParser] = {" ".join(path): parser} if path else {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found |= subcommands(child, (*path, name))
    return found


def groups(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def valued(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The arguments that take a value (not --help, --json and other flags, not a verb)."""
    return [a for a in parser._actions
            if a.nargs != 0 and not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction, argparse._VersionAction))]


def kind(action: argparse.Action) -> str:
    """What an argument takes: number, float, model, db, output, file, stdin, choice or text."""
    help_ = action.help or ""
    metavar = str(action.metavar or "")
    if action.type is float:
        return "float"
    if action.type is int or hasattr(action.type, "low"):
        return "number"
    if action.choices:
        return "choice"
    if action.dest == "model" and ".gguf" in help_:
        return "model"
    if action.dest == "db":
        return "db"
    if action.dest == "output":
        return "output"
    if "FILE" in metavar or "PATH" in metavar or action.dest == "file":
        return "file"
    if "- to read standard input" in help_:
        return "stdin"
    return "text"


# -- the table ---------------------------------------------------------------------------------

# What each subcommand needs besides the argument under test: its positionals (in order) and
# options. {name} is a file from the `case_files` fixture; the home holds run 1, template t,
# experiment 1 and endpoint lab. Each subcommand must have a row.
BASE: dict[str, tuple[list[str], list[str]]] = {
    "run": ([], ["-p", "hi"]),
    "next": ([], ["-p", "hi"]),
    "perplexity": (["hi"], []),
    "sample": ([], ["-p", "hi"]),
    "prompt": ([], ["-p", "hi"]),
    "info": (["default"], []),
    "tokens": (["hi"], []),
    "bench": ([], ["--only", "next", "--no-gui"]),
    "history": ([], []),
    "history list": ([], []),
    "history search": (["sky"], []),
    "history show": (["1"], []),
    "history export": ([], []),
    "history delete": (["1"], []),
    "history compare": (["1", "1"], []),
    "history rerun": (["1"], []),
    "templates": ([], []),
    "templates list": ([], []),
    "templates show": (["t"], []),
    "templates add": (["new"], ["--body", "Say hi."]),
    "templates edit": (["t"], ["--note", "a change"]),
    "templates versions": (["t"], []),
    "templates diff": (["t", "1", "1"], []),
    "templates label": (["t", "production", "1"], []),
    "templates export": ([], []),
    "templates import": (["{library.json}"], []),
    "eval": (["{experiment.yaml}"], []),
    "endpoints": ([], []),
    "endpoints add": (["lab2", "http://127.0.0.1:9"], ["--no-test"]),
    "endpoints list": ([], []),
    "endpoints test": (["lab"], []),
    "endpoints remove": (["lab"], []),
}
# Where one argument needs other company than the row's: (subcommand, dest) -> (positionals, options).
BASE_FOR = {
    ("eval", "output"): (["export", "1"], ["--format", "csv"]),
    ("eval", "format"): (["export", "1"], []),
    ("eval", "id"): (["show"], []),
    ("templates add", "body_file"): (["new"], []),
    ("prompt", "messages"): ([], []),
    ("run", "template"): ([], []),
    ("prompt", "template"): ([], []),
}

BAD_NUMBERS = ["ten", "", " ", "1.5", "nan", "inf", "1e3", "0x10", HUGE, "-" + HUGE]
BAD_FLOATS = ["nan", "inf", "-inf", "1e999", "ten", "", "-1"]
BAD_FILES = ["missing", "folder", "fifo", "empty", "big", "latin1", "nul", ""]
BAD_MODELS = ["missing.gguf", "folder", "fifo", "empty", "big", "latin1", "nul", ""]
BAD_DBS = ["folder", "fifo", "big", "latin1", "nul", "notes/h.sqlite"]  # an empty or missing file (and folder) is a new database
BAD_OUTPUTS = ["folder", "nowhere/out.txt", "notes/out.txt"]
BAD_STDIN = {"empty": b"", "big": b"a" * BIG, "latin1": b"caf\xe9", "nul": b"hi\x00there"}
# Text options whose value has a form, with values of the wrong one.
BAD_TEXT = {
    "--since": ["yesterday", ""], "--until": ["2026-13-40"], "--chat-format": ["nope", ""],
    "--only": ["nope", ",", ""], "--suite": ["nope"], "--encoding": ["nope"], "--var": ["=x"],
    "--variant": ["nope"], "run --template": ["nope@", "t@99", "nope"], "prompt --template": ["nope@", "t@99"],
}
BAD_POSITIONAL_TEXT = {"url": ["ftp://x", "http://", ""], "text": [""], "spec": ["t@", "t@99", ""], "version": ["99", "nope"],
                       "a": ["99"], "b": ["nope"], "name": [""], "label": [""], "query": [""]}

# Good input by design: (subcommand, argument, bad input) -> why it is taken.
ACCEPTED = {
    ("next", "--prompt", "stdin:empty"): "an empty prompt shows the distribution after the start token",
    ("tokens", "text", "stdin:latin1"): "the tokenizer view shows invalid bytes as U+FFFD, with a note",
    ("tokens", "text", "stdin:nul"): "a NUL byte is a character the tokenizers cut like any other",
    ("tokens", "text", "stdin:big"): "cut to its first 2,000,000 characters, with a note",
    ("perplexity", "text", "stdin:latin1"): "scored with invalid bytes as U+FFFD, with a note",
    ("perplexity", "text", "stdin:nul"): "a NUL byte is a character like any other to score",
    ("history search", "query", "text:"): "no words: every run, like history list",
    # A run whose history cannot be used still runs and prints its result, saying it was not saved
    # (tests/cli/test_history.py::test_history_bad_input); only a pipe is refused, as it would hang.
    **{("run", "--db", f"db:{bad}"): "the run goes ahead and prints its result, not saved" for bad in BAD_DBS if bad != "fifo"},
}


@dataclass(frozen=True)
class Case:
    command: str
    argument: str  # the option or positional under test, or "-" for the command as a whole
    bad: str  # kind:value
    argv: tuple[str, ...]
    stdin: bytes | None = None

    @property
    def id(self) -> str:
        return f"{self.command} {self.argument} {self.bad}".replace("\x00", "\\0")


def _argv(command: str, action: argparse.Action | None, value: str | None) -> tuple[str, ...]:
    """The subcommand with its BASE company and ``value`` for ``action``."""
    dest = action.dest if action else ""
    positionals, opts = BASE_FOR.get((command, dest), BASE[command])
    positionals, opts = list(positionals), list(opts)
    if action is not None and action.option_strings:
        for name in action.option_strings:  # the base's own value for this option goes
            if name in opts:
                i = opts.index(name)
                del opts[i:i + 2]
        opts.append(f"{action.option_strings[0]}={value}")  # "--x=-inf" is a value, not an option
    elif action is not None:
        index = _positionals(command).index(dest)
        positionals = (positionals + ["1"] * (index + 1))[:max(len(positionals), index + 1)]
        positionals[index] = value or ""
    return (*command.split(), *positionals, *opts)


@functools.cache
def _positionals(command: str) -> list[str]:
    return [a.dest for a in valued(subcommands()[command]) if not a.option_strings]


def _cases_for(command: str, parser: argparse.ArgumentParser) -> Iterator[Case]:
    yield Case(command, "-", "unknown-option", (*_argv(command, None, None), "--no-such-option"))
    if groups(parser):
        yield Case(command, "-", "no-action", tuple(command.split()))
        yield Case(command, "-", "unknown-action", (*command.split(), "nope"))
        return
    for action in valued(parser):
        name = action.option_strings[0] if action.option_strings else action.dest
        what = kind(action)
        if what == "number":
            low, high = getattr(action.type, "low", None), getattr(action.type, "high", None)
            high = high() if callable(high) else high
            beyond = ([str(low - 1)] if low is not None else []) + ([str(high + 1)] if high is not None else [])
            for value in BAD_NUMBERS + beyond:
                yield Case(command, name, f"number:{value}", _argv(command, action, value))
        elif what == "float":
            for value in BAD_FLOATS:
                yield Case(command, name, f"float:{value}", _argv(command, action, value))
        elif what == "choice":
            for value in ("nope", ""):
                yield Case(command, name, f"choice:{value}", _argv(command, action, value))
        elif what in ("file", "model", "db", "output"):
            bad = {"file": BAD_FILES, "model": BAD_MODELS, "db": BAD_DBS, "output": BAD_OUTPUTS}[what]
            for value in bad:
                yield Case(command, name, f"{what}:{value}", _argv(command, action, "{" + value + "}" if value else ""))
        elif what == "stdin":
            for label, data in BAD_STDIN.items():
                yield Case(command, name, f"stdin:{label}", _argv(command, action, "-"), data)
        if what in ("text", "stdin"):
            texts = BAD_TEXT.get(name, []) + BAD_TEXT.get(f"{command} {name}", [])
            texts += [] if action.option_strings else BAD_POSITIONAL_TEXT.get(action.dest, [])
            for value in texts:
                yield Case(command, name, f"text:{value}", _argv(command, action, value))


def cases() -> list[Case]:
    return [case for command, parser in subcommands().items() for case in _cases_for(command, parser)]


CASES = cases()


# -- running a command in this process ---------------------------------------------------------


class Stopped(BaseException):
    """The command went past where bad input must have been refused (not an Exception: main
    reports those as internal errors)."""


@dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    stopped: str | None = None


def run_cli(argv: tuple[str, ...], stdin: bytes | None) -> Outcome:
    out, err = io.BytesIO(), io.BytesIO()
    out_text = io.TextIOWrapper(out, encoding="utf-8", errors="backslashreplace", write_through=True)
    err_text = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True)
    saved_stdin, saved_int = sys.stdin, signal.getsignal(signal.SIGINT)

    def too_slow(*_: Any) -> None:
        raise Stopped(f"no answer in {TIME_LIMIT_S} s (a hang)")

    saved_alarm = signal.signal(signal.SIGALRM, too_slow)
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8")
    outcome = Outcome(None, "", "")
    try:
        signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_S)
        with redirect_stdout(out_text), redirect_stderr(err_text):
            try:
                outcome.code = main(list(argv))
            except SystemExit as e:
                outcome.code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
                if isinstance(e.code, str):
                    print(e.code, file=sys.stderr)
            except Stopped as e:
                outcome.stopped = str(e)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, saved_alarm)
        signal.signal(signal.SIGINT, saved_int)
        sys.stdin = saved_stdin
    outcome.stdout = out.getvalue().decode("utf-8", "backslashreplace")
    outcome.stderr = err.getvalue().decode("utf-8", "backslashreplace")
    return outcome


def _stop(what: str) -> Any:
    def stop(*_args: Any, **_kwargs: Any) -> None:
        raise Stopped(what)

    return stop


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with run 1, template t, experiment 1 and endpoint lab, and the files the cases name."""
    from tests.helpers.runs import new_run
    from workbench.app.endpoints import EndpointStore
    from workbench.app.workspace import Workspace
    from workbench.engine.remote.endpoint import Endpoint
    from workbench.store import template_files

    root = tmp_path_factory.mktemp("bad-input")
    home, files = root / "home", root / "files"
    files.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBENCH_HOME", str(home))
        workspace = Workspace(home / "workbench.sqlite")
        workspace.runs.save(new_run())
        workspace.templates.add("t", "Say hi.")
        workspace.experiments.create("demo", "", {}, {"columns": []}, 0)
        template_files.write(files / "library.json", workspace.templates.export(["t"]))
        workspace.close()
        EndpointStore().add(Endpoint("lab", "http://127.0.0.1:9"))
    (files / "experiment.yaml").write_text('prompts: [{id: p, text: "Q: {{ q }}"}]\ndataset: [{q: hi}]\n', encoding="utf-8")
    (files / "folder").mkdir()
    os.mkfifo(files / "fifo")  # reading it would wait for a writer forever
    (files / "empty").write_bytes(b"")
    (files / "big").write_bytes(b"a" * BIG)
    (files / "latin1").write_bytes(b"caf\xe9 {{ q }}\n")
    (files / "nul").write_bytes(b"hello\x00world\n")
    (files / "notes").write_text("a file, not a folder\n", encoding="utf-8")
    return root


@pytest.fixture
def case_files(seeded: Path, workbench_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The files the cases name, and the seeded home copied for one case, with every way past
    refusal stopped."""
    from workbench import bench
    from workbench.app import endpoints
    from workbench.engine.client import EngineClient
    from workbench.engine.remote import backend, capabilities

    shutil.copytree(seeded / "home", workbench_home)
    monkeypatch.setattr(EngineClient, "_start", _stop("an engine host started"))
    monkeypatch.setattr(EngineClient, "load", _stop("a model load"))
    monkeypatch.setattr(backend.RemoteEngine, "open", _stop("a remote model opened"))
    monkeypatch.setattr(capabilities, "probe", _stop("a server probed"))
    monkeypatch.setattr(bench, "_engine_parts", _stop("a benchmark part ran"))
    monkeypatch.setattr(bench, "window_parts", _stop("a benchmark part ran"))
    monkeypatch.setattr(endpoints, "_keyring", lambda: None)  # never the keyring of whoever runs the tests
    files = seeded / "files"
    before = sorted(os.listdir(files))
    yield files
    assert sorted(os.listdir(files)) == before, "a case wrote beside the files the others read"


def _resolve(argv: tuple[str, ...], files: Path) -> list[str]:
    out = []
    for arg in argv:
        if "{" in arg and arg.endswith("}") and "{{" not in arg:
            head, _, name = arg.partition("{")
            arg = head + str(files / name[:-1])
        out.append(arg)
    return out


# -- the tests ---------------------------------------------------------------------------------


def test_every_subcommand_is_in_the_table() -> None:
    found = set(subcommands())
    assert found - set(BASE) == set(), "give each new subcommand a BASE row"
    assert set(BASE) - found == set(), "BASE has rows for subcommands that are gone"
    assert {c.command for c in CASES} == found
    for command, parser in subcommands().items():
        for action in valued(parser):
            name = action.option_strings[0] if action.option_strings else action.dest
            if kind(action) != "text":
                assert any(c.command == command and c.argument == name for c in CASES), (command, name)


def test_the_table_knows_the_arguments_it_names() -> None:
    names = {a.option_strings[0] if a.option_strings else a.dest for p in subcommands().values() for a in valued(p)}
    assert {key.split()[-1] for key in BAD_TEXT} - names == set()
    assert {key.rpartition(" ")[0] for key in BAD_TEXT if " " in key} <= set(subcommands())
    assert {arg for _c, arg, _b in ACCEPTED} <= names
    assert {(c, a, b) for c, a, b in ACCEPTED} <= {(c.command, c.argument, c.bad) for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_with_a_message(case: Case, case_files: Path) -> None:
    argv = _resolve(case.argv, case_files)
    done = run_cli(tuple(argv), case.stdin)
    shown = f"{argv}\nexit {done.code}, stopped: {done.stopped}\nstderr: {done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, shown
    why = ACCEPTED.get((case.command, case.argument, case.bad))
    if why is not None:  # good input: it goes on to the model or answers
        assert (done.stopped is not None and "hang" not in done.stopped) or done.code == 0, shown
        return
    assert done.stopped is None, f"not refused before {done.stopped}: {shown}"
    assert done.code == 2, shown
    message = done.stderr.strip()
    assert message.startswith("error:") and len(message) < 2000, shown
    assert any(word in message.lower() for word in _culprits(case, case_files)), f"the message does not name what is wrong: {shown}"


def _culprits(case: Case, files: Path) -> set[str]:
    """Words (lower case) of which a message about ``case`` names one: the argument, its value or
    file; for an empty value, that nothing was given."""
    if case.argument == "-":
        return {""}
    bare = case.argument.lstrip("-")
    words = {case.argument, bare.replace("-", " "), bare.replace("_", " "), bare.replace("-", "_")}
    what, _, value = case.bad.partition(":")
    if what == "stdin":
        words |= {"standard input", "prompt", "text"}
    elif what in ("file", "model", "db", "output") and value:
        words.add(str(files / value))
    elif value.strip():
        words |= {value, *value.split("@")} - {""}
    else:
        words |= {"empty", "no ", "give", "needs"}
    return {w.lower() for w in words}


def _one_of_each_kind() -> list[Case]:
    """The first refused case of each kind of bad input that a real process can be given the same way."""
    first: dict[str, Case] = {}
    for case in CASES:
        what = case.bad.partition(":")[0]
        if case.stdin is None and case.argument != "-" and "fifo" not in case.bad and (case.command, case.argument, case.bad) not in ACCEPTED:
            first.setdefault(what, case)
    return list(first.values())


@pytest.mark.parametrize("case", _one_of_each_kind(), ids=lambda c: c.id)
def test_a_real_process_refuses_as_the_table_does(case: Case, case_files: Path) -> None:
    """The table runs in this process; a few cases again as a user runs them, to the same answer."""
    from tests.helpers.cli import workbench

    argv = _resolve(case.argv, case_files)
    inside = run_cli(tuple(argv), None)
    done = workbench(*argv)
    assert (done.returncode, done.stderr) == (inside.code, inside.stderr) and done.returncode == 2, (argv, done.stderr)
