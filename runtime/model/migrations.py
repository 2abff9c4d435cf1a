"""Format migrations: older native documents are upgraded step by step on load.

Each migration takes the raw JSON data of version ``n`` and returns version ``n + 1``. Version 0
is the pre-release draft format (no ``format_version`` key, positions stored as ``[x, y]``
lists); version 1 is the current one. A document newer than this build refuses to load with a
message that says so, rather than losing what it does not understand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runtime.model.document import FORMAT_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]


class MigrationError(ValueError):
    """A document whose version this build cannot read."""


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    layout = dict(out.get("layout") or {})
    positions = {}
    for name, pos in (layout.get("positions") or {}).items():
        if isinstance(pos, list) and len(pos) == 2:
            positions[name] = {"x": pos[0], "y": pos[1]}
        else:
            positions[name] = pos
    layout["positions"] = positions
    out["layout"] = layout
    out["format_version"] = 1
    out.setdefault("format", "playbook-studio")
    return out


MIGRATIONS: dict[int, Migration] = {0: _v0_to_v1}


def migrate(data: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """Upgrade raw document data to the current version.

    Returns:
        The upgraded data and the list of versions it passed through (empty when current).

    Raises:
        MigrationError: When the version is not an integer or is newer than this build.
    """
    version = data.get("format_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise MigrationError(f"/format_version: {version!r} is not a format version")
    if version > FORMAT_VERSION:
        raise MigrationError(
            f"/format_version: this file is format {version}, written by a newer Playbook "
            f"Studio; this build reads formats up to {FORMAT_VERSION}"
        )
    passed = []
    while version < FORMAT_VERSION:
        data = MIGRATIONS[version](data)
        passed.append(version)
        version += 1
    return data, passed
