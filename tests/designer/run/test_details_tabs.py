"""The Execution Details tabs share one interface (DetailsTab): the pane shows every selection
on each tab of its list, and a tab added to the list is shown like the built-in ones."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QVBoxLayout
from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store

from designer.run.details_tabs import DetailsTab, StepSelection

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


class SummaryTab(DetailsTab):
    """A tab of the test's own: one line naming what it was shown."""

    title = "Summary"

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        QVBoxLayout(self).addWidget(self.label)
        self.shown: list[StepSelection] = []

    def show_step(self, selection: StepSelection) -> None:
        self.shown.append(selection)
        step = selection.step
        self.label.setText("trigger" if step is None else f"{step.state}: {step.status}")


def tab_titles(details) -> list[str]:
    return [details.tabs.tabText(i) for i in range(details.tabs.count())]


def test_selecting_a_step_shows_it_on_every_tab(qtbot, qloop, store, monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = win.run("Offline host")  # DEBUG: inputs and outputs recorded
    details = win.ui.details
    assert tab_titles(details) == ["Inputs", "Outputs", "App Logs", "OS Logs"]
    assert [details.tabs.widget(i) for i in range(details.tabs.count())] == details.details_tabs
    seen: dict[str, list[StepSelection]] = {}
    for tab in details.details_tabs:
        seen[tab.title] = calls = []

        def record(selection, tab=tab, calls=calls):
            calls.append(selection)
            type(tab).show_step(tab, selection)

        monkeypatch.setattr(tab, "show_step", record)

    win.ui.graph.select("Risk Score")
    for title, calls in seen.items():
        assert [(s.execution_id, s.step.state) for s in calls] == \
            [(execution_id, "Risk Score")], title
    assert details.selection is seen["Inputs"][0]
    assert details.selection.level == "DEBUG"
    # What each tab made of it: the step's own data, not the trigger's.
    step = store.steps(execution_id, state="Risk Score")[-1]
    assert details.outputs.value() is not None and step.output_json is not None
    assert details.app_logs.seq == step.seq
    assert (details.os_logs.step.seq, details.os_logs.step.state) == (step.seq, step.state)

    win.ui.graph.select("Trigger")
    for title, calls in seen.items():
        assert len(calls) == 2 and calls[-1].step is None, title
    assert details.app_logs.seq is None
    win.close()


def test_a_tab_added_to_the_pane_is_shown_like_the_others(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.run("Offline host")
    details = win.ui.details
    win.ui.graph.select("Risk Score")

    summary = SummaryTab()
    details.add_tab(summary)  # shows the current selection at once
    assert tab_titles(details)[-1] == "Summary"
    assert summary.label.text() == "Risk Score: success"

    win.ui.graph.select("Stop suspicious process")
    assert summary.label.text() == "Stop suspicious process: failed"
    details.tabs.setCurrentWidget(summary)
    details.refresh()  # new rows or the end of the run: the tab is shown again, and stays
    assert summary.label.text() == "Stop suspicious process: failed"
    assert details.tabs.currentWidget() is summary
    win.ui.graph.select("Trigger")
    assert summary.label.text() == "trigger"

    shown = len(summary.shown)
    win.ui.graph.select("Record benign")  # not executed: a message, no tab is shown anything
    assert "was not executed" in details.message()
    assert len(summary.shown) == shown and details.selection is None
    win.close()


def test_a_details_tab_must_say_how_it_shows_a_step(qtbot):
    tab = DetailsTab()
    qtbot.addWidget(tab)
    with pytest.raises(NotImplementedError):
        tab.show_step(StepSelection("e1", None, None, None))
