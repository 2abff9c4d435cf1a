"""Colours, fonts and metrics of the canvas, derived from the application palette.

Everything the canvas items paint with comes from one :class:`Theme`, built from the current
``QPalette`` so the canvas follows the system's light or dark scheme. :func:`theme` returns the
cached theme; :func:`refresh_theme` rebuilds it after a palette change (the view calls it on
``QEvent.PaletteChange``, and :mod:`designer.theme` when the system's scheme changes). Run status
colours come from :mod:`designer.theme`, shared with the run docks. Category, side-effect and run-status colours are fixed hues, tuned
per scheme so they stay readable on either background.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QPalette
from PySide6.QtWidgets import QGraphicsItem

from designer.theme import STATUS, status_colour

CARD_WIDTH = 200.0
HEADER_HEIGHT = 60.0
ROW_HEIGHT = 16.0
ROW_PADDING = 4.0
PORT_RADIUS = 5.0
CORNER_RADIUS = 8.0
STRIPE_WIDTH = 6.0
GRID = 20.0
# The first custom item type; PySide6's stubs omit the attribute that exists at run time.
USER_TYPE: int = int(QGraphicsItem.UserType)  # type: ignore[attr-defined]

CATEGORY_HUES: dict[str, str] = {
    "flow_control": "#6c5ce7",
    "functional": "#00a388",
    "platform": "#2d7ff9",
    "endpoint_agent": "#e8830c",
    "terminal_success": "#2e9e4f",
    "terminal_failure": "#d64541",
    "unknown": "#8a8f98",
}

SIDE_EFFECTS: dict[str, tuple[str, str, str]] = {
    # side_effect: (letter, colour, tooltip)
    "read": ("R", "#3b82c4", "Reads data only"),
    "platform-write": ("W", "#c98a04", "Writes to the Log360 Cloud platform"),
    "endpoint-change": ("E", "#d0452f", "Changes a managed endpoint"),
}

#: Run status colours of the light scheme (the theme module holds both schemes').
STATUS_COLOURS: dict[str, str] = {name: pair[0] for name, pair in STATUS.items()}


@dataclass
class Theme:
    """Resolved colours and fonts for one palette."""

    dark: bool
    background: QColor
    grid: QColor
    card: QColor
    card_border: QColor
    text: QColor
    muted: QColor
    highlight: QColor
    edge: QColor
    edge_error: QColor
    label_back: QColor
    note: QColor
    note_text: QColor
    name_font: QFont
    small_font: QFont
    tiny_font: QFont
    name_metrics: QFontMetricsF = field(init=False, repr=False)
    small_metrics: QFontMetricsF = field(init=False, repr=False)
    tiny_metrics: QFontMetricsF = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.name_metrics = QFontMetricsF(self.name_font)
        self.small_metrics = QFontMetricsF(self.small_font)
        self.tiny_metrics = QFontMetricsF(self.tiny_font)
        self.tiny_height = self.tiny_metrics.height()
        self._tags: dict[tuple[str, float], tuple[str, float]] = {}

    def tag(self, text: str, width: float) -> tuple[str, float]:
        """``text`` elided to ``width`` in the tiny font, and its advance (cached per theme)."""
        key = (text, width)
        found = self._tags.get(key)
        if found is None:
            short = self.tiny_metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            found = self._tags[key] = (short, self.tiny_metrics.horizontalAdvance(short))
        return found

    def category(self, key: str) -> QColor:
        """The stripe colour of a category key (see :func:`category_key`)."""
        colour = QColor(CATEGORY_HUES.get(key, CATEGORY_HUES["unknown"]))
        return colour.lighter(125) if self.dark else colour

    def status(self, status: str) -> QColor:
        return status_colour(status, self.dark)

    def tint(self, colour: QColor, amount: float) -> QColor:
        """``colour`` blended into the card background (0 = card, 1 = colour)."""
        back = self.card
        mix = QColor()
        mix.setRgbF(
            back.redF() + (colour.redF() - back.redF()) * amount,
            back.greenF() + (colour.greenF() - back.greenF()) * amount,
            back.blueF() + (colour.blueF() - back.blueF()) * amount,
        )
        return mix


def _fonts() -> tuple[QFont, QFont, QFont]:
    base = QGuiApplication.font()
    size = base.pointSizeF() if base.pointSizeF() > 0 else 9.0
    name = QFont(base)
    name.setPointSizeF(max(8.5, size))
    name.setWeight(QFont.Weight.DemiBold)
    small = QFont(base)
    small.setPointSizeF(max(7.5, size - 1.0))
    tiny = QFont(base)
    tiny.setPointSizeF(max(6.5, size - 2.0))
    return name, small, tiny


def build_theme(palette: QPalette) -> Theme:
    """A theme for ``palette``: light or dark by the window colour's lightness."""
    window = palette.color(QPalette.ColorRole.Window)
    dark = window.lightness() < 128
    text = palette.color(QPalette.ColorRole.Text)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    name, small, tiny = _fonts()
    if dark:
        background, grid = QColor("#1e2126"), QColor("#272b31")
        card, border = QColor("#2b2f36"), QColor("#454b55")
        muted, edge, label = QColor("#a3aab5"), QColor("#8c96a5"), QColor("#23262b")
        note, note_text = QColor("#4a4326"), QColor("#f1e7b8")
    else:
        background, grid = QColor("#f4f5f7"), QColor("#e6e8ec")
        card, border = QColor("#ffffff"), QColor("#c9ced6")
        muted, edge, label = QColor("#5f6773"), QColor("#7b8494"), QColor("#ffffff")
        note, note_text = QColor("#fff4b8"), QColor("#4a3f0c")
    if text.lightness() < 128 and dark or text.lightness() >= 128 and not dark:
        text = QColor("#e8eaed") if dark else QColor("#1f2329")
    return Theme(
        dark=dark, background=background, grid=grid, card=card, card_border=border,
        text=text, muted=muted, highlight=highlight, edge=edge,
        edge_error=QColor("#d0452f") if not dark else QColor("#e0705f"),
        label_back=label, note=note, note_text=note_text,
        name_font=name, small_font=small, tiny_font=tiny,
    )


_THEME: Theme | None = None


def theme() -> Theme:
    """The theme of the current application palette (built once, cached)."""
    global _THEME
    if _THEME is None:
        _THEME = build_theme(QGuiApplication.palette())
    return _THEME


def refresh_theme() -> Theme:
    """Rebuild the theme after the palette (light/dark scheme) changed."""
    global _THEME
    _THEME = None
    return theme()


def category_key(category: str | None, group: str | None, state_type: str) -> str:
    """The colour key of a state: its category, the action group, or a terminal outcome."""
    if state_type == "success":
        return "terminal_success"
    if state_type == "failure":
        return "terminal_failure"
    if category == "log360_cloud":
        return group or "platform"
    return category or "unknown"
