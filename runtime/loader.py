"""Open any playbook file: a native document or a server definition in either dialect.

The kind is told by content, not by file name: a native document is an object with
``format: "playbook-studio"`` (or a ``definition`` and a ``format_version``); a server
definition is a flat object of states that each have a ``type``. Everything else is refused
with a message that says what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime.gcpause import paused_gc
from runtime.jsonio import JsonInputError, read_json_file
from runtime.model.document import PlaybookDocument
from runtime.model.io import DocumentError, document_from_data
from runtime.serverformat import ImportError_, import_definition, looks_like_server_definition


class PlaybookLoadError(ValueError):
    """A file that is not a readable playbook; the message names the place."""


@dataclass
class LoadedPlaybook:
    document: PlaybookDocument
    kind: str  # "native" | "server"
    dialect: str | None = None
    notes: list[str] = field(default_factory=list)


def is_native(data: Any) -> bool:
    return isinstance(data, dict) and (
        data.get("format") == "playbook-studio"
        or ("definition" in data and "format_version" in data)
    )


def playbook_from_data(data: Any, *, source: str = "", layout: bool = True) -> LoadedPlaybook:
    """Build a playbook from parsed JSON of either kind.

    Args:
        data: The parsed JSON.
        source: The file name, for messages.
        layout: Lay a server definition out (False when only validating: no picture is
            needed, and the layout is a third of a large import).
    """
    with paused_gc():
        return _from_data(data, source, layout)


def _from_data(data: Any, source: str, layout: bool) -> LoadedPlaybook:
    prefix = f"{source}: " if source else ""
    if is_native(data):
        try:
            return LoadedPlaybook(document_from_data(data, source=source), "native")
        except DocumentError as exc:
            raise PlaybookLoadError(str(exc)) from None
    if looks_like_server_definition(data):
        name = Path(source).name.split(".")[0] if source else "Imported playbook"
        try:
            result = import_definition(data, name=name or "Imported playbook", layout=layout)
        except ImportError_ as exc:
            raise PlaybookLoadError(f"{prefix}{exc}") from None
        return LoadedPlaybook(result.document, "server", result.dialect, result.notes)
    kind = type(data).__name__ if not isinstance(data, dict) else "object"
    if isinstance(data, dict) and any(isinstance(v, dict) and "type" in v for v in data.values()):
        from runtime.jsonio import iter_json_pointer

        bad = [k for k, v in data.items() if not isinstance(v, dict)]
        shown = ", ".join(iter_json_pointer([k]) for k in bad[:3]) + (" ..." if len(bad) > 3 else "")
        raise PlaybookLoadError(
            f"{prefix}{shown}: a server definition's states are JSON objects with a 'type'; "
            f"{'this is' if len(bad) == 1 else 'these are'} not "
            f"({', '.join(sorted({_json_kind(data[k]) for k in bad}))})")
    raise PlaybookLoadError(
        f"{prefix}/: not a playbook: expected a Playbook Studio document or a server "
        f"definition (an object of states, each with a 'type'); found {kind}"
        + (" with no states" if isinstance(data, dict) and not data else "")
    )


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "text", bool: "true/false", int: "number",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def load_playbook(path: str | Path, *, layout: bool = True) -> LoadedPlaybook:
    """Read a playbook file of either kind; every failure is a PlaybookLoadError.

    ``layout=False`` skips laying out a server definition (see :func:`playbook_from_data`).
    """
    with paused_gc():
        try:
            data = read_json_file(path)
        except JsonInputError as exc:
            raise PlaybookLoadError(str(exc)) from None
        return playbook_from_data(data, source=str(path), layout=layout)
