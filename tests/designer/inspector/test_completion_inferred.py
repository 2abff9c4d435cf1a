"""The Inspector's ``$.`` completion offers exactly the data-flow inference's paths.

The completer of a dynamic value lists the paths :mod:`runtime.dataflow` infers at the state's
input (the same inference the ``dataflow.*`` warnings use), with their types available from
the sources object; a payload key that an action replaced is not offered any more.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_inspector_support import OFFSCREEN_NOISE, make_document, open_inspector, select

from designer.inspector.sources import sources_for
from runtime.dataflow import infer

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]

PAYLOAD = {"host": "WS-1", "alert": {"user": "bob", "severity": "critical"}}


def document(result_path: str | None):
    alerts = {"start": True, "type": "action", "action": "get_alerts", "parameters": {},
              "next": "Ping"}
    if result_path:
        alerts["result_path"] = result_path
    return make_document({
        "Alerts": alerts,
        "Ping": {"type": "action", "action": "ping_device",
                 "parameters": {"destination_device": "WS-1"}, "result_path": "$.ping",
                 "next": "Each"},
        "Each": {"type": "batch", "collection_path": "$.data", "collection_variable": "al",
                 "batch_size": 2, "root": "Body", "next": "End"},
        "Body": {"type": "pass", "next": "End"},
    }, payload=PAYLOAD)


def test_completion_is_the_inferred_paths_with_types(qtbot) -> None:
    context, inspector = open_inspector(qtbot, document("$.alerts"))
    row = select(context, inspector, "Ping").body.rows["destination_device"]
    offered = row.switch.path.path_completer.paths()
    doc = context.document.doc
    expected = [text for text, _t, _d in infer(doc, context.catalog,
                                               doc.run_profiles[0]).reads("Ping").paths()]
    assert offered == expected
    assert {"$.host", "$.alert.user", "$.alerts.data[0].host", "$.alerts.meta.total_items"} \
        <= set(offered)
    types = dict(sources_for(doc, context.catalog, "Ping", doc.run_profiles[0].payload)
                 .typed_completions())
    assert types["$.alerts.data"] == "array"
    assert types["$.alerts.data[0].host"] == "string"
    assert types["$.alerts.meta.total_items"] == "number"


def test_a_replaced_payload_is_not_offered_and_a_read_of_it_warns(qtbot) -> None:
    context, inspector = open_inspector(qtbot, document(None))
    row = select(context, inspector, "Ping").body.rows["destination_device"]
    offered = row.switch.path.path_completer.paths()
    assert "$.data[0].host" in offered
    assert "$.host" not in offered and "$.alert.user" not in offered
    qtbot.mouseClick(row.switch.toggle, Qt.MouseButton.LeftButton)
    row.switch.path.clear()
    qtbot.keyClicks(row.switch.path, "$.alerts[0].host")
    assert [s for s, _m in row.messages.messages] == ["warning"]
    assert "$.alerts[0].host" in row.messages.messages[0][1]
    # Once validation has run, the lint's warning (with its did-you-mean) stands alone.
    context.validate_now()
    page = select(context, inspector, "Ping")
    row = page.body.rows["destination_device"]
    assert [s for s, _m in row.messages.messages] == ["warning"], row.messages.messages
    assert "did you mean" in row.messages.messages[0][1]
    row.switch.path.clear()
    qtbot.keyClicks(row.switch.path, "$.data[0].host")
    qtbot.waitUntil(lambda: row.messages.messages == [])  # after the debounced validation


def test_a_batch_body_offers_the_item_paths(qtbot) -> None:
    context, inspector = open_inspector(qtbot, document(None))
    page = select(context, inspector, "Body")
    paths = page.advanced.rows["input_path"].editor.line.path_completer.paths()
    assert "$.al.host" in paths and "$.batch_index" in paths
    assert "$.data" not in paths  # the key holding the collection is not in an item's input
