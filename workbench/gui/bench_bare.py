"""The baseline of `workbench bench`'s window start: an empty QMainWindow and nothing else.

Run as ``python -m workbench.gui.bench_bare`` (offscreen); prints ``shown`` once the window is up,
at the same point as ``workbench.gui.bench_gui`` does for the app's window, then exits. What it
takes is Python and Qt starting on the machine as it is at that moment.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMainWindow


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.show()
    app.processEvents()
    print("shown", flush=True)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
