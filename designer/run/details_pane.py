"""Execution Details: the selected trigger or state of an execution, as the reference lays it out.

At the top: name, type, session id, status, start, end, elapsed time, log level and the status
message, then **+ Create Run Profile** (a profile that re-runs this step with its recorded
input; from the trigger it may carry the execution's outcome as assertions, see
:mod:`designer.run.create_profile`) and, for a Circuit step, **VIEW EXECUTION**. Below, the tabs: **Inputs**, **Outputs**,
**App Logs** and **OS Logs**, each a :class:`~designer.run.details_tabs.DetailsTab` that the
pane shows every selection on (as a :class:`~designer.run.details_tabs.StepSelection`), so a
new tab is one class and one :meth:`DetailsPane.add_tab`. A step that is pending or still
running has no details yet, and the pane says so instead of showing half a record. Steps are
:class:`~runtime.history.StepRow` records, read by name.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer import theme
from designer.document import Patch
from designer.run.create_profile import ask_profile_name, execution_outcome, record_blocked_for
from designer.run.details_tabs import DetailsTab, InputsTab, OutputsTab, StepSelection
from designer.run.log_tabs import AppLogsTab, OsLogsTab
from designer.run.style import fmt_elapsed, fmt_time, status_colour, status_word
from runtime.engine import profile_from_step
from runtime.history import StepRow
from runtime.model import RunProfile
from runtime.naming import PROFILE_NUMBERING, free_name

TRIGGER = "Trigger"
SELECT_HINT = "Select the trigger or a state on the Execution Graph to see its details."
UNFINISHED = "Details are available once the step finishes executing."
FIELDS = ("Name", "Type", "Session", "Status", "Start", "End", "Elapsed", "Log level",
          "Iteration", "Status message")
TYPE_WORDS = {
    "pass": "Pass", "branch": "Branch", "parallel": "Parallel", "wait": "Wait",
    "batch": "Batch", "success": "Success", "failure": "Failure", "function": "Function",
    "circuit": "Circuit (sub-playbook)", "action": "App action",
}


class DetailsPane(QWidget):
    """Details of one trigger or state of one execution."""

    viewExecutionRequested = Signal(str, str)  # child session id, circuit state
    profileCreated = Signal(str)

    def __init__(self, source: Any, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.context = context
        self.execution_id: str | None = None
        self.state: str | None = None
        self.iteration: int | None = None
        self.row: StepRow | None = None
        self.selection: StepSelection | None = None  # what the tabs show
        self.details_tabs: list[DetailsTab] = []
        self.run_counter: Any = None
        self.profiles_allowed = True
        self.values: dict[str, QLabel] = {}
        self.keys: dict[str, QLabel] = {}
        self.placeholder = QLabel(SELECT_HINT)
        self.placeholder.setObjectName("DetailsPlaceholder")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        theme.tone(self.placeholder, "muted")
        self.placeholder.setStyleSheet("padding: 32px; font-size: 10.5pt;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self._build_body())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)

    def _build_body(self) -> QWidget:
        body = QWidget()
        # Key and value on one line, two pairs a row: the fields take five short rows, so a
        # low dock (a 768-pixel screen) still leaves the tabs most of its height.
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for index, field in enumerate(FIELDS):
            key = QLabel(field.upper())
            theme.tone(key, "key")
            key.setStyleSheet("font-size: 8pt; font-weight: 600;")
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(field == "Status message")
            self.values[field] = value
            self.keys[field] = key
            span = 1
            row, col = (index // 2, (index % 2) * 2) if field != "Status message" else (5, 0)
            grid.addWidget(key, row, col, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, col + 1, 1, span)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.create_profile = QPushButton("+ Create Run Profile")
        self.create_profile.setToolTip("Create a run profile from the logged execution of "
                                       "this selection")
        self.create_profile.clicked.connect(self.create_run_profile)
        self.view_execution = QPushButton("VIEW EXECUTION")
        self.view_execution.setToolTip("Show the sub-playbook's execution")
        self.view_execution.clicked.connect(self._view_execution)
        self.runs_hint = QLabel()
        theme.tone(self.runs_hint, "muted")
        self.runs_hint.setWordWrap(True)
        # The hint and the buttons share the status message's row, so the summary is no
        # taller than its fields.
        buttons = QHBoxLayout()
        buttons.addWidget(self.runs_hint, 1)
        buttons.addWidget(self.view_execution)
        buttons.addWidget(self.create_profile)
        grid.addLayout(buttons, 5, 2, 1, 2, Qt.AlignmentFlag.AlignTop)
        self.inputs_tab = InputsTab()
        self.inputs = self.inputs_tab.view
        self.outputs = OutputsTab(self.source)
        self.app_logs = AppLogsTab(self.source)
        self.os_logs = OsLogsTab(self.source)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for tab in (self.inputs_tab, self.outputs, self.app_logs, self.os_logs):
            self.add_tab(tab)
        # The summary scrolls rather than overlapping when the dock is made low; a splitter
        # lets the user trade summary room for tab room.
        summary = QWidget()
        top = QVBoxLayout(summary)
        top.setContentsMargins(0, 0, 0, 4)
        top.addLayout(grid)
        self.summary_scroll = QScrollArea()
        self.summary_scroll.setWidgetResizable(True)
        self.summary_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.summary_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.summary_scroll.setWidget(summary)
        self.summary_scroll.setMinimumHeight(48)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("DetailsSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.summary_scroll)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([summary.sizeHint().height(), 10_000])
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        return body

    # -- tabs --------------------------------------------------------------------------------
    def add_tab(self, tab: DetailsTab) -> None:
        """Add a tab after the others; it shows every selection from now on (the current one
        at once)."""
        self.details_tabs.append(tab)
        self.tabs.addTab(tab, tab.title)
        if self.selection is not None:
            tab.show_step(self.selection)

    def _show_tabs(self, selection: StepSelection) -> None:
        """Show a step (or the trigger) on every tab, then the tabs."""
        self.selection = selection
        for tab in self.details_tabs:
            tab.show_step(selection)
        self.stack.setCurrentIndex(1)

    # -- selection ---------------------------------------------------------------------------
    def clear(self, message: str = SELECT_HINT) -> None:
        self.execution_id = self.state = self.row = None
        self.iteration = None
        self._message(message)

    def _message(self, message: str) -> None:
        self.selection = None
        self.placeholder.setText(message)
        self.stack.setCurrentWidget(self.placeholder)

    def message(self) -> str:
        """The sentence shown instead of details (empty when details are shown)."""
        return self.placeholder.text() if self.stack.currentWidget() is self.placeholder else ""

    def show_trigger(self, execution_id: str) -> None:
        """The trigger: the execution itself, whose output is the trigger payload."""
        self.execution_id, self.state, self.iteration, self.row = execution_id, TRIGGER, None, None
        record = self.source.record(execution_id)
        if record is None:
            self._message("This execution is not in the history.")
            return
        doc = self.context.document.doc
        self._fill(name=TRIGGER, kind=f"Trigger ({doc.applies_to.replace('_', ' ')})",
                   status=record.status, started=record.started, ended=record.ended,
                   level=record.log_level, message=record.message or "", iteration=None)
        self.view_execution.setVisible(False)
        self.runs_hint.setText("")
        self._show_tabs(StepSelection(execution_id, None, record, self._doc()))

    def show_state(self, execution_id: str, state: str, iteration: int | None = None) -> None:
        """A state's latest step (in one Batch iteration when given)."""
        self.execution_id, self.state, self.iteration = execution_id, state, iteration
        if state == TRIGGER:
            self.show_trigger(execution_id)
            return
        row = self.source.step(execution_id, state, iteration)
        self.row = row
        if row is None:
            running = state in self.source.running_states(execution_id)
            if running or self.source.is_running(execution_id):
                self._message(f"{state}: {UNFINISHED}")
            else:
                self._message(f"{state} was not executed in this session.")
            return
        if state in self.source.running_states(execution_id) and iteration is None:
            self._message(f"{state} is running. {UNFINISHED}")
            return
        record = self.source.record(execution_id)
        level = record.log_level if record is not None else "INFO"
        self._fill(name=state, kind=TYPE_WORDS.get(row.type, row.type), status=row.status,
                   started=row.started, ended=row.ended, level=level,
                   message=self._status_message(row), iteration=row.iteration)
        self.view_execution.setVisible(row.type == "circuit" and bool(row.child_execution))
        runs = 0
        if row.iteration is None:
            runs = (self.run_counter(state) if self.run_counter is not None
                    else self.source.run_count(execution_id, state))
        self.runs_hint.setText(f"Ran {runs:,} times in this session; showing the latest run."
                               if runs > 1 else "")
        self._show_tabs(StepSelection(execution_id, row, record, self._doc()))

    def show_paused(self, execution_id: str, state: str, kind: str, started: float,
                    iteration: int | None, reason: str, received: Any) -> None:
        """A state the debugger paused before: what it is about to receive, nothing run yet."""
        self.execution_id, self.state = execution_id, state
        self.iteration, self.row, self.selection = iteration, None, None
        self._fill(name=state, kind=kind, status="pending", started=started, ended=None,
                   level="DEBUG", iteration=iteration,
                   message=f"Paused before it runs ({reason}). F5 continue, F10 step, "
                           "F11 step into")
        self.view_execution.setVisible(False)
        self.runs_hint.setText("")
        self.inputs_tab.set_views({"received": (received, "")})
        self.outputs.set_note("The state has not run yet.")
        self.stack.setCurrentIndex(1)
        self.tabs.setCurrentIndex(0)

    def refresh(self) -> None:
        """Show the current selection again (new rows arrived, or the execution finished)."""
        if self.execution_id is None or self.state is None:
            return
        tab = self.tabs.currentIndex()
        self.show_state(self.execution_id, self.state, self.iteration)
        self.tabs.setCurrentIndex(tab)

    @staticmethod
    def _status_message(row: StepRow) -> str:
        message = row.message or ""
        code = row.error_code
        text = f"{code}: {message}" if code and message else (code or message)
        return f"{text} — {row.detail}" if row.detail else text

    def _fill(self, *, name: str, kind: str, status: str, started: float | None,
              ended: float | None, level: str, message: str, iteration: int | None) -> None:
        values = self.values
        values["Name"].setText(name)
        values["Type"].setText(kind)
        values["Session"].setText(self.execution_id or "")
        colour = status_colour(status).name()
        values["Status"].setText(f"<span style='color:{colour}'>●</span> {status_word(status)}")
        values["Start"].setText(fmt_time(started))
        values["End"].setText(fmt_time(ended))
        elapsed = None if ended is None or started is None else ended - started
        values["Elapsed"].setText(fmt_elapsed(elapsed))
        values["Log level"].setText(level)
        values["Iteration"].setText("" if iteration is None else f"{iteration}")
        values["Status message"].setText(message or "—")
        values["Iteration"].setVisible(iteration is not None)
        self.keys["Iteration"].setVisible(iteration is not None)
        self.create_profile.setEnabled(self.profiles_allowed)

    def _doc(self) -> Any:
        return self.context.document.doc if self.context is not None else None

    def allow_profiles(self, allowed: bool) -> None:
        """+ Create Run Profile adds to the open playbook, so it is off in a sub-playbook."""
        self.profiles_allowed = allowed
        self.create_profile.setEnabled(allowed)
        self.create_profile.setToolTip(
            "Create a run profile from the logged execution of this selection" if allowed
            else "Open the sub-playbook itself to create run profiles for it")

    # -- actions -------------------------------------------------------------------------------
    def _view_execution(self) -> None:
        if self.row is not None and self.row.child_execution:
            self.viewExecutionRequested.emit(self.row.child_execution, self.row.state)

    def create_run_profile(self) -> str | None:
        """Ask for a Profile Name and add the profile to the document (undoable)."""
        if self.execution_id is None or self.state is None:
            return None
        record = self.source.record(self.execution_id)
        if record is None:
            return None
        suggested = f"{self.state} · {self.execution_id[:8]}"
        answer = ask_profile_name(self, suggested, record_blocked_for(record, self.row is not None))
        if answer is None:
            return None
        name, doc = answer.name, self.context.document.doc
        if self.row is None:
            payload = json.loads(record.trigger_json) if record.trigger_json else {}
            taken = {p.name for p in doc.run_profiles}
            profile = RunProfile(name=free_name(name, taken, PROFILE_NUMBERING), payload=payload,
                                 log_level=record.log_level,
                                 description=f"from execution {record.id} (trigger)")
        else:
            profile = profile_from_step(doc, name, self.row, record)
        profiles = [p.model_dump(mode="json", exclude_none=True) for p in doc.run_profiles]
        data = profile.model_dump(mode="json", exclude_none=True)
        if answer.record_outcome:
            data["assertions"] = execution_outcome(self.source, record, doc)
        profiles.append(data)
        if not self.context.push(Patch(profiles=profiles), f"Create run profile {profile.name}"):
            return None
        self.context.statusMessage.emit(f"Run profile {profile.name!r} created")
        self.profileCreated.emit(profile.name)
        return profile.name
