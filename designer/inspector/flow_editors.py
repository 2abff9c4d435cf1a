"""Editors of the flow-control states: Branch, Parallel, Batch, Wait, Failure and Pass.

Branch edits its ordered conditions (expression, Go To target; drag to reorder) and its default
target; Parallel its paths (name, root); Batch its catalog fields (collection path, collection
variable, batch size 1–10, result path) plus the body's first state. Wait (a duration with a
unit chooser, at most 30 days), Failure (error, cause) and Pass (the result JSON) are generated
from their catalog fields by :func:`fields_section`. Every change is one undoable edit of the state's field.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.document import add_condition, add_path
from designer.inspector.binding import StateBinding
from designer.inspector.dynamic import PathEditor
from designer.inspector.editors import ValueEditor
from designer.inspector.expression_edit import ExpressionEdit
from designer.inspector.form import FieldRow, SchemaSection
from designer.inspector.widgets.reorder import ReorderList
from designer.inspector.widgets.style import MessageLabel, field_title, help_label, mute
from runtime.catalog import CatalogEntry
from runtime.expressions import ExpressionError, compile_condition

NO_TARGET = "Choose a state…"


class TargetCombo(QComboBox):
    """Chooses a target state; a target that no longer exists is shown and flagged."""

    def set_targets(self, names: list[str], current: str | None, none_text: str = NO_TARGET):
        self.blockSignals(True)
        self.clear()
        self.addItem(none_text, None)
        for name in names:
            self.addItem(name, name)
        if current and current not in names:
            self.addItem(f"{current} (missing)", current)
        self.setCurrentIndex(max(0, self.findData(current)) if current else 0)
        self.blockSignals(False)


class TargetEditor(ValueEditor):
    """A :class:`ValueEditor` choosing a state (the Batch body's first state)."""

    kind = "target"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = TargetCombo(self)
        self.combo.activated.connect(lambda _i: self._emit(False))
        self._layout.addWidget(self.combo)

    def set_targets(self, names: list[str], current: str | None) -> None:
        self.combo.set_targets(names, current)

    def value(self) -> Any:
        return self.combo.currentData()

    def _show(self, value: Any) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(value)))

    def input_widget(self) -> QWidget:
        return self.combo


def fields_section(binding: StateBinding, entry: CatalogEntry, **kwargs: Any) -> SchemaSection:
    """A form generated from the catalog's state-level ``fields`` (not dynamic values)."""
    return SchemaSection(binding, entry.fields, entry.field_checker, base="", dynamic=False,
                         **kwargs)


class _ListSection(QWidget):
    """Shared by Branch and Parallel: reorderable rows of a list field plus an Add button."""

    field = ""
    add_text = ""

    def __init__(self, binding: StateBinding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binding = binding
        self.rows: list[Any] = []
        self._targets: list[str] = []
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(6)
        self.list = ReorderList(self)
        self.list.moved.connect(self._move)
        self.layout_.addWidget(self.list)
        add = QPushButton(self.add_text, self)
        add.clicked.connect(self.add_item)
        bar = QHBoxLayout()
        bar.addWidget(add)
        bar.addStretch(1)
        self.layout_.addLayout(bar)

    def items(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.binding.get(self.field) or [])

    def _store(self, items: list[dict[str, Any]], typing: bool = False) -> None:
        self.binding.set(self.field, items, typing=typing)

    def _set_item(self, index: int, key: str, value: Any, typing: bool) -> None:
        items = self.items()
        if index < len(items):
            items[index][key] = value
            self._store(items, typing)

    def _remove(self, index: int) -> None:
        items = self.items()
        if index < len(items):
            del items[index]
            self._store(items)

    def _move(self, source: int, target: int) -> None:
        items = self.items()
        items.insert(target, items.pop(source))
        self._store(items)

    def add_item(self) -> None:
        raise NotImplementedError

    def make_row(self, index: int, targets: list[str]) -> Any:
        raise NotImplementedError

    def refresh(self) -> None:
        items = self.items()
        targets = self.binding.other_states()
        if len(items) != len(self.rows) or targets != self._targets:
            self.list.clear()
            self._targets = targets
            self.rows = [self.make_row(i, targets) for i in range(len(items))]
            for row in self.rows:
                self.list.add_row(row)
        for row, item in zip(self.rows, items, strict=True):
            row.show_item(item)
        self.refresh_messages()

    def refresh_messages(self) -> None:
        for index, row in enumerate(self.rows):
            row.messages.set_messages(self.messages_for(index))

    def messages_for(self, index: int) -> list[tuple[str, str]]:
        return self.binding.problems_at(f"{self.field}[{index}]")


class ConditionRow(QFrame):
    def __init__(self, owner: BranchEditor, index: int, targets: list[str]) -> None:
        super().__init__(owner)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        self.expression = ExpressionEdit(self)
        self.expression.textEdited.connect(
            lambda text: owner._set_item(index, "condition", text, True))
        self.expression.focusLost.connect(owner.binding.finish)
        line = QHBoxLayout()
        line.addWidget(mute(QLabel(f"#{index + 1}", self)))
        line.addWidget(QLabel("then go to", self))
        self.target = TargetCombo(self)
        self.target.set_targets(targets, None)
        self.target.activated.connect(
            lambda _i: owner._set_item(index, "next", self.target.currentData() or "", False))
        line.addWidget(self.target, 1)
        remove = QToolButton(self)
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setToolTip("Remove this condition")
        remove.clicked.connect(lambda: owner._remove(index))
        line.addWidget(remove)
        layout.addWidget(self.expression)
        layout.addLayout(line)
        self.messages = MessageLabel(self)
        layout.addWidget(self.messages)
        self._targets = targets

    def show_item(self, item: dict[str, Any]) -> None:
        if not self.expression.hasFocus() or self.expression.toPlainText() != item.get(
                "condition", ""):
            self.expression.set_text(item.get("condition", ""))
        self.target.set_targets(self._targets, item.get("next") or None)


class BranchEditor(_ListSection):
    """Ordered conditions (first match wins) and the default target."""

    field = "conditions"
    add_text = "Add condition"

    def __init__(self, binding: StateBinding, parent: QWidget | None = None) -> None:
        super().__init__(binding, parent)
        self.layout_.insertWidget(0, help_label(
            "Conditions are tried in order and the first true one wins; drag ≡ to reorder. "
            "Operators: == != > >= < <= && || ! and parentheses.", self))
        line = QHBoxLayout()
        title = field_title("Otherwise go to", parent=self)
        line.addWidget(title)
        self.default = TargetCombo(self)
        self.default.activated.connect(
            lambda _i: self.binding.set("default", self.default.currentData()))
        line.addWidget(self.default, 1)
        self.layout_.addLayout(line)
        self.default_messages = MessageLabel(self)
        self.layout_.addWidget(self.default_messages)

    def add_item(self) -> None:
        self.binding.push(*add_condition(self.binding.context.document, self.binding.name))

    def make_row(self, index: int, targets: list[str]) -> ConditionRow:
        return ConditionRow(self, index, targets)

    def refresh(self) -> None:
        super().refresh()
        self.default.set_targets(self.binding.other_states(), self.binding.get("default"),
                                 "Choose the default state…")
        paths = self.binding.sources().completions()
        for row in self.rows:
            row.expression.set_paths(paths)

    def refresh_messages(self) -> None:
        super().refresh_messages()
        self.default_messages.set_messages(self.binding.problems_at("default") + [
            (p.severity, p.message) for p in self.binding.problems()
            if p.path == "" and p.code.startswith("branch")])

    def messages_for(self, index: int) -> list[tuple[str, str]]:
        row = self.rows[index]
        text = row.expression.toPlainText()
        live: list[tuple[str, str]] = []
        try:
            condition = compile_condition(text)
        except ExpressionError as exc:
            row.expression.set_error_at(exc.position)
            live.append(("error", f"condition {index + 1} does not parse: {exc}"))
        else:
            row.expression.set_error_at(None)
            sources = self.binding.sources()
            linted = " ".join(p.message for p in self.binding.problems()
                              if p.code.startswith("dataflow."))
            live += [("warning", f"Nothing upstream provides {p}") for p in condition.paths
                     if not sources.provides(p) and p not in linted]  # the lint says it better
        others = [m for m in super().messages_for(index) if "does not parse" not in m[1]]
        return live + others


class PathRow(QWidget):
    def __init__(self, owner: ParallelEditor, index: int, targets: list[str]) -> None:
        super().__init__(owner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        line = QHBoxLayout()
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("path name")
        self.name.textEdited.connect(lambda text: owner._set_item(index, "name", text, True))
        self.name.editingFinished.connect(owner.binding.finish)
        self.root = TargetCombo(self)
        self.root.activated.connect(
            lambda _i: owner._set_item(index, "root", self.root.currentData() or "", False))
        remove = QToolButton(self)
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setToolTip("Remove this path")
        remove.clicked.connect(lambda: owner._remove(index))
        line.addWidget(self.name, 2)
        line.addWidget(mute(QLabel("starts at", self)))
        line.addWidget(self.root, 3)
        line.addWidget(remove)
        layout.addLayout(line)
        self.messages = MessageLabel(self)
        layout.addWidget(self.messages)
        self._targets = targets

    def show_item(self, item: dict[str, Any]) -> None:
        if not self.name.hasFocus() and self.name.text() != item.get("name", ""):
            self.name.setText(item.get("name", ""))
        self.root.set_targets(self._targets, item.get("root") or None)


class ParallelEditor(_ListSection):
    """The paths that run at once: each a name and its first state."""

    field = "paths"
    add_text = "Add path"

    def __init__(self, binding: StateBinding, parent: QWidget | None = None) -> None:
        super().__init__(binding, parent)
        self.layout_.insertWidget(0, help_label(
            "Every path starts at once and runs until a state whose next is End; if any path "
            "fails, the Parallel fails.", self))

    def add_item(self) -> None:
        self.binding.push(*add_path(self.binding.context.document, self.binding.name))

    def make_row(self, index: int, targets: list[str]) -> PathRow:
        return PathRow(self, index, targets)


class BatchEditor(QWidget):
    """Batch fields from the catalog plus the body's first state."""

    def __init__(self, binding: StateBinding, entry: CatalogEntry, parent: QWidget | None = None):
        super().__init__(parent)
        self.binding = binding
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.fields = fields_section(binding, entry, overrides={
            "collection_path": PathEditor, "result_path": PathEditor}, parent=self)
        layout.addWidget(self.fields)
        spec = {"type": "string", "title": "Body starts at",
                "description": "The first state of the body, run for every item; the body ends "
                               "at a state whose next is End."}
        self.root_row = FieldRow("root", spec, required=True, dynamic=False,
                                 editor=TargetEditor, parent=self)
        self.root_row.edited.connect(lambda _k, value, _t: binding.set("root", value))
        layout.addWidget(self.root_row)

    def refresh(self) -> None:
        self.fields.refresh()
        editor = self.root_row.editor
        assert isinstance(editor, TargetEditor)
        editor.set_targets(self.binding.other_states(), self.binding.get("root"))
        self.refresh_messages()

    def refresh_messages(self) -> None:
        self.fields.refresh_messages()
        self.root_row.set_messages(self.binding.problems_at("root"))
