"""Projecting the document onto the scene: building cards and edges, and following changes.

:class:`ProjectionMixin` (mixed into :class:`~designer.canvas.scene.PlaybookScene`) keeps the
name ↔ item maps: cards by name, edges by ``(source, field path)`` with their incoming and
outgoing sets, edges waiting for a missing target, and notes. A document
:class:`~designer.document.Change` updates only the named states and the edges touching them;
``Change.reset`` rebuilds everything.

Large playbooks are built progressively: the card rectangles go into the index at once (so
the overview, the minimap and zoom-to-fit can paint the first frame straight away), and the
items are created in time slices of a few milliseconds on a zero-delay timer, keeping the
window responsive. Anything that needs the items (a lookup, an edit, a click) finishes the
build first.
"""

from __future__ import annotations

import math
import time

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

EDGE_LABELS = {"next": "", "default": "default", "body": "body", "error": "on error"}
JUMP_DX = 1500.0  # farther than this, an edge is drawn as a stub with a '→ target' tag
JUMP_DY = 1000.0
SLICE_S = 0.006
BSP_FROM = 4000  # items; below this Qt's automatic BSP depth is fine


class ProjectionMixin:
    """Builds and updates the items of a PlaybookScene from ``context.document``."""

    progressive_from = 1500  # states; smaller playbooks are built in one go

    def init_projection(self) -> None:
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
        self._build_timer = QTimer(self)  # type: ignore[arg-type]
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_slice)

    # -- whole rebuild ---------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Throw every item away and project the whole document again."""
        self._building = True
        try:
            positions = missing_positions(self.context.document)
            if positions:
                self.context.document.apply(Patch(positions=positions))
            self._clear_items()
            definition = self.context.document.definition
            for name, state in definition.items():
                pos = self.context.document.position(name) or (0.0, 0.0)
                self.index.set(name, QRectF(pos[0], pos[1], CARD_WIDTH, height_of(state)))
            self._pending = list(reversed(definition))
            self._pending_edges = list(reversed(definition))
            for note in self.context.document.doc.layout.notes:
                self._set_note(note.id)
        finally:
            self._building = False
        if len(definition) < self.progressive_from:
            self.finish_build()
        else:
            self._build_timer.start()
        self._content_changed()

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
        definition = self.context.document.definition
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
                self._built()

    def _built(self) -> None:
        """Every item exists: show problems, the selection and the finished overview."""
        self._tune_index()
        self._on_problems()
        self.overview.invalidate()
        self._on_context_selection(self.context.selection)

    def _tune_index(self) -> None:
        """A deeper BSP tree for big scenes: Qt's automatic depth (log2(n) / 2) leaves a few
        hundred items per leaf at 10,000 states, and each one costs a Python boundingRect()
        call on every frame."""
        count = len(self._states) + len(self._edges)
        depth = 0 if count < BSP_FROM else min(16, int(math.log2(count)) - 2)
        if depth != self._bsp_depth:
            self._bsp_depth = depth
            self.setBspTreeDepth(depth)

    def _clear_items(self) -> None:
        self._build_timer.stop()
        for item in [*self._edges.values(), *self._states.values(), *self._notes.values()]:
            self.removeItem(item)
        for table in (self._states, self._edges, self._incoming, self._outgoing, self._waiting,
                      self._notes):
            table.clear()
        self._pending, self._pending_edges = [], []
        self.index.clear()

    # -- states ------------------------------------------------------------------------------------
    def _add_state(self, name: str, state: AnyState) -> StateItem:
        item = StateItem(name, movable=self.editable)
        self._apply_state(item, state)
        pos = self.context.document.position(name) or (0.0, 0.0)
        item.setPos(pos[0], pos[1])
        if self.lod:
            item.setVisible(False)
        self.addItem(item)
        self._states[name] = item
        self._index_card(item)
        for source in self._waiting.pop(name, ()):
            if source in self._states and not self._building:
                self._build_edges(source)
        return item

    def _apply_state(self, item: StateItem, state: AnyState) -> None:
        action = getattr(state, "action", None)
        entry = self.context.catalog.for_state(state.type, action)
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
        self.index.set(item.name, QRectF(pos.x(), pos.y(), CARD_WIDTH, item.height))

    def _remove_state(self, name: str) -> None:
        item = self._states.pop(name, None)
        if item is None:
            return
        self._drop_edges_from(name)
        for key in list(self._incoming.pop(name, ())):
            edge = self._edges.pop(key, None)
            if edge is not None:
                self._outgoing.get(key[0], set()).discard(key)
                self.removeItem(edge)
                self._waiting.setdefault(name, set()).add(key[0])
        self.index.remove(name)
        self.removeItem(item)

    # -- edges -------------------------------------------------------------------------------------
    def _drop_edges_from(self, source: str) -> None:
        for key in self._outgoing.pop(source, ()):
            edge = self._edges.pop(key, None)
            if edge is not None:
                self._incoming.get(edge.target, set()).discard(key)
                self.removeItem(edge)
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
            if self.lod:
                edge.setVisible(False)
            key = (source, port.path)
            self._edges[key] = edge
            self._outgoing.setdefault(source, set()).add(key)
            self._incoming.setdefault(port.target, set()).add(key)
            self._route(edge, item, port)
            self.addItem(edge)

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
        edge.set_geometry(route(start, end, edge.source, edge.target, self.index, spread))

    def reroute(self, names) -> None:
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
    def _on_document_changed(self, change: Change) -> None:
        if self._building:
            return
        if change.reset:
            self.rebuild()
            return
        self.finish_build()
        doc = self.context.document
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
            self._content_changed()

    def _apply_positions(self, names) -> list[str]:
        moved = []
        for name in names:
            item, pos = self._states.get(name), self.context.document.position(name)
            if item is not None and pos is not None:
                if item.pos() != QPointF(*pos):
                    item.setPos(pos[0], pos[1])
                moved.append(name)
        return moved

    def _set_note(self, note_id: str) -> None:
        note = next((n for n in self.context.document.doc.layout.notes if n.id == note_id), None)
        item = self._notes.get(note_id)
        if note is None:
            if item is not None:
                self.removeItem(self._notes.pop(note_id))
            return
        if item is None:
            item = self._notes[note_id] = NoteItem(note_id, editable=self.editable)
            item.on_commit = self.editor.commit_note
            self.addItem(item)
        item.set_note(note.text, note.x, note.y, note.width, note.height)


def _edge_label(port: Port) -> str:
    if port.kind in ("condition", "path"):
        return port.label
    return EDGE_LABELS.get(port.kind, "")
