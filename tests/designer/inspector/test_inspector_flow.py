"""Flow-control and functional editors: Branch, Parallel, Batch, Wait, on_error, Function
(with a sandboxed test run), Circuit and the Advanced paths.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_inspector_support import OFFSCREEN_NOISE, make_document, open_inspector, select

from designer.inspector.circuit_editor import circuit_file, circuit_id_for
from designer.inspector.on_error_editor import wait_sequence

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def flow_document():
    return make_document(
        {
            "Start": {"start": True, "type": "action", "action": "create_incident",
                      "parameters": {"name": "x"}, "result_path": "$.inc", "next": "Route"},
            "Route": {"type": "branch", "default": "Done",
                      "conditions": [{"condition": "$.sev == 'high'", "next": "Fan out"},
                                     {"condition": "$.sev == 'low'", "next": "Pause"}]},
            "Fan out": {"type": "parallel", "paths": [{"name": "A", "root": "Pause"}],
                        "result_path": "$.fan", "next": "Each"},
            "Each": {"type": "batch", "collection_path": "$.items", "collection_variable": "item",
                     "batch_size": 10, "root": "Pause", "next": "Done"},
            "Pause": {"type": "wait", "duration": 60, "next": "End"},
            "Done": {"type": "success"},
        },
        payload={"sev": "high", "items": [{"id": 1}]},
    )


def state(context, name):
    return context.document.state_dict(name)


def test_branch_condition_syntax_error_shows_its_position(qtbot) -> None:
    context, inspector = open_inspector(qtbot, flow_document())
    branch = select(context, inspector, "Route").body
    expression = branch.rows[0].expression
    expression.selectAll()
    qtbot.keyClicks(expression, "$.sev == ")
    assert state(context, "Route")["conditions"][0]["condition"] == "$.sev == "
    messages = branch.rows[0].messages.texts()
    assert messages == ["condition 1 does not parse: unexpected end of expression at character 10"]
    selections = expression.extraSelections()
    assert len(selections) == 1 and selections[0].cursor.selectionStart() == 8
    qtbot.keyClicks(expression, "'low'")
    assert branch.rows[0].messages.texts() == [] and not expression.extraSelections()
    context.validate_now()
    assert not [p for p in context.problems_for("Route") if p.code == "branch.condition-syntax"]


def test_branch_conditions_targets_reorder_and_default(qtbot) -> None:
    context, inspector = open_inspector(qtbot, flow_document())
    branch = select(context, inspector, "Route").body
    branch.list.moved.emit(1, 0)  # what a drop of row 2 above row 1 emits
    assert [c["next"] for c in state(context, "Route")["conditions"]] == ["Pause", "Fan out"]
    assert branch.rows[0].expression.toPlainText() == "$.sev == 'low'"
    combo = branch.rows[0].target
    combo.setCurrentIndex(combo.findData("Done"))
    combo.activated.emit(combo.currentIndex())
    assert state(context, "Route")["conditions"][0]["next"] == "Done"
    branch.add_item()
    assert len(state(context, "Route")["conditions"]) == 3 and len(branch.rows) == 3
    branch.default.setCurrentIndex(branch.default.findData("Pause"))
    branch.default.activated.emit(branch.default.currentIndex())
    assert state(context, "Route")["default"] == "Pause"
    for _ in range(4):
        context.undo_stack.undo()
    assert state(context, "Route")["conditions"][0]["next"] == "Fan out"
    assert state(context, "Route")["default"] == "Done"


def test_parallel_paths(qtbot) -> None:
    context, inspector = open_inspector(qtbot, flow_document())
    editor = select(context, inspector, "Fan out").body
    editor.add_item()
    assert state(context, "Fan out")["paths"][1] == {"name": "Path 2", "root": ""}
    qtbot.keyClicks(editor.rows[1].name, "X")
    combo = editor.rows[1].root
    combo.setCurrentIndex(combo.findData("Done"))
    combo.activated.emit(combo.currentIndex())
    assert state(context, "Fan out")["paths"][1] == {"name": "Path 2X", "root": "Done"}


def test_batch_fields_and_body(qtbot) -> None:
    context, inspector = open_inspector(qtbot, flow_document())
    editor = select(context, inspector, "Each").body
    size = editor.fields.rows["batch_size"]
    size.editor.line.clear()
    qtbot.keyClicks(size.editor.line, "12")
    assert state(context, "Each")["batch_size"] == 12
    assert size.messages.texts() == ["$.batch_size: must have a maximum value of 10"]
    assert "$.items" in editor.fields.rows["collection_path"].editor.line.path_completer.paths()
    combo = editor.root_row.editor.combo
    combo.setCurrentIndex(combo.findData("Done"))
    combo.activated.emit(combo.currentIndex())
    assert state(context, "Each")["root"] == "Done"


def test_states_in_a_batch_body_complete_the_item_variable(qtbot) -> None:
    context, inspector = open_inspector(qtbot, flow_document())
    page = select(context, inspector, "Pause")
    paths = page.advanced.rows["input_path"].editor.line.path_completer.paths()
    assert "$.item.id" in paths and "$.batch_index" in paths


def test_wait_duration_with_units(qtbot) -> None:
    context, inspector = open_inspector(qtbot, flow_document())
    row = select(context, inspector, "Pause").body.rows["duration"]
    editor = row.editor
    assert editor.unit.currentData() == 60 and editor.amount.value() == 1  # 60 s = 1 minute
    editor.unit.setCurrentIndex(editor.unit.findData(86400))
    editor.unit.activated.emit(editor.unit.currentIndex())
    assert state(context, "Pause")["duration"] == 86400
    editor.amount.line.clear()
    qtbot.keyClicks(editor.amount.line, "31")
    assert state(context, "Pause")["duration"] == 31 * 86400
    assert row.messages.texts() == ["$.duration: must have a maximum value of 2592000"]
    assert row.status.text() == "= 2,678,400 s · max 30 days"


def test_wait_sequence_text() -> None:
    assert wait_sequence({"delay": 5, "attempt": 3, "step_delay": 2}) == "waits 5 s, 10 s, 20 s"
    assert wait_sequence({"delay": 30, "attempt": 2, "step_delay": 4}) == "waits 30 s, 2 min"
    assert wait_sequence({"delay": 1, "attempt": 0, "step_delay": 1}) == "No retries (0 attempts)."


def test_on_error_custom_codes_retry_and_fallback(qtbot) -> None:
    document = make_document({
        "Stop": {"start": True, "type": "action", "action": "manage_service",
                 "parameters": {"service_name": "x", "operation": "StopService",
                                "destination_device": "h"}, "next": "Done"},
        "Offline": {"type": "failure", "error": "Offline"},
        "Done": {"type": "success"},
    })
    context, inspector = open_inspector(qtbot, document)
    editor = select(context, inspector, "Stop").on_error
    editor.add_entry()
    assert state(context, "Stop")["on_error"] == [{"error_type": "timeout_error"}]
    entry = editor.entries[0]
    entry.error_type.setCurrentIndex(entry.error_type.findData("custom_error"))
    entry.error_type.activated.emit(entry.error_type.currentIndex())
    assert entry.codes.isVisibleTo(entry)
    codes = [entry.codes.item(i).data(Qt.ItemDataRole.UserRole) for i in range(entry.codes.count())]
    assert "10001108" in codes and "10001102" in codes  # the action's table and the common rows
    entry.codes.item(codes.index("10001108")).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(entry.retry, Qt.MouseButton.LeftButton)
    delay = entry.retry_fields["delay"].line
    delay.clear()
    qtbot.keyClicks(delay, "5")
    for key, text in (("attempt", "3"), ("step_delay", "2")):
        entry.retry_fields[key].line.clear()
        qtbot.keyClicks(entry.retry_fields[key].line, text)
    assert entry.waits.text() == "waits 5 s, 10 s, 20 s"
    entry.fallback.setCurrentIndex(entry.fallback.findData("Offline"))
    entry.fallback.activated.emit(entry.fallback.currentIndex())
    assert state(context, "Stop")["on_error"] == [{
        "error_type": "custom_error", "error_codes": ["10001108"],
        "retry": {"delay": 5, "attempt": 3, "step_delay": 2}, "fallback": {"next": "Offline"}}]
    entry.removed.emit()
    assert "on_error" not in state(context, "Stop")


def test_function_source_edit_and_sandboxed_test_run(qtbot) -> None:
    document = make_document(
        {"Enrich": {"start": True, "type": "function", "function_id": "enrich",
                    "parameters": {"who": "$.user", "n": 2}}},
        payload={"user": "bob"},
        functions={"enrich": {"source": "", "description": ""}},
    )
    context, inspector = open_inspector(qtbot, document)
    editor = select(context, inspector, "Enrich").body
    before = context.undo_stack.count()
    for line in ("def handler(p):", "print('hello', p['who'])", "return {'twice': p['n'] * 2}"):
        qtbot.keyClicks(editor.code, line)
        qtbot.keyClick(editor.code, Qt.Key.Key_Return)  # keeps the indentation
    assert context.undo_stack.count() == before + 1
    assert "return {'twice'" in context.document.doc.functions["enrich"].source
    assert editor.sample_input() == {"who": "bob", "n": 2}
    qtbot.mouseClick(editor.test, Qt.MouseButton.LeftButton)
    assert not editor.test.isEnabled()  # running in the background; the UI is free
    qtbot.waitUntil(lambda: editor.test.isEnabled(), timeout=20000)
    output = editor.output.toPlainText()
    assert editor.test_status.text() == "Passed", output
    assert '"twice": 4' in output and "hello bob" in output


def test_function_id_change_moves_its_source(qtbot) -> None:
    document = make_document(
        {"Enrich": {"start": True, "type": "function", "function_id": "old"}},
        functions={"old": {"source": "def handler(p):\n    return p\n", "description": "d"}},
    )
    context, inspector = open_inspector(qtbot, document)
    editor = select(context, inspector, "Enrich").body
    editor.function_id.setText("new_id")
    editor.function_id.editingFinished.emit()
    assert state(context, "Enrich")["function_id"] == "new_id"
    assert set(context.document.doc.functions) == {"new_id"}
    context.undo_stack.undo()
    assert set(context.document.doc.functions) == {"old"}


def test_circuit_stores_a_relative_path_and_opens_it(qtbot, tmp_path: Path) -> None:
    document = make_document({"Sub": {"start": True, "type": "circuit", "circuit_id": ""}})
    document.path = tmp_path / "main.playbook.json"
    (tmp_path / "subs").mkdir()
    child = tmp_path / "subs" / "contain.playbook.json"
    child.write_text("{}")
    context, inspector = open_inspector(qtbot, document)
    editor = select(context, inspector, "Sub").body
    editor.choose_file(child)
    assert state(context, "Sub")["circuit_id"] == "subs/contain"
    assert circuit_file("subs/contain", tmp_path) == child.resolve()
    with qtbot.waitSignal(inspector.openPlaybookRequested) as blocker:
        editor.open_playbook()
    assert blocker.args == [str(child.resolve())]
    assert circuit_id_for(tmp_path / "x.json", tmp_path) == "x.json"
    editor.circuit_id.setText("")
    qtbot.keyClicks(editor.circuit_id, "missing")
    editor.open_playbook()
    assert any("not found" in m for m in editor.messages.texts())


def test_advanced_paths(qtbot) -> None:
    context, inspector = open_inspector(qtbot, flow_document())
    page = select(context, inspector, "Start")
    advanced = page.advanced
    assert not advanced.collapsible.is_expanded()
    assert list(advanced.rows) == ["comment", "input_path", "result_selector", "result_path",
                                   "error_selector", "error_path", "output_path"]
    advanced.rows["result_path"].editor.line.clear()
    qtbot.keyClicks(advanced.rows["result_path"].editor.line, "$.incident")
    assert state(context, "Start")["result_path"] == "$.incident"
    qtbot.keyClicks(advanced.rows["output_path"].editor.line, "$.[")
    assert advanced.rows["output_path"].messages.texts()[0].startswith("output_path: invalid path")
    assert advanced.collapsible.is_expanded()  # a problem opens the section
    downstream = select(context, inspector, "Route")
    assert "$.incident.data.incident_id" in downstream.advanced.rows[
        "input_path"].editor.line.path_completer.paths()
