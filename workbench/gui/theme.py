"""Light, dark, or following the system's colour scheme.

A theme is an application palette on the Fusion style (which honours a palette on every platform),
plus the colours our own views paint with: the probability tint ramp behind generated tokens, the
token tints of the Tokens panel, the bars of the next-token chart and the error/warning texts. Each
scheme has its own set, chosen so that text stays readable (WCAG contrast 4.5 or more) on every tint.
Views ask ``current_scheme()`` when they paint, and re-tint when the palette changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from workbench.gui.qt_helpers import Retranslating
from workbench.gui.settings import AppSettings

THEMES = ("system", "light", "dark")  # as the menu lists them; "system" follows the platform
TONE_PROPERTY = "workbench_tone"

Role = QPalette.ColorRole


@dataclass(frozen=True, repr=False)
class Scheme:
    """The colours of one scheme (light or dark): the palette and what our views paint with."""

    name: str
    roles: dict[QPalette.ColorRole, str]
    disabled: dict[QPalette.ColorRole, str]
    # The probability ramp: hue from red (p = 0) to green (p = 1); saturation and value go from
    # the first number (p = 1) to the second (p = 0), so surprising tokens stand out the most.
    tint_text: str
    tint_saturation: tuple[float, float]
    tint_value: tuple[float, float]
    token_backgrounds: tuple[str, ...]
    token_text: str
    special: tuple[str, str]  # background, text of a special token
    dropped: tuple[str, str]  # background, text of characters a tokenizer dropped
    partial_underline: str
    tones: dict[str, str] = field(default_factory=dict)  # error, warning, muted texts
    bars: dict[str, str] = field(default_factory=dict)  # next-token chart: kept, final, cut, cut_text

    def __repr__(self) -> str:
        return f"Scheme({self.name!r})"

    def tint(self, prob: float) -> QColor:
        """The opaque background for a token of probability ``prob`` (clamped to 0..1)."""
        p = min(1.0, max(0.0, prob))
        (s_sure, s_odd), (v_sure, v_odd) = self.tint_saturation, self.tint_value
        return QColor.fromHsvF(p * 120 / 360, s_sure + (s_odd - s_sure) * (1 - p), v_sure + (v_odd - v_sure) * (1 - p))

    def palette(self) -> QPalette:
        palette = QPalette()
        for role, colour in self.roles.items():
            palette.setColor(role, QColor(colour))
        for role, colour in self.disabled.items():
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
        return palette


LIGHT = Scheme(
    name="light",
    roles={
        Role.Window: "#efefef",
        Role.WindowText: "#1a1a1a",
        Role.Base: "#ffffff",
        Role.AlternateBase: "#f5f5f5",
        Role.Text: "#1a1a1a",
        Role.PlaceholderText: "#6b6b6b",
        Role.Button: "#efefef",
        Role.ButtonText: "#1a1a1a",
        Role.BrightText: "#ffffff",
        Role.Light: "#ffffff",
        Role.Midlight: "#e3e3e3",
        Role.Mid: "#b8b8b8",
        Role.Dark: "#9f9f9f",
        Role.Shadow: "#767676",
        Role.Highlight: "#2f6fdb",
        Role.HighlightedText: "#ffffff",
        Role.Link: "#1a5fb4",
        Role.LinkVisited: "#6a3fb0",
        Role.ToolTipBase: "#ffffdc",
        Role.ToolTipText: "#1a1a1a",
        Role.Accent: "#2f6fdb",
    },
    disabled={
        Role.WindowText: "#8c8c8c",
        Role.Text: "#8c8c8c",
        Role.ButtonText: "#8c8c8c",
        Role.Base: "#f5f5f5",
        Role.Highlight: "#b8b8b8",
    },
    tint_text="#1a1a1a",
    tint_saturation=(0.09, 0.49),
    tint_value=(1.0, 1.0),
    token_backgrounds=("#cfe8ff", "#ffe3b3", "#d4f5d0", "#f7d3f0", "#fff4a8", "#d9d4ff"),
    token_text="#1a1a1a",
    special=("#3b3b58", "#ffffff"),
    dropped=("#b3261e", "#ffffff"),
    partial_underline="#c0392b",
    tones={"error": "#b3261e", "warning": "#8a5a00", "muted": "#5f6368"},
    bars={"kept": "#2f6fdb", "final": "#17a34a", "cut": "#b8bcc4", "cut_text": "#5f6368"},
)

DARK = Scheme(
    name="dark",
    roles={
        Role.Window: "#2b2b2b",
        Role.WindowText: "#e6e6e6",
        Role.Base: "#1e1e1e",
        Role.AlternateBase: "#262626",
        Role.Text: "#e6e6e6",
        Role.PlaceholderText: "#9a9a9a",
        Role.Button: "#353535",
        Role.ButtonText: "#e6e6e6",
        Role.BrightText: "#ffffff",
        Role.Light: "#4a4a4a",
        Role.Midlight: "#3f3f3f",
        Role.Mid: "#2f2f2f",
        Role.Dark: "#1a1a1a",
        Role.Shadow: "#0d0d0d",
        Role.Highlight: "#3d6fc4",
        Role.HighlightedText: "#ffffff",
        Role.Link: "#8ab4f8",
        Role.LinkVisited: "#c58af9",
        Role.ToolTipBase: "#3a3a3a",
        Role.ToolTipText: "#e6e6e6",
        Role.Accent: "#3d6fc4",
    },
    disabled={
        Role.WindowText: "#7a7a7a",
        Role.Text: "#7a7a7a",
        Role.ButtonText: "#7a7a7a",
        Role.Base: "#262626",
        Role.Highlight: "#4a4a4a",
    },
    tint_text="#e6e6e6",
    # Dark, saturated backgrounds under light text: near-certain tokens barely differ from the base.
    tint_saturation=(0.40, 0.80),
    tint_value=(0.26, 0.52),
    token_backgrounds=("#1d3b5c", "#573a12", "#1f4a26", "#4f2449", "#4a4416", "#35306b"),
    token_text="#e6e6e6",
    special=("#c8c8f0", "#1a1a2e"),
    dropped=("#b3261e", "#ffffff"),
    partial_underline="#ff8a80",
    tones={"error": "#ff8a80", "warning": "#e0b050", "muted": "#a0a4ab"},
    bars={"kept": "#4f8cf0", "final": "#34c46a", "cut": "#5c6066", "cut_text": "#9a9da3"},
)

SCHEMES = {"light": LIGHT, "dark": DARK}


def current_scheme() -> Scheme:
    """The scheme the application shows now (read from its palette, so it is always what is seen)."""
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return DARK if base.lightness() < 128 else LIGHT


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Colour ``widget``'s text as an 'error', 'warning' or 'muted' text of the current scheme
    (None: the normal text colour); it follows later theme changes."""
    widget.setProperty(TONE_PROPERTY, tone or "")
    _paint_tone(widget, current_scheme())


def tone_colour(tone: str) -> str:
    """The current scheme's colour for an 'error', 'warning' or 'muted' text, e.g. for HTML."""
    return current_scheme().tones[tone]


def _paint_tone(widget: QWidget, scheme: Scheme) -> None:
    tone = widget.property(TONE_PROPERTY)
    widget.setStyleSheet(f"color: {scheme.tones[tone]};" if tone else "")


class ThemeController(QObject):
    """The application's theme; one per application (``theme_controller()``). In "system" mode
    it follows the platform's colour scheme as it changes."""

    changed = Signal(str)  # the scheme now shown: "light" or "dark"

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.mode = "system"
        self.scheme = ""  # nothing applied yet
        app.styleHints().colorSchemeChanged.connect(self._system_changed)

    def set_mode(self, mode: str) -> None:
        """'light', 'dark' or 'system'; anything else (an old settings file) counts as 'system'."""
        self.mode = mode if mode in THEMES else "system"
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "setColorScheme"):  # Qt 6.8+: window frames and native dialogs follow too
            hints.setColorScheme(
                {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(self.mode, Qt.ColorScheme.Unknown)
            )
        self._show(self._wanted(hints.colorScheme()))

    def _system_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.mode == "system":
            self._show(self._wanted(scheme))

    def _wanted(self, system: Qt.ColorScheme) -> str:
        if self.mode != "system":
            return self.mode
        return "dark" if system == Qt.ColorScheme.Dark else "light"

    def _show(self, name: str) -> None:
        if name == self.scheme:
            return
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        if app.style().name().lower() != "fusion":
            app.setStyle("Fusion")
        scheme = SCHEMES[name]
        app.setPalette(scheme.palette())
        self.scheme = name
        for widget in app.allWidgets():
            if widget.property(TONE_PROPERTY):
                _paint_tone(widget, scheme)
        self.changed.emit(name)


def theme_controller() -> ThemeController:
    """The running application's theme controller, made on first use."""
    app = QApplication.instance()
    assert isinstance(app, QApplication), "a QApplication must exist before the theme is set"
    found = app.findChild(ThemeController)
    return found if found is not None else ThemeController(app)


def apply_theme(mode: str) -> None:
    """Show ``mode`` ('light', 'dark' or 'system') in the whole application."""
    theme_controller().set_mode(mode)


class ThemeMenu(Retranslating, QMenu):
    """View → Theme: light, dark or following the system; the choice is applied and remembered."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("theme-menu")
        self.settings = settings
        self.group = QActionGroup(self)
        self.mode_actions: dict[str, QAction] = {}
        for mode in THEMES:
            action = QAction(self, checkable=True)
            action.setObjectName(f"theme-{mode}")
            action.triggered.connect(lambda _c=False, mode=mode: self.choose(mode))
            self.group.addAction(action)
            self.addAction(action)
            self.mode_actions[mode] = action
        self.mode_actions.get(settings.theme(), self.mode_actions["system"]).setChecked(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("&Theme"))
        self.mode_actions["system"].setText(self.tr("Follow the &system"))
        self.mode_actions["light"].setText(self.tr("&Light"))
        self.mode_actions["dark"].setText(self.tr("&Dark"))

    def choose(self, mode: str) -> None:
        self.settings.set_theme(mode)
        apply_theme(mode)
        self.mode_actions[mode].setChecked(True)
