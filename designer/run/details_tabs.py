"""The tabs of Execution Details and the one interface they share.

Every tab is a :class:`DetailsTab`: a widget with a ``title`` (its tab label) and
:meth:`~DetailsTab.show_step`, which the Details pane calls with a :class:`StepSelection` (an
execution's step, or its trigger) each time it shows one. The pane knows no tab by name; it
shows the selection on each tab of its list, so a new tab is one class here (or beside it, as
``log_tabs.py`` holds App Logs and OS Logs) and one ``add_tab`` call. This module holds
**Inputs** (what the state received, its input, its definition) and **Outputs** (JSON; recorded
only at DEBUG or TRACE, which a note says when they were not).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from designer.run.json_view import JsonView
from designer.run.style import IO_LEVELS
from runtime.history import ExecutionRecord, StepRow
from runtime.model.document import PlaybookDocument

TRIGGER_INPUTS = "Trigger Inputs not available"
TASK_TYPES = ("action", "function", "circuit")
RECEIVED, STATE_INPUT, DEFINITION = "received", "state input", "definition"


@dataclass(frozen=True)
class StepSelection:
    """What the Details tabs show: one finished step of an execution, or its trigger.

    Attributes:
        execution_id: Session id of the execution.
        step: The step record; None for the trigger (the execution itself).
        record: The execution's header record (None when it is not stored yet).
        doc: The open playbook (for the state's definition), or None.
    """

    execution_id: str
    step: StepRow | None
    record: ExecutionRecord | None
    doc: PlaybookDocument | None

    @property
    def level(self) -> str:
        """The log level the execution ran at."""
        return self.record.log_level if self.record is not None else "INFO"


class DetailsTab(QWidget):
    """One tab of Execution Details: ``title`` labels it, :meth:`show_step` fills it."""

    title: ClassVar[str] = ""

    def show_step(self, selection: StepSelection) -> None:
        """Show the selected step (or the trigger, when ``selection.step`` is None)."""
        raise NotImplementedError


def not_recorded(what: str, level: str) -> str:
    return (f"{what} were not recorded: this execution ran at log level {level}. "
            f"{what} are recorded only when the log level is DEBUG or TRACE.")


def definition_of(doc: PlaybookDocument | None, row: StepRow) -> tuple[Any, str]:
    """The state as the open playbook defines it: a task state's parameters as written, else
    the whole state (``(value, note when None)``)."""
    state = doc.definition.get(row.state) if doc is not None else None
    if state is None:
        return None, f"{row.state!r} is not in the open playbook."
    data = state.model_dump(mode="json", exclude_none=True)
    if row.type in TASK_TYPES:
        return data.get("parameters") or {}, ""
    return data, ""


class InputsTab(DetailsTab):
    """The Inputs tab: one JSON view and three views of a step's input to choose from.

    ``Received`` is what the state worked with (an action's, function's or circuit's resolved
    parameters; any other state's input), ``State input`` the data the state was given, and
    ``Definition`` what the playbook says (the parameters as written, ``$.`` paths and all).
    """

    title = "Inputs"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = JsonView()
        self.buttons: dict[str, QPushButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for mode, text, tip in (
            (RECEIVED, "Received", "What the state received: the resolved parameters of an "
             "action, function or circuit; the input of any other state"),
            (STATE_INPUT, "State input", "The data the state was given"),
            (DEFINITION, "Definition", "The parameters as the playbook defines them"),
        ):
            button = QPushButton(text)
            button.setObjectName(f"Inputs{text.replace(' ', '')}")
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setFlat(True)
            button.clicked.connect(lambda _checked=False, m=mode: self.show_mode(m))
            self.group.addButton(button)
            self.buttons[mode] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self.values: dict[str, tuple[Any, str]] = {}
        self.mode = RECEIVED

    def show_step(self, selection: StepSelection) -> None:
        row, level = selection.step, selection.level
        if row is None:
            self.set_note(TRIGGER_INPUTS)
            return
        recorded = level.upper() in IO_LEVELS
        none = (not_recorded("Inputs", level) if not recorded else
                "No inputs were recorded for this step.")
        state_input = (json.loads(row.input_json) if row.input_json is not None else None, none)
        definition = definition_of(selection.doc, row)
        if row.type in TASK_TYPES:
            params = json.loads(row.params_json) if row.params_json is not None else None
            note = none if not recorded else (
                "No parameters were passed on: the step failed before it resolved them.")
            self.set_views({RECEIVED: (params, note), STATE_INPUT: state_input,
                            DEFINITION: definition})
        else:
            self.set_views({RECEIVED: state_input, DEFINITION: definition})

    def set_views(self, views: dict[str, tuple[Any, str]]) -> None:
        """Set what each mode shows, ``mode -> (value or None, note when None)``, and show the
        mode chosen last (``Received`` when this step has no such mode). Modes left out are
        hidden (all of them when only one is given)."""
        self.values = views
        for mode, button in self.buttons.items():
            button.setVisible(mode in views and len(views) > 1)
        self.show_mode(self.mode)

    def set_note(self, note: str) -> None:
        self.values = {RECEIVED: (None, note)}
        for button in self.buttons.values():
            button.setVisible(False)
        self.view.set_note(note)

    def show_mode(self, mode: str) -> None:
        """Show one mode; the choice sticks for the next steps shown."""
        self.mode = mode
        if mode not in self.values:
            mode = RECEIVED
        self.buttons[mode].setChecked(True)
        value, note = self.values.get(mode, (None, ""))
        if value is None:
            self.view.set_note(note)
        else:
            self.view.set_value(value)


class OutputsTab(JsonView, DetailsTab):
    """The Outputs tab: a step's outputs as JSON; the trigger's output is its payload."""

    title = "Outputs"

    def __init__(self, source: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source

    def show_step(self, selection: StepSelection) -> None:
        row, level = selection.step, selection.level
        if row is None:
            record = selection.record
            if record is not None and record.trigger_json is not None:
                self.set_value(json.loads(record.trigger_json))
            elif self.source.is_running(selection.execution_id):
                self.set_note("The trigger payload is available once the execution's "
                              "history is written.")
            else:
                self.set_note("The trigger payload was not recorded.")
        elif row.output_json is not None:
            self.set_value(json.loads(row.output_json))
        elif level.upper() not in IO_LEVELS:
            self.set_note(not_recorded("Outputs", level))
        elif row.status in ("failed", "killed"):
            what = "failed" if row.status == "failed" else "was killed"
            self.set_note(f"No outputs: the step {what}"
                          + (f" ({row.error_code})." if row.error_code else "."))
        else:
            self.set_note("No outputs were recorded for this step.")
