"""Themes: light, dark and following the system; the probability tints readable on both."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit
from pytestqt.qtbot import QtBot

from tests.helpers.colours import contrast
from tests.helpers.window import open_window
from workbench.gui.app import create_window
from workbench.gui.output_view import OutputView
from workbench.gui.settings import AppSettings
from workbench.gui.theme import DARK, LIGHT, Scheme, apply_theme, current_scheme, set_tone, theme_controller
from workbench.gui.token_lab import TokenColouring
from workbench.values.tokens import Alternative, TokenEvent

AA = 4.5  # WCAG 2 level AA for normal text


@pytest.fixture(autouse=True)
def back_to_light(qapp: object) -> Iterator[None]:
    """The palette belongs to the whole test process: leave it as the other tests expect it."""
    yield
    apply_theme("system")  # offscreen, the system has no scheme: light
    assert current_scheme() is LIGHT


def over(colour: QColor, base: QColor) -> QColor:
    """``colour`` as seen painted over ``base`` (a translucent tint shows the base through)."""
    a = colour.alphaF()
    return QColor.fromRgbF(*(a * c + (1 - a) * b for c, b in zip(colour.getRgbF()[:3], base.getRgbF()[:3])))


def token(prob: float, rank: int = 0, entropy: float = 0.0) -> TokenEvent:
    """A token of probability ``prob``, ``rank`` alternatives ahead of it (99: not among them)."""
    top = [Alternative(100 + i, "x", math.log(0.9)) for i in range(min(rank, 5))]
    if rank < 5:
        top.append(Alternative(1, "a", math.log(prob) if prob > 0 else -50.0))
    return TokenEvent(1, "a", b"a", math.log(prob) if prob > 0 else -50.0, top, entropy)


SAMPLES = [i / 100 for i in range(101)]
VARIED = (
    [token(max(p, 1e-9)) for p in SAMPLES]
    + [token(0.5, rank=r) for r in (0, 1, 2, 3, 4, 99)]
    + [token(0.5, entropy=e / 10) for e in range(0, 80)]
)


@pytest.mark.parametrize("scheme", [LIGHT, DARK], ids=["light", "dark"])
def test_every_tint_of_the_ramp_keeps_the_text_readable(scheme: Scheme) -> None:
    text = QColor(scheme.tint_text)
    assert text == scheme.palette().color(QPalette.ColorRole.Text)  # what the view writes with
    worst = min(contrast(text, scheme.tint(p)) for p in SAMPLES)
    assert worst >= AA, f"{scheme.name}: contrast {worst:.2f}"
    # The ramp is a ramp: surprising tokens stand out from the base more than near-certain ones.
    base = scheme.palette().color(QPalette.ColorRole.Base)
    assert contrast(scheme.tint(0.0), base) > contrast(scheme.tint(1.0), base)


@pytest.mark.parametrize("name", ["light", "dark"])
@pytest.mark.parametrize("mode", ["probability", "rank", "entropy"])
def test_the_output_view_tints_read_in_every_colour_mode(qtbot: QtBot, name: str, mode: str) -> None:
    apply_theme(name)
    view = OutputView()
    qtbot.addWidget(view)
    view.set_colour_mode(mode)
    view.append_tokens(VARIED)
    cursor = QTextCursor(view.document())
    base = view.palette().color(QPalette.ColorRole.Base)
    worst = math.inf
    for i in range(len(VARIED)):
        cursor.setPosition(i + 1)  # the format of the character before the cursor: token i
        fmt = cursor.charFormat()
        written = fmt.hasProperty(fmt.Property.ForegroundBrush)
        text = fmt.foreground().color() if written else view.palette().color(QPalette.ColorRole.Text)
        worst = min(worst, contrast(text, over(fmt.background().color(), base)))
    assert worst >= AA, f"{name}/{mode}: contrast {worst:.2f}"


def test_token_tints_special_tokens_and_tones_read_on_both() -> None:
    for scheme in (LIGHT, DARK):
        for background in scheme.token_backgrounds:
            assert contrast(QColor(scheme.token_text), QColor(background)) >= AA
        assert contrast(*map(QColor, scheme.special)) >= AA and contrast(*map(QColor, scheme.dropped)) >= AA
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
            behind = QColor(scheme.roles[role])
            for tone, colour in scheme.tones.items():
                assert contrast(QColor(colour), behind) >= AA, (scheme.name, tone)
            assert contrast(QColor(scheme.roles[QPalette.ColorRole.PlaceholderText]), behind) >= AA


def test_dark_from_the_menu_repaints_the_app_and_is_remembered(qtbot: QtBot) -> None:
    win = open_window(qtbot, model=None)
    assert current_scheme() is LIGHT and win.theme_menu.mode_actions["system"].isChecked()
    titles = [a.text() for a in win.view_menu.actions()]
    assert win.theme_menu.title() in titles  # the last entry of View
    win.output.append_tokens([token(0.02), token(0.97)])
    surprising = QTextCursor(win.output.document())
    surprising.setPosition(1)
    assert surprising.charFormat().background().color() == LIGHT.tint(0.02)

    win.theme_menu.mode_actions["dark"].trigger()

    palette = QGuiApplication.palette()
    assert palette.color(QPalette.ColorRole.Base) == QColor(DARK.roles[QPalette.ColorRole.Base])
    assert palette.color(QPalette.ColorRole.Window).lightness() < 80
    dark_base = QColor(DARK.roles[QPalette.ColorRole.Base])
    qtbot.wait_until(lambda: win.output.palette().color(QPalette.ColorRole.Base) == dark_base)  # Qt posts it on
    assert QGuiApplication.instance().style().name().lower() == "fusion"  # type: ignore[attr-defined]
    surprising = QTextCursor(win.output.document())  # the run already shown is re-tinted
    surprising.setPosition(1)
    assert surprising.charFormat().background().color() == DARK.tint(0.02)
    assert surprising.charFormat().foreground().color() == QColor(DARK.tint_text)
    assert win.theme_menu.mode_actions["dark"].isChecked()
    assert AppSettings().theme() == "dark"
    win.close()

    apply_theme("light")  # as if the app started afresh: the remembered choice comes back
    again = create_window(model=None)
    qtbot.addWidget(again)
    assert current_scheme() is DARK
    assert again.theme_menu.mode_actions["dark"].isChecked()
    again.close()


def test_system_mode_follows_the_platform_scheme(qtbot: QtBot) -> None:
    hints = QGuiApplication.styleHints()
    label = QLabel("the file is missing")
    qtbot.addWidget(label)
    set_tone(label, "error")
    assert LIGHT.tones["error"] in label.styleSheet()
    apply_theme("system")
    assert current_scheme() is LIGHT
    with qtbot.wait_signal(theme_controller().changed, timeout=2000) as changed:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the user switched the desktop to dark
    assert changed.args == ["dark"] and current_scheme() is DARK
    assert DARK.tones["error"] in label.styleSheet()  # error texts follow too
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert current_scheme() is LIGHT

    apply_theme("dark")  # a chosen scheme stays whatever the desktop does
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert current_scheme() is DARK


def test_token_lab_tints_follow_the_theme(qtbot: QtBot) -> None:
    view = QPlainTextEdit()
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show()
    colouring = TokenColouring(view)
    colouring.set_spans(np.array([0, 3]), np.array([3, 6]), np.array([0, 1], np.int8), [])
    view.setPlainText("abcdef")
    colouring.format_visible()

    def backgrounds() -> list[str]:
        return [r.format.background().color().name() for r in view.document().firstBlock().layout().formats()]

    assert backgrounds() == [LIGHT.token_backgrounds[0], LIGHT.special[0]]
    apply_theme("dark")
    assert backgrounds() == [DARK.token_backgrounds[0], DARK.special[0]]


def test_an_unknown_theme_in_the_settings_counts_as_system(qtbot: QtBot) -> None:
    AppSettings().set_theme("sepia")
    win = create_window(model=None)
    qtbot.addWidget(win)
    assert current_scheme() is LIGHT and win.theme_menu.mode_actions["system"].isChecked()
    win.close()
