#!/usr/bin/env bash
# `make package-test`: the installer archive as a user gets it, unpacked and started.
#
#   packaging/package_test.sh [ARCHIVE]     (default: the newest dist/prompt-workbench-*.tar.gz)
#
# The archive is unpacked into a temporary folder named `测试 dir` (a space and non-ASCII letters),
# which is then made read-only (a read-only bind mount as root, else chmod). Every command runs with
# a bare environment (`env -i`: no venv, no PYTHONPATH, PATH of the system only), from another
# folder. Checks, each printed as `ok ...`; the first failure exits 1 with the reason:
#   1. the archive's layout: launcher, .desktop file, icons 16-512 and scalable, the bundle
#   2. llama.cpp in it is the portable build: no AVX-512 instruction in libggml-cpu (objdump)
#   3. the launcher runs the app from the read-only folder (`prompt-workbench --version`)
#   4. packaging/smoke_test.sh on the unpacked bundle: CLI run, history, templates, an experiment,
#      tokens, the window offscreen in Chinese, the engine host from the bundle, and (strace)
#      nothing opened from outside it
#   5. no writable home: HOME on the read-only folder → one warning naming a temporary data folder,
#      and a run is still made and saved there
#   6. install-desktop-entry.sh: a menu entry whose Exec names the launcher in this odd path, quoted
#      as the Desktop Entry spec says, and the icons; --remove takes them out
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARCHIVE="${1:-$(ls -t "$ROOT"/dist/prompt-workbench-*.tar.gz 2>/dev/null | head -n 1)}"
[ -n "$ARCHIVE" ] && [ -f "$ARCHIVE" ] || { echo "package_test: FAIL: no archive; build it with \`make package\`." >&2; exit 1; }
ARCHIVE="$(cd "$(dirname "$ARCHIVE")" && pwd)/$(basename "$ARCHIVE")"
NAME="$(basename "$ARCHIVE" .tar.gz)"
HOST_PY="$(command -v /usr/bin/python3 || command -v python3)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/workbench-package.XXXXXX")"
PLACE="$TMP/测试 dir"
MOUNTED=""
cleanup() {
    [ -n "$MOUNTED" ] && umount "$PLACE" 2>/dev/null
    chmod -R u+w "$TMP" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

pass() { echo "ok   $*"; }
fail() {
    echo "FAIL $1" >&2
    shift
    for f in "$@"; do [ -s "$f" ] && { echo "---- $(basename "$f")" >&2; tail -n 30 "$f" >&2; }; done
    exit 1
}
# bare CMD...: run with only what a fresh login has (no venv, no Python variables), from $TMP/cwd.
bare() {
    (cd "$TMP/cwd" && env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TMPDIR="$TMP/tmp" HOME="${BARE_HOME:-$TMP/home}" "$@")
}

mkdir -p "$PLACE" "$TMP/cwd" "$TMP/tmp" "$TMP/home"
tar -C "$PLACE" -xzf "$ARCHIVE" || fail "the archive does not unpack: $ARCHIVE"
APP="$PLACE/$NAME"
echo "archive: $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1)), unpacked $(du -sh "$APP" | cut -f1) in $PLACE"

# The folder read-only. chmod does not stop root, so as root the folder becomes a read-only mount.
if [ "$(id -u)" = 0 ] && mount --bind "$PLACE" "$PLACE" 2>/dev/null; then
    MOUNTED=1
    mount -o remount,bind,ro "$PLACE" || fail "cannot remount $PLACE read-only"
else
    chmod -R a-w "$PLACE"
fi
touch "$APP/.probe" 2>/dev/null && fail "could not make $PLACE read-only (a root without mount rights?)"
pass "unpacked into a read-only folder with a space and non-ASCII letters in its path"

# 1. layout -----------------------------------------------------------------------------------------
for f in prompt-workbench install-desktop-entry.sh prompt-workbench.desktop README.txt workbench/workbench \
         icons/hicolor/scalable/apps/prompt-workbench.svg; do
    [ -e "$APP/$f" ] || fail "the archive lacks $f"
done
for size in 16 24 32 48 64 128 256 512; do
    png="$APP/icons/hicolor/${size}x${size}/apps/prompt-workbench.png"
    [ "$("$HOST_PY" -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print(*struct.unpack(">II", d[16:24]))' "$png")" = "$size $size" ] \
        || fail "icon $png is not ${size}x${size}"
done
grep -qx "Exec=prompt-workbench" "$APP/prompt-workbench.desktop" && grep -qx "Icon=prompt-workbench" "$APP/prompt-workbench.desktop" \
    || fail "prompt-workbench.desktop does not start prompt-workbench with its icon" "$APP/prompt-workbench.desktop"
pass "layout: launcher, .desktop file, icons 16-512 and scalable, bundle"

# 2. portable llama.cpp ------------------------------------------------------------------------------
if command -v objdump >/dev/null; then
    cpu_lib="$APP/workbench/_internal/llama_cpp/lib/libggml-cpu.so"
    [ -f "$cpu_lib" ] || fail "no libggml-cpu.so in the bundle"
    n512="$(objdump -d "$cpu_lib" | grep -c zmm)"
    [ "$n512" = 0 ] || fail "libggml-cpu.so uses AVX-512 ($n512 instructions on zmm registers): not the portable build"
    pass "llama.cpp is the portable build: no AVX-512 instruction in libggml-cpu.so"
else
    fail "objdump is needed to check the llama.cpp build (apt-get install binutils)"
fi

# 3. the launcher ------------------------------------------------------------------------------------
bare "$APP/prompt-workbench" --version >"$TMP/out" 2>"$TMP/err" || fail "the launcher failed" "$TMP/out" "$TMP/err"
grep -q "^workbench " "$TMP/out" || fail "the launcher printed no version" "$TMP/out"
pass "launcher from the read-only folder: $(cat "$TMP/out")"

# 4. the smoke test on the unpacked bundle ------------------------------------------------------------
bare PYTHON="$HOST_PY" bash "$ROOT/packaging/smoke_test.sh" "$APP/workbench" || fail "the smoke test failed on the unpacked bundle"
pass "smoke test of the unpacked, read-only bundle"

# 5. no writable home ---------------------------------------------------------------------------------
BARE_HOME="$APP" bare "$APP/prompt-workbench" run --prompt Hello --max-tokens 3 --temperature 0 --json >"$TMP/out" 2>"$TMP/err" \
    || fail "a run with no writable home failed" "$TMP/out" "$TMP/err"
[ "$(grep -c '^warning: Cannot keep data in' "$TMP/err")" = 1 ] || fail "no single warning about the home" "$TMP/err"
fallback="$TMP/tmp/prompt-workbench-$(id -u)"
grep -Fq "using $fallback for now" "$TMP/err" || fail "the warning does not name $fallback" "$TMP/err"
[ -f "$fallback/workbench.sqlite" ] || fail "the run was not saved in $fallback" "$TMP/err"
"$HOST_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["tokens"])==3 and d["run_id"]==1, d' "$TMP/out" \
    || fail "the run's result is not whole" "$TMP/out"
pass "no writable home: one warning, then the run saved in $fallback"

# 6. the menu entry -----------------------------------------------------------------------------------
XDG="$TMP/xdg"
bare XDG_DATA_HOME="$XDG" "$APP/install-desktop-entry.sh" >"$TMP/out" 2>"$TMP/err" || fail "install-desktop-entry.sh failed" "$TMP/out" "$TMP/err"
"$HOST_PY" - "$XDG/applications/prompt-workbench.desktop" "$APP/prompt-workbench" <<'PYEOF' || fail "the menu entry is wrong" "$XDG/applications/prompt-workbench.desktop"
import re, shlex, sys
entry, launcher = sys.argv[1], sys.argv[2]
lines = open(entry, encoding="utf-8").read().splitlines()
execs = [l[5:] for l in lines if l.startswith("Exec=")]
assert len(execs) == 1, execs
value = execs[0].replace("\\\\", "\\")  # the string level of the Desktop Entry spec
assert value.startswith('"') and value.endswith('"'), value
argv = shlex.split(value)  # the spec's quoting is a subset of the shell's
assert argv == [launcher], (argv, launcher)
assert "Icon=prompt-workbench" in lines and not any(l.startswith("TryExec=") for l in lines)
PYEOF
for size in 16 512; do [ -f "$XDG/icons/hicolor/${size}x${size}/apps/prompt-workbench.png" ] || fail "icon $size not installed"; done
bare XDG_DATA_HOME="$XDG" "$APP/install-desktop-entry.sh" --remove >/dev/null || fail "install-desktop-entry.sh --remove failed"
[ -e "$XDG/applications/prompt-workbench.desktop" ] && fail "--remove left the menu entry"
[ -n "$(find "$XDG/icons" -name 'prompt-workbench.*')" ] && fail "--remove left icons"
pass "menu entry: Exec quotes the launcher's path, icons installed; --remove takes both out"

echo "package test passed"
