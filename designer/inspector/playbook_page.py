"""The inspector page when nothing is selected: the playbook's own settings.

Name, description, what it applies to (alert, detection, incident, log evidence), log level and
maximum runtime. Each edit is one undoable command on the playbook fields; typing in a field
merges until focus leaves. The document refuses values it cannot hold (an empty name, a runtime
outside 1 s … 31 days): the field then explains why and the last valid value stays.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from designer.context import DesignerContext
from designer.document import Patch
from designer.inspector.editors import (
    DurationEditor,
    EnumEditor,
    LongTextEditor,
    StringEditor,
    ValueEditor,
)
from designer.inspector.form import FieldRow
from designer.inspector.widgets.style import help_label, mute, section_title
from designer.problems import shown_counts, shown_problems
from runtime.model.document import APPLIES_TO, LOG_LEVELS

MAX_RUNTIME = 30 * 86400 + 86400
FIELDS: tuple[tuple[str, dict[str, Any], type[ValueEditor]], ...] = (
    ("name", {"type": "string", "title": "Name", "maxLength": 200,
              "description": "Shown in the playbook list and in execution history."},
     StringEditor),
    ("description", {"type": "string", "title": "Description", "format": "long-text",
                     "description": "What the playbook does and when it should run."},
     LongTextEditor),
    ("applies_to", {"type": "string", "title": "Applies to", "enum": list(APPLIES_TO),
                    "enumTitles": ["Alert", "Detection", "Incident", "Log evidence"],
                    "description": "The kind of trigger whose data is the first state's input."},
     EnumEditor),
    ("log_level", {"type": "string", "title": "Log level", "enum": list(LOG_LEVELS),
                   "description": "How much the execution log records."}, EnumEditor),
    ("max_runtime", {"type": "integer", "title": "Maximum runtime", "minimum": 1,
                     "maximum": MAX_RUNTIME,
                     "description": "An execution still running after this long is stopped."},
     DurationEditor),
)
REQUIRED = {"name", "applies_to", "log_level", "max_runtime"}


def refusal(key: str, value: Any) -> str | None:
    """Why the document cannot hold ``value`` for ``key`` (None when it can)."""
    if key == "name" and (not isinstance(value, str) or not value.strip()):
        return "A playbook needs a name (1 to 200 characters)."
    if key == "name" and len(value) > 200:
        return "A playbook name has at most 200 characters."
    if key == "max_runtime" and (not isinstance(value, int) or not 1 <= value <= MAX_RUNTIME):
        return "The maximum runtime is 1 second to 31 days."
    if key in ("applies_to", "log_level") and value is None:
        return "Choose a value."
    return None


class PlaybookPage(QWidget):
    """Edits the playbook's own fields."""

    def __init__(self, context: DesignerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(section_title("Playbook", self))
        self.summary = mute(QLabel(self))
        layout.addWidget(self.summary)
        self.rows: dict[str, FieldRow] = {}
        for key, spec, editor in FIELDS:
            row = FieldRow(key, spec, required=key in REQUIRED, dynamic=False, editor=editor,
                           parent=self)
            row.edited.connect(self._edited)
            row.finished.connect(self._finished)
            layout.addWidget(row)
            self.rows[key] = row
        layout.addWidget(help_label("Select a state on the canvas to edit it; select several "
                                    "to edit the fields they share.", self))
        layout.addStretch(1)
        self._refused: dict[str, str] = {}
        self.refresh()

    def _edited(self, key: str, value: Any, typing: bool) -> None:
        reason = refusal(key, value)
        if reason:
            self._refused[key] = reason
        else:
            self._refused.pop(key, None)
            if getattr(self.context.document.doc, key) != value:
                title = self.rows[key].spec["title"].lower()
                self.context.push(Patch(playbook={key: value}), f"Set playbook {title}",
                                  f"playbook:{key}" if typing else None)
        self.refresh_messages()

    def _finished(self, key: str) -> None:
        """Focus left: end the typing merge; a refused value gives way to the stored one."""
        self.context.close_merging()
        if self._refused.pop(key, None) is not None:
            self.refresh()

    def refresh(self) -> None:
        doc = self.context.document.doc
        for key, row in self.rows.items():
            if key not in self._refused:
                row.set_value(getattr(doc, key))
        self.refresh_messages()

    def refresh_messages(self) -> None:
        doc = self.context.document.doc
        errors, warnings = shown_counts(self.context)
        self.summary.setText(f"{len(doc.definition)} states · {errors} errors · "
                             f"{warnings} warnings")
        for key, row in self.rows.items():
            messages = [("error", self._refused[key])] if key in self._refused else []
            messages += [(p.severity, p.message) for p in shown_problems(self.context)
                         if p.state is None and p.path.split(".")[0] == key]
            row.set_messages(messages)
