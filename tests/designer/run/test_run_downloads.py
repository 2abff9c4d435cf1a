"""Downloads from the execution screen: App Logs as CSV (searched), a step's OS logs from the
OS Logs tab (a file named after the step), and every step's as one ZIP of per-step ZIPs from
DOWNLOAD OS LOGS (shown only at DEBUG / TRACE and only once the execution is over; an execution
without OS logs says so instead of saving an empty ZIP)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store, wait_until

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


def save_to(monkeypatch, path: Path, suggested_names: list[str] | None = None) -> list[str]:
    """Answer the save dialog with ``path``; returns the dialog titles asked (and collects
    the suggested file names in ``suggested_names``)."""
    asked: list[str] = []

    def fake(parent, title, suggested, filters):  # noqa: ANN001 - Qt's signature
        asked.append(title)
        if suggested_names is not None:
            suggested_names.append(suggested)
        assert suggested.endswith((".csv", ".zip"))
        return str(path), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return asked


def test_app_logs_download_as_csv(qtbot, qloop, store, tmp_path, monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = win.run("Offline host")
    win.ui.graph.select("Stop suspicious process")
    logs = win.ui.details.app_logs
    shown = logs.lines_shown()
    assert len(shown) >= 2
    out = tmp_path / "app-logs.csv"
    assert save_to(monkeypatch, out) == []
    assert logs.download.isEnabled()
    logs.download.click()
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["time", "level", "state", "message"]
    assert [r[3] for r in rows[1:]] == shown
    assert all(r[2] == "Stop suspicious process" for r in rows[1:])
    assert {r[1] for r in rows[1:]} <= {"WARN", "ERROR", "INFO", "DEBUG", "TRACE"}

    logs.search.setText("retry 2")
    logs.reload()
    searched = tmp_path / "searched"
    save_to(monkeypatch, searched)
    logs.download_csv()
    rows = list(csv.reader(io.StringIO((tmp_path / "searched.csv").read_text("utf-8"))))
    assert len(rows) == 2 and "retry 2" in rows[1][3]

    logs.search.clear()
    win.ui.graph.select("Trigger")
    whole = tmp_path / "all.csv"
    save_to(monkeypatch, whole)
    logs.download_csv()
    rows = list(csv.reader(io.StringIO(whole.read_text("utf-8"))))
    assert len(rows) - 1 == len(store.logs(execution_id))
    win.close()


def inner_files(path: Path) -> dict[str, dict[str, str]]:
    with zipfile.ZipFile(path) as outer:
        found = {}
        for name in outer.namelist():
            with zipfile.ZipFile(io.BytesIO(outer.read(name))) as inner:
                found[name] = {n: inner.read(n).decode() for n in inner.namelist()}
        return found


def test_os_logs_download_a_step_and_the_whole_execution(qtbot, qloop, store, tmp_path,
                                                         monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("phishing-response"))
    execution_id = win.run("Reported phish")  # DEBUG
    win.ui.graph.select("Extract indicators")
    tab = win.ui.details.os_logs
    win.ui.details.tabs.setCurrentWidget(tab)
    assert tab.download.isVisible()
    out = tmp_path / "step.zip"
    names: list[str] = []
    assert save_to(monkeypatch, out, names) == []
    QTest.mouseClick(tab.download, Qt.MouseButton.LeftButton)
    assert names == [f"{execution_id}-0001-Extract_indicators-os-logs.zip"], \
        "the step's ZIP is named after the step, not like the whole execution's"
    with zipfile.ZipFile(out) as step_zip:
        step_files = {n: step_zip.read(n).decode() for n in step_zip.namelist()}
    assert "found 1 url(s)" in step_files["stdout.txt"]
    assert "stderr.txt" in step_files

    header = win.ui.header
    assert header.download.isVisible(), "DEBUG and completed: DOWNLOAD OS LOGS is shown"
    again = tmp_path / "header.zip"
    names.clear()
    asked = save_to(monkeypatch, again, names)
    QTest.mouseClick(header.download, Qt.MouseButton.LeftButton)
    assert asked == ["Download OS Logs"]
    assert names == [f"{execution_id}-os-logs.zip"]
    files = inner_files(again)
    assert list(files) == ["0001-Extract_indicators.zip"]
    assert files["0001-Extract_indicators.zip"] == step_files
    win.close()


def test_download_os_logs_without_any_says_so(qtbot, qloop, store, tmp_path, monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.ui.toolbar.set_log_level("DEBUG")
    execution_id = win.run("Risky logon")
    assert store.os_logs(execution_id) == [], "no Function step: no OS logs"
    header = win.ui.header
    assert header.download.isVisible()
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda _parent, _title, text, *a: told.append(text)))
    asked = save_to(monkeypatch, tmp_path / "empty.zip")
    QTest.mouseClick(header.download, Qt.MouseButton.LeftButton)
    assert asked == [], "no file is asked for"
    assert not (tmp_path / "empty.zip").exists()
    assert told and "no OS logs" in told[0]
    win.close()


def test_download_os_logs_only_at_debug_and_once_completed(qtbot, qloop, store, monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.run("Risky logon")  # INFO
    assert not win.ui.header.download.isVisible()
    win.ui.toolbar.set_speed("realtime")
    execution_id = win.run("Offline host", wait=False)  # DEBUG, runs ~15 s at real time
    wait_until(qloop, lambda: win.ui.header.execution_id == execution_id
               and win.ui.header.values["LOG LEVEL"].text() == "DEBUG")
    assert not win.ui.header.download.isVisible(), "not until the execution completes"
    win.ui.controller.kill(execution_id)
    win.wait_finished(execution_id)
    assert win.ui.header.download.isVisible()
    win.close()


def test_log_level_override_records_inputs(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.ui.toolbar.set_log_level("TRACE")
    execution_id = win.run("Risky logon")
    assert store.get_execution(execution_id).log_level == "TRACE"
    model = win.ui.executions.model
    assert model.record(model.row_of(execution_id)).log_level == "TRACE"
    win.ui.graph.select("Risk Score")
    assert isinstance(win.ui.details.inputs.value(), dict)
    assert win.ui.header.download.isVisible()
    win.close()


def test_app_logs_search_is_cleared_when_another_execution_is_opened(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    first = win.run("Offline host")
    second = win.run("Risky logon")
    panel = win.ui.executions
    rect = panel.view.visualRect(panel.model.index(panel.model.row_of(first), 1))
    QTest.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.ui.screen.execution_id == first
    logs = win.ui.details.app_logs
    win.ui.details.tabs.setCurrentWidget(logs)
    QTest.keyClicks(logs.search, "no such words anywhere")
    wait_until(qloop, lambda: logs.lines_shown() == [])
    rect = panel.view.visualRect(panel.model.index(panel.model.row_of(second), 1))
    QTest.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.ui.screen.execution_id == second
    assert logs.search.text() == ""
    assert logs.lines_shown() == [line.message for line in store.logs(second)]
    win.close()
