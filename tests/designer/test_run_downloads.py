"""Downloads from the execution screen: App Logs as CSV (searched), OS logs as one ZIP of
per-step ZIPs from the OS Logs tab and from DOWNLOAD OS LOGS (shown only at DEBUG / TRACE and
only once the execution is over)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from PySide6.QtWidgets import QFileDialog
from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store, wait_until

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


def save_to(monkeypatch, path: Path) -> list[str]:
    """Answer the save dialog with ``path``; returns the dialog titles asked."""
    asked: list[str] = []

    def fake(parent, title, suggested, filters):  # noqa: ANN001 - Qt's signature
        asked.append(title)
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


def test_os_logs_download_as_one_zip_of_zips(qtbot, qloop, store, tmp_path, monkeypatch):
    win = RunWindow(qtbot, qloop, store, example("phishing-response"))
    win.run("Reported phish")  # DEBUG
    win.ui.graph.select("Extract indicators")
    tab = win.ui.details.os_logs
    win.ui.details.tabs.setCurrentWidget(tab)
    assert tab.download.isVisible()
    out = tmp_path / "os-logs.zip"
    assert save_to(monkeypatch, out) == []
    tab.download.click()
    files = inner_files(out)
    assert list(files) == ["0001-Extract_indicators.zip"]
    assert "found 1 url(s)" in files["0001-Extract_indicators.zip"]["stdout.txt"]
    assert "stderr.txt" in files["0001-Extract_indicators.zip"]

    header = win.ui.header
    assert header.download.isVisible(), "DEBUG and completed: DOWNLOAD OS LOGS is shown"
    again = tmp_path / "header.zip"
    asked = save_to(monkeypatch, again)
    header.download.click()
    assert asked == ["Download OS Logs"]
    assert inner_files(again) == files
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
