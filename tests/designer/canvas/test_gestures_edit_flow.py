"""Issue 16, item 5: a blank playbook shows no error yet; deleting a middle state offers to
reconnect its neighbours (one step); export checks errors before it asks for the dialect,
and the dialect choice explains itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from designer.files import DIALECT_CHOICES

EXAMPLE = Path(__file__).resolve().parents[3] / "resources/examples/suspicious-logon-triage.playbook.json"
CTRL = Qt.KeyboardModifier.ControlModifier
YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def window(main_window):
    return main_window()


def test_a_blank_new_playbook_shows_no_error(window):
    assert window.open_path(EXAMPLE)
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_N, CTRL)  # File → New
    assert not window.context.document.definition
    window.context.validate_now()
    assert "0 errors" in window.problem_badge.text()
    assert window.problems.tree.topLevelItemCount() == 0
    window.canvas.add_state_at_center("wait")
    window.context.validate_now()
    assert window.context.document.definition


def test_deleting_a_middle_state_can_reconnect_its_neighbours(window, monkeypatch):
    assert window.open_path(EXAMPLE)
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda _p, _t, text, *a: asked.append(text) or YES))
    context, view = window.context, window.canvas
    context.select(["Risk Score"])
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert len(asked) == 1 and "Get Alerts" in asked[0] and "Risky?" in asked[0]
    assert "Risk Score" not in context.document.definition
    assert context.document.state_dict("Get Alerts")["next"] == "Risky?"
    assert view.scene().edge("Get Alerts", "next").target == "Risky?"
    assert context.undo_stack.undoText() == "Delete Risk Score (connect Get Alerts → Risky?)"
    context.undo_stack.undo()  # one step
    assert context.document.state_dict("Get Alerts")["next"] == "Risk Score"
    assert context.document.state_dict("Risk Score")["next"] == "Risky?"


def test_deleting_without_reconnecting_and_cancelling(window, monkeypatch):
    assert window.open_path(EXAMPLE)
    answers = [QMessageBox.StandardButton.Cancel, NO]
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a: answers.pop(0) if answers else NO))
    context, view = window.context, window.canvas
    context.select(["Risk Score"])
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)  # Cancel: nothing happens
    assert "Risk Score" in context.document.definition
    QTest.keyClick(view, Qt.Key.Key_Delete)  # No: deleted, the arrow into it is cut
    assert "Risk Score" not in context.document.definition
    assert context.document.state_dict("Get Alerts").get("next") is None


def test_export_checks_errors_before_asking_for_the_dialect(window, monkeypatch):
    asked, warned = [], []
    monkeypatch.setattr(QInputDialog, "getItem",
                        staticmethod(lambda *a: asked.append(a) or ("", False)))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda _p, title, text, *a: warned.append(text)))
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_E, CTRL)  # blank playbook: refused at once
    assert asked == [] and len(warned) == 1 and "validation errors" in warned[0]


def test_the_dialect_choice_explains_itself(window, monkeypatch, tmp_path):
    assert window.open_path(EXAMPLE)
    asked = []
    camel = next(label for label, d in DIALECT_CHOICES.items() if d == "camel")

    def get_item(_parent, _title, label, items, *a):
        asked.append((label, items))
        return camel, True
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    target = tmp_path / "out.server.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_E, CTRL)
    label, items = asked[0]
    assert "spelling" in label
    assert all(("snake" in i or "camel" in i) and "(" in i and len(i) > 30 for i in items)
    definition = json.loads(target.read_text(encoding="utf-8"))
    assert "onError" in json.dumps(definition)  # the camelCase dialect was written
