"""The simulated Log360 Cloud tenant.

This module owns :class:`Tenant`, the object the engine runs Log360 Cloud actions against: it
holds the validated state (see :mod:`runtime.tenant.model` for the collections), dispatches
``call(action_id, params)`` to the handler of each of the 21 actions, reads the time from a
settable clock (so the engine's virtual clock drives ``created_time``, time stamps and
activity), and dumps the state with ``snapshot()`` in the fixture shape. The tenant never
touches this machine: no processes, network or files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from runtime.tenant import agent, incidents, inventory, network, search
from runtime.tenant.common import (
    DEFAULT_MAX_SEARCH_HITS,
    ActionContext,
    ActionFunction,
    epoch_to_datetime,
)
from runtime.tenant.fixtures import load_state
from runtime.tenant.model import TenantState

Clock = Callable[[], float]

HANDLERS: dict[str, ActionFunction] = {
    "create_incident": incidents.create_incident,
    "update_incident": incidents.update_incident,
    "list_incident": incidents.list_incident,
    "delete_incident": incidents.delete_incident,
    "get_alerts": search.get_alerts,
    "list_alert_profiles": inventory.list_alert_profiles,
    "get_log_sources": inventory.get_log_sources,
    "fetch_process_tree": search.fetch_process_tree,
    "risk_score": inventory.risk_score,
    "get_working_hours": inventory.get_working_hours,
    "search_logs": search.search_logs,
    "manage_service": agent.manage_service,
    "manage_process": agent.manage_process,
    "machine_actions": agent.machine_actions,
    "disable_usb": agent.disable_usb,
    "write_to_file": agent.write_to_file,
    "send_popup_message": agent.send_popup_message,
    "execute_script": agent.execute_script,
    "ping_device": network.ping_device,
    "trace_route": network.trace_route,
    "invoke_url_via_agent": network.invoke_url_via_agent,
}
ACTION_IDS: tuple[str, ...] = tuple(HANDLERS)


class Tenant:
    """An in-memory Log360 Cloud tenant that the playbook actions run against.

    Attributes:
        state: The live state; actions change it in place.
        clock: Returns the current time in epoch seconds; set it to drive time virtually.
        max_search_hits: Matching alerts above which Get Alerts fails with 10001001.
    """

    def __init__(
        self,
        state: TenantState | None = None,
        *,
        now: Clock | None = None,
        max_search_hits: int = DEFAULT_MAX_SEARCH_HITS,
    ) -> None:
        """Create a tenant.

        Args:
            state: The starting state; an empty tenant when None.
            now: The clock (epoch seconds); ``time.time`` when None.
            max_search_hits: The Get Alerts search cap.
        """
        self.state = state if state is not None else TenantState()
        self.clock: Clock = now or time.time
        self.max_search_hits = max_search_hits

    @classmethod
    def from_fixtures(
        cls,
        fixtures: dict[str, Any] | None = None,
        *,
        base: str = "default",
        now: Clock | None = None,
        max_search_hits: int = DEFAULT_MAX_SEARCH_HITS,
    ) -> Tenant:
        """Create a tenant from fixtures.

        Args:
            fixtures: Fixture collections; each one given replaces the base's collection.
            base: ``"default"`` starts from the packaged default tenant, ``"empty"`` from
                nothing but ``fixtures``.
            now: The clock (epoch seconds); ``time.time`` when None.
            max_search_hits: The Get Alerts search cap.

        Returns:
            The tenant.

        Raises:
            FixtureError: The fixtures are not a valid tenant; the message names the place.
        """
        return cls(load_state(fixtures, base), now=now, max_search_hits=max_search_hits)

    def call(self, action_id: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one action against the tenant.

        Args:
            action_id: One of :data:`ACTION_IDS`.
            params: The action's parameters, already checked against its schema.

        Returns:
            The success response, shaped like the reference's example.

        Raises:
            ActionError: The action failed with one of the reference's error codes.
            KeyError: ``action_id`` is not a Log360 Cloud action.
        """
        try:
            handler = HANDLERS[action_id]
        except KeyError:
            raise KeyError(f"unknown Log360 Cloud action {action_id!r}") from None
        context = ActionContext(
            state=self.state,
            now=epoch_to_datetime(self.clock()),
            max_search_hits=self.max_search_hits,
        )
        return handler(context, dict(params or {}))

    def snapshot(self) -> dict[str, Any]:
        """The current state as JSON-able fixtures (loadable again with ``base="empty"``)."""
        return self.state.model_dump(mode="json")
