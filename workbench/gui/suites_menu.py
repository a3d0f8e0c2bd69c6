"""The built-in suites as a menu (the Library's and the Experiments panel's Suites buttons)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu


def fill_suites_menu(menu: QMenu, chosen: Callable[[str], object]) -> None:
    """Fill ``menu`` with one action a suite (its title, its description as tooltip); choosing one
    calls ``chosen`` with the suite's file."""
    from workbench.app.experiments.suites import suites

    menu.clear()
    menu.setToolTipsVisible(True)
    for suite in suites():
        action = menu.addAction(suite.title)
        action.setToolTip(suite.description)
        action.triggered.connect(lambda _checked=False, path=str(suite.path): chosen(path))
