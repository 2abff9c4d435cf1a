"""``playbook validate``, ``export``, ``import`` and ``catalog``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from runtime.cli.common import (
    EXIT_ERRORS,
    EXIT_INPUT,
    EXIT_OK,
    CliError,
    err,
    load,
    out,
    write_output,
)


def cmd_validate(args: argparse.Namespace) -> int:
    from runtime.validate import has_errors, validate_document

    report: list[dict[str, Any]] = []
    worst = EXIT_OK
    for path in args.files:
        try:
            loaded = load(path, layout=False)
        except CliError as exc:
            report.append({"file": path, "unreadable": str(exc)})
            if args.format == "text":
                err(str(exc))
            worst = EXIT_INPUT
            continue
        problems = validate_document(loaded.document)
        if has_errors(problems) and worst == EXIT_OK:
            worst = EXIT_ERRORS
        if args.format == "json":
            report.append({"file": path, "problems": [p.to_dict() for p in problems]})
            continue
        errors = sum(p.severity == "error" for p in problems)
        status = "ok" if not errors else "invalid"
        lines = [f"{path}: {p}" for p in problems]  # one write, not one per problem
        lines.append(f"{path}: {status}: {errors} error(s), {len(problems) - errors} warning(s)")
        out("\n".join(lines))
    if args.format == "json":
        single = len(args.files) == 1 and "problems" in report[0]
        out(json.dumps(report[0]["problems"] if single else report, indent=2))
    return worst


def cmd_export(args: argparse.Namespace) -> int:
    from runtime.jsonio import dump_text
    from runtime.serverformat import ExportRefused, export_playbook

    loaded = load(args.file)
    try:
        result = export_playbook(loaded.document, args.dialect)
    except ExportRefused as exc:
        err(f"{args.file}: export refused: fix these validation errors first:")
        for p in exc.problems:
            err(f"  {p}")
        return EXIT_ERRORS
    from runtime.validate.secrets import definition_secrets

    secrets = definition_secrets(loaded.document.definition)
    if secrets and not args.allow_secrets:
        err(f"{args.file}: export refused: {len(secrets)} secret-looking literal(s) would be "
            "written to the server file (pass them as dynamic values, or use --allow-secrets):")
        for p in secrets:
            err(f"  {p}")
        return EXIT_ERRORS
    for p in secrets:
        err(f"{args.file}: exported with --allow-secrets: {p}")
    write_output(dump_text(result.definition), args.output)
    if args.output:
        manifest_path = Path(args.output).with_suffix(".requirements.json")
        write_output(dump_text(result.manifest), str(manifest_path))
        err(f"wrote {args.output} ({result.dialect}) and {manifest_path}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from runtime.model import dumps_document

    loaded = load(args.file)
    for note in loaded.notes:
        err(f"{args.file}: {note}")
    write_output(dumps_document(loaded.document), args.output)
    return EXIT_OK


def cmd_catalog(args: argparse.Namespace) -> int:
    from runtime.catalog import load_catalog

    catalog = load_catalog()
    if args.format == "json":
        data = [
            {"id": cat.id, "title": cat.title, "states": [e.raw for e in cat.entries]}
            for cat in catalog.categories()
        ]
        out(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    for cat in catalog.categories():
        out(f"{cat.title} ({len(cat.entries)})")
        for entry in cat.entries:
            group = f" [{entry.group}]" if entry.group else ""
            out(f"  {entry.id:22} {entry.title}{group} — {entry.description}")
            props = entry.parameters.get("properties", {}) | entry.fields.get("properties", {})
            required = set(entry.parameters.get("required", ())) | set(
                entry.fields.get("required", ())
            )
            for pid, spec in props.items():
                mark = "*" if pid in required else " "
                out(f"      {mark} {pid:24} {_describe_param(spec)}")
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



def add_commands(sub: Any) -> None:
    """Register validate, export, import and catalog."""
    p = sub.add_parser("validate", help="check playbooks; exit 1 when errors are found")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="write the server JSON of a playbook")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dialect", choices=("snake", "camel"), default="snake")
    p.add_argument("-o", "--output", metavar="OUT")
    p.add_argument("--allow-secrets", action="store_true",
                   help="export even when literals look like secrets (they are listed)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="turn a server definition into a native document")
    p.add_argument("file", metavar="SERVER.json")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("catalog", help="list the state catalog with parameters")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_catalog)
