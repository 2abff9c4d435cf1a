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
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
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


class ExecutionsModel(QAbstractTableModel):
    """Executions of one playbook, newest first, loaded a page at a time."""

    def __init__(self, source: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.playbook: str | None = None
        self.status: str | None = None
        self.search = ""
        self.phase = 0.0
        self._rows: list[Any] = []
        self._more = False

    # -- Qt model ----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        col = index.column()
        if role == RecordRole:
            return record
        if role == Qt.ItemDataRole.DisplayRole:
            if col == SESSION_COL:
                return short_id(record.id)  # the whole id is in the tooltip and searchable
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
        text += f" · log level {record.log_level}"
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

    def refresh(self) -> None:
        """Re-read the loaded range (keeps rows in place when only statuses changed)."""
        limit = max(PAGE, len(self._rows))
        rows = self._query(limit, 0)
        self._more = len(rows) == limit
        rows = self._live_extra({r.id for r in rows}) + rows
        if [r.id for r in rows] == [r.id for r in self._rows]:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, 3))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def record(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, execution_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == execution_id), -1)

    def running_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.status == "running"]


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
        self.hover_row = -1
        self.compare_with: str | None = None  # the execution open on the screen
        self.model = ExecutionsModel(source, self)
        self.status_filter = QComboBox()
        for text, value in FILTERS:
            self.status_filter.addItem(text, value)
        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        self.search = QLineEdit(placeholderText="Search session ID")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(StatusDelegate(self))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.setMouseTracking(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
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
        self._debounce = QTimer(self, singleShot=True, interval=120)
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
            row = self.model.row_of(selected)
            if row >= 0:
                self.view.selectRow(row)
        running = bool(self.model.running_rows())
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
        record = self.model.record(rows[0].row()) if rows else None
        return record.id if record is not None else None

    def select(self, execution_id: str) -> None:
        row = self.model.row_of(execution_id)
        if row >= 0:
            self.view.selectRow(row)

    def _spin(self) -> None:
        self.model.phase = (self.model.phase + 0.08) % 1.0
        for row in self.model.running_rows():
            index = self.model.index(row, STATUS_COL)
            self.view.update(index)

    # -- interaction -------------------------------------------------------------------------
    def _clicked(self, index: QModelIndex) -> None:
        record = self.model.record(index.row())
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
        record = self.model.record(self.view.indexAt(point).row())
        if record is not None:
            self.menu_for(record.id).popup(self.view.viewport().mapToGlobal(point))

    def _hovered(self, index: QModelIndex) -> None:
        row = index.row() if index.isValid() else -1
        if row != self.hover_row:
            old, self.hover_row = self.hover_row, row
            for r in (old, row):
                if r >= 0:
                    self.view.update(self.model.index(r, STATUS_COL))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.view.viewport():
            if event.type() == QEvent.Type.Leave:
                self._hovered(QModelIndex())
            elif (event.type() == QEvent.Type.MouseButtonPress
                  and event.button() == Qt.MouseButton.LeftButton):
                index = self.view.indexAt(event.position().toPoint())
                if self._on_kill_button(index, event.position().toPoint()):
                    self.request_kill(self.model.record(index.row()).id)
                    return True
        return super().eventFilter(watched, event)

    def _on_kill_button(self, index: QModelIndex, point: Any) -> bool:
        if not index.isValid() or index.column() != STATUS_COL:
            return False
        record = self.model.record(index.row())
        if record is None or record.status != "running":
            return False
        return kill_rect(self.view.visualRect(index)).contains(point)

    def kill_button_center(self, execution_id: str) -> Any:
        """Where to click to kill (tests, accessibility)."""
        index = self.model.index(self.model.row_of(execution_id), STATUS_COL)
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
