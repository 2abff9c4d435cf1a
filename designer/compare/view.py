"""The compare view: a read-only canvas of the merged versions, coloured by change, beside
the list of changes and the fields of the current one.

The canvas is an ordinary :class:`~designer.canvas.PlaybookScene` of the merged document (on
a private context whose validation is switched off: markers would describe the merge, not
either version). :class:`ChangeMarks` decorates its cards through their setters: added states
get the green status frame, changed ones the amber one with a caption, removed ones a red
dashed frame of their own (a child item) and a caption. :meth:`CompareWidget.step` moves to
the next or previous change (F7 / Shift+F7 in the main window), selects and centres its card
and lists its fields.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsSimpleTextItem,
    QLabel,
    QListWidget,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from designer.canvas import CanvasView, PlaybookScene
from designer.canvas.items import StateItem
from designer.canvas.style import CARD_WIDTH, CORNER_RADIUS
from designer.compare.merge import CompareEntry, MergedVersions
from designer.context import DesignerContext
from designer.document import EditableDocument
from designer.theme import status_colour

STATUS_OF_KIND = {"added": "success", "changed": "partial"}


class _QuietContext(DesignerContext):
    """A context whose validation finds nothing (the merged picture is not a playbook)."""

    def validate_now(self) -> None:
        self.problems = []
        self.problemsChanged.emit()


class ChangeMarks:
    """Colours the cards of a scene by change kind, through the items' own setters."""

    def __init__(self, scene: PlaybookScene, entries: list[CompareEntry]) -> None:
        self.scene = scene
        self.entries = entries
        self.frames: dict[str, QGraphicsPathItem] = {}

    def apply(self) -> None:
        for entry in self.entries:
            item = self.scene.item(entry.name)
            if item is None:
                continue
            if entry.kind == "removed":
                self._removed(item)
            else:
                count = len(entry.lines)
                caption = "added" if entry.kind == "added" else (
                    f"changed · {count} change{'s' if count != 1 else ''}")
                item.set_run_status(STATUS_OF_KIND[entry.kind], caption)

    def _removed(self, item: StateItem) -> None:
        colour = status_colour("failed")
        path = QPainterPath()
        path.addRoundedRect(QRectF(-4, -4, CARD_WIDTH + 8, item.height + 8),
                            CORNER_RADIUS + 4, CORNER_RADIUS + 4)
        frame = QGraphicsPathItem(path, item)
        pen = QPen(colour, 3.0, Qt.PenStyle.DashLine)
        frame.setPen(pen)
        caption = QGraphicsSimpleTextItem("removed", frame)
        caption.setBrush(colour)
        caption.setPos(2, -22)
        item.set_corner_badge("−")
        self.frames[item.name] = frame

    def kind_of(self, name: str) -> str | None:
        for entry in self.entries:
            if entry.name == name:
                return entry.kind
        return None


class CompareWidget(QWidget):
    """Merged canvas + change list + field list, with stepping through the changes."""

    def __init__(self, merged: MergedVersions, old_label: str, new_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.merged = merged
        self.context = _QuietContext(EditableDocument(merged.document), self)
        self.scene = PlaybookScene(self.context, editable=False, parent=self)
        self.view = CanvasView(self.scene, self)
        self.marks = ChangeMarks(self.scene, merged.entries)
        self.marks.apply()
        self.entries = self._scene_order(merged.entries)
        self.current = -1
        count = len(self.entries)
        self.header = QLabel(
            f"{old_label} → {new_label}: "
            + (f"{count} changed state{'s' if count != 1 else ''} (F7 / Shift+F7 to step)"
               if count else "no differences"), self)
        self.header.setWordWrap(True)
        self.changes = QListWidget(self)
        self.changes.addItems([e.title() for e in self.entries])
        self.changes.currentRowChanged.connect(self._row_chosen)
        self.fields = QListWidget(self)
        self.fields.setWordWrap(True)
        side = QSplitter(Qt.Orientation.Vertical, self)
        side.addWidget(self.changes)
        side.addWidget(self.fields)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.view)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        self.view.zoom_to_fit()

    def _scene_order(self, entries: list[CompareEntry]) -> list[CompareEntry]:
        """Changes in reading order of the canvas: top to bottom, then left to right."""
        def key(entry: CompareEntry) -> tuple[float, float]:
            item = self.scene.item(entry.name)
            return (item.pos().y(), item.pos().x()) if item is not None else (1e12, 0.0)
        return sorted(entries, key=key)

    def current_entry(self) -> CompareEntry | None:
        return self.entries[self.current] if 0 <= self.current < len(self.entries) else None

    def step(self, delta: int) -> CompareEntry | None:
        """Go to the next (``+1``) or previous (``-1``) change, wrapping around."""
        if not self.entries:
            return None
        if self.current < 0:
            index = 0 if delta > 0 else len(self.entries) - 1
        else:
            index = (self.current + delta) % len(self.entries)
        self.changes.setCurrentRow(index)  # → _row_chosen
        return self.current_entry()

    def _row_chosen(self, row: int) -> None:
        if not 0 <= row < len(self.entries):
            return
        self.current = row
        entry = self.entries[row]
        self.fields.clear()
        self.fields.addItems(entry.lines)
        self.context.select([entry.name])
        item = self.scene.item(entry.name)
        if item is not None:
            self.view.centerOn(item)
