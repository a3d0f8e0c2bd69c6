"""Architecture contracts, checked on the real import statements of the package (an AST walk,
as napari's import-linter contracts do): which layer may import which, and no import cycles."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import workbench

PACKAGE = Path(workbench.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, at any depth of the file (lazy imports count too)."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            yield base
            for alias in node.names:  # "from workbench.cli import options": the submodule too
                yield f"{base}.{alias.name}"


def graph() -> dict[str, set[str]]:
    """workbench module -> the workbench modules it imports (names that are modules)."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports(path) if m in files and m != name} for name, path in files.items()}


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def offenders(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{name} imports {target}"
        for name, path in ((module_name(p), p) for p in PACKAGE.rglob("*.py"))
        if under(name, layer)
        for target in imports(path)
        if any(under(target, f) for f in forbidden)
    )


def test_the_application_layer_imports_neither_qt_nor_the_cli_nor_the_gui() -> None:
    assert offenders("workbench.app", ("PySide6", "shiboken6", "workbench.cli", "workbench.gui")) == []


def test_the_store_imports_neither_prompts_nor_the_engine() -> None:
    assert offenders("workbench.store", ("workbench.prompts", "workbench.engine", "workbench.app")) == []


def test_lower_layers_import_nothing_above_them() -> None:
    above = ("workbench.app", "workbench.cli", "workbench.gui")
    for layer in ("workbench.engine", "workbench.prompts", "workbench.tokens", "workbench.models", "workbench.store"):
        assert offenders(layer, above) == [], layer
    assert offenders("workbench.values", ("workbench.engine", "workbench.store", "workbench.prompts", *above)) == []


def test_the_cli_never_imports_the_gui_except_to_open_the_window() -> None:
    assert offenders("workbench.cli", ("PySide6", "workbench.gui")) == [
        "workbench.cli imports workbench.gui.app", "workbench.cli imports workbench.gui.app.main"]


def test_no_import_cycle_anywhere_in_the_package() -> None:
    edges = graph()
    # A package's __init__ importing its own submodules is how a package is built, not a cycle of layers.
    for name in edges:
        edges[name] = {t for t in edges[name] if not (under(t, name) and (PACKAGE / Path(*name.split(".")[1:]) / "__init__.py").exists())}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert cycles == []


def test_the_checks_see_real_imports() -> None:
    # The walk must find the imports it forbids elsewhere, or the tests above prove nothing.
    edges = graph()
    assert "workbench.app.prompt_spec" in edges["workbench.cli.generate"] | edges["workbench.app.runs"]
    assert any(under(t, "workbench.app") for t in edges["workbench.gui.run_controller"])
    assert offenders("workbench.gui", ("PySide6",))
