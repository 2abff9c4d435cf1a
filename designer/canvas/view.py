"""The canvas view: zoom, pan, rubber band, minimap, find, and the public edit methods.

:class:`CanvasView` shows a :class:`~designer.canvas.scene.PlaybookScene`. Wheel zooms around
the cursor; middle-drag, space-drag or scrolling pans (antialiasing off until the view settles,
cards repainted from their device-pixel caches); left-drag on the
background draws a rubber band. Below :data:`LOD_SCALE` the scene switches to its one-item
overview. The main window's action table calls the public methods (``copy_selection``,
``paste``, ``zoom_to_fit``, ``auto_layout``, ...); they delegate to the scene's editor.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLineF, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QGraphicsView, QLineEdit, QWidget

from designer.canvas.gestures import Pan, RubberBand
from designer.canvas.minimap import Minimap
from designer.canvas.scene import PlaybookScene
from designer.canvas.search import find_states
from designer.canvas.style import CARD_WIDTH, GRID, HEADER_HEIGHT, refresh_theme, theme
from designer.document import Change

LOD_SCALE = 0.35
MIN_SCALE = 0.004
MAX_SCALE = 4.0
ZOOM_STEP = 1.2
NUDGE = 2.0
SETTLE_MS = 150  # antialiasing comes back this long after the last scroll
_ARROWS = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
           Qt.Key.Key_Down: (0, 1)}


class CanvasView(QGraphicsView):
    """A zoomable, pannable view of one playbook scene."""

    zoomChanged = Signal(float)

    def __init__(self, scene: PlaybookScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self._scene = scene
        self.playbook_scene = scene  # the typed scene (QGraphicsView.scene() is untyped)
        self._gesture: Pan | RubberBand | None = None
        self._space = False
        self._zooming = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._settled)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.minimap = Minimap(self)
        scene.contentChanged.connect(self.minimap.schedule)
        self.rubberBandChanged.connect(self._on_rubber_band)
        scene.context.focusState.connect(self.focus_state)
        scene.context.documentChanged.connect(self._on_document)

    # -- geometry helpers ------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt's name
        self._scrolled()
        super().scrollContentsBy(dx, dy)

    def _scrolled(self) -> None:
        """Any scrolling is panning: draw without antialiasing until it settles."""
        if self.minimap.isVisible():
            self.minimap.update()
        if self._zooming:
            return
        if self.renderHints() & QPainter.RenderHint.Antialiasing:
            self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._settle.start()

    def _settled(self) -> None:
        if not isinstance(self._gesture, Pan):
            self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self.viewport().update()

    # -- zoom ---------------------------------------------------------------------------------------
    def _scale_by(self, factor: float, *, under_mouse: bool = False) -> None:
        current = self.zoom()
        target = min(MAX_SCALE, max(MIN_SCALE, current * factor))
        if abs(target - current) < 1e-9:
            return
        anchor = (QGraphicsView.ViewportAnchor.AnchorUnderMouse if under_mouse
                  else QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setTransformationAnchor(anchor)
        self._zooming = True
        try:
            self.scale(target / current, target / current)
        finally:
            self._zooming = False
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self._after_zoom()

    def _after_zoom(self) -> None:
        self._scene.set_lod(self.zoom() < LOD_SCALE)
        self.minimap.refresh()
        self.zoomChanged.emit(self.zoom())

    def zoom_in(self) -> None:
        self._scale_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._scale_by(1 / ZOOM_STEP)

    def zoom_reset(self) -> None:
        self._scale_by(1.0 / self.zoom())

    def _fit(self, rect: QRectF, max_scale: float) -> None:
        if rect.isNull():
            return
        self._zooming = True
        try:
            self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
            if self.zoom() > max_scale:
                self.setTransform(self.transform().scale(max_scale / self.zoom(),
                                                         max_scale / self.zoom()))
                self.centerOn(rect.center())
        finally:
            self._zooming = False
        self._after_zoom()

    def zoom_to_fit(self) -> None:
        self._fit(self._scene.content_rect(), 1.0)

    def _on_document(self, change: Change) -> None:
        """A new, opened, imported or reverted document is shown whole (fit), now and again
        once the view has its final size."""
        if change.reset:
            self.zoom_to_fit()
            QTimer.singleShot(0, self, self.zoom_to_fit)

    def zoom_to_selection(self) -> None:
        rect = QRectF()
        for name in self._scene.selected_names():
            card = self._scene.index.rect(name)
            if card is not None:
                rect = rect.united(card)
        if rect.isNull():
            self.zoom_to_fit()
        else:
            self._fit(rect, 1.5)

    def center_on(self, name: str) -> None:
        """Scroll so that state ``name`` is in the middle of the view."""
        rect = self._scene.index.rect(name)
        if rect is not None:
            self.centerOn(rect.center())

    def focus_state(self, name: str) -> None:
        """Select a state and bring it into view at a readable zoom (``context.focusState``)."""
        if self._scene.item(name) is None:
            return
        self._scene.context.select([name])
        if self.zoom() < 0.6:
            self._scale_by(1.0 / self.zoom())
        self.center_on(name)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta:
            self._scale_by(1.0015 ** delta, under_mouse=True)
        event.accept()

    # -- find -----------------------------------------------------------------------------------------
    def find_states(self, text: str) -> list[str]:
        """States whose name, type title or any parameter value contains ``text``."""
        context = self._scene.context
        return find_states(context.document, context.catalog, text)

    # -- public edit methods (the main window's action table calls these) -------------------------------
    def copy_selection(self) -> bool:
        return self._scene.editor.copy_selection()

    def cut_selection(self) -> bool:
        return self._scene.editor.cut_selection()

    def paste(self) -> list[str]:
        return self._scene.editor.paste(self.visible_scene_rect())

    def duplicate_selection(self) -> list[str]:
        return self._scene.editor.duplicate_selection()

    def delete_selection(self) -> bool:
        return self._scene.editor.delete_selection()

    def select_all(self) -> None:
        self._scene.editor.select_all()

    def rename_selected(self) -> QLineEdit | None:
        names = self._scene.selected_names()
        if len(names) != 1:
            return None
        self.center_on(names[0]) if not self._item_visible(names[0]) else None
        return self._scene.gestures.start_rename(names[0])

    def _item_visible(self, name: str) -> bool:
        rect = self._scene.index.rect(name)
        return rect is not None and self.visible_scene_rect().contains(rect)

    def nudge(self, dx: float, dy: float) -> bool:
        return self._scene.editor.nudge(dx, dy)

    def align_to_grid(self) -> bool:
        return self._scene.editor.align_to_grid()

    def add_note(self) -> str | None:
        centre = self.visible_scene_rect().center()
        note_id = self._scene.editor.add_note(centre - QPointF(110, 60))
        note = self._scene.note(note_id) if note_id else None
        if note is not None and self.isVisible():
            note.start_editing()
        return note_id

    def auto_layout(self, selection_only: bool = False) -> bool:
        return self._scene.editor.auto_layout(selection_only)

    def add_state_at_center(self, entry_id: str, after: str | None = None) -> str | None:
        """Add a state at the view's centre (on a free spot), connected after ``after``."""
        centre = self.visible_scene_rect().center()
        corner = QRectF(centre.x() - CARD_WIDTH / 2, centre.y() - HEADER_HEIGHT / 2,
                        CARD_WIDTH, HEADER_HEIGHT)
        for _ in range(40):
            if not self._scene.index.query(corner.adjusted(-10, -10, 10, 10)):
                break
            corner.translate(0, HEADER_HEIGHT + 40)
        return self._scene.editor.add_state_at(entry_id, (corner.x(), corner.y()), after)

    # -- keyboard ----------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if self._scene.focusItem() is not None:
            super().keyPressEvent(event)
            return
        if self._handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        key, shift = Qt.Key(event.key()), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return True
        if key in _ARROWS and not (event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            dx, dy = _ARROWS[key]
            step = NUDGE * (10 if shift else 1)
            self.nudge(dx * step, dy * step)
            return True
        table = [
            (QKeySequence.StandardKey.Delete, self.delete_selection),
            (QKeySequence.StandardKey.Copy, self.copy_selection),
            (QKeySequence.StandardKey.Cut, self.cut_selection),
            (QKeySequence.StandardKey.Paste, self.paste),
            (QKeySequence.StandardKey.SelectAll, self.select_all),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
        ]
        for sequence, action in table:
            if event.matches(sequence):
                action()
                return True
        simple = {Qt.Key.Key_Backspace: self.delete_selection, Qt.Key.Key_F2: self.rename_selected,
                  Qt.Key.Key_Plus: self.zoom_in, Qt.Key.Key_Minus: self.zoom_out,
                  Qt.Key.Key_Escape: self._escape}
        if key in simple and not (event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            simple[key]()
            return True
        return False

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
        super().keyReleaseEvent(event)

    def _escape(self) -> None:
        """Esc abandons a drag in progress, else clears the selection."""
        gesture, self._gesture = self._gesture, None
        if gesture is not None:
            gesture.cancel()
        if not self._scene.gestures.cancel() and gesture is None:
            self._scene.context.select([])

    # -- the view's gestures: pan and the rubber band ----------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        left = event.button() == Qt.MouseButton.LeftButton
        if event.button() == Qt.MouseButton.MiddleButton or (self._space and left):
            if self._gesture is not None:
                self._gesture.cancel()
            self._gesture = Pan(self)
            self._gesture.press(event.position())
            event.accept()
            return
        super().mousePressEvent(event)
        if left:
            if self._gesture is not None:  # its release never came
                self._gesture.cancel()
            self._gesture = RubberBand(self._scene)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if isinstance(self._gesture, Pan):
            self._gesture.move(event.position())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        gesture = self._gesture
        if isinstance(gesture, Pan):
            self._gesture = None
            gesture.release(event.position())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if gesture is not None and event.button() == Qt.MouseButton.LeftButton:
            self._gesture = None
            gesture.release(self.mapToScene(event.position().toPoint()))

    def panned(self) -> None:
        """A pan ended: antialiasing back once the view settles, the cursor as the keys say."""
        self._settle.start()
        if self._space:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.viewport().unsetCursor()

    def pan_by(self, dx: float, dy: float) -> None:
        """Scroll the view by ``dx, dy`` viewport pixels."""
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + round(dx))
        v.setValue(v.value() + round(dy))

    def _on_rubber_band(self, rect: QRect, start: QPointF, end: QPointF) -> None:
        """Qt's band moved: the RubberBand gesture keeps its corners (it selects through the
        card index on release while zoomed out, when the cards are hidden)."""
        if isinstance(self._gesture, RubberBand) and not rect.isNull():
            self._gesture.track(start, end)

    # -- painting and palette -------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter,  # noqa: N802 - Qt's name
                       area: QRectF | QRect) -> None:
        rect = QRectF(area)
        t = theme()
        painter.fillRect(rect, t.background)
        scale = self.zoom()
        if scale < 0.3:
            return
        step = GRID if scale >= 0.8 else GRID * 5
        left, top = int(rect.left() // step) * step, int(rect.top() // step) * step
        lines = [QLineF(x, rect.top(), x, rect.bottom())
                 for x in _frange(left, rect.right(), step)]
        lines += [QLineF(rect.left(), y, rect.right(), y) for y in _frange(top, rect.bottom(), step)]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(t.grid, 0))
        painter.drawLines(lines)
        painter.restore()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.PaletteChange:
            refresh_theme()
            self._scene.refresh_theme()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.minimap.refresh()


def _frange(start: float, stop: float, step: float) -> list[float]:
    count = int((stop - start) // step) + 1
    return [start + i * step for i in range(max(0, count))]
