"""The playbook scene: a projection of the document onto canvas items.

:class:`PlaybookScene` keeps the name ↔ item maps (cards, edges keyed by ``(source, field
path)``, notes) and updates only what a document :class:`~designer.document.Change` names
(a full rebuild on ``Change.reset``). It is composed of small parts it holds:
``scene.projection`` (:class:`~designer.canvas.projection.Projection`, the items and their
maps), ``scene.run_marks`` (:class:`~designer.canvas.runmarks.RunMarks`, the Execution Graph's
marks), ``scene.editor`` (:class:`~designer.canvas.editing.SceneEditor`, every edit as one undo
step) and ``scene.gestures`` (:class:`~designer.canvas.interaction.Gestures`, which hands the
mouse to one small gesture at a time). It follows the shared selection both ways and shows the
validation problems as markers. It never writes the document outside ``context.push``: even
the positions of states that had none (imported playbooks) are one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPixmapCache, QTransform
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneHelpEvent,
    QGraphicsSceneMouseEvent,
    QToolTip,
)

from designer.canvas.edges import EdgeItem
from designer.canvas.editing import SceneEditor
from designer.canvas.interaction import Gestures
from designer.canvas.items import StateItem
from designer.canvas.notes import NoteItem
from designer.canvas.overview import OverviewItem, state_colour
from designer.canvas.projection import Projection
from designer.canvas.routing import CardIndex
from designer.canvas.runmarks import RunMarks
from designer.context import DesignerContext

SCENE_MARGIN = 600.0
PIXMAP_CACHE_KB = 96 * 1024


class PlaybookScene(QGraphicsScene):
    """The canvas picture of ``context.document``."""

    stateClicked = Signal(str)
    stateActivated = Signal(str)
    contentChanged = Signal()  # cards added, removed or moved (minimap, scene rect)

    def __init__(self, context: DesignerContext, *, editable: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)  # room for the visible cards' caches
        self.context = context
        self.editable = editable
        self.index = CardIndex()
        self.lod = False
        self._syncing = False
        self.projection = Projection(self)
        self._selection_cache: tuple[int, frozenset[str]] = (0, frozenset())
        self._shown_selection: frozenset[str] = frozenset()
        self.overview = OverviewItem(self)
        self.addItem(self.overview)
        self.run_marks = RunMarks(self)
        self.editor = SceneEditor(self)
        self.gestures = Gestures(self)
        context.documentChanged.connect(self.projection.on_document_changed)
        context.selectionChanged.connect(self._on_context_selection)
        context.problemsChanged.connect(self._on_problems)
        self.selectionChanged.connect(self._on_scene_selection)
        self.projection.rebuild()

    # -- lookups --------------------------------------------------------------------------------
    def item(self, name: str) -> StateItem | None:
        """The card of state ``name``, or None."""
        self.projection.finish_build()
        return self.projection.states.get(name)

    def edge(self, source: str, path: str) -> EdgeItem | None:
        """The edge item of ``source``'s field ``path``, or None (End and dangling edges)."""
        self.projection.finish_build()
        return self.projection.edges.get((source, path))

    def state_items(self) -> list[StateItem]:
        self.projection.finish_build()
        return list(self.projection.states.values())

    def edge_items(self) -> list[EdgeItem]:
        self.projection.finish_build()
        return list(self.projection.edges.values())

    def note_items(self) -> list[NoteItem]:
        return list(self.projection.notes.values())

    def note(self, note_id: str) -> NoteItem | None:
        return self.projection.notes.get(note_id)

    def selected_names(self) -> list[str]:
        """Selected states in document order (the shared selection while zoomed out)."""
        if self.lod or self.projection.is_building():
            return list(self.context.selection)
        chosen = {i.name for i in self.selectedItems() if isinstance(i, StateItem)}
        return [n for n in self.context.document.definition if n in chosen]

    def content_rect(self) -> QRectF:
        """The bounding rectangle of every card and note (empty for an empty playbook)."""
        rects = self.index.rects().values()
        if rects:
            left = min(r.left() for r in rects)
            top = min(r.top() for r in rects)
            right = max(r.right() for r in rects)
            bottom = max(r.bottom() for r in rects)
            rect = QRectF(left - 24, top - 24, right - left + 60, bottom - top + 40)
        else:
            rect = QRectF()
        for note in self.projection.notes.values():
            rect = rect.united(note.sceneBoundingRect())
        return rect

    def state_at(self, pos: QPointF) -> StateItem | None:
        self.projection.finish_build()
        for item in self.items(pos):
            if isinstance(item, StateItem):
                return item
        if self.lod:
            for name in self.index.names_at(pos):
                return self.projection.states.get(name)
        return None

    def edge_at(self, pos: QPointF) -> EdgeItem | None:
        self.projection.finish_build()
        area = QRectF(pos.x() - 4, pos.y() - 4, 8, 8)
        for item in self.items(area, Qt.ItemSelectionMode.IntersectsItemShape):
            if isinstance(item, EdgeItem):
                return item
        return None

    def drop_entry(self, entry_id: str, pos: QPointF) -> str | None:
        """Create a state of catalog ``entry_id`` at ``pos`` (inserted if dropped on an edge)."""
        return self.editor.drop_entry(entry_id, pos)

    def content_changed(self) -> None:
        """Cards or notes were added, removed or moved: new bounds, scene rect and minimap."""
        rect = self.content_rect()
        self.overview.set_bounds(rect)
        self.overview.invalidate()
        if rect.isNull():
            rect = QRectF(-400, -300, 800, 600)
        self.setSceneRect(rect.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN))
        self.contentChanged.emit()

    # -- selection and problems ----------------------------------------------------------------
    def _on_scene_selection(self) -> None:
        if self._syncing or self.lod:
            return
        self._syncing = True
        try:
            self.context.select(self.selected_names())
        finally:
            self._syncing = False

    def _on_context_selection(self, names: list[str]) -> None:
        now = self.selection_set()
        self.overview.restyle(now ^ self._shown_selection)
        self._shown_selection = now
        if self._syncing or self.lod:
            return
        self._syncing = True
        try:
            wanted = set(names)
            for item in self.selectedItems():
                if not (isinstance(item, StateItem) and item.name in wanted):
                    item.setSelected(False)
            for name in names:
                card = self.projection.states.get(name)
                if card is not None:
                    card.setSelected(True)
        finally:
            self._syncing = False

    def _on_problems(self) -> None:
        by_state: dict[str, list[tuple[str, str]]] = {}
        for problem in self.context.problems:
            if problem.state:
                by_state.setdefault(problem.state, []).append((problem.severity, problem.message))
        for name, item in self.projection.states.items():
            item.set_problems(by_state.get(name, []))

    def built(self) -> None:
        """Every item exists (the projection finished): problems, selection, overview."""
        self._on_problems()
        self.overview.invalidate()
        self._on_context_selection(self.context.selection)

    # -- level of detail ----------------------------------------------------------------------------
    def set_lod(self, on: bool, *, force: bool = False) -> None:
        """Draw everything from the overview item (zoomed out) or item by item."""
        if on == self.lod and not force:
            return
        self.lod = on
        self._syncing = True
        try:
            for item in self.projection.states.values():
                item.setVisible(not on)
            for edge in self.projection.edges.values():
                edge.setVisible(not on)
        finally:
            self._syncing = False
        self.overview.setVisible(on)
        if not on:
            self._on_context_selection(self.context.selection)

    def refresh_theme(self) -> None:
        """Repaint everything after a palette (light/dark) change, dropping item caches."""
        self.projection.finish_build()
        for card in self.projection.states.values():
            card.update()
        for edge in self.projection.edges.values():
            edge.update()
        for note in self.projection.notes.values():
            note.update()
        self.overview.invalidate()
        self.update()

    def selection_set(self) -> frozenset[str]:
        """``context.selection`` as a set (cached while the selection list is the same)."""
        names = self.context.selection
        if self._selection_cache[0] != id(names):
            self._selection_cache = (id(names), frozenset(names))
        return self._selection_cache[1]

    def overview_colour(self, name: str) -> QColor:
        """The colour of card ``name`` in the overview and the minimap."""
        return state_colour(self, name)

    def pick_in_overview(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        names = self.index.names_at(pos)
        if not names:
            self.context.select([])
            return False
        name = names[0]
        if modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
            current = list(self.context.selection)
            self.context.select([n for n in current if n != name] if name in current
                                else current + [name])
        else:
            self.context.select([name])
        self.stateClicked.emit(name)
        return True

    # -- events --------------------------------------------------------------------------------
    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # noqa: N802 - Qt's name
        item = self.itemAt(event.scenePos(), QTransform())
        if isinstance(item, StateItem):
            QToolTip.showText(event.screenPos(), item.tooltip_at(item.mapFromScene(
                event.scenePos())))
            event.accept()
            return
        if isinstance(item, EdgeItem):
            text = f"{item.source} → {item.target}" + (f"\n{item.label}" if item.label else "")
            QToolTip.showText(event.screenPos(), text)
            event.accept()
            return
        super().helpEvent(event)

    # The active gesture gets the mouse (scene.gestures); QGraphicsScene's own handling is the
    # default it falls back to (selection, rubber band, moving the selected items).
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.gestures.press(event, super().mousePressEvent)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.gestures.move(event, super().mouseMoveEvent)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.gestures.release(event, super().mouseReleaseEvent)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if not self.gestures.double_click(event):
            super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:  # noqa: N802
        self.gestures.context_menu(event)

    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        self.gestures.drag_enter(event)

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        self.gestures.drag_move(event)

    def dragLeaveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        self.gestures.drag_leave(event)

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        self.gestures.drop(event)
