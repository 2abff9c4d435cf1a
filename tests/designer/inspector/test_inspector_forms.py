"""The generated forms: every catalog entry gets a form whose editors follow its schema, and
each schema construct's editor stores what the user enters, undoably.

The expected editor per schema is written out here independently of ``editor_class``, so a
change to the generator that picks a different editor fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from test_inspector_support import (
    OFFSCREEN_NOISE,
    catalog_document,
    make_document,
    open_inspector,
    params,
    select,
)

from designer.inspector.circuit_editor import CircuitEditor
from designer.inspector.collection_editors import JsonEditor, MultiEnumEditor, StringListEditor
from designer.inspector.datetime_editor import DateTimeEditor
from designer.inspector.dynamic import PathEditor
from designer.inspector.editors import (
    BooleanEditor,
    DurationEditor,
    EnumEditor,
    IntegerEditor,
    LongTextEditor,
    StringEditor,
)
from designer.inspector.flow_editors import BatchEditor, BranchEditor, ParallelEditor
from designer.inspector.form import SchemaSection
from designer.inspector.function_editor import FunctionEditor
from designer.inspector.state_page import StatePage
from designer.inspector.widgets.code_editor import CodeEditor
from designer.inspector.widgets.style import ERROR
from runtime.catalog import load_catalog

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]
CATALOG = load_catalog()
ENTRY_IDS = [entry.id for entry in CATALOG.entries()]


def expected_editor(spec: dict[str, Any]) -> type:
    """What the issue asks for, construct by construct."""
    if spec["type"] == "array":
        return MultiEnumEditor if "enum" in spec.get("items", {}) else StringListEditor
    if spec["type"] == "object":
        return JsonEditor
    if "enum" in spec:
        return EnumEditor
    return {
        ("boolean", None): BooleanEditor,
        ("integer", None): IntegerEditor,
        ("string", None): StringEditor,
        ("string", "long-text"): LongTextEditor,
        ("string", "date-time"): DateTimeEditor,
    }[(spec["type"], spec.get("format"))]


FLOW_BODIES = {
    "branch": BranchEditor, "parallel": ParallelEditor, "batch": BatchEditor,
    "function": FunctionEditor, "circuit": CircuitEditor,
}
FIELD_EDITORS = {
    ("wait", "duration"): DurationEditor,
    ("batch", "collection_path"): PathEditor,
    ("batch", "collection_variable"): StringEditor,
    ("batch", "batch_size"): IntegerEditor,
    ("batch", "result_path"): PathEditor,
    ("failure", "error"): StringEditor,
    ("failure", "cause"): LongTextEditor,
    ("pass", "result"): JsonEditor,
}


def test_the_catalog_has_thirty_entries() -> None:
    assert len(ENTRY_IDS) == 30


@pytest.mark.parametrize("entry_id", ENTRY_IDS)
def test_every_catalog_entry_gets_the_editors_its_schema_implies(qtbot, entry_id: str) -> None:
    entry = CATALOG.entry(entry_id)
    context, inspector = open_inspector(qtbot, catalog_document())
    page = select(context, inspector, entry.title)
    assert isinstance(page, StatePage) and page.name == entry.title
    assert entry.title in page.header.kind.text()
    if entry.type == "action":
        section = page.body
        assert isinstance(section, SchemaSection)
        properties = entry.parameters["properties"]
        assert list(section.rows) == list(properties)
        for key, spec in properties.items():
            row = section.rows[key]
            assert type(row.editor) is expected_editor(spec), key
            assert row.switch is not None, f"{key} cannot be made dynamic"
            assert row.required == (key in entry.parameters.get("required", ()))
            assert row.help.text() == spec["description"] or isinstance(row.editor, BooleanEditor)
    elif entry.type in FLOW_BODIES:
        assert isinstance(page.body, FLOW_BODIES[entry.type])
    for (kind, key), editor in FIELD_EDITORS.items():
        if kind == entry.type:
            rows = page.body.fields.rows if kind == "batch" else page.body.rows
            assert type(rows[key].editor) is editor
            assert rows[key].switch is None  # state fields are not dynamic values
    assert hasattr(page, "on_error") == entry.accepts_on_error


def test_function_source_uses_the_code_editor(qtbot) -> None:
    context, inspector = open_inspector(qtbot, catalog_document())
    page = select(context, inspector, "Function")
    code = page.body.code
    assert isinstance(code, CodeEditor)
    assert code.font().styleHint() == code.font().StyleHint.Monospace or code.font().fixedPitch()
    qtbot.keyClicks(code, "def handler(params):")
    qtbot.keyClick(code, Qt.Key.Key_Return)
    qtbot.keyClick(code, Qt.Key.Key_Tab)
    qtbot.keyClicks(code, "return 1")
    # Return keeps the indentation (+4 after a colon); Tab inserts spaces to the next stop.
    assert code.toPlainText() == "def handler(params):\n        return 1"
    formats = code.document().firstBlock().layout().formats()
    assert formats and formats[0].start == 0 and formats[0].length == 3  # "def" is coloured
    function_id = context.document.state_dict("Function")["function_id"]
    assert context.document.doc.functions[function_id].source == code.toPlainText()


# -- each construct stores what is entered ---------------------------------------------------
def one_action(qtbot, action: str, parameters: dict[str, Any] | None = None):
    document = make_document({"A": {"start": True, "type": "action", "action": action,
                                    "parameters": parameters or {}}})
    context, inspector = open_inspector(qtbot, document)
    return context, select(context, inspector, "A").body


def test_string_counter_turns_red_past_max_length(qtbot) -> None:
    context, form = one_action(qtbot, "create_incident")
    row = form.rows["name"]
    qtbot.keyClicks(row.editor.line, "x" * 251)
    assert row.status.text() == "251 / 250"
    assert ERROR in row.status.styleSheet()
    assert params(context, "A")["name"] == "x" * 251
    assert "$.name: must have a maximum value of 250" in row.messages.texts()


def test_enum_with_titles_stores_the_value(qtbot) -> None:
    context, form = one_action(qtbot, "risk_score", {"entity_name": "bob"})
    combo = form.rows["entity_type"].editor.combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Default (User (0))", "User (0)", "Host (1)"]
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    assert params(context, "A")["entity_type"] == 1
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert "entity_type" not in params(context, "A")


def test_boolean_check_box(qtbot) -> None:
    context, form = one_action(qtbot, "get_log_sources")
    box = form.rows["is_ascending"].editor.box
    assert box.isChecked()  # the default (true) shows while unset
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert params(context, "A")["is_ascending"] is False


def test_date_time_accepts_offsets_and_refuses_before_1970(qtbot) -> None:
    context, form = one_action(qtbot, "create_incident", {"name": "n"})
    row = form.rows["due_date"]
    qtbot.keyClicks(row.editor.line, "2024-03-15T10:30:00+05:30")
    assert params(context, "A")["due_date"] == "2024-03-15T10:30:00+05:30"
    assert row.messages.texts() == []
    row.editor.line.clear()
    qtbot.keyClicks(row.editor.line, "1969-12-31T23:59:59Z")
    assert params(context, "A")["due_date"] == "1969-12-31T23:59:59Z"
    assert row.messages.texts() == [
        "$.due_date: must be greater than or equal to 1970-01-01T00:00:00Z"]
    row.editor.choose(QDateTime(QDate(2025, 1, 2), QTime(3, 4, 5), QTimeZone.utc()))
    assert params(context, "A")["due_date"] == "2025-01-02T03:04:05Z"
    assert row.messages.texts() == []


def test_string_array_add_paste_reorder_remove(qtbot) -> None:
    context, form = one_action(qtbot, "delete_incident")
    editor = form.rows["incident_ids"].editor
    editor.paste_lines("101\n\n102\n 103 \n")
    assert params(context, "A")["incident_ids"] == ["101", "102", "103"]
    editor.list.setCurrentRow(2)
    editor.move_selected(-1)
    assert params(context, "A")["incident_ids"] == ["101", "103", "102"]
    editor.list.clearSelection()
    editor.list.item(0).setSelected(True)
    editor.remove_selected()
    assert params(context, "A")["incident_ids"] == ["103", "102"]
    editor.list.item(0).setText("104")
    assert params(context, "A")["incident_ids"] == ["104", "102"]
    context.undo_stack.undo()
    assert params(context, "A")["incident_ids"] == ["103", "102"]
    assert [editor.list.item(i).text() for i in range(editor.list.count())] == ["103", "102"]


def test_enum_array_chips_store_in_schema_order(qtbot) -> None:
    context, form = one_action(qtbot, "list_incident")
    chips = form.rows["severity"].editor.chips
    qtbot.mouseClick(chips["attention"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(chips["critical"], Qt.MouseButton.LeftButton)
    assert params(context, "A")["severity"] == ["critical", "attention"]
    qtbot.mouseClick(chips["critical"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(chips["attention"], Qt.MouseButton.LeftButton)
    assert "severity" not in params(context, "A")


def test_json_object_parse_errors_inline_and_not_stored(qtbot) -> None:
    context, form = one_action(qtbot, "invoke_url_via_agent")
    row = form.rows["headers"]
    code = row.editor.code
    qtbot.keyClicks(code, '{"Accept": "json",}')
    assert "headers" not in params(context, "A")
    errors = row.editor.error.texts()
    assert len(errors) == 1 and "line 1, column 19" in errors[0]
    assert code.extraSelections()  # the position is underlined
    qtbot.keyClick(code, Qt.Key.Key_Backspace)
    qtbot.keyClick(code, Qt.Key.Key_Backspace)
    qtbot.keyClicks(code, "}")
    assert params(context, "A")["headers"] == {"Accept": "json"}
    assert row.editor.error.texts() == [] and not code.extraSelections()
    assert row.status.text() == "17 / 5,000"


def test_integer_steppers_stay_in_range_but_typing_is_kept(qtbot) -> None:
    context, form = one_action(qtbot, "search_logs")
    editor = form.rows["limit"].editor
    assert editor.line.placeholderText() == "default 10"
    assert form.rows["limit"].status.text() == "0 – 500 · default 10"
    editor._step(1)
    assert params(context, "A")["limit"] == 10  # first step starts at the default
    editor.line.setText("500")
    editor._step(1)
    assert editor.value() == 500
    editor.line.clear()
    qtbot.keyClicks(editor.line, "5000")
    assert params(context, "A")["limit"] == 5000
