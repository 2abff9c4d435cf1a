"""The inspector page for several selected states: the fields they share, edited for all at
once in one undoable step.

A field is shared when every selected state has it with the same schema shape: a parameter of
the same id and type (``domain_name``, ``destination_device`` across endpoint actions), a
catalog field of the same flow-control type (``duration`` of several Waits), and the comment
every state has. The field shows the common value, or stays empty ("mixed") when they differ;
setting it writes all the selected states in one command.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from designer.context import DesignerContext
from designer.document import Patch, get_field, set_field
from designer.inspector.form import FieldRow
from designer.inspector.widgets.style import help_label, mute, section_title
from runtime.catalog import CatalogEntry
from runtime.catalog.checker import compile_value
from runtime.paths import classify_value

COMMENT = {"type": "string", "title": "Comment", "description": "A note kept with each state."}


def _shape(spec: dict[str, Any]) -> str:
    keys = ("type", "format", "enum", "items")
    return json.dumps({k: spec.get(k) for k in keys}, sort_keys=True)


def _fields_of(entry: CatalogEntry | None, state_type: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if entry is None:
        return out
    if state_type == "action":
        for key, spec in entry.parameters.get("properties", {}).items():
            out[f"parameters.{key}"] = spec
    for key, spec in entry.fields.get("properties", {}).items():
        out[key] = spec
    return out


def shared_fields(context: DesignerContext, names: list[str]) -> dict[str, dict[str, Any]]:
    """Field path → schema of the fields every state in ``names`` has (same shape)."""
    common: dict[str, dict[str, Any]] | None = None
    for name in names:
        state = context.document.state(name)
        entry = context.catalog.for_state(state.type, getattr(state, "action", None))
        fields = _fields_of(entry, state.type)
        if common is None:
            common = dict(fields)
        else:
            common = {k: v for k, v in common.items()
                      if k in fields and _shape(fields[k]) == _shape(v)}
    shared = common or {}
    shared["comment"] = COMMENT
    return shared


class MultiPage(QWidget):
    """Edits the shared fields of several states together."""

    def __init__(self, context: DesignerContext, names: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.names = list(names)
        self.fields = shared_fields(context, self.names)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(section_title(f"{len(self.names)} states selected", self))
        listing = mute(QLabel(", ".join(self.names), self))
        listing.setWordWrap(True)
        layout.addWidget(listing)
        layout.addWidget(help_label("Fields all of them share. A value set here is written to "
                                    "every selected state in one step; an empty field means "
                                    "their values differ.", self))
        self.rows: dict[str, FieldRow] = {}
        self.checkers = {path: compile_value(spec) for path, spec in self.fields.items()}
        for path, spec in self.fields.items():
            row = FieldRow(path, spec, required=False,
                           dynamic=path.startswith("parameters."), parent=self)
            row.edited.connect(self._edited)
            row.finished.connect(lambda _path: context.close_merging())
            layout.addWidget(row)
            self.rows[path] = row
        layout.addStretch(1)
        self.refresh()

    def common_value(self, path: str) -> tuple[bool, Any]:
        values = [get_field(self.context.document.state_dict(n), path) for n in self.names
                  if n in self.context.document.definition]
        same = all(v == values[0] and type(v) is type(values[0]) for v in values)
        return same, (values[0] if values and same else None)

    def _edited(self, path: str, value: Any, typing: bool) -> None:
        document = self.context.document
        patch = Patch()
        for name in self.names:
            state = document.state_dict(name)
            if get_field(state, path) != value:
                patch.states[name] = set_field(state, path, value)
        if patch.states:
            title = self.fields[path].get("title", path)
            key = f"multi:{'|'.join(self.names)}:{path}" if typing else None
            self.context.push(patch, f"Set {title} of {len(self.names)} states", key)
        self.refresh_messages()

    def refresh(self) -> None:
        for path, row in self.rows.items():
            same, value = self.common_value(path)
            row.set_value(value)
            line = getattr(row.editor, "line", None)
            if line is not None and hasattr(line, "setPlaceholderText") and not same:
                line.setPlaceholderText("(mixed values)")
        self.refresh_messages()

    def refresh_messages(self) -> None:
        for path, row in self.rows.items():
            same, value = self.common_value(path)
            messages: list[tuple[str, str]] = []
            kind, payload = classify_value(value) if path.startswith("parameters.") else (
                "literal", value)
            if same and value is not None and kind == "literal":
                found: list[str] = []
                self.checkers[path].check("$." + path.split(".")[-1], payload, found)
                messages += [("error", m) for m in found]
            for name in self.names:
                for p in self.context.problems_for(name):
                    if p.path == path or p.path.startswith((path + "[", path + ".")):
                        messages.append((p.severity, f"{name}: {p.message}"))
            row.set_messages(messages)
