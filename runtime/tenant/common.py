"""Helpers shared by the action handlers.

This module owns what every handler module needs: the :class:`ActionContext` a handler
receives (the state, the current time, the search cap), reading parameters (absent and null are
the same), parsing and formatting times, and the 1-based ``from`` / ``limit`` paging that the
listing actions share. A handler is a plain function ``(ctx, params) -> response``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from runtime.tenant.errors import ActionError
from runtime.tenant.model import TenantState

T = TypeVar("T")
DEFAULT_MAX_SEARCH_HITS = 10_000
SEVERITY_LABEL = {"critical": "Critical", "trouble": "Trouble", "attention": "Attention"}


@dataclass
class ActionContext:
    """What a handler may use besides its parameters.

    Attributes:
        state: The live tenant state; handlers change it in place.
        now: The current time (UTC, whole seconds) from the tenant's clock.
        max_search_hits: Matches above which Get Alerts fails with 10001001.
    """

    state: TenantState
    now: datetime
    max_search_hits: int = DEFAULT_MAX_SEARCH_HITS


#: What the tenant runs for one action id (a function, not an engine state "handler").
ActionFunction = Callable[[ActionContext, dict[str, Any]], dict[str, Any]]


def text(params: dict[str, Any], key: str) -> str | None:
    """A string parameter, stripped; None when absent, null or blank."""
    value = params.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def strings(params: dict[str, Any], key: str) -> list[str]:
    """A string-array parameter as a list of non-blank strings (absent → empty)."""
    value = params.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [str(item).strip() for item in value if str(item).strip()]


def integer(params: dict[str, Any], key: str, default: int) -> int:
    """An integer parameter, or ``default`` when absent or null."""
    value = params.get(key)
    return default if value is None else int(value)


def flag(params: dict[str, Any], key: str, default: bool = False) -> bool:
    """A boolean parameter, or ``default`` when absent or null."""
    value = params.get(key)
    return default if value is None else bool(value)


def epoch_to_datetime(seconds: float) -> datetime:
    """Convert epoch seconds to an aware UTC datetime in whole seconds."""
    return datetime.fromtimestamp(int(seconds), UTC)


def parse_time(value: str | None, code: str, name: str) -> datetime | None:
    """Parse an ISO 8601 date-time parameter (``Z`` and offsets allowed) to UTC.

    Args:
        value: The parameter value, or None.
        code: The error code to raise when the value does not parse.
        name: The parameter id, for the message.

    Returns:
        The aware UTC datetime, or None when ``value`` is None.

    Raises:
        ActionError: The value is not an ISO 8601 date-time.
    """
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ActionError(code, f"{name} is not an ISO 8601 date-time: {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def iso(moment: datetime) -> str:
    """Format a UTC datetime as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def display_time(moment: datetime | None) -> str | None:
    """Format a datetime as the incident list shows it: ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def in_window(moment: datetime, start: datetime | None, end: datetime | None) -> bool:
    """Whether ``moment`` lies in the inclusive window (an open end is unbounded)."""
    return (start is None or moment >= start) and (end is None or moment <= end)


def page_range(
    params: dict[str, Any], max_limit: int, code: str, default_limit: int = 10
) -> tuple[int, int]:
    """Read ``from`` (1-based; 0 also means the first item) and ``limit``.

    Args:
        params: The action parameters.
        max_limit: The largest allowed limit.
        code: The error code for an out-of-range value.
        default_limit: The limit when none is given.

    Returns:
        The 0-based offset of the first item and the limit.

    Raises:
        ActionError: ``from`` < 0, ``limit`` < 1 or ``limit`` > ``max_limit``.
    """
    start = integer(params, "from", 1)
    limit = integer(params, "limit", default_limit)
    if start < 0 or limit < 1 or limit > max_limit:
        raise ActionError(code, "Invalid FROM/LIMIT")
    return max(start - 1, 0), limit


def paged(items: Sequence[T], offset: int, limit: int) -> list[T]:
    """The slice of ``items`` for one page."""
    return list(items[offset : offset + limit])


def list_meta(total: int, limit: int) -> dict[str, int]:
    """The ``meta`` block of the incident, alert and profile lists."""
    return {"total_items": total, "per_page": limit, "total_pages": math.ceil(total / limit)}


def same(left: str | None, right: str | None) -> bool:
    """Case-insensitive equality of two optional strings."""
    return left is not None and right is not None and left.casefold() == right.casefold()


def same_domain(left: str | None, right: str | None) -> bool:
    """Whether two domain names agree; ``CORP`` also names ``corp.acme.local``."""
    if left is None or right is None:
        return False
    return same(left, right) or same(left.split(".")[0], right) or same(left, right.split(".")[0])
