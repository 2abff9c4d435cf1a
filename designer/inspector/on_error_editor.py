"""Error handling of Function, Circuit and action states: the ``on_error`` list.

Each entry: the error type (timeout, execution, authorization, or custom error codes chosen
from the action's error table), an optional retry (delay, attempts, step delay) with the wait
sequence it produces spelled out ("waits 5 s, 10 s, 20 s"), and the fallback state once the
retries are spent. Entries are tried in order; drag the handle to reorder. The whole list is
one field of the state, so every change is one undoable edit of ``on_error``.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.inspector.binding import StateBinding
from designer.inspector.editors import IntegerEditor, seconds_text
from designer.inspector.widgets.reorder import ReorderList
from designer.inspector.widgets.style import MessageLabel, help_label, mute, small_font
from runtime.catalog import ErrorSpec

ERROR_TYPES = (
    ("timeout_error", "Timeout"),
    ("execution_error", "Execution error"),
    ("authorization_error", "Authorization error"),
    ("custom_error", "Custom error codes"),
)
RETRY_FIELDS = (
    ("delay", "Delay (s)", {"minimum": 0, "maximum": 86400, "default": 1}),
    ("attempt", "Attempts", {"minimum": 0, "maximum": 10, "default": 1}),
    ("step_delay", "Step ×", {"minimum": 1, "maximum": 10, "default": 1}),
)


def wait_sequence(retry: dict[str, Any] | None) -> str:
    """``waits 5 s, 10 s, 20 s`` for delay 5, step delay 2, 3 attempts."""
    if not retry:
        return "No retry: the fallback (or failure) follows at once."
    values = [retry.get(k) for k in ("delay", "attempt", "step_delay")]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return ""
    delay, attempts, step = (float(v) for v in values)  # type: ignore[arg-type]
    if attempts <= 0:
        return "No retries (0 attempts)."
    waits = [delay * step ** n for n in range(min(int(attempts), 10))]
    return "waits " + ", ".join(seconds_text(w) for w in waits)


class EntryWidget(QFrame):
    """One ``on_error`` entry."""

    changed = Signal(object, bool)  # new entry dict, typing
    removed = Signal()
    finished = Signal()

    def __init__(self, errors: tuple[ErrorSpec, ...], targets: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._loading = False
        self._data: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(QLabel("When", self))
        self.error_type = QComboBox(self)
        for value, title in ERROR_TYPES:
            self.error_type.addItem(title, value)
        self.error_type.activated.connect(lambda _i: self._emit(False))
        top.addWidget(self.error_type, 1)
        remove = QToolButton(self)
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setToolTip("Remove this handler")
        remove.clicked.connect(self.removed)
        top.addWidget(remove)
        layout.addLayout(top)
        self.codes = QListWidget(self)
        self.codes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.codes.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.codes_text = QLineEdit(self)
        self.codes_text.setPlaceholderText("error codes, comma separated")
        for spec in errors:
            item = QListWidgetItem(f"{spec.code} · {spec.title}")
            item.setData(Qt.ItemDataRole.UserRole, spec.code)
            item.setToolTip(f"HTTP {spec.http_status} · {spec.title}: {spec.message}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.codes.addItem(item)
        row_height = max(self.codes.sizeHintForRow(0), 18) if errors else 18
        self.codes.setFixedHeight(min(len(errors), 8) * row_height + 6)
        self.codes.itemChanged.connect(lambda _item: self._emit(False))
        self.codes_text.textEdited.connect(lambda _t: self._emit(True))
        self.codes_text.editingFinished.connect(self.finished)
        self._has_table = bool(errors)
        layout.addWidget(self.codes)
        layout.addWidget(self.codes_text)
        self.retry = QCheckBox("Retry before giving up", self)
        self.retry.clicked.connect(lambda _c: self._emit(False))
        layout.addWidget(self.retry)
        self.retry_box = QWidget(self)
        grid = QGridLayout(self.retry_box)
        grid.setContentsMargins(20, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(1)
        self.retry_fields: dict[str, IntegerEditor] = {}
        for column, (key, title, limits) in enumerate(RETRY_FIELDS):
            label = mute(QLabel(title, self.retry_box))
            label.setFont(small_font(label))
            editor = IntegerEditor({"type": "integer", "title": title, **limits}, self.retry_box,
                                   steppers=False)
            editor.edited.connect(lambda _v, typing: self._emit(typing))
            editor.finished.connect(self.finished)
            grid.addWidget(label, 0, column)
            grid.addWidget(editor, 1, column)
            self.retry_fields[key] = editor
        self.waits = help_label("", self.retry_box)
        grid.addWidget(self.waits, 2, 0, 1, 3)
        layout.addWidget(self.retry_box)
        fallback = QHBoxLayout()
        fallback.addWidget(QLabel("Then go to", self))
        self.fallback = QComboBox(self)
        self.fallback.addItem("Fail this state (no fallback)", None)
        for name in targets:
            self.fallback.addItem(name, name)
        self.fallback.activated.connect(lambda _i: self._emit(False))
        fallback.addWidget(self.fallback, 1)
        layout.addLayout(fallback)
        self.messages = MessageLabel(self)
        layout.addWidget(self.messages)

    # -- reading and showing -----------------------------------------------------------------
    def value(self) -> dict[str, Any]:
        out = copy.deepcopy(self._data)
        out["error_type"] = self.error_type.currentData()
        out.pop("error_codes", None)
        if out["error_type"] == "custom_error":
            out["error_codes"] = self._codes()
        out.pop("retry", None)
        if self.retry.isChecked():
            out["retry"] = {k: e.value() if e.value() is not None else e.spec["default"]
                            for k, e in self.retry_fields.items()}
        out.pop("fallback", None)
        if self.fallback.currentData():
            out["fallback"] = {"next": self.fallback.currentData()}
        return out

    def _codes(self) -> list[str]:
        if not self._has_table:
            return [c.strip() for c in self.codes_text.text().split(",") if c.strip()]
        return [self.codes.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.codes.count())
                if self.codes.item(i).checkState() == Qt.CheckState.Checked]

    def set_entry(self, data: dict[str, Any]) -> None:
        if data == self.value() and self._data:
            self._update_visibility(data)
            return
        self._loading = True
        self._data = copy.deepcopy(data)
        index = self.error_type.findData(data.get("error_type"))
        if index < 0:
            self.error_type.addItem(f"{data.get('error_type')!r} (unknown)", data.get("error_type"))
            index = self.error_type.count() - 1
        self.error_type.setCurrentIndex(index)
        codes = set(data.get("error_codes") or [])
        for i in range(self.codes.count()):
            item = self.codes.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        if not self.codes_text.hasFocus():
            self.codes_text.setText(", ".join(data.get("error_codes") or []))
        retry = data.get("retry")
        self.retry.setChecked(retry is not None)
        for key, editor in self.retry_fields.items():
            editor.set_value((retry or {}).get(key, editor.spec["default"]))
        target = (data.get("fallback") or {}).get("next")
        index = self.fallback.findData(target)
        if index < 0 and target:
            self.fallback.addItem(f"{target} (missing)", target)
            index = self.fallback.count() - 1
        self.fallback.setCurrentIndex(max(index, 0))
        self._loading = False
        self._update_visibility(data)

    def _update_visibility(self, data: dict[str, Any]) -> None:
        custom = data.get("error_type") == "custom_error"
        self.codes.setVisible(custom and self._has_table)
        self.codes_text.setVisible(custom and not self._has_table)
        self.retry_box.setVisible(data.get("retry") is not None)
        self.waits.setText(wait_sequence(data.get("retry")))

    def _emit(self, typing: bool) -> None:
        if not self._loading:
            value = self.value()
            self._update_visibility(value)
            self.changed.emit(value, typing)


class OnErrorEditor(QWidget):
    """The list of ``on_error`` handlers of one state."""

    def __init__(self, binding: StateBinding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binding = binding
        entry = binding.entry()
        self._errors = entry.errors if entry is not None else ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.intro = help_label("Handlers are tried in order; the first that matches the error "
                                "applies. Drag ≡ to reorder.", self)
        layout.addWidget(self.intro)
        self.list = ReorderList(self)
        self.list.moved.connect(self._move)
        layout.addWidget(self.list)
        self.add = QPushButton("Add error handler", self)
        self.add.clicked.connect(self.add_entry)
        bar = QHBoxLayout()
        bar.addWidget(self.add)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.messages = MessageLabel(self)
        layout.addWidget(self.messages)
        self.entries: list[EntryWidget] = []
        self._targets: list[str] = []

    def value(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.binding.get("on_error") or [])

    def _store(self, handlers: list[dict[str, Any]], typing: bool = False) -> None:
        self.binding.set("on_error", handlers or None, typing=typing)

    def add_entry(self) -> None:
        handlers = self.value()
        used = {h.get("error_type") for h in handlers}
        kind = next((k for k, _ in ERROR_TYPES if k not in used), "custom_error")
        handlers.append({"error_type": kind})
        self._store(handlers)

    def _changed(self, index: int, data: dict[str, Any], typing: bool) -> None:
        handlers = self.value()
        if index < len(handlers):
            handlers[index] = data
            self._store(handlers, typing)

    def _remove(self, index: int) -> None:
        handlers = self.value()
        if index < len(handlers):
            del handlers[index]
            self._store(handlers)

    def _move(self, source: int, target: int) -> None:
        handlers = self.value()
        handlers.insert(target, handlers.pop(source))
        self._store(handlers)

    def refresh(self) -> None:
        handlers = self.value()
        targets = self.binding.other_states()
        if len(handlers) != len(self.entries) or targets != self._targets:
            self._rebuild(len(handlers), targets)
        for entry, data in zip(self.entries, handlers, strict=True):
            entry.set_entry(data)
        self.refresh_messages()

    def _rebuild(self, count: int, targets: list[str]) -> None:
        self.list.clear()
        self.entries = []
        self._targets = targets
        for index in range(count):
            entry = EntryWidget(self._errors, targets, self)
            entry.changed.connect(lambda data, typing, i=index: self._changed(i, data, typing))
            entry.removed.connect(lambda i=index: self._remove(i))
            entry.finished.connect(self.binding.finish)
            self.list.add_row(entry)
            self.entries.append(entry)

    def refresh_messages(self) -> None:
        for index, entry in enumerate(self.entries):
            entry.messages.set_messages(self.binding.problems_at(f"on_error[{index}]"))
        self.messages.set_messages([m for p in self.binding.problems() if p.path == "on_error"
                                    for m in [(p.severity, p.message)]])
