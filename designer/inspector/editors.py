"""One editor class per scalar schema construct: string, long text, integer, boolean, enum,
date-time lives in :mod:`designer.inspector.datetime_editor`, the collections in
:mod:`designer.inspector.collection_editors`).

Every editor is a :class:`ValueEditor`: ``set_value`` shows a document value without emitting,
``value`` reads it back (``None`` = not set, the key is removed), ``edited(value, typing)``
reports a user change (``typing`` merges keystrokes into one undo step), ``finished`` says focus
left, and ``status(text, colour)`` feeds the small text beside the field label (the live length
counter ``12 / 250``, the allowed range ``0 – 500 · default 10``). Editors never clamp or refuse
what the user typed: the document stores it and the validator explains what is wrong.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.inspector.widgets.code_editor import FocusPlainTextEdit
from designer.inspector.widgets.style import ERROR, mute, small_font


class ValueEditor(QWidget):
    """Base of every field editor (see the module docstring for the contract)."""

    kind = "value"
    vertical = False
    edited = Signal(object, bool)
    finished = Signal()
    status = Signal(str, str)

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._loading = False
        self._layout = QVBoxLayout(self) if self.vertical else QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        if self.is_busy() or _same(value, self.value()):
            return
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False
        self.update_status()

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def is_busy(self) -> bool:
        """True while the user holds an unfinished, unparsable text in this editor."""
        return False

    def input_widget(self) -> QWidget:
        """The widget that takes the keyboard (for focus and tests)."""
        return self

    def update_status(self) -> None:
        self.status.emit(self.static_hint(), "")

    def static_hint(self) -> str:
        return ""

    def _emit(self, typing: bool) -> None:
        if not self._loading:
            self.update_status()
            self.edited.emit(self.value(), typing)


def _same(a: Any, b: Any) -> bool:
    return a == b and type(a) is type(b)


def default_text(spec: dict[str, Any]) -> str:
    if "default" not in spec:
        return ""
    value = spec["default"]
    if isinstance(value, bool):
        return "true" if value else "false"
    if "enum" in spec and "enumTitles" in spec and value in spec["enum"]:
        return spec["enumTitles"][spec["enum"].index(value)]
    return str(value)


class _CountingEditor(ValueEditor):
    """Shared by the text editors: the ``n / max`` counter, red past the limit."""

    def update_status(self) -> None:
        limit = self.spec.get("maxLength")
        if limit is None:
            self.status.emit(self.static_hint(), "")
            return
        length = len(self.value() or "")
        self.status.emit(f"{length:,} / {limit:,}", ERROR if length > limit else "")


class StringEditor(_CountingEditor):
    kind = "string"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(default_text(spec))
        self.line.setClearButtonEnabled(True)
        self.line.textEdited.connect(lambda _text: self._emit(True))
        self.line.editingFinished.connect(self.finished)
        self._layout.addWidget(self.line)

    def value(self) -> Any:
        return self.line.text() or None

    def _show(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))

    def input_widget(self) -> QWidget:
        return self.line


class LongTextEditor(_CountingEditor):
    kind = "long_text"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.text = FocusPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(default_text(spec))
        line = self.text.fontMetrics().lineSpacing()
        self.text.setFixedHeight(line * 4 + 12)
        self.text.textChanged.connect(lambda: self._emit(True))
        self.text.focusLost.connect(self.finished)
        self._layout.addWidget(self.text)

    def value(self) -> Any:
        return self.text.toPlainText() or None

    def _show(self, value: Any) -> None:
        self.text.setPlainText("" if value is None else str(value))

    def input_widget(self) -> QWidget:
        return self.text


class _IntLine(QLineEdit):
    step = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.step.emit(1 if event.key() == Qt.Key.Key_Up else -1)
            return
        super().keyPressEvent(event)


class IntegerEditor(ValueEditor):
    """An integer field with −/+ steppers; out-of-range input is kept and explained."""

    kind = "integer"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None, *,
                 steppers: bool = True) -> None:
        super().__init__(spec, parent)
        self.line = _IntLine(self)
        self.line.setValidator(QRegularExpressionValidator(QRegularExpression(r"-?\d{0,15}"), self))
        if "default" in spec:
            self.line.setPlaceholderText(f"default {spec['default']}")
        self.line.textEdited.connect(lambda _text: self._emit(True))
        self.line.editingFinished.connect(self.finished)
        self.line.step.connect(self._step)
        self._layout.addWidget(self.line, 1)
        for text, delta in (("−", -1), ("+", 1)) if steppers else ():
            button = QToolButton(self)
            button.setText(text)
            button.setAutoRepeat(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip("Decrease" if delta < 0 else "Increase")
            button.clicked.connect(lambda _=False, d=delta: self._step(d))
            self._layout.addWidget(button)

    def value(self) -> Any:
        text = self.line.text().strip()
        if text in ("", "-"):
            return None
        try:
            return int(text)
        except ValueError:  # a non-integer value from the document, shown as it is
            return text

    def _show(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))

    def input_widget(self) -> QWidget:
        return self.line

    def _step(self, delta: int) -> None:
        """Step by one; stepping never moves a value further out of range."""
        low, high = self.spec.get("minimum"), self.spec.get("maximum")
        current = self.value()
        if not isinstance(current, int):
            new = self.spec.get("default", low if low is not None else 0)
        else:
            new = current + delta
            if (low is not None and new < low <= current) or (
                high is not None and new > high >= current
            ):
                new = current
        self.line.setText(str(new))
        self._emit(True)

    def static_hint(self) -> str:
        low, high = self.spec.get("minimum"), self.spec.get("maximum")
        if low is not None and high is not None:
            text = f"{low:,} – {high:,}"
        elif high is not None:
            text = f"max {high:,}"
        elif low is not None:
            text = f"≥ {low:,}"
        else:
            text = "integer"
        if "default" in self.spec:
            text += f" · default {self.spec['default']}"
        return text


class BooleanEditor(ValueEditor):
    """A check box; the description reads beside it (clicking the text toggles too)."""

    kind = "boolean"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.box = QCheckBox(self)
        self.box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.box.clicked.connect(lambda _checked: self._emit(False))
        self.text = mute(QLabel(spec.get("description", ""), self))
        self.text.setWordWrap(True)
        self.text.setFont(small_font(self.text))
        self.text.mousePressEvent = lambda _event: self.box.click()  # type: ignore[method-assign]
        self._layout.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        self._layout.addWidget(self.text, 1)
        self._explicit = False

    def value(self) -> Any:
        return self.box.isChecked() if self._explicit else None

    def set_value(self, value: Any) -> None:
        self._loading = True
        self._explicit = value is not None
        shown = value if isinstance(value, bool) else bool(self.spec.get("default", False))
        self.box.setChecked(shown)
        self._loading = False
        self.update_status()

    def _emit(self, typing: bool) -> None:
        self._explicit = True
        super()._emit(typing)

    def static_hint(self) -> str:
        return f"default {default_text(self.spec)}" if "default" in self.spec else ""

    def input_widget(self) -> QWidget:
        return self.box


class EnumEditor(ValueEditor):
    """A combo of the allowed values (titles from ``enumTitles``); first item = not set."""

    kind = "enum"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        unset = f"Default ({default_text(spec)})" if "default" in spec else "Not set"
        self.combo.addItem(unset, None)
        titles = spec.get("enumTitles") or [str(v) for v in spec["enum"]]
        for value, title in zip(spec["enum"], titles, strict=False):
            self.combo.addItem(title, value)
        self._fixed = self.combo.count()
        self.combo.activated.connect(lambda _index: self._emit(False))
        self._layout.addWidget(self.combo, 1)

    def value(self) -> Any:
        return self.combo.currentData()

    def _show(self, value: Any) -> None:
        while self.combo.count() > self._fixed:
            self.combo.removeItem(self.combo.count() - 1)
        for index in range(self._fixed):
            data = self.combo.itemData(index)
            if data == value and type(data) is type(value):
                self.combo.setCurrentIndex(index)
                return
        self.combo.addItem(f"{value!r} (not allowed)", value)
        self.combo.setCurrentIndex(self.combo.count() - 1)

    def input_widget(self) -> QWidget:
        return self.combo


UNITS = (("seconds", 1), ("minutes", 60), ("hours", 3600), ("days", 86400))


def seconds_text(value: float) -> str:
    """``90 s``, ``5 min``, ``2 h``, ``30 days``."""
    for name, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if value >= size and value % size == 0:
            amount = value / size
            return f"{amount:g} {name if name != 'days' or amount != 1 else 'day'}"
    return f"{value:g} s"


class DurationEditor(ValueEditor):
    """A number and a unit (seconds, minutes, hours, days); the value is in seconds."""

    kind = "duration"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.amount = IntegerEditor({"type": "integer", "minimum": 1}, self)
        self.amount.edited.connect(lambda _v, typing: self._emit(typing))
        self.amount.finished.connect(self.finished)
        self.unit = QComboBox(self)
        for name, seconds in UNITS:
            self.unit.addItem(name, seconds)
        self.unit.activated.connect(lambda _i: self._emit(False))
        self._layout.addWidget(self.amount, 1)
        self._layout.addWidget(self.unit)

    def value(self) -> Any:
        amount = self.amount.value()
        return amount * self.unit.currentData() if isinstance(amount, int) else amount

    def _show(self, value: Any) -> None:
        factor = 1
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            factor = max(size for _, size in UNITS if value % size == 0)
        self.unit.setCurrentIndex(self.unit.findData(factor))
        self.amount.set_value(value // factor if isinstance(value, int) else value)

    def static_hint(self) -> str:
        value = self.value()
        top = self.spec.get("maximum")
        text = f"= {value:,} s" if isinstance(value, int) and self.unit.currentData() > 1 else ""
        if top is not None:
            text += (" · " if text else "") + f"max {seconds_text(top)}"
        return text

    def input_widget(self) -> QWidget:
        return self.amount.line
