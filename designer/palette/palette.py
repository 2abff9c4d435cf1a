"""The state palette: every catalog state grouped exactly as the reference groups them.

Flow control, Functional, Log360 Cloud (with its Platform actions and Endpoint agent actions
sub-groups), each entry with its icon, title, and description + purpose as tooltip, read from
the catalog. A search box filters across groups (title, id, description). Entries drag onto
the canvas (mime ``application/x-playbook-state`` holding the catalog id); double-click or
Enter asks to add the state at the view's centre, connected after the selected state.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.icons import state_icon
from runtime.catalog import Catalog, CatalogEntry

MIME_STATE = "application/x-playbook-state"
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


class _Tree(QTreeWidget):
    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt's name
        return [MIME_STATE]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:  # noqa: N802
        mime = QMimeData()
        ids = [i.data(0, ENTRY_ROLE) for i in items if i.data(0, ENTRY_ROLE)]
        if ids:
            mime.setData(MIME_STATE, ids[0].encode("utf-8"))
            mime.setText(ids[0])
        return mime


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for i in range(item.childCount()) if (child := item.child(i)) is not None]


def tooltip_for(entry: CatalogEntry) -> str:
    parts = [f"<b>{entry.title}</b>", entry.description]
    if entry.purpose:
        parts.append(f"<i>Purpose:</i> {entry.purpose}")
    if entry.use_cases:
        parts.append("<i>Use cases:</i> " + "; ".join(entry.use_cases))
    if entry.side_effect not in ("none", ""):
        parts.append(f"<i>Side effect:</i> {entry.side_effect}")
    return "<br>".join(parts)


class PaletteWidget(QWidget):
    """Category-grouped, searchable list of state types."""

    addRequested = Signal(str)  # catalog entry id

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search states…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        self.tree = _Tree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setIndentation(14)
        self.tree.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._populate()

    def _populate(self) -> None:
        for category in self.catalog.categories():
            top = QTreeWidgetItem([category.title])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.setToolTip(0, category.description)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.tree.addTopLevelItem(top)
            parents: dict[str | None, QTreeWidgetItem] = {None: top}
            for group_id, group_title in category.groups:
                sub = QTreeWidgetItem([group_title])
                sub.setFlags(Qt.ItemFlag.ItemIsEnabled)
                top.addChild(sub)
                parents[group_id] = sub
            for entry in category.entries:
                parent = parents.get(entry.group, top)
                item = QTreeWidgetItem([entry.title])
                item.setData(0, ENTRY_ROLE, entry.id)
                item.setToolTip(0, tooltip_for(entry))
                item.setIcon(0, state_icon(entry.type, entry.title, entry.category, entry.group))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                parent.addChild(item)
        self.tree.expandAll()

    def entry_items(self) -> list[QTreeWidgetItem]:
        """Every entry item (not the group headers), in display order."""
        out: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            if item.data(0, ENTRY_ROLE):
                out.append(item)
            for child in _children(item):
                walk(child)

        walk(self.tree.invisibleRootItem())
        return out

    def apply_filter(self, text: str) -> None:
        """Show entries whose title, id or description contains ``text``; hide empty groups."""
        needle = text.strip().lower()

        def visit(item: QTreeWidgetItem) -> bool:
            entry_id = item.data(0, ENTRY_ROLE)
            if entry_id:
                entry = self.catalog.entry(entry_id)
                hay = f"{entry.title} {entry.id} {entry.description} {entry.purpose}".lower()
                shown = not needle or needle in hay
            else:
                shown = False
                for child in _children(item):
                    shown = visit(child) or shown
            item.setHidden(not shown)
            return shown

        for top in _children(self.tree.invisibleRootItem()):
            visit(top)
        self.tree.expandAll()

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        entry_id = item.data(0, ENTRY_ROLE)
        if entry_id:
            self.addRequested.emit(entry_id)
