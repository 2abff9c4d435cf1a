"""The Circuit state: which sub-playbook it runs, and the parameters that become its input.

``circuit_id`` names a playbook file relative to this playbook's folder, as the engine resolves
it: ``endpoint-containment`` → ``endpoint-containment.playbook.json`` beside this file (a name
ending in ``.json`` is taken as it is, sub-folders allowed). "Browse…" stores the chosen file
that way; "Open" emits :attr:`CircuitEditor.openPlaybookRequested` with the absolute path so the
main window can open it in another window.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.inspector.binding import StateBinding
from designer.inspector.params_table import FreeParametersSection
from designer.inspector.widgets.style import MessageLabel, field_title, help_label

SUFFIX = ".playbook.json"


def circuit_file(circuit_id: str, base: Path | None) -> Path | None:
    """The file a circuit id names, as the engine resolves it (None when it cannot)."""
    if not circuit_id:
        return None
    name = circuit_id if circuit_id.endswith(".json") else circuit_id + SUFFIX
    path = Path(name)
    if path.is_absolute():
        return path
    return (base / path).resolve() if base is not None else None


def circuit_id_for(file: Path, base: Path | None) -> str:
    """The id to store for ``file``: relative to ``base``, without ``.playbook.json``."""
    text = os.path.relpath(file, base) if base is not None else str(file)
    text = text.replace(os.sep, "/")
    return text[: -len(SUFFIX)] if text.endswith(SUFFIX) else text


class CircuitEditor(QWidget):
    """Sub-playbook chooser (relative path stored), Open button, parameters."""

    openPlaybookRequested = Signal(str)

    def __init__(self, binding: StateBinding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binding = binding
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(field_title("Sub-playbook", True, self))
        line = QHBoxLayout()
        self.circuit_id = QLineEdit(self)
        self.circuit_id.setPlaceholderText("e.g. endpoint-containment")
        self.circuit_id.textEdited.connect(
            lambda text: binding.set("circuit_id", text.strip() or None, typing=True))
        self.circuit_id.editingFinished.connect(binding.finish)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self.browse)
        self.open_button = QPushButton("Open", self)
        self.open_button.setToolTip("Open the sub-playbook in another window")
        self.open_button.clicked.connect(self.open_playbook)
        line.addWidget(self.circuit_id, 1)
        line.addWidget(browse)
        line.addWidget(self.open_button)
        layout.addLayout(line)
        layout.addWidget(help_label(
            "A playbook file relative to this playbook's folder; 'name' means "
            "name.playbook.json.", self))
        self.messages = MessageLabel(self)
        layout.addWidget(self.messages)
        self.parameters = FreeParametersSection(
            binding, "Become the sub-playbook's input (when empty it gets this state's input). "
            "A value is JSON, text, or a $.path.", self)
        layout.addWidget(self.parameters)
        self._note: list[tuple[str, str]] = []

    def base(self) -> Path | None:
        path = self.binding.context.document.path
        return Path(path).resolve().parent if path else None

    def target(self) -> Path | None:
        return circuit_file(self.binding.get("circuit_id") or "", self.base())

    def browse(self) -> None:
        start = str(self.base() or Path.cwd())
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Choose the sub-playbook", start, "Playbooks (*.playbook.json *.json)")
        if chosen:
            self.choose_file(Path(chosen))

    def choose_file(self, file: Path) -> None:
        """Store ``file`` as the circuit id (relative to this playbook's folder)."""
        base = self.base()
        self._note = [] if base is not None else [(
            "warning", "This playbook is not saved yet, so the absolute path is stored; save "
                       "it and choose again to store a relative path.")]
        self.binding.set("circuit_id", circuit_id_for(file.resolve(), base))
        self.binding.finish()
        self.refresh()

    def open_playbook(self) -> None:
        target = self.target()
        if target is None or not target.is_file():
            shown = str(target) if target else "(unsaved playbook: no folder to look in)"
            self._note = [("error", f"Sub-playbook file not found: {shown}")]
            self.refresh_messages()
            return
        self._note = []
        self.refresh_messages()
        self.openPlaybookRequested.emit(str(target))

    def refresh(self) -> None:
        stored = self.binding.get("circuit_id") or ""
        if not self.circuit_id.hasFocus() and self.circuit_id.text() != stored:
            self.circuit_id.setText(stored)
        self.open_button.setEnabled(bool(stored))
        self.parameters.refresh()
        self.refresh_messages()

    def refresh_messages(self) -> None:
        stored = self.binding.get("circuit_id")
        entry = self.binding.entry()
        live = [] if entry is None else [
            ("error", m) for m in entry.field_checker.check_one("circuit_id", stored)]
        if not stored:
            live.append(("error", "$: required property 'circuit_id' not found"))
        others = [m for m in self.binding.problems_at("circuit_id") if "circuit_id" not in m[1]]
        self.messages.set_messages(self._note + live + others)
        self.parameters.refresh_messages()
