"""The ``playbook run`` and ``playbook executions`` commands.

``run`` compiles a playbook (native or server JSON), runs it on the embedded engine against
the simulated tenant, prints each step as it finishes and the final status, and records the
execution in the history (``--history PATH``, ``$PLAYBOOK_STUDIO_HISTORY``, or the user data
folder). Exit: 0 success, 1 failed, 4 partial, 2 usage, 3 unreadable input. SIGINT/SIGTERM
kill the execution cleanly (it ends Failed, killed by the user). While it runs, the command
polls the history every 50 ms for kill requests (``executions kill`` or the designer's Kill)
and hands steps to the history at least every 200 ms, so other processes see it live.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.cli.common import (
    EXIT_ERRORS,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    CliError,
    load,
    open_store,
    out,
)

if TYPE_CHECKING:
    from runtime.history.records import StepRow

STATUS_EXIT = {"success": EXIT_OK, "failed": EXIT_ERRORS, "partial": EXIT_PARTIAL}
MARK = {"success": "✓", "failed": "✗", "killed": "■", "skipped": "·"}



def _print_step(row: StepRow, depth: int) -> None:
    where = f" [{row.path}]" if row.path else ""
    where += f" #{row.iteration}" if row.iteration is not None else ""
    elapsed = f"{(row.ended or row.started) - row.started:.2f} s"
    status, code, message = row.status, row.error_code, row.message
    line = (f"{'  ' * depth}{MARK.get(status, '?')} {row.state}{where} ({row.type}) {status} "
            f"{elapsed}")
    if status != "success" and (code or message):
        line += f" — {code + ': ' if code else ''}{message or ''}"
        if row.detail:
            line += f" (detail: {row.detail})"
    elif message and row.type in ("branch", "batch", "wait"):
        line += f" — {message}"
    out(line)


def _build_options(args: argparse.Namespace, loaded: Any) -> Any:
    from runtime.engine import options_from_profile
    from runtime.jsonio import JsonInputError, read_json_file

    doc = loaded.document
    profile = None
    if args.profile:
        profile = doc.profile(args.profile)
        if profile is None:
            names = ", ".join(repr(p.name) for p in doc.run_profiles) or "none"
            raise CliError(f"{args.file}: no run profile {args.profile!r} (profiles: {names})",
                           EXIT_USAGE)
    payload = None
    if args.input:
        try:
            payload = read_json_file(args.input)
        except JsonInputError as exc:
            raise CliError(str(exc), EXIT_INPUT) from None
    source = Path(args.file).resolve()
    options = options_from_profile(profile, payload=payload, log_level=args.log_level,
                                   speed=args.speed, base_dir=source.parent)
    if args.max_transitions:
        options.max_transitions = args.max_transitions
    return options


def _check_trust(args: argparse.Namespace, document: Any) -> None:
    """Refuse up front to run the Functions of a file this user has not trusted (restricted
    mode); ``--trust`` trusts the file's content (remembered) and runs. Say what the sandbox
    cannot confine on this machine before a Function runs."""
    from runtime.sandbox import confinement_report
    from runtime.sandbox.trust import UNTRUSTED_MESSAGE, TrustStore, needs_trust

    functions = sorted(document.functions)
    if not functions:
        return
    store = TrustStore()
    if args.trust:
        store.trust(args.file)
    elif needs_trust(args.file, functions, store):
        raise CliError(UNTRUSTED_MESSAGE.format(name=args.file, functions=", ".join(functions))
                       + ", and run again with --trust (remembered for this content).",
                       EXIT_ERRORS)
    report = confinement_report()
    if not report.confined:
        sys.stderr.write(f"warning: {report.summary()}\n")


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: `playbook validate` does not need it

    from runtime.engine import CompiledPlaybook, Engine, PlaybookInvalid, parse_speed

    loaded = load(args.file)
    _check_trust(args, loaded.document)
    try:
        playbook = CompiledPlaybook(loaded.document, source_path=Path(args.file).resolve())
    except PlaybookInvalid as exc:
        sys.stderr.write(f"{args.file}: cannot run: fix these validation errors first:\n")
        for p in exc.problems:
            sys.stderr.write(f"  {p}\n")
        return EXIT_ERRORS
    options = _build_options(args, loaded)
    try:
        parse_speed(options.speed)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    store = open_store(args.history, background=True)
    try:
        engine = Engine(store)
        return asyncio.run(_run(engine, playbook, options, args.format))
    finally:
        store.close()


async def _run(engine: Any, playbook: Any, options: Any, fmt: str) -> int:
    import asyncio
    import signal

    from runtime.history.control import controlled

    depth: dict[str, int] = {}
    steps: list[dict[str, Any]] = []

    def on_event(event: tuple[Any, ...]) -> None:
        if event[0] == "execution" and event[2] == "running" and event[1] not in depth:
            depth[event[1]] = len(depth)
            if len(depth) == 1 and fmt == "text":
                engine.store.flush()  # the row is committed before anyone is told its id
                out(f"Execution {event[1]} of {playbook.name!r}" + (
                    f" with profile {options.profile_name!r}" if options.profile_name else ""))
        elif event[0] == "step":
            row = event[2]
            if fmt == "text":
                _print_step(row, depth.get(row.execution_id, 0))
            else:
                steps.append(_step_json(row))

    engine.bus.subscribe(on_event)
    execution_id = engine.start(playbook, options)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, engine.kill, execution_id)
    async with controlled(engine.store, engine):  # kill requests from other processes
        result = await engine.wait(execution_id)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)
    if fmt == "json":
        out(json.dumps({
            "execution_id": result.execution_id, "status": result.status,
            "message": result.message, "transitions": result.transitions,
            "started": result.started, "ended": result.ended, "output": result.output,
            "steps": steps, "children": result.children,
        }, indent=2, default=str))
    else:
        simulated = result.ended - result.started
        out(f"Execution {result.execution_id}: {result.status.upper()} "
             f"({result.transitions} transitions, {simulated:.1f} s simulated)"
             + (f" — {result.message}" if result.message else ""))
    return STATUS_EXIT.get(result.status, EXIT_ERRORS)


def _step_json(row: StepRow) -> dict[str, Any]:
    """A step as JSON: the record's fields by name; ``input`` / ``output`` decoded when they
    were recorded (DEBUG / TRACE), ``params`` (the resolved parameters) always, null when
    the state has none or they were not recorded."""
    data = row._asdict()
    for key in ("input_json", "output_json"):
        if data[key] is not None:
            data[key.removesuffix("_json")] = json.loads(data.pop(key))
        else:
            data.pop(key)
    params = data.pop("params_json")
    data["params"] = None if params is None else json.loads(params)
    return data


def add_commands(sub: Any) -> None:
    """Register ``run`` and ``executions`` on the main parser's sub-parsers."""
    p = sub.add_parser("run", help="test-run a playbook offline against the simulated tenant")
    p.add_argument("file", metavar="FILE")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--profile", metavar="NAME", help="a run profile saved in the playbook")
    group.add_argument("--input", metavar="PAYLOAD.json", help="the trigger payload")
    p.add_argument("--log-level", choices=("ERROR", "WARN", "INFO", "DEBUG", "TRACE"),
                   type=str.upper)
    p.add_argument("--speed", metavar="instant|realtime|N",
                   help="simulated clock speed (default: the profile's, else instant)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--history", metavar="PATH", help="execution history database")
    p.add_argument("--trust", action="store_true",
                   help="trust this file's custom Functions (remembered for its content)")
    p.add_argument("--max-transitions", type=int, metavar="N", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_run)



def worker_pid(worker: str) -> int | None:
    """The pid of a ``<host>-<pid>`` worker on this host, else None."""
    import socket

    host, _, pid = worker.rpartition("-")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    return int(pid)
