"""Stopping executions from the UI: Kill on hover in the Executions list with "Confirm Kill
Playbook", the toolbar's Kill, and the session reaper's Failed status with its message; and
across processes: ``playbook executions kill`` on a designer run (the designer lives on), the
designer's Kill on a run of ``playbook run``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store, wait_until

from designer.run import SCREEN_DOCKS
from designer.run.executions import STATUS_COL

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


def start_long_run(win: RunWindow) -> str:
    """Offline host at real time: the retries wait 5 s and 10 s."""
    win.ui.toolbar.set_speed("realtime")
    execution_id = win.run("Offline host", wait=False)
    wait_until(win.loop, lambda: win.ui.executions.model.row_of(execution_id) >= 0
               and "Stop suspicious process" in win.ui.source.running_states(execution_id))
    return execution_id


def answer_kill(monkeypatch, answer: QMessageBox.StandardButton) -> list[str]:
    """Answer the Confirm Kill Playbook box without showing it; returns the titles asked."""
    asked: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        asked.append(box.windowTitle())
        assert box.button(QMessageBox.StandardButton.Yes).text() == "YES"
        assert box.button(QMessageBox.StandardButton.No).text() == "NO"
        return int(answer.value)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return asked


def test_kill_on_hover_in_the_executions_list(qtbot, qloop, store, monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = start_long_run(win)
    panel = win.ui.executions
    row = panel.model.row_of(execution_id)
    assert panel.model.record(row).status == "running"
    cell = panel.view.visualRect(panel.model.index(row, STATUS_COL))
    qtbot.mouseMove(panel.view.viewport(), cell.center())
    wait_until(qloop, lambda: panel.hover_row == row, timeout=3)

    asked = answer_kill(monkeypatch, QMessageBox.StandardButton.No)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.kill_button_center(execution_id))
    assert asked == ["Confirm Kill Playbook"]
    assert win.ui.controller.is_running(execution_id), "NO leaves it running"

    asked = answer_kill(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.kill_button_center(execution_id))
    assert asked == ["Confirm Kill Playbook"]
    win.wait_finished(execution_id, timeout=5)
    record = store.get_execution(execution_id)
    assert record.status == "failed"
    assert "killed by the user" in record.message
    row = panel.model.row_of(execution_id)
    assert panel.model.record(row).status == "failed"
    assert "killed by the user" in panel.model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert win.ui.graph.state_status("Stop suspicious process") == "killed"
    assert store.get_execution(execution_id).completed is None
    assert win.ui.header.values["COMPLETED"].text() == ""
    win.close()


def test_kill_from_the_toolbar_asks_first(qtbot, qloop, store, monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = start_long_run(win)
    assert win.ui.kill_action.isEnabled()
    asked = answer_kill(monkeypatch, QMessageBox.StandardButton.Yes)
    win.ui.kill_action.trigger()
    assert asked == ["Confirm Kill Playbook"]
    win.wait_finished(execution_id, timeout=5)
    assert store.get_execution(execution_id).status == "failed"
    assert not win.ui.kill_action.isEnabled()
    win.close()


def test_the_session_reaper_fails_a_long_execution(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.ui.controller.max_runtime = 0.5  # seconds of simulated time
    win.ui.toolbar.set_speed("realtime")
    execution_id = win.run("Offline host")
    record = store.get_execution(execution_id)
    assert record.status == "failed"
    assert "session reaper" in record.message
    panel = win.ui.executions
    row = panel.model.row_of(execution_id)
    tip = panel.model.index(row, STATUS_COL).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Failed") and "session reaper" in tip
    header = win.ui.header
    assert "Failed" in header.values["STATUS"].text()
    assert "session reaper" in header.values["STATUS"].toolTip()
    assert header.values["COMPLETED"].text() == "", "COMPLETED is empty when it failed"
    win.close()


def test_filter_and_search_the_executions(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    first = win.run("Risky logon")
    second = win.run("Incident service down")
    panel = win.ui.executions
    assert [panel.model.record(r).id for r in range(panel.model.rowCount())] == [second, first]
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("failed"))
    assert [panel.model.record(r).id for r in range(panel.model.rowCount())] == [second]
    panel.status_filter.setCurrentIndex(0)
    panel.search.setText(first[:6])
    wait_until(qloop, lambda: panel.model.rowCount() == 1, timeout=3)
    assert panel.model.record(0).id == first
    win.close()


def test_the_list_survives_a_restart(qtbot, qloop, store, tmp_path):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = win.run("Benign user")
    win.close()
    store.close()
    from runtime.history import HistoryStore

    reopened = HistoryStore(tmp_path / "history.sqlite3", background=True)
    try:
        again = RunWindow(qtbot, qloop, reopened, example("suspicious-logon-triage"))
        assert again.ui.executions.model.record(0).id == execution_id
        again.ui.open_execution(execution_id)
        assert again.ui.graph.state_status("Benign") == "success"
        assert not any(again.ui.docks[name].isHidden() for name in SCREEN_DOCKS)
        again.close()
    finally:
        reopened.close()


# -- across processes -----------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[3]


def test_cli_executions_kill_ends_a_designer_run_only(qtbot, qloop, store, monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = start_long_run(win)
    cli = subprocess.Popen(
        [sys.executable, "-m", "runtime.cli", "executions", "kill", execution_id,
         "--history", str(store.path)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(qloop, lambda: cli.poll() is not None, timeout=20)
    out, err = cli.communicate()
    assert cli.returncode == 0, err
    assert f"execution {execution_id}: FAILED — Failed: killed by the user" in out
    win.wait_finished(execution_id, timeout=5)
    record = store.get_execution(execution_id)
    assert (record.status, record.message) == ("failed", "Failed: killed by the user")
    assert win.window.isVisible() and win.ui.run_action.isEnabled()  # the designer lives on
    assert win.ui.graph.state_status("Stop suspicious process") == "killed"
    win.close()


def test_designer_kill_stops_a_cli_run(qtbot, qloop, store, monkeypatch, tmp_path):
    playbook = tmp_path / "slow.playbook.json"
    playbook.write_text(json.dumps({
        "format_version": 1, "name": "slow", "functions": {},
        "definition": {
            "Start": {"start": True, "type": "pass", "next": "Hold"},
            "Hold": {"type": "wait", "duration": 60, "next": "Done"},
            "Done": {"type": "success"},
        }}))
    cli = subprocess.Popen(
        [sys.executable, "-m", "runtime.cli", "run", str(playbook), "--speed", "realtime",
         "--history", str(store.path)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        execution_id = cli.stdout.readline().split()[1]
        win = RunWindow(qtbot, qloop, store, playbook)  # the list shows the open playbook's
        panel = win.ui.executions

        def listed_running() -> bool:
            panel.refresh()
            row = panel.model.row_of(execution_id)
            return row >= 0 and panel.model.record(row).status == "running"

        wait_until(qloop, listed_running, timeout=10)
        cell = panel.view.visualRect(panel.model.index(panel.model.row_of(execution_id),
                                                       STATUS_COL))
        qtbot.mouseMove(panel.view.viewport(), QPoint(2, 2))  # a real move onto the cell
        qtbot.mouseMove(panel.view.viewport(), cell.center())
        row = panel.model.row_of(execution_id)
        wait_until(qloop, lambda: panel.hover_row == row, timeout=3)
        asked = answer_kill(monkeypatch, QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.kill_button_center(execution_id))
        assert asked == ["Confirm Kill Playbook"]
        wait_until(qloop, lambda: cli.poll() is not None, timeout=10)
        out = cli.stdout.read()
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli.returncode == 1
    assert "FAILED" in out and "killed by the user" in out
    record = store.get_execution(execution_id)
    assert (record.status, record.message) == ("failed", "Failed: killed by the user")
    win.close()
