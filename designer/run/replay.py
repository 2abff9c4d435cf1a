"""Replay (beyond the reference): play a past execution back on its graph, for trainers.

The steps of a stored execution are replayed in the order they finished, on an Execution Graph
of their own: a scrubber (slider over the steps), Play / Pause, one step back or forward, and a
speed in steps per second. At each position the graph shows exactly what the live view showed
at that moment — finished states coloured, the next step running, the rest pending — and the
last position is the finished execution. The Execution Details beside it follow the step just
replayed. The replay reads the history only; it never runs anything.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.run.details_pane import DetailsPane
from designer.run.graph_pane import GraphPane
from designer.run.live import LiveExecution
from designer.run.source import ExecutionSource
from designer.run.style import fmt_time, status_word
from runtime.history import StepRow

SPEEDS = (("0.5", 0.5), ("1", 1.0), ("2", 2.0), ("5", 5.0), ("10", 10.0), ("50", 50.0),
          ("200", 200.0), ("1000", 1000.0))
TICK_MS = 16
CONTAINERS = ("parallel", "batch")


def finish_order(rows: list[StepRow]) -> list[StepRow]:
    """Steps in the order they finished: by end time, then seq, and a Parallel or Batch step
    after every step it ran (they can end at the same simulated instant)."""
    ordered = sorted(rows, key=lambda r: (r.ended if r.ended is not None else r.started, r.seq))
    containers = sorted((r for r in ordered if r.type in CONTAINERS), key=lambda r: -r.seq)
    for container in containers:
        seq = container.seq
        inside = _descendants(ordered, seq)
        if not inside:
            continue
        ordered.remove(container)
        last = max(i for i, r in enumerate(ordered) if r.seq in inside)
        ordered.insert(last + 1, container)
    return ordered


def _descendants(rows: list[StepRow], seq: int) -> set[int]:
    found: set[int] = set()
    frontier = {seq}
    while frontier:
        children = {r.seq for r in rows if r.parent_seq in frontier} - found
        found |= children
        frontier = children
    return found


class ReplaySource(ExecutionSource):
    """An execution source whose one execution is the replayed prefix of a stored one."""

    def __init__(self, base: ExecutionSource, execution_id: str) -> None:
        super().__init__(None, base.store)
        self.base = base
        self.execution_id = execution_id
        record = base.record(execution_id)
        self.fake = LiveExecution(execution_id, record.started if record else None,
                                  record.playbook if record else "")
        self.fake.confirmed = False

    def live(self, execution_id: str) -> LiveExecution | None:
        return self.fake if execution_id == self.execution_id else None

    def record(self, execution_id: str) -> Any:
        return self.base.record(execution_id)

    def logs(self, execution_id: str, *, seq: int | None = None,
             search: str | None = None) -> list[Any]:
        return self.base.reader.logs(execution_id, seq=seq, search=search) \
            if self.base.store is not None else []


class ReplayView(QWidget):
    """Graph + details of one execution, replayed with a scrubber."""

    positionChanged = Signal(int)

    def __init__(self, source: ExecutionSource, context: Any, execution_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.execution_id = execution_id
        self.rows = finish_order(source.rows(execution_id))
        self._by_seq = {row.seq: row for row in self.rows}
        self.position = 0
        self.replay_source = ReplaySource(source, execution_id)
        self.graph = GraphPane(self.replay_source, context)
        self.details = DetailsPane(self.replay_source, context)
        self.details.allow_profiles(False)
        self.graph.selectionChanged.connect(
            lambda name, it: self.details.show_state(execution_id, name, it))
        self.play_button = self._tool(QStyle.StandardPixmap.SP_MediaPlay, "Play / Pause")
        self.back_button = self._tool(QStyle.StandardPixmap.SP_MediaSkipBackward, "Step back")
        self.step_button = self._tool(QStyle.StandardPixmap.SP_MediaSkipForward, "Step forward")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._play)
        self.back_button.clicked.connect(lambda: self.seek(self.position - 1))
        self.step_button.clicked.connect(lambda: self.seek(self.position + 1))
        self.speed = QComboBox()
        for text, value in SPEEDS:
            self.speed.addItem(f"{text} steps/s", value)
        self.speed.setCurrentIndex(3)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, len(self.rows))
        self.slider.valueChanged.connect(self.seek)
        self.caption = QLabel()
        self.caption.setMinimumWidth(320)
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._credit = 0.0
        bar = QHBoxLayout()
        for widget in (self.back_button, self.play_button, self.step_button, self.speed):
            bar.addWidget(widget)
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.caption)
        splitter = QSplitter()
        splitter.addWidget(self.details)
        splitter.addWidget(self.graph)
        splitter.setSizes([380, 820])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.graph.set_execution(execution_id)
        self.seek(0, force=True)

    def _tool(self, icon: QStyle.StandardPixmap, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        return button

    # -- position ----------------------------------------------------------------------------
    def seek(self, position: int, force: bool = False) -> None:
        """Show the execution as it was after ``position`` finished steps."""
        position = max(0, min(len(self.rows), position))
        if position == self.position and not force:
            return
        fake = self.replay_source.fake
        if position >= self.position and not force:
            new = self.rows[self.position:position]
            fake.rows.extend(new)
            self.position = position
            self._set_next()
            self.graph.add_rows(self.execution_id, new)
        else:
            fake.rows = list(self.rows[:position])
            self.position = position
            self._set_next()
            self.graph.set_execution(self.execution_id)
        self.graph.update_running()
        self._show_position()

    def _set_next(self) -> None:
        fake = self.replay_source.fake
        fake.inflight.clear()
        done = self.position >= len(self.rows)
        fake.finished = fake.confirmed = done
        if done:
            return
        # The next step runs, and so does every Parallel or Batch around it (they finish
        # after their paths and items, so they are not replayed yet): a Batch shows as running
        # while its items play.
        row: Any = self.rows[self.position]
        while row is not None:
            fake.inflight[row.seq] = ("step_started", self.execution_id, row.seq, row.state,
                                      row.type, row.started, row.iteration, row.parent_seq)
            row = self._by_seq.get(row.parent_seq) if row.parent_seq is not None else None

    def _show_position(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(self.position)
        self.slider.blockSignals(False)
        total = len(self.rows)
        if self.position == 0:
            text = f"Step 0 of {total:,}: the trigger fired"
        else:
            row = self.rows[self.position - 1]
            text = (f"Step {self.position:,} of {total:,}: {row.state} "
                    f"{status_word(row.status).lower()} at {fmt_time(row.ended, date=False)}")
            self.details.show_state(self.execution_id, row.state, row.iteration)
        self.caption.setText(text)
        self.back_button.setEnabled(self.position > 0)
        self.step_button.setEnabled(self.position < total)
        self.positionChanged.emit(self.position)
        if self.position >= total and self.play_button.isChecked():
            self.play_button.setChecked(False)

    # -- playing -----------------------------------------------------------------------------
    def _play(self, on: bool) -> None:
        if on and self.position >= len(self.rows):
            self.seek(0)
        self._credit = 0.0
        if on:
            self._timer.start()
        else:
            self._timer.stop()

    def _tick(self) -> None:
        self._credit += float(self.speed.currentData()) * TICK_MS / 1000.0
        steps = int(self._credit)
        if steps:
            self._credit -= steps
            self.seek(self.position + steps)

    def play(self) -> None:
        self.play_button.setChecked(True)

    def pause(self) -> None:
        self.play_button.setChecked(False)


class ReplayDialog(QDialog):
    """A window around :class:`ReplayView` (several can be open at once)."""

    def __init__(self, source: ExecutionSource, context: Any, execution_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReplayDialog")
        self.setWindowTitle(f"Replay — {context.document.doc.name} · {execution_id}")
        self.resize(1280, 760)
        self.view = ReplayView(source, context, execution_id, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        from designer.run.compare import add_close_keys

        add_close_keys(self)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.view.pause()
        super().closeEvent(event)
