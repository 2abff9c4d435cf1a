"""Configuration lookups of the simulated tenant.

This module owns the read-only actions over what the tenant has configured: List Alert
Profiles (``alert_profiles``; a bad ``from``/``limit`` is 10001010, the only fitting code in its
table), Get Log Sources (``log_sources``; sorting, ``page``/``from``/``limit`` paging where page
n starts ``(n-1)*limit`` rows after the 1-based ``from``, 10001012 for bad ranges), Risk Score
(``risk_scores``; an entity the table does not know scores 0, level ``low``; a domain
matches by full name or first label) and Get Working
Hours (``working_hours``). Risk levels derived from a score: below 40 low, below 70 medium,
else high.
"""

from __future__ import annotations

from typing import Any

from runtime.tenant.common import (
    SEVERITY_LABEL,
    ActionContext,
    flag,
    integer,
    list_meta,
    page_range,
    paged,
    same,
    same_domain,
    strings,
    text,
)
from runtime.tenant.errors import ActionError
from runtime.tenant.model import AlertProfile, LogSource, RiskEntry

MAX_PROFILE_LIMIT = 100
MAX_SOURCE_LIMIT = 1000
MAX_SOURCE_PAGE = 1000
ENTITY_TYPES = {0: "user", 1: "host"}


def list_alert_profiles(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """List alert profiles by id, filtered by severity, status and profile type.

    Raises:
        ActionError: 10001010 ("Invalid FROM/LIMIT") for ``from`` < 0 or ``limit`` outside
            1 to 100.
    """
    offset, limit = page_range(params, MAX_PROFILE_LIMIT, "10001010")
    severities = [value.lower() for value in strings(params, "severity")]
    status, profile_type = text(params, "status"), text(params, "profile_type")
    matches = [
        profile
        for profile in sorted(ctx.state.alert_profiles, key=lambda p: p.profile_id)
        if (not severities or profile.severity in severities)
        and (status is None or same(status, profile.status))
        and (profile_type is None or same(profile_type, profile.profile_type))
    ]
    rows = [_profile_row(profile) for profile in paged(matches, offset, limit)]
    return {"data": rows, "meta": list_meta(len(matches), limit)}


def get_log_sources(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """List log sources matching the filters, sorted and paged.

    Raises:
        ActionError: 10001012 for ``page``, ``from`` or ``limit`` out of range or an unknown
            sort field.
    """
    page = integer(params, "page", 1)
    start = integer(params, "from", 1)
    limit = integer(params, "limit", 10)
    if not (1 <= page <= MAX_SOURCE_PAGE and 0 <= start <= MAX_SOURCE_PAGE):
        raise ActionError("10001012")
    if not 1 <= limit <= MAX_SOURCE_LIMIT:
        raise ActionError("10001012")
    sort = text(params, "sort") or "log_source_id"
    if sort not in ("log_source_id", "log_source"):
        raise ActionError("10001012", f"Invalid sort field {sort!r}")
    matches = [source for source in ctx.state.log_sources if _source_matches(source, params)]
    matches.sort(
        key=lambda s: s.log_source_id if sort == "log_source_id" else s.log_source.casefold(),
        reverse=not flag(params, "is_ascending", True),
    )
    offset = max(start - 1, 0) + (page - 1) * limit
    rows = [source.model_dump(mode="json") for source in paged(matches, offset, limit)]
    meta = {
        "total": len(ctx.state.log_sources),
        "limit": limit,
        "from": start,
        "page": page,
        "no_of_log_sources": len(matches),
    }
    return {"data": {"log_sources": rows}, "meta": meta}


def risk_score(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """The risk score of a user (entity type 0, the default) or a host (1).

    Raises:
        ActionError: 10001010 without an entity name or for another entity type.
    """
    entity_type = integer(params, "entity_type", 0)
    if entity_type not in ENTITY_TYPES:
        raise ActionError(
            "10001010", f"entity_type must be 0 (user) or 1 (host), not {entity_type}"
        )
    name = text(params, "entity_name")
    if name is None:
        raise ActionError("10001010", "entity_name is required")
    domain = text(params, "domain_name")
    table = ctx.state.risk_scores.users if entity_type == 0 else ctx.state.risk_scores.hosts
    entry = next(
        (
            e
            for e in table
            if same(e.name, name)
            and (domain is None or e.domain_name is None or same_domain(e.domain_name, domain))
        ),
        None,
    )
    found = entry or RiskEntry(name=name, domain_name=domain, risk_score=0)
    return {
        "data": {
            "entity_name": found.name,
            "entity_type": entity_type,
            "entity_type_name": ENTITY_TYPES[entity_type],
            "domain_name": found.domain_name,
            "risk_score": found.risk_score,
            "risk_level": found.risk_level or risk_level(found.risk_score),
            "risk_factors": list(found.risk_factors),
        }
    }


def get_working_hours(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """The tenant's working hours, shaped like the reference's example."""
    return {"data": ctx.state.working_hours.model_dump(mode="json")}


def risk_level(score: int) -> str:
    """The level of a 0-100 risk score: low below 40, medium below 70, else high."""
    if score < 40:
        return "low"
    return "medium" if score < 70 else "high"


def _profile_row(profile: AlertProfile) -> dict[str, Any]:
    """One List Alert Profiles row, shaped like the reference's example."""
    return {
        "profile_id": profile.profile_id,
        "profile_id_str": str(profile.profile_id),
        "profile_name": profile.profile_name,
        "severity": SEVERITY_LABEL[profile.severity],
        "profile_type": profile.profile_type,
        "threshold_interval": profile.threshold_interval,
        "threshold_occurrence": profile.threshold_occurrence,
        "status": profile.status,
        "creator_type": profile.creator_type,
        "created_by": profile.created_by,
        "notification_type": list(profile.notification_type),
    }


def _source_matches(source: LogSource, params: dict[str, Any]) -> bool:
    """Whether a log source passes the Get Log Sources filters."""
    name = text(params, "log_source")
    if name is not None and name.casefold() not in source.log_source.casefold():
        return False
    source_id = text(params, "log_source_id")
    if source_id is not None and source_id != str(source.log_source_id):
        return False
    log_type = text(params, "log_type")
    if log_type is not None and not (
        same(log_type, source.log_type) or same(log_type, source.log_type_name)
    ):
        return False
    group = text(params, "log_source_group")
    if group is not None and not (
        same(group, source.log_source_group) or same(group, source.log_source_group_id)
    ):
        return False
    checks = (
        ("domain_name", source.domain_name),
        ("log_collection_status", source.log_collection_status),
        ("log_collector_state", source.log_collector_state),
    )
    return all(text(params, key) is None or same(text(params, key), value) for key, value in checks)
