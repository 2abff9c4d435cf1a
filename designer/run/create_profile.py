"""The Create Run Profile window of Execution Details, and the outcome it can record.

The reference's window asks for a Profile Name and saves. Ours adds one choice, **Record this
execution's outcome as assertions**: the new profile then carries what the execution did, as
the Assertions tab's *Record observed outcome* would write it (its final status, each Success
and Failure state reached or not reached, the retries of each retried state), taken from the
execution's history by :func:`runtime.testing.observe.observed_assertions` instead of a new run.
It is offered for a profile made from the trigger (which re-runs the whole execution) once the
execution has ended; a profile made from a step runs that state alone, which no execution-wide
outcome describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from designer import theme
from runtime.history import ExecutionRecord
from runtime.model.assertions import FINAL_STATUSES

RECORD_OUTCOME = "Record this execution's outcome as assertions"
FROM_STEP = ("A profile made from a step runs that state alone; record its outcome in Run "
             "Profiles → Assertions → Record observed outcome.")
NOT_ENDED = "The execution has not ended yet: there is no outcome to record."


@dataclass(frozen=True)
class NewProfile:
    """What the window was answered with: the profile's name and whether to record."""

    name: str
    record_outcome: bool = False


class CreateProfileDialog(QDialog):
    """Profile Name, the record-outcome check box (off, or disabled with the reason), Save."""

    def __init__(self, parent: QWidget | None, suggested: str,
                 record_blocked: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create Run Profile")
        self.name_edit = QLineEdit(suggested)
        self.name_edit.setObjectName("ProfileName")
        self.record_box = QCheckBox(RECORD_OUTCOME)
        self.record_box.setObjectName("RecordOutcome")
        self.record_box.setEnabled(record_blocked is None)
        self.record_box.setToolTip(record_blocked or (
            "The profile's assertions: the execution's final status, each Success and Failure "
            "state reached or not, and the retries of each retried state"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._name_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Profile Name"))
        layout.addWidget(self.name_edit)
        layout.addWidget(self.record_box)
        if record_blocked is not None:
            why = QLabel(record_blocked)
            why.setWordWrap(True)
            theme.tone(why, "muted")
            layout.addWidget(why)
        layout.addWidget(buttons)
        self._name_changed(suggested)

    def _name_changed(self, text: str) -> None:
        if self.save_button is not None:
            self.save_button.setEnabled(bool(text.strip()))

    def answer(self) -> NewProfile | None:
        """The name and choice, or None when the name is blank."""
        name = self.name_edit.text().strip()
        if not name:
            return None
        return NewProfile(name, self.record_box.isEnabled() and self.record_box.isChecked())


def ask_profile_name(parent: QWidget, suggested: str,
                     record_blocked: str | None = FROM_STEP) -> NewProfile | None:
    """Show the window (modal); the answer, or None when it was cancelled."""
    dialog = CreateProfileDialog(parent, suggested, record_blocked)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.answer()


def record_blocked_for(record: ExecutionRecord, from_step: bool) -> str | None:
    """Why the outcome cannot be recorded for this profile, or None when it can."""
    if from_step:
        return FROM_STEP
    if record.status not in FINAL_STATUSES:
        return NOT_ENDED
    return None


def execution_outcome(source: Any, record: ExecutionRecord, doc: Any) -> list[dict[str, Any]]:
    """The assertions this execution satisfies, as stored dicts (see the module docstring).

    Args:
        source: The run docks' ``ExecutionSource`` (step rows and app log lines).
        record: The execution, ended (its status one of ``FINAL_STATUSES``).
        doc: The playbook the profile goes into (its Success and Failure states).
    """
    from runtime.testing import TraceCollector
    from runtime.testing.observe import observed_assertions

    collector = TraceCollector()
    for row in source.rows(record.id):
        collector(("step", record.id, row))
    for line in source.logs(record.id):  # retry lines, as the engine publishes them
        collector(("log", record.id, (line.execution_id, line.seq, line.time, line.level,
                                      line.message, line.detail)))
    trace = collector.trace(record.id, record.status, record.message, record.transitions)
    return [assertion.to_data() for assertion in observed_assertions(trace, doc)]
