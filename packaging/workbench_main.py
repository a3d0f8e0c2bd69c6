"""Entry script of the frozen bundle: the same `workbench.cli:main` as the `workbench` command.

The bundle's executable also stands in for `python` where the app starts a child process:

* the engine host: frozen, the app starts ``[sys.executable, "--engine-host"]`` and
  ``workbench.cli.main`` dispatches that flag itself;
* ``workbench bench`` starts ``[sys.executable, "-m", "workbench.gui.bench_gui", N]`` for its window
  measurements. Frozen, ``sys.executable`` is this executable, so that command arrives here as
  ``workbench -m workbench.gui.bench_gui N`` and is dispatched below. Only the listed modules are
  accepted; any other ``-m`` goes to the normal command line (which rejects it).
"""

import importlib
import sys

# Modules the app runs as `python -m MODULE` children; each has a main() -> int.
CHILD_MODULES = ("workbench.gui.bench_gui", "workbench.engine.host")


def main() -> int:
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "-m" and args[1] in CHILD_MODULES:
        sys.argv = [sys.argv[0], *args[2:]]  # as `python -m MODULE ARGS` would leave it
        return importlib.import_module(args[1]).main()

    from workbench.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
