"""Context menus of the canvas, declared as tables: on a state, an arrow, a note, the background.

:func:`build_context_menu` picks the table for what is under the cursor (selecting it first
if it was not selected) and returns a ``QMenu`` whose actions call the scene's editor; the
caller shows it. Read-only scenes have no context menu.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from designer.canvas import clipboard
from designer.canvas.edges import EdgeItem
from designer.canvas.notes import NoteItem

if TYPE_CHECKING:
    from designer.canvas.scene import PlaybookScene

# (text, shortcut shown, callback, enabled); None is a separator.
Row = tuple[str, str, Callable[[], object], bool] | None


def _state_rows(scene: PlaybookScene, name: str) -> list[Row]:
    editor = scene.editor
    selected = scene.selected_names()
    is_start = bool(getattr(scene.context.document.definition[name], "start", False))
    return [
        ("Rename", "F2", lambda: scene.gestures.start_rename(name), len(selected) == 1),
        ("Duplicate", "Ctrl+D", editor.duplicate_selection, True),
        ("Copy", QKeySequence(QKeySequence.StandardKey.Copy).toString(), editor.copy_selection,
         True),
        ("Cut", QKeySequence(QKeySequence.StandardKey.Cut).toString(), editor.cut_selection, True),
        ("Delete", "Del", editor.delete_selection, True),
        None,
        ("Set as start", "", lambda: editor.set_start(name), not is_start),
        ("Auto-layout selection", "", lambda: editor.auto_layout(True), len(selected) > 1),
    ]


def _background_rows(scene: PlaybookScene, pos: QPointF) -> list[Row]:
    editor = scene.editor
    has_states = clipboard.read_clipboard() is not None
    here = QRectF(pos.x(), pos.y(), 1, 1)
    return [
        ("Paste", QKeySequence(QKeySequence.StandardKey.Paste).toString(),
         lambda: editor.paste(here), has_states),
        ("Add note", "", lambda: editor.add_note(pos), True),
        None,
        ("Select all", QKeySequence(QKeySequence.StandardKey.SelectAll).toString(),
         editor.select_all, bool(scene.context.document.definition)),
        ("Auto-layout", "", lambda: editor.auto_layout(False),
         bool(scene.context.document.definition)),
    ]


def _fill(menu: QMenu, rows: list[Row]) -> QMenu:
    for row in rows:
        if row is None:
            menu.addSeparator()
            continue
        text, shortcut, callback, enabled = row
        action = menu.addAction(text + (f"\t{shortcut}" if shortcut else ""))
        action.setEnabled(enabled)
        action.triggered.connect(lambda _=False, cb=callback: cb())
    return menu


def build_context_menu(scene: PlaybookScene, pos: QPointF) -> QMenu | None:
    """The context menu for what is at ``pos`` (None in read-only scenes)."""
    if not scene.editable:
        return None
    menu = QMenu()
    state = scene.state_at(pos)
    if state is not None:
        if state.name not in scene.context.selection:
            scene.context.select([state.name])
        return _fill(menu, _state_rows(scene, state.name))
    for item in scene.items(pos):
        if isinstance(item, EdgeItem):
            scene.clearSelection()
            item.setSelected(True)
            return _fill(menu, [("Delete arrow", "Del",
                                 partial(scene.editor.delete, [], [item.key]), True)])
        if isinstance(item, NoteItem):
            return _fill(menu, [("Edit note", "", item.start_editing, True),
                                ("Delete note", "Del",
                                 partial(scene.editor.delete, [], [], [item.note_id]), True)])
    return _fill(menu, _background_rows(scene, pos))
