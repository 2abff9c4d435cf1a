"""Trust of playbook files, as code editors do it: whose custom Functions may run.

Owns :class:`TrustStore`, the list of playbook contents this user trusts, kept by SHA-256 of the
file's bytes in ``trusted-playbooks.json`` in the user data folder (``platformdirs``;
``$PLAYBOOK_STUDIO_TRUST`` overrides the file). A file this user saved from the designer is
trusted (they wrote it); a file from anywhere else (shared, downloaded, checked out) is not
until the user trusts it: one click in the designer's bar, or ``playbook run --trust``. Changing
the file's content (someone else's edit) makes it untrusted again. A playbook without custom
Functions needs no trust: everything else works in restricted mode.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import platformdirs

from runtime.jsonio import write_atomic

TRUST_ENV = "PLAYBOOK_STUDIO_TRUST"
UNTRUSTED_MESSAGE = (
    "{name} comes from a file you have not trusted, and its custom Functions ({functions}) "
    "would run its author's code. Review them, then trust the file"
)


def default_trust_path() -> Path:
    """``$PLAYBOOK_STUDIO_TRUST`` or ``trusted-playbooks.json`` in the user data folder."""
    override = os.environ.get(TRUST_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path("playbook-studio") / "trusted-playbooks.json"


def content_digest(data: bytes) -> str:
    """The key a file's content is trusted under."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path: str | Path) -> str | None:
    """The digest of a file's current content, or None when it cannot be read."""
    try:
        return content_digest(Path(path).read_bytes())
    except OSError:
        return None


class TrustStore:
    """The trusted playbook contents of this user (see the module doc)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_trust_path()

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        trusted = data.get("trusted") if isinstance(data, dict) else None
        return trusted if isinstance(trusted, dict) else {}

    def is_trusted(self, path: str | Path) -> bool:
        """Whether the file's current content is trusted."""
        digest = file_digest(path)
        return digest is not None and digest in self._read()

    def trust_digest(self, digest: str, path: str | Path) -> None:
        """Remember a content digest as trusted (``path`` is kept for the user's reference)."""
        trusted = self._read()
        trusted[digest] = {"path": str(path), "trusted": time.time()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps({"version": 1, "trusted": trusted}, indent=1))

    def trust(self, path: str | Path) -> bool:
        """Trust the file's current content; False when the file cannot be read."""
        digest = file_digest(path)
        if digest is None:
            return False
        self.trust_digest(digest, path)
        return True


def is_bundled(path: str | Path) -> bool:
    """Whether the file is one of the examples installed with the application."""
    from importlib.resources import files

    examples = Path(str(files("resources") / "examples")).resolve()
    try:
        return Path(path).resolve().is_relative_to(examples)
    except OSError:
        return False


def needs_trust(path: str | Path | None, function_ids: list[str],
                store: TrustStore | None = None) -> bool:
    """Whether running a playbook would run Functions of a file this user has not trusted.

    Args:
        path: The playbook's file (None: made in this session, so the user's own).
        function_ids: Its custom Functions.
        store: Trust store (the default one when None).
    """
    if path is None or not function_ids or is_bundled(path):
        return False
    return not (store or TrustStore()).is_trusted(path)
