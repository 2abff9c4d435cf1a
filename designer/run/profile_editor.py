"""Editors inside the Run Profiles dialog: JSON fields, per-state mocks, and one whole profile.

:class:`JsonEdit` is a pygments-highlighted JSON editor validated with
``runtime.jsonio.loads_bounded`` as you type; the error (line and column) shows under it and
its line is marked. :class:`MocksEditor` edits the mocked responses of the states that call out
(actions, functions, circuits): per call, a success output (JSON) or an error code taken from
the state's catalog error table; the last response repeats. :class:`ProfileEditor` puts them
together with the target state, log level and speed, editing a plain profile dict in place.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from designer import theme
from designer.run.json_view import JsonHighlighter, mono_font, pretty
from designer.run.style import LOG_LEVELS, SPEEDS
from runtime.jsonio import JsonInputError, loads_bounded

MOCKABLE = ("action", "function", "circuit")
_LINE = re.compile(r"line (\d+)")


class JsonEdit(QWidget):
    """A JSON text editor that validates as you type; ``valueChanged`` carries good values."""

    valueChanged = Signal(object)

    def __init__(self, *, allow_empty: bool = False, placeholder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.allow_empty = allow_empty
        self.error = ""
        self.editor = QPlainTextEdit()
        self.editor.setFont(mono_font())
        self.editor.setPlaceholderText(placeholder)
        self.editor.setTabStopDistance(self.editor.fontMetrics().horizontalAdvance(" ") * 2)
        self.highlighter = JsonHighlighter(self.editor.document())
        self.message = QLabel()
        self.message.setObjectName("JsonError")
        self.message.setWordWrap(True)
        theme.tone(self.message, "error")
        self.message.hide()
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.validate)
        self.editor.textChanged.connect(self._timer.start)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.message)
        self._loading = False

    def set_value(self, value: Any) -> None:
        self._loading = True
        self.editor.setPlainText("" if value is None and self.allow_empty else pretty(value))
        self._loading = False
        self.validate(emit=False)

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text and validate at once (typing validates after a pause)."""
        self.editor.setPlainText(text)
        self.validate()

    def validate(self, emit: bool = True) -> bool:
        """Parse the text; show the error inline. True when it is good JSON."""
        self._timer.stop()
        text = self.text()
        try:
            value = None if self.allow_empty and not text.strip() else loads_bounded(text)
        except JsonInputError as exc:
            self._show_error(exc.detail)
            return False
        self._show_error("")
        if emit and not self._loading:
            self.valueChanged.emit(value)
        return True

    def _show_error(self, message: str) -> None:
        self.error = message
        self.message.setText(message)
        self.message.setVisible(bool(message))
        selections = []
        match = _LINE.search(message)
        if match:
            block = self.editor.document().findBlockByNumber(int(match.group(1)) - 1)
            if block.isValid():
                selection = QTextEdit.ExtraSelection()
                selection.format.setBackground(QColor(214, 60, 60, 40))
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                selection.cursor = QTextCursor(block)
                selections.append(selection)
        self.editor.setExtraSelections(selections)


def _response_text(index: int, response: dict[str, Any]) -> str:
    if response.get("error_code"):
        return f"Call {index + 1}: error {response['error_code']}"
    output = pretty(response.get("output")).replace("\n", " ")
    return f"Call {index + 1}: success {output[:60]}"


class MocksEditor(QWidget):
    """Mocked responses per state: one list per state, one response per call."""

    changed = Signal()

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.mocks: dict[str, list[dict[str, Any]]] = {}
        self.state_combo = QComboBox()
        self.state_combo.currentIndexChanged.connect(lambda _i: self._show_state())
        self.responses = QListWidget()
        self.responses.currentRowChanged.connect(lambda _r: self._show_response())
        self.add_ok = QPushButton("+ Success output")
        self.add_error = QPushButton("+ Error code")
        self.remove = QPushButton("Remove")
        self.add_ok.clicked.connect(lambda: self.add_response({"output": {}}))
        self.add_error.clicked.connect(self._add_error)
        self.remove.clicked.connect(self.remove_response)
        self.kind = QLabel()
        self.output = JsonEdit()
        self.output.valueChanged.connect(self._output_edited)
        self.error_code = QComboBox()
        self.error_code.currentIndexChanged.connect(lambda _i: self._code_edited())
        buttons = QHBoxLayout()
        for button in (self.add_ok, self.add_error, self.remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("Each call of the state takes the next response; the last one repeats.")
        theme.tone(hint, "muted")
        form = QFormLayout()
        form.addRow("State", self.state_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.responses, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.kind)
        layout.addWidget(self.error_code)
        layout.addWidget(self.output, 2)

    def load(self, mocks: dict[str, list[dict[str, Any]]]) -> None:
        self.mocks = mocks
        doc = self.context.document.doc
        self.state_combo.blockSignals(True)
        self.state_combo.clear()
        for name, state in doc.definition.items():
            if state.type in MOCKABLE:
                count = len(mocks.get(name, []))
                self.state_combo.addItem(f"{name}  ({count} mocked)" if count else name, name)
        self.state_combo.blockSignals(False)
        self._show_state()

    def state(self) -> str | None:
        return self.state_combo.currentData()

    def select_state(self, name: str) -> None:
        self.state_combo.setCurrentIndex(max(0, self.state_combo.findData(name)))

    def _entry(self) -> Any:
        name = self.state()
        if name is None:
            return None
        state = self.context.document.doc.definition[name]
        return self.context.catalog.for_state(state.type, getattr(state, "action", None))

    def _show_state(self) -> None:
        self.responses.clear()
        name = self.state()
        for index, response in enumerate(self.mocks.get(name, []) if name else []):
            self.responses.addItem(_response_text(index, response))
        entry = self._entry()
        self.error_code.blockSignals(True)
        self.error_code.clear()
        for spec in entry.errors if entry is not None else ():
            self.error_code.addItem(f"{spec.code} — {spec.title}: {spec.message}", spec.code)
        if self.error_code.count() == 0:
            self.error_code.addItem("EXECUTION_ERROR — a generic failure", "EXECUTION_ERROR")
        self.error_code.blockSignals(False)
        for widget in (self.add_ok, self.add_error):
            widget.setEnabled(name is not None)
        if self.responses.count():
            self.responses.setCurrentRow(0)
        self._show_response()

    def current(self) -> dict[str, Any] | None:
        name, row = self.state(), self.responses.currentRow()
        items = self.mocks.get(name, []) if name else []
        return items[row] if 0 <= row < len(items) else None

    def _show_response(self) -> None:
        response = self.current()
        error = bool(response and response.get("error_code"))
        self.remove.setEnabled(response is not None)
        self.output.setVisible(response is not None and not error)
        self.error_code.setVisible(error)
        self.kind.setText("" if response is None else
                          ("Error code (from the catalog's error table)" if error
                           else "Success output (JSON)"))
        if response is None:
            return
        if error:
            index = self.error_code.findData(response["error_code"])
            self.error_code.blockSignals(True)
            self.error_code.setCurrentIndex(max(0, index))
            self.error_code.blockSignals(False)
        else:
            self.output.set_value(response.get("output"))

    def add_response(self, response: dict[str, Any]) -> None:
        name = self.state()
        if name is None:
            return
        self.mocks.setdefault(name, []).append(response)
        self._refresh_list(len(self.mocks[name]) - 1)

    def _add_error(self) -> None:
        self.add_response({"error_code": self.error_code.itemData(0) or "EXECUTION_ERROR"})

    def remove_response(self) -> None:
        name, row = self.state(), self.responses.currentRow()
        items = self.mocks.get(name, []) if name else []
        if name and 0 <= row < len(items):
            del items[row]
            if not items:
                self.mocks.pop(name, None)
            self._refresh_list(min(row, len(items) - 1))

    def _refresh_list(self, row: int) -> None:
        name = self.state()
        self.responses.blockSignals(True)
        self.responses.clear()
        for index, response in enumerate(self.mocks.get(name, []) if name else []):
            self.responses.addItem(_response_text(index, response))
        self.responses.blockSignals(False)
        self.responses.setCurrentRow(row)
        self._show_response()
        index = self.state_combo.currentIndex()
        count = len(self.mocks.get(name, [])) if name else 0
        self.state_combo.setItemText(index, f"{name}  ({count} mocked)" if count else name or "")
        self.changed.emit()

    def _output_edited(self, value: Any) -> None:
        response = self.current()
        if response is not None and not response.get("error_code"):
            response["output"] = value
            item = self.responses.currentItem()
            if item is not None:
                item.setText(_response_text(self.responses.currentRow(), response))
            self.changed.emit()

    def _code_edited(self) -> None:
        response = self.current()
        if response is not None and response.get("error_code"):
            response["error_code"] = self.error_code.currentData()
            self.responses.currentItem().setText(
                _response_text(self.responses.currentRow(), response))
            self.changed.emit()


class ProfileEditor(QTabWidget):
    """Edits one profile dict in place (payload, fixtures, mocks, target, level, speed)."""

    changed = Signal()

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.profile: dict[str, Any] = {}
        self.description = QLineEdit()
        self.target = QComboBox()
        self.level = QComboBox()
        self.speed = QComboBox()
        general = QWidget()
        form = QFormLayout(general)
        form.addRow("Description", self.description)
        form.addRow("Target state", self.target)
        form.addRow("Log level", self.level)
        form.addRow("Speed", self.speed)
        note = QLabel("A target state runs that state alone, with the payload as its input.")
        theme.tone(note, "muted")
        form.addRow("", note)
        self.payload = JsonEdit(placeholder='{"alert": {…}}')
        self.fixtures_base = QComboBox()
        self.fixtures_base.addItem("Default tenant data", "default")
        self.fixtures_base.addItem("Empty tenant", "empty")
        self.fixtures = JsonEdit(allow_empty=True,
                                 placeholder="Leave empty to use the base tenant data as it is")
        fixtures = QWidget()
        box = QVBoxLayout(fixtures)
        base = QFormLayout()
        base.addRow("Base", self.fixtures_base)
        box.addLayout(base)
        box.addWidget(self.fixtures, 1)
        self.mocks = MocksEditor(context)
        self.addTab(general, "General")
        self.addTab(self.payload, "Trigger payload")
        self.addTab(fixtures, "Tenant fixtures")
        self.addTab(self.mocks, "Mocks")
        from designer.run.assertions_editor import AssertionsEditor, record_observed

        self.assertions = AssertionsEditor()
        self.addTab(self.assertions, "Assertions")
        self.assertions.changed.connect(lambda rows: self._set("assertions", rows or None))
        self.assertions.set_recorder(lambda: record_observed(self.context, self.profile))
        self.description.textEdited.connect(lambda t: self._set("description", t))
        self.target.activated.connect(lambda _i: self._set("target", self.target.currentData()))
        self.level.activated.connect(lambda _i: self._set("log_level", self.level.currentData()))
        self.speed.activated.connect(lambda _i: self._set("speed", self.speed.currentData()))
        self.payload.valueChanged.connect(lambda v: self._set("payload", v))
        self.fixtures.valueChanged.connect(lambda v: self._set("fixtures", v))
        self.fixtures_base.activated.connect(
            lambda _i: self._set("fixtures_base", self.fixtures_base.currentData()))
        self.mocks.changed.connect(self.changed)

    def load(self, profile: dict[str, Any]) -> None:
        self.profile = profile
        doc = self.context.document.doc
        self.description.setText(profile.get("description", ""))
        self.target.clear()
        self.target.addItem("Whole playbook (from the start state)", None)
        for name in doc.definition:
            self.target.addItem(name, name)
        self.target.setCurrentIndex(max(0, self.target.findData(profile.get("target"))))
        self.level.clear()
        self.level.addItem(f"Playbook default ({doc.log_level})", None)
        for level in LOG_LEVELS:
            self.level.addItem(level, level)
        self.level.setCurrentIndex(max(0, self.level.findData(profile.get("log_level"))))
        self.speed.clear()
        for value, text in SPEEDS:
            self.speed.addItem(text, value)
        speed = str(profile.get("speed", "instant")).lower().removeprefix("x").removeprefix("×")
        self.speed.setCurrentIndex(max(0, self.speed.findData(speed)))
        self.payload.set_value(profile.get("payload", {}))
        self.fixtures.set_value(profile.get("fixtures"))
        self.fixtures_base.setCurrentIndex(
            max(0, self.fixtures_base.findData(profile.get("fixtures_base", "default"))))
        self.mocks.load(profile.setdefault("mocks", {}))
        self.assertions.load(list(profile.get("assertions") or []), list(doc.definition))

    def _set(self, key: str, value: Any) -> None:
        if value is None or value == "":
            self.profile.pop(key, None)
        else:
            self.profile[key] = value
        self.changed.emit()

    def errors(self) -> list[str]:
        """Messages for fields that do not hold good JSON."""
        found = []
        for title, edit in (("Trigger payload", self.payload), ("Tenant fixtures", self.fixtures)):
            if not edit.validate():
                found.append(f"{title}: {edit.error}")
        found.extend(self.assertions.validate()[1])
        response = self.mocks.current()
        if response is not None and not response.get("error_code") and (
                not self.mocks.output.validate()):
            found.append(f"Mocks: {self.mocks.output.error}")
        return found

    def focus_error(self) -> None:
        for index, edit in ((1, self.payload), (2, self.fixtures), (3, self.mocks.output)):
            if edit.error:
                self.setCurrentIndex(index)
                return

