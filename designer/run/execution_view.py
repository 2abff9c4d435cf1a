"""The execution screen: one execution's header over its Execution Details and Execution Graph.

:class:`ExecutionHeader` shows SESSION, STATUS, STARTED, COMPLETED (empty unless it completed),
PLAYBOOK, JOB SERVER, WORKER and LOG LEVEL, and — when the log level was DEBUG or TRACE, once
the execution is over — DOWNLOAD OS LOGS (one ZIP of per-step ZIPs). Its layout chooser puts
the two panes side by side (the default), stacked, or in tabs, and the choice persists
(``QSettings`` key ``run/executionLayout``). While a sub-playbook's execution is shown (VIEW
EXECUTION), a Close button returns to the parent's.

:class:`ExecutionScreen` binds header, graph and details to one execution and to the run
controller's live signals; :class:`ExecutionView` is the same screen as one widget (the panes
in a splitter or tabs), while ``install_run_ui`` puts the panes in dock widgets instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer import theme
from designer.run.log_tabs import ask_save_path
from designer.run.style import IO_LEVELS, fmt_time, status_colour, status_word
from runtime.history import HistoryError, write_os_logs_zip

LAYOUT_KEY = "run/executionLayout"
NO_OS_LOGS = ("This execution has no OS logs: none of its steps wrote to standard output or "
              "standard error (only Function steps do).")
LAYOUTS = (("side_by_side", "▥", "Side by side"), ("stacked", "▤", "Stacked"),
           ("tabbed", "▭", "Tabbed"))
DEFAULT_LAYOUT = "side_by_side"
WIDE_HEADER = 1000
HEADER_FIELDS = ("SESSION", "STATUS", "STARTED", "COMPLETED", "PLAYBOOK", "JOB SERVER",
                 "WORKER", "LOG LEVEL")


def tell(parent: QWidget, title: str, text: str) -> None:
    """An information window (a function so tests can see what it said)."""
    QMessageBox.information(parent, title, text)


def saved_layout() -> str:
    value = QSettings().value(LAYOUT_KEY, DEFAULT_LAYOUT)
    return value if value in {key for key, _, _ in LAYOUTS} else DEFAULT_LAYOUT


class ExecutionHeader(QWidget):
    """The execution screen's header row."""

    layoutChosen = Signal(str)
    closeRequested = Signal()

    def __init__(self, source: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ExecutionHeader")
        self.source = source
        self.execution_id: str | None = None
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(1)
        self.grid = grid
        self.keys: dict[str, QLabel] = {}
        self._per_row = 0
        for field in HEADER_FIELDS:
            label = QLabel(field)
            theme.tone(label, "key")
            label.setStyleSheet("font-size: 7.5pt; font-weight: 600;")
            label.setContentsMargins(0, 3, 0, 0)
            value = QLabel("—")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.keys[field] = label
            self.values[field] = value
        self._arrange(len(HEADER_FIELDS))
        self.breadcrumb = QLabel()
        theme.tone(self.breadcrumb, "muted")
        self.breadcrumb.hide()
        self.download = QPushButton("DOWNLOAD OS LOGS")
        self.download.setObjectName("DownloadOsLogs")
        self.download.setToolTip("Download a ZIP holding one ZIP of OS logs per step")
        self.download.clicked.connect(self.download_os_logs)
        self.layout_buttons = QButtonGroup(self)
        self.layout_buttons.setExclusive(False)  # none is checked for a layout of one's own
        chooser = QHBoxLayout()
        chooser.setSpacing(0)
        for key, glyph, tip in LAYOUTS:
            button = QToolButton()
            button.setText(glyph)
            button.setObjectName(f"Layout_{key}")
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolTip(f"{tip}: Execution Details and Execution Graph")
            button.setProperty("layout", key)
            self.layout_buttons.addButton(button)
            chooser.addWidget(button)
        self.layout_buttons.buttonClicked.connect(
            lambda b: self.layoutChosen.emit(b.property("layout")))
        self.close_button = QToolButton()
        self.close_button.setText("✕ Close")
        self.close_button.setObjectName("CloseChildExecution")
        self.close_button.setToolTip("Return to the parent playbook's execution")
        self.close_button.clicked.connect(self.closeRequested)
        self.close_button.hide()
        top = self.top_layout = QHBoxLayout()
        top.setContentsMargins(8, 2, 8, 2)
        left = QVBoxLayout()
        left.addWidget(self.breadcrumb)
        left.addLayout(grid)
        left.addStretch(1)
        top.addLayout(left, 1)
        top.addWidget(self.download, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addLayout(chooser)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setLayout(top)
        self.show_execution(None)

    def _arrange(self, per_row: int) -> None:
        """Fields in one row, or in two rows of four when the header is narrow."""
        if per_row == self._per_row:
            return
        self._per_row = per_row
        for index, field in enumerate(HEADER_FIELDS):
            row, col = divmod(index, per_row)
            self.grid.addWidget(self.keys[field], row * 2, col)
            self.grid.addWidget(self.values[field], row * 2 + 1, col)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_rows()

    def one_row_width(self) -> int:
        """The width the fields need in one row, beside the buttons on the right."""
        spacing = self.grid.horizontalSpacing()
        fields = sum(max(self.keys[f].sizeHint().width(), self.values[f].sizeHint().width())
                     + spacing for f in HEADER_FIELDS)
        buttons = sum(w.sizeHint().width() + 8 for w in (self.download, self.close_button)
                      if not w.isHidden())
        buttons += sum(b.sizeHint().width() for b in self.layout_buttons.buttons())
        margins = self.top_layout.contentsMargins()
        return fields + buttons + margins.left() + margins.right() + 16

    def _fit_rows(self) -> None:
        """Fields in one row when they fit whole, else in two rows of four (never clipped)."""
        wide = self.width() >= max(WIDE_HEADER, self.one_row_width())
        self._arrange(len(HEADER_FIELDS) if wide else len(HEADER_FIELDS) // 2)

    def minimumSizeHint(self) -> Any:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        hint.setWidth(min(hint.width(), 480))
        return hint

    def set_layout_choice(self, key: str) -> None:
        """Highlight the button of ``key`` ("" highlights none)."""
        for button in self.layout_buttons.buttons():
            button.setChecked(button.property("layout") == key)

    def set_child(self, text: str | None) -> None:
        """Drilled into a sub-playbook: show where from, and Close."""
        self.breadcrumb.setText(text or "")
        self.breadcrumb.setVisible(bool(text))
        self.close_button.setVisible(bool(text))

    def show_execution(self, execution_id: str | None) -> None:
        self.execution_id = execution_id
        record = self.source.record(execution_id) if execution_id else None
        if record is None:
            for value in self.values.values():
                value.setText("—")
            self.download.hide()
            return
        colour = status_colour(record.status).name()
        texts = {
            "SESSION": record.id,
            "STATUS": f"<span style='color:{colour}'>●</span> {status_word(record.status)}",
            "STARTED": fmt_time(record.started),
            "COMPLETED": fmt_time(record.completed),
            "PLAYBOOK": record.playbook,
            "JOB SERVER": record.job_server,
            "WORKER": record.worker,
            "LOG LEVEL": record.log_level,
        }
        for field, text in texts.items():
            self.values[field].setText(text)
        self.values["STATUS"].setToolTip(record.message or "")
        finished = record.status not in ("running",) and not self.source.is_running(record.id)
        self.download.setVisible(record.log_level.upper() in IO_LEVELS and finished)
        self._fit_rows()

    def download_os_logs(self) -> Any:
        """Save every step's OS logs as one ZIP of ZIPs; an execution without any says so
        instead of saving an empty archive."""
        if self.execution_id is None:
            return None
        if not self.source.os_logs(self.execution_id):
            tell(self, "Download OS Logs", NO_OS_LOGS)
            return None
        out = ask_save_path(self, "Download OS Logs", f"{self.execution_id}-os-logs.zip",
                            "ZIP archives (*.zip)")
        if out is None:
            return None
        if out.suffix.lower() != ".zip":
            out = out.with_suffix(".zip")
        try:
            write_os_logs_zip(self.source.store, self.execution_id, out)
        except (HistoryError, OSError) as exc:
            self.download.setToolTip(f"Download failed: {exc}")
            return None
        return out


class ExecutionScreen(QObject):
    """Binds header, graph and details to one execution; drills into sub-playbooks."""

    executionShown = Signal(str)

    def __init__(self, source: Any, context: Any, header: ExecutionHeader, graph: Any,
                 details: Any, controller: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source, self.context, self.controller = source, context, controller
        self.header, self.graph, self.details = header, graph, details
        self.execution_id: str | None = None
        self.stack: list[tuple[str, Any, str | None, int | None]] = []
        self._details_timer = QTimer(self, singleShot=True, interval=250)
        self._details_timer.timeout.connect(self.details.refresh)
        graph.selectionChanged.connect(self._selected)
        details.run_counter = graph.run_count
        details.viewExecutionRequested.connect(self.view_child)
        header.closeRequested.connect(self.close_child)
        if controller is not None:
            controller.stepsArrived.connect(self._rows)
            controller.executionUpdated.connect(self._updated)
            controller.executionFinished.connect(self._finished)

    def open(self, execution_id: str | None, *, keep_children: bool = False) -> None:
        """Show an execution (from the top: a drilled-in child view is closed)."""
        if not keep_children:
            while self.stack:
                self._pop()
        self.execution_id = execution_id
        self.header.show_execution(execution_id)
        self.graph.set_execution(execution_id)
        if execution_id is None:
            self.details.clear()
        else:
            self.details.show_trigger(execution_id)
        self.executionShown.emit(execution_id or "")

    def _selected(self, name: str, iteration: Any) -> None:
        if self.execution_id is not None and name:
            self.details.show_state(self.execution_id, name, iteration)

    # -- live --------------------------------------------------------------------------------
    def _rows(self, execution_id: str, rows: list[tuple[Any, ...]]) -> None:
        if execution_id != self.execution_id:
            return
        changed = self.graph.add_rows(execution_id, rows)
        state, iteration = self.details.state, self.details.iteration
        if not state or self._details_timer.isActive():
            return
        if iteration is not None and self.details.row is not None:
            return  # one Batch iteration's step, already shown: it does not change
        if state in changed:
            self._details_timer.start()

    def _updated(self, execution_id: str) -> None:
        if execution_id == self.execution_id:
            self.graph.update_running()

    def _finished(self, execution_id: str, _status: str) -> None:
        if execution_id == self.execution_id:
            self.header.show_execution(execution_id)
            self.graph.update_running()
            self.details.refresh()

    # -- sub-playbooks -------------------------------------------------------------------------
    def view_child(self, child_id: str, state: str) -> bool:
        """VIEW EXECUTION: show a Circuit step's child execution (graph and details)."""
        if self.execution_id is None:
            return False
        parent_context = self.graph.context
        node = parent_context.document.doc.definition.get(state)
        circuit_id = getattr(node, "circuit_id", None) or ""
        child_context = self._child_context(parent_context, circuit_id)
        if child_context is None:
            return False
        self.stack.append((self.execution_id, parent_context, state, self.details.iteration))
        self.graph.set_context(child_context)
        self.details.context = child_context
        self.header.set_child(f"Sub-playbook {circuit_id!r} run by {state} · parent session "
                              f"{self.execution_id}")
        self.details.allow_profiles(False)
        self.open(child_id, keep_children=True)
        return True

    def _child_context(self, parent_context: Any, circuit_id: str) -> Any:
        """A read-only context holding the sub-playbook's document (found beside the file)."""
        from designer.context import DesignerContext
        from designer.document import EditableDocument
        from runtime.loader import PlaybookLoadError, load_playbook

        path = parent_context.document.path
        if not circuit_id or path is None:
            self.details.clear("The sub-playbook cannot be found: save the playbook first.")
            return None
        name = circuit_id if circuit_id.endswith(".json") else f"{circuit_id}.playbook.json"
        child_path = (Path(path).parent / name).resolve()
        try:
            loaded = load_playbook(child_path)
        except (OSError, ValueError, PlaybookLoadError) as exc:
            self.details.clear(f"The sub-playbook {circuit_id!r} cannot be opened: {exc}")
            return None
        return DesignerContext(EditableDocument(loaded.document, path=child_path), self)

    def close_child(self) -> None:
        """Close the sub-playbook's execution and return to the parent's."""
        if not self.stack:
            return
        execution_id, _context, state, iteration = self._pop()
        self.open(execution_id, keep_children=True)
        if state:
            self.graph.select(state, iteration)

    def _pop(self) -> tuple[str, Any, str | None, int | None]:
        execution_id, context, state, iteration = self.stack.pop()
        child_context = self.graph.context
        self.graph.set_context(context)
        if child_context is not self.context and child_context is not context:
            child_context.deleteLater()
        self.details.context = context
        if not self.stack:
            self.details.allow_profiles(True)
            self.header.set_child(None)
        return execution_id, context, state, iteration


class ExecutionView(QWidget):
    """The execution screen as one widget: header over details and graph (layout chooser)."""

    def __init__(self, source: Any, context: Any, controller: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from designer.run.details_pane import DetailsPane
        from designer.run.graph_pane import GraphPane

        self.header = ExecutionHeader(source)
        self.details = DetailsPane(source, context)
        self.graph = GraphPane(source, context)
        # not "screen": that is QWidget.screen()
        self.execution_screen = ExecutionScreen(source, context, self.header, self.graph,
                                                self.details, controller, self)
        self.body = QStackedWidget()
        self.splitter = QSplitter()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.body.addWidget(self.splitter)
        self.body.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.body, 1)
        self.header.layoutChosen.connect(self.set_pane_layout)
        self.pane_layout = ""
        self.set_pane_layout(saved_layout(), save=False)

    def open(self, execution_id: str | None) -> None:
        self.execution_screen.open(execution_id)

    def set_pane_layout(self, key: str, save: bool = True) -> None:
        """Side by side, stacked or tabbed; remembered in QSettings."""
        arrange_in_widgets(self, key)
        self.pane_layout = key
        self.header.set_layout_choice(key)
        if save:
            QSettings().setValue(LAYOUT_KEY, key)


def arrange_in_widgets(view: ExecutionView, key: str) -> None:
    details, graph = view.details, view.graph
    if key == "tabbed":
        view.tabs.addTab(details, "Execution Details")
        view.tabs.addTab(graph, "Execution Graph")
        view.body.setCurrentWidget(view.tabs)
        return
    view.splitter.addWidget(details)
    view.splitter.addWidget(graph)
    view.splitter.setOrientation(Qt.Orientation.Vertical if key == "stacked"
                                 else Qt.Orientation.Horizontal)
    view.splitter.setSizes([420, 760] if key == "side_by_side" else [360, 480])
    view.body.setCurrentWidget(view.splitter)

