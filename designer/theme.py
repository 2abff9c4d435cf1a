"""The one theme of the designer: light or dark, following the system's colour scheme live.

:func:`install` (called once at start-up) sets the Fusion style and the palette of the system's
scheme, and follows ``QStyleHints.colorSchemeChanged`` while
the designer runs: the palette and the toned labels' colours are replaced, the canvas theme is rebuilt and
:attr:`ThemeManager.changed` is emitted so views that cache colours (syntax highlighters, JSON
trees, the Definition view) redraw. Every colour the palette, the canvas, the run docks and the
code views use comes from here: :func:`colour` looks up a named role for the current scheme,
:func:`status_colour` the colour of a run status (the same on the canvas and in the run docks).

Muted text is a tone, not a colour baked into a widget: ``theme.tone(label, "muted")`` (``"key"``
for the small capitals field names, ``"error"`` for red notes) sets the label's text colour and
marks it, so a scheme change recolours every such label without any widget code. (No
application style sheet: it would make every widget of the Inspector slower to build.)
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

DARK_PALETTE = {
    QPalette.ColorRole.Window: "#2b2d31", QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#26282c",
    QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#33363b",
    QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#4c6ef5",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#33363b",
    QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.PlaceholderText: "#8a8f98",
    QPalette.ColorRole.Light: "#45484e", QPalette.ColorRole.Midlight: "#3a3d42",
    QPalette.ColorRole.Mid: "#5a5e66", QPalette.ColorRole.Dark: "#1a1b1e",
    QPalette.ColorRole.Shadow: "#0d0d0f", QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Link: "#8ab4f8", QPalette.ColorRole.LinkVisited: "#c58af9",
}

#: Run statuses: one set for the canvas's run marks and for the run docks (light, dark).
STATUS = {
    "success": ("#2e9e4f", "#4cc46e"),
    "partial": ("#e8830c", "#f5a142"),
    "failed": ("#d64541", "#ef6b67"),
    "killed": ("#8b1e1e", "#d06060"),
    "interrupted": ("#8a8f98", "#a3aab5"),
    "skipped": ("#8a8f98", "#a3aab5"),
    "running": ("#2d7ff9", "#5b9cff"),
    "pending": ("#8a8f98", "#a3aab5"),
}

#: Named colours (light, dark).
ROLES = {
    "muted": ("#6b7280", "#a3aab5"),
    "error": ("#d63c3c", "#ef6b67"),
    "kill.border": ("#d63c3c", "#ef6b67"),
    "kill.back": ("#fdecec", "#4a2326"),
    "kill.text": ("#b42318", "#ffb4ae"),
    "pill.DEBUG.back": ("#e8f0fe", "#1f3566"),
    "pill.DEBUG.text": ("#1d4ed8", "#b9d0ff"),
    "pill.TRACE.back": ("#f3e8ff", "#43275e"),
    "pill.TRACE.text": ("#7e22ce", "#e3c8ff"),
    "log.ERROR": ("#d63c3c", "#ef6b67"),
    "log.WARN": ("#c27c0e", "#f0b44c"),
    "log.DEBUG": ("#6b7280", "#a3aab5"),
    "log.TRACE": ("#9aa3ad", "#7d8591"),
    "json.key": ("#7c4dff", "#c3b1ff"),
    "json.string": ("#2e7d32", "#8fd694"),
    "json.number": ("#c2410c", "#ffad80"),
    "json.constant": ("#1d4ed8", "#8ab4f8"),
    "json.punctuation": ("#6b7280", "#a3aab5"),
    "json.error": ("#dc2626", "#ef6b67"),
    "selection": ("#7895ff32", "#7895ff50"),
}


TONES = {"muted": "muted", "key": "muted", "error": "error"}


def tone(widget: Any, name: str) -> None:
    """Colour a label's text by a tone (``muted``, ``key``, ``error``) of the current scheme,
    and again whenever the scheme changes (the manager finds it by its ``tone`` property)."""
    widget.setProperty("tone", name)
    _paint_tone(widget, name)


def _paint_tone(widget: Any, name: str) -> None:
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour(TONES.get(name, "muted")))
    widget.setPalette(palette)


class ThemeManager(QObject):
    """Follows the system's colour scheme and tells the views that cache colours."""

    changed = Signal(bool)  # dark

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dark = False
        self.installed = False

    def install(self, app: Any) -> None:
        """Fusion, the scheme's palette, and following the scheme from now on."""
        app.setStyle("Fusion")
        if not self.installed:
            self.installed = True
            app.styleHints().colorSchemeChanged.connect(self.apply)
        self.apply(app.styleHints().colorScheme())

    def apply(self, scheme: Qt.ColorScheme) -> None:
        """Switch to ``scheme`` (Unknown is light): palette, style sheet, canvas, views."""
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        dark = scheme == Qt.ColorScheme.Dark
        self.dark = dark
        if isinstance(app, QApplication):
            app.setPalette(palette_for(dark, app))
            for widget in app.allWidgets():  # toned labels keep their own text colour
                name = widget.property("tone")
                if name:
                    _paint_tone(widget, name)
        from designer.canvas.style import refresh_theme

        refresh_theme()
        self.changed.emit(dark)


def palette_for(dark: bool, app: Any) -> QPalette:
    if not dark:
        return app.style().standardPalette()
    palette = QPalette()
    for role, value in DARK_PALETTE.items():
        palette.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7d8188"))
    return palette


_MANAGER: ThemeManager | None = None


def manager() -> ThemeManager:
    """The application's theme manager (created on first use, parented to the app)."""
    global _MANAGER
    if _MANAGER is None:
        _MANAGER = ThemeManager(QGuiApplication.instance())
        _MANAGER.destroyed.connect(_forget)
    return _MANAGER


def _forget(*_args: Any) -> None:
    global _MANAGER
    _MANAGER = None


def install(app: Any) -> ThemeManager:
    """Set the theme up for ``app`` and follow the system's scheme (see the module doc)."""
    found = manager()
    found.install(app)
    return found


def is_dark() -> bool:
    """Whether the current theme is dark (the palette decides when nothing was installed)."""
    if _MANAGER is not None and _MANAGER.installed:
        return _MANAGER.dark
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def colour(role: str, dark: bool | None = None) -> QColor:
    """A named colour (:data:`ROLES`) of the current scheme."""
    light_value, dark_value = ROLES[role]
    value = dark_value if (is_dark() if dark is None else dark) else light_value
    if len(value) == 9:  # #rrggbbaa
        found = QColor(value[:7])
        found.setAlpha(int(value[7:], 16))
        return found
    return QColor(value)


def status_colour(status: str | None, dark: bool | None = None) -> QColor:
    """The colour of a run status in the current scheme (grey for an unknown one)."""
    light_value, dark_value = STATUS.get(status or "", STATUS["pending"])
    return QColor(dark_value if (is_dark() if dark is None else dark) else light_value)

