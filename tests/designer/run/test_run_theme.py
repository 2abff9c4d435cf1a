"""The designer follows a change of the system's colour scheme while it runs: palette, canvas,
run docks and code views all take their colours from designer.theme.

Offscreen Qt has no system scheme to switch, so the test emits the change the platform would
(``QStyleHints.colorSchemeChanged``) and then looks at real widgets: pixels of the canvas, the
colours of labels, highlighters and tree cells.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from test_run_layout import open_window, press_f5_and_wait
from test_run_support import QT_MARKS, qloop, settings_tmp, spin, store

from designer import theme

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


@pytest.fixture
def scheme(qapp: Any) -> Any:
    """Emit a system scheme change; back to light afterwards (the app is shared)."""
    theme.install(qapp)

    def switch(value: Qt.ColorScheme) -> None:
        QGuiApplication.styleHints().colorSchemeChanged.emit(value)
        qapp.processEvents()

    yield switch
    switch(Qt.ColorScheme.Light)


def lightness_at(widget: Any, x: int = 6, y: int = 6) -> int:
    return widget.grab().toImage().pixelColor(x, y).lightness()


def text_colour(label: Any) -> str:
    return label.palette().color(QPalette.ColorRole.WindowText).name()


def test_scheme_change_recolours_palette_canvas_run_docks_and_code(qtbot, qloop, store, scheme):
    window = open_window(qtbot, qloop, store, (1440, 900))
    ui = window.run_ui
    press_f5_and_wait(qtbot, qloop, window, "Risky logon")
    ui.graph.select("Risk Score")
    details = ui.details
    details.tabs.setCurrentWidget(details.outputs)
    details.outputs.raw_button.click()
    window.definition_dock.show()
    window.definition_dock.raise_()
    spin(qloop, 0.4)

    assert lightness_at(window.canvas.viewport()) > 200, "light canvas to begin with"
    assert window.palette_widget.tree.palette().color(QPalette.ColorRole.Base).lightness() > 200
    key = details.keys["Name"]
    assert text_colour(key) == theme.colour("muted", dark=False).name()
    highlighter = details.outputs.highlighter
    string_light = theme.colour("json.string", dark=False).name()
    assert highlighter._formats[1][1].foreground().color().name() == string_light

    scheme(Qt.ColorScheme.Dark)
    spin(qloop, 0.4)
    assert theme.is_dark()
    assert lightness_at(window.canvas.viewport()) < 80, "the canvas went dark"
    assert lightness_at(ui.graph.view.viewport()) < 80, "the Execution Graph too"
    tree_base = window.palette_widget.tree.palette().color(QPalette.ColorRole.Base)
    assert tree_base.lightness() < 80, "the palette dock went dark"
    assert text_colour(key) == theme.colour("muted", dark=True).name(), "run dock labels"
    assert text_colour(ui.header.keys["SESSION"]) == theme.colour("muted", dark=True).name()
    string_dark = theme.colour("json.string", dark=True).name()
    assert highlighter._formats[1][1].foreground().color().name() == string_dark
    block = details.outputs.raw.document().firstBlock().next()
    colours = {r.format.foreground().color().name() for r in block.layout().formats()}
    assert colours & {theme.colour(r, dark=True).name() for r in
                      ("json.key", "json.string", "json.number", "json.constant")}, \
        "the raw JSON was highlighted again in the dark colours"
    assert ui.executions.view.palette().color(QPalette.ColorRole.Base).lightness() < 80
    from designer.run.style import status_colour

    assert status_colour("success").name() == theme.status_colour("success", dark=True).name()
    html = window.definition.text.toHtml().lower()
    assert "#e6db74" in html, "the Definition view uses the dark pygments style"

    scheme(Qt.ColorScheme.Light)
    spin(qloop, 0.4)
    assert lightness_at(window.canvas.viewport()) > 200, "and back to light"
    assert text_colour(key) == theme.colour("muted", dark=False).name()
    assert highlighter._formats[1][1].foreground().color().name() == string_light
    window.context.undo_stack.setClean()
    ui.shutdown()
    window.close()
