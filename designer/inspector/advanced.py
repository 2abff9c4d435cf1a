"""The collapsible Advanced section: the state's comment and its input/output data paths.

Which paths a state has follows the server format: every state has ``input_path`` and
``output_path``; Pass and Parallel add ``result_path`` (Batch edits it among its own fields);
Function, Circuit and action states add ``result_selector``, ``result_path``,
``error_selector`` and ``error_path``. Paths complete from the state's data sources and show
the validator's ``path.syntax`` message as you type. A selector is a path, or a JSON object
whose ``$.`` values are paths.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from designer.inspector.binding import StateBinding
from designer.inspector.dynamic import PathEditor
from designer.inspector.editors import StringEditor, ValueEditor
from designer.inspector.form import FieldRow
from designer.inspector.widgets.collapsible import Collapsible
from runtime.paths import PathSyntaxError, classify_value, compile_path

FIELDS: dict[str, tuple[str, str]] = {
    "comment": ("Comment", "A note kept with the state (exported with the definition)."),
    "input_path": ("Input path", "Selects the part of the input this state works on "
                                 "(default $: all of it)."),
    "result_selector": ("Result selector", "Reshapes the raw result before it is placed: a path, "
                                           "or a JSON object whose $. values are paths."),
    "result_path": ("Result path", "Where the result is written into the input "
                                   "(default $: the result replaces the input)."),
    "output_path": ("Output path", "Selects the part of the combined data passed on to the "
                                   "next state (default $)."),
    "error_selector": ("Error selector", "Reshapes the error object before it is placed: a path "
                                         "or a JSON object of paths."),
    "error_path": ("Error path", "Where the error object is written when a fallback takes over "
                                 "(default $.error)."),
}
TASK_TYPES = ("function", "circuit", "action")


def fields_for(state_type: str) -> list[str]:
    """The Advanced fields a state of ``state_type`` has, in display order."""
    keys = ["comment", "input_path"]
    if state_type in TASK_TYPES:
        keys += ["result_selector", "result_path", "error_selector", "error_path"]
    elif state_type in ("pass", "parallel"):
        keys.append("result_path")
    keys.append("output_path")
    return keys


class SelectorEditor(PathEditor):
    """A path, or a JSON object template whose ``$.`` values are paths."""

    kind = "selector"

    def value(self) -> Any:
        text = self.line.text().strip()
        if text.startswith("{"):
            try:
                parsed = json.loads(text)
            except ValueError:
                return text
            return parsed if isinstance(parsed, dict) else text
        return text or None

    def _show(self, value: Any) -> None:
        if isinstance(value, dict):
            self.line.setText(json.dumps(value, ensure_ascii=False))
        else:
            super()._show(value)


def path_messages(key: str, value: Any) -> list[tuple[str, str]]:
    """The validator's wording for a bad path or selector."""
    if value is None or key == "comment":
        return []
    if isinstance(value, dict):
        paths = [v for v in value.values() if isinstance(v, str) and
                 classify_value(v)[0] == "dynamic"]
    elif isinstance(value, str):
        if key.endswith("_selector") and value.startswith("{"):
            return [("error", f"{key}: the JSON object does not parse")]
        paths = [value]
    else:
        return [("error", f"{key}: a path is a string")]
    for path in paths:
        try:
            compile_path(path)
        except PathSyntaxError as exc:
            return [("error", f"{key}: {exc}")]
    return []


class AdvancedSection(QWidget):
    """Collapsed by default; opens itself when one of its fields has a problem."""

    def __init__(self, binding: StateBinding, state_type: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.binding = binding
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        self.rows: dict[str, FieldRow] = {}
        for key in fields_for(state_type):
            title, help_text = FIELDS[key]
            spec = {"type": "string", "title": title, "description": help_text}
            editor: type[ValueEditor] = (
                StringEditor if key == "comment"
                else SelectorEditor if key.endswith("_selector") else PathEditor
            )
            row = FieldRow(key, spec, required=False, dynamic=False, editor=editor, parent=body)
            row.edited.connect(self._edited)
            row.finished.connect(lambda _key: binding.finish())
            column.addWidget(row)
            self.rows[key] = row
        self.collapsible = Collapsible("Advanced: input and output", body, parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.collapsible)

    def _edited(self, key: str, value: Any, typing: bool) -> None:
        self.binding.set(key, value, typing=typing)
        self.refresh_messages()

    def refresh(self) -> None:
        paths = self.binding.sources().completions()
        for key, row in self.rows.items():
            row.set_value(self.binding.get(key))
            row.set_paths(paths)
        self.refresh_messages()

    def refresh_messages(self) -> None:
        problem = False
        for key, row in self.rows.items():
            messages = path_messages(key, self.binding.get(key))
            messages += [m for m in self.binding.problems_at(key) if m not in messages
                         and not m[1].startswith(f"{key}: ")]
            row.set_messages(messages)
            problem = problem or bool(messages)
        if problem and not self.collapsible.is_expanded():
            self.collapsible.set_expanded(True)
