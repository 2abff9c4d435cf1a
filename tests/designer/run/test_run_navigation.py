"""Moving around an execution: the Iterator Index of a Batch body, VIEW EXECUTION into a
sub-playbook's execution and Close back, the Trigger, and the pane layout that persists."""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings
from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store, wait_until

from designer.run.execution_view import LAYOUT_KEY, ExecutionView
from designer.run.source import ExecutionSource

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


def test_iterator_index_steps_through_batch_iterations(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("log-source-health"))
    execution_id = win.run("Windows sources")
    graph, details = win.ui.graph, win.ui.details
    batch = graph.scene.item("Check each source")
    assert batch.corner_badge == "5", "five successful iterations"
    assert not graph.iterator.isVisible()

    graph.select("Search recent logs")
    iterator = graph.iterator
    assert iterator.isVisible()
    assert iterator.iterations == [0, 1, 2, 3, 4]
    assert iterator.number.text() == "0"
    assert details.values["Iteration"].text() == "0"
    details.inputs_tab.buttons["state input"].click()  # an action: Received is its parameters
    assert details.inputs.value()["batch_index"] == 0
    first_source = details.inputs.value()["source"]

    iterator.next_button.click()
    assert iterator.number.text() == "1"
    assert details.iteration == 1
    assert details.values["Iteration"].text() == "1"
    assert details.inputs.value()["batch_index"] == 1
    assert details.inputs.value()["source"] != first_source
    step = store.steps(execution_id, state="Search recent logs", iteration=1)[0]
    assert details.outputs.value() == json.loads(step.output_json)

    for _ in range(10):
        iterator.next()
    assert iterator.number.text() == "4" and not iterator.next_button.isEnabled()
    iterator.previous()
    assert details.iteration == 3

    graph.select("Settle")
    assert not iterator.isVisible(), "not inside a Batch body"
    assert details.values["Iteration"].isHidden()
    win.close()


def test_view_execution_of_a_sub_playbook_and_close(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("phishing-response"))
    parent_id = win.run("Reported phish")
    children = store.children(parent_id)
    assert len(children) == 1
    child_id = children[0].id
    ui = win.ui
    ui.graph.select("Contain endpoint")
    details = ui.details
    assert details.view_execution.isVisible()
    assert not ui.header.close_button.isVisible()

    details.view_execution.click()
    assert ui.screen.execution_id == child_id
    assert ui.header.values["SESSION"].text() == child_id
    assert ui.header.values["PLAYBOOK"].text() == "Endpoint containment"
    assert ui.header.close_button.isVisible()
    assert "Contain endpoint" in ui.header.breadcrumb.text()
    assert ui.graph.scene.item("Ping host") is not None
    assert ui.graph.state_status("Ping host") == "success"
    assert ui.graph.state_status("Host unreachable") is None
    assert details.state == "Trigger" and details.execution_id == child_id
    ui.graph.select("Disable USB")
    assert details.values["Session"].text() == child_id
    assert not details.create_profile.isEnabled()

    ui.header.close_button.click()
    assert ui.screen.execution_id == parent_id
    assert ui.graph.scene.item("Ping host") is None
    assert ui.graph.scene.item("Contain endpoint") is not None
    assert not ui.header.close_button.isVisible()
    assert details.state == "Contain endpoint", "back on the Circuit that was viewed"
    assert details.create_profile.isEnabled()
    win.close()


def test_unsaved_playbook_with_a_circuit_is_refused(qtbot, qloop, store):
    from runtime.loader import load_playbook

    doc = load_playbook(example("phishing-response")).document
    win = RunWindow(qtbot, qloop, store, example("phishing-response"), doc=doc)
    win.context.document.path = None
    refused: list[str] = []
    win.ui.controller.runRefused.connect(refused.append)
    win.ui.run_action.trigger()
    assert refused and "Save the playbook" in refused[0]
    assert win.ui.executions.model.rowCount() == 0
    win.close()


def test_pane_layout_choice_persists(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    ui = win.ui
    assert ui.pane_layout == "side_by_side"
    details, graph = ui.docks["ExecutionDetailsDock"], ui.docks["ExecutionGraphDock"]
    assert details.geometry().top() == graph.geometry().top(), "side by side"
    ui.header.layout_buttons.buttons()[1].click()  # stacked
    assert ui.pane_layout == "stacked"
    assert QSettings().value(LAYOUT_KEY) == "stacked"
    qtbot.wait(50)
    assert details.geometry().bottom() < graph.geometry().top(), "details above the graph"
    ui.header.layout_buttons.buttons()[2].click()  # tabbed
    assert graph in win.window.tabifiedDockWidgets(details)
    win.close()

    again = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    assert again.ui.pane_layout == "tabbed"
    assert again.ui.header.layout_buttons.buttons()[2].isChecked()
    again.ui.set_pane_layout("side_by_side")
    assert again.ui.docks["ExecutionGraphDock"] not in again.window.tabifiedDockWidgets(
        again.ui.docks["ExecutionDetailsDock"])
    again.close()


def test_execution_view_widget_layouts(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = win.run("Benign user")
    view = ExecutionView(ExecutionSource(None, store), win.context)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.open(execution_id)
    assert view.graph.state_status("Benign") == "success"
    assert view.splitter.indexOf(view.details) == 0
    view.set_pane_layout("tabbed")
    assert view.tabs.indexOf(view.graph) == 1
    assert QSettings().value(LAYOUT_KEY) == "tabbed"
    view.set_pane_layout("stacked")
    assert view.splitter.orientation().name == "Vertical"
    win.close()


def test_batch_success_count_is_readable_and_clear_of_the_ports(qtbot, qloop, store):
    from designer.canvas.ports import port_point
    from designer.canvas.style import PORT_RADIUS, theme

    win = RunWindow(qtbot, qloop, store, example("log-source-health"))
    win.run("Windows sources")
    batch = win.ui.graph.scene.item("Check each source")
    assert batch.corner_badge == "5"
    assert batch.corner_badge_text() == "✓ 5"
    rect = batch.corner_badge_rect()
    assert rect.height() >= theme().small_metrics.height(), "in the small font, not the tiny"
    assert batch.card_rect().contains(rect), "inside the card"
    for port in batch.ports:
        centre = port_point(port, batch.height)
        near = rect.adjusted(-PORT_RADIUS - 2, -PORT_RADIUS - 2, PORT_RADIUS + 2, PORT_RADIUS + 2)
        assert not near.contains(centre), f"the badge covers the port {port.path}"
    win.close()


def test_child_executions_are_listed_under_their_parent(qtbot, qloop, store):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    win = RunWindow(qtbot, qloop, store, example("phishing-response"))
    parent_id = win.run("Reported phish", wait=False)  # listed live, before it is written
    panel = win.ui.executions
    model, view = panel.model, panel.view
    wait_until(qloop, lambda: model.row_of(parent_id) >= 0)
    win.wait_finished(parent_id)
    (child,) = store.children(parent_id)
    wait_until(qloop, lambda: model.index_of(child.id).isValid(), timeout=3)
    parent_index = model.index_of(parent_id)
    assert parent_index.isValid() and not parent_index.parent().isValid()
    child_index = model.index_of(child.id, 1)
    assert child_index.isValid() and child_index.parent().row() == parent_index.row()
    assert model.rowCount(parent_index) == 1
    assert child_index.data() == f"└ {child.id[:8]}"
    assert "Sub-playbook Endpoint containment" in child_index.data(Qt.ItemDataRole.ToolTipRole)
    child_rect = view.visualRect(child_index)
    parent_rect = view.visualRect(model.index_of(parent_id, 1))
    assert child_rect.top() >= parent_rect.bottom(), "the child is listed under its parent"
    assert view.visualRect(model.index_of(child.id, 0)).left() > \
        view.visualRect(model.index_of(parent_id, 0)).left(), "and indented"

    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=child_rect.center())
    assert win.ui.screen.execution_id == child.id
    assert panel.selected_id() == child.id
    assert win.ui.header.values["PLAYBOOK"].text() == "Endpoint containment"
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=parent_rect.center())
    assert win.ui.screen.execution_id == parent_id
    win.close()
