"""Edit as JSON: the Inspector's body for a state opened for repair.

A state whose type this build does not know (``UnknownState``) or whose fields it cannot read
(``InvalidState``) has no form. It is shown as the JSON it came as, with what is wrong above
it; **Apply** (or Ctrl+Return) replaces the state with the edited JSON as one undoable step,
but only once the model can read it (otherwise the place and the problem are shown and
nothing changes). Once applied, the state is an ordinary state and gets its usual form.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from designer.document import Patch
from designer.inspector.binding import StateBinding
from designer.inspector.widgets.code_editor import monospace_font
from designer.inspector.widgets.style import MessageLabel, help_label
from runtime.jsonio import JsonInputError, loads_bounded
from runtime.model.io import format_validation_error
from runtime.model.states import InvalidState, UnknownState, state_from_data


def _what_is_wrong(state: Any) -> str:
    if isinstance(state, InvalidState):
        kind = f"this {state.declared_type} state" if state.declared_type else "this state"
        return (f"{state.field}: {state.reason}. The file's JSON of {kind} is kept exactly as it "
                "came; fix it here and Apply, or delete the state.")
    if isinstance(state, UnknownState):
        return (f"{state.type!r} is not a state type this build knows. Its JSON is kept exactly "
                "as it came; change the type here and Apply, or delete the state.")
    return ""


class RepairEditor(QWidget):
    """The state as JSON, editable, with Apply."""

    def __init__(self, binding: StateBinding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binding = binding
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.explanation = help_label("", self)
        layout.addWidget(self.explanation)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("RepairJson")
        self.text.setFont(monospace_font())
        self.text.setMinimumHeight(180)
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.apply = QPushButton("Apply", self)
        self.apply.setToolTip("Replace the state with this JSON (Ctrl+Return); undo brings it back")
        self.apply.clicked.connect(self.apply_json)
        row.addStretch(1)
        row.addWidget(self.apply)
        layout.addLayout(row)
        self.messages = MessageLabel(self)
        layout.addWidget(self.messages)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.text)
        shortcut.activated.connect(self.apply_json)
        self._shown = ""
        self.refresh()

    def _current_text(self) -> str:
        return json.dumps(self.binding.state(), indent=2, ensure_ascii=False)

    def refresh(self) -> None:
        if not self.binding.exists:
            return
        state = self.binding.context.document.state(self.binding.name)
        self.explanation.setText(_what_is_wrong(state))
        text = self._current_text()
        if text != self._shown and self.text.toPlainText() in (self._shown, ""):
            self.text.setPlainText(text)  # unless the author is in the middle of an edit
        self._shown = text

    def refresh_messages(self) -> None:
        pass

    def apply_json(self) -> bool:
        """Replace the state with the edited JSON; False (with the reason shown) if refused."""
        name = self.binding.name
        try:
            data = loads_bounded(self.text.toPlainText())
        except JsonInputError as exc:
            self.messages.set_messages([("error", str(exc))])
            return False
        if not isinstance(data, dict):
            self.messages.set_messages([("error", "a state is a JSON object")])
            return False
        try:
            state_from_data(data)
        except ValidationError as exc:
            self.messages.set_messages([("error", format_validation_error(exc))])
            return False
        self.messages.set_messages([])
        if data == self.binding.state():
            return True
        self._shown = ""
        return self.binding.push(Patch(states={name: data}), f"Edit {name} as JSON")
