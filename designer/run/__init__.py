"""Test runs in the designer: Run toolbar, run profiles, Executions, Execution Graph and Details.

:func:`install_run_ui` adds everything to a main window: the :class:`RunController`, the Run
toolbar (profile, Run F5, Kill, speed, log level) and four dock widgets with stable object
names — ``ExecutionsDock`` (the list), ``ExecutionDock`` (the execution screen's header),
``ExecutionDetailsDock`` and ``ExecutionGraphDock`` — which the window saves and restores with
its own state. The header's layout chooser arranges Details and Graph side by side (default),
stacked or tabbed, and remembers the choice (``QSettings`` ``run/executionLayout``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QWidget

from designer.run.controller import RunController
from designer.run.details_pane import DetailsPane
from designer.run.execution_view import (
    DEFAULT_LAYOUT,
    LAYOUT_KEY,
    ExecutionHeader,
    ExecutionScreen,
    ExecutionView,
    saved_layout,
)
from designer.run.executions import ExecutionsPanel, confirm_kill
from designer.run.graph_pane import GraphPane
from designer.run.live import LiveExecution
from designer.run.source import ExecutionSource
from designer.run.toolbar import RunToolbar

__all__ = [
    "DetailsPane", "ExecutionSource", "ExecutionView", "ExecutionsPanel", "GraphPane",
    "LiveExecution", "RunController", "RunUI", "install_run_ui",
]

DOCKS = (("ExecutionsDock", "Executions"), ("ExecutionDock", "Execution"),
         ("ExecutionDetailsDock", "Execution Details"), ("ExecutionGraphDock", "Execution Graph"))


# The execution screen (header, Execution Details, Execution Graph): hidden until an execution
# is run or opened, so that designing gets the whole middle of the window.
SCREEN_DOCKS = ("ExecutionDock", "ExecutionDetailsDock", "ExecutionGraphDock")


class RunUI(QObject):
    """What :func:`install_run_ui` built, and the entry points the window uses."""

    def __init__(self, window: QMainWindow, context: Any, store: Any) -> None:
        super().__init__(window)
        self.window, self.context, self.store = window, context, store
        self.controller = RunController(context, store, self)
        self.source = ExecutionSource(self.controller, store)
        self.toolbar = RunToolbar(context, self.controller, window)
        window.addToolBar(self.toolbar)
        self.run_action = self.toolbar.run_action
        self.kill_action = self.toolbar.kill_action
        self.executions = ExecutionsPanel(self.source, context)
        self.header = ExecutionHeader(self.source)
        self.details = DetailsPane(self.source, context)
        self.graph = GraphPane(self.source, context)
        self.screen = ExecutionScreen(self.source, context, self.header, self.graph,
                                      self.details, self.controller, self)
        self.docks: dict[str, QDockWidget] = {}
        widgets = (self.executions, self.header, self.details, self.graph)
        for (name, title), widget in zip(DOCKS, widgets, strict=True):
            self.docks[name] = self._dock(name, title, widget)
        self._place_docks()
        self.pane_layout = ""
        self._arranging = False
        # Dragging Details or Graph somewhere else changes the layout the header shows.
        self._follow_timer = QTimer(self, singleShot=True, interval=0)
        self._follow_timer.timeout.connect(self.follow_arrangement)
        for name in ("ExecutionDetailsDock", "ExecutionGraphDock"):
            dock = self.docks[name]
            dock.installEventFilter(self)
            dock.topLevelChanged.connect(lambda _f: self._follow_timer.start())
            dock.dockLocationChanged.connect(lambda _a: self._follow_timer.start())
        self.set_pane_layout(saved_layout(), save=False)
        self._connect()

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        return dock

    def _place_docks(self) -> None:
        window = self.window
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.docks["ExecutionsDock"])
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea,
                             self.docks["ExecutionDock"])
        window.splitDockWidget(self.docks["ExecutionDock"], self.docks["ExecutionDetailsDock"],
                               Qt.Orientation.Vertical)
        window.splitDockWidget(self.docks["ExecutionDetailsDock"],
                               self.docks["ExecutionGraphDock"], Qt.Orientation.Horizontal)
        window.resizeDocks([self.docks["ExecutionsDock"]], [380], Qt.Orientation.Horizontal)
        window.resizeDocks([self.docks["ExecutionDock"], self.docks["ExecutionDetailsDock"]],
                           [96, 420], Qt.Orientation.Vertical)

    def _connect(self) -> None:
        controller = self.controller
        self.executions.executionActivated.connect(self.open_execution)
        self.executions.killRequested.connect(controller.kill)
        self.executions.replayRequested.connect(self.replay)
        self.executions.compareRequested.connect(self.compare)
        self.screen.executionShown.connect(self._shown)
        self.toolbar.killRequested.connect(self.kill_current)
        self.toolbar.manageProfilesRequested.connect(self.manage_profiles)
        self.header.layoutChosen.connect(self.set_pane_layout)
        controller.executionStarted.connect(self._started)
        controller.executionFinished.connect(lambda _e, _s: self.executions.schedule_refresh())
        controller.runRefused.connect(self.show_refusal)
        self.context.documentChanged.connect(self._document_changed)

    # -- entry points ------------------------------------------------------------------------
    def open_execution(self, execution_id: str) -> None:
        """Show an execution in the header, Execution Details and Execution Graph docks."""
        self.screen.open(execution_id)
        self.executions.select(execution_id)
        hidden = [name for name in SCREEN_DOCKS if not self.docks[name].isVisible()]
        for name in hidden:
            self.docks[name].show()
        if hidden:
            self.size_screen()  # appearing: give it its default share of the window
        if self.pane_layout == "tabbed":
            self.docks["ExecutionGraphDock"].raise_()

    def size_screen(self) -> None:
        """Default sizes of the execution screen: a slim header, half the window's height
        (Execution Details needs its fields and eight lines of a tab, also on a 768-pixel
        screen), and (side by side) the graph wider than the details."""
        if self.docks["ExecutionDock"].isFloating():
            return
        self.window.resizeDocks(
            [self.docks["ExecutionDock"], self.docks["ExecutionDetailsDock"]],
            [self.header.sizeHint().height(), max(400, int(self.window.height() * 0.53))],
            Qt.Orientation.Vertical)
        if self.pane_layout not in ("tabbed", "stacked"):
            width = self.window.width()
            self.window.resizeDocks(
                [self.docks["ExecutionDetailsDock"], self.docks["ExecutionGraphDock"]],
                [width // 2, width // 2], Qt.Orientation.Horizontal)
        executions = self.docks["ExecutionsDock"]
        if not executions.isFloating() and executions.isVisible():
            self.window.resizeDocks([executions], [int(self.window.height() * 0.4)],
                                    Qt.Orientation.Vertical)

    def replay(self, execution_id: str) -> QWidget:
        """Open a Replay window for an execution (non-modal)."""
        from designer.run.replay import ReplayDialog

        dialog = ReplayDialog(self.source, self.context, execution_id, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def compare(self, first: str, second: str) -> QWidget | None:
        """Open a Compare window for two executions of the playbook (non-modal)."""
        from designer.run.compare import CompareDialog

        if not first or not second or first == second:
            return None
        dialog = CompareDialog(self.source, self.context, first, second, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def manage_profiles(self) -> int:
        """Open the Run Profiles dialog (modal)."""
        from designer.run.profiles import ProfilesDialog

        dialog = ProfilesDialog(self.context, self.window)
        return dialog.exec()

    def kill_current(self) -> bool:
        """Kill the execution on screen if it runs, else the newest running one (confirmed)."""
        shown = self.screen.execution_id
        running = self.controller.running_ids()
        target = shown if shown in running else (running[0] if running else None)
        if target is None:
            return False
        record = self.source.record(target)
        if record is None or not confirm_kill(self.window, record):
            return False
        return self.controller.kill(target)

    def set_pane_layout(self, key: str, save: bool = True) -> None:
        """Arrange Details and Graph side by side, stacked or tabbed (remembered); the header
        keeps its height, and the graph is fitted to its new size."""
        self._arranging = True
        try:
            self._arrange(key)
        finally:
            self._arranging = False
        self.pane_layout = key
        self.header.set_layout_choice(key)
        if save:
            QSettings().setValue(LAYOUT_KEY, key)
        if self.docks["ExecutionDock"].isVisible():
            self.size_screen()
            if key == "stacked":
                details = self.docks["ExecutionDetailsDock"]
                self.window.resizeDocks(
                    [details, self.docks["ExecutionGraphDock"]],
                    [details.height() // 2 + 1, details.height() // 2 + 1],
                    Qt.Orientation.Vertical)
        self.graph.refit()

    def reset_layout(self) -> None:
        """View → Reset Window Layout: the run docks back to their default arrangement."""
        self.set_pane_layout(DEFAULT_LAYOUT)

    def arrangement(self) -> str:
        """How Details and Graph are placed now: ``side_by_side``, ``stacked``, ``tabbed``,
        or "" (one closed or floating, or in different dock areas)."""
        window = self.window
        details = self.docks["ExecutionDetailsDock"]
        graph = self.docks["ExecutionGraphDock"]
        docks = (details, graph)
        if any(d.isFloating() or not d.toggleViewAction().isChecked() for d in docks):
            return ""
        if graph in window.tabifiedDockWidgets(details):
            return "tabbed"
        if window.dockWidgetArea(details) != window.dockWidgetArea(graph):
            return ""
        a, b = details.geometry(), graph.geometry()
        if a.right() < b.left() or b.right() < a.left():
            return "side_by_side"
        if a.bottom() < b.top() or b.bottom() < a.top():
            return "stacked"
        return ""

    def follow_arrangement(self) -> None:
        """Highlight the layout button of what the user made by dragging docks."""
        if self._arranging:
            return
        docks = (self.docks["ExecutionDetailsDock"], self.docks["ExecutionGraphDock"])
        if not any(d.toggleViewAction().isChecked() for d in docks):
            return  # the execution screen is not open: nothing to follow
        key = self.arrangement()
        self.header.set_layout_choice(key)
        if key and key != self.pane_layout:
            self.pane_layout = key
            QSettings().setValue(LAYOUT_KEY, key)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                            QEvent.Type.Hide) and not self._arranging:
            self._follow_timer.start()
        return False

    def _arrange(self, key: str) -> None:
        window = self.window
        details = self.docks["ExecutionDetailsDock"]
        graph = self.docks["ExecutionGraphDock"]
        closed = details.isHidden() and graph.isHidden()  # no execution open: stay closed
        for dock in (details, graph):
            if dock.isFloating():
                dock.setFloating(False)
        if key == "tabbed":
            window.tabifyDockWidget(details, graph)
            graph.raise_()
        else:
            # Take both out of any tab group, then put them back below the header.
            window.removeDockWidget(graph)
            window.removeDockWidget(details)
            header = self.docks["ExecutionDock"]
            if header.isFloating() or window.dockWidgetArea(header) == \
                    Qt.DockWidgetArea.NoDockWidgetArea:
                window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, details)
            else:
                window.splitDockWidget(header, details, Qt.Orientation.Vertical)
            orientation = Qt.Orientation.Vertical if key == "stacked" else \
                Qt.Orientation.Horizontal
            window.splitDockWidget(details, graph, orientation)
            if not closed:
                details.show()
                graph.show()

    def show_refusal(self, message: str) -> None:
        """Explain why a run did not start (non-blocking)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Cannot run the playbook", message,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("RunRefused")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def shutdown(self) -> None:
        self.controller.shutdown()

    # -- live ----------------------------------------------------------------------------------
    def _started(self, execution_id: str) -> None:
        self.executions.schedule_refresh()
        if execution_id == self.controller.last_started:
            self.open_execution(execution_id)

    def _shown(self, execution_id: str) -> None:
        if not self.screen.stack:
            self.executions.compare_with = execution_id or None

    def _document_changed(self, change: Any) -> None:
        if change.reset or change.playbook:
            self.executions.set_playbook(self.context.document.doc.name)
        if change.reset:
            self.screen.open(None)


def install_run_ui(window: QMainWindow, context: Any, store: Any) -> RunUI:
    """Add the run controller, the Run toolbar and the run docks to ``window``."""
    return RunUI(window, context, store)
