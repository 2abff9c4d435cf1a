"""Finding the device an agent action targets.

This module owns resolving ``destination_device`` (a device name, its fully qualified
``name.domain``, or its host id, narrowed by ``domain_name`` when given, which may also be the
domain's first label) and ``agent_id`` against the tenant's ``devices``, with the common
agent-action errors in a fixed order: not found 10001104, duplicate 10001109 (a device marked
``duplicate`` or a name matching several devices), missing credential 10001102 (only for the
actions whose table lists it), incompatible OS 10001107, offline 10001108. The database checks
come before reaching the agent, so an offline device without a credential reports 10001102.
It also keeps each device's activity list (the last :data:`MAX_ACTIVITY` actions).
"""

from __future__ import annotations

import zlib
from collections.abc import Collection
from typing import Any

from runtime.tenant.common import ActionContext, same, same_domain, text
from runtime.tenant.errors import ActionError
from runtime.tenant.model import Activity, Device

MAX_ACTIVITY = 200
ALL_OS: frozenset[str] = frozenset({"windows", "linux", "mac"})
NEEDS_CREDENTIAL: frozenset[str] = frozenset(
    {
        "manage_service",
        "manage_process",
        "machine_actions",
        "disable_usb",
        "write_to_file",
        "send_popup_message",
        "execute_script",
    }
)
SUPPORTED_OS: dict[str, frozenset[str]] = {"manage_service": frozenset({"windows", "linux"})}


def resolve_device(
    ctx: ActionContext,
    params: dict[str, Any],
    action: str,
    supported_os: Collection[str] | None = None,
) -> Device:
    """Find the destination device of an agent action and check it can run the action.

    Args:
        ctx: The action context.
        params: The action parameters (``destination_device``, ``domain_name``).
        action: The action id, which decides the credential and OS checks.
        supported_os: The operating systems the action supports on this call; defaults to
            :data:`SUPPORTED_OS` for the action, else every OS.

    Returns:
        The device.

    Raises:
        ActionError: 10001104, 10001109, 10001102, 10001107 or 10001108.
    """
    wanted = text(params, "destination_device")
    if wanted is None:
        raise ActionError("10001104", "No destination device was given")
    domain = text(params, "domain_name")
    matches = [d for d in ctx.state.devices if _names(d, wanted) and _in_domain(d, domain)]
    if not matches:
        raise ActionError("10001104")
    if len(matches) > 1 or matches[0].duplicate:
        raise ActionError("10001109")
    device = matches[0]
    if action in NEEDS_CREDENTIAL and not device.credential:
        raise ActionError("10001102")
    allowed = supported_os if supported_os is not None else SUPPORTED_OS.get(action, ALL_OS)
    if device.os not in allowed:
        raise ActionError(
            "10001107", f"The device is incompatible: {action} does not support {device.os}"
        )
    if not device.online:
        raise ActionError("10001108")
    return device


def resolve_agent(ctx: ActionContext, params: dict[str, Any]) -> Device | None:
    """The device whose agent runs a network action (``agent_id``), or None when not given.

    Raises:
        ActionError: 10001104 for an unknown agent id, 10001109 for a duplicate one,
            10001108 when that agent's device is offline.
    """
    agent_id = text(params, "agent_id")
    if agent_id is None:
        return None
    matches = [d for d in ctx.state.devices if d.agent_id is not None and d.agent_id == agent_id]
    if not matches:
        raise ActionError("10001104", f"No agent has the id {agent_id}")
    if len(matches) > 1 or matches[0].duplicate:
        raise ActionError("10001109")
    if not matches[0].online:
        raise ActionError("10001108")
    return matches[0]


def record(ctx: ActionContext, device: Device, action: str, detail: str = "") -> None:
    """Append an entry to the device's activity list, keeping the newest entries."""
    device.activity.append(Activity(time=ctx.now, action=action, detail=detail))
    del device.activity[:-MAX_ACTIVITY]


def ip_address(device: Device) -> str:
    """The device's IP address, or a stable made-up one in 10.0.0.0/8."""
    if device.ip_address:
        return device.ip_address
    digest = zlib.crc32(device.name.lower().encode("utf-8"))
    return f"10.{(digest >> 16) & 0xFF}.{(digest >> 8) & 0xFF}.{(digest & 0xFF) % 253 + 2}"


def fqdn(device: Device) -> str:
    """``name.domain`` (or the bare name without a domain)."""
    return f"{device.name}.{device.domain_name}" if device.domain_name else device.name


def _names(device: Device, wanted: str) -> bool:
    """Whether ``wanted`` is the device's name, fully qualified name or host id."""
    return same(device.name, wanted) or same(fqdn(device), wanted) or device.host_id == wanted


def _in_domain(device: Device, domain: str | None) -> bool:
    """Whether the device is in ``domain`` (a device without a domain is in any)."""
    if domain is None or device.domain_name is None:
        return True
    return same_domain(device.domain_name, domain)
