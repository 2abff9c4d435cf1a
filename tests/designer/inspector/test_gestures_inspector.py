"""Inspector parts of issue 16, item 5: the ``$.`` toggle keeps the typed path, a literal that
looks like a path asks, the completion popup is wide enough, Tab leaves a JSON field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from test_inspector_editing import incident_document
from test_inspector_support import OFFSCREEN_NOISE, make_document, open_inspector, params, select

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]
LEFT = Qt.MouseButton.LeftButton


def test_toggle_keeps_the_typed_path_when_switched_off_and_on(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    row = select(context, inspector, "Open").body.rows["name"]
    qtbot.mouseClick(row.switch.toggle, LEFT)
    row.switch.path.clear()
    qtbot.keyClicks(row.switch.path, "$.alert.user")
    assert params(context, "Open")["name"] == "$.alert.user"
    qtbot.mouseClick(row.switch.toggle, LEFT)  # off: the literal comes back
    assert params(context, "Open")["name"] == "Logon storm"
    row = inspector.current_page().body.rows["name"]
    qtbot.mouseClick(row.switch.toggle, LEFT)  # on again: the path comes back too
    assert row.switch.is_dynamic()
    assert row.switch.path.text() == "$.alert.user"
    assert params(context, "Open")["name"] == "$.alert.user"
    context.undo_stack.undo()
    assert params(context, "Open")["name"] == "Logon storm"


def _answer(monkeypatch, button):
    asked = []

    def question(_parent, title, text, *args, **kwargs):
        asked.append(text)
        return button
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_typing_a_path_into_a_literal_asks_and_can_make_it_dynamic(qtbot, monkeypatch) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    row = select(context, inspector, "Open").body.rows["name"]
    line = row.editor.line
    line.selectAll()
    qtbot.keyClicks(line, "$.data")
    count = context.undo_stack.count()
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert len(asked) == 1 and "$.data" in asked[0]
    assert params(context, "Open")["name"] == "$.data"  # a dynamic value, not "$$.data"
    row = inspector.current_page().body.rows["name"]
    assert row.switch.is_dynamic() and row.switch.path.text() == "$.data"
    assert context.undo_stack.count() == count  # merged with the typing: one step
    context.undo_stack.undo()
    assert params(context, "Open")["name"] == "Logon storm"


def test_keeping_the_literal_stores_it_escaped_and_asks_once(qtbot, monkeypatch) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    line = select(context, inspector, "Open").body.rows["name"].editor.line
    line.selectAll()
    qtbot.keyClicks(line, "$.data")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert len(asked) == 1
    assert params(context, "Open")["name"] == "$$.data"
    # text that is no path ("$5 refund") is stored escaped without a question
    line.selectAll()
    qtbot.keyClicks(line, "$5 refund")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert len(asked) == 1 and params(context, "Open")["name"] == "$$5 refund"


def test_the_completion_list_is_as_wide_as_its_longest_path(qtbot) -> None:
    geo = {"geolocation": {"country_iso_code": "NL"}}
    document = make_document(
        {"Open": {"start": True, "type": "action", "action": "create_incident",
                  "parameters": {"name": "x"}, "next": "End"}},
        payload={"alert": {"user": "bob", "details": {"network": {"source": geo}}}})
    context, inspector = open_inspector(qtbot, document, size=(320, 700))
    inspector.activateWindow()
    row = select(context, inspector, "Open").body.rows["name"]
    qtbot.mouseClick(row.switch.toggle, LEFT)
    path = inspector.current_page().body.rows["name"].switch.path
    longest = "$.alert.details.network.source.geolocation.country_iso_code"
    assert longest in path.path_completer.paths()
    path.clear()
    qtbot.keyClicks(path, "$.al")
    popup = path.path_completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert path.width() < popup.fontMetrics().horizontalAdvance(longest)
    assert popup.width() >= popup.fontMetrics().horizontalAdvance(longest) + 16
    popup.hide()


def test_tab_leaves_a_json_field(qtbot) -> None:
    from test_inspector_support import catalog_document

    from designer.inspector.collection_editors import JsonEditor

    context, inspector = open_inspector(qtbot, catalog_document())
    inspector.activateWindow()
    for name in context.document.definition:
        page = select(context, inspector, name)
        rows = getattr(getattr(page, "body", None), "rows", {})
        json_rows = [r for r in rows.values() if isinstance(r.editor, JsonEditor)]
        if json_rows:
            break
    else:
        pytest.skip("no JSON field in the catalog")
    code = json_rows[0].editor.code
    inspector.scroll_area.ensureWidgetVisible(code)
    code.setFocus()
    qtbot.waitUntil(code.hasFocus)
    before = code.toPlainText()
    qtbot.keyClick(code, Qt.Key.Key_Tab)
    assert not code.hasFocus()
    assert code.toPlainText() == before  # no indent typed
