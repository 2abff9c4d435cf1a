"""Helpers shared by the inspector tests (documents to inspect, an inspector on screen).

Not a test module by itself; pytest collects it and finds nothing to run.
"""

from __future__ import annotations

import copy
from typing import Any

from designer.context import DesignerContext
from designer.document import EditableDocument, new_state
from designer.inspector import InspectorWidget
from runtime.catalog import load_catalog
from runtime.model import document_from_data

# The offscreen platform says "This plugin does not support propagateSizeHints() / raise() /
# grabbing the keyboard" when a window or a popup (completion) shows: platform limits, not ours.
OFFSCREEN_NOISE = "This plugin does not support"


def make_document(states: dict[str, dict[str, Any]], *, payload: Any = None,
                  functions: dict[str, Any] | None = None, **fields: Any) -> EditableDocument:
    """A document with ``states`` (in order), an optional run profile and function sources."""
    data: dict[str, Any] = {"name": "Test playbook", "definition": copy.deepcopy(states)}
    data.update(fields)
    if payload is not None:
        data["run_profiles"] = [{"name": "Sample", "payload": payload}]
    if functions:
        data["functions"] = functions
    return EditableDocument(document_from_data(data))


def catalog_document() -> EditableDocument:
    """One state of every catalog entry (as the palette creates it), named by its title."""
    catalog = load_catalog()
    states: dict[str, dict[str, Any]] = {}
    for entry in catalog.entries():
        states[entry.title] = new_state(entry)
    names = list(states)
    states[names[0]]["start"] = True
    return make_document(states)


def open_inspector(qtbot: Any, document: EditableDocument,
                   size: tuple[int, int] = (420, 900)) -> tuple[DesignerContext, InspectorWidget]:
    context = DesignerContext(document)
    context.set_document(document)
    inspector = InspectorWidget(context)
    qtbot.addWidget(inspector)
    inspector.resize(*size)
    inspector.show()
    context.test_inspector = inspector  # type: ignore[attr-defined]  # keep it alive
    return context, inspector


def select(context: DesignerContext, inspector: InspectorWidget, *names: str) -> Any:
    context.select(list(names))
    return inspector.current_page()


def params(context: DesignerContext, name: str) -> dict[str, Any]:
    return context.document.state_dict(name).get("parameters", {})
