"""Render the app icon (assets/icons/workbench.svg) as the PNG sizes desktops ask for:
assets/icons/workbench-SIZE.png for 16..512. Run after editing the SVG:

    .venv/bin/python scripts/make-icons.py

The PNGs are committed (the window and the installer use them; the bundle leaves QtSvg out)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (QImage painting needs the application)
    renderer = QSvgRenderer(str(ICONS / "workbench.svg"))
    if not renderer.isValid():
        print(f"cannot read {ICONS / 'workbench.svg'}", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = ICONS / f"workbench-{size}.png"
        if not image.save(str(out)):
            print(f"cannot write {out}", file=sys.stderr)
            return 1
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
