"""Canvas edit operations: each builds one document patch and pushes it as one undo step.

:class:`SceneEditor` is what the gestures, the context menus and the view's public edit
methods call: drop/add a state, connect, reconnect, disconnect, delete, rename, move, nudge,
align, set start, auto-layout, notes, and the clipboard (copy, cut, paste, duplicate). It reads
the document and the scene's selection, builds patches with :mod:`designer.document.edits`,
and pushes them through ``context.push`` with a readable text; it never touches items.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QMessageBox

from designer.canvas import clipboard
from designer.canvas.autolayout import layout_positions
from designer.canvas.edges import EdgeItem
from designer.canvas.notes import NoteItem
from designer.canvas.ports import ADD_CONDITION, ADD_PATH, ports_of
from designer.canvas.room import clear_paste_offset, dict_height, room_for_insert
from designer.canvas.style import CARD_WIDTH, GRID, HEADER_HEIGHT
from designer.document import (
    Patch,
    add_state,
    connect,
    delete_states,
    insert_into,
    move_states,
    paste_states,
    rename_state,
    set_start,
)
from designer.document.edits import (
    add_condition,
    add_path,
    bridge_successor,
    delete_bridging,
    delete_items,
    incoming,
)

if TYPE_CHECKING:
    from designer.canvas.scene import PlaybookScene

PASTE_STEP = 40.0


class SceneEditor:
    """Edits requested on one scene, pushed to its context's undo stack."""

    def __init__(self, scene: PlaybookScene) -> None:
        self.scene = scene
        self._paste_serial = ("", 0)

    @property
    def context(self):
        return self.scene.context

    @property
    def doc(self):
        return self.scene.context.document

    def _push(self, patch: Patch, text: str, merge_key: str | None = None) -> bool:
        if not self.scene.editable:
            return False
        return self.context.push(patch, text, merge_key)

    def _entry(self, entry_id: str):
        entry = self.context.catalog.get(entry_id)
        if entry is None:
            self.context.statusMessage.emit(f"Unknown state type {entry_id!r}")
        return entry

    # -- creating states ---------------------------------------------------------------------
    def drop_entry(self, entry_id: str, pos: QPointF) -> str | None:
        """A palette drop at ``pos``: insert into the edge under it, or add a free state."""
        entry = self._entry(entry_id)
        if entry is None or not self.scene.editable:
            return None
        corner = (pos.x() - CARD_WIDTH / 2, pos.y() - HEADER_HEIGHT / 2)
        edge = self.scene.edge_at(pos)
        if edge is not None:
            patch, name, text = insert_into(self.doc, entry, edge.source, edge.path, corner)
            placed, moves = room_for_insert(self.doc, corner,
                                            dict_height(patch.states[name] or {}))
            patch.positions[name] = placed
            patch.positions.update(moves)  # neighbours make room: still one undo step
        else:
            patch, name, text = add_state(self.doc, entry, corner)
        return self._created(patch, name, text)

    def add_state_at(self, entry_id: str, corner: tuple[float, float],
                     after: str | None = None) -> str | None:
        """Add a state with its top-left at ``corner``, connected after ``after`` if free."""
        entry = self._entry(entry_id)
        if entry is None or not self.scene.editable:
            return None
        patch, name, text = add_state(self.doc, entry, corner, after=after)
        return self._created(patch, name, text)

    def _created(self, patch: Patch, name: str, text: str) -> str | None:
        if not self._push(patch, text):
            return None
        self.context.select([name])
        return name

    # -- edges ---------------------------------------------------------------------------------
    def connect_port(self, source: str, path: str, target: str) -> bool:
        """Point ``source``'s port ``path`` at ``target`` ("Connect A → B")."""
        if source not in self.doc.definition or target not in self.doc.definition:
            return False
        if path == ADD_CONDITION:
            return self._push(*add_condition(self.doc, source, target))
        if path == ADD_PATH:
            return self._push(*add_path(self.doc, source, target))
        if path not in {port.path for port in ports_of(self.doc.state(source))}:
            return False  # not a port of this state (e.g. a condition that was removed)
        patch, text = connect(self.doc, source, path, target)
        return self._push(patch, text)

    def reconnect(self, source: str, path: str, target: str) -> bool:
        """Move the end of the edge ``source.path`` to ``target``."""
        return self.connect_port(source, path, target)

    def disconnect(self, source: str, path: str) -> bool:
        if source not in self.doc.definition:
            return False
        patch, text = connect(self.doc, source, path, None)
        return self._push(patch, text)

    # -- delete, rename, start ---------------------------------------------------------------------
    def delete_selection(self) -> bool:
        names = self.scene.selected_names()
        edges = [i.key for i in self.scene.selectedItems() if isinstance(i, EdgeItem)]
        notes = [i.note_id for i in self.scene.selectedItems() if isinstance(i, NoteItem)]
        return self.delete(names, edges, notes)

    def delete(self, names: Sequence[str], edges: Sequence[tuple[str, str]] = (),
               notes: Sequence[str] = ()) -> bool:
        """Delete states, disconnect edges and remove notes, all as one step.

        Deleting one state in the middle of a flow offers to connect the states before it to
        the one after it, in the same step.
        """
        if len(names) == 1 and not edges and not notes:
            bridged = self._ask_bridge(names[0])
            if bridged is None:
                return False
            if bridged:
                patch, text = delete_bridging(self.doc, names[0], bridged)
                return self._push(patch, text)
        return self._push(*delete_items(self.doc, names, edges, notes))

    def _ask_bridge(self, name: str) -> str | None:
        """The successor to reconnect to, "" for a plain delete, None when cancelled."""
        successor = bridge_successor(self.doc, name)
        if successor is None or not self.scene.editable:
            return ""
        sources = ", ".join(dict.fromkeys(s for s, _p in incoming(self.doc, name) if s != name))
        views = self.scene.views()
        answer = QMessageBox.question(
            views[0] if views else None, "Delete state",
            f"Delete “{name}”.\n\nConnect {sources} to {successor} so the flow stays "
            "connected? (No deletes it and leaves the arrows into it unconnected.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Cancel:
            return None
        return successor if answer == QMessageBox.StandardButton.Yes else ""

    def rename(self, old: str, new: str) -> bool:
        """Rename a state (edges follow); a refused name goes to the status bar."""
        try:
            patch, text = rename_state(self.doc, old, new)
        except ValueError as exc:
            self.context.statusMessage.emit(f"Cannot rename {old}: {exc}")
            return False
        if not self._push(patch, text):
            return False
        self.context.select([new.strip()])
        return True

    def set_start(self, name: str) -> bool:
        if name not in self.doc.definition:
            return False
        patch, text = set_start(self.doc, name)
        return self._push(patch, text)

    # -- moving --------------------------------------------------------------------------------------
    def move(self, moves: dict[str, tuple[float, float]],
             note_moves: dict[str, tuple[float, float]] | None = None,
             merge_key: str | None = None) -> bool:
        """Move states (and notes) to new top-left positions as one step ("Move 3 states")."""
        note_moves = note_moves or {}
        if not moves and not note_moves:
            return False
        patch, text = move_states(self.doc, moves) if moves else (Patch(), "Move note")
        for note_id, (x, y) in note_moves.items():
            item = self.scene.note(note_id)
            if item is not None:
                patch.notes[note_id] = item.fields() | {"x": x, "y": y}
        if moves and note_moves:
            text = f"Move {len(moves) + len(note_moves)} items"
        return self._push(patch, text, merge_key)

    def nudge(self, dx: float, dy: float) -> bool:
        names = self.scene.selected_names()
        moves = {n: (p[0] + dx, p[1] + dy) for n in names
                 if (p := self.doc.position(n)) is not None}
        return self.move(moves, merge_key="nudge:" + "\x1f".join(sorted(moves)))

    def align_to_grid(self) -> bool:
        names = self.scene.selected_names() or list(self.doc.definition)
        moves = {}
        for name in names:
            pos = self.doc.position(name)
            if pos is not None:
                snapped = (round(pos[0] / GRID) * GRID, round(pos[1] / GRID) * GRID)
                if snapped != pos:
                    moves[name] = snapped
        if not moves:
            return False
        patch, _ = move_states(self.doc, moves)
        return self._push(patch, "Align to grid")

    def auto_layout(self, selection_only: bool = False) -> bool:
        """Lay out the whole playbook or the selection, as one step ("Auto-layout")."""
        names = self.scene.selected_names() if selection_only else None
        if selection_only and len(names or []) < 2:
            self.context.statusMessage.emit("Select two or more states to lay them out")
            return False
        positions = layout_positions(self.doc, names)
        moves = {n: p for n, p in positions.items() if self.doc.position(n) != p}
        if not moves:
            return False
        patch, _ = move_states(self.doc, moves)
        done = self._push(patch, "Auto-layout")
        if done and not selection_only:
            for view in self.scene.views():  # the whole laid-out playbook in view
                if hasattr(view, "zoom_to_fit"):
                    view.zoom_to_fit()
        return done

    # -- notes -------------------------------------------------------------------------------------
    def add_note(self, pos: QPointF, text: str = "") -> str | None:
        taken = {n.id for n in self.doc.doc.layout.notes}
        number = len(taken) + 1
        while f"note-{number}" in taken:
            number += 1
        note_id = f"note-{number}"
        spec = {"text": text, "x": pos.x(), "y": pos.y(), "width": 220.0, "height": 120.0}
        return note_id if self._push(Patch(notes={note_id: spec}), "Add note") else None

    def commit_note(self, note_id: str, fields: dict[str, Any]) -> None:
        old = next((n for n in self.doc.doc.layout.notes if n.id == note_id), None)
        text = "Edit note" if old is not None and old.text != fields.get("text") else "Resize note"
        item = self.scene.note(note_id)
        if not self._push(Patch(notes={note_id: fields}), text) and old and item is not None:
            item.set_note(old.text, old.x, old.y, old.width, old.height)

    # -- clipboard -------------------------------------------------------------------------------------
    def copy_selection(self) -> bool:
        names = self.scene.selected_names()
        if not names:
            return False
        clipboard.copy_to_clipboard(clipboard.payload_of(self.doc, names))
        self.context.statusMessage.emit(f"Copied {len(names)} state{'s' * (len(names) != 1)}")
        return True

    def cut_selection(self) -> bool:
        names = self.scene.selected_names()
        if not names or not self.copy_selection():
            return False
        patch, _ = delete_states(self.doc, names)
        return self._push(patch, f"Cut {len(names)} state{'s' * (len(names) != 1)}")

    def paste(self, visible: QRectF | None = None) -> list[str]:
        """Paste the clipboard's states: near their origin if that is in view, else centred."""
        payload = clipboard.read_clipboard()
        if payload is None:
            self.context.statusMessage.emit("The clipboard holds no states")
            return []
        states, positions = payload
        return self._paste(states, positions, visible, "Paste")

    def duplicate_selection(self) -> list[str]:
        names = self.scene.selected_names()
        if not names:
            return []
        payload = clipboard.payload_of(self.doc, names)
        positions = {n: tuple(p) for n, p in payload["positions"].items()}
        return self._paste(payload["states"], positions, None, "Duplicate")

    def _paste(self, states: dict[str, dict[str, Any]], positions: dict[str, Any],
               visible: QRectF | None, verb: str) -> list[str]:
        offset = clear_paste_offset(self.doc, states, positions,
                                    self._paste_offset(states, positions, visible))
        patch, mapping, _ = paste_states(self.doc, copy.deepcopy(states), positions, offset)
        count = len(mapping)
        if not self._push(patch, f"{verb} {count} state{'s' * (count != 1)}"):
            return []
        names = list(mapping.values())
        self.context.select(names)
        return names

    def _paste_offset(self, states: dict[str, Any], positions: dict[str, Any],
                      visible: QRectF | None) -> tuple[float, float]:
        known = [positions[n] for n in states if n in positions]
        if not known:
            centre = visible.center() if visible is not None else QPointF(0, 0)
            return centre.x(), centre.y()
        left, top = min(p[0] for p in known), min(p[1] for p in known)
        key = repr(sorted(states))
        serial = self._paste_serial[1] + 1 if self._paste_serial[0] == key else 1
        self._paste_serial = (key, serial)
        if visible is not None and not visible.contains(QPointF(left, top)):
            self._paste_serial = (key, 0)
            centre = visible.center()
            return centre.x() - CARD_WIDTH / 2 - left, centre.y() - HEADER_HEIGHT / 2 - top
        return PASTE_STEP * serial, PASTE_STEP * serial

    def select_all(self) -> None:
        self.context.select(list(self.doc.definition))
