"""The Function state: function id, free-form parameters, and the custom function's Python
source (stored in the document, never exported) with a "Test function" button.

The test resolves the state's parameters against the selected run profile's payload (or passes
the payload itself when the state has none) and runs ``handler(params)`` in the sandbox
(``runtime.sandbox.run_function``: a separate, limited process). Under the app's qasync loop it
runs as an asyncio task; without a running loop (tests, scripts) in a worker thread with
``asyncio.run``. Either way the UI never waits: the result (returned value or error, duration,
stdout and stderr — the OS logs) arrives later in the output pane.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.document import Patch, set_state_field
from designer.inspector.binding import StateBinding
from designer.inspector.editors import StringEditor
from designer.inspector.form import LIVE_CODES, FieldRow
from designer.inspector.params_table import FreeParametersSection
from designer.inspector.widgets.code_editor import CodeEditor, monospace_font
from designer.inspector.widgets.style import field_title, help_label
from runtime.paths import PathSyntaxError, classify_value, compile_path
from runtime.sandbox import FunctionResult, SandboxLimits, run_function
from runtime.sandbox.trust import needs_trust

TEST_TIMEOUT = 10.0
TEMPLATE = "def handler(params):\n    # params: this state's resolved parameters\n    return params\n"


class _Relay(QObject):
    done = Signal(object)


def run_in_background(source: str, params: Any, function_id: str, relay: _Relay) -> None:
    """Run the function on the running asyncio loop, or in a worker thread without one."""
    limits = SandboxLimits(timeout=TEST_TIMEOUT)

    def deliver(result: FunctionResult) -> None:
        try:
            relay.done.emit(result)
        except RuntimeError:  # the inspector page went away meanwhile
            pass

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        task = loop.create_task(run_function(source, params, limits=limits,
                                             function_id=function_id))
        task.add_done_callback(lambda t: None if t.cancelled() else deliver(t.result()))
        return

    def work() -> None:
        deliver(asyncio.run(run_function(source, params, limits=limits, function_id=function_id)))

    threading.Thread(target=work, name=f"test-{function_id}", daemon=True).start()


def format_result(result: FunctionResult, params: Any, profile: str | None) -> str:
    where = f"run profile {profile!r}" if profile else "no run profile selected"
    lines = [f"Input ({where}):", json.dumps(params, indent=2, ensure_ascii=False), ""]
    if result.ok:
        lines += [f"✔ Returned in {result.duration:.2f} s:",
                  json.dumps(result.value, indent=2, ensure_ascii=False)]
    else:
        lines += [f"✖ {result.error_type} after {result.duration:.2f} s: {result.message}"]
    lines += ["", "── stdout ──", result.stdout.rstrip() or "(empty)",
              "── stderr ──", result.stderr.rstrip() or "(empty)"]
    return "\n".join(lines)


class FunctionEditor(QWidget):
    """Function id, parameters, source code and the test runner."""

    def __init__(self, binding: StateBinding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binding = binding
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        entry = binding.entry()
        id_spec = dict(entry.fields["properties"]["function_id"]) if entry else {}
        self.id_row = FieldRow("function_id", id_spec | {"title": "Function ID"}, required=True,
                               dynamic=False, editor=StringEditor, parent=self)
        self.id_row.finished.connect(lambda _key: self._commit_id())
        assert isinstance(self.id_row.editor, StringEditor)
        self.function_id = self.id_row.editor.line
        self.function_id.setPlaceholderText("e.g. extract_iocs")
        self.function_id.returnPressed.connect(self._commit_id)
        self.desc_row = FieldRow("description", {
            "type": "string", "title": "Description",
            "description": "What the function does (kept with its source)."},
            required=False, dynamic=False, editor=StringEditor, parent=self)
        self.desc_row.edited.connect(lambda *_args: self._store_source(True))
        self.desc_row.finished.connect(lambda _key: binding.finish())
        assert isinstance(self.desc_row.editor, StringEditor)
        self.description = self.desc_row.editor.line
        self.parameters = FreeParametersSection(
            binding, "Passed to handler(params). A value is JSON, text, or a $.path read from "
            "the state's input.", self)
        self.code = CodeEditor("python", parent=self)
        self.code.setPlaceholderText(TEMPLATE)
        self.code.setMinimumHeight(240)
        self.code.textChanged.connect(self._code_changed)
        self.code.focusLost.connect(binding.finish)
        self.test = QPushButton("Test function", self)
        self.test.setToolTip("Run handler(params) in the sandbox with the run profile's payload")
        self.test.clicked.connect(self.run_test)
        self.test_status = QLabel(self)
        self.test_status.setWordWrap(True)
        self.output = QPlainTextEdit(self)
        self.output.setReadOnly(True)
        self.output.setFont(monospace_font())
        self.output.setPlaceholderText("Output and OS logs (stdout, stderr) of the test run")
        self.output.setFixedHeight(170)
        for widget in (self.id_row, self.desc_row, self.parameters,
                       field_title("Source (Python)", parent=self),
                       help_label("Define handler(params); its return value (JSON) becomes "
                                  "the state's result. Stored in this playbook, not exported.",
                                  self),
                       self.code):
            layout.addWidget(widget)
        bar = QHBoxLayout()
        bar.addWidget(self.test)
        bar.addWidget(self.test_status, 1)
        layout.addLayout(bar)
        layout.addWidget(self.output)
        self._loading = False
        self._relay = _Relay(self)
        self._relay.done.connect(self._test_done)
        self._last_input: Any = None

    # -- document ----------------------------------------------------------------------------
    def fid(self) -> str:
        return self.binding.get("function_id") or ""

    def _commit_id(self) -> None:
        old, new = self.fid(), self.function_id.text().strip()
        if new == old or not self.binding.exists:
            return
        document = self.binding.context.document
        patch, text = set_state_field(document, self.binding.name, "function_id", new or None)
        functions = document.doc.functions
        shared = any(getattr(s, "function_id", None) == old for n, s in
                     document.definition.items() if n != self.binding.name)
        if old in functions and new and new not in functions and not shared:
            patch.functions = {old: None, new: functions[old].model_dump()}
        self.binding.push(patch, text)

    def _code_changed(self) -> None:
        if not self._loading:
            self._store_source(True)

    def _store_source(self, typing: bool) -> None:
        fid = self.fid()
        if not fid:
            return
        spec = {"source": self.code.toPlainText(), "description": self.description.text()}
        current = self.binding.context.document.doc.functions.get(fid)
        if current is not None and current.model_dump() == spec:
            return
        self.binding.push(Patch(functions={fid: spec}), f"Edit function {fid}",
                          f"function:{fid}" if typing else None)

    def refresh(self) -> None:
        fid = self.fid()
        if not self.function_id.hasFocus():
            self.id_row.set_value(fid or None)
        spec = self.binding.context.document.doc.functions.get(fid)
        source = spec.source if spec else ""
        description = spec.description if spec else ""
        self._loading = True
        if self.code.toPlainText() != source:
            self.code.setPlainText(source)
        if not self.description.hasFocus():
            self.desc_row.set_value(description or None)
        self._loading = False
        self.code.setEnabled(bool(fid))
        self.parameters.refresh()
        self.refresh_messages()

    def refresh_messages(self) -> None:
        entry, fid = self.binding.entry(), self.fid()
        live: list[tuple[str, str]] = []
        if not fid:
            live.append(("error", "$: required property 'function_id' not found"))
        elif entry is not None:
            live += [("error", m) for m in entry.field_checker.check_one("function_id", fid)]
        others: list[tuple[str, str]] = [(p.severity, p.message) for p in self.binding.problems()
                  if p.path == "function_id" and p.code not in LIVE_CODES]
        self.id_row.set_messages(live + others)
        self.parameters.refresh_messages()

    # -- testing -----------------------------------------------------------------------------
    def sample_input(self) -> Any:
        """The state's parameters resolved against the run profile's payload."""
        profile = self.binding.context.current_profile()
        payload = profile.payload if profile is not None else {}
        params = self.binding.get("parameters") or {}
        if not params:
            return payload if isinstance(payload, dict) else {"input": payload}
        out: dict[str, Any] = {}
        for key, value in params.items():
            kind, data = classify_value(value)
            if kind == "dynamic":
                try:
                    data = compile_path(data).find(payload)
                except PathSyntaxError:
                    data = None
            if data is not None:
                out[key] = data
        return out

    def run_test(self) -> None:
        source = self.code.toPlainText()
        if not source.strip():
            self.test_status.setText("Write handler(params) first.")
            return
        document = self.binding.context.document
        if needs_trust(document.path, sorted(document.doc.functions)):
            self.test_status.setText(
                "Restricted mode: this playbook's file is not trusted, so its Functions do not "
                "run. Trust it with the bar above the canvas first.")
            return
        self._last_input = self.sample_input()
        self.test.setEnabled(False)
        self.test_status.setText("Running in the sandbox…")
        self.output.setPlainText("")
        run_in_background(source, self._last_input, self.fid() or "function", self._relay)

    def _test_done(self, result: FunctionResult) -> None:
        self.test.setEnabled(True)
        self.test_status.setText("Passed" if result.ok else "Failed")
        profile = self.binding.context.profile_name
        self.output.setPlainText(format_result(result, self._last_input, profile))
