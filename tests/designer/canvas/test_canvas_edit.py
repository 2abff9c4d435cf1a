"""Canvas edits: drop, connect, reconnect, delete, move, paste, rename; each undo → redo."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from designer.canvas import CanvasView, PlaybookScene
from designer.canvas.clipboard import MIME_STATES
from designer.canvas.interaction import MIME_ENTRY
from designer.document import Patch, connect, get_field


@pytest.fixture
def scene(context) -> PlaybookScene:
    return PlaybookScene(context)


@pytest.fixture
def view(qtbot, scene) -> CanvasView:
    view = CanvasView(scene)
    view.resize(1400, 800)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_reset()
    view.centerOn(700, 0)
    return view


def target(context, source: str, path: str):
    return get_field(context.document.state_dict(source), path)


def undo_redo(context, check_after, check_before) -> None:
    check_after()
    context.undo_stack.undo()
    check_before()
    context.undo_stack.redo()
    check_after()


class FakeDrop:
    """What the scene's dropEvent reads from a QGraphicsSceneDragDropEvent."""

    def __init__(self, entry_id: str, pos: QPointF) -> None:
        self._mime = QMimeData()
        self._mime.setData(MIME_ENTRY, entry_id.encode("utf-8"))
        self._pos = pos
        self.accepted = False

    def mimeData(self):  # noqa: N802 - Qt's name
        return self._mime

    def scenePos(self):  # noqa: N802 - Qt's name
        return self._pos

    def acceptProposedAction(self):  # noqa: N802 - Qt's name
        self.accepted = True

    def ignore(self):
        self.accepted = False


def test_drop_from_the_palette_creates_a_state_where_it_is_dropped(context, scene):
    event = FakeDrop("create_incident", QPointF(300, 400))
    scene.dropEvent(event)
    assert event.accepted
    name = "Create Incident 2"

    def after():
        assert name in context.document.definition
        x, y = context.document.position(name)
        assert abs(x + 100 - 300) < 1 and abs(y + 30 - 400) < 1
        assert scene.item(name) is not None

    def before():
        assert name not in context.document.definition and scene.item(name) is None

    assert context.undo_stack.undoText() == "Add Create Incident"
    assert context.selection == [name]
    undo_redo(context, after, before)


def test_dropping_onto_an_edge_inserts_the_state_into_it(context, scene):
    edge = scene.edge("Get Alerts", "next")
    point = edge.route_path().pointAtPercent(0.5)
    name = scene.drop_entry("pass", point)
    assert name == "Pass"

    def after():
        assert target(context, "Get Alerts", "next") == "Pass"
        assert target(context, "Pass", "next") == "Risk Score"
        assert scene.edge("Pass", "next").target == "Risk Score"

    def before():
        assert target(context, "Get Alerts", "next") == "Risk Score"
        assert scene.item("Pass") is None

    undo_redo(context, after, before)


def test_connect_by_dragging_from_a_port_to_a_state(context, scene, view):
    port = scene.item("Record benign").port_scene_pos("next")
    goal = scene.item("Contained").mapToScene(QPointF(100, 30))
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=view.mapFromScene(port))
    QTest.mouseMove(viewport, view.mapFromScene(goal))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=view.mapFromScene(goal))
    assert context.undo_stack.undoText() == "Connect Record benign → Contained"

    def after():
        assert target(context, "Record benign", "next") == "Contained"
        assert scene.edge("Record benign", "next").target == "Contained"

    def before():
        assert target(context, "Record benign", "next") == "Benign"
        assert scene.edge("Record benign", "next").target == "Benign"

    undo_redo(context, after, before)


def test_connect_from_the_add_port_appends_a_condition(context, scene):
    assert scene.editor.connect_port("Risky?", "+conditions", "Benign")

    def after():
        assert target(context, "Risky?", "conditions[1].next") == "Benign"
        assert scene.edge("Risky?", "conditions[1].next") is not None

    def before():
        assert len(context.document.state("Risky?").conditions) == 1
        assert scene.edge("Risky?", "conditions[1].next") is None

    undo_redo(context, after, before)


def test_reconnect_by_dragging_the_end_of_a_selected_arrow(context, scene, view):
    edge = scene.edge("Risky?", "default")
    edge.setSelected(True)
    end = edge.end_point()
    goal = scene.item("Benign").mapToScene(QPointF(100, 30))
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=view.mapFromScene(end))
    QTest.mouseMove(viewport, view.mapFromScene(goal))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=view.mapFromScene(goal))

    def after():
        assert target(context, "Risky?", "default") == "Benign"
        assert scene.edge("Risky?", "default").target == "Benign"

    def before():
        assert target(context, "Risky?", "default") == "Record benign"
        assert scene.edge("Risky?", "default").target == "Record benign"

    undo_redo(context, after, before)


def test_delete_a_selected_arrow_disconnects(context, scene, view):
    scene.clearSelection()
    scene.edge("Create Incident", "next").setSelected(True)
    assert view.delete_selection()
    assert context.undo_stack.undoText() == "Delete arrow"

    def after():
        assert target(context, "Create Incident", "next") is None
        assert scene.edge("Create Incident", "next") is None

    def before():
        assert target(context, "Create Incident", "next") == "Contained"
        assert scene.edge("Create Incident", "next") is not None

    undo_redo(context, after, before)


def test_moving_three_states_is_one_undo_step(context, scene, view):
    names = ["Get Alerts", "Risk Score", "Risky?"]
    context.select(names)
    before_positions = {n: context.document.position(n) for n in names}
    count = context.undo_stack.count()
    grab = view.mapFromScene(scene.item("Risk Score").mapToScene(QPointF(100, 10)))
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=grab)
    for step in range(1, 6):
        QTest.mouseMove(viewport, grab + step * QPointF(0, 20).toPoint())
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=grab + QPointF(0, 100).toPoint())
    assert context.undo_stack.count() == count + 1
    assert context.undo_stack.undoText() == "Move 3 states"
    edge = scene.edge("Get Alerts", "next")

    def after():
        for n in names:
            assert context.document.position(n)[1] == pytest.approx(before_positions[n][1] + 100)
        assert edge.end_point() == scene.item("Risk Score").input_scene_pos()

    def before():
        assert {n: context.document.position(n) for n in names} == before_positions
        assert scene.item("Get Alerts").pos() == QPointF(*before_positions["Get Alerts"])

    undo_redo(context, after, before)


def test_copy_paste_renames_and_keeps_internal_edges(context, scene, view):
    context.select(["Contain", "Stop suspicious process", "Warn user"])
    assert view.copy_selection()
    text = QGuiApplication.clipboard().mimeData().text()
    payload = json.loads(text)
    assert set(payload["states"]) == {"Contain", "Stop suspicious process", "Warn user"}
    assert QGuiApplication.clipboard().mimeData().hasFormat(MIME_STATES)
    count = context.undo_stack.count()
    pasted = view.paste()
    assert pasted == ["Contain 2", "Stop suspicious process 2", "Warn user 2"]
    assert context.undo_stack.count() == count + 1
    assert context.undo_stack.undoText() == "Paste 3 states"
    assert context.selection == pasted

    def after():
        contain = context.document.state("Contain 2")
        assert [p.root for p in contain.paths] == ["Stop suspicious process 2", "Warn user 2"]
        assert contain.next is None  # Create Incident was not copied
        assert scene.edge("Contain 2", "paths[1].root").target == "Warn user 2"

    def before():
        assert "Contain 2" not in context.document.definition
        assert scene.item("Contain 2") is None

    undo_redo(context, after, before)


def test_paste_reads_plain_text_json_from_another_window(context, scene, view):
    payload = {"states": {"Ping": {"type": "pass", "next": "End"}}, "positions": {"Ping": [0, 0]}}
    QGuiApplication.clipboard().setText(json.dumps(payload))
    assert view.paste() == ["Ping"]
    QGuiApplication.clipboard().setText("not json {")
    assert view.paste() == []


def test_cut_and_duplicate(context, scene, view):
    context.select(["Benign"])
    assert view.duplicate_selection() == ["Benign 2"]
    assert context.undo_stack.undoText() == "Duplicate 1 state"
    assert view.cut_selection()
    assert "Benign 2" not in context.document.definition
    assert view.paste() == ["Benign 2"]


def test_deleting_many_states_is_one_step(context, scene, view):
    names = ["Contain", "Stop suspicious process", "Warn user", "Note popup not shown"]
    context.select(names)
    count = context.undo_stack.count()
    assert view.delete_selection()
    assert context.undo_stack.count() == count + 1
    assert context.undo_stack.undoText() == "Delete 4 states"

    def after():
        assert not set(names) & set(context.document.definition)
        assert not any(scene.item(n) for n in names)
        assert target(context, "Risky?", "conditions[0].next") == ""

    def before():
        assert all(scene.item(n) for n in names)
        assert scene.edge("Risky?", "conditions[0].next").target == "Contain"

    undo_redo(context, after, before)


def test_rename_updates_edges(context, scene):
    assert scene.editor.rename("Risk Score", "Score the user")

    def after():
        assert scene.item("Risk Score") is None
        assert scene.item("Score the user") is not None
        assert scene.edge("Get Alerts", "next").target == "Score the user"
        assert scene.edge("Score the user", "next").target == "Risky?"

    def before():
        assert scene.item("Score the user") is None
        assert scene.edge("Get Alerts", "next").target == "Risk Score"

    undo_redo(context, after, before)


def test_rename_in_place_with_f2(context, scene, view, qtbot):
    context.select(["Benign"])
    editor = view.rename_selected()
    assert editor is not None and editor.text() == "Benign"
    editor.setText("All clear")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert "All clear" in context.document.definition
    assert context.undo_stack.undoText() == "Rename Benign → All clear"
    context.select(["All clear"])
    editor = view.rename_selected()
    editor.setText("Contain")
    with qtbot.waitSignal(context.statusMessage, timeout=500) as message:
        QTest.keyClick(editor, Qt.Key.Key_Return)
    assert "already exists" in message.args[0]
    assert "All clear" in context.document.definition


def test_nudge_align_and_set_start(context, scene, view):
    context.select(["Benign"])
    x, y = context.document.position("Benign")
    view.nudge(2, 0)
    view.nudge(2, 0)
    assert context.document.position("Benign") == (x + 4, y)
    assert context.undo_stack.undoText() == "Move Benign"
    view.align_to_grid()
    nx, ny = context.document.position("Benign")
    assert nx % 20 == 0 and ny % 20 == 0
    assert scene.editor.set_start("Risk Score")
    assert scene.item("Risk Score").is_start and not scene.item("Get Alerts").is_start
    context.undo_stack.undo()
    assert scene.item("Get Alerts").is_start


def test_auto_layout_is_one_step_and_places_every_state(context, scene, view):
    context.push(*_scramble(context))
    count = context.undo_stack.count()
    assert view.auto_layout()
    assert context.undo_stack.count() == count + 1
    assert context.undo_stack.undoText() == "Auto-layout"
    positions = context.document.doc.layout.positions
    assert set(positions) == set(context.document.definition)
    rects = [i.mapRectToScene(i.card_rect()) for i in scene.state_items()]
    assert not any(a.intersects(b) for n, a in enumerate(rects) for b in rects[n + 1:])
    context.select(["Contain", "Stop suspicious process", "Warn user"])
    view.auto_layout(selection_only=True)
    assert context.undo_stack.count() in (count + 1, count + 2)


def _scramble(context):
    return Patch(positions={n: (float(i * 7), float(i * 3)) for i, n in
                            enumerate(context.document.definition)}), "Scramble"


def test_add_state_at_center_connects_after(context, scene, view):
    name = view.add_state_at_center("success", after=None)
    assert name == "Success"
    context.push(*connect(context.document, "Record benign", "next", None))
    name = view.add_state_at_center("update_incident", after="Record benign")
    assert target(context, "Record benign", "next") == name
    rect = scene.item(name).mapRectToScene(scene.item(name).card_rect())
    others = [i.mapRectToScene(i.card_rect()) for i in scene.state_items() if i.name != name]
    assert not any(rect.intersects(o) for o in others)


def test_moving_a_note_is_one_undo_step(context, scene):
    note_id = scene.editor.add_note(QPointF(0, 300), "Remember")
    assert scene.editor.move({}, {note_id: (40.0, 320.0)})
    assert context.undo_stack.undoText() == "Move note"

    def after():
        assert scene.note(note_id).pos() == QPointF(40, 320)
        assert context.document.doc.layout.notes[0].text == "Remember"

    def before():
        assert scene.note(note_id).pos() == QPointF(0, 300)

    undo_redo(context, after, before)
