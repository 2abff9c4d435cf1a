"""Run profiles: the manager dialog (create, duplicate, rename, edit, delete; JSON checked;
one undo step per Save), mocks from the catalog's error table, "+ Create Run Profile" from a
recorded step, and single-state runs of a profile with a target."""

from __future__ import annotations

import json

from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store

import designer.run.details_pane as details_pane
from designer.run.create_profile import FROM_STEP, NewProfile
from designer.run.profiles import ProfilesDialog
from designer.run.toolbar import MANAGE
from runtime.naming import PROFILE_NUMBERING, free_name

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


def names(context) -> list[str]:  # noqa: ANN001
    return [p.name for p in context.document.doc.run_profiles]


def test_profiles_dialog_edits_are_one_undo_step(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    context = win.context
    before = names(context)
    steps = context.undo_stack.count()
    dialog = ProfilesDialog(context)
    qtbot.addWidget(dialog)
    dialog.new_profile("Alpha")
    dialog.editor.payload.set_text('{"user": "amy",\n "risk": }')
    assert "line 2" in dialog.editor.payload.error
    assert not dialog.editor.payload.message.isHidden()
    assert not dialog.save(), "bad JSON blocks Save"
    assert "Trigger payload" in dialog.problems.text()
    dialog.editor.payload.set_text('{"user": "amy", "risk": 90}')
    assert dialog.editor.payload.error == ""
    dialog.select("Benign user")
    assert dialog.duplicate_selected() == "Benign user copy"
    assert dialog.rename_selected("Benign (edited)")
    assert not dialog.rename_selected("Alpha"), "names stay unique"
    dialog.select("Risky logon")
    assert dialog.delete_selected()
    assert dialog.save()
    after = names(context)
    assert set(after) == (set(before) - {"Risky logon"}) | {"Alpha", "Benign (edited)"}
    assert after.index("Benign (edited)") == after.index("Benign user") + 1
    assert context.document.doc.profile("Alpha").payload == {"user": "amy", "risk": 90}
    assert context.undo_stack.count() == steps + 1, "one undoable edit for the whole dialog"
    context.undo_stack.undo()
    assert names(context) == before
    context.undo_stack.redo()
    assert "Alpha" in names(context)
    win.close()


def test_new_and_duplicated_profiles_are_numbered_from_2(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    dialog = ProfilesDialog(win.context)
    qtbot.addWidget(dialog)
    assert dialog.new_profile("Alpha") == "Alpha"
    assert dialog.new_profile("Alpha") == "Alpha (2)"
    assert dialog.new_profile("Alpha") == "Alpha (3)"
    dialog.select("Benign user")
    assert dialog.duplicate_selected() == "Benign user copy"
    dialog.select("Benign user")
    assert dialog.duplicate_selected() == "Benign user copy (2)"
    assert len(set(dialog.names())) == len(dialog.names())
    win.close()


def test_free_name_keeps_a_free_name_and_numbers_a_taken_one():
    taken = {"Get Alerts", "Get Alerts 2", "Benign user", "Benign user (2)", "Benign user (4)"}
    assert free_name("Notify", taken) == "Notify"
    assert free_name("Get Alerts", taken) == "Get Alerts 3"
    assert free_name("Benign user", taken, PROFILE_NUMBERING) == "Benign user (3)"


def test_profile_editor_target_level_speed_and_mocks(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    context = win.context
    dialog = ProfilesDialog(context, select="Risky logon")
    qtbot.addWidget(dialog)
    editor = dialog.editor
    editor.level.setCurrentIndex(editor.level.findData("DEBUG"))
    editor.level.activated.emit(editor.level.currentIndex())
    editor.speed.setCurrentIndex(editor.speed.findData("10"))
    editor.speed.activated.emit(editor.speed.currentIndex())
    mocks = editor.mocks
    mocks.select_state("Create Incident")
    codes = [mocks.error_code.itemData(i) for i in range(mocks.error_code.count())]
    assert "10001010" in codes and "10001043" in codes, "the catalog's error table"
    mocks.add_ok.click()
    mocks.output.set_text('{"incident_id": 42}')
    mocks.add_error.click()
    mocks.error_code.setCurrentIndex(mocks.error_code.findData("10001043"))
    assert mocks.responses.count() == 2
    assert dialog.save()
    profile = context.document.doc.profile("Risky logon")
    assert profile.log_level == "DEBUG" and profile.speed == "10"
    responses = profile.mocks["Create Incident"]
    assert responses[0].output == {"incident_id": 42}
    assert responses[1].error_code == "10001043"
    win.close()


def test_mocked_uncaught_error_fails_the_run(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    dialog = ProfilesDialog(win.context, select="Risky logon")
    qtbot.addWidget(dialog)
    dialog.editor.mocks.select_state("Create Incident")
    dialog.editor.mocks.add_error.click()
    assert dialog.save()
    execution_id = win.run("Risky logon")
    # Nothing catches the mocked error: the execution fails (issue 13), even after a Parallel.
    assert store.get_execution(execution_id).status == "failed"
    assert win.ui.graph.state_status("Create Incident") == "failed"
    win.close()


def test_single_state_run_of_a_profile_with_a_target(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    dialog = ProfilesDialog(win.context)
    qtbot.addWidget(dialog)
    dialog.new_profile("Only risk")
    editor = dialog.editor
    editor.target.setCurrentIndex(editor.target.findData("Risk Score"))
    editor.target.activated.emit(editor.target.currentIndex())
    editor.payload.set_text('{"user": "jdoe", "host": "WS-FIN-014"}')
    assert dialog.save()
    assert win.context.profile_name == "Only risk"
    execution_id = win.run()
    steps = store.steps(execution_id)
    assert [s.state for s in steps] == ["Risk Score"]
    assert win.ui.graph.state_status("Risk Score") == "success"
    assert win.ui.graph.state_status("Get Alerts") is None
    win.close()


def test_create_run_profile_from_a_step(qtbot, qloop, store, monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = win.run("Offline host")  # DEBUG: inputs recorded
    asked: list[tuple[str, str | None]] = []

    def answer(parent, suggested, record_blocked):  # noqa: ANN001
        asked.append((suggested, record_blocked))
        return NewProfile("Replay risk")

    monkeypatch.setattr(details_pane, "ask_profile_name", answer)
    win.ui.graph.select("Risk Score")
    steps = win.context.undo_stack.count()
    win.ui.details.create_profile.click()
    assert asked and "Risk Score" in asked[0][0]
    assert asked[0][1] == FROM_STEP, "a step's profile runs one state: no outcome to record"
    profile = win.context.document.doc.profile("Replay risk")
    assert profile.target == "Risk Score"
    step = store.steps(execution_id, state="Risk Score")[-1]
    assert profile.payload == json.loads(step.input_json)
    assert win.context.undo_stack.count() == steps + 1
    assert profile.assertions == []
    combo = win.ui.toolbar.profile_combo
    assert combo.findText("Replay risk") >= 0 and combo.findData(MANAGE) >= 0
    rerun = win.run("Replay risk")
    assert [s.state for s in store.steps(rerun)] == ["Risk Score"]
    win.context.undo_stack.undo()
    assert win.context.document.doc.profile("Replay risk") is None
    assert combo.findText("Replay risk") < 0
    win.close()
