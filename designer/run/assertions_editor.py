"""The Assertions tab of the Run Profiles dialog: a profile's expectations as table rows.

One row per assertion, in the order they are checked: Kind (status, reached, not_reached,
output, retries), State, Path (``$.a.b``, for output), Op (equals, contains, matches), Value
(JSON; a bare word is taken as a string) and Count (for retries). Each row is checked with the
model (:class:`runtime.model.assertions.Assertion`) as it changes; a bad row is named under
the table and kept out of the profile until it is fixed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer import theme
from runtime.model.assertions import ASSERTION_KINDS, ASSERTION_OPS, Assertion

RECORD_TIMEOUT = 120.0

COLUMNS = ("Kind", "State", "Path", "Op", "Value", "Count")


def _value_text(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def _parse_value(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


class AssertionsEditor(QWidget):
    """Edits a list of assertion dicts; ``changed`` fires with the valid rows."""

    changed = Signal(object)  # list[dict]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("AssertionsTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = QPushButton("+ Add assertion")
        self.remove_button = QPushButton("Remove")
        self.record_button = QPushButton("Record observed outcome")
        self.record_button.setObjectName("RecordObserved")
        self.record_button.setToolTip("Run this profile now and replace the rows with its "
                                      "status, the Success/Failure states it reached or not, "
                                      "and its retries")
        self.record_button.hide()
        #: Runs the profile and returns the observed assertions (set by the profile editor).
        self.recorder: Callable[[], list[dict[str, Any]] | None] | None = None
        self.message = QLabel()
        self.message.setObjectName("AssertionsError")
        self.message.setWordWrap(True)
        theme.tone(self.message, "error")
        hint = QLabel("Checked in order after the run; the first that fails names the "
                      "failure. Run → Run All Profiles runs every profile as a test case.")
        hint.setWordWrap(True)
        theme.tone(hint, "muted")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.states: list[str] = []
        self._loading = False
        self.add_button.clicked.connect(lambda: self.add_row({"kind": "status",
                                                              "value": "success"}))
        self.remove_button.clicked.connect(self.remove_current)
        self.record_button.clicked.connect(self.record)
        self.table.itemChanged.connect(lambda _item: self._emit())

    def load(self, assertions: list[dict[str, Any]], states: list[str]) -> None:
        self._loading = True
        self.states = states
        self.table.setRowCount(0)
        for data in assertions:
            self.add_row(data, emit=False)
        self._loading = False
        self.validate()

    def set_recorder(self, recorder: Callable[[], list[dict[str, Any]] | None]) -> None:
        self.recorder = recorder
        self.record_button.show()

    def record(self) -> bool:
        """Replace the rows with the observed outcome of a run of the profile."""
        if self.recorder is None:
            return False
        rows = self.recorder()
        if rows is None:
            return False
        self.load(rows, self.states)
        self._emit()
        return True

    def add_row(self, data: dict[str, Any], *, emit: bool = True) -> None:
        loading, self._loading = self._loading, True
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, key, options in ((0, "kind", ASSERTION_KINDS), (3, "op", ("", *ASSERTION_OPS)),
                                     (1, "state", ("", *self.states))):
            combo = QComboBox()
            combo.addItems(list(options))
            combo.setCurrentIndex(max(0, combo.findText(str(data.get(key) or ""))))
            combo.currentIndexChanged.connect(lambda _i: self._emit())
            self.table.setCellWidget(row, column, combo)
        self.table.setItem(row, 2, QTableWidgetItem(data.get("path") or ""))
        self.table.setItem(row, 4, QTableWidgetItem(_value_text(data.get("value"))))
        count = data.get("count")
        self.table.setItem(row, 5, QTableWidgetItem("" if count is None else str(count)))
        self._loading = loading
        if emit:
            self._emit()

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._emit()

    def row_data(self, row: int) -> dict[str, Any]:
        def combo(column: int) -> str:
            widget = self.table.cellWidget(row, column)
            return widget.currentText() if isinstance(widget, QComboBox) else ""

        def text(column: int) -> str:
            item = self.table.item(row, column)
            return item.text().strip() if item is not None else ""

        data: dict[str, Any] = {"kind": combo(0)}
        for key, value in (("state", combo(1)), ("path", text(2)), ("op", combo(3))):
            if value:
                data[key] = value
        value = _parse_value(text(4))
        if value is not None:
            data["value"] = value
        count = text(5)
        if count:
            data["count"] = int(count) if count.isdigit() else count
        return data

    def validate(self) -> tuple[list[dict[str, Any]], list[str]]:
        """The valid rows as stored dicts, and a message per bad row."""
        good: list[dict[str, Any]] = []
        errors: list[str] = []
        for row in range(self.table.rowCount()):
            data = self.row_data(row)
            try:
                good.append(Assertion.model_validate(data).to_data())
            except ValidationError as exc:
                reason = exc.errors()[0].get("msg", str(exc))
                errors.append(f"Assertion {row + 1}: {reason}")
        self.message.setText("\n".join(errors))
        self.message.setVisible(bool(errors))
        return good, errors

    def _emit(self) -> None:
        if self._loading:
            return
        good, _errors = self.validate()
        self.changed.emit(good)


def record_observed(context: Any, profile: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Run a profile (as edited, not yet saved) of the open playbook now, on its own event
    loop in a worker thread, and return the assertions its run satisfies (None, with a status
    message, when it cannot run)."""
    from runtime.engine import PlaybookInvalid
    from runtime.model import RunProfile
    from runtime.testing.observe import record_profile

    document = context.document
    try:
        model = RunProfile.model_validate({**profile, "assertions": []})
    except ValidationError as exc:
        context.statusMessage.emit(f"The profile is not valid yet: {exc.errors()[0]['msg']}")
        return None
    source = Path(document.path).resolve() if document.path else None
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(asyncio.run, record_profile(document.doc, source, model))
        try:
            found = future.result(timeout=RECORD_TIMEOUT)
        except (PlaybookInvalid, RuntimeError, TimeoutError) as exc:
            context.statusMessage.emit(f"Cannot record the outcome: {exc}")
            return None
    return [a.to_data() for a in found]
