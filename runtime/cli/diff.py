"""``playbook diff A B``: what changed between two playbook versions (any kind, any dialect).

Exit 0 when the definitions are equal, 1 when they differ, 3 when a file is unreadable.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from runtime.cli.common import EXIT_ERRORS, EXIT_OK, load, out


def _label(path: str, loaded: Any) -> str:
    kind = loaded.kind if loaded.dialect is None else f"{loaded.kind}, {loaded.dialect}"
    return f"{path} ({kind})"


def cmd_diff(args: argparse.Namespace) -> int:
    from runtime.diff import diff_documents, diff_to_json, diff_to_text

    old = load(args.old)
    new = load(args.new)
    diff = diff_documents(old.document, new.document)
    if args.format == "json":
        out(json.dumps(diff_to_json(diff), indent=2, ensure_ascii=False))
    else:
        out(diff_to_text(diff, _label(args.old, old), _label(args.new, new)).rstrip("\n"))
    return EXIT_OK if diff.equal else EXIT_ERRORS


def add_commands(sub: Any) -> None:
    """Register diff."""
    p = sub.add_parser("diff", help="compare two playbooks; exit 1 when they differ")
    p.add_argument("old", metavar="A")
    p.add_argument("new", metavar="B")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_diff)
