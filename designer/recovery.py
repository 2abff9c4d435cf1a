"""Crash recovery: autosaved copies of dirty documents in a recovery folder.

While a document has unsaved changes, the window writes a copy at most every 60 s (atomic
write) to ``<user data>/recovery/<key>.playbook.json`` with a small ``.meta.json`` beside it
(original path, time, playbook name). A clean close deletes both; after a crash the next start
finds them and offers to restore. Qt-free so it can be tested on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from runtime.jsonio import dump_text, write_atomic
from runtime.model import PlaybookDocument, dumps_document
from runtime.processes import process_alive

RECOVERY_ENV = "PLAYBOOK_STUDIO_RECOVERY"


def recovery_dir() -> Path:
    """The recovery folder (``$PLAYBOOK_STUDIO_RECOVERY`` or the user data folder)."""
    override = os.environ.get(RECOVERY_ENV)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path("playbook-studio") / "recovery"


@dataclass(frozen=True)
class Recovery:
    file: Path
    meta: Path
    original: Path | None
    saved_at: float
    name: str


class RecoverySlot:
    """The autosave slot of one open document."""

    def __init__(self, original: Path | None = None) -> None:
        self.key = self._key(original)

    @staticmethod
    def _key(original: Path | None) -> str:
        if original is None:
            return "untitled-" + uuid.uuid4().hex[:8]
        return hashlib.sha256(str(original.resolve()).encode()).hexdigest()[:16]

    def rekey(self, original: Path | None) -> None:
        self.discard()
        self.key = self._key(original)

    @property
    def file(self) -> Path:
        return recovery_dir() / f"{self.key}.playbook.json"

    @property
    def meta(self) -> Path:
        return recovery_dir() / f"{self.key}.meta.json"

    def write(self, doc: PlaybookDocument, original: Path | None) -> None:
        folder = recovery_dir()
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.file, dumps_document(doc))
        info = {"original": str(original) if original else None, "saved_at": time.time(),
                "name": doc.name, "pid": os.getpid()}
        write_atomic(self.meta, dump_text(info))
        for written in (self.file, self.meta):  # run data: 0600 like the history database
            try:
                os.chmod(written, 0o600)
            except OSError:
                pass

    def discard(self) -> None:
        for path in (self.file, self.meta):
            try:
                path.unlink()
            except FileNotFoundError:
                pass


def pending_recoveries() -> list[Recovery]:
    """Autosaves left by sessions that did not close cleanly, newest first."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    found = []
    for meta in folder.glob("*.meta.json"):
        file = meta.with_name(meta.name.replace(".meta.json", ".playbook.json"))
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not file.exists() or process_alive(info.get("pid")):
            continue
        original = Path(info["original"]) if info.get("original") else None
        found.append(Recovery(file, meta, original, float(info.get("saved_at", 0)),
                              str(info.get("name", file.stem))))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


def discard_recovery(recovery: Recovery) -> None:
    for path in (recovery.file, recovery.meta):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
