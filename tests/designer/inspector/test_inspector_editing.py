"""Editing through the inspector: undo/redo round trips, typing merges, dynamic values to the
exported JSON, out-of-range input kept and explained, the playbook page, multi-selection,
renaming and path completion.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_inspector_support import (
    OFFSCREEN_NOISE,
    make_document,
    open_inspector,
    params,
    select,
)

from designer.inspector.multi_page import MultiPage
from designer.inspector.playbook_page import PlaybookPage
from designer.inspector.state_page import StatePage
from runtime.paths import classify_value
from runtime.serverformat import export_playbook

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def incident_document():
    return make_document(
        {
            "Alerts": {"start": True, "type": "action", "action": "get_alerts",
                       "parameters": {"limit": 50}, "result_path": "$.alerts", "next": "Open"},
            "Open": {"type": "action", "action": "create_incident",
                     "parameters": {"name": "Logon storm"}, "result_path": "$.incident",
                     "next": "Notify"},
            "Notify": {"type": "action", "action": "send_popup_message",
                       "parameters": {"message": "hi", "destination_device": "$.host"},
                       "on_error": [{"error_type": "execution_error"}]},
        },
        payload={"host": "WS-1", "alert": {"severity": "critical", "user": "bob"}},
    )


def test_edit_undo_redo_round_trip(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    line = select(context, inspector, "Open").body.rows["name"].editor.line
    line.selectAll()
    qtbot.keyClicks(line, "Phish")
    assert params(context, "Open")["name"] == "Phish"
    context.undo_stack.undo()
    assert params(context, "Open")["name"] == "Logon storm"
    assert line.text() == "Logon storm"  # the form follows the document
    context.undo_stack.redo()
    assert params(context, "Open")["name"] == "Phish"
    assert line.text() == "Phish"


def test_typing_in_one_field_is_one_undo_step_until_focus_leaves(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    editor = select(context, inspector, "Open").body.rows["assignee"].editor
    before = context.undo_stack.count()
    qtbot.keyClicks(editor.line, "soc-tier2")
    assert context.undo_stack.count() == before + 1
    assert params(context, "Open")["assignee"] == "soc-tier2"
    editor.line.editingFinished.emit()  # focus left the field
    qtbot.keyClicks(editor.line, "!")
    assert context.undo_stack.count() == before + 2
    context.undo_stack.undo()
    assert params(context, "Open")["assignee"] == "soc-tier2"
    context.undo_stack.undo()
    assert "assignee" not in params(context, "Open")


def test_dynamic_value_round_trips_to_the_exported_json(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    row = select(context, inspector, "Open").body.rows["name"]
    qtbot.mouseClick(row.switch.toggle, Qt.MouseButton.LeftButton)
    assert row.switch.is_dynamic()
    row.switch.path.clear()
    qtbot.keyClicks(row.switch.path, "$.alert.user")
    assert params(context, "Open")["name"] == "$.alert.user"
    assert row.status.text() == "dynamic" and row.messages.texts() == []
    exported = export_playbook(context.document.doc).definition
    assert exported["Open"]["parameters"]["name"] == "$.alert.user"
    # back to a literal: the literal's text is restored
    qtbot.mouseClick(row.switch.toggle, Qt.MouseButton.LeftButton)
    assert params(context, "Open")["name"] == "Logon storm"
    context.undo_stack.undo()
    assert params(context, "Open")["name"] == "$.alert.user" and row.switch.is_dynamic()
    context.undo_stack.undo()  # the typed path (one step)
    assert "name" not in params(context, "Open") and row.switch.is_dynamic()
    context.undo_stack.undo()  # switching to dynamic cleared the literal
    assert params(context, "Open")["name"] == "Logon storm" and not row.switch.is_dynamic()


def test_a_literal_starting_with_dollar_is_escaped(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    line = select(context, inspector, "Open").body.rows["name"].editor.line
    line.selectAll()
    qtbot.keyClicks(line, "$5 refund")
    stored = params(context, "Open")["name"]
    assert stored == "$$5 refund" and classify_value(stored) == ("literal", "$5 refund")
    assert export_playbook(context.document.doc).definition["Open"]["parameters"]["name"] == (
        "$$5 refund")
    assert line.text() == "$5 refund"


def test_out_of_range_input_is_kept_and_explained(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    row = select(context, inspector, "Alerts").body.rows["limit"]
    row.editor.line.clear()
    qtbot.keyClicks(row.editor.line, "600")
    assert params(context, "Alerts")["limit"] == 600  # not clamped to 500
    assert row.editor.line.text() == "600"
    assert row.messages.texts() == ["$.limit: must have a maximum value of 500"]
    context.validate_now()  # the validator says the same words
    assert "$.limit: must have a maximum value of 500" in [
        p.message for p in context.problems_for("Alerts")]
    assert row.messages.texts() == ["$.limit: must have a maximum value of 500"]


def test_required_field_cleared_shows_the_reference_message(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    row = select(context, inspector, "Open").body.rows["name"]
    row.editor.line.selectAll()
    qtbot.keyClick(row.editor.line, Qt.Key.Key_Delete)
    assert "name" not in params(context, "Open")
    assert row.messages.texts() == ["$: required property 'name' not found"]


def test_no_selection_edits_the_playbook(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    page = select(context, inspector)
    assert isinstance(page, PlaybookPage)
    line = page.rows["name"].editor.line
    line.selectAll()
    qtbot.keyClicks(line, "Triage")
    assert context.document.doc.name == "Triage"
    context.undo_stack.undo()
    assert context.document.doc.name == "Test playbook" and line.text() == "Test playbook"
    context.undo_stack.redo()
    assert context.document.doc.name == "Triage"
    combo = page.rows["log_level"].editor.combo
    combo.setCurrentIndex(combo.findData("DEBUG"))
    combo.activated.emit(combo.currentIndex())
    assert context.document.doc.log_level == "DEBUG"
    runtime = page.rows["max_runtime"].editor
    runtime.unit.setCurrentIndex(runtime.unit.findData(3600))
    runtime.amount.line.clear()
    qtbot.keyClicks(runtime.amount.line, "2")
    assert context.document.doc.max_runtime == 7200
    qtbot.keyClicks(runtime.amount.line, "000")  # 2000 hours: more than the 31-day limit
    assert context.document.doc.max_runtime == 200 * 3600  # the last value the document took
    assert page.rows["max_runtime"].messages.texts() == [
        "The maximum runtime is 1 second to 31 days."]


def test_multi_selection_edits_a_shared_field_in_one_step(qtbot) -> None:
    document = make_document({
        "Stop": {"start": True, "type": "action", "action": "manage_service",
                 "parameters": {"domain_name": "a.local"}, "next": "Usb"},
        "Usb": {"type": "action", "action": "disable_usb", "parameters": {}, "next": "Ping"},
        "Ping": {"type": "action", "action": "ping_device", "parameters": {}},
    })
    context, inspector = open_inspector(qtbot, document)
    page = select(context, inspector, "Stop", "Usb", "Ping")
    assert isinstance(page, MultiPage)
    assert {"parameters.domain_name", "parameters.destination_device", "comment"} <= set(
        page.rows)
    assert "parameters.service_name" not in page.rows
    before = context.undo_stack.count()
    qtbot.keyClicks(page.rows["parameters.domain_name"].editor.line, "corp.local")
    assert context.undo_stack.count() == before + 1
    assert {params(context, n).get("domain_name") for n in ("Stop", "Usb", "Ping")} == {
        "corp.local"}
    context.undo_stack.undo()
    assert params(context, "Stop")["domain_name"] == "a.local"
    assert "domain_name" not in params(context, "Usb")


def test_rename_rewrites_references_and_keeps_the_state_selected(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    page = select(context, inspector, "Open")
    page.header.name_edit.setText("Open incident")
    page.header.name_edit.editingFinished.emit()
    assert "Open incident" in context.document.definition
    assert context.document.state_dict("Alerts")["next"] == "Open incident"
    assert context.selection == ["Open incident"]
    assert inspector.current_page().name == "Open incident"
    context.undo_stack.undo()
    assert context.document.state_dict("Alerts")["next"] == "Open"
    assert inspector.current_page().name == "Open"
    bad = inspector.current_page().header
    bad.name_edit.setText("Alerts")
    bad.name_edit.editingFinished.emit()
    assert bad.name_error.texts() == ["Cannot rename: a state named 'Alerts' already exists"]


def test_completion_offers_upstream_responses_and_warns_for_unknown_paths(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    page = select(context, inspector, "Notify")
    row = page.body.rows["message"]
    completions = row.switch.path.path_completer.paths()
    assert "$.incident.data.incident_id" in completions  # Create Incident's success response
    assert "$.alert.severity" in completions  # the run profile's payload
    qtbot.mouseClick(row.switch.toggle, Qt.MouseButton.LeftButton)
    row.switch.path.setText("$.incident.data.incident_id")  # what picking a completion does
    row.switch.path.path_completer.activated[str].emit("$.incident.data.incident_id")
    assert params(context, "Notify")["message"] == "$.incident.data.incident_id"
    assert row.messages.texts() == []
    row.switch.path.clear()
    qtbot.keyClicks(row.switch.path, "$.nothing.here")
    assert row.messages.messages == [(
        "warning", "Nothing upstream provides $.nothing.here: it is not in the run profile's "
                   "payload or an earlier state's documented response")]
    row.switch.path.clear()
    qtbot.keyClicks(row.switch.path, "$.a..b")
    assert row.messages.texts() == [
        "$.message: invalid dynamic value: expected a name after '.' (character 5)"]


def test_form_follows_the_document_and_run_profile_changes(qtbot) -> None:
    context, inspector = open_inspector(qtbot, incident_document())
    page = select(context, inspector, "Open")
    assert isinstance(page, StatePage)
    from designer.document import set_state_field

    patch, text = set_state_field(context.document, "Open", "parameters.severity", "attention")
    context.push(patch, text)
    assert page.body.rows["severity"].editor.combo.currentData() == "attention"
    context.set_profile(None)
    assert "$.alert.severity" not in page.body.rows["name"].switch.path.path_completer.paths()
