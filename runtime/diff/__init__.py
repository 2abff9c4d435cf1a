"""A graph-aware diff of two playbook versions (Qt-free).

:func:`diff_documents` compares two definitions: states are paired by name first, then the
states left over on each side are paired by what they are (same type / action), what they
hold (their fields, parameter by parameter) and where they sit in the flow (their predecessors
and successors, through the pairing found so far), so a renamed state is one rename, not a
removal and an addition. For every pair the fields that differ are listed (``parameters.limit``,
``conditions[0].condition``, ``result_path``, ...); edges are compared as transitions
``(source, edge, target)`` in the new version's names, so renaming a state does not make its
neighbours "changed". The order of states in the file, the layout, run profiles and function
sources are not part of the comparison (only the definition is: that is what the server runs,
and what a server-format file holds).
"""

from __future__ import annotations

from runtime.diff.compare import (
    FieldChange,
    PlaybookDiff,
    StateChange,
    Transition,
    diff_documents,
)
from runtime.diff.render import diff_to_json, diff_to_text

__all__ = [
    "FieldChange", "PlaybookDiff", "StateChange", "Transition", "diff_documents",
    "diff_to_json", "diff_to_text",
]
