"""Execution Graph: the playbook's graph showing the path one execution took, live.

The pane reuses the canvas (a read-only :class:`~designer.canvas.PlaybookScene` in run mode):
executed states in their status colour with "status · session · time" above them, states not
executed greyed out (while the run goes on they are *pending*), transitions taken drawn
stronger, running states pulsing, and each Batch with its number of successful iterations in
the corner. Step rows arrive from the run controller at most 60 times a second and are folded
into an :class:`~designer.run.trace.ExecutionTrace`; only the cards whose run changed are
touched. A stored execution is read in pages on a timer, so a long one opens without a freeze.

Toolbar: Trigger (the trigger's details), Zoom in, Zoom out, Zoom to fit, Refresh. Clicking a
state emits ``selectionChanged``; a state inside a Batch body also shows the Iterator Index.
"""

from __future__ import annotations

import time
from typing import Any

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer import theme
from designer.canvas.view import LOD_SCALE
from designer.run.iterator import IteratorIndex
from designer.run.style import run_caption
from designer.run.trace import ExecutionTrace
from runtime.history import StepRow

PAGE_ROWS = 5000
BADGE_INTERVAL = 0.25  # seconds between repaints of a running Batch's success count
# Below the canvas's overview threshold cards have no names; above it they show at least their
# names (in compact form below the full detail level).
READABLE_ZOOM = LOD_SCALE
TRIGGER = "Trigger"


class GraphPane(QWidget):
    """The Execution Graph of one execution at a time."""

    selectionChanged = Signal(str, object)  # state (or "Trigger"), iteration or None

    def __init__(self, source: Any, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.context = context
        self.execution_id: str | None = None
        self.trace = ExecutionTrace(context.document.doc)
        self.selected: str | None = None
        self._running: set[str] = set()
        self._pending_marked = False
        self._taken_count = -1
        self._load_after: int | None = None
        self._fitted_for: str | None = None
        self._badge_at: dict[str, float] = {}
        self._badge_due: set[str] = set()
        self._badge_timer = QTimer(self, singleShot=True, interval=int(BADGE_INTERVAL * 1000))
        self._badge_timer.timeout.connect(self._flush_badges)
        self._loader = QTimer(self, interval=0)
        self._loader.timeout.connect(self._load_page)
        self.title = QLabel()
        theme.tone(self.title, "muted")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.toolbar = QHBoxLayout()
        self.toolbar.setContentsMargins(6, 4, 6, 0)
        self.toolbar.addWidget(self.title, 1)
        self.trigger_button = self._button("Trigger", "Show the trigger's details", None)
        self.trigger_button.clicked.connect(lambda: self.select(TRIGGER))
        self.zoom_in_button = self._button("Zoom in", "Zoom in", "+")
        self.zoom_out_button = self._button("Zoom out", "Zoom out", "−")
        self.fit_button = self._button("Zoom to fit", "Zoom to fit", "⤢")
        self.refresh_button = self._button("Refresh", "Refresh the graph to the execution's "
                                           "current status", None)
        self.refresh_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_BrowserReload))
        self.zoom_in_button.clicked.connect(lambda: self._zoom(self.view.zoom_in))
        self.zoom_out_button.clicked.connect(lambda: self._zoom(self.view.zoom_out))
        self.fit_button.clicked.connect(self.zoom_to_fit)
        self._auto_fit = True
        self.refresh_button.clicked.connect(self.refresh)
        self.iterator = IteratorIndex()
        self.iterator.hide()
        self.iterator.iterationChanged.connect(
            lambda index: self.selectionChanged.emit(self.selected or "", index))
        self.body = QHBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.toolbar)
        layout.addLayout(self.body, 1)
        self.scene: Any = None
        self.view: Any = None
        self.set_context(context)

    def _button(self, name: str, tip: str, glyph: str | None) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name.replace(" ", ""))
        button.setText(glyph or name)
        button.setToolTip(tip)
        button.setAccessibleName(name)
        button.setAutoRaise(True)
        if glyph:
            button.setStyleSheet("QToolButton { font-size: 13pt; min-width: 26px; }")
        self.toolbar.addWidget(button)
        return button

    # -- the playbook shown ----------------------------------------------------------------
    def set_context(self, context: Any) -> None:
        """Show another playbook's graph (a sub-playbook's, for VIEW EXECUTION)."""
        from designer.canvas import CanvasView, PlaybookScene

        if self.view is not None:
            self.body.removeWidget(self.view)
            self.view.deleteLater()
        if self.scene is not None:
            self.scene.deleteLater()
        self.context = context
        self.scene = PlaybookScene(context, editable=False, parent=self)
        self.scene.run_marks.set_run_mode(True)
        self.scene.stateClicked.connect(self.select)
        self.view = CanvasView(self.scene)
        self.view.setObjectName("ExecutionGraphView")
        self.body.insertWidget(0, self.view, 1)
        self.body.addWidget(self.iterator)
        self.trace = ExecutionTrace(context.document.doc)
        self._reset_marks()
        self._fit_soon()

    def _zoom(self, action: Any) -> None:
        self._auto_fit = False
        action()

    def _fit_soon(self) -> None:
        self._auto_fit = True
        QTimer.singleShot(0, self, self._fit_now)

    def _fit_now(self) -> None:
        """Fit the graph; when that makes cards unreadable, show the start at 83 % instead."""
        view = self.view
        if view is None or not self._auto_fit or not shiboken6.isValid(self.scene):
            return
        view.zoom_to_fit()
        start = self.context.document.doc.start_state()
        if view.zoom() < READABLE_ZOOM and start is not None:
            view.zoom_reset()
            view.zoom_out()
            view.center_on(start)
            rect = view.mapToScene(view.viewport().rect()).boundingRect()
            view.centerOn(rect.center().x() + rect.width() * 0.35, rect.center().y())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self._auto_fit:
            self._fit_now()

    # -- the execution shown ---------------------------------------------------------------
    def set_execution(self, execution_id: str | None) -> None:
        """Show an execution (None: the bare graph); loads stored rows in pages."""
        self.execution_id = execution_id
        self.trace = ExecutionTrace(self.context.document.doc)
        self._reset_marks()
        self.iterator.hide()
        self.selected = None
        self._loader.stop()
        if execution_id != self._fitted_for:
            self._fitted_for = execution_id
            self._fit_soon()
        if execution_id is None:
            self.title.setText("")
            return
        record = self.source.record(execution_id)
        self.title.setText(f"{record.playbook} · {execution_id}" if record else execution_id)
        live = self.source.live(execution_id)
        if live is not None:
            self.add_rows(execution_id, list(live.rows))
            self.update_running()
        else:
            self._load_after = None
            self._load_page()
            if self.execution_id == execution_id and self.trace.rows_seen >= PAGE_ROWS:
                self._loader.start()

    def _load_page(self) -> None:
        if self.execution_id is None:
            self._loader.stop()
            return
        rows = self.source.rows_page(self.execution_id, self._load_after, PAGE_ROWS)
        if rows:
            self._load_after = rows[-1][1]
            self.add_rows(self.execution_id, rows)
        if len(rows) < PAGE_ROWS:
            self._loader.stop()
            self.finish_marks()

    def load_all(self) -> None:
        """Read every remaining page now (Compare needs whole traces at once)."""
        while self._loader.isActive():
            self._load_page()

    def _reset_marks(self) -> None:
        self._running = set()
        self._pending_marked = False
        self._taken_count = -1
        if self.scene is not None:
            self.scene.run_marks.clear_run_marks()
            self.scene.run_marks.set_run_mode(True)

    def add_rows(self, execution_id: str, rows: list[StepRow]) -> set[str]:
        """Fold new step rows in, repaint only the states they changed; returns those."""
        if execution_id != self.execution_id or not rows:
            return set()
        changed = self.trace.add_rows(rows)
        self._mark(changed)
        if len(self.trace.taken) != self._taken_count:
            self._taken_count = len(self.trace.taken)
            self.scene.run_marks.set_taken_edges(self.trace.taken)
        return changed

    def update_running(self) -> None:
        """Mark the states running now; before the end, unexecuted states are pending."""
        if self.execution_id is None:
            return
        running = self.source.running_states(self.execution_id)
        live = self.source.is_running(self.execution_id)
        if live and not self._pending_marked:
            self._pending_marked = True
            for name in self.context.document.definition:
                if name not in self.trace.states:
                    self._set(name, "pending", None)
        stopped = self._running - running
        self._running = running
        self._mark(stopped | running)
        if not live:
            self.finish_marks()

    def finish_marks(self) -> None:
        """The execution is over: unexecuted states go grey, nothing pulses."""
        self._running = set()
        self._pending_marked = False
        for name in self.context.document.definition:
            if name not in self.trace.states:
                self._set(name, None, None)
            else:
                self._mark({name})

    def _mark(self, names: set[str]) -> None:
        execution_id = self.execution_id or ""
        for name in names:
            item = self.scene.item(name)
            if item is None:
                continue
            row = self.trace.last_row(name)
            if name in self._running:
                started = self._started(name)
                self._set(name, "running", run_caption("running", execution_id, started))
            elif row is not None:
                status = self.trace.status(name) or "success"
                self._set(name, status, run_caption(status, execution_id, row.started))
            else:
                self._set(name, "pending" if self._pending_marked else None, None)
            self._badge(item, name)

    def _badge(self, item: Any, name: str) -> None:
        """A Batch's success count; while running at most 4 repaints a second per card."""
        badge = self.trace.badge(name)
        if badge == item.corner_badge:
            return
        now = time.monotonic()
        if self._running and now - self._badge_at.get(name, 0.0) < BADGE_INTERVAL:
            self._badge_due.add(name)
            if not self._badge_timer.isActive():
                self._badge_timer.start()
            return
        self._badge_at[name] = now
        item.set_corner_badge(badge)

    def _flush_badges(self) -> None:
        due, self._badge_due = self._badge_due, set()
        for name in due:
            item = self.scene.item(name)
            if item is not None:
                self._badge_at[name] = 0.0
                self._badge(item, name)

    def _started(self, name: str) -> float | None:
        live = self.source.live(self.execution_id) if self.execution_id else None
        if live is None:
            return None
        return next((e[5] for e in live.inflight.values() if e[3] == name), None)

    def _set(self, name: str, status: str | None, caption: str | None) -> None:
        item = self.scene.item(name)
        if item is not None and (item.run_status, item.caption) != (
                status, caption):
            item.set_run_status(status, caption)

    def refresh(self) -> None:
        """Re-read the execution (the reference's Refresh)."""
        selected = self.selected
        iteration = self.iterator.current() if self.iterator.isVisible() else None
        self.set_execution(self.execution_id)
        if selected:
            self.select(selected, iteration)

    # -- selection -------------------------------------------------------------------------
    def select(self, name: str, iteration: int | None = None) -> None:
        """Select a state (or the trigger) and tell the details which step to show."""
        self.selected = name
        card = self.scene.item(name)
        if card is not None and not card.isSelected():
            self.scene.clearSelection()
            card.setSelected(True)
        elif card is None:
            self.scene.clearSelection()
        if self.execution_id is None:
            return
        if name != TRIGGER and self.trace.in_body(name):
            iterations = self.source.iterations(self.execution_id, name)
            chosen = iteration if iteration in iterations else (
                iterations[0] if iterations else None)
            self.iterator.set_iterations(name, iterations, chosen)
            self.iterator.show()
            self.selectionChanged.emit(name, chosen)
            return
        self.iterator.hide()
        self.selectionChanged.emit(name, None)

    def run_count(self, name: str) -> int:
        """How many times a state ran in the execution shown (from the trace, no scan)."""
        run = self.trace.states.get(name)
        return run.runs if run is not None else 0

    def state_status(self, name: str) -> str | None:
        """The status the graph shows for a state (tests and accessibility)."""
        item = self.scene.item(name)
        return item.run_status if item is not None else None

    def refit(self) -> None:
        """Fit the graph again once the pane has its new size (after a layout switch)."""
        self._fit_soon()

    def zoom_to_fit(self) -> None:
        """Fit the graph, and keep fitting it when the pane is resized."""
        self._auto_fit = True
        self.view.zoom_to_fit()

