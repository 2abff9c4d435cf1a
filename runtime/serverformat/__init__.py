"""Export to and import from the server's JSON format, in either dialect.

- :func:`export_playbook` refuses a definition with validation errors, writes the flat map in
  the chosen dialect (``snake`` default, ``camel``) and the requirements manifest (custom
  functions and sub-playbooks the server must have).
- :func:`import_definition` detects the dialect (:func:`detect_dialect`), converts to the
  model's snake shape, infers the start when none is marked (the one state no other state
  names; zero or several candidates is an error naming them), keeps unknown keys, and lays the
  graph out.

What export never writes: canvas positions, notes, run profiles, function sources, history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.model.document import Layout, PlaybookDocument, Point
from runtime.model.io import DocumentError, document_from_data
from runtime.model.states import END, CircuitState, FunctionState, InvalidState, UnknownState
from runtime.serverformat import camel, snake

DIALECTS = {"snake": snake, "camel": camel}


class ImportError_(ValueError):  # noqa: N801 - avoid shadowing the builtin
    """A server definition that cannot be imported; the message names the place."""


class ExportRefused(ValueError):
    """Export refused because validation found errors (``problems`` holds them)."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        super().__init__(f"export refused: {len(problems)} validation error(s)")


@dataclass
class ExportResult:
    definition: dict[str, Any]
    manifest: dict[str, Any]
    dialect: str


@dataclass
class ImportResult:
    document: PlaybookDocument
    dialect: str
    notes: list[str] = field(default_factory=list)


def looks_like_server_definition(data: Any) -> bool:
    """True when ``data`` is a flat map of state objects, at least one with a ``type`` (one
    that lost its ``type`` opens for repair as an invalid state)."""
    return (
        isinstance(data, dict)
        and bool(data)
        and all(isinstance(v, dict) for v in data.values())
        and any("type" in v for v in data.values())
    )


def detect_dialect(data: dict[str, Any]) -> tuple[str, str]:
    """Tell the dialect of a server definition by the keys it uses.

    Returns:
        ``(dialect, reason)``; a definition with no dialect-specific key is snake.
    """
    found_snake: set[str] = set()
    found_camel: set[str] = set()

    def scan(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in snake.MARKER_KEYS:
                    found_snake.add(key)
                elif key in camel.MARKER_KEYS:
                    found_camel.add(key)
                if camel.KEYS_BACK.get(key, key) in camel.NESTED:
                    scan(item)
        elif isinstance(value, list):
            for item in value:
                scan(item)

    for state in data.values():
        scan(state)  # state keys, handlers, retry, fallback; free-form values are not read
    if found_camel and not found_snake:
        return "camel", f"camelCase keys found ({', '.join(sorted(found_camel)[:3])})"
    if found_snake and not found_camel:
        return "snake", f"snake_case keys found ({', '.join(sorted(found_snake)[:3])})"
    if found_snake and found_camel:
        return "snake", "both spellings found; read as snake_case"
    return "snake", "no dialect-specific keys; read as snake_case (the default)"


def manifest(doc: PlaybookDocument) -> dict[str, Any]:
    """What the playbook needs on the server: custom functions and sub-playbooks."""
    functions = sorted({
        str(s.function_id) for s in doc.definition.values()
        if isinstance(s, FunctionState) and s.function_id
    })
    circuits = sorted({
        str(s.circuit_id) for s in doc.definition.values()
        if isinstance(s, CircuitState) and s.circuit_id
    })
    return {"playbook": doc.name, "functions": functions, "circuits": circuits}


def export_playbook(
    doc: PlaybookDocument, dialect: str = "snake", *, check: bool = True
) -> ExportResult:
    """Export the definition in a dialect; refuse when validation has errors."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r} (snake or camel)")
    if check:
        from runtime.validate import validate_document

        errors = [p for p in validate_document(doc) if p.severity == "error"]
        if errors:
            raise ExportRefused(errors)
    module = DIALECTS[dialect]
    definition = {name: module.export_state(s) for name, s in doc.definition_dict().items()}
    return ExportResult(definition, manifest(doc), dialect)


def _infer_start(doc: PlaybookDocument) -> tuple[str | None, str | None]:
    """The start to lay out from, and a note when it is not one marked state.

    Several marked states, or none marked and no single state that no other state names, are
    kept as they are (the playbook opens for repair and validation reports ``start.multiple``
    or ``start.missing``); the note says what was found.
    """
    marked = [n for n, s in doc.definition.items() if s.start]
    if len(marked) == 1:
        return marked[0], None
    if len(marked) > 1:
        return marked[0], (
            f"several states are marked start: {', '.join(marked)}; untick all but one"
        )
    named: set[str] = set()
    for state in doc.definition.values():
        named.update(t for _, t in state.targets() if t != END)
    candidates = [n for n in doc.definition if n not in named]
    if len(candidates) != 1:
        listed = ", ".join(candidates) if candidates else "none"
        return None, (
            "no state is marked start and the start cannot be inferred (states that no other "
            f"state names: {listed}); mark one as start"
        )
    doc.definition[candidates[0]].start = True
    return candidates[0], None


def import_definition(data: Any, *, name: str = "Imported playbook",
                      layout: bool = True) -> ImportResult:
    """Import a server definition (either dialect) as a native document with a layout
    (``layout=False``: no positions, for a caller that only validates or runs it).

    A definition with problems a person can fix in the designer (several or no start, unknown
    state types, transitions to missing states) imports: the problems are left for validation
    to report, and the notes say what import found. Only data that is not a definition at all,
    or whose known fields have the wrong JSON type, raises :class:`ImportError_`.
    """
    if not looks_like_server_definition(data):
        raise ImportError_(
            "/: a server definition is one JSON object keyed by state name, each state an "
            "object with a 'type'"
        )
    dialect, reason = detect_dialect(data)
    module = DIALECTS[dialect]
    states = {state_name: module.import_state(s) for state_name, s in data.items()}
    try:
        doc = document_from_data({"name": name, "definition": states})
    except DocumentError as exc:
        raise ImportError_(str(exc)) from None
    notes = [f"dialect: {dialect} ({reason})"]
    start, note = _infer_start(doc)
    if note:
        notes.append(note)
    invalid = [n for n, s in doc.definition.items() if isinstance(s, InvalidState)]
    unknown = [n for n, s in doc.definition.items()
               if isinstance(s, UnknownState) and n not in invalid]
    if unknown:
        notes.append(f"unknown state type(s), kept unchanged: {', '.join(unknown)}")
    if invalid:
        notes.append(f"state(s) with fields that cannot be read, kept unchanged for repair: "
                     f"{', '.join(invalid)}")
    if not layout:
        return ImportResult(doc, dialect, notes)
    from runtime.layout import layout_definition  # here: validating needs no layout code

    result = layout_definition(doc.definition, start)
    doc.layout = Layout(positions={n: Point(x=x, y=y) for n, (x, y) in result.positions.items()})
    return ImportResult(doc, dialect, notes)


__all__ = [
    "DIALECTS", "ExportRefused", "ExportResult", "ImportError_", "ImportResult",
    "detect_dialect", "export_playbook", "import_definition", "looks_like_server_definition",
    "manifest",
]
