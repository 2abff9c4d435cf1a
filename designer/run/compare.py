"""Compare (beyond the reference): two executions of a playbook side by side, differences marked.

Each execution gets its own Execution Graph; the states whose status or output differ between
them are marked on both graphs (a "≠" badge and a "≠" before their caption), and a table lists them
with both values (outputs are compared only when both runs recorded them, at DEBUG or TRACE).
Clicking a row centres that state on both graphs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.run.graph_pane import GraphPane
from designer.run.source import ExecutionSource
from designer.run.style import short_id, status_colour, status_word
from designer.run.trace import ExecutionTrace

DIFF_BADGE = "≠"


@dataclass(frozen=True)
class Difference:
    state: str
    status_a: str | None
    status_b: str | None
    output_differs: bool

    @property
    def what(self) -> str:
        parts = []
        if self.status_a != self.status_b:
            parts.append("status")
        if self.output_differs:
            parts.append("output")
        return " and ".join(parts)


def _output(trace: ExecutionTrace, name: str) -> Any:
    row = trace.last_row(name)
    if row is None or row.output_json is None:
        return None
    return json.loads(row.output_json)


def differences(doc: Any, trace_a: ExecutionTrace, trace_b: ExecutionTrace) -> list[Difference]:
    """States whose status or (recorded) output differ, in document order."""
    found = []
    for name in doc.definition:
        status_a, status_b = trace_a.status(name), trace_b.status(name)
        out_a, out_b = _output(trace_a, name), _output(trace_b, name)
        output_differs = out_a is not None and out_b is not None and out_a != out_b
        if status_a != status_b or output_differs:
            found.append(Difference(name, status_a, status_b, output_differs))
    return found


def differ_text(count: int) -> str:
    """``No differences.``, ``1 state differs.``, ``3 states differ.``"""
    if count == 0:
        return "No differences."
    return "1 state differs." if count == 1 else f"{count:,} states differ."


def add_close_keys(dialog: QDialog) -> None:
    """Esc and Ctrl+W close a run window, wherever its focus is (the graphs take Esc for
    clearing their selection otherwise)."""
    for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence("Ctrl+W")):
        shortcut = QShortcut(keys, dialog)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(dialog.close)


class CompareView(QWidget):
    """Two executions' graphs side by side with their differences."""

    def __init__(self, source: ExecutionSource, context: Any, first: str, second: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source, self.context = source, context
        self.first, self.second = first, second
        self.graph_a = GraphPane(source, context)
        self.graph_b = GraphPane(source, context)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(["State", f"A · {short_id(first)}", f"B · {short_id(second)}",
                                    "Differs in"])
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemClicked.connect(lambda item, _c: self.focus(item.text(0)))
        graphs = QSplitter()
        graphs.addWidget(self.graph_a)
        graphs.addWidget(self.graph_b)
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(graphs)
        body.addWidget(self.table)
        body.setSizes([560, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(body, 1)
        self.diffs: list[Difference] = []
        self.refresh()

    def refresh(self) -> None:
        self.graph_a.set_execution(self.first)
        self.graph_a.load_all()
        self.graph_b.set_execution(self.second)
        self.graph_b.load_all()
        doc = self.context.document.doc
        self.diffs = differences(doc, self.graph_a.trace, self.graph_b.trace)
        self.table.clear()
        for diff in self.diffs:
            item = QTreeWidgetItem([diff.state, status_word(diff.status_a) or "not executed",
                                    status_word(diff.status_b) or "not executed", diff.what])
            for col, status in ((1, diff.status_a), (2, diff.status_b)):
                if status:
                    item.setForeground(col, status_colour(status))
            self.table.addTopLevelItem(item)
        changed = {d.state for d in self.diffs}
        for graph in (self.graph_a, self.graph_b):
            for name in doc.definition:
                card = graph.scene.item(name)
                if card is None:
                    continue
                if name in changed:
                    badge = graph.trace.badge(name)
                    card.set_corner_badge(f"{badge} {DIFF_BADGE}" if badge else DIFF_BADGE)
                    caption = card.caption or "Not executed"
                    card.set_run_status(card.run_status, f"{DIFF_BADGE} {caption}")
        self.note.setText(self._summary())

    def _summary(self) -> str:
        record_a = self.source.record(self.first)
        record_b = self.source.record(self.second)
        parts = []
        if record_a and record_b:
            parts.append(f"A: {record_a.id} ({status_word(record_a.status)}, "
                         f"{record_a.profile or 'no profile'}, {record_a.log_level}) — "
                         f"B: {record_b.id} ({status_word(record_b.status)}, "
                         f"{record_b.profile or 'no profile'}, {record_b.log_level}).")
            if record_a.playbook_hash and record_b.playbook_hash and (
                    record_a.playbook_hash != record_b.playbook_hash):
                parts.append("The playbook changed between these executions.")
            if not (record_a.records_io and record_b.records_io):
                parts.append("Outputs are compared only when both ran at DEBUG or TRACE.")
        parts.append(differ_text(len(self.diffs)))
        return " ".join(parts)

    def focus(self, name: str) -> None:
        for graph in (self.graph_a, self.graph_b):
            if graph.scene.item(name) is not None:
                graph.view.center_on(name)


class CompareDialog(QDialog):
    def __init__(self, source: ExecutionSource, context: Any, first: str, second: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CompareDialog")
        self.setWindowTitle(f"Compare executions — {context.document.doc.name}")
        self.resize(1400, 820)
        self.view = CompareView(source, context, first, second, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        add_close_keys(self)
