"""The ISO 8601 date-time field: text (time-zone offsets accepted) plus a calendar picker.

The text is what is stored; the picker writes UTC with a ``Z`` suffix and cannot go before
1970-01-01. A typed value before ``formatMinimum`` (1970-01-01T00:00:00Z) is kept in the
document and refused by the validator with the reference's wording, shown under the field.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from designer.inspector.editors import ValueEditor
from runtime.catalog.checker import parse_date_time


def iso_utc(moment: QDateTime) -> str:
    return moment.toUTC().toString("yyyy-MM-ddTHH:mm:ss") + "Z"


class DateTimeEditor(ValueEditor):
    """ISO 8601 text (offsets accepted) plus a calendar picker; < 1970 is flagged, not stored
    differently."""

    kind = "date_time"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("2024-03-15T10:30:00Z or …+05:30")
        self.line.textEdited.connect(lambda _text: self._emit(True))
        self.line.editingFinished.connect(self.finished)
        self.pick = QToolButton(self)
        self.pick.setText("Pick…")
        self.pick.setToolTip("Choose a date and time (UTC)")
        self.pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.pick.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.pick.setMenu(self._picker_menu())
        self._layout.addWidget(self.line, 1)
        self._layout.addWidget(self.pick)

    def _picker_menu(self) -> QMenu:
        menu = QMenu(self)
        panel = QWidget(menu)
        layout = QVBoxLayout(panel)
        self.calendar = QCalendarWidget(panel)
        self.calendar.setMinimumDate(QDate(1970, 1, 1))
        self.calendar.setGridVisible(True)
        self.time = QTimeEdit(panel)
        self.time.setDisplayFormat("HH:mm:ss 'UTC'")
        row = QHBoxLayout()
        now = QPushButton("Now", panel)
        use = QPushButton("Use", panel)
        use.setDefault(True)
        row.addWidget(self.time, 1)
        row.addWidget(now)
        row.addWidget(use)
        layout.addWidget(self.calendar)
        layout.addLayout(row)
        action = QWidgetAction(menu)
        action.setDefaultWidget(panel)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_picker)
        now.clicked.connect(lambda: self.choose(QDateTime.currentDateTimeUtc(), menu))
        use.clicked.connect(lambda: self.choose(
            QDateTime(self.calendar.selectedDate(), self.time.time(), QTimeZone.utc()), menu))
        return menu

    def _sync_picker(self) -> None:
        parsed = parse_date_time(self.line.text().strip())
        if parsed is not None and parsed.year >= 1970:
            utc = parsed.astimezone(UTC)
            self.calendar.setSelectedDate(QDate(utc.year, utc.month, utc.day))
            self.time.setTime(QTime(utc.hour, utc.minute, utc.second))

    def choose(self, moment: QDateTime, menu: QMenu | None = None) -> None:
        """Set the field from the picker (UTC, ``Z`` suffix)."""
        if menu is not None:
            menu.close()
        self.line.setText(iso_utc(moment))
        self._emit(False)
        self.finished.emit()

    def value(self) -> Any:
        return self.line.text().strip() or None

    def _show(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))

    def static_hint(self) -> str:
        floor = self.spec.get("formatMinimum")
        return f"≥ {floor}" if floor else "ISO 8601"

    def input_widget(self) -> QWidget:
        return self.line
