"""The simulated Log360 Cloud tenant the playbook actions run against.

This package owns an in-memory tenant (incidents, alerts, alert profiles, log sources, logs,
devices, working hours, risk scores and canned HTTP answers) on which the 21 Log360 Cloud
actions run with the reference's responses and error codes, without touching this machine.
Build one with :meth:`Tenant.from_fixtures`, run actions with :meth:`Tenant.call`, and look at
it with :meth:`Tenant.snapshot`.
"""

from __future__ import annotations

from runtime.tenant.core import ACTION_IDS, Tenant
from runtime.tenant.errors import ActionError, FixtureError
from runtime.tenant.query import QuerySyntaxError, compile_query

__all__ = [
    "ACTION_IDS",
    "ActionError",
    "FixtureError",
    "QuerySyntaxError",
    "Tenant",
    "compile_query",
]
