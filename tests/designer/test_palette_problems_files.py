"""Palette grouping and search, the Problems dock, and file handling (save/open, autosave
recovery, close with Cancel, bad files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from designer.context import DesignerContext
from designer.document import EditableDocument, add_state
from designer.files import FileController
from designer.palette import MIME_STATE, PaletteWidget
from designer.problems import CODE, ProblemsWidget
from designer.recovery import pending_recoveries
from runtime.catalog import load_catalog


@pytest.fixture
def window(qtbot):
    host = QWidget()
    host.setProperty("quiet", True)
    qtbot.addWidget(host)
    return host


def test_palette_groups_exactly_as_the_reference(qtbot) -> None:
    palette = PaletteWidget(load_catalog())
    qtbot.addWidget(palette)
    tops = [palette.tree.topLevelItem(i).text(0) for i in range(palette.tree.topLevelItemCount())]
    assert tops == ["Flow control", "Functional", "Log360 Cloud"]
    flow = palette.tree.topLevelItem(0)
    assert [flow.child(i).text(0) for i in range(flow.childCount())] == [
        "Pass", "Branch", "Parallel", "Wait", "Batch", "Success", "Failure"]
    cloud = palette.tree.topLevelItem(2)
    groups = [cloud.child(i).text(0) for i in range(cloud.childCount())]
    assert groups == ["Platform actions", "Endpoint agent actions"]
    assert cloud.child(0).childCount() == 11 and cloud.child(1).childCount() == 10
    assert len(palette.entry_items()) == 30
    tip = palette.entry_items()[7].toolTip(0)
    assert "Function" in tip and "Invoke custom functions" in tip


def test_palette_search_filters_across_groups(qtbot) -> None:
    palette = PaletteWidget(load_catalog())
    qtbot.addWidget(palette)
    palette.apply_filter("incident")
    shown = [i.text(0) for i in palette.entry_items() if not i.isHidden()]
    assert shown == ["Create Incident", "Update Incident", "List Incident", "Delete Incident"]
    assert palette.tree.topLevelItem(0).isHidden()  # Flow control has no match
    palette.apply_filter("")
    assert all(not i.isHidden() for i in palette.entry_items())


def test_palette_drag_data_and_activation(qtbot) -> None:
    palette = PaletteWidget(load_catalog())
    qtbot.addWidget(palette)
    item = next(i for i in palette.entry_items() if i.text(0) == "Risk Score")
    mime = palette.tree.mimeData([item])
    assert bytes(mime.data(MIME_STATE)).decode() == "risk_score"
    with qtbot.waitSignal(palette.addRequested) as blocker:
        palette.tree.itemActivated.emit(item, 0)
    assert blocker.args == ["risk_score"]


def test_problems_dock_lists_and_selects(qtbot, examples_dir) -> None:
    from runtime.loader import load_playbook

    doc = load_playbook(examples_dir / "suspicious-logon-triage.playbook.json").document
    context = DesignerContext(EditableDocument(doc))
    widget = ProblemsWidget(context)
    qtbot.addWidget(widget)
    assert widget.tree.topLevelItemCount() == 0
    patch = add_state(context.document, context.catalog.entry("manage_service"), (0, 0))[0]
    context.push(patch, "Add")
    context.validate_now()
    codes = {widget.tree.topLevelItem(i).text(CODE) for i in range(widget.tree.topLevelItemCount())}
    assert {"schema.required", "state.unreachable", "on-error.endpoint-unguarded"} <= codes
    item = widget.tree.topLevelItem(0)
    with qtbot.waitSignal(context.focusState):
        widget._activated(item, 0)
    assert context.selection == ["Manage Service"]


def make_files(window, examples_dir=None):
    context = DesignerContext(EditableDocument())
    files = FileController(context, window)
    return context, files


def test_save_open_round_trip_and_clean_state(qtbot, window, tmp_path, examples_dir) -> None:
    context, files = make_files(window)
    assert files.load(examples_dir / "suspicious-logon-triage.playbook.json")
    original = (examples_dir / "suspicious-logon-triage.playbook.json").read_text()
    target = tmp_path / "copy.playbook.json"
    assert files.save_as(target)
    assert target.read_text() == original  # deterministic, identical
    patch = add_state(context.document, context.catalog.entry("wait"), (0, 0))[0]
    context.push(patch, "Add Wait")
    assert files.is_dirty()
    assert files.save()
    assert not files.is_dirty()
    assert "Wait" in json.loads(target.read_text())["definition"]
    assert str(target.resolve()) in files.recent()


def test_bad_file_shows_the_loader_message(qtbot, window, tmp_path, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    _, files = make_files(window)
    bad = tmp_path / "bad.playbook.json"
    bad.write_text('{"format": "playbook-studio", "format_version": 1, "definition": {"A": '
                   '{"type": "pass", "type": "wait"}}}')
    assert not files.load(bad)
    assert "duplicate key" in shown[0] and "Traceback" not in shown[0]


def test_close_with_cancel_loses_nothing(qtbot, window, monkeypatch) -> None:
    context, files = make_files(window)
    patch = add_state(context.document, context.catalog.entry("pass"), (0, 0))[0]
    context.push(patch, "Add Pass")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not files.maybe_save()
    assert not files.new()
    assert context.document.names() == ["Pass"] and files.is_dirty()


def test_autosave_and_recovery(qtbot, window, monkeypatch, tmp_path) -> None:
    context, files = make_files(window)
    assert not files.autosave()  # clean: nothing written
    patch = add_state(context.document, context.catalog.entry("pass"), (0, 0))[0]
    context.push(patch, "Add Pass")
    assert files.autosave()
    found = pending_recoveries()
    assert found == []  # our own live process: not a crash
    meta = files.slot.meta
    info = json.loads(meta.read_text())
    info["pid"] = 999_999_999  # as if written by a process that died
    meta.write_text(json.dumps(info))
    found = pending_recoveries()
    assert len(found) == 1
    context2, files2 = make_files(window)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert files2.offer_recovery()
    assert context2.document.names() == ["Pass"] and files2.is_dirty()
    files2.closed_cleanly()
    assert not Path(files2.slot.file).exists()


def test_export_refuses_with_errors_then_writes(qtbot, window, tmp_path, monkeypatch,
                                                examples_dir) -> None:
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    context, files = make_files(window)
    patch = add_state(context.document, context.catalog.entry("manage_service"), (0, 0))[0]
    context.push(patch, "Add")
    assert not files.export("snake", tmp_path / "x.json")
    assert "Fix these validation errors" in shown[0]
    files.load(examples_dir / "phishing-response.playbook.json")
    assert files.export("camel", tmp_path / "p.server.json")
    exported = json.loads((tmp_path / "p.server.json").read_text())
    assert exported["Extract indicators"]["functionId"] == "extract_iocs"
    manifest = json.loads((tmp_path / "p.server.requirements.json").read_text())
    assert manifest["circuits"] == ["endpoint-containment"]
