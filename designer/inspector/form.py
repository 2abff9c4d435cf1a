"""Forms generated from a parameter schema: one :class:`FieldRow` per property.

:func:`editor_class` picks the editor a schema implies (nothing is hand-written per action, so
a new catalog file gets a working form). :class:`FieldRow` lays out one field: title (``*`` when
required), the live counter or allowed range beside it, the literal ↔ ``$.`` toggle, the
editor, the catalog's description as help, and the validation messages. :class:`SchemaSection`
binds a form to one state: it shows the document's values, pushes every edit as an undoable
command and validates as you type with the catalog's compiled checker, whose messages are the
reference's ``JSON_SCHEMA_VALIDATION_FAILED`` shapes, word for word what the validator and the
runtime say.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from designer.inspector.binding import StateBinding
from designer.inspector.collection_editors import JsonEditor, MultiEnumEditor, StringListEditor
from designer.inspector.datetime_editor import DateTimeEditor
from designer.inspector.dynamic import DynamicSwitch
from designer.inspector.editors import (
    BooleanEditor,
    EnumEditor,
    IntegerEditor,
    LongTextEditor,
    StringEditor,
    ValueEditor,
)
from designer.inspector.widgets.style import REQUIRED, MessageLabel, help_label, mute, small_font
from runtime.catalog.checker import ObjectChecker
from runtime.paths import PathSyntaxError, classify_value, compile_path

Message = tuple[str, str]
LIVE_CODES = frozenset({
    "schema.parameter", "schema.required", "schema.dynamic-path", "schema.field", "limit.wait",
    "limit.batch-size", "path.syntax",
})


def editor_class(spec: dict[str, Any]) -> type[ValueEditor]:
    """The editor a parameter schema implies."""
    kind = spec.get("type")
    if kind == "array":
        items = spec.get("items") or {}
        return MultiEnumEditor if "enum" in items else StringListEditor
    if kind == "object" or spec.get("format") == "json":
        return JsonEditor
    if "enum" in spec:
        return EnumEditor
    if kind == "boolean":
        return BooleanEditor
    if kind == "integer":
        return IntegerEditor
    if spec.get("format") == "date-time":
        return DateTimeEditor
    if spec.get("format") == "long-text":
        return LongTextEditor
    return StringEditor


class FieldRow(QWidget):
    """One labelled field: title, status, optional dynamic toggle, editor, help, messages."""

    edited = Signal(str, object, bool)
    finished = Signal(str)

    def __init__(self, key: str, spec: dict[str, Any], *, required: bool, dynamic: bool,
                 editor: type[ValueEditor] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.spec = spec
        self.required = required
        self.editor: ValueEditor = (editor or editor_class(spec))(spec, self)
        self.switch: DynamicSwitch | None = DynamicSwitch(self.editor, self) if dynamic else None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(3)
        layout.addLayout(self._label_line())
        layout.addWidget(self.switch or self.editor)
        self.help = help_label(self._help_text(), self)
        self.help.setVisible(bool(self.help.text()) and not isinstance(self.editor, BooleanEditor))
        layout.addWidget(self.help)
        self.messages = MessageLabel(self)
        layout.addWidget(self.messages)
        self._status: tuple[str, str] = ("", "")
        self.editor.status.connect(self._show_status)
        if self.switch is not None:
            self.switch.edited.connect(lambda value, typing: self.edited.emit(key, value, typing))
            self.switch.finished.connect(lambda: self.finished.emit(key))
            self.switch.modeChanged.connect(lambda _d: self._show_status(*self._status))
        else:
            self.editor.edited.connect(lambda value, typing: self.edited.emit(key, value, typing))
            self.editor.finished.connect(lambda: self.finished.emit(key))
        self.editor.update_status()

    def _label_line(self) -> QHBoxLayout:
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(4)
        self.title = QLabel(self.spec.get("title", self.key), self)
        font = self.title.font()
        font.setWeight(font.Weight.DemiBold)
        self.title.setFont(font)
        self.title.setToolTip(f"{self.key}: {self.spec.get('description', '')}")
        line.addWidget(self.title)
        if self.required:
            star = QLabel("*", self)
            star.setStyleSheet(f"color: {REQUIRED}; font-weight: bold;")
            star.setToolTip("Required")
            line.addWidget(star)
        line.addStretch(1)
        self.status = mute(QLabel(self))
        self.status.setFont(small_font(self.status))
        line.addWidget(self.status)
        if self.switch is not None:
            line.addWidget(self.switch.toggle)
        return line

    def _help_text(self) -> str:
        return self.spec.get("description", "").strip()

    def _show_status(self, text: str, colour: str) -> None:
        self._status = (text, colour)
        if self.switch is not None and self.switch.is_dynamic():
            text, colour = "dynamic", ""
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};" if colour else "")

    # -- API ---------------------------------------------------------------------------------
    def set_value(self, stored: Any) -> None:
        if self.switch is not None:
            self.switch.set_value(stored)
        else:
            self.editor.set_value(stored)

    def value(self) -> Any:
        return self.switch.value() if self.switch is not None else self.editor.value()

    def set_messages(self, messages: list[Message]) -> None:
        self.messages.set_messages(messages)

    def set_paths(self, paths: list[str]) -> None:
        if self.switch is not None:
            self.switch.set_paths(paths)
        setter = getattr(self.editor, "set_paths", None)
        if setter is not None:
            setter(paths)


class SchemaForm(QWidget):
    """A column of field rows generated from an object schema."""

    edited = Signal(str, object, bool)
    finished = Signal(str)

    def __init__(self, schema: dict[str, Any], *, dynamic: bool,
                 overrides: dict[str, type[ValueEditor]] | None = None,
                 skip: frozenset[str] = frozenset(), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        required = set(schema.get("required", ()))
        self.rows: dict[str, FieldRow] = {}
        for key, spec in schema.get("properties", {}).items():
            if key in skip:
                continue
            row = FieldRow(key, spec, required=key in required, dynamic=dynamic,
                           editor=(overrides or {}).get(key), parent=self)
            row.edited.connect(self.edited)
            row.finished.connect(self.finished)
            layout.addWidget(row)
            self.rows[key] = row


class SchemaSection(QWidget):
    """A :class:`SchemaForm` bound to one state's ``parameters`` (or its own fields)."""

    def __init__(self, binding: StateBinding, schema: dict[str, Any], checker: ObjectChecker, *,
                 base: str, dynamic: bool, overrides: dict[str, type[ValueEditor]] | None = None,
                 skip: frozenset[str] = frozenset(), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binding = binding
        self.checker = checker
        self.base = base
        self.dynamic = dynamic
        self.form = SchemaForm(schema, dynamic=dynamic, overrides=overrides, skip=skip, parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        if not self.form.rows:
            layout.addWidget(help_label("This state takes no parameters.", self))
        self.form.edited.connect(self._edited)
        self.form.finished.connect(lambda _key: binding.finish())

    @property
    def rows(self) -> dict[str, FieldRow]:
        return self.form.rows

    def path_of(self, key: str) -> str:
        return f"{self.base}.{key}" if self.base else key

    def _edited(self, key: str, value: Any, typing: bool) -> None:
        self.binding.set(self.path_of(key), value, typing=typing)
        self.refresh_messages()

    def refresh(self) -> None:
        paths = self.binding.sources().completions()
        for key, row in self.rows.items():
            row.set_value(self.binding.get(self.path_of(key)))
            row.set_paths(paths)
        self.refresh_messages()

    def refresh_messages(self) -> None:
        for key, row in self.rows.items():
            row.set_messages(self.messages_for(key, self.binding.get(self.path_of(key))))

    def messages_for(self, key: str, stored: Any) -> list[Message]:
        """Live messages for one field, then the validator's other problems for it."""
        out: list[Message] = []
        row = self.rows[key]
        kind, payload = classify_value(stored) if self.dynamic else ("literal", stored)
        if stored is None and row.required:
            out.append(("error", f"$: required property '{key}' not found"))
        elif kind == "dynamic":
            out.extend(self._dynamic_messages(key, payload))
        elif stored is not None:
            out.extend(("error", m) for m in self.checker.check_one(key, payload))
        for problem in self.binding.problems():
            path = self.path_of(key)
            if problem.code not in LIVE_CODES and (
                problem.path == path or problem.path.startswith((path + "[", path + "."))
            ):
                out.append((problem.severity, problem.message))
        return out

    def _dynamic_messages(self, key: str, path: str) -> list[Message]:
        try:
            compile_path(path)
        except PathSyntaxError as exc:
            return [("error", f"$.{key}: invalid dynamic value: {exc.reason} "
                              f"(character {exc.position + 1})")]
        linted = any(p.code.startswith("dataflow.") and path in p.message
                     for p in self.binding.problems())
        if not linted and not self.binding.sources().provides(path):  # else the lint says it
            return [("warning", f"Nothing upstream provides {path}: it is not in the run "
                                "profile's payload or an earlier state's documented response")]
        return []
