"""Entry script of the frozen bundle: the same `workbench.cli:main` as the `workbench` command.

The bundle's executable is also the engine host: the app starts `[sys.executable, "--engine-host"]`
when frozen, and `workbench.cli.main` dispatches that flag before anything else.
"""

import sys

from workbench.cli import main

if __name__ == "__main__":
    sys.exit(main())
