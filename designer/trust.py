"""Restricted mode of the designer: the bar that says a playbook's Functions will not run until
the user trusts its file, with the one-click **Trust** button.

Owns :func:`restricted` (is the open document's file untrusted while it has custom Functions)
and :class:`TrustBar`, a slim tool bar across the top of the main window shown only in
restricted mode. Everything else works in restricted mode (edit, validate, export, run a
playbook without Functions); the run controller refuses to start a run of a restricted
playbook and points at the bar. Trust is remembered per file content
(``runtime.sandbox.trust``); saving a trusted or new playbook keeps it trusted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QToolBar, QWidget

from runtime.sandbox import confinement_report
from runtime.sandbox.trust import TrustStore, needs_trust

RESTRICTED_TEXT = (
    "Restricted mode: this playbook comes from a file you have not trusted. Its custom "
    "Functions ({functions}) run its author's code and will not run until you trust it. "
    "Review them first."
)
REFUSED_RUN = (
    "This playbook's custom Functions ({functions}) come from a file you have not trusted. "
    "Review them, then click Trust in the bar above the canvas to run it."
)


def function_ids(document: Any) -> list[str]:
    """The custom Functions of an editable document."""
    return sorted(document.doc.functions)


def restricted(document: Any, store: TrustStore | None = None) -> bool:
    """Whether the document is in restricted mode (see the module doc)."""
    return needs_trust(document.path, function_ids(document), store)


class TrustBar(QToolBar):
    """The restricted-mode bar: a message and a **Trust** button."""

    trusted = Signal(str)

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__("Restricted mode", parent)
        self.context = context
        self.setObjectName("TrustBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton("Trust", self)
        self.button.setToolTip("Trust this file's content: its Functions may run (remembered)")
        self.button.clicked.connect(self.trust)
        self.addWidget(self.message)
        self.addWidget(self.button)
        self.setStyleSheet("QToolBar#TrustBar { background: #fff4ce; }")
        self.refresh()

    @classmethod
    def install(cls, window: QWidget, context: Any) -> TrustBar | None:
        """Add the bar across the top of a main window (None for another kind of parent)."""
        if not isinstance(window, QMainWindow):
            return None
        bar = cls(context, window)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        return bar

    def refresh(self) -> None:
        """Show the bar when the open document is restricted, hide it otherwise."""
        document = self.context.document
        show = restricted(document)
        if show:
            text = RESTRICTED_TEXT.format(functions=", ".join(function_ids(document)))
            report = confinement_report()
            if not report.confined:
                text += " " + report.summary()
            self.message.setText(text)
        self.setVisible(show)

    def trust(self) -> bool:
        """Trust the open file's current content (the button)."""
        path = self.context.document.path
        if path is None or not TrustStore().trust(path):
            return False
        self.refresh()
        self.context.statusMessage.emit(f"Trusted {path.name}: its Functions may run")
        self.trusted.emit(str(path))
        return True
