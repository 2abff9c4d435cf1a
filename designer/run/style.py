"""How run data looks: status words and colours, time formats, the status circle and spinner.

Every run widget (Executions list, execution header, graph captions, details) takes its
wording from here and its colours from :mod:`designer.theme` (the same as the canvas's, in the
current light or dark scheme), so "Partially failed" is orange everywhere and a running
execution spins the same way in the list and in the header.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from designer import theme

STATUS_WORDS = {
    "success": "Success",
    "partial": "Partially failed",
    "failed": "Failed",
    "killed": "Killed",
    "interrupted": "Interrupted",
    "skipped": "Skipped",
    "running": "Running",
    "pending": "Pending",
}
#: Log levels at which inputs, outputs and OS logs are recorded (shown beside the time).
IO_LEVELS = frozenset({"DEBUG", "TRACE"})
LOG_LEVELS = ("ERROR", "WARN", "INFO", "DEBUG", "TRACE")
SPEEDS = (
    ("instant", "Instant"), ("realtime", "Real time"), ("2", "×2"), ("5", "×5"),
    ("10", "×10"), ("50", "×50"), ("100", "×100"),
)
FINAL_STATUSES = frozenset({"success", "partial", "failed", "interrupted"})


def status_word(status: str | None) -> str:
    """The word shown for a status (``partial`` → ``Partially failed``)."""
    if not status:
        return ""
    return STATUS_WORDS.get(status, status.capitalize())


def status_colour(status: str | None) -> QColor:
    """The colour of a status in the current scheme (:func:`designer.theme.status_colour`)."""
    return theme.status_colour(status)


def fmt_time(epoch: float | None, *, date: bool = True) -> str:
    """Local date and time with seconds, ``2026-11-22 14:03:22`` (empty for None)."""
    if epoch is None:
        return ""
    stamp = time.localtime(epoch)
    millis = int(round((epoch - int(epoch)) * 1000)) % 1000
    text = time.strftime("%Y-%m-%d %H:%M:%S" if date else "%H:%M:%S", stamp)
    return f"{text}.{millis:03d}" if not date else text


def fmt_short_time(epoch: float | None) -> str:
    """``22 Nov 14:03:22`` (the Executions list's Time column; the year is in the tooltip)."""
    if epoch is None:
        return ""
    return time.strftime("%d %b %H:%M:%S", time.localtime(epoch))


def fmt_elapsed(seconds: float | None) -> str:
    """``0.042 s``, ``12.5 s``, ``3 min 05 s``, ``2 h 01 min`` (empty for None)."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.3g} s" if seconds < 10 else f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours:02d} h"


def short_id(execution_id: str | None) -> str:
    return (execution_id or "")[:8]


def run_caption(status: str, execution_id: str, when: float | None) -> str:
    """The caption drawn above an executed state: ``Success · 6de2398c · 22 Nov 14:03:22``."""
    parts = [status_word(status), short_id(execution_id)]
    if when is not None:
        parts.append(fmt_short_time(when))
    return " · ".join(p for p in parts if p)


def paint_status_circle(
    painter: QPainter, rect: QRectF, status: str | None, phase: float = 0.0
) -> None:
    """A filled status circle, or a spinning arc while running (``phase`` in 0..1)."""
    size = min(rect.width(), rect.height())
    box = QRectF(0, 0, size, size)
    box.moveCenter(rect.center())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    colour = status_colour(status)
    if status == "running":
        track = QColor(colour)
        track.setAlpha(60)
        inner = box.adjusted(1.5, 1.5, -1.5, -1.5)
        painter.setPen(QPen(track, 2.5))
        painter.drawEllipse(inner)
        pen = QPen(colour, 2.5)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawArc(inner, int(-phase * 360 * 16), 100 * 16)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(box.adjusted(1, 1, -1, -1))
        if status in ("failed", "killed"):
            painter.setPen(QPen(QColor("white"), 1.6))
            c, d = box.center(), size * 0.17
            painter.drawLine(QPointF(c.x() - d, c.y() - d), QPointF(c.x() + d, c.y() + d))
            painter.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d))
    painter.restore()
