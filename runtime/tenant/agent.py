"""Endpoint agent actions of the simulated tenant.

This module owns Manage Service, Manage Process, Machine Actions, Disable Usb, Write To File,
Send Popup Message and Execute Script. Each one changes only the simulated device and never
this machine. Results are ``{"data": {"STATUS": 3}}``; the test operations and Execute Script
add ``TASK_RESULT.OUTPUT``. Choices the reference leaves open: TestService answers ``running``
or ``stopped``, and TestProcess answers ``running``. A service the device does not have, or a
process that is not running, is 10001105. Manage Service does not support macOS (10001107).
Execute Script runs VBScript, Powershell and Batch only on Windows and Shell and Bash only on
Linux and macOS (10001107). Its output is the device's ``script_outputs`` entry for the file,
else ``Simulated execution of <file> <args>``. Write To File ends every write with a newline,
and a time stamp is ``YYYY-MM-DDTHH:MM:SSZ`` followed by a space.
"""

from __future__ import annotations

import shlex
from typing import Any

from runtime.tenant.common import ActionContext, flag, integer, iso, same, text
from runtime.tenant.devices import record, resolve_device
from runtime.tenant.errors import ActionError
from runtime.tenant.model import Device, DeviceProcess, Popup

SERVICE_OPERATIONS = ("StartService", "StopService", "TestService")
PROCESS_OPERATIONS = ("StartProcess", "StopProcess", "TestProcess")
MACHINE_OPERATIONS = ("LogOff", "ShutDownSystem", "RestartSystem")
SCRIPT_OS: dict[str, frozenset[str]] = {
    "vbscript": frozenset({"windows"}),
    "powershell": frozenset({"windows"}),
    "batch": frozenset({"windows"}),
    "shell": frozenset({"linux", "mac"}),
    "bash": frozenset({"linux", "mac"}),
}
MAX_SCRIPT_TIMEOUT = 120
DEFAULT_SCRIPT_TIMEOUT = 60


def done(output: str | None = None) -> dict[str, Any]:
    """The agent success response, with ``TASK_RESULT.OUTPUT`` when there is output."""
    if output is None:
        return {"data": {"STATUS": 3}}
    return {"data": {"STATUS": 3, "TASK_RESULT": {"OUTPUT": output}}}


def manage_service(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Start, stop or test a service of the device.

    Raises:
        ActionError: 10001105 for another operation or a service the device does not have;
            the common device errors.
    """
    device = resolve_device(ctx, params, "manage_service")
    operation = _operation(params, SERVICE_OPERATIONS)
    wanted = text(params, "service_name")
    if wanted is None:
        raise ActionError("10001105", "No service name was given")
    service = next((name for name in device.services if same(name, wanted)), None)
    if service is None:
        raise ActionError("10001105", f"Service {wanted!r} is not installed on {device.name}")
    record(ctx, device, operation, service)
    if operation == "TestService":
        return done(device.services[service])
    device.services[service] = "running" if operation == "StartService" else "stopped"
    return done()


def manage_process(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Start, stop or test a process of the device.

    Raises:
        ActionError: 10001105 for another operation, no process name, or stopping or testing
            a process that is not running; the common device errors.
    """
    device = resolve_device(ctx, params, "manage_process")
    operation = _operation(params, PROCESS_OPERATIONS)
    command = text(params, "name")
    if command is None:
        raise ActionError("10001105", "No process name was given")
    if operation == "StartProcess":
        name = _program_name(command)
        pid = max((p.pid for p in device.processes), default=1000) + 4
        device.processes.append(DeviceProcess(pid=pid, name=name, path=text(params, "path") or ""))
        record(ctx, device, operation, f"{command} (PID {pid})")
        return done()
    running = [p for p in device.processes if _is_process(p, command)]
    if not running:
        raise ActionError("10001105", f"Process {command!r} is not running on {device.name}")
    record(ctx, device, operation, command)
    if operation == "TestProcess":
        return done("running")
    device.processes[:] = [p for p in device.processes if p not in running]
    return done()


def machine_actions(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Log users off, shut the device down (it goes offline) or restart it.

    Raises:
        ActionError: 10001105 for another operation; the common device errors.
    """
    device = resolve_device(ctx, params, "machine_actions")
    operation = _operation(params, MACHINE_OPERATIONS)
    forced = flag(params, "force_action")
    record(ctx, device, operation, "forced" if forced else "")
    device.logged_on_users.clear()
    if operation == "ShutDownSystem":
        device.online = False
    return done()


def disable_usb(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Disable USB storage on the device, optionally dismounting its removable drives."""
    device = resolve_device(ctx, params, "disable_usb")
    dismount = flag(params, "dismount_all_drive")
    record(ctx, device, "DisableUsb", "dismounted all drives" if dismount else "")
    device.usb_enabled = False
    if dismount:
        device.usb_drives.clear()
    return done()


def write_to_file(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Write, or append, a line of data to a file of the device.

    Raises:
        ActionError: 10001105 without a file name or path, or for a file name holding a
            path separator; the common device errors.
    """
    device = resolve_device(ctx, params, "write_to_file")
    file_name, folder = text(params, "file_name"), text(params, "path")
    if file_name is None or folder is None:
        raise ActionError("10001105", "Write To File needs a file name and a path")
    if "/" in file_name or "\\" in file_name:
        raise ActionError("10001105", f"The file name {file_name!r} holds a path separator")
    full_path = _join(device, folder, file_name)
    line = str(params.get("data") or "")
    if flag(params, "prepend_time_stamp"):
        line = f"{iso(ctx.now)} {line}"
    existing = device.files.get(full_path, "") if flag(params, "append_to_file") else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    device.files[full_path] = f"{existing}{line}\n"
    record(ctx, device, "WriteToFile", full_path)
    return done()


def send_popup_message(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Show a popup message on the device (kept in its ``popups``).

    Raises:
        ActionError: 10001105 without a message; the common device errors.
    """
    device = resolve_device(ctx, params, "send_popup_message")
    message = text(params, "message")
    if message is None:
        raise ActionError("10001105", "No message was given")
    device.popups.append(Popup(time=ctx.now, message=message))
    record(ctx, device, "SendPopupMessage", message)
    return done()


def execute_script(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    """Simulate running a script on the device; nothing is executed.

    Raises:
        ActionError: 10001106 for an unknown script type, no file name or a timeout outside
            1 to 120 s; 10001107 for a script type the device's OS cannot run; the common
            device errors.
    """
    script_type = (text(params, "script_type") or "").lower()
    if script_type not in SCRIPT_OS:
        raise ActionError("10001106", f"Unknown script type {text(params, 'script_type')!r}")
    file_name = text(params, "script_file_name")
    if file_name is None:
        raise ActionError("10001106", "No script file name was given")
    timeout = integer(params, "timeout", DEFAULT_SCRIPT_TIMEOUT)
    if not 1 <= timeout <= MAX_SCRIPT_TIMEOUT:
        raise ActionError("10001106", f"timeout must be 1 to {MAX_SCRIPT_TIMEOUT} seconds")
    device = resolve_device(ctx, params, "execute_script", SCRIPT_OS[script_type])
    arguments = [a.strip() for a in (text(params, "arguments") or "").split(",") if a.strip()]
    record(ctx, device, "ExecuteScript", " ".join([file_name, *arguments]))
    canned = next(
        (out for name, out in device.script_outputs.items() if same(name, file_name)), None
    )
    if canned is not None:
        return done(canned)
    return done(" ".join(["Simulated execution of", file_name, *arguments]))


def _operation(params: dict[str, Any], allowed: tuple[str, ...]) -> str:
    """The ``operation`` parameter (any case), or 10001105."""
    wanted = text(params, "operation")
    for operation in allowed:
        if same(operation, wanted):
            return operation
    raise ActionError("10001105", f"operation must be one of {', '.join(allowed)}")


def _program_name(command: str) -> str:
    """The program a command line starts: its first word without directories."""
    try:
        first = shlex.split(command, posix=False)[0]
    except (ValueError, IndexError):
        first = command
    return first.strip("\"'").replace("\\", "/").rsplit("/", 1)[-1] or command


def _is_process(process: DeviceProcess, wanted: str) -> bool:
    """Whether ``wanted`` (a name, a name without .exe, a command line or a PID) names it."""
    if wanted.isdigit():
        return process.pid == int(wanted)
    name = _program_name(wanted).casefold()
    own = process.name.casefold()
    return own == name or own.removesuffix(".exe") == name.removesuffix(".exe")


def _join(device: Device, folder: str, file_name: str) -> str:
    """A file path in the device's own style."""
    separator = "\\" if device.os == "windows" else "/"
    return folder.rstrip("/\\") + separator + file_name
