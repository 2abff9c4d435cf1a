"""Data model of the simulated Log360 Cloud tenant.

This module owns the pydantic models that describe a tenant's state. The same models validate
fixture documents and hold the live, mutable state the actions change; ``snapshot()`` dumps
them back to the fixture shape, so a snapshot loads again as fixtures. Times are stored as
timezone-aware UTC datetimes (a fixture may write any ISO 8601 date-time; one without an
offset is read as UTC) and dumped as ``YYYY-MM-DDTHH:MM:SSZ``. Every model forbids unknown
keys so that a typo in a fixture is reported instead of silently ignored. The collections:

- ``incidents``: id (int), name (unique), description, severity (critical|trouble|attention),
  status (open|in_progress|closed), assignee, due_date, created_by, created_time, notes,
  source (search|report|alert|Incident Workbench), evidence (uuids).
- ``alerts``: id, uuid, profile_id, severity, time, message, host, user, fields (any further
  searchable fields, e.g. ``event_id``).
- ``alert_profiles``: the List Alert Profiles fields (profile_id, profile_name, severity,
  profile_type, threshold_interval, threshold_occurrence, status, creator_type, created_by,
  notification_type).
- ``log_sources``: log_source_id (int), log_source (or ``name``), log_type, log_type_name,
  domain_name, log_source_group, log_source_group_id, log_collection_status
  (active|inactive|decommissioned_device), log_collector_state (derived when left out).
- ``logs``: uuid, time, log_type, log_source_id, hostname, domain_name, user, message,
  process {id, name, parent_id, path, command_line} (process events form the process tree),
  fields.
- ``devices``: name, host_id, domain_name, os (windows|linux|mac), online, agent_id,
  ip_address, services {name: running|stopped}, processes [{pid, name, path}], files
  {path: content}, usb_enabled, usb_drives, logged_on_users, duplicate (10001109),
  credential (false: 10001102), connections {name: {base_url}}, route (trace route hops),
  script_outputs {script file: output}; and what actions leave: popups, activity.
- ``working_hours``: working_hours_type and working_hours_settings {working_days,
  working_hours {start, end}}.
- ``risk_scores``: users and hosts, each [{name, domain_name, risk_score 0-100, risk_level,
  risk_factors}].
- ``http_responses``: {"[METHOD ]<url glob>": {status, body}} for Invoke Url Via Agent.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, field_validator


def _to_utc(value: datetime) -> datetime:
    """Read a naive datetime as UTC and convert an aware one to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _int_to_str(value: Any) -> Any:
    """Accept an integer where an identifier string is expected (``"pid": 4120``)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


IdStr = Annotated[str, BeforeValidator(_int_to_str)]
Severity = Literal["critical", "trouble", "attention"]
IncidentStatus = Literal["open", "in_progress", "closed"]
EvidenceSource = Literal["search", "report", "alert", "Incident Workbench"]
OsName = Literal["windows", "linux", "mac"]
ServiceState = Literal["running", "stopped"]
CollectionStatus = Literal["active", "inactive", "decommissioned_device"]
CollectorState = Literal["Active", "InActive", "Decommissioned Devices"]
ProfileType = Literal["Rule based", "Report based", "Custom", "Compliance"]
_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
COLLECTOR_STATE_OF: dict[str, CollectorState] = {
    "active": "Active",
    "inactive": "InActive",
    "decommissioned_device": "Decommissioned Devices",
}


class _Model(BaseModel):
    """Base of every tenant model: unknown keys are errors, UTC datetimes everywhere."""

    model_config = ConfigDict(extra="forbid", validate_default=False)

    @field_validator("*", mode="after")
    @classmethod
    def _utc_datetimes(cls, value: Any) -> Any:
        return _to_utc(value) if isinstance(value, datetime) else value


class Incident(_Model):
    """An incident; ``created_by`` and ``assignee`` are user ids (also shown as names)."""

    id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=250)
    description: str = ""
    severity: Severity = "attention"
    status: IncidentStatus = "open"
    assignee: str | None = None
    due_date: datetime | None = None
    created_by: str = "admin"
    created_time: datetime
    notes: list[str] = []
    source: EvidenceSource | None = None
    evidence: list[str] = []


class Alert(_Model):
    """An alert raised by an alert profile; ``fields`` holds any further searchable fields."""

    id: int = Field(ge=1)
    uuid: str = Field(min_length=1)
    profile_id: int
    severity: Severity
    time: datetime
    message: str = ""
    host: str | None = None
    user: str | None = None
    fields: dict[str, Any] = {}


class AlertProfile(_Model):
    """An alert profile, with the fields of the List Alert Profiles response."""

    profile_id: int
    profile_name: str = Field(min_length=1)
    severity: Severity
    profile_type: ProfileType = "Custom"
    threshold_interval: int = Field(default=300, ge=0)
    threshold_occurrence: int = Field(default=1, ge=0)
    status: Literal["enabled", "disabled"] = "enabled"
    creator_type: str = "Admin"
    created_by: str = "admin"
    notification_type: list[str] = []


class LogSource(_Model):
    """A log source (a device or application sending logs); ``name`` is read as ``log_source``."""

    log_source_id: int
    log_source: str = Field(min_length=1, validation_alias=AliasChoices("log_source", "name"))
    log_type: str
    log_type_name: str | None = None
    domain_name: str | None = None
    log_source_group: str | None = None
    log_source_group_id: IdStr | None = None
    log_collection_status: CollectionStatus = "active"
    log_collector_state: CollectorState | None = None

    def model_post_init(self, __context: Any) -> None:
        """Derive the display fields a fixture may leave out."""
        if self.log_type_name is None:
            self.log_type_name = self.log_type
        if self.log_collector_state is None:
            self.log_collector_state = COLLECTOR_STATE_OF[self.log_collection_status]


class LogProcess(_Model):
    """The process a log event is about (process creation events build the process tree)."""

    id: IdStr
    name: str
    parent_id: IdStr | None = None
    path: str | None = None
    command_line: str | None = None


class LogRecord(_Model):
    """One log event as Search Logs and Fetch Process Tree see it."""

    uuid: str = Field(min_length=1)
    time: datetime
    log_type: str
    log_source_id: int | None = None
    hostname: str
    domain_name: str | None = None
    user: str | None = None
    message: str = ""
    process: LogProcess | None = None
    fields: dict[str, Any] = {}


class DeviceProcess(_Model):
    """A process running on a device."""

    pid: int = Field(ge=0)
    name: str = Field(min_length=1)
    path: str = ""


class Connection(_Model):
    """A connection (integration) reachable through a device's agent."""

    base_url: str


class Popup(_Model):
    """A popup message shown on a device by Send Popup Message."""

    time: datetime
    message: str


class Activity(_Model):
    """One agent action performed on a device, kept to show what a run did."""

    time: datetime
    action: str
    detail: str = ""


class Device(_Model):
    """A managed endpoint with a Log360 Cloud agent.

    ``duplicate`` marks a device with a duplicate collector entry (10001109) and
    ``credential: false`` one whose credential is missing (10001102).
    """

    name: str = Field(min_length=1)
    host_id: IdStr
    domain_name: str | None = None
    os: OsName
    online: bool = True
    agent_id: IdStr | None = None
    ip_address: str | None = None
    services: dict[str, ServiceState] = {}
    processes: list[DeviceProcess] = []
    files: dict[str, str] = {}
    usb_enabled: bool = True
    usb_drives: list[str] = []
    logged_on_users: list[str] = []
    duplicate: bool = False
    credential: bool = True
    connections: dict[str, Connection] = {}
    route: list[str] = []
    script_outputs: dict[str, str] = {}
    popups: list[Popup] = []
    activity: list[Activity] = []


class WorkingHoursRange(_Model):
    """Start and end of the working day, ``HH:MM``."""

    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("must be a time written HH:MM")
        return value


class WorkingHoursSettings(_Model):
    """Working days (1 = Monday ... 7 = Sunday) and hours."""

    working_days: list[Annotated[int, Field(ge=1, le=7)]] = [1, 2, 3, 4, 5]
    working_hours: WorkingHoursRange = WorkingHoursRange(start="09:00", end="18:00")


class WorkingHours(_Model):
    """The Get Working Hours data."""

    working_hours_type: str = "custom"
    working_hours_settings: WorkingHoursSettings = WorkingHoursSettings()


class RiskEntry(_Model):
    """The risk of one user or host; ``risk_level`` is derived from the score when left out."""

    name: str = Field(min_length=1)
    domain_name: str | None = None
    risk_score: int = Field(ge=0, le=100)
    risk_level: Literal["low", "medium", "high"] | None = None
    risk_factors: list[str] = []


class RiskScores(_Model):
    """The entity risk table: users (entity type 0) and hosts (entity type 1)."""

    users: list[RiskEntry] = []
    hosts: list[RiskEntry] = []


class HttpResponse(_Model):
    """A canned answer for Invoke Url Via Agent."""

    status: int = Field(default=200, ge=100, le=599)
    body: Any = ""


class TenantState(_Model):
    """The whole tenant: every fixture collection.

    Collections: ``incidents``, ``alerts``, ``alert_profiles``, ``log_sources``, ``logs``,
    ``devices``, ``working_hours``, ``risk_scores`` and ``http_responses`` (URL glob, optionally
    prefixed by an HTTP method and a space, mapped to a canned response).
    """

    incidents: list[Incident] = []
    alerts: list[Alert] = []
    alert_profiles: list[AlertProfile] = []
    log_sources: list[LogSource] = []
    logs: list[LogRecord] = []
    devices: list[Device] = []
    working_hours: WorkingHours = WorkingHours()
    risk_scores: RiskScores = RiskScores()
    http_responses: dict[str, HttpResponse] = {}
