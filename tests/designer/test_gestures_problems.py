"""The Problems dock (issue 16, item 4): the message is what a narrow dock shows; a click
selects the state, a double click (or Enter) zooms the canvas to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.canvas import CanvasView, PlaybookScene
from designer.context import DesignerContext
from designer.document import EditableDocument, add_state
from designer.problems import MESSAGE, ProblemsWidget
from runtime.loader import load_playbook

EXAMPLE = Path(__file__).resolve().parents[2] / "resources/examples/suspicious-logon-triage.playbook.json"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def setup(qtbot):
    context = DesignerContext(EditableDocument(load_playbook(EXAMPLE).document))
    view = CanvasView(PlaybookScene(context))
    view.resize(900, 600)
    qtbot.addWidget(view)
    view.show()
    problems = ProblemsWidget(context)
    problems.resize(320, 240)  # about the dock's default width
    qtbot.addWidget(problems)
    problems.show()
    qtbot.waitExposed(problems)
    patch = add_state(context.document, context.catalog.entry("manage_service"), (2400, 1600))[0]
    context.push(patch, "Add")
    context.validate_now()
    context.select([])
    view.zoom_to_fit()
    return context, view, problems


def _row_of(problems: ProblemsWidget, state: str):
    tree = problems.tree
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        if item.data(0, Qt.ItemDataRole.UserRole) == state:
            return tree.indexFromItem(item, MESSAGE)
    raise AssertionError(f"no problem for {state}")


def test_the_message_is_visible_at_the_default_width(setup):
    _context, _view, problems = setup
    tree = problems.tree
    assert tree.topLevelItemCount() > 0
    left = tree.header().sectionViewportPosition(MESSAGE)
    width = tree.columnWidth(MESSAGE)
    visible = min(left + width, tree.viewport().width()) - max(left, 0)
    assert left < 40 and visible >= 200
    assert tree.headerItem().text(MESSAGE) == "Message"
    assert tree.topLevelItem(0).text(MESSAGE) == _context.problems[0].message
    # a message longer than the column wraps onto more lines instead of being cut off
    metrics = tree.fontMetrics()
    longest = max(range(tree.topLevelItemCount()),
                  key=lambda i: metrics.horizontalAdvance(tree.topLevelItem(i).text(MESSAGE)))
    item = tree.topLevelItem(longest)
    assert metrics.horizontalAdvance(item.text(MESSAGE)) > width
    assert tree.visualItemRect(item).height() >= 2 * metrics.height()


def test_click_selects_and_double_click_zooms_to_the_state(setup, qtbot):
    context, view, problems = setup
    tree = problems.tree
    zoom = view.zoom()
    rect = tree.visualRect(_row_of(problems, "Manage Service"))
    QTest.mouseClick(tree.viewport(), LEFT, pos=rect.center())
    assert context.selection == ["Manage Service"]
    assert view.zoom() == zoom  # a click does not zoom

    context.select([])
    rect = tree.visualRect(_row_of(problems, "Manage Service"))
    QTest.mouseDClick(tree.viewport(), LEFT, pos=rect.center())
    assert context.selection == ["Manage Service"]
    assert view.zoom() > zoom
    card = view.scene().item("Manage Service").sceneBoundingRect()
    assert view.visible_scene_rect().contains(card.center())


def test_enter_zooms_to_the_current_problem(setup):
    context, view, problems = setup
    tree = problems.tree
    tree.setFocus()
    tree.setCurrentIndex(_row_of(problems, "Manage Service"))
    zoom = view.zoom()
    QTest.keyClick(tree, Qt.Key.Key_Return)
    assert context.selection == ["Manage Service"]
    assert view.zoom() > zoom
