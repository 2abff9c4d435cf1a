"""The data-flow rule codes, in a leaf module so :mod:`runtime.validate` can register them
without importing the inference (which itself uses :mod:`runtime.validate.problems`)."""

from __future__ import annotations

from typing import Literal

DATAFLOW_RULES: dict[str, tuple[Literal["error", "warning"], str]] = {
    "dataflow.unknown-path": (
        "warning", "a dynamic value or condition reads a path some upstream state provides"),
    "dataflow.maybe-missing": (
        "warning", "a path read by a state is provided on every flow into it, not some only"),
}
