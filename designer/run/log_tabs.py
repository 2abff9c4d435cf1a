"""The App Logs and OS Logs tabs of Execution Details, with their downloads (both are
:class:`~designer.run.details_tabs.DetailsTab` subclasses).

App Logs lists the selected step's log lines (the whole execution's for the trigger), with a
search bar and **Download CSV** (``runtime.history.write_logs_csv``, the same search applied).
OS Logs shows a Function step's standard output and error; every other selection says "OS Logs
not available for this selection", as the reference does; its Download ZIP saves that step's
OS logs under a name of their own (``<session>-0001-Extract_indicators-os-logs.zip``).
DOWNLOAD OS LOGS in the execution header saves the whole execution's, as one ZIP holding a ZIP
per step (``write_os_logs_zip``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer import theme
from designer.run.details_tabs import DetailsTab, StepSelection
from designer.run.json_view import mono_font
from designer.run.style import fmt_time
from runtime.history import HistoryError, StepRow, write_logs_csv
from runtime.history.export import inner_zip_name

OS_NOT_AVAILABLE = "OS Logs not available for this selection"
LEVEL_ROLES = {"ERROR": "log.ERROR", "WARN": "log.WARN", "DEBUG": "log.DEBUG",
               "TRACE": "log.TRACE"}  # designer.theme colour roles
MAX_SHOWN = 5000


def ask_save_path(parent: QWidget, title: str, suggested: str, filters: str) -> Path | None:
    """Ask where to save a download (a function so tests can replace the dialog)."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return Path(path) if path else None


def _note_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    theme.tone(label, "muted")
    label.setStyleSheet("padding: 24px;")
    return label


class AppLogsTab(DetailsTab):
    """Searchable App log lines of a step (or the execution) with Download CSV."""

    title = "App Logs"
    downloaded = Signal(str)

    def __init__(self, source: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.execution_id: str | None = None
        self.seq: int | None = None
        self.search = QLineEdit(placeholderText="Search logs")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.download = QPushButton("Download CSV")
        self.download.setToolTip("Download these log lines as a .csv file")
        self.download.clicked.connect(self.download_csv)
        self.count = QLabel()
        theme.tone(self.count, "muted")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Time", "Level", "Message"])
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._rows_timer = QTimer(self, singleShot=True, interval=50)
        self._rows_timer.timeout.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._rows_timer.start())
        self.note = _note_label()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.note)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)
        bar.addWidget(self.download)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        theme.manager().changed.connect(self.recolour)

    def recolour(self, _dark: bool = False) -> None:
        """The scheme changed: the level column takes the new scheme's colours."""
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, 1)
            role = LEVEL_ROLES.get(cell.text()) if cell is not None else None
            if cell is not None and role:
                cell.setForeground(theme.colour(role))

    def show_step(self, selection: StepSelection) -> None:
        step = selection.step
        self.show_for(selection.execution_id, step.seq if step is not None else None)

    def show_for(self, execution_id: str | None, seq: int | None) -> None:
        """Show a step's lines (the execution's for None); another execution starts with an
        empty search (a search typed for one session would hide the next one's lines)."""
        if execution_id != self.execution_id and self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self._debounce.stop()
        self.execution_id, self.seq = execution_id, seq
        self.reload()

    def reload(self) -> None:
        self.table.setRowCount(0)
        if self.execution_id is None:
            self.count.setText("")
            return
        lines = self.source.logs(self.execution_id, seq=self.seq,
                                 search=self.search.text().strip() or None)
        shown_lines = lines[:MAX_SHOWN]
        self.table.setRowCount(len(shown_lines))
        for row, line in enumerate(shown_lines):
            cells = (QTableWidgetItem(fmt_time(line.time, date=False)),
                     QTableWidgetItem(line.level), QTableWidgetItem(line.message))
            cells[0].setToolTip(fmt_time(line.time))
            cells[2].setToolTip(line.message)
            role = LEVEL_ROLES.get(line.level)
            if role:
                cells[1].setForeground(theme.colour(role))
            for col, cell in enumerate(cells):
                cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.table.setItem(row, col, cell)
        if len(shown_lines) <= 500:
            self.table.resizeRowsToContents()
        shown = f"{len(lines):,} line{'s' if len(lines) != 1 else ''}"
        self.count.setText(shown + (f" (first {MAX_SHOWN:,} shown)" if len(lines) > MAX_SHOWN
                                    else ""))
        if not lines:
            searched = self.search.text().strip()
            self.note.setText(f"No log lines match “{searched}”." if searched
                              else "No App logs for this selection.")
            self.stack.setCurrentWidget(self.note)
        else:
            self.stack.setCurrentWidget(self.table)
        stored = not self.source.is_running(self.execution_id)
        self.download.setEnabled(stored)
        self.download.setToolTip("Download these log lines as a .csv file" if stored else
                                 "Available once the execution completes")

    def lines_shown(self) -> list[str]:
        return [cell.text() for i in range(self.table.rowCount())
                if (cell := self.table.item(i, 2)) is not None]

    def download_csv(self) -> Path | None:
        if self.execution_id is None:
            return None
        suggested = f"{self.execution_id}-app-logs.csv"
        out = ask_save_path(self, "Download App Logs", suggested, "CSV files (*.csv)")
        if out is None:
            return None
        if out.suffix.lower() != ".csv":
            out = out.with_suffix(".csv")
        try:
            rows = write_logs_csv(self.source.store, self.execution_id, out, seq=self.seq,
                                  search=self.search.text().strip() or None)
        except (HistoryError, OSError) as exc:
            self.count.setText(f"Download failed: {exc}")
            return None
        self.count.setText(f"{rows:,} lines saved to {out.name}")
        self.downloaded.emit(str(out))
        return out


class OsLogsTab(DetailsTab):
    """A Function step's stdout / stderr, and Download ZIP of this step's OS logs (named after
    the step; DOWNLOAD OS LOGS in the header saves the whole execution's)."""

    title = "OS Logs"
    downloaded = Signal(str)

    def __init__(self, source: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.execution_id: str | None = None
        self.step: Any = None
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setFont(mono_font())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.note = _note_label()
        self.download = QPushButton("Download ZIP")
        self.download.setToolTip("Download this step's OS logs (standard output and standard "
                                 "error) as a ZIP")
        self.download.clicked.connect(self.download_zip)
        self.caption = QLabel()
        theme.tone(self.caption, "muted")
        bar = QHBoxLayout()
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.download)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.text)
        self.stack.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

    def show_step(self, selection: StepSelection) -> None:
        self.show_for(selection.execution_id, selection.step)

    def show_for(self, execution_id: str | None, row: StepRow | None) -> None:
        """Show the OS logs of a step record (None: the trigger or nothing selected)."""
        self.execution_id = execution_id
        self.step = row
        self.text.clear()
        if execution_id is None or row is None or row.type != "function":
            self._note(OS_NOT_AVAILABLE)
            return
        if self.source.store is None:
            self._note("OS logs are kept in the execution history, which is not open.")
            return
        chunks = self.source.os_logs(execution_id, row.seq)
        if not chunks:
            running = self.source.is_running(execution_id)
            self._note("OS logs are available once the execution completes." if running
                       else "This step wrote nothing to standard output or standard error.")
            return
        parts = []
        for stream in ("stdout", "stderr"):
            text = "".join(c.text for c in chunks if c.stream == stream)
            if text:
                parts.append(f"── {stream} ──\n{text.rstrip()}")
        self.text.setPlainText("\n\n".join(parts))
        self.caption.setText(f"{len(chunks)} chunk{'s' if len(chunks) != 1 else ''} · "
                             "standard output and standard error")
        self.stack.setCurrentWidget(self.text)
        self.download.setVisible(True)

    def _note(self, text: str) -> None:
        self.note.setText(text)
        self.caption.setText("")
        self.download.setVisible(False)  # nothing to download for this selection
        self.stack.setCurrentWidget(self.note)

    def note_text(self) -> str:
        return self.note.text() if self.stack.currentWidget() is self.note else ""

    def download_zip(self) -> Path | None:
        """Save this step's OS logs as ``<session>-<seq>-<state>-os-logs.zip`` holding
        ``stdout.txt`` and ``stderr.txt``."""
        if self.execution_id is None or self.step is None:
            return None
        seq, state = self.step[1], self.step[2]  # the step record's seq and state
        suggested = f"{self.execution_id}-{step_file_stem(seq, state)}-os-logs.zip"
        out = ask_save_path(self, "Download OS Logs of a Step", suggested,
                            "ZIP archives (*.zip)")
        if out is None:
            return None
        if out.suffix.lower() != ".zip":
            out = out.with_suffix(".zip")
        try:
            chunks = self.source.os_logs(self.execution_id, seq)
            write_step_os_logs_zip(chunks, out)
        except (HistoryError, OSError) as exc:
            self.caption.setText(f"Download failed: {exc}")
            return None
        self.caption.setText(f"OS logs of {state} saved to {out.name}")
        self.downloaded.emit(str(out))
        return out


def step_file_stem(seq: int, state: str) -> str:
    """``0001-Extract_indicators``: the step's name in file names (as inside the whole ZIP)."""
    return inner_zip_name(seq, state).removesuffix(".zip")


def write_step_os_logs_zip(chunks: list[Any], out: Path) -> None:
    """One step's OS logs as a ZIP of ``stdout.txt`` and ``stderr.txt``."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for stream in ("stdout", "stderr"):
            archive.writestr(f"{stream}.txt",
                             "".join(c.text for c in chunks if c.stream == stream))
