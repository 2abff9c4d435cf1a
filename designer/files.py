"""File handling of a designer window: new, open, save, save as, revert, recent, import, export,
autosave to the recovery folder, files changed on disk, and closing without losing anything.

Saves are atomic (``write_atomic``, whose temp files a later start sweeps). Opening a bad file
shows the loader's message (never a traceback). The modified mark follows the undo stack's clean
state. A file with custom Functions that this user has not trusted opens in restricted mode
(``designer.trust``: a bar with a Trust button).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from designer.crash import confirm_secret_export, save_error_text
from designer.document import EditableDocument
from designer.recovery import RecoverySlot, discard_recovery, pending_recoveries
from designer.trust import TrustBar, restricted
from runtime.jsonio import dump_text, write_atomic
from runtime.loader import PlaybookLoadError, load_playbook
from runtime.model import PlaybookDocument, dumps_document
from runtime.sandbox.trust import TrustStore, content_digest
from runtime.serverformat import ExportRefused, export_playbook
from runtime.validate.secrets import definition_secrets

if TYPE_CHECKING:
    from designer.context import DesignerContext

FILTER_NATIVE = "Playbooks (*.playbook.json *.json);;All files (*)"
FILTER_SERVER = "Server definitions (*.json);;All files (*)"
MAX_RECENT = 8
DIALECT_CHOICES = {  # what the export dialog offers → dialect
    "snake_case: on_error, error_type, … (Zoho Qntrl, newer servers; the default)": "snake",
    "camelCase: onError, errorType, … (Zoho Circuit, older servers)": "camel",
}
AUTOSAVE_MS = 60_000


class FileController(QObject):
    """Everything about the file behind one window's document."""

    recentChanged = Signal()
    titleChanged = Signal()

    def __init__(self, context: DesignerContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.window = parent
        self.settings = QSettings()
        self.slot = RecoverySlot(context.document.path)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._changed_on_disk)
        self._own_write = False
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        context.undo_stack.cleanChanged.connect(self._clean_changed)
        self.trust_bar = TrustBar.install(parent, context)

    def _refresh_trust(self) -> None:
        if self.trust_bar is not None:
            self.trust_bar.refresh()

    def _clean_changed(self, _clean: bool) -> None:
        self.titleChanged.emit()

    # -- state -----------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self.context.document.path

    def is_dirty(self) -> bool:
        return not self.context.undo_stack.isClean()

    def title(self) -> str:
        name = self.path.name if self.path else "Untitled"
        return f"{self.context.document.doc.name} — {name}[*]"

    # -- messages --------------------------------------------------------------------------
    def _warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    # -- open / new ------------------------------------------------------------------------
    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self._set_document(EditableDocument(PlaybookDocument()))
        return True

    def open(self, path: str | Path | None = None) -> bool:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.window, "Open playbook", "",
                                                    FILTER_NATIVE)
            if not chosen:
                return False
            path = chosen
        if not self.maybe_save():
            return False
        return self.load(Path(path))

    def load(self, path: Path) -> bool:
        """Load without asking (used by open, revert and tests); False with a message on error."""
        try:
            loaded = load_playbook(path)
        except PlaybookLoadError as exc:
            self._warn("Cannot open playbook", str(exc))
            return False
        native = loaded.kind == "native"
        self._set_document(EditableDocument(loaded.document, path if native else None))
        if native:
            self.add_recent(path)
        else:
            self.context.statusMessage.emit(
                f"Imported server definition ({loaded.dialect}); save it as a playbook")
            self.context.undo_stack.resetClean()
        return True

    def _set_document(self, document: EditableDocument) -> None:
        for watched in self.watcher.files():
            self.watcher.removePath(watched)
        self.slot.discard()
        self.slot = RecoverySlot(document.path)
        self.context.set_document(document)
        if document.path:
            self.watcher.addPath(str(document.path))
        self._refresh_trust()
        self.titleChanged.emit()

    def revert(self) -> bool:
        if self.path is None:
            return False
        if self.is_dirty():
            answer = QMessageBox.question(self.window, "Revert",
                                          "Discard all changes since the last save?")
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return self.load(self.path)

    def import_server(self, path: str | Path | None = None) -> bool:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.window, "Import server definition", "",
                                                    FILTER_SERVER)
            if not chosen:
                return False
            path = chosen
        if not self.maybe_save():
            return False
        return self.load(Path(path))

    # -- save --------------------------------------------------------------------------------
    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.write(self.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            suggestion = (self.context.document.doc.name or "playbook").lower().replace(" ", "-")
            chosen, _ = QFileDialog.getSaveFileName(
                self.window, "Save playbook as", f"{suggestion}.playbook.json", FILTER_NATIVE)
            if not chosen:
                return False
            path = chosen
        target = Path(path)
        if not target.name.endswith(".json"):
            target = target.with_name(target.name + ".playbook.json")
        return self.write(target)

    def write(self, target: Path) -> bool:
        """Write atomically (``write_atomic``: a killed save leaves a temp file the next start
        sweeps); on success the undo stack becomes clean. A new or trusted playbook stays
        trusted under its new content; a restricted one stays restricted."""
        text = dumps_document(self.context.document.doc).encode("utf-8")
        keep_trust = not restricted(self.context.document)
        self._own_write = True
        try:
            write_atomic(target, text)
        except OSError as exc:
            self._own_write = False
            self._warn("Cannot save", f"{target}: cannot save: {save_error_text(exc)}")
            return False
        if keep_trust and self.context.document.doc.functions:
            TrustStore().trust_digest(content_digest(text), target)
        previous = self.path
        self.context.document.path = target
        self._refresh_trust()
        if previous != target:
            self.slot.rekey(target)
            for watched in self.watcher.files():
                self.watcher.removePath(watched)
        self.watcher.addPath(str(target))
        QTimer.singleShot(500, self._end_own_write)
        self.slot.discard()
        self.context.undo_stack.setClean()
        self.add_recent(target)
        self.titleChanged.emit()
        self.context.statusMessage.emit(f"Saved {target.name}")
        return True

    def _end_own_write(self) -> None:
        self._own_write = False

    # -- export ------------------------------------------------------------------------------
    def export(self, dialect: str | None = None, path: str | Path | None = None) -> bool:
        try:  # errors first: no questions about a definition the server would not take
            result = export_playbook(self.context.document.doc, "snake")
        except ExportRefused as exc:
            listing = "\n".join(f"• {p}" for p in exc.problems[:30])
            more = f"\n… and {len(exc.problems) - 30} more" if len(exc.problems) > 30 else ""
            self._warn("Export refused",
                       f"Fix these validation errors before exporting:\n\n{listing}{more}")
            return False
        secrets = definition_secrets(self.context.document.doc.definition)
        if not confirm_secret_export(self.window, secrets):  # designer/crash.py
            return False
        if dialect is None:
            label, ok = QInputDialog.getItem(
                self.window, "Export for server",
                "The server reads one of two spellings of the same definition.\n"
                "Pick the one your Log360 Cloud tenant's playbook import expects:",
                list(DIALECT_CHOICES), 0, False)
            if not ok:
                return False
            dialect = DIALECT_CHOICES[label]
        if dialect != "snake":
            result = export_playbook(self.context.document.doc, dialect, check=False)
        if path is None:
            base = (self.path.name.split(".")[0] if self.path else "playbook") + ".server.json"
            chosen, _ = QFileDialog.getSaveFileName(self.window, "Export for server", base,
                                                    FILTER_SERVER)
            if not chosen:
                return False
            path = chosen
        target = Path(path)
        manifest_path = target.with_suffix(".requirements.json")
        for out, data in ((target, result.definition), (manifest_path, result.manifest)):
            try:
                write_atomic(out, dump_text(data))
            except OSError as exc:
                self._warn("Cannot export", f"{out}: cannot export: {save_error_text(exc)}")
                return False
        needs = result.manifest
        summary = (f"Exported {len(result.definition)} states ({dialect}) to {target.name}.\n\n"
                   f"The server needs:\n  custom functions: {', '.join(needs['functions']) or 'none'}"
                   f"\n  sub-playbooks: {', '.join(needs['circuits']) or 'none'}\n\n"
                   f"Manifest: {manifest_path.name}")
        self.context.statusMessage.emit(f"Exported {target.name}")
        if not self.window.property("quiet"):
            QMessageBox.information(self.window, "Export for server", summary)
        return True

    # -- closing -----------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask to save a dirty document; False when the user cancels (nothing is lost)."""
        if not self.is_dirty():
            return True
        answer = QMessageBox.question(
            self.window, "Unsaved changes",
            f"Save changes to {self.path.name if self.path else 'the new playbook'}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return True

    def closed_cleanly(self) -> None:
        self.autosave_timer.stop()
        self.slot.discard()

    # -- autosave & recovery ----------------------------------------------------------------
    def autosave(self) -> bool:
        if not self.is_dirty():
            return False
        try:
            self.slot.write(self.context.document.doc, self.path)
        except OSError as exc:
            self.context.statusMessage.emit(f"Autosave failed: {save_error_text(exc)}")
            return False
        return True

    def offer_recovery(self) -> bool:
        """After a crash, offer to restore the newest autosave; True when one was restored."""
        found = pending_recoveries()
        if not found:
            return False
        newest = found[0]
        answer = QMessageBox.question(
            self.window, "Recover unsaved work",
            f"Playbook Studio did not close cleanly. Restore the unsaved changes to "
            f"{newest.name!r}" + (f" ({newest.original})" if newest.original else "") + "?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            for rec in found:
                discard_recovery(rec)
            return False
        return self.restore(newest)

    def restore(self, recovery: object) -> bool:
        try:
            loaded = load_playbook(recovery.file)  # type: ignore[attr-defined]
        except PlaybookLoadError as exc:
            self._warn("Cannot recover", str(exc))
            return False
        self._set_document(EditableDocument(loaded.document, recovery.original))  # type: ignore[attr-defined]
        discard_recovery(recovery)  # type: ignore[arg-type]
        self.context.undo_stack.resetClean()
        self.autosave()
        self.titleChanged.emit()
        return True

    # -- disk changes ------------------------------------------------------------------------
    def _changed_on_disk(self, path: str) -> None:
        if self._own_write or self.path is None or Path(path) != self.path:
            return
        if not self.path.exists():
            self.context.statusMessage.emit(f"{self.path.name} was deleted or moved on disk")
            return
        self.watcher.addPath(path)
        extra = " Your unsaved changes would be lost." if self.is_dirty() else ""
        answer = QMessageBox.question(
            self.window, "File changed on disk",
            f"{self.path.name} was changed by another program. Reload it?{extra}")
        if answer == QMessageBox.StandardButton.Yes:
            self.load(self.path)

    # -- recent ------------------------------------------------------------------------------
    def recent(self) -> list[str]:
        raw = self.settings.value("files/recent", "[]")
        try:
            # a JSON string as written; some QSettings back ends hand back a list instead
            items = json.loads(raw) if isinstance(raw, str) else (
                list(raw) if isinstance(raw, (list, tuple)) else [])
        except ValueError:
            items = []
        return [str(p) for p in items][:MAX_RECENT]

    def add_recent(self, path: Path) -> None:
        entry = str(path.resolve())
        items = [entry] + [p for p in self.recent() if p != entry]
        self.settings.setValue("files/recent", json.dumps(items[:MAX_RECENT]))
        self.recentChanged.emit()
