"""The snake_case dialect (Zoho Qntrl, newer; the default): the document's own shape.

Export is the definition as the model holds it; import is the identity. Keys this dialect
assumes (see ``../shared/spec/server-format.md``) stay in :mod:`runtime.model.states`, whose
field names are these keys.
"""

from __future__ import annotations

from typing import Any

NAME = "snake"
MARKER_KEYS = frozenset({
    "on_error", "error_type", "step_delay", "function_id", "circuit_id", "result_path",
    "input_path", "output_path", "result_selector", "error_selector", "error_path",
    "collection_path", "collection_variable", "batch_size", "error_codes",
})


def export_state(state: dict[str, Any]) -> dict[str, Any]:
    """A state in this dialect (the snake shape is the model's own)."""
    return state


def import_state(state: dict[str, Any]) -> dict[str, Any]:
    """A state of this dialect in the model's snake shape."""
    return state
