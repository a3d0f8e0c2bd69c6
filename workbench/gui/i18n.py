"""Interface language: English or Simplified Chinese, following the system unless the user chose.

Translations are Qt .qm files compiled from the .ts sources in workbench/gui/i18n/ (the Makefile
runs pyside6-lrelease). Qt's own strings (standard buttons, dialogs) come from PySide6's bundled
qtbase translations.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).parent / "i18n"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}

_installed: list[QTranslator] = []


def system_language() -> str:
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def install_language(code: str = "") -> str:
    """Switch the running app to ``code`` ('' = the system's). Returns the language now in use.

    Widgets update through their LanguageChange event.
    """
    app = QCoreApplication.instance()
    language = code or system_language()
    if language not in LANGUAGES:
        language = "en"
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language != "en":
        ours = QTranslator()
        if ours.load(str(I18N_DIR / f"workbench_{language}.qm")):
            app.installTranslator(ours)
            _installed.append(ours)
        qt = QTranslator()
        if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
    # Deliver the LanguageChange events now, so every open widget shows the new language at once.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    return language
