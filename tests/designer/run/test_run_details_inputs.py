"""Execution Details › Inputs shows what a state received (issue 16, item 8).

For an action the Inputs tab opens on the *resolved* parameters the state passed to the
tenant (dynamic ``$.`` values replaced by what they named); the state's input and the
parameters as the playbook defines them are one click away, and the choice sticks while the
user steps through Batch iterations. A Wait state's Inputs are its input. Clicks go through
QTest, as a user's would.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]

ACTION = "Search recent logs"


def click(button: object) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[call-overload]


def test_inputs_show_the_resolved_parameters_with_the_definition_one_click_away(
    qtbot, qloop, store
) -> None:
    win = RunWindow(qtbot, qloop, store, example("log-source-health"))
    execution_id = win.run("Windows sources")
    details = win.ui.details
    tab = details.inputs_tab
    win.ui.graph.select(ACTION)
    step = store.steps(execution_id, state=ACTION, iteration=0)[0]
    payload = json.loads(step.input_json)

    # Received: every $. path resolved against this item's input, nothing left as a path.
    received = details.inputs.value()
    assert received == json.loads(step.params_json)
    assert received["query"] == payload["source"]["log_source"]
    assert received["start_time"] == "2026-04-01T00:00:00Z" and received["limit"] == 5
    assert not any(isinstance(v, str) and v.startswith("$.") for v in received.values())
    assert tab.buttons["received"].isChecked()
    assert all(b.isVisibleTo(tab) for b in tab.buttons.values())

    # Definition: the parameters exactly as the playbook writes them.
    click(tab.buttons["definition"])
    assert tab.buttons["definition"].isChecked()
    assert details.inputs.value() == {
        "query": "$.source.log_source", "start_time": "$.window_start",
        "end_time": "$.window_end", "limit": 5,
    }

    # State input: the data the state was given (the item and its index).
    click(tab.buttons["state input"])
    assert details.inputs.value() == payload
    assert payload["batch_index"] == 0

    # The choice sticks while stepping to the next iteration.
    click(win.ui.graph.iterator.next_button)
    assert details.iteration == 1
    assert tab.buttons["state input"].isChecked()
    assert details.inputs.value()["batch_index"] == 1

    click(tab.buttons["received"])
    second = store.steps(execution_id, state=ACTION, iteration=1)[0]
    assert details.inputs.value() == json.loads(second.params_json)
    assert details.inputs.value() != received  # another source, another query
    win.close()


def test_a_wait_state_shows_its_input_and_its_definition(qtbot, qloop, store) -> None:
    win = RunWindow(qtbot, qloop, store, example("log-source-health"))
    execution_id = win.run("Windows sources")
    details = win.ui.details
    tab = details.inputs_tab
    win.ui.graph.select("Settle")
    step = store.steps(execution_id, state="Settle")[-1]
    assert not tab.buttons["state input"].isVisibleTo(tab)  # a Wait passes on no parameters
    assert details.inputs.value() == json.loads(step.input_json)
    click(tab.buttons["definition"])
    definition = details.inputs.value()
    assert definition["type"] == step.type
    win.close()
