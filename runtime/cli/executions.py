"""``playbook executions``: list, show, logs, os-logs and kill recorded executions."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from runtime.cli.common import (
    EXIT_ERRORS,
    EXIT_INPUT,
    EXIT_OK,
    CliError,
    fmt_time,
    open_store,
    out,
)
from runtime.jsonio import describe_os_error


def _get(store: Any, execution_id: str) -> Any:
    from runtime.history import HistoryError

    try:
        record = store.get_execution(execution_id)
    except HistoryError as exc:
        raise CliError(str(exc), EXIT_ERRORS) from None
    if record is None:
        raise CliError(f"no execution {execution_id!r} in the history", EXIT_ERRORS)
    return record


def cmd_list(args: argparse.Namespace) -> int:

    with open_store(args.history) as store:
        rows = store.list_executions(playbook=args.playbook, status=args.status,
                                     search=args.search, limit=args.limit)
        # Component executions (a Circuit's sub-playbook runs) under their parent.
        tree = [(r, _descendants(store, r.id, 1)) for r in rows]
    if args.format == "json":
        out(json.dumps([_record_json(r) | {"children": _children_json(kids)}
                        for r, kids in tree], indent=2))
        return EXIT_OK
    for r, kids in tree:
        out(_list_line(r, 0))
        for child, depth in kids:
            out(_list_line(child, depth))
    if not rows:
        out("no executions")
    return EXIT_OK


def _descendants(store: Any, execution_id: str, depth: int) -> list[tuple[Any, int]]:
    """Child executions, depth first, each with its depth (1 for a direct child)."""
    found: list[tuple[Any, int]] = []
    for child in store.children(execution_id):
        found.append((child, depth))
        found.extend(_descendants(store, child.id, depth + 1))
    return found


def _children_json(kids: list[tuple[Any, int]]) -> list[dict[str, Any]]:
    return [_record_json(child) | {"depth": depth} for child, depth in kids]


def _list_line(r: Any, depth: int) -> str:
    """``<id>  <status> <time> [level]  <playbook>  [profile]``; a child indented under its
    parent with ``└─``."""
    level = f" {r.log_level}" if r.log_level in ("DEBUG", "TRACE") else ""
    lead = "  " * (depth - 1) + "└─ " if depth else ""
    return (f"{lead}{r.id}  {r.status:11} {fmt_time(r.started)}{level}  {r.playbook}"
            + (f"  [{r.profile}]" if r.profile else ""))


def _record_json(record: Any) -> dict[str, Any]:
    fields = ("id", "playbook", "profile", "status", "message", "started", "ended", "completed",
              "log_level", "job_server", "worker", "transitions", "parent_execution")
    return {f: getattr(record, f) for f in fields}


def cmd_show(args: argparse.Namespace) -> int:

    with open_store(args.history) as store:
        r = _get(store, args.id)
        steps = store.steps(r.id)
    header = [("SESSION", r.id), ("STATUS", r.status), ("STARTED", fmt_time(r.started)),
              ("COMPLETED", fmt_time(r.completed)), ("PLAYBOOK", r.playbook),
              ("JOB SERVER", r.job_server), ("WORKER", r.worker), ("LOG LEVEL", r.log_level)]
    hide = _Secrets(steps)
    if args.format == "json":
        data = _record_json(r) | {"steps": [_step_dict(s, hide) for s in steps]}
        out(json.dumps(data, indent=2, default=str))
        return EXIT_OK
    for key, value in header:
        out(f"{key:11} {value}")
    if r.message:
        out(f"{'MESSAGE':11} {r.message}")
    out()
    for s in steps:
        where = f" [{s.path}]" if s.path else ""
        where += f" #{s.iteration}" if s.iteration is not None else ""
        elapsed = (s.ended or s.started) - s.started
        out(f"{s.seq:5}  {s.status:8} {s.state}{where} ({s.type}) {elapsed:.2f} s"
             + (f" — {s.error_code + ': ' if s.error_code else ''}{hide.text(s.message)}"
                if s.message else "")
             + (f" → child {s.child_execution}" if s.child_execution else ""))
        if s.detail:
            out(f"         detail: {hide.text(s.detail)}")
        if s.params_json is not None:
            out(f"         params: {(hide.params(s.params_json) or '')[:400]}")
        if s.input_json is not None:
            out(f"         input:  {hide.text(s.input_json)[:400]}")
        if s.output_json is not None:
            out(f"         output: {hide.text(s.output_json)[:400]}")
    if not r.records_io:
        out(f"\nInputs and outputs were not recorded: the log level was {r.log_level}; "
             "they are recorded at DEBUG or TRACE.")
    return EXIT_OK


def _step_dict(step: Any, hide: Any = None) -> dict[str, Any]:
    from runtime.history import STEP_COLUMNS

    row = {c: getattr(step, c) for c in STEP_COLUMNS}
    return hide.step(row) if hide is not None else row


class _Secrets:
    """Masks the values of secret-named parameters (the catalog marks none secret, so the name
    rule of :mod:`runtime.validate.secrets` decides), and those values wherever else they
    show: step input/output, messages, log lines."""

    def __init__(self, steps: list[Any]) -> None:
        from runtime.validate.secrets import secret_values

        self.values: set[str] = set()
        for step in steps:
            if getattr(step, "params_json", None):
                try:
                    self.values |= secret_values(json.loads(step.params_json))
                except ValueError:
                    continue

    def text(self, text: Any) -> Any:
        from runtime.validate.secrets import mask_text

        return mask_text(text, self.values) if isinstance(text, str) and self.values else text

    def params(self, params_json: str | None) -> str | None:
        from runtime.validate.secrets import mask

        if params_json is None:
            return None
        try:
            return json.dumps(mask(json.loads(params_json)), ensure_ascii=False)
        except ValueError:
            return self.text(params_json)  # type: ignore[no-any-return]

    def step(self, row: dict[str, Any]) -> dict[str, Any]:
        return {k: self.params(v) if k == "params_json" else self.text(v) for k, v in row.items()}


def cmd_logs(args: argparse.Namespace) -> int:
    from runtime.history import write_logs_csv

    with open_store(args.history) as store:
        r = _get(store, args.id)
        hide = _Secrets(store.steps(r.id))
        if args.csv:
            try:
                count = write_logs_csv(store, r.id, Path(args.csv), state=args.step,
                                       search=args.search, redact=hide.text)
            except OSError as exc:
                raise CliError(f"{args.csv}: cannot write the CSV: {describe_os_error(exc)}",
                               EXIT_INPUT) from None
            out(f"wrote {count} log lines to {args.csv}")
            return EXIT_OK
        rows = store.logs(r.id, state=args.step, search=args.search)
    for row in rows:
        out(f"{fmt_time(row.time)}  {row.level:5}  {hide.text(row.message)}"
            + (f" (detail: {hide.text(row.detail)})" if row.detail else ""))
    return EXIT_OK


def cmd_os_logs(args: argparse.Namespace) -> int:
    from runtime.history import write_os_logs_zip

    with open_store(args.history) as store:
        r = _get(store, args.id)
        try:
            count = write_os_logs_zip(store, r.id, Path(args.zip))
        except OSError as exc:
            raise CliError(f"{args.zip}: cannot write the ZIP: {describe_os_error(exc)}",
                           EXIT_INPUT) from None
    out(f"wrote {args.zip}: {count} step archive(s)")
    return EXIT_OK


KILL_WAIT_SECONDS = 5.0


def cmd_kill(args: argparse.Namespace) -> int:
    """Record a kill request; the process running the execution honours it (within ~100 ms)
    and only that execution ends. No signal is sent to any process."""
    from runtime.cli.run import worker_pid
    from runtime.history import HistoryError
    from runtime.processes import process_alive

    with open_store(args.history) as store:
        r = _get(store, args.id)
        if r.status != "running":
            raise CliError(f"execution {r.id} is not running (it is {r.status})", EXIT_ERRORS)
        pid = worker_pid(r.worker)
        if pid is None or not process_alive(pid):
            raise CliError(f"execution {r.id} runs in {r.worker}, which is not a process on "
                           "this machine", EXIT_ERRORS)
        try:
            status = store.request_kill(r.id)
        except HistoryError as exc:
            raise CliError(str(exc), EXIT_ERRORS) from None
        if status != "running":
            raise CliError(f"execution {r.id} is not running (it is {status})", EXIT_ERRORS)
        out(f"kill requested for execution {r.id} ({r.worker})")
        ended = _wait_ended(store, r.id, KILL_WAIT_SECONDS)
    if ended is None:
        out(f"execution {r.id} has not ended yet; its process will stop it at its next poll")
        return EXIT_OK
    out(f"execution {r.id}: {ended.status.upper()}" + (f" — {ended.message}"
                                                       if ended.message else ""))
    return EXIT_OK


def _wait_ended(store: Any, execution_id: str, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        record = store.get_execution(execution_id)
        if record is not None and record.status != "running":
            return record
        time.sleep(0.02)
    return None


def add_commands(sub: Any) -> None:
    ex = sub.add_parser("executions", help="recorded executions: list, show, logs, kill")
    ex_sub = ex.add_subparsers(dest="executions_command", metavar="ACTION")
    ex_sub.required = True

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--history", metavar="PATH", help="execution history database")
        return p

    p = common(ex_sub.add_parser("list", help="executions, newest first"))
    p.add_argument("--playbook", metavar="NAME")
    p.add_argument("--status", choices=("running", "success", "partial", "failed", "interrupted"))
    p.add_argument("--search", metavar="TEXT", help="part of a session id")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_list)

    p = common(ex_sub.add_parser("show", help="an execution's header and steps"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_show)

    p = common(ex_sub.add_parser("logs", help="app logs, searchable; --csv to download"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--step", metavar="NAME")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--csv", metavar="OUT")
    p.set_defaults(func=cmd_logs)

    p = common(ex_sub.add_parser("os-logs", help="OS logs as one zip with a zip per step"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--zip", metavar="OUT", required=True)
    p.set_defaults(func=cmd_os_logs)

    p = common(ex_sub.add_parser("kill", help="kill a running execution"))
    p.add_argument("id", metavar="ID")
    p.set_defaults(func=cmd_kill)
