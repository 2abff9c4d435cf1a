"""Incident actions of the simulated tenant.

This module owns Create Incident, Update Incident, List Incident and Delete Incident against
the tenant's ``incidents`` collection. Incident names are unique, compared trimmed and without
regard to case (10001068). New incidents get the next id after the largest one (100001 in an
empty tenant), ``created_by`` :data:`PLAYBOOK_USER`, the tenant clock's time, and default to
severity ``attention`` and status ``open``. Evidence needs a source (10001013), on update
counting the incident's stored source. An update naming no existing incident fails with
10001013, its message saying which id. The list is newest first.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from runtime.tenant.common import (
    SEVERITY_LABEL,
    ActionContext,
    display_time,
    list_meta,
    page_range,
    paged,
    parse_time,
    same,
    strings,
    text,
)
from runtime.tenant.errors import ActionError
from runtime.tenant.model import Incident, TenantState

PLAYBOOK_USER = "playbook"
FIRST_INCIDENT_ID = 100001
MAX_LIST_LIMIT = 100
STATUS_LABEL = {"open": "Open", "in_progress": "In Progress", "closed": "Closed"}
_EDITABLE = ("description", "severity", "status", "assignee", "source")


def create_incident(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create an incident.

    Raises:
        ActionError: 10001013 without a name or with evidence but no source; 10001068 when
            the name is in use; 10001010 for an unreadable due date.
    """
    name = text(params, "name")
    if name is None:
        raise ActionError("10001013", "Required params missing: name")
    _check_name_free(ctx.state, name, None)
    evidence = strings(params, "evidence")
    if evidence and text(params, "source") is None:
        raise ActionError("10001013")
    incident = _build(
        {
            "id": _next_id(ctx.state),
            "name": name,
            "created_by": PLAYBOOK_USER,
            "created_time": ctx.now,
            "evidence": evidence,
            "notes": strings(params, "notes"),
            "due_date": parse_time(text(params, "due_date"), "10001010", "due_date"),
            **{key: text(params, key) for key in _EDITABLE if text(params, key) is not None},
        }
    )
    ctx.state.incidents.append(incident)
    return {
        "data": {
            "incident_id": incident.id,
            "incident_id_str": str(incident.id),
            "message": "Incident has been created successfully.",
        }
    }


def update_incident(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Update the given fields of an incident; notes and evidence given replace the old ones.

    Raises:
        ActionError: 10001013 without an incident id, for an unknown id, or for evidence
            without any source; 10001068 when renaming to a name in use.
    """
    incident = _find(ctx.state, text(params, "incident_id"))
    changes: dict[str, Any] = {k: text(params, k) for k in _EDITABLE if text(params, k)}
    name = text(params, "name")
    if name is not None:
        _check_name_free(ctx.state, name, incident.id)
        changes["name"] = name
    for key in ("notes", "evidence"):
        if params.get(key) is not None:
            changes[key] = strings(params, key)
    if changes.get("evidence") and not (changes.get("source") or incident.source):
        raise ActionError("10001013")
    if text(params, "due_date") is not None:
        changes["due_date"] = parse_time(text(params, "due_date"), "10001010", "due_date")
    updated = _build({**incident.model_dump(), **changes})
    ctx.state.incidents[ctx.state.incidents.index(incident)] = updated
    return {"data": {"message": "Incident has been updated successfully."}}


def list_incident(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """List incidents matching the filters, newest first, one page at a time.

    Raises:
        ActionError: 10001002 for ``from`` < 0 or ``limit`` outside 1 to 100.
    """
    offset, limit = page_range(params, MAX_LIST_LIMIT, "10001002")
    matches = [i for i in ctx.state.incidents if _matches(i, params)]
    matches.sort(key=lambda i: (i.created_time, i.id), reverse=True)
    rows = [_row(incident) for incident in paged(matches, offset, limit)]
    return {"data": rows, "meta": list_meta(len(matches), limit)}


def delete_incident(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete incidents by id; nothing is deleted unless every id names an incident.

    Raises:
        ActionError: 10001010 ("Delete failed") for an empty list; 0000107 naming the first
            id that is not the numeric id of an existing incident.
    """
    ids = params.get("incident_ids")
    if ids is not None and not isinstance(ids, list):
        ids = [ids]
    if not ids:
        raise ActionError("10001010")
    existing = {incident.id for incident in ctx.state.incidents}
    doomed: set[int] = set()
    for index, raw in enumerate(ids):
        number = _as_id(raw)
        if number is None or number not in existing:
            raise ActionError(
                "0000107", f"The value for the parameter incident_ids.{index} is invalid"
            )
        doomed.add(number)
    ctx.state.incidents[:] = [i for i in ctx.state.incidents if i.id not in doomed]
    return {"data": {"message": "Incident has been deleted successfully."}}


def _build(data: dict[str, Any]) -> Incident:
    """Validate incident data; a value the model refuses is a generic error (10001010)."""
    try:
        return Incident.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        raise ActionError("10001010", f"Invalid value for {place}: {first['msg']}") from None


def _next_id(state: TenantState) -> int:
    return max((i.id for i in state.incidents), default=FIRST_INCIDENT_ID - 1) + 1


def _as_id(raw: Any) -> int | None:
    """An incident id given as an integer or a string of digits, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    value = str(raw).strip()
    return int(value) if value.isdigit() else None


def _find(state: TenantState, raw_id: str | None) -> Incident:
    """The incident with this id, or 10001013."""
    if raw_id is None:
        raise ActionError("10001013", "Required params missing: incident_id")
    number = _as_id(raw_id)
    for incident in state.incidents:
        if incident.id == number:
            return incident
    raise ActionError("10001013", f"Required params missing: no incident has the id {raw_id}")


def _check_name_free(state: TenantState, name: str, own_id: int | None) -> None:
    """Raise 10001068 when another incident already has this name."""
    wanted = name.strip().casefold()
    for incident in state.incidents:
        if incident.id != own_id and incident.name.strip().casefold() == wanted:
            raise ActionError("10001068")


def _matches(incident: Incident, params: dict[str, Any]) -> bool:
    """Whether an incident passes the List Incident filters."""
    name = text(params, "incident_name")
    if name is not None and name.casefold() not in incident.name.casefold():
        return False
    severities = strings(params, "severity")
    if severities and incident.severity not in [s.lower() for s in severities]:
        return False
    statuses = strings(params, "status")
    if statuses and incident.status not in [s.lower() for s in statuses]:
        return False
    creator = text(params, "created_by_user_id")
    if creator is not None and not same(creator, incident.created_by):
        return False
    assignee = text(params, "assign_to")
    return assignee is None or same(assignee, incident.assignee)


def _row(incident: Incident) -> dict[str, Any]:
    """One List Incident row, shaped like the reference's example."""
    return {
        "incident_id": incident.id,
        "incident_id_str": str(incident.id),
        "incident_name": incident.name,
        "incident_description": incident.description,
        "created_time": display_time(incident.created_time),
        "due_date": display_time(incident.due_date),
        "created_by": incident.created_by,
        "assign_to": incident.assignee,
        "severity": SEVERITY_LABEL[incident.severity],
        "status": STATUS_LABEL[incident.status],
    }
