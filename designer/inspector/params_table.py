"""Free-form parameters (Function and Circuit states): rows of name and value.

A value is read as JSON when it parses (``42``, ``true``, ``{"a": 1}``, ``"quoted text"``),
as a dynamic value when it starts with ``$.`` (completed from the state's data sources), and as
plain text otherwise; :func:`encode` writes a value back so that reading it again gives the
same value. Rows with an empty name are kept on screen but not stored.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.inspector.binding import StateBinding
from designer.inspector.dynamic import PathCompleter
from designer.inspector.editors import ValueEditor
from designer.inspector.form import FieldRow
from designer.inspector.widgets.code_editor import monospace_font


def decode(text: str) -> Any:
    """The value a cell's text stands for (see the module docstring)."""
    if text.startswith("$"):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def encode(value: Any) -> str:
    if isinstance(value, str):
        return value if decode(value) == value else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


class _Row:
    def __init__(self, owner: KeyValueEditor, key: str, value: str) -> None:
        self.key = QLineEdit(key, owner)
        self.key.setPlaceholderText("name")
        self.value = QLineEdit(value, owner)
        self.value.setPlaceholderText("value, JSON or $.path")
        self.value.setFont(monospace_font())
        completer = PathCompleter(self.value)
        completer.set_paths(owner.paths)
        self.value.setCompleter(completer)
        self.completer = completer
        self.remove = QToolButton(owner)
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this parameter")
        self.remove.setAutoRaise(True)
        for edit in (self.key, self.value):
            edit.textEdited.connect(lambda _text: owner.row_edited())
            edit.editingFinished.connect(owner.finished)
        completer.activated[str].connect(  # type: ignore[index]
            lambda _text: owner.row_edited())
        self.remove.clicked.connect(lambda: owner.remove_row(self))

    def widgets(self) -> tuple[QWidget, QWidget, QWidget]:
        return self.key, self.value, self.remove


class KeyValueEditor(ValueEditor):
    """Edits a free-form JSON object as name/value rows."""

    kind = "key_value"
    vertical = True

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.paths: list[str] = []
        self.rows: list[_Row] = []
        self._grid_host = QWidget(self)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(4)
        self._grid.setColumnStretch(0, 2)
        self._grid.setColumnStretch(1, 3)
        add = QPushButton("Add parameter", self)
        add.clicked.connect(self.add_row)
        bar = QHBoxLayout()
        bar.addWidget(add)
        bar.addStretch(1)
        self._layout.addWidget(self._grid_host)
        self._layout.addLayout(bar)

    def value(self) -> Any:
        out: dict[str, Any] = {}
        for row in self.rows:
            key = row.key.text().strip()
            if key:
                out[key] = decode(row.value.text())
        return out

    def _show(self, value: Any) -> None:
        items = list(value.items()) if isinstance(value, dict) else []
        named = [row for row in self.rows if row.key.text().strip()]
        if len(named) == len(items) and len(named) == len(self.rows):
            for row, (key, item) in zip(named, items, strict=True):
                if row.key.text() != key:
                    row.key.setText(key)
                if decode(row.value.text()) != item:
                    row.value.setText(encode(item))
            return
        for row in list(self.rows):
            self._drop(row)
        for key, item in items:
            self._append(key, encode(item))

    def _append(self, key: str, value: str) -> _Row:
        row = _Row(self, key, value)
        line = len(self.rows) + 1
        for column, widget in enumerate(row.widgets()):
            self._grid.addWidget(widget, line, column)
        self.rows.append(row)
        return row

    def _drop(self, row: _Row) -> None:
        for widget in row.widgets():
            widget.hide()
            self._grid.removeWidget(widget)
            widget.deleteLater()
        self.rows.remove(row)

    def add_row(self) -> None:
        row = self._append("", "")
        row.key.setFocus()

    def remove_row(self, row: _Row) -> None:
        self._drop(row)
        self._emit(False)

    def row_edited(self) -> None:
        self._emit(True)

    def set_paths(self, paths: list[str]) -> None:
        self.paths = paths
        for row in self.rows:
            row.completer.set_paths(paths)

    def static_hint(self) -> str:
        count = len(self.value())
        return f"{count} parameter{'s' if count != 1 else ''}"

    def input_widget(self) -> QWidget:
        return self._grid_host


class FreeParametersSection(QWidget):
    """The ``parameters`` object of a Function or Circuit state as name/value rows."""

    def __init__(self, binding: StateBinding, description: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binding = binding
        spec = {"type": "object", "title": "Parameters", "description": description}
        self.row = FieldRow("parameters", spec, required=False, dynamic=False,
                            editor=KeyValueEditor, parent=self)
        self.row.edited.connect(lambda _k, value, typing: binding.set(
            "parameters", value, typing=typing))
        self.row.finished.connect(lambda _k: binding.finish())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.row)

    def refresh(self) -> None:
        self.row.set_value(self.binding.get("parameters") or {})
        self.row.set_paths(self.binding.sources().completions())
        self.refresh_messages()

    def refresh_messages(self) -> None:
        self.row.set_messages(self.binding.problems_at("parameters"))
