"""Main-window parts of issue 16, item 5: Redo on Ctrl+Y, Help → User Guide, the shortcuts
dialog listing Run and Kill, export checking errors before the dialect question."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest

EXAMPLE = Path(__file__).resolve().parents[2] / "resources/examples/suspicious-logon-triage.playbook.json"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(main_window):
    return main_window()


def test_ctrl_y_redoes(window):
    assert window.open_path(EXAMPLE)
    window.canvas.add_state_at_center("wait")
    stack = window.context.undo_stack
    count = stack.index()
    view = window.canvas
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert stack.index() == count - 1
    QTest.keyClick(view, Qt.Key.Key_Y, CTRL)
    assert stack.index() == count


def test_shortcuts_dialog_lists_run_and_kill(window, qtbot):
    from designer.actions import ShortcutsDialog

    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog, "ShortcutsDialog")
    assert dialog is not None and dialog.isVisible()
    listed = {(menu, text): keys for menu, text, keys in dialog.rows()}
    assert listed[("Run", "Run")] == "F5"
    assert listed[("Run", "Kill")] == "Shift+F5"
    assert "Ctrl+Y" in listed[("Edit", "Redo")]
    dialog.close()


def test_help_menu_opens_the_user_guide(window, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url) or True))
    help_menu = window.menus["&Help"]
    guide = next(a for a in help_menu.actions() if a.text().replace("&", "") == "User Guide")
    guide.trigger()
    assert len(opened) == 1
    assert opened[0].isLocalFile() and opened[0].toLocalFile().endswith("docs/guide.md")
    assert Path(opened[0].toLocalFile()).is_file()
