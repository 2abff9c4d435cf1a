"""The main window's default layout during a run, at the screen sizes it must fit (1366 × 768
and 1440 × 900), and the execution screen's layout buttons.

The run is started as a person does (F5 on the window); what is checked is what the person
sees: every Execution Details field and "+ Create Run Profile" wholly on screen, at least eight
lines of the Inputs tab, the Executions list's session, time and log-level pill inside the list
without scrolling sideways; and Run All Profiles' Test Results opening as a tab beside
Executions, so the execution screen still fits (also after View → Reset Window Layout).
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from test_run_support import QT_MARKS, example, qloop, settings_tmp, spin, store, wait_until

from designer.run.status_delegate import SESSION_COL, TIME_COL

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


def wholly_visible(widget: QWidget) -> bool:
    """Shown, and not clipped by any parent (scroll areas, splitters, docks)."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def open_window(qtbot: Any, qloop: Any, store: Any, size: tuple[int, int],
                playbook: str = "suspicious-logon-triage") -> Any:
    from designer.main_window import MainWindow

    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(*size)
    window.open_path(example(playbook))
    window.show()
    qtbot.waitExposed(window)
    spin(qloop, 0.2)
    return window


def press_f5_and_wait(qtbot: Any, qloop: Any, window: Any, profile: str) -> str:
    ui = window.run_ui
    window.context.set_profile(profile)
    ui.toolbar.set_log_level("DEBUG")
    started: list[str] = []
    ui.controller.executionStarted.connect(started.append)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_F5)
    wait_until(qloop, lambda: bool(started))
    execution_id = started[0]
    wait_until(qloop, lambda: (live := ui.controller.live(execution_id)) is not None
               and live.confirmed, 20)
    spin(qloop, 0.3)
    return execution_id


@pytest.mark.parametrize("size", [(1366, 768), (1440, 900)])
def test_default_layout_fits_the_screen_during_a_run(qtbot, qloop, store, size):
    window = open_window(qtbot, qloop, store, size)
    ui = window.run_ui
    execution_id = press_f5_and_wait(qtbot, qloop, window, "Risky logon")
    assert ui.screen.execution_id == execution_id
    card = ui.graph.scene.item("Risk Score")
    view = ui.graph.view
    view.center_on("Risk Score")
    spin(qloop, 0.1)
    point = view.mapFromScene(card.sceneBoundingRect().center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    spin(qloop, 0.3)
    assert ui.details.state == "Risk Score"
    assert_execution_screen_fits(ui, size)
    assert_executions_list_fits(ui, execution_id)
    assert_test_results_stay_beside_executions(window, qloop, size)
    window.context.undo_stack.setClean()
    ui.shutdown()
    window.close()
    QApplication.processEvents()


def assert_execution_screen_fits(ui: Any, size: tuple[int, int]) -> None:
    """Every Details field, + Create Run Profile, the header and 8 lines of Inputs on screen."""
    details = ui.details
    fields = [f for f in details.values if f != "Iteration"]
    hidden = [f for f in fields if not (wholly_visible(details.keys[f])
                                        and wholly_visible(details.values[f]))]
    assert not hidden, f"fields cut off at {size}: {hidden}"
    assert wholly_visible(details.create_profile), "+ Create Run Profile is clipped"
    assert details.summary_scroll.verticalScrollBar().maximum() == 0, "fields scroll"

    header = ui.header
    assert header.download.isVisible(), "DEBUG and over: DOWNLOAD OS LOGS"
    cut = [f for f in header.values if not wholly_visible(header.values[f])]
    assert not cut, f"header fields cut off at {size}: {cut}"
    assert wholly_visible(header.download)

    tree = details.inputs.tree
    line = tree.fontMetrics().height()
    assert tree.viewport().height() >= 8 * line, \
        f"only {tree.viewport().height() / line:.1f} lines of the Inputs tab at {size}"


def assert_test_results_stay_beside_executions(window: Any, qloop: Any,
                                               size: tuple[int, int]) -> None:
    """Run All Profiles (Ctrl+F5) opens Test Results as a tab beside Executions and Problems,
    never below the canvas; the execution screen still fits, and so after Reset Layout."""
    ui, suite_ui = window.run_ui, window.suite_ui
    results, executions = suite_ui.dock, ui.docks["ExecutionsDock"]
    assert not results.isVisible(), "Test Results is open in the default layout"
    finished: list[Any] = []
    suite_ui.finished.connect(finished.append)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
    wait_until(qloop, lambda: bool(finished), 60)
    spin(qloop, 0.3)
    assert results.isVisible() and wholly_visible(suite_ui.panel.summary)
    tabbed = window.tabifiedDockWidgets(results)
    assert executions in tabbed and window.problems_dock in tabbed
    tree = suite_ui.panel.tree  # pass / fail in view in the narrow tab, no sideways scrolling
    header = tree.header()
    assert header.sectionViewportPosition(1) + header.sectionSize(1) <= tree.viewport().width()
    assert_execution_screen_fits(ui, size)

    window.actions_by_key["reset_layout"].trigger()
    spin(qloop, 0.3)
    assert executions.isVisible() and not results.isFloating()
    assert executions in window.tabifiedDockWidgets(results)
    assert_execution_screen_fits(ui, size)
    assert results.isVisible()  # it has results: its tab stays, behind Executions
    assert results.toggleViewAction() in window.menus["&View"].actions()


def assert_executions_list_fits(ui: Any, execution_id: str) -> None:
    """Session, time and the log-level pill inside the list without scrolling sideways."""
    panel = ui.executions
    assert ui.docks["ExecutionsDock"].isVisible()
    list_view = panel.view
    row = panel.model.row_of(execution_id)
    assert row >= 0
    assert panel.model.index(row, SESSION_COL).data() == execution_id[:8]
    columns = list_view.header() if hasattr(list_view, "header") else \
        list_view.horizontalHeader()
    right = columns.sectionViewportPosition(TIME_COL) + columns.sectionSize(TIME_COL)
    assert right <= list_view.viewport().width(), "the time column runs out of the list"
    # The pill is drawn in the time cell: the cell must hold the time and "DEBUG".
    metrics = list_view.fontMetrics()
    assert columns.sectionSize(TIME_COL) >= metrics.horizontalAdvance("05 Dec 21:35:57") + \
        metrics.horizontalAdvance("DEBUG")
    assert list_view.visualRect(panel.model.index(row, SESSION_COL)).width() >= \
        metrics.horizontalAdvance(execution_id[:8])


def click_layout(qloop: Any, ui: Any, key: str) -> None:
    button = ui.header.findChild(QWidget, f"Layout_{key}")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    spin(qloop, 0.2)


def arrangement(window: Any, ui: Any) -> str:
    details = ui.docks["ExecutionDetailsDock"]
    graph = ui.docks["ExecutionGraphDock"]
    if graph in window.tabifiedDockWidgets(details):
        return "tabbed"
    a, b = details.geometry(), graph.geometry()
    if a.right() < b.left() or b.right() < a.left():
        return "side_by_side"
    return "stacked" if a.bottom() < b.top() or b.bottom() < a.top() else "?"


def checked_layout(ui: Any) -> list[str]:
    return [b.property("layout") for b in ui.header.layout_buttons.buttons() if b.isChecked()]


def test_layout_buttons_keep_the_header_slim_and_refit_the_graph(qtbot, qloop, store):
    window = open_window(qtbot, qloop, store, (1440, 900))
    ui = window.run_ui
    press_f5_and_wait(qtbot, qloop, window, "Benign user")
    header = ui.docks["ExecutionDock"]
    slim = header.height()
    assert slim <= ui.header.sizeHint().height() + 40
    QTest.mouseClick(ui.graph.zoom_in_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(ui.graph.zoom_in_button, Qt.MouseButton.LeftButton)
    zoomed = ui.graph.view.zoom()
    for key in ("stacked", "tabbed", "side_by_side", "stacked", "side_by_side"):
        click_layout(qloop, ui, key)
        assert arrangement(window, ui) == key
        assert checked_layout(ui) == [key]
        assert header.height() <= slim + 2, f"the header grew to {header.height()} ({key})"
    assert ui.graph.view.zoom() != pytest.approx(zoomed), "the graph was not refitted"
    ui.shutdown()
    window.close()


@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")
def test_highlight_follows_a_dragged_layout_and_reset_restores_run_docks(qtbot, qloop, store):
    window = open_window(qtbot, qloop, store, (1440, 900))
    ui = window.run_ui
    press_f5_and_wait(qtbot, qloop, window, "Benign user")
    details = ui.docks["ExecutionDetailsDock"]
    graph = ui.docks["ExecutionGraphDock"]
    # What dropping the graph's title bar on the details' does: the two become tabs.
    window.tabifyDockWidget(details, graph)
    spin(qloop, 0.2)
    assert checked_layout(ui) == ["tabbed"]
    # Dropping it below the details: stacked.
    window.splitDockWidget(details, graph, Qt.Orientation.Vertical)
    spin(qloop, 0.2)
    assert arrangement(window, ui) == "stacked"
    assert checked_layout(ui) == ["stacked"]
    # Floated away: no button claims the layout.
    graph.setFloating(True)
    spin(qloop, 0.2)
    assert checked_layout(ui) == []
    ui.docks["ExecutionsDock"].close()

    reset = window.actions_by_key["reset_layout"]
    view_menu = window.menus["&View"]
    assert reset in view_menu.actions()
    reset.trigger()
    spin(qloop, 0.3)
    assert not graph.isFloating()
    assert arrangement(window, ui) == "side_by_side"
    assert checked_layout(ui) == ["side_by_side"]
    assert ui.docks["ExecutionsDock"].isVisible()
    assert ui.docks["ExecutionDock"].height() <= ui.header.sizeHint().height() + 40
    assert details.height() >= 300
    ui.shutdown()
    window.close()


def test_first_start_fits_a_screen_smaller_than_the_default_size(qtbot, store):
    from designer.main_window import MainWindow

    window = MainWindow(store)  # no saved geometry: the default size
    qtbot.addWidget(window)
    room = window.screen().availableGeometry().size()
    assert room.width() < 1440 or room.height() < 900, "the test screen is small"
    assert window.width() <= room.width() and window.height() <= room.height()
    window.close()
