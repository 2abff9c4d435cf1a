"""Network agent actions of the simulated tenant: Ping Device, Trace Route, Invoke Url.

This module owns the actions that reach a device over the network, all simulated. The
destination is resolved like every agent action (so a device that was shut down answers
10001108); ``agent_id``, when given, names the device whose agent sends the request, and its
OS decides the output style (Windows ``ping``/``tracert`` without one). Round-trip times are
derived from the device name, so runs are repeatable. A trace goes through the device's
``route`` (default gateway 10.0.0.1) to the device. Invoke Url Via Agent needs url, HTTP
method and connection name (10001110); the connection must be one of the device's
``connections`` (10001106); a relative URL is joined to its ``base_url``. The answer comes from
the tenant's ``http_responses``: the first key ``"<METHOD> <glob>"`` matching the method and
URL, else the first key ``"<glob>"``, else 404. The reply is the reference's shape exactly,
``{"STATUS": 3, "TASK_RESULT": {"OUTPUT": body}}`` (the body JSON-encoded unless a string); the
HTTP status the canned answer gave is written to the device's activity record only.
"""

from __future__ import annotations

import json
import zlib
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlencode

from runtime.tenant.agent import done
from runtime.tenant.common import ActionContext, integer, text
from runtime.tenant.devices import fqdn, ip_address, record, resolve_agent, resolve_device
from runtime.tenant.errors import ActionError
from runtime.tenant.model import Device, HttpResponse

HTTP_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
DEFAULT_GATEWAY = "10.0.0.1"


def ping_device(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Simulate pinging the destination device.

    Raises:
        ActionError: 10001106 for a request count outside 1 to 5 or a packet size outside
            0 to 1472 bytes; the common device errors.
    """
    count = integer(params, "number_of_requests", 4)
    size = integer(params, "packet_size", 32)
    if not (1 <= count <= 5 and 0 <= size <= 1472):
        raise ActionError("10001106", "number_of_requests must be 1 to 5, packet_size 0 to 1472")
    source = resolve_agent(ctx, params)
    device = resolve_device(ctx, params, "ping_device")
    times = [_latency(device, n) for n in range(count)]
    windows = source is None or source.os == "windows"
    output = _windows_ping(device, size, times) if windows else _unix_ping(device, size, times)
    record(ctx, device, "PingDevice", f"{count} requests")
    return done(output)


def trace_route(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Simulate tracing the route to the destination device.

    Raises:
        ActionError: 10001106 for max hops outside 1 to 64; the common device errors.
    """
    max_hops = integer(params, "max_hops", 30)
    if not 1 <= max_hops <= 64:
        raise ActionError("10001106", "max_hops must be 1 to 64")
    source = resolve_agent(ctx, params)
    device = resolve_device(ctx, params, "trace_route")
    hops = [(hop, hop) for hop in device.route or [DEFAULT_GATEWAY]]
    hops.append((fqdn(device), ip_address(device)))
    reached = len(hops) <= max_hops
    hops = hops[:max_hops]
    if source is None or source.os == "windows":
        output = _windows_trace(device, hops, max_hops, reached)
    else:
        output = _unix_trace(device, hops, max_hops)
    record(ctx, device, "TraceRoute", f"{len(hops)} hops")
    return done(output)


def invoke_url_via_agent(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Simulate calling a URL through the agent of the destination device.

    Raises:
        ActionError: 10001110 without url, method or connection name; 10001106 for another
            method, a connection the device does not have or headers, query parameters or
            body that are not JSON objects; the common device errors.
    """
    url, method = text(params, "url"), (text(params, "http_method") or "").upper()
    connection_name = text(params, "connection_name")
    if url is None or not method or connection_name is None:
        raise ActionError("10001110")
    if method not in HTTP_METHODS:
        raise ActionError("10001106", f"http_method must be one of {', '.join(HTTP_METHODS)}")
    query = {str(k): v for k, v in _json_object(params, "query_params").items()}
    _json_object(params, "headers")
    _json_object(params, "body")
    resolve_agent(ctx, params)
    device = resolve_device(ctx, params, "invoke_url_via_agent")
    connection = next(
        (
            c
            for name, c in device.connections.items()
            if name.casefold() == connection_name.casefold()
        ),
        None,
    )
    if connection is None:
        raise ActionError("10001106", f"{device.name} has no connection named {connection_name!r}")
    full_url = url if "://" in url else connection.base_url.rstrip("/") + "/" + url.lstrip("/")
    if query:
        full_url += ("&" if "?" in full_url else "?") + urlencode(query)
    answer = _canned(ctx.state.http_responses, method, full_url)
    record(ctx, device, "InvokeUrl", f"{method} {full_url} -> {answer.status}")
    body = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
    return {"data": {"STATUS": 3, "TASK_RESULT": {"OUTPUT": body}}}


def _json_object(params: dict[str, Any], key: str) -> dict[str, Any]:
    """A JSON Object parameter given as an object or as JSON text (absent → empty)."""
    value = params.get(key)
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ActionError("10001106", f"{key} is not valid JSON") from None
    if not isinstance(value, dict):
        raise ActionError("10001106", f"{key} must be a JSON object")
    return value


def _canned(responses: dict[str, HttpResponse], method: str, url: str) -> HttpResponse:
    """The configured response for a request, or a 404 explaining how to add one."""
    bare_url = url.split("?", 1)[0]
    general: HttpResponse | None = None
    for key, response in responses.items():
        verb, _, pattern = key.partition(" ")
        if pattern and verb.upper() in HTTP_METHODS:
            if verb.upper() == method and _url_matches(pattern, url, bare_url):
                return response
        elif general is None and _url_matches(key, url, bare_url):
            general = response
    if general is not None:
        return general
    return HttpResponse(
        status=404, body=f"Not Found: no http_responses entry matches {method} {url}"
    )


def _url_matches(pattern: str, url: str, bare_url: str) -> bool:
    pattern = pattern.strip()
    return fnmatchcase(url, pattern) or fnmatchcase(bare_url, pattern)


def _latency(device: Device, sequence: int) -> int:
    """A repeatable round-trip time in milliseconds."""
    return zlib.crc32(device.name.lower().encode("utf-8")) % 12 + 1 + (sequence * 7) % 3


def _windows_ping(device: Device, size: int, times: list[int]) -> str:
    address, ttl = ip_address(device), 128 if device.os == "windows" else 64
    lines = [f"Pinging {fqdn(device)} [{address}] with {size} bytes of data:"]
    lines += [f"Reply from {address}: bytes={size} time={t}ms TTL={ttl}" for t in times]
    lines += [
        "",
        f"Ping statistics for {address}:",
        f"    Packets: Sent = {len(times)}, Received = {len(times)}, Lost = 0 (0% loss),",
        "Approximate round trip times in milli-seconds:",
        f"    Minimum = {min(times)}ms, Maximum = {max(times)}ms, "
        f"Average = {round(sum(times) / len(times))}ms",
    ]
    return "\n".join(lines)


def _unix_ping(device: Device, size: int, times: list[int]) -> str:
    address, ttl = ip_address(device), 128 if device.os == "windows" else 64
    name = fqdn(device)
    lines = [f"PING {name} ({address}) {size}({size + 28}) bytes of data."]
    lines += [
        f"{size + 8} bytes from {name} ({address}): icmp_seq={n} ttl={ttl} time={t}.000 ms"
        for n, t in enumerate(times, start=1)
    ]
    average = sum(times) / len(times)
    deviation = (sum((t - average) ** 2 for t in times) / len(times)) ** 0.5
    lines += [
        "",
        f"--- {name} ping statistics ---",
        f"{len(times)} packets transmitted, {len(times)} received, 0% packet loss, "
        f"time {(len(times) - 1) * 1001}ms",
        f"rtt min/avg/max/mdev = {min(times):.3f}/{average:.3f}/"
        f"{max(times):.3f}/{deviation:.3f} ms",
    ]
    return "\n".join(lines)


def _windows_trace(
    device: Device, hops: list[tuple[str, str]], max_hops: int, reached: bool
) -> str:
    lines = [
        f"Tracing route to {fqdn(device)} [{ip_address(device)}]",
        f"over a maximum of {max_hops} hops:",
        "",
    ]
    for number, (name, address) in enumerate(hops, start=1):
        t = (number - 1) * 2 + _latency(device, number) % 2
        timing = "    ".join(f"{t} ms" if t else "<1 ms" for _ in range(3))
        where = address if name == address else f"{name} [{address}]"
        lines.append(f"{number:>3}    {timing}  {where}")
    lines += ["", "Trace complete." if reached else f"Destination not reached in {max_hops} hops."]
    return "\n".join(lines)


def _unix_trace(device: Device, hops: list[tuple[str, str]], max_hops: int) -> str:
    lines = [
        f"traceroute to {fqdn(device)} ({ip_address(device)}), {max_hops} hops max, 60 byte packets"
    ]
    for number, (name, address) in enumerate(hops, start=1):
        t = (number - 1) * 2 + _latency(device, number) % 2 + 0.4
        timing = "  ".join(f"{t + k * 0.041:.3f} ms" for k in range(3))
        lines.append(f"{number:>2}  {name} ({address})  {timing}")
    return "\n".join(lines)
