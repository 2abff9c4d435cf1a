"""Run all profiles: the playbook's suite in the designer, with a coverage heat map.

Run → Run All Profiles (Ctrl+F5) runs every run profile of the open playbook as a test case
(:mod:`runtime.testing`, on the asyncio loop, not recorded in the history), lists the cases in
the Test Results dock (pass or fail, the first failing assertion, coverage by kind and the
uncovered branch conditions and other items), puts the coverage percentage in the status bar
and paints the canvas as a heat map: every exercised state in the success colour with how
often the suite ran it, unexercised states greyed, exercised transitions drawn strong (the
run-mode marks of the canvas). The next edit of the playbook, or Clear Coverage, removes the
marks.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from runtime.testing import SuiteResult, run_document

KIND_NAMES = {"state": "States", "condition": "Branch conditions", "path": "Parallel paths",
              "fallback": "Fallbacks", "retry": "Retries"}


class ResultsPanel(QWidget):
    """The Test Results dock: one row per case, then coverage and what was not exercised."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Run → Run All Profiles runs every run profile as a test case.")
        self.summary.setObjectName("SuiteSummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("SuiteResults")
        self.tree.setHeaderLabels(["Case", "Result", "Detail"])
        self.tree.setRootIsDecorated(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def show_result(self, suite: SuiteResult) -> None:
        self.tree.clear()
        if suite.error:
            self.summary.setText(f"✗ {suite.playbook} cannot run: {suite.error}")
            return
        passed = sum(1 for c in suite.cases if c.passed)
        cov = suite.coverage
        percent = f" · coverage {cov.percent:.1f}%" if cov is not None else ""
        self.summary.setText(f"{passed} of {len(suite.cases)} cases passed{percent}")
        cases = QTreeWidgetItem(self.tree, ["Cases", f"{passed}/{len(suite.cases)}", ""])
        for case in suite.cases:
            if case.error:
                row = ["✗ error", case.error]
            elif case.passed:
                row = ["✓ pass", f"{case.status}, {case.checked} assertion(s)"]
            else:
                row = ["✗ fail", case.failure or ""]
            item = QTreeWidgetItem(cases, [case.profile, *row])
            item.setToolTip(2, row[1])
        if cov is not None:
            top = QTreeWidgetItem(self.tree, ["Coverage", f"{cov.percent:.1f}%", ""])
            for kind, (done, total) in cov.by_kind().items():
                node = QTreeWidgetItem(top, [KIND_NAMES[kind], f"{done}/{total}", ""])
                for missing in cov.uncovered(kind):
                    item = QTreeWidgetItem(node, [missing.label, "not exercised", ""])
                    item.setToolTip(0, missing.label)
        self.tree.expandAll()
        self.fit_columns()

    def fit_columns(self) -> None:
        """The dock is a tab of the narrow left column: the case column takes at most half the
        width (long labels elided, full in tooltips), so pass / fail stays in view."""
        tree = self.tree
        room = max(120, tree.viewport().width() // 2)
        tree.setColumnWidth(0, min(tree.sizeHintForColumn(0), room))
        tree.resizeColumnToContents(1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_columns()

    def rows(self) -> list[tuple[str, str, str]]:
        """The case rows as text (for tests and the guide)."""
        top = self.tree.topLevelItem(0)
        if top is None:
            return []
        return [(case.text(0), case.text(1), case.text(2)) for i in range(top.childCount())
                if (case := top.child(i)) is not None]


class SuiteUI(QObject):
    """Run All Profiles, its results dock, the heat map and the status-bar percentage."""

    finished = Signal(object)  # SuiteResult

    def __init__(self, window: QMainWindow, run_ui: Any, scene: Any) -> None:
        super().__init__(window)
        self.window, self.run_ui, self.scene = window, run_ui, scene
        self.context = run_ui.context
        self.result: SuiteResult | None = None
        self.task: asyncio.Future[Any] | None = None
        self.panel = ResultsPanel()
        self.dock = QDockWidget("Test Results", window)
        self.dock.setObjectName("TestResultsDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.coverage_label = QLabel()
        self.coverage_label.setObjectName("CoverageLabel")
        self.coverage_label.setToolTip("Coverage of the playbook by its run profiles")
        window.statusBar().addPermanentWidget(self.coverage_label)
        self.run_action = QAction("Run &All Profiles", window)
        self.run_action.setObjectName("RunAllProfilesAction")
        self.run_action.setShortcut(QKeySequence("Ctrl+F5"))
        self.run_action.setToolTip("Run every run profile as a test case, with coverage")
        self.run_action.triggered.connect(lambda _checked=False: self.run_all())
        self.clear_action = QAction("Clear &Coverage", window)
        self.clear_action.setObjectName("ClearCoverageAction")
        self.clear_action.triggered.connect(lambda _checked=False: self.clear())
        self.context.documentChanged.connect(self._document_changed)

    def run_all(self) -> asyncio.Future[Any] | None:
        """Start the suite on the asyncio loop; the results arrive with ``finished``."""
        if self.task is not None and not self.task.done():
            return self.task
        document = self.context.document
        doc = document.doc
        if not doc.run_profiles:
            self.context.statusMessage.emit("The playbook has no run profiles to test")
            return None
        source = Path(document.path).resolve() if document.path else None
        self.context.statusMessage.emit(f"Running {len(doc.run_profiles)} profiles…")
        self.task = asyncio.ensure_future(run_document(doc, source, file=str(source or "")))
        self.task.add_done_callback(self._done)
        return self.task

    def _done(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.context.statusMessage.emit(f"The suite stopped: {exc}")
            return
        self.show(task.result())

    def show(self, suite: SuiteResult) -> None:
        """Show a suite's results, heat map and percentage."""
        self.result = suite
        self.panel.show_result(suite)
        self.dock.show()
        self.dock.raise_()
        failed = sum(1 for c in suite.cases if not c.passed)
        cov = suite.coverage
        if cov is not None:
            self.coverage_label.setText(f"Coverage {cov.percent:.1f}%")
            self.paint_heat_map(suite)
        verdict = "all passed" if suite.passed else (
            f"{failed} failed" if not suite.error else "cannot run")
        self.context.statusMessage.emit(
            f"Suite: {len(suite.cases)} cases, {verdict}"
            + (f"; coverage {cov.percent:.1f}%" if cov is not None else ""))
        self.finished.emit(suite)

    def paint_heat_map(self, suite: SuiteResult) -> None:
        """Exercised states coloured with their run counts, the rest greyed, taken edges."""
        cov = suite.coverage
        if cov is None:
            return
        scene = self.scene
        scene.run_marks.clear_run_marks()
        scene.run_marks.set_run_mode(True)
        for name, hits in cov.state_hits.items():
            scene.run_marks.set_run_status(name, "success" if hits else None,
                                 f"covered ×{hits}" if hits else "not covered")
        taken = {(step.state, step.transition) for case in suite.cases if case.trace
                 for step in case.trace.steps if step.transition}
        scene.run_marks.set_taken_edges(taken)
        self._restore_badges()

    def clear(self) -> None:
        """Remove the heat map and the percentage."""
        if self.scene.run_marks.run_mode:
            self.scene.run_marks.clear_run_marks()
            self.scene.run_marks.set_run_mode(False)
            self._restore_badges()
        self.coverage_label.setText("")

    def _restore_badges(self) -> None:
        debug = getattr(self.window, "debug_ui", None)
        if debug is not None:
            debug.mark_breakpoints()

    def _document_changed(self, change: Any) -> None:
        if self.result is not None and (change.structural or change.profiles):
            self.result = None
            self.clear()


def install_suite_ui(window: QMainWindow, run_ui: Any, scene: Any, menu: Any) -> SuiteUI:
    """Create Run All Profiles and its dock; add its actions to ``menu`` (the Run menu)."""
    ui = SuiteUI(window, run_ui, scene)
    menu.addSeparator()
    menu.addAction(ui.run_action)
    menu.addAction(ui.clear_action)
    return ui
