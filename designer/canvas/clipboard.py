"""The canvas clipboard format: states and their positions as JSON, so it works across windows.

Copy puts ``{"states": {name: state}, "positions": {name: [x, y]}}`` on the system clipboard
twice: as ``application/x-playbook-states`` and as ``text/plain`` (so it can be pasted into a
text editor, or from one). Reading treats the clipboard as untrusted input: bounded strict JSON
(:func:`runtime.jsonio.loads_bounded`) and a shape check; anything else reads as nothing.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from designer.document import EditableDocument
from runtime.jsonio import JsonInputError, loads_bounded

MIME_STATES = "application/x-playbook-states"
MAX_CLIPBOARD_BYTES = 4 * 1024 * 1024
Payload = tuple[dict[str, dict[str, Any]], dict[str, tuple[float, float]]]


def payload_of(document: EditableDocument, names: list[str]) -> dict[str, Any]:
    """The clipboard payload for the states ``names`` (document order kept)."""
    states = {n: document.state_dict(n) for n in names if n in document.definition}
    positions = {}
    for name in states:
        pos = document.position(name)
        if pos is not None:
            positions[name] = [pos[0], pos[1]]
    return {"states": states, "positions": positions}


def to_mime(payload: dict[str, Any]) -> QMimeData:
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    mime = QMimeData()
    mime.setData(MIME_STATES, text.encode("utf-8"))
    mime.setText(text)
    return mime


def copy_to_clipboard(payload: dict[str, Any]) -> None:
    QGuiApplication.clipboard().setMimeData(to_mime(payload))


def parse_payload(raw: bytes | str) -> Payload | None:
    """States and positions from clipboard bytes, or None if they are not a states payload."""
    try:
        data = loads_bounded(raw, source="clipboard", max_bytes=MAX_CLIPBOARD_BYTES)
    except JsonInputError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("states"), dict):
        return None
    states = {str(k): v for k, v in data["states"].items() if isinstance(v, dict)}
    if not states:
        return None
    positions: dict[str, tuple[float, float]] = {}
    raw_positions = data.get("positions")
    for name, pos in (raw_positions.items() if isinstance(raw_positions, dict) else ()):
        if (isinstance(pos, list | tuple) and len(pos) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos)):
            positions[str(name)] = (float(pos[0]), float(pos[1]))
    return states, positions


def read_clipboard() -> Payload | None:
    """The states payload on the system clipboard, if there is one."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None:
        return None
    if mime.hasFormat(MIME_STATES):
        return parse_payload(bytes(mime.data(MIME_STATES).data()))
    if mime.hasText():
        text = mime.text()
        if text.lstrip().startswith("{"):
            return parse_payload(text)
    return None
