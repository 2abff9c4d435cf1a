"""Editors for collections: string arrays (editable list), arrays of enums (chips), JSON objects
(a small highlighted code editor) and free-form parameter objects (key/value rows).

They follow the :class:`~designer.inspector.editors.ValueEditor` contract. An empty list or an
empty JSON text means "not set" (the key is removed); invalid JSON is never stored — the parse
error is shown under the text, at its position, until the text parses.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QWidget,
)

from designer.inspector.editors import ValueEditor
from designer.inspector.widgets.code_editor import CodeEditor
from designer.inspector.widgets.flow_layout import FlowLayout
from designer.inspector.widgets.style import ERROR, MessageLabel
from runtime.jsonio import JsonInputError, loads_bounded

_INVALID = object()


class _PasteList(QListWidget):
    def __init__(self, owner: StringListEditor) -> None:
        super().__init__(owner)
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.matches(QKeySequence.StandardKey.Paste):
            self._owner.paste_lines(QGuiApplication.clipboard().text())
            return
        if event.matches(QKeySequence.StandardKey.Delete) and self.state() != self.State.EditingState:
            self._owner.remove_selected()
            return
        super().keyPressEvent(event)


class StringListEditor(ValueEditor):
    """An editable list: add, remove, reorder (buttons or drag), paste many lines at once."""

    kind = "string_list"
    vertical = True

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._integers = (spec.get("items") or {}).get("type") == "integer"
        self.list = _PasteList(self)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.list.itemChanged.connect(lambda _item: self._emit(False))
        self.list.model().rowsMoved.connect(lambda *_args: self._emit(False))
        self._fit()
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for text, tip, slot in (
            ("Add", "Add an item (double-click an item to edit it)", self.add_item),
            ("Remove", "Remove the selected items", self.remove_selected),
            ("↑", "Move the current item up", lambda: self.move_selected(-1)),
            ("↓", "Move the current item down", lambda: self.move_selected(1)),
            ("Paste lines", "Add one item per line of the clipboard",
             lambda: self.paste_lines(QGuiApplication.clipboard().text())),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self._layout.addWidget(self.list)
        self._layout.addLayout(buttons)

    def _fit(self) -> None:
        rows = min(max(self.list.count(), 3), 7)
        height = self.list.sizeHintForRow(0) if self.list.count() else self.fontMetrics().height() + 6
        self.list.setFixedHeight(rows * max(height, 18) + 2 * self.list.frameWidth() + 4)

    def _item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled)
        return item

    def _convert(self, text: str) -> Any:
        if self._integers:
            try:
                return int(text)
            except ValueError:
                return text
        return text

    def value(self) -> Any:
        items = [self.list.item(i).text() for i in range(self.list.count())]
        values = [self._convert(t) for t in items if t != ""]
        return values or None

    def _show(self, value: Any) -> None:
        self.list.clear()
        values = value if isinstance(value, list) else ([] if value is None else [value])
        for item in values:
            text = item if isinstance(item, str) else json.dumps(item)
            self.list.addItem(self._item(text))
        self._fit()

    def add_item(self) -> None:
        item = self._item("")
        self.list.addItem(item)
        self.list.setCurrentItem(item)
        self._fit()
        self.list.editItem(item)

    def remove_selected(self) -> None:
        rows = sorted({self.list.row(i) for i in self.list.selectedItems()}, reverse=True)
        if not rows:
            return
        for row in rows:
            self.list.takeItem(row)
        self._fit()
        self._emit(False)

    def move_selected(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self._emit(False)

    def paste_lines(self, text: str) -> None:
        """Append one item per non-empty line of ``text``."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            return
        for line in lines:
            self.list.addItem(self._item(line))
        self._fit()
        self._emit(False)

    def update_status(self) -> None:
        count = len(self.value() or [])
        limit = self.spec.get("maxItems")
        if limit is None:
            self.status.emit(f"{count} item{'s' if count != 1 else ''}", "")
        else:
            self.status.emit(f"{count} / {limit} items", ERROR if count > limit else "")

    def input_widget(self) -> QWidget:
        return self.list


class MultiEnumEditor(ValueEditor):
    """Multi-select chips for an array of enum values (stored in the schema's order)."""

    kind = "multi_enum"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._allowed = list((spec.get("items") or {}).get("enum", []))
        self._box = QWidget(self)
        self._flow = FlowLayout(self._box)
        self.chips: dict[Any, QToolButton] = {}
        self._extra: list[Any] = []
        for value in self._allowed:
            self._add_chip(value, str(value))
        self._layout.addWidget(self._box, 1)

    def _add_chip(self, value: Any, text: str, *, invalid: bool = False) -> QToolButton:
        chip = QToolButton(self._box)
        chip.setText(text)
        chip.setCheckable(True)
        chip.setCursor(Qt.CursorShape.PointingHandCursor)
        border = ERROR if invalid else "palette(mid)"
        chip.setStyleSheet(
            f"QToolButton {{ border: 1px solid {border}; border-radius: 10px; padding: 2px 10px; }}"
            "QToolButton:checked { background: palette(highlight);"
            " color: palette(highlighted-text); border-color: palette(highlight); }"
        )
        chip.toggled.connect(lambda _on: self._emit(False))
        self._flow.addWidget(chip)
        self.chips[value] = chip
        return chip

    def value(self) -> Any:
        chosen = [v for v in self._allowed if self.chips[v].isChecked()]
        chosen += [v for v in self._extra if self.chips[v].isChecked()]
        return chosen or None

    def _show(self, value: Any) -> None:
        values = value if isinstance(value, list) else ([] if value is None else [value])
        for extra in [v for v in values if v not in self._allowed and v not in self._extra]:
            if isinstance(extra, (str, int)):
                self._extra.append(extra)
                self._add_chip(extra, f"{extra} ✖", invalid=True)
        for key, chip in self.chips.items():
            chip.setChecked(key in values)

    def input_widget(self) -> QWidget:
        return self._box


class JsonEditor(ValueEditor):
    """A small JSON code editor; parse errors show inline, at their position."""

    kind = "json"
    vertical = True

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.code = CodeEditor("json", line_numbers=False, parent=self)
        self.code.setTabChangesFocus(True)  # Tab / Shift+Tab move on, as in every other field
        self.code.setPlaceholderText('{"key": "value"}')
        self.code.setFixedHeight(self.code.fontMetrics().lineSpacing() * 5 + 12)
        self.code.textChanged.connect(self._changed)
        self.code.focusLost.connect(self.finished)
        self.error = MessageLabel(self)
        self._layout.addWidget(self.code)
        self._layout.addWidget(self.error)
        self._parsed: Any = None

    def _parse(self) -> Any:
        text = self.code.toPlainText()
        if not text.strip():
            self._set_error(None, None)
            return None
        try:
            value = loads_bounded(text, max_bytes=1_000_000)
        except JsonInputError as exc:
            position = None
            try:
                json.loads(text)
            except json.JSONDecodeError as decode:
                position = decode.pos
            except ValueError:
                position = None
            self._set_error(exc.detail, position)
            return _INVALID
        self._set_error(None, None)
        return value

    def _set_error(self, message: str | None, position: int | None) -> None:
        self.error.set_messages([("error", message)] if message else [])
        self.code.set_error_at(position if message else None)

    def _changed(self) -> None:
        self._parsed = self._parse()
        if self._loading:
            return
        self.update_status()
        if self._parsed is not _INVALID:
            self.edited.emit(self._parsed, True)

    def value(self) -> Any:
        return None if self._parsed is _INVALID else self._parsed

    def has_error(self) -> bool:
        return self._parsed is _INVALID

    def is_busy(self) -> bool:
        return self.has_error() and self.code.hasFocus()

    def _show(self, value: Any) -> None:
        text = "" if value is None else json.dumps(value, indent=2, ensure_ascii=False)
        self.code.setPlainText(text)
        self._parsed = self._parse()

    def set_value(self, value: Any) -> None:
        if self.is_busy() or (not self.has_error() and value == self.value()
                              and type(value) is type(self.value())):
            return
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False
        self.update_status()

    def update_status(self) -> None:
        limit = self.spec.get("x-maxSerializedLength")
        value = self.value()
        if limit is None:
            self.status.emit("JSON", "")
            return
        size = 0 if value is None else len(json.dumps(value, separators=(",", ":"),
                                                      ensure_ascii=False))
        self.status.emit(f"{size:,} / {limit:,}", ERROR if size > limit else "")

    def input_widget(self) -> QWidget:
        return self.code
