"""Projecting the document onto the scene: building cards and edges, and following changes.

:class:`Projection` (held by :class:`~designer.canvas.scene.PlaybookScene` as
``scene.projection``) keeps the name ↔ item maps: cards by name, edges by ``(source, field
path)`` with their incoming and outgoing sets, edges waiting for a missing target, and notes.
A document :class:`~designer.document.Change` updates only the named states and the edges
touching them; ``Change.reset`` rebuilds everything. Its interface: :meth:`rebuild`,
:meth:`finish_build`, :meth:`is_building`, :meth:`reroute`, :meth:`on_document_changed` and the
read-only maps ``states``, ``edges``, ``notes``, ``pending_edges``.

States without a position are laid out when the document is projected: an editable scene
pushes those positions as one undo step ("Lay out 5 states"; an unmodified document stays
unmodified), so the document is never written outside undo; a read-only scene only places its
cards there.

Large playbooks are built progressively: the card rectangles go into the index at once (so
the overview, the minimap and zoom-to-fit can paint the first frame straight away), and the
items are created in time slices of a few milliseconds on a zero-delay timer, keeping the
window responsive. Anything that needs the items (a lookup, an edit, a click) finishes the
build first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QTimer

from designer.canvas.autolayout import missing_positions
from designer.canvas.edges import EdgeItem
from designer.canvas.icons import icon_key
from designer.canvas.items import StateItem
from designer.canvas.notes import NoteItem
from designer.canvas.ports import INPUT, Port, height_of, port_point, ports_of
from designer.canvas.routing import route
from designer.canvas.style import CARD_WIDTH, category_key
from designer.document import Change, Patch
from runtime.model.states import END, AnyState, InvalidState, UnknownState

if TYPE_CHECKING:
    from designer.canvas.scene import PlaybookScene

EDGE_LABELS = {"next": "", "default": "default", "body": "body", "error": "on error"}
JUMP_DX = 1500.0  # farther than this, an edge is drawn as a stub with a '→ target' tag
JUMP_DY = 1000.0
SLICE_S = 0.006
BSP_FROM = 4000  # items; below this Qt's automatic BSP depth is fine


class Projection:
    """Builds and updates the items of one PlaybookScene from its ``context.document``."""

    progressive_from = 1500  # states; smaller playbooks are built in one go

    def __init__(self, scene: PlaybookScene) -> None:
        self.scene = scene
        self._placed: dict[str, tuple[float, float]] = {}  # read-only scenes' own layout
        self._states: dict[str, StateItem] = {}
        self._edges: dict[tuple[str, str], EdgeItem] = {}
        self._incoming: dict[str, set[tuple[str, str]]] = {}
        self._outgoing: dict[str, set[tuple[str, str]]] = {}
        self._waiting: dict[str, set[str]] = {}  # missing target -> sources pointing at it
        self._notes: dict[str, NoteItem] = {}
        self._pending: list[str] = []  # states still to build, in reverse order
        self._pending_edges: list[str] = []
        self._building = False
        self._bsp_depth = 0
        self._build_timer = QTimer(scene)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_slice)

    # -- the maps (read-only views for the scene and its helpers) ---------------------------------
    @property
    def states(self) -> Mapping[str, StateItem]:
        return self._states

    @property
    def edges(self) -> Mapping[tuple[str, str], EdgeItem]:
        return self._edges

    @property
    def notes(self) -> Mapping[str, NoteItem]:
        return self._notes

    @property
    def pending_edges(self) -> list[str]:
        """Sources whose edge items are not built yet."""
        return self._pending_edges

    def position(self, name: str) -> tuple[float, float]:
        """Where card ``name`` goes: its document position, else where this scene placed it."""
        return self.scene.context.document.position(name) or self._placed.get(name, (0.0, 0.0))

    # -- whole rebuild ---------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Throw every item away and project the whole document again."""
        scene, doc = self.scene, self.scene.context.document
        self._building = True
        try:
            self._lay_out_missing()
            self._clear_items()
            definition = doc.definition
            for name, state in definition.items():
                x, y = self.position(name)
                scene.index.set(name, QRectF(x, y, CARD_WIDTH, height_of(state)))
            self._pending = list(reversed(definition))
            self._pending_edges = list(reversed(definition))
            for note in doc.doc.layout.notes:
                self._set_note(note.id)
        finally:
            self._building = False
        if len(definition) < self.progressive_from:
            self.finish_build()
        else:
            self._build_timer.start()
        scene.content_changed()

    def _lay_out_missing(self) -> None:
        """Positions for states that have none: one undo step, or this scene's own layout.

        The step does not make a document that was unmodified count as modified: the layout
        is what opening shows, as it was before positions went through undo.
        """
        self._placed = {}
        context = self.scene.context
        positions = missing_positions(context.document)
        if not positions:
            return
        count = len(positions)
        patch = Patch(positions=dict(positions.items()))
        text = f"Lay out {count} state{'s' * (count != 1)}"
        was_clean = context.undo_stack.isClean()
        if not (self.scene.editable and context.push(patch, text)):
            self._placed = positions
        elif was_clean:
            context.undo_stack.setClean()

    def is_building(self) -> bool:
        """True while items of a large playbook are still being created."""
        return bool(self._pending or self._pending_edges)

    def finish_build(self) -> None:
        """Create every item still pending (called before anything that needs the items)."""
        if not self.is_building():
            return
        self._build_until(float("inf"))

    def _build_slice(self) -> None:
        self._build_until(time.perf_counter() + SLICE_S)

    def _build_until(self, deadline: float) -> None:
        definition = self.scene.context.document.definition
        self._building = True
        try:
            while self._pending:
                name = self._pending.pop()
                if name in definition and name not in self._states:
                    self._add_state(name, definition[name])
                if time.perf_counter() > deadline:
                    return
            while self._pending_edges:
                name = self._pending_edges.pop()
                if name in self._states:
                    self._build_edges(name)
                if time.perf_counter() > deadline:
                    return
        finally:
            self._building = False
            if not self.is_building():
                self._build_timer.stop()
                self._tune_index()
                self.scene.built()

    def _tune_index(self) -> None:
        """A deeper BSP tree for big scenes: Qt's automatic depth (log2(n) / 2) leaves a few
        hundred items per leaf at 10,000 states, and each one costs a Python boundingRect()
        call on every frame."""
        count = len(self._states) + len(self._edges)
        depth = 0 if count < BSP_FROM else min(16, int(math.log2(count)) - 2)
        if depth != self._bsp_depth:
            self._bsp_depth = depth
            self.scene.setBspTreeDepth(depth)

    def _clear_items(self) -> None:
        self._build_timer.stop()
        items: list[StateItem | EdgeItem | NoteItem] = [
            *self._edges.values(), *self._states.values(), *self._notes.values()]
        for item in items:
            self.scene.removeItem(item)
        self._states.clear()
        self._edges.clear()
        self._incoming.clear()
        self._outgoing.clear()
        self._waiting.clear()
        self._notes.clear()
        self._pending, self._pending_edges = [], []
        self.scene.index.clear()

    # -- states ------------------------------------------------------------------------------------
    def _add_state(self, name: str, state: AnyState) -> StateItem:
        item = StateItem(name, movable=self.scene.editable)
        self._apply_state(item, state)
        x, y = self.position(name)
        item.setPos(x, y)
        if self.scene.lod:
            item.setVisible(False)
        self.scene.addItem(item)
        self._states[name] = item
        self._index_card(item)
        for source in self._waiting.pop(name, ()):
            if source in self._states and not self._building:
                self._build_edges(source)
        return item

    def _apply_state(self, item: StateItem, state: AnyState) -> None:
        action = getattr(state, "action", None)
        entry = self.scene.context.catalog.for_state(state.type, action)
        title = entry.title if entry else (action or state.type)
        if state.type in ("function", "circuit"):
            ident = getattr(state, f"{state.type}_id", None)
            title = f"{title} · {ident}" if ident else title
        if isinstance(state, InvalidState):  # opened for repair: kept as is, marked
            title = f"Unreadable {state.declared_type or 'state'}: {state.field}"
        elif isinstance(state, UnknownState):
            title = f"Unknown type: {state.type}"
        group = entry.group if entry else None
        item.set_appearance(
            title=title,
            icon=icon_key(state.type, action, group),
            colour_key=category_key(entry.category if entry else None, group, state.type),
            side_effect=entry.side_effect if entry else "none",
            is_start=bool(state.start),
        )
        item.set_ports(ports_of(state))

    def _index_card(self, item: StateItem) -> None:
        pos = item.pos()
        self.scene.index.set(item.name, QRectF(pos.x(), pos.y(), CARD_WIDTH, item.height))

    def _remove_state(self, name: str) -> None:
        item = self._states.pop(name, None)
        if item is None:
            return
        self._drop_edges_from(name)
        for key in list(self._incoming.pop(name, ())):
            edge = self._edges.pop(key, None)
            if edge is not None:
                self._outgoing.get(key[0], set()).discard(key)
                self.scene.removeItem(edge)
                self._waiting.setdefault(name, set()).add(key[0])
        self.scene.index.remove(name)
        self.scene.removeItem(item)

    # -- edges -------------------------------------------------------------------------------------
    def _drop_edges_from(self, source: str) -> None:
        for key in self._outgoing.pop(source, ()):
            edge = self._edges.pop(key, None)
            if edge is not None:
                self._incoming.get(edge.target, set()).discard(key)
                self.scene.removeItem(edge)
        for sources in self._waiting.values():
            sources.discard(source)

    def _build_edges(self, source: str) -> None:
        """(Re)create the edges of ``source`` from its ports."""
        self._drop_edges_from(source)
        item = self._states[source]
        for port in item.ports:
            if not port.target or port.target == END or port.is_add:
                continue
            if port.target not in self._states:
                self._waiting.setdefault(port.target, set()).add(source)
                continue
            edge = EdgeItem(source, port.path, port.target, kind=port.kind,
                            label=_edge_label(port))
            if self.scene.lod:
                edge.setVisible(False)
            key = (source, port.path)
            self._edges[key] = edge
            self._outgoing.setdefault(source, set()).add(key)
            self._incoming.setdefault(port.target, set()).add(key)
            self._route(edge, item, port)
            self.scene.addItem(edge)

    def _route(self, edge: EdgeItem, source: StateItem | None = None,
               port: Port | None = None) -> None:
        source = source or self._states[edge.source]
        port = port or source.port(edge.path)
        if port is None:
            return
        start = source.pos() + port_point(port, source.height)
        end = self._states[edge.target].pos() + INPUT
        if abs(end.x() - start.x()) > JUMP_DX or abs(end.y() - start.y()) > JUMP_DY:
            edge.set_jump(start)
            return
        spread = 6.0 * port.row if port.row > 0 else 0.0
        edge.set_geometry(route(start, end, edge.source, edge.target, self.scene.index, spread))

    def reroute(self, names: Iterable[str]) -> None:
        """Re-route every edge touching the states ``names`` (after they moved)."""
        self.finish_build()
        keys: set[tuple[str, str]] = set()
        for name in names:
            item = self._states.get(name)
            if item is None:
                continue
            self._index_card(item)
            keys.update(self._outgoing.get(name, ()))
            keys.update(self._incoming.get(name, ()))
        for key in keys:
            edge = self._edges.get(key)
            if edge is not None:
                self._route(edge)

    # -- document changes ----------------------------------------------------------------------------
    def on_document_changed(self, change: Change) -> None:
        """Follow one document change: only the named states, positions and notes."""
        if self._building:
            return
        if change.reset:
            self.rebuild()
            return
        self.finish_build()
        doc = self.scene.context.document
        for name in change.removed:
            self._remove_state(name)
        changed = []
        for name in change.states - change.removed:
            state = doc.definition.get(name)
            if state is None:
                self._remove_state(name)
                continue
            item = self._states.get(name)
            if item is None:
                self._add_state(name, state)
            else:
                self._apply_state(item, state)
            changed.append(name)
        moved = self._apply_positions(change.positions)
        for name in changed:
            self._build_edges(name)
        self.reroute(set(moved) | set(changed))
        for note_id in change.notes:
            self._set_note(note_id)
        if change.structural or change.positions or change.notes:
            self.scene.content_changed()

    def _apply_positions(self, names: Iterable[str]) -> list[str]:
        moved = []
        for name in names:
            item, pos = self._states.get(name), self.scene.context.document.position(name)
            if item is not None and pos is not None:
                if item.pos() != QPointF(*pos):
                    item.setPos(pos[0], pos[1])
                moved.append(name)
        return moved

    def _set_note(self, note_id: str) -> None:
        scene = self.scene
        note = next((n for n in scene.context.document.doc.layout.notes if n.id == note_id), None)
        item = self._notes.get(note_id)
        if note is None:
            if item is not None:
                scene.removeItem(self._notes.pop(note_id))
            return
        if item is None:
            item = self._notes[note_id] = NoteItem(note_id, editable=scene.editable)
            item.on_commit = scene.editor.commit_note
            scene.addItem(item)
        item.set_note(note.text, note.x, note.y, note.width, note.height)


def _edge_label(port: Port) -> str:
    if port.kind in ("condition", "path"):
        return port.label
    return EDGE_LABELS.get(port.kind, "")
