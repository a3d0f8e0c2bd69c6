"""Architecture contracts: Qt only in the GUI package, llama.cpp only in engine/llamacpp/."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import workbench

PACKAGE = Path(workbench.__file__).parent
LLAMA_PACKAGE = "engine/llamacpp/"  # the session, sampler and kernels of the host, and the benchmark's reference


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def modules() -> list[tuple[str, set[str]]]:
    return [(p.relative_to(PACKAGE).as_posix(), imported_roots(p)) for p in sorted(PACKAGE.rglob("*.py"))]


def test_qt_is_imported_only_under_gui() -> None:
    offenders = [name for name, roots in modules() if roots & {"PySide6", "shiboken6"} and not name.startswith("gui/")]
    assert offenders == []


def test_llama_cpp_is_imported_only_under_engine_llamacpp() -> None:
    users = {name for name, roots in modules() if "llama_cpp" in roots}
    assert users and {name for name in users if not name.startswith(LLAMA_PACKAGE)} == set()


def test_contract_check_sees_real_imports() -> None:
    # The checker must find the imports it forbids elsewhere, or the two tests above prove nothing.
    gui_roots = set().union(*(roots for name, roots in modules() if name.startswith("gui/")))
    assert "PySide6" in gui_roots


def test_core_runs_headless_without_qt_or_llama() -> None:
    code = (
        "import sys, pkgutil, importlib, workbench\n"
        "for m in pkgutil.walk_packages(workbench.__path__, 'workbench.'):\n"
        "    if '.gui' in m.name or m.name == 'workbench.__main__' or (m.name + '.').startswith('workbench.engine.llamacpp.'):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('PySide6', 'llama_cpp'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
