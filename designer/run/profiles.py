"""The Run Profiles manager: create, duplicate, rename, edit and delete a playbook's profiles.

The dialog edits a working copy (plain dicts, as the document stores them); nothing touches
the document until Save, which checks every profile (good JSON everywhere, a valid profile
model) and applies all the changes as **one** undoable edit, ``Patch(profiles=[...])``. Cancel
leaves the document as it was.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from designer import theme
from designer.document import Patch
from designer.run.profile_editor import ProfileEditor
from runtime.model import RunProfile
from runtime.model.io import format_validation_error
from runtime.naming import PROFILE_NUMBERING, free_name


def ask_name(parent: QWidget, title: str, suggested: str) -> str | None:
    """Ask for a profile name (a function so tests can answer it)."""
    name, ok = QInputDialog.getText(parent, title, "Profile Name", text=suggested)
    return name.strip() if ok and name.strip() else None


class ProfilesDialog(QDialog):
    """Manage the open playbook's run profiles."""

    def __init__(self, context: Any, parent: QWidget | None = None,
                 select: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Run Profiles")
        self.setObjectName("RunProfilesDialog")
        self.resize(980, 640)
        self.context = context
        doc = context.document.doc
        self.original = [p.model_dump(mode="json", exclude_none=True) for p in doc.run_profiles]
        self.profiles: list[dict[str, Any]] = copy.deepcopy(self.original)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._selected)
        self.new_button = QPushButton("New")
        self.duplicate_button = QPushButton("Duplicate")
        self.rename_button = QPushButton("Rename…")
        self.delete_button = QPushButton("Delete")
        self.new_button.clicked.connect(lambda: self._ask_new())
        self.duplicate_button.clicked.connect(lambda: self.duplicate_selected())
        self.rename_button.clicked.connect(self._ask_rename)
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.editor = ProfileEditor(context)
        self.empty = QLabel("No run profiles yet. Click New to create one: a trigger payload, "
                            "tenant data and mocks to test-run the playbook with.")
        self.empty.setWordWrap(True)
        theme.tone(self.empty, "muted")
        self.empty.setStyleSheet("padding: 24px;")
        self.problems = QLabel()
        self.problems.setObjectName("ProfileProblems")
        self.problems.setWordWrap(True)
        theme.tone(self.problems, "error")
        self.problems.hide()
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.list, 1)
        row = QHBoxLayout()
        for button in (self.new_button, self.duplicate_button):
            row.addWidget(button)
        left_box.addLayout(row)
        row = QHBoxLayout()
        for button in (self.rename_button, self.delete_button):
            row.addWidget(button)
        left_box.addLayout(row)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.addWidget(self.editor, 1)
        right_box.addWidget(self.empty, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([240, 740])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self._fill(select or context.profile_name)

    # -- list --------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return [p["name"] for p in self.profiles]

    def _fill(self, select: str | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for profile in self.profiles:
            target = profile.get("target")
            self.list.addItem(profile["name"] + (f"  → {target}" if target else ""))
        self.list.blockSignals(False)
        names = self.names()
        row = names.index(select) if select in names else (0 if names else -1)
        self.list.setCurrentRow(row)
        self._selected(row)

    def _selected(self, row: int) -> None:
        has = 0 <= row < len(self.profiles)
        self.editor.setVisible(has)
        self.empty.setVisible(not has)
        for button in (self.duplicate_button, self.rename_button, self.delete_button):
            button.setEnabled(has)
        if has:
            self.editor.load(self.profiles[row])

    def selected(self) -> dict[str, Any] | None:
        row = self.list.currentRow()
        return self.profiles[row] if 0 <= row < len(self.profiles) else None

    def select(self, name: str) -> None:
        self._fill(name)

    def _unique(self, wanted: str) -> str:
        return free_name(wanted, set(self.names()), PROFILE_NUMBERING)

    # -- operations --------------------------------------------------------------------------
    def new_profile(self, name: str = "New profile") -> str:
        name = self._unique(name)
        self.profiles.append({"name": name, "payload": {}, "mocks": {}, "speed": "instant"})
        self._fill(name)
        return name

    def duplicate_selected(self) -> str | None:
        current = self.selected()
        if current is None:
            return None
        clone = copy.deepcopy(current)
        clone["name"] = self._unique(f"{current['name']} copy")
        self.profiles.insert(self.list.currentRow() + 1, clone)
        self._fill(clone["name"])
        return clone["name"]

    def rename_selected(self, name: str) -> bool:
        current = self.selected()
        name = name.strip()
        if current is None or not name:
            return False
        if name != current["name"] and name in self.names():
            self._show_problems([f"A profile named {name!r} already exists."])
            return False
        current["name"] = name
        self._fill(name)
        return True

    def delete_selected(self) -> bool:
        row = self.list.currentRow()
        if not 0 <= row < len(self.profiles):
            return False
        del self.profiles[row]
        names = self.names()
        self._fill(names[min(row, len(names) - 1)] if names else None)
        return True

    def _ask_new(self) -> None:
        name = ask_name(self, "New Run Profile", self._unique("New profile"))
        if name:
            self.new_profile(name)

    def _ask_rename(self) -> None:
        current = self.selected()
        if current is not None:
            name = ask_name(self, "Rename Run Profile", current["name"])
            if name:
                self.rename_selected(name)

    # -- saving ------------------------------------------------------------------------------
    def problems_found(self) -> list[str]:
        """Everything that stops Save: bad JSON in the editor, invalid profiles."""
        selected = self.selected()
        found = ([f"{selected['name']}: {e}" for e in self.editor.errors()]
                 if selected is not None else [])
        for profile in self.profiles:
            try:
                RunProfile.model_validate(profile)
            except ValidationError as exc:
                found.append(f"{profile.get('name', '?')}: "
                             f"{format_validation_error(exc)}")
        return found

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))

    def save(self) -> bool:
        """Apply the working copy as one undoable edit; False (with the reasons) if refused."""
        problems = self.problems_found()
        if problems:
            self._show_problems(problems)
            self.editor.focus_error()
            return False
        self._show_problems([])
        clean = [RunProfile.model_validate(p).model_dump(mode="json", exclude_none=True)
                 for p in self.profiles]
        selected = self.selected()
        if clean != self.original and not self.context.push(
                Patch(profiles=clean), "Edit run profiles"):
            return False
        if selected is not None:
            self.context.set_profile(selected["name"])
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()

    def reject(self) -> None:
        if self.profiles != self.original and self.isVisible():
            answer = QMessageBox.question(
                self, "Discard changes?", "Discard the changes to the run profiles?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
