"""The ``playbook`` command: validate, export, import, catalog, run and executions, headless.

Exit codes: 0 success, 1 validation errors / failed run, 2 usage, 3 unreadable or malformed
input, 4 partial run. Every FILE may be a native document or a server definition in either
dialect, told apart by content. User mistakes never print a traceback; an unexpected internal
error prints one line and exits 70.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INPUT, EXIT_PARTIAL, EXIT_INTERNAL = 0, 1, 2, 3, 4, 70


class CliError(Exception):
    """A user-facing failure with its exit code."""

    def __init__(self, message: str, code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.code = code


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def load(path: str) -> Any:
    """Load a playbook of either kind or raise CliError(exit 3)."""
    from runtime.loader import PlaybookLoadError, load_playbook

    try:
        return load_playbook(path)
    except PlaybookLoadError as exc:
        raise CliError(str(exc), EXIT_INPUT) from None


def _write_output(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from runtime.jsonio import write_atomic

    try:
        write_atomic(out, text)
    except OSError as exc:
        raise CliError(f"{out}: cannot write: {exc.strerror or exc}", EXIT_INPUT) from None


def cmd_validate(args: argparse.Namespace) -> int:
    from runtime.validate import has_errors, validate_document

    report: list[dict[str, Any]] = []
    worst = EXIT_OK
    for path in args.files:
        try:
            loaded = load(path)
        except CliError as exc:
            report.append({"file": path, "unreadable": str(exc)})
            if args.format == "text":
                _err(str(exc))
            worst = EXIT_INPUT
            continue
        problems = validate_document(loaded.document)
        if has_errors(problems) and worst == EXIT_OK:
            worst = EXIT_ERRORS
        if args.format == "json":
            report.append({"file": path, "problems": [p.to_dict() for p in problems]})
            continue
        errors = sum(p.severity == "error" for p in problems)
        for p in problems:
            _out(f"{path}: {p}")
        status = "ok" if not errors else "invalid"
        _out(f"{path}: {status}: {errors} error(s), {len(problems) - errors} warning(s)")
    if args.format == "json":
        single = len(args.files) == 1 and "problems" in report[0]
        _out(json.dumps(report[0]["problems"] if single else report, indent=2))
    return worst


def cmd_export(args: argparse.Namespace) -> int:
    from runtime.jsonio import dump_text
    from runtime.serverformat import ExportRefused, export_playbook

    loaded = load(args.file)
    try:
        result = export_playbook(loaded.document, args.dialect)
    except ExportRefused as exc:
        _err(f"{args.file}: export refused: fix these validation errors first:")
        for p in exc.problems:
            _err(f"  {p}")
        return EXIT_ERRORS
    _write_output(dump_text(result.definition), args.output)
    if args.output:
        manifest_path = Path(args.output).with_suffix(".requirements.json")
        _write_output(dump_text(result.manifest), str(manifest_path))
        _err(f"wrote {args.output} ({result.dialect}) and {manifest_path}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from runtime.model import dumps_document

    loaded = load(args.file)
    for note in loaded.notes:
        _err(f"{args.file}: {note}")
    _write_output(dumps_document(loaded.document), args.output)
    return EXIT_OK


def cmd_catalog(args: argparse.Namespace) -> int:
    from runtime.catalog import load_catalog

    catalog = load_catalog()
    if args.format == "json":
        data = [
            {"id": cat.id, "title": cat.title, "states": [e.raw for e in cat.entries]}
            for cat in catalog.categories()
        ]
        _out(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    for cat in catalog.categories():
        _out(f"{cat.title} ({len(cat.entries)})")
        for entry in cat.entries:
            group = f" [{entry.group}]" if entry.group else ""
            _out(f"  {entry.id:22} {entry.title}{group} — {entry.description}")
            props = entry.parameters.get("properties", {}) | entry.fields.get("properties", {})
            required = set(entry.parameters.get("required", ())) | set(
                entry.fields.get("required", ())
            )
            for pid, spec in props.items():
                mark = "*" if pid in required else " "
                _out(f"      {mark} {pid:24} {_describe_param(spec)}")
    return EXIT_OK


def _describe_param(spec: dict[str, Any]) -> str:
    kind = spec["type"]
    if kind == "array":
        kind = f"{spec.get('items', {}).get('type', 'any')}[]"
    bits = [kind]
    for key, label in (("maxLength", "max length"), ("maximum", "max"), ("minimum", "min"),
                       ("default", "default"), ("maxItems", "max items")):
        if key in spec:
            bits.append(f"{label} {spec[key]}")
    if "enum" in spec or "enum" in spec.get("items", {}):
        values = spec.get("enum") or spec["items"]["enum"]
        bits.append("one of " + ", ".join(str(v) for v in values))
    if spec.get("format") == "date-time":
        bits.append("ISO 8601 date-time ≥ 1970-01-01T00:00:00Z")
    return "; ".join(bits)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="Playbook Studio, headless: validate, export, import and run playbooks.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("validate", help="check playbooks; exit 1 when errors are found")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="write the server JSON of a playbook")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dialect", choices=("snake", "camel"), default="snake")
    p.add_argument("-o", "--output", metavar="OUT")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="turn a server definition into a native document")
    p.add_argument("file", metavar="SERVER.json")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("catalog", help="list the state catalog with parameters")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_catalog)

    from runtime.cli_run import add_run_commands

    add_run_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``playbook`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CliError as exc:
        _err(str(exc))
        return exc.code
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, no traceback
        _err(f"internal error: {type(exc).__name__}: {exc} (please report this)")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
