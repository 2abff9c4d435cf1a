"""Search actions of the simulated tenant: Get Alerts, Search Logs, Fetch Process Tree.

This module owns searching the ``alerts`` and ``logs`` collections with the query language of
:mod:`runtime.tenant.query` and building process trees from process events in ``logs``.
Results are newest first. A query may name any record field, the extra ``fields`` of a record
(``event_id = 4625``), nested values (``process.name``) and the aliases ``hostname``/``host``
and ``username``/``user``. Get Alerts answers ``{"data": [rows], "meta": {total_items,
per_page, total_pages}}`` (the reference gives no example; this is the shape of the other
lists) and Search Logs ``{"data": {"rows": [...]}, "meta": {"total_items": N}}``. Fetch
Process Tree answers ``{"data": {"process": node with nested "children", "parents": [nearest
first]}}``; ``after_time``/``before_time`` bound the events considered, ``log_time`` pins the
event of the process asked for.
"""

from __future__ import annotations

import copy
from typing import Any

from runtime.tenant.common import (
    SEVERITY_LABEL,
    ActionContext,
    in_window,
    integer,
    iso,
    list_meta,
    page_range,
    paged,
    parse_time,
    same,
    strings,
    text,
)
from runtime.tenant.errors import ActionError
from runtime.tenant.model import Alert, AlertProfile, LogRecord, LogSource
from runtime.tenant.query import Predicate, QuerySyntaxError, compile_query

MAX_ALERT_LIMIT = 500
MAX_LOG_LIMIT = 500
MAX_CHILD_DEPTH = 5
MAX_PARENT_DEPTH = 10


def get_alerts(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Fetch alerts matching the query, time range, severities and profiles.

    Raises:
        ActionError: 10001014 for a query that does not parse; 10001002 for a bad
            ``from``/``limit``; 10001001 when more alerts match than the search cap.
    """
    offset, limit = page_range(params, MAX_ALERT_LIMIT, "10001002")
    predicate = _compile(text(params, "query"), "Invalid Query")
    start = parse_time(text(params, "start_time"), "10001010", "start_time")
    end = parse_time(text(params, "end_time"), "10001010", "end_time")
    severities = [value.lower() for value in strings(params, "severity")]
    profile_ids = set(strings(params, "profile_ids"))
    profiles = {profile.profile_id: profile for profile in ctx.state.alert_profiles}
    matches: list[tuple[Alert, dict[str, Any]]] = []
    for alert in ctx.state.alerts:
        if not in_window(alert.time, start, end):
            continue
        if severities and alert.severity not in severities:
            continue
        if profile_ids and str(alert.profile_id) not in profile_ids:
            continue
        record = _alert_record(alert, profiles.get(alert.profile_id))
        if predicate(record):
            matches.append((alert, record))
    if len(matches) > ctx.max_search_hits:
        raise ActionError("10001001")
    matches.sort(key=lambda match: (match[0].time, match[0].id), reverse=True)
    rows = [_alert_row(alert, record) for alert, record in paged(matches, offset, limit)]
    return {"data": rows, "meta": list_meta(len(matches), limit)}


def search_logs(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Search logs with a query and source filters.

    Raises:
        ActionError: 10001013 without a query; 10001014 for a query that does not parse;
            10001002 ("Invalid FROM/LIMIT") for a bad ``from``/``limit``.
    """
    query = text(params, "query")
    if query is None:
        raise ActionError("10001013")
    predicate = _compile(query, "Query not valid")
    offset, limit = page_range(params, MAX_LOG_LIMIT, "10001002")
    start = parse_time(text(params, "start_time"), "10001014", "start_time")
    end = parse_time(text(params, "end_time"), "10001014", "end_time")
    sources = {source.log_source_id: source for source in ctx.state.log_sources}
    matches: list[tuple[LogRecord, dict[str, Any]]] = []
    for log in ctx.state.logs:
        source = sources.get(log.log_source_id) if log.log_source_id is not None else None
        if not in_window(log.time, start, end) or not _passes_filters(log, source, params):
            continue
        record = _log_record(log, source)
        if predicate(record):
            matches.append((log, record))
    matches.sort(key=lambda match: match[0].time, reverse=True)
    rows = [_log_row(log, source_record) for log, source_record in paged(matches, offset, limit)]
    return {"data": {"rows": rows}, "meta": {"total_items": len(matches)}}


def fetch_process_tree(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Build the process tree around one process event.

    Raises:
        ActionError: 10001010 when neither ``log_uuid`` nor ``id`` is given or no process
            event matches them.
    """
    after = parse_time(text(params, "after_time"), "10001010", "after_time")
    before = parse_time(text(params, "before_time"), "10001010", "before_time")
    domain = text(params, "domain_name")
    sources = {source.log_source_id: source for source in ctx.state.log_sources}
    events = [
        log
        for log in ctx.state.logs
        if log.process is not None
        and in_window(log.time, after, before)
        and (domain is None or same(domain, _domain_of(log, sources)))
    ]
    target = _target_event(events, params)
    child_depth = min(max(integer(params, "child_limit", MAX_CHILD_DEPTH), 0), MAX_CHILD_DEPTH)
    parent_depth = min(
        max(integer(params, "parent_depth_limit", MAX_PARENT_DEPTH), 0), MAX_PARENT_DEPTH
    )
    on_host = [log for log in events if same(log.hostname, target.hostname)]
    seen = {target.uuid}
    parents = [_node(log) for log in _ancestors(on_host, target, parent_depth, seen)]
    process = _node(target)
    process["children"] = _children(on_host, target, child_depth, seen)
    return {"data": {"process": process, "parents": parents}}


def _compile(query: str | None, title: str) -> Predicate:
    """Parse a query, turning a syntax error into 10001014."""
    try:
        return compile_query(query)
    except QuerySyntaxError as error:
        raise ActionError("10001014", f"{title}: {error}") from None


def _with_fields(record: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Add a record's extra fields under lower-case keys, never over a core field."""
    for key, value in fields.items():
        record.setdefault(str(key).lower(), value)
    return record


def _alert_record(alert: Alert, profile: AlertProfile | None) -> dict[str, Any]:
    """The searchable view of an alert."""
    record: dict[str, Any] = {
        "id": alert.id,
        "alert_id": alert.id,
        "uuid": alert.uuid,
        "profile_id": alert.profile_id,
        "profile_name": profile.profile_name if profile else None,
        "severity": alert.severity,
        "time": alert.time,
        "message": alert.message,
        "host": alert.host,
        "hostname": alert.host,
        "user": alert.user,
        "username": alert.user,
    }
    return _with_fields(record, alert.fields)


def _alert_row(alert: Alert, record: dict[str, Any]) -> dict[str, Any]:
    """One Get Alerts row."""
    row: dict[str, Any] = {
        "alert_id": alert.id,
        "alert_id_str": str(alert.id),
        "uuid": alert.uuid,
        "profile_id": alert.profile_id,
        "profile_id_str": str(alert.profile_id),
        "profile_name": record["profile_name"],
        "severity": SEVERITY_LABEL[alert.severity],
        "time": iso(alert.time),
        "message": alert.message,
        "host": alert.host,
        "user": alert.user,
    }
    for key, value in alert.fields.items():
        row.setdefault(key, copy.deepcopy(value))
    return row


def _passes_filters(log: LogRecord, source: LogSource | None, params: dict[str, Any]) -> bool:
    """Whether a log passes the group, type and source filters of Search Logs."""
    groups = {value.casefold() for value in strings(params, "log_source_group_ids")}
    if groups and (
        source is None
        or not {
            (source.log_source_group_id or "").casefold(),
            (source.log_source_group or "").casefold(),
        }
        & groups
    ):
        return False
    types = {value.casefold() for value in strings(params, "log_types")}
    if types and log.log_type.casefold() not in types:
        return False
    source_ids = set(strings(params, "log_source_ids"))
    return not source_ids or str(log.log_source_id) in source_ids


def _log_record(log: LogRecord, source: LogSource | None) -> dict[str, Any]:
    """The searchable view of a log."""
    process = log.process.model_dump() if log.process else None
    record: dict[str, Any] = {
        "uuid": log.uuid,
        "time": log.time,
        "log_type": log.log_type,
        "log_source_id": log.log_source_id,
        "log_source": source.log_source if source else None,
        "hostname": log.hostname,
        "host": log.hostname,
        "domain_name": log.domain_name or (source.domain_name if source else None),
        "user": log.user,
        "username": log.user,
        "message": log.message,
        "process": process,
        "process_id": process["id"] if process else None,
        "process_name": process["name"] if process else None,
    }
    return _with_fields(record, log.fields)


def _log_row(log: LogRecord, record: dict[str, Any]) -> dict[str, Any]:
    """One Search Logs row."""
    row: dict[str, Any] = {
        "uuid": log.uuid,
        "time": iso(log.time),
        "log_type": log.log_type,
        "log_source_id": log.log_source_id,
        "log_source": record["log_source"],
        "hostname": log.hostname,
        "domain_name": record["domain_name"],
        "user": log.user,
        "message": log.message,
    }
    if log.process is not None:
        row["process"] = log.process.model_dump(exclude_none=True)
    for key, value in log.fields.items():
        row.setdefault(key, copy.deepcopy(value))
    return row


def _domain_of(log: LogRecord, sources: dict[int, LogSource]) -> str | None:
    """A log's domain: its own, else its log source's."""
    if log.domain_name is not None:
        return log.domain_name
    source = sources.get(log.log_source_id) if log.log_source_id is not None else None
    return source.domain_name if source else None


def _target_event(events: list[LogRecord], params: dict[str, Any]) -> LogRecord:
    """The latest process event with the given log uuid or process id (and log time)."""
    log_uuid, process_id = text(params, "log_uuid"), text(params, "id")
    if log_uuid is None and process_id is None:
        raise ActionError("10001010", "Give a log_uuid or a process id")
    log_time = parse_time(text(params, "log_time"), "10001010", "log_time")
    candidates = [
        log
        for log in events
        if (log_uuid is None or log.uuid == log_uuid)
        and (process_id is None or (log.process is not None and log.process.id == process_id))
        and (log_time is None or log.time == log_time)
    ]
    if not candidates:
        raise ActionError("10001010", "No process event matches the log uuid / process id")
    return max(candidates, key=lambda log: log.time)


def _ancestors(
    events: list[LogRecord], start: LogRecord, depth: int, seen: set[str]
) -> list[LogRecord]:
    """The chain of parent process events, nearest first, at most ``depth`` long."""
    chain: list[LogRecord] = []
    current = start
    while len(chain) < depth and current.process and current.process.parent_id:
        parent_id, born = current.process.parent_id, current.time
        candidates = [
            log
            for log in events
            if log.process
            and log.process.id == parent_id
            and log.time <= born
            and log.uuid not in seen
        ]
        if not candidates:
            break
        current = max(candidates, key=lambda log: log.time)
        seen.add(current.uuid)
        chain.append(current)
    return chain


def _children(
    events: list[LogRecord], parent: LogRecord, depth: int, seen: set[str]
) -> list[dict[str, Any]]:
    """The child process events of ``parent``, nested ``depth`` levels deep."""
    if depth <= 0 or parent.process is None:
        return []
    nodes: list[dict[str, Any]] = []
    for log in sorted(events, key=lambda event: event.time):
        if log.uuid in seen or log.process is None or log.time < parent.time:
            continue
        if log.process.parent_id != parent.process.id:
            continue
        seen.add(log.uuid)
        node = _node(log)
        node["children"] = _children(events, log, depth - 1, seen)
        nodes.append(node)
    return nodes


def _node(log: LogRecord) -> dict[str, Any]:
    """One process of the tree."""
    process = log.process
    if process is None:
        raise ValueError(f"log {log.uuid} is not a process event")
    return {
        "process_id": process.id,
        "process_name": process.name,
        "parent_process_id": process.parent_id,
        "path": process.path,
        "command_line": process.command_line,
        "hostname": log.hostname,
        "user": log.user,
        "time": iso(log.time),
        "log_uuid": log.uuid,
    }
