"""How an Executions row looks and the Kill confirmation.

:class:`StatusDelegate` paints the status circle (a spinner while running), turns it into a
**Kill** button while the pointer is over a running execution, and draws the start time with
the log level beside it as a small pill when it was DEBUG or TRACE. :func:`confirm_kill` is the
reference's "Confirm Kill Playbook" window with YES and NO.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QMessageBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from designer import theme
from designer.run.style import IO_LEVELS, fmt_short_time, paint_status_circle

if TYPE_CHECKING:
    from designer.run.executions import ExecutionsPanel

STATUS_COL, SESSION_COL, TIME_COL, PROFILE_COL = range(4)
RecordRole = Qt.ItemDataRole.UserRole + 10
ROW_HEIGHT = 26  # room for the Kill button and the level pill


def confirm_kill(parent: QWidget, record: Any) -> bool:
    """The reference's "Confirm Kill Playbook" window; True when the user clicks YES."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Confirm Kill Playbook")
    box.setText(f"Kill the execution {record.id} of {record.playbook}?")
    box.setInformativeText("Steps still running are stopped and recorded as killed; the "
                           "execution ends Failed.")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText("YES")
    box.button(QMessageBox.StandardButton.No).setText("NO")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    result = box.exec()
    return int(result) == int(QMessageBox.StandardButton.Yes.value)



class StatusDelegate(QStyledItemDelegate):
    """Paints the status circle / spinner, the Kill button on hover, and the level pill."""

    def __init__(self, panel: ExecutionsPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 - Qt's name
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), ROW_HEIGHT))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        record = index.data(RecordRole)
        if index.column() == TIME_COL and record is not None:
            self._paint_time(painter, option, index, record)
            return
        super().paint(painter, option, index)
        if index.column() != STATUS_COL or record is None:
            return
        rect = QRectF(option.rect)
        if record.status == "running" and self.panel.hover_id == record.id:
            self._paint_kill(painter, kill_rect(option.rect))
            return
        circle = QRectF(0, 0, 14, 14)
        circle.moveCenter(rect.center())
        paint_status_circle(painter, circle, record.status, self.panel.model.phase)

    @staticmethod
    def _paint_kill(painter: QPainter, rect: QRect) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(theme.colour("kill.border"), 1.2))
        painter.setBrush(theme.colour("kill.back"))
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        font = painter.font()
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        painter.setPen(theme.colour("kill.text"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Kill")
        painter.restore()

    def _paint_time(self, painter: QPainter, option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex, record: Any) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        level = (record.log_level or "").upper()
        pill = level if level in IO_LEVELS else ""
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = option.palette.highlightedText() if selected else option.palette.text()
        painter.setPen(text_colour.color())
        rect = option.rect.adjusted(6, 0, -4, 0)
        text = fmt_short_time(record.started)
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        if pill:
            width = painter.fontMetrics().horizontalAdvance(text)
            font = painter.font()
            font.setPointSizeF(max(6.5, font.pointSizeF() - 1.5))
            font.setBold(True)
            painter.setFont(font)
            pill_w = painter.fontMetrics().horizontalAdvance(pill) + 10
            box = QRectF(rect.left() + width + 8, rect.center().y() - 8, pill_w, 16)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.colour(f"pill.{level}.back"))
            painter.drawRoundedRect(box, 8, 8)
            painter.setPen(theme.colour(f"pill.{level}.text"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, pill)
        painter.restore()


def kill_rect(cell: QRect) -> QRect:
    """Where the Kill button sits in a running row's status cell."""
    rect = QRect(0, 0, min(40, cell.width() - 4), 18)
    rect.moveCenter(cell.center())
    return rect
