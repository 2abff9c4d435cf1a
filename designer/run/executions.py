"""The Executions dock: the playbook's executions, newest first, live, from the history store.

Each row shows the status circle (green success, orange partially failed, red failed, grey
interrupted; a spinner while running), the session id, the start time with the log level
beside it when it was DEBUG or TRACE, and the run profile. A filter by status and a search by
session id narrow the list. Hovering a running execution turns its spinner into a **Kill**
button; Kill asks "Confirm Kill Playbook" (YES / NO) first. Executions stopped by the session
reaper show Failed, with the reaper's message as the tooltip. The list is a paged model over
``HistoryStore.list_executions``, so it survives restarts and stays fast at any length.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from designer.run.status_delegate import (
    PROFILE_COL,
    SESSION_COL,
    STATUS_COL,
    TIME_COL,
    RecordRole,
    StatusDelegate,
    confirm_kill,
    kill_rect,
)
from designer.run.style import fmt_short_time, fmt_time, short_id, status_word

PAGE = 200
COLUMNS = ("", "Session", "Time", "Profile")
FILTERS = (("All statuses", None), ("Running", "running"), ("Success", "success"),
           ("Partially failed", "partial"), ("Failed", "failed"), ("Interrupted", "interrupted"))


class ExecutionsModel(QAbstractItemModel):
    """Executions of one playbook, newest first, loaded a page at a time; the component
    executions a Circuit started (sub-playbook runs) are children of their parent's row."""

    def __init__(self, source: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.playbook: str | None = None
        self.status: str | None = None
        self.search = ""
        self.phase = 0.0
        self._rows: list[Any] = []
        self._kids: dict[str, list[Any]] = {}  # parent id -> its child executions
        self._final: set[str] = set()  # parents whose children were read once they ended
        self._more = False

    # -- Qt model ----------------------------------------------------------------------------
    # A top-level index has internal id 0; a child's is its parent's row + 1.
    def index(self, row: int, column: int,  # noqa: D102
              parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        if not 0 <= column < len(COLUMNS):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if 0 <= row < len(self._rows) \
                else QModelIndex()
        if parent.internalId() != 0:
            return QModelIndex()  # two levels: grandchildren are listed with the children
        kids = self._kids.get(self._rows[parent.row()].id, [])
        return self.createIndex(row, column, parent.row() + 1) if 0 <= row < len(kids) \
            else QModelIndex()

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> Any:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self._rows)
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        return len(self._kids.get(self._rows[parent.row()].id, []))

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return len(COLUMNS)

    def record_at(self, index: QModelIndex | QPersistentModelIndex) -> Any:
        """The execution of a row, top level or child."""
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self.record(index.row())
        parent = self.record(index.internalId() - 1)
        kids = self._kids.get(parent.id, []) if parent is not None else []
        return kids[index.row()] if 0 <= index.row() < len(kids) else None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record_at(index)
        if record is None:
            return None
        col = index.column()
        if role == RecordRole:
            return record
        if role == Qt.ItemDataRole.DisplayRole:
            if col == SESSION_COL:  # the whole id is in the tooltip and searchable
                return f"└ {short_id(record.id)}" if index.internalId() else short_id(record.id)
            if col == TIME_COL:
                return fmt_short_time(record.started)
            if col == PROFILE_COL:
                return record.profile or "—"
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record)
        if role == Qt.ItemDataRole.AccessibleTextRole and col == STATUS_COL:
            return status_word(record.status)
        return None

    @staticmethod
    def _tooltip(record: Any) -> str:
        text = f"{status_word(record.status)} · started {fmt_time(record.started)}"
        if record.parent_execution:
            text = f"Sub-playbook {record.playbook} · " + text
        text += f" · log level {record.log_level}"
        if record.profile:
            text += f" · profile {record.profile}"
        if record.message:
            text += f"\n{record.message}"
        if record.status == "running":
            text += "\nHover the indicator and click Kill to stop it."
        return text + f"\nSession {record.id}"

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._more:
            return
        page = self._query(PAGE, len(self._rows))
        self._more = len(page) == PAGE
        known = {r.id for r in self._rows}
        page = [r for r in page if r.id not in known]
        if page:
            self._load_children(page)
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    # -- loading -----------------------------------------------------------------------------
    def _query(self, limit: int, offset: int) -> list[Any]:
        if self.source.store is None or self.playbook is None:
            return []
        return self.source.reader.list_executions(playbook=self.playbook, status=self.status,
                                     search=self.search or None, limit=limit, offset=offset)

    def _live_extra(self, stored_ids: set[str]) -> list[Any]:
        """Executions started here that the store has not committed yet."""
        controller = self.source.controller
        if controller is None:
            return []
        extra = []
        held = controller.running_ids() if self.source.store is not None \
            else controller.known_ids()  # no history: what this session ran
        for execution_id in held:
            if execution_id in stored_ids:
                continue
            record = self.source.record(execution_id)
            if record is None or record.playbook != self.playbook:
                continue
            if (self.status in (None, record.status)
                    and self.search.lower() in record.id.lower()):
                extra.append(record)
        return extra

    def _load_children(self, rows: list[Any], stored: set[str] | None = None) -> None:
        """Children of ``rows`` (depth first, grandchildren after their parent), read again
        until they are read after the parent ended in the store (``stored``: the ids read from
        the store; an execution only held live may have children not written yet)."""
        reader = self.source.reader if self.source.store is not None else None
        for record in rows:
            if reader is None:
                self._kids[record.id] = []
            elif record.id not in self._final:
                kids = self._kids[record.id] = _descendants(reader, record.id)
                done = record.status != "running" and not any(
                    k.status == "running" for k in kids)
                if done and (stored is None or record.id in stored):
                    self._final.add(record.id)  # read after it ended: no more will come

    def refresh(self) -> None:
        """Re-read the loaded range (keeps rows in place when only statuses changed)."""
        limit = max(PAGE, len(self._rows))
        rows = self._query(limit, 0)
        self._more = len(rows) == limit
        stored = {r.id for r in rows}
        rows = self._live_extra(stored) + rows
        before = [(r.id, [k.id for k in self._kids.get(r.id, [])]) for r in self._rows]
        self._load_children(rows, stored)
        after = [(r.id, [k.id for k in self._kids.get(r.id, [])]) for r in rows]
        if before == after:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(rows) - 1, len(COLUMNS) - 1))
                for row, record in enumerate(rows):
                    kids = self._kids.get(record.id, [])
                    if kids:
                        parent = self.index(row, 0)
                        self.dataChanged.emit(self.index(0, 0, parent),
                                              self.index(len(kids) - 1, len(COLUMNS) - 1,
                                                         parent))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def record(self, row: int) -> Any:
        """The top-level execution at ``row``."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, execution_id: str) -> int:
        """The top-level row of an execution (-1 when it is not a top-level row)."""
        return next((i for i, r in enumerate(self._rows) if r.id == execution_id), -1)

    def index_of(self, execution_id: str, column: int = 0) -> QModelIndex:
        """The index of an execution's row, top level or child (invalid when not listed)."""
        for row, record in enumerate(self._rows):
            if record.id == execution_id:
                return self.index(row, column)
            for child_row, child in enumerate(self._kids.get(record.id, [])):
                if child.id == execution_id:
                    return self.index(child_row, column, self.index(row, 0))
        return QModelIndex()

    def children_of(self, execution_id: str) -> list[Any]:
        """The child executions listed under a top-level execution."""
        return list(self._kids.get(execution_id, []))

    def running_indexes(self) -> list[QModelIndex]:
        """Status cells of the running executions (top level and children)."""
        found = []
        for row, record in enumerate(self._rows):
            if record.status == "running":
                found.append(self.index(row, STATUS_COL))
            for child_row, child in enumerate(self._kids.get(record.id, [])):
                if child.status == "running":
                    found.append(self.index(child_row, STATUS_COL, self.index(row, 0)))
        return found

    def running_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.status == "running"]


def _descendants(reader: Any, execution_id: str) -> list[Any]:
    """Child executions of an execution, depth first (a child's children follow it)."""
    found = []
    for child in reader.children(execution_id):
        found.append(child)
        found.extend(_descendants(reader, child.id))
    return found


def time_column_width(view: QWidget) -> int:
    """Room for ``22 Nov 14:03:22`` and a DEBUG / TRACE pill beside it, and no more."""
    metrics = view.fontMetrics()
    pill = QFont(view.font())
    pill.setPointSizeF(max(6.5, pill.pointSizeF() - 1.5))
    pill.setBold(True)
    pill_width = QFontMetrics(pill).horizontalAdvance("TRACE") + 10
    return metrics.horizontalAdvance("22 Nov 14:03:22") + pill_width + 8 + 10 + 4


class ExecutionsPanel(QWidget):
    """The Executions dock's widget."""

    executionActivated = Signal(str)
    killRequested = Signal(str)
    replayRequested = Signal(str)
    compareRequested = Signal(str, str)

    def __init__(self, source: Any, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.context = context
        self.hover_id: str | None = None  # the execution under the pointer
        self.compare_with: str | None = None  # the execution open on the screen
        self.model = ExecutionsModel(source, self)
        self.status_filter = QComboBox()
        for text, value in FILTERS:
            self.status_filter.addItem(text, value)
        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        self.search = QLineEdit(placeholderText="Search session ID")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        # A tree: a Circuit's child executions are listed, indented, under their parent.
        self.view = QTreeView()
        self.view.setObjectName("ExecutionsList")
        self.view.setModel(self.model)
        self.view.setItemDelegate(StatusDelegate(self))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setRootIsDecorated(False)  # children always shown: no expander column
        self.view.setItemsExpandable(False)
        self.view.setIndentation(12)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setMouseTracking(True)
        # Status, session and time are what the list is for; the profile takes what is left
        # (its tooltip has it whole) rather than a sideways scroll bar.
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.model.modelReset.connect(self.view.expandAll)
        self.model.rowsInserted.connect(lambda *_: self.view.expandAll())
        header = self.view.header()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(24)
        header.setSectionResizeMode(STATUS_COL, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(STATUS_COL, 36)
        header.setSectionResizeMode(SESSION_COL, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(TIME_COL, time_column_width(self.view))
        header.setStretchLastSection(True)
        self.view.clicked.connect(self._clicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.entered.connect(self._hovered)
        self.view.viewport().installEventFilter(self)
        self._debounce: QTimer = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self._filters_changed)
        self._refresh_timer = QTimer(self, singleShot=True, interval=100)
        self._refresh_timer.timeout.connect(self.refresh)
        self._spinner = QTimer(self, interval=80)
        self._spinner.timeout.connect(self._spin)
        bar = QHBoxLayout()
        bar.addWidget(self.status_filter)
        bar.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.set_playbook(context.document.doc.name)

    # -- data --------------------------------------------------------------------------------
    def set_playbook(self, name: str | None) -> None:
        self.model.playbook = name
        self.refresh()

    def schedule_refresh(self) -> None:
        """Refresh soon (many signals in a burst make one re-read)."""
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh(self) -> None:
        selected = self.selected_id()
        self.model.refresh()
        if selected:
            self.select(selected)
        running = bool(self.model.running_indexes())
        if running and not self._spinner.isActive():
            self._spinner.start()
        elif not running:
            self._spinner.stop()

    def _filters_changed(self) -> None:
        self.model.status = self.status_filter.currentData()
        self.model.search = self.search.text().strip()
        self.refresh()

    def selected_id(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        record = self.model.record_at(rows[0]) if rows else None
        return record.id if record is not None else None

    def select(self, execution_id: str) -> None:
        index = self.model.index_of(execution_id)
        if index.isValid():
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self.view.selectionModel().select(index, flags)
            self.view.scrollTo(index)

    def _spin(self) -> None:
        self.model.phase = (self.model.phase + 0.08) % 1.0
        for index in self.model.running_indexes():
            self.view.update(index)

    # -- interaction -------------------------------------------------------------------------
    def _clicked(self, index: QModelIndex) -> None:
        record = self.model.record_at(index)
        if record is not None:
            self.executionActivated.emit(record.id)

    def menu_for(self, execution_id: str) -> QMenu:
        """Open, Replay…, Compare with the open execution, Kill (running ones)."""
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.executionActivated.emit(execution_id))
        menu.addAction("Replay…", lambda: self.replayRequested.emit(execution_id))
        other = self.compare_with
        compare = menu.addAction(
            f"Compare with {other[:8]}…" if other and other != execution_id
            else "Compare with… (open another execution first)",
            lambda: self.compareRequested.emit(other or "", execution_id))
        compare.setEnabled(bool(other) and other != execution_id)
        if self.source.is_running(execution_id):
            menu.addSeparator()
            menu.addAction("Kill…", lambda: self.request_kill(execution_id))
        return menu

    def _context_menu(self, point: Any) -> None:
        record = self.model.record_at(self.view.indexAt(point))
        if record is not None:
            self.menu_for(record.id).popup(self.view.viewport().mapToGlobal(point))

    @property
    def hover_row(self) -> int:
        """The top-level row under the pointer (-1: none, or a child execution's row)."""
        return self.model.row_of(self.hover_id) if self.hover_id else -1

    def _hovered(self, index: QModelIndex) -> None:
        record = self.model.record_at(index) if index.isValid() else None
        hover = record.id if record is not None else None
        if hover != self.hover_id:
            old, self.hover_id = self.hover_id, hover
            for execution_id in (old, hover):
                if execution_id:
                    self.view.update(self.model.index_of(execution_id, STATUS_COL))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.view.viewport():
            if event.type() == QEvent.Type.Leave:
                self._hovered(QModelIndex())
            elif (event.type() == QEvent.Type.MouseButtonPress
                  and isinstance(event, QMouseEvent)
                  and event.button() == Qt.MouseButton.LeftButton):
                index = self.view.indexAt(event.position().toPoint())
                if self._on_kill_button(index, event.position().toPoint()):
                    self.request_kill(self.model.record_at(index).id)
                    return True
        return super().eventFilter(watched, event)

    def _on_kill_button(self, index: QModelIndex, point: Any) -> bool:
        if not index.isValid() or index.column() != STATUS_COL:
            return False
        record = self.model.record_at(index)
        if record is None or record.status != "running":
            return False
        return kill_rect(self.view.visualRect(index)).contains(point)

    def kill_button_center(self, execution_id: str) -> Any:
        """Where to click to kill (tests, accessibility)."""
        index = self.model.index_of(execution_id, STATUS_COL)
        return kill_rect(self.view.visualRect(index)).center()

    def request_kill(self, execution_id: str) -> bool:
        """Ask "Confirm Kill Playbook", then kill the execution."""
        record = self.source.record(execution_id)
        if record is None or not self.source.is_running(execution_id):
            return False
        if not confirm_kill(self, record):
            return False
        self.killRequested.emit(execution_id)
        return True
