"""The inspector page of one selected state: header, the type's editor, flow, error handling
and the Advanced section, stacked in that order.

Which editor a state gets depends only on its catalog entry: an action's parameter form is
generated from its schema; flow-control and functional states have their own editors. The page
refreshes from the document on every change (editors skip values they already show, so typing
is never clobbered) and re-reads problems when validation finishes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from designer.context import DesignerContext
from designer.document import set_start
from designer.inspector.advanced import AdvancedSection, fields_for
from designer.inspector.binding import StateBinding
from designer.inspector.circuit_editor import CircuitEditor
from designer.inspector.editors import DurationEditor
from designer.inspector.flow_editors import (
    BatchEditor,
    BranchEditor,
    ParallelEditor,
    TargetCombo,
    fields_section,
)
from designer.inspector.form import SchemaSection
from designer.inspector.function_editor import FunctionEditor
from designer.inspector.header import StateHeader
from designer.inspector.on_error_editor import OnErrorEditor
from designer.inspector.repair_editor import RepairEditor
from designer.inspector.widgets.style import MessageLabel, field_title, help_label, section_title
from runtime.model.states import END, UnknownState

TITLES = {
    "action": "Parameters", "function": "Function", "circuit": "Circuit", "branch": "Conditions",
    "parallel": "Paths", "batch": "Batch", "wait": "Wait", "failure": "Failure", "pass": "Pass",
}
# Field roots the page's sections show problems for; others go to the banner at the top.
SHOWN_ROOTS = {
    "parameters", "conditions", "default", "paths", "root", "on_error", "function_id",
    "circuit_id", "duration", "collection_path", "collection_variable", "batch_size", "error",
    "cause", "result", "next", *fields_for("action"),
}


class NextSection(QWidget):
    """Where the flow continues (``next``; End finishes the path) and the start marker."""

    def __init__(self, binding: StateBinding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binding = binding
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        line = QHBoxLayout()
        title = field_title("Next", parent=self)
        self.target = TargetCombo(self)
        self.target.activated.connect(self._set_next)
        line.addWidget(title)
        line.addWidget(self.target, 1)
        layout.addLayout(line)
        self.start = QCheckBox("Start state (the execution begins here)", self)
        self.start.clicked.connect(self._make_start)
        layout.addWidget(self.start)
        self.messages = MessageLabel(self)
        layout.addWidget(self.messages)

    def _set_next(self, _index: int) -> None:
        self.binding.set("next", self.target.currentData() or None)

    def _make_start(self, checked: bool) -> None:
        if checked:
            patch, text = set_start(self.binding.context.document, self.binding.name)
            self.binding.push(patch, text)
        else:  # "2 states are marked start" is fixed by unticking one of them
            self.binding.set("start", None)
        self.refresh()

    def refresh(self) -> None:
        names = [*self.binding.other_states(), END]
        self.target.set_targets(names, self.binding.get("next"), "Not set (ends the path)")
        is_start = bool(self.binding.get("start"))
        self.start.setChecked(is_start)
        self.refresh_messages()

    def refresh_messages(self) -> None:
        self.messages.set_messages(self.binding.problems_at("next"))


class StatePage(QWidget):
    """Everything the inspector shows for one state."""

    openPlaybookRequested = Signal(str)
    renameRequested = Signal(str, str)

    def __init__(self, context: DesignerContext, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.binding = StateBinding(context, name)
        self.state_type = context.document.state(name).type
        self.entry = self.binding.entry()
        self.sections: list[Any] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 12, 12, 12)
        self._layout.setSpacing(8)
        self.header = StateHeader(self.binding, self)
        self.header.renameRequested.connect(self.renameRequested)
        self._layout.addWidget(self.header)
        self.banner = MessageLabel(self)
        self._layout.addWidget(self.banner)
        self.body = self._build_body()
        if self.entry is not None and "next" in self.entry.ports:
            self._add(section_title("Flow", self))
            self._add(NextSection(self.binding, self))
        if self.entry is not None and self.entry.accepts_on_error:
            self._add(section_title("Error handling", self))
            self.on_error = self._add(OnErrorEditor(self.binding, self))
        self.advanced = self._add(AdvancedSection(self.binding, self.state_type, self))
        self._layout.addStretch(1)
        self.refresh()

    def _add(self, widget: Any) -> Any:
        self._layout.addWidget(widget)
        if hasattr(widget, "refresh"):
            self.sections.append(widget)
        return widget

    def _build_body(self) -> QWidget | None:
        entry, binding, kind = self.entry, self.binding, self.state_type
        if isinstance(binding.context.document.state(binding.name), UnknownState):
            self._add(section_title("Edit as JSON", self))
            return self._add(RepairEditor(binding, self))  # opened for repair: no form
        if entry is None:
            self._add(help_label(f"Unknown action {binding.get('action')!r}: it is not in the "
                                 "catalog, so its parameters cannot be edited here.", self))
            return None
        if kind == "success":
            self._add(help_label("Success ends the execution as successful. It has no "
                                 "settings besides its name.", self))
            return None
        self._add(section_title(TITLES.get(kind, "Settings"), self))
        if kind == "action":
            body: QWidget = SchemaSection(binding, entry.parameters, entry.parameter_checker,
                                          base="parameters", dynamic=True, parent=self)
        elif kind == "function":
            body = FunctionEditor(binding, self)
        elif kind == "circuit":
            body = CircuitEditor(binding, self)
            body.openPlaybookRequested.connect(self.openPlaybookRequested)
        elif kind == "branch":
            body = BranchEditor(binding, self)
        elif kind == "parallel":
            body = ParallelEditor(binding, self)
        elif kind == "batch":
            body = BatchEditor(binding, entry, self)
        elif kind == "wait":
            body = fields_section(binding, entry, overrides={"duration": DurationEditor},
                                  parent=self)
        else:
            body = fields_section(binding, entry, parent=self)
        return self._add(body)

    # -- refreshing --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.binding.name

    def refresh(self) -> None:
        if not self.binding.exists:
            return
        self.binding.invalidate()
        self.header.refresh()
        for section in self.sections:
            section.refresh()
        self._refresh_banner()

    def refresh_messages(self) -> None:
        if not self.binding.exists:
            return
        for section in self.sections:
            section.refresh_messages()
        self._refresh_banner()

    def _refresh_banner(self) -> None:
        roots = SHOWN_ROOTS
        self.banner.set_messages([
            (p.severity, p.message) for p in self.binding.problems()
            if p.path.split(".")[0].split("[")[0] not in roots
        ])
