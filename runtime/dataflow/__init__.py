"""Static data-flow analysis: the shape of each state's input, and the rules built on it.

:func:`infer` (in :mod:`runtime.dataflow.infer`) walks the graph from the trigger payload to
every state; :func:`check_dataflow` (in :mod:`runtime.dataflow.lint`) turns reads of paths
that nothing provides into ``dataflow.*`` warnings; the designer's completion offers the
paths of :meth:`Inference.reads` for a state.
"""

from __future__ import annotations

from runtime.dataflow.infer import Inference, infer, profile_inputs, segments_of
from runtime.dataflow.lint import DATAFLOW_RULES, check_dataflow, reads_of, suggestions
from runtime.dataflow.shape import ITEM, Node, Shape, normalise, path_text

__all__ = [
    "DATAFLOW_RULES", "ITEM", "Inference", "Node", "Shape", "check_dataflow", "infer",
    "normalise", "path_text", "profile_inputs", "reads_of", "segments_of", "suggestions",
]
