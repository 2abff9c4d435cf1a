"""Each example playbook, run from the UI with each of its profiles: the Executions row, the
Execution Graph's colours and taken transitions, and the Execution Details tabs."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store

from designer.run.details_pane import UNFINISHED
from designer.run.details_tabs import TRIGGER_INPUTS
from designer.run.executions import SESSION_COL, STATUS_COL, TIME_COL
from designer.run.log_tabs import OS_NOT_AVAILABLE
from designer.run.style import status_word
from runtime.loader import load_playbook

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]

CASES = [
    (name, profile.name)
    for name in ("endpoint-containment", "log-source-health", "phishing-response",
                 "suspicious-logon-triage")
    for profile in load_playbook(example(name)).document.run_profiles
]
EXPECTED = {  # the statuses of tests/fixtures/golden (issue 13's rules)
    ("suspicious-logon-triage", "Incident service down"): "failed",
    ("log-source-health", "A silent source"): "failed",
    ("suspicious-logon-triage", "Offline host"): "partial",
}


def expected_colour(summary) -> str:  # noqa: ANN001 - StateSummary
    """What the graph should show for a state, from the store's own per-state counts."""
    if summary.killed and summary.last_status == "killed":
        return "killed"
    if summary.failed + summary.killed == 0:
        return "success"
    return "failed" if summary.succeeded == 0 else "partial"


@pytest.mark.parametrize(("name", "profile"), CASES)
def test_example_runs_from_the_ui(qtbot, qloop, store, name, profile):
    win = RunWindow(qtbot, qloop, store, example(name))
    execution_id = win.run(profile)
    record = store.get_execution(execution_id)
    assert record.status == EXPECTED.get((name, profile), "success"), record.message

    model = win.ui.executions.model
    row = model.row_of(execution_id)
    assert row == 0, "the newest execution is first"
    assert model.index(row, SESSION_COL).data() == execution_id[:8]
    assert model.record(row).status == record.status
    word = model.index(row, STATUS_COL).data(Qt.ItemDataRole.AccessibleTextRole)
    assert word == status_word(record.status)
    assert model.index(row, TIME_COL).data()

    scene = win.ui.graph.scene
    summaries = {s.state: s for s in store.state_summary(execution_id)}
    doc = win.context.document.doc
    for state in doc.definition:
        item = scene.item(state)
        if state in summaries:
            assert item.run_status == expected_colour(summaries[state]), state
            assert execution_id[:8] in item.caption
            assert not item.greyed
        else:
            assert item.run_status is None, state
            assert item.greyed, f"{state} did not run and should be greyed"
    assert win.ui.graph.trace.taken, "some transition was taken"
    for source, path in win.ui.graph.trace.taken:
        assert (source, path) in {(source, p) for p, _t in doc.definition[source].targets()}
    win.close()


def test_graph_paths_and_colours_of_a_partial_run(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.run("Incident service down")
    graph = win.ui.graph
    assert graph.state_status("Create Incident") == "failed"
    assert graph.state_status("Contain") == "success"
    assert graph.state_status("Record benign") is None
    taken = graph.trace.taken
    assert ("Risky?", "conditions[0].next") in taken
    assert ("Contain", "paths[0].root") in taken and ("Contain", "paths[1].root") in taken
    assert ("Risky?", "default") not in taken
    scene = graph.scene
    assert scene.edge("Risky?", "conditions[0].next").taken
    assert not scene.edge("Risky?", "default").taken
    win.close()


def test_details_at_debug_show_inputs_outputs_and_logs(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = win.run("Offline host")  # DEBUG
    details = win.ui.details
    assert details.state == "Trigger"
    assert details.inputs.note_text() == TRIGGER_INPUTS
    assert isinstance(details.outputs.value(), dict), "the trigger's output is its payload"

    win.ui.graph.select("Risk Score")
    assert details.values["Name"].text() == "Risk Score"
    assert details.values["Session"].text() == execution_id
    assert details.values["Log level"].text() == "DEBUG"
    assert "Success" in details.values["Status"].text()
    assert details.values["Start"].text() and details.values["End"].text()
    step = store.steps(execution_id, state="Risk Score")[-1]
    # An action's Inputs are the resolved parameters it passed on (issue 16).
    assert details.inputs.value() == json.loads(step.params_json)
    assert details.outputs.value() == json.loads(step.output_json)
    assert details.inputs.tree.topLevelItemCount() >= 1
    details.inputs.raw_button.click()
    assert json.loads(details.inputs.raw.toPlainText()) == json.loads(step.params_json)
    details.inputs.copy()
    assert json.loads(qtbot_clipboard()) == json.loads(step.params_json)

    win.ui.graph.select("Stop suspicious process")
    assert "failed" in details.values["Status"].text().lower()
    assert "10001108" in details.values["Status message"].text()
    lines = details.app_logs.lines_shown()
    assert any("retry 1 of 2" in line for line in lines), lines
    details.app_logs.search.setText("retry 2")
    details.app_logs.reload()
    assert all("retry 2" in line for line in details.app_logs.lines_shown())
    assert details.app_logs.lines_shown()
    assert details.os_logs.note_text() == OS_NOT_AVAILABLE
    win.close()


def qtbot_clipboard() -> str:
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.clipboard().text()


def test_details_at_info_say_inputs_were_not_recorded(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.run("Risky logon")  # INFO
    details = win.ui.details
    win.ui.graph.select("Risk Score")
    assert "were not recorded" in details.inputs.note_text()
    assert "log level INFO" in details.inputs.note_text()
    assert "Outputs were not recorded" in details.outputs.note_text()
    win.ui.graph.select("Record benign")
    assert "was not executed" in details.message()
    win.close()


def test_os_logs_of_a_function_step(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("phishing-response"))
    win.run("Reported phish")
    details = win.ui.details
    win.ui.graph.select("Extract indicators")
    assert details.os_logs.note_text() == ""
    text = details.os_logs.text.toPlainText()
    assert "stdout" in text and "found 1 url(s)" in text
    win.ui.graph.select("Any indicators?")
    assert details.os_logs.note_text() == OS_NOT_AVAILABLE
    win.ui.graph.select("Trigger")
    assert details.os_logs.note_text() == OS_NOT_AVAILABLE
    win.close()


def test_details_of_a_running_step_are_not_shown(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.ui.toolbar.set_speed("realtime")  # retries wait 5 s and 10 s of real time
    execution_id = win.run("Offline host", wait=False)
    from test_run_support import wait_until

    wait_until(qloop, lambda: "Stop suspicious process"
               in win.ui.source.running_states(execution_id))
    assert win.ui.graph.state_status("Stop suspicious process") == "running"
    assert win.ui.graph.state_status("Record benign") == "pending"
    win.ui.graph.select("Stop suspicious process")
    assert UNFINISHED in win.ui.details.message()
    assert win.ui.controller.kill(execution_id)
    win.wait_finished(execution_id)
    assert win.ui.graph.state_status("Record benign") is None
    win.close()
