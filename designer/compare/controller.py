"""File → Compare With…: pick the other version, show the compare dock, step with F7.

The other version is a file (any playbook: native or server, either dialect) or the last
saved version of the open document (its file on disk, compared with the document as it is
now). The compare view opens in a dock of the main window, tabbed with the Inspector; the
window's Next Change / Previous Change actions (F7 / Shift+F7) step through it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox, QWidget

from designer.compare.merge import merge_versions
from designer.compare.view import CompareWidget
from runtime.loader import PlaybookLoadError, load_playbook
from runtime.model.document import PlaybookDocument

FILE_FILTER = "Playbooks (*.json);;All files (*)"


def ask_source(parent: QWidget, saved: Path | None) -> str | None:
    """``saved``, ``file`` or None (cancelled); asks only when there is a saved version."""
    if saved is None:
        return "file"
    box = QMessageBox(QMessageBox.Icon.Question, "Compare With",
                      "Compare the playbook as it is now with…", parent=parent)
    last = box.addButton("Last Saved Version", QMessageBox.ButtonRole.AcceptRole)
    other = box.addButton("Another File…", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "saved" if clicked is last else "file" if clicked is other else None


class CompareController:
    """Owns the compare dock of one main window."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.dock: QDockWidget | None = None
        self.widget: CompareWidget | None = None

    def choose(self) -> bool:
        """Ask for the other version and compare; False when cancelled or unreadable."""
        saved = self.window.files.path
        source = ask_source(self.window, saved if saved and Path(saved).exists() else None)
        if source == "saved":
            return self.compare_with_saved()
        if source == "file":
            path, _ = QFileDialog.getOpenFileName(self.window, "Compare With", "", FILE_FILTER)
            return bool(path) and self.compare_with_file(path)
        return False

    def compare_with_saved(self) -> bool:
        path = self.window.files.path
        return path is not None and self.compare_with_file(path, "last saved")

    def compare_with_file(self, path: str | Path, label: str | None = None) -> bool:
        try:
            old = load_playbook(path).document
        except PlaybookLoadError as exc:
            QMessageBox.warning(self.window, "Compare With", str(exc))
            return False
        self.show(old, label or Path(path).name, self.window.context.document.doc, "now")
        return True

    def show(self, old: PlaybookDocument, old_label: str, new: PlaybookDocument,
             new_label: str) -> CompareWidget:
        widget = CompareWidget(merge_versions(old, new), old_label, new_label)
        if self.dock is None:
            self.dock = QDockWidget("Compare", self.window)
            self.dock.setObjectName("CompareDock")
            self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            inspector = getattr(self.window, "inspector_dock", None)
            if inspector is not None:
                self.window.tabifyDockWidget(inspector, self.dock)
        elif self.widget is not None:
            self.widget.deleteLater()
        self.dock.setWidget(widget)
        self.widget = widget
        self.dock.show()
        self.dock.raise_()
        self.window.statusBar().showMessage(widget.header.text(), 5000)
        return widget

    def step(self, delta: int) -> None:
        if self.widget is None:
            self.window.statusBar().showMessage("Nothing to step through: File → Compare "
                                                "With… first", 4000)
            return
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()
        self.widget.step(delta)


def compare_controller(window: Any) -> CompareController:
    """The window's controller (made on first use)."""
    controller = getattr(window, "_compare_controller", None)
    if controller is None:
        controller = CompareController(window)
        window._compare_controller = controller
    return controller
