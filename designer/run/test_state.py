"""Test this state: run one state of the open playbook alone with an input, see what it does.

Run → Test This State… (Ctrl+T) on the selected card opens :class:`TestStateDialog`: the
input is typed as JSON, or taken from a run profile's payload or from the state's latest
logged step (its recorded input, DEBUG runs); the state runs against the simulated tenant
(with the chosen profile's fixtures and mocks) or, ticked, with a mocked result typed as JSON.
The dialog shows the step's status, message and output. Nothing is written to the history
and the document is not changed (:func:`runtime.testing.single.try_state`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.run.json_view import JsonView
from designer.run.profile_editor import JsonEdit
from runtime.testing.single import StateTestResult, try_state

TYPED = "Typed input"
LOGGED = "Latest logged step"


class TestStateDialog(QDialog):
    """Runs one state alone (see the module docstring)."""

    def __init__(self, context: Any, state: str, run_ui: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TestStateDialog")
        self.setWindowTitle(f"Test State: {state}")
        self.context, self.state, self.run_ui = context, state, run_ui
        self.test_result: StateTestResult | None = None  # not "result" (QDialog.result())
        self.task: asyncio.Future[Any] | None = None
        self.source = QComboBox()
        self.source.addItem(TYPED, None)
        for profile in context.document.doc.run_profiles:
            self.source.addItem(f"Payload of profile {profile.name}", profile.name)
        self.logged = self._logged_input()
        if self.logged is not None:
            self.source.addItem(LOGGED, LOGGED)
        self.input = JsonEdit(placeholder='{"user": "jdoe"}')
        self.input.set_value({})
        self.mocked = QCheckBox("Mock the result instead of calling the tenant")
        self.mock = JsonEdit(allow_empty=True, placeholder="The result, as the catalog's "
                                                            "success response")
        self.mock.setEnabled(False)
        self.run_button = QPushButton("Run State")
        self.run_button.setObjectName("RunStateButton")
        self.status = QLabel("Not run yet.")
        self.status.setObjectName("TestStateStatus")
        self.status.setWordWrap(True)
        self.output = JsonView()
        form = QFormLayout()
        form.addRow("Input from", self.source)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.input, 2)
        layout.addWidget(self.mocked)
        layout.addWidget(self.mock, 1)
        layout.addWidget(self.run_button)
        layout.addWidget(self.status)
        layout.addWidget(self.output, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.source.activated.connect(lambda _i: self._source_chosen())
        self.mocked.toggled.connect(self.mock.setEnabled)
        self.run_button.clicked.connect(lambda: self.run())
        self.resize(560, 640)

    def _logged_input(self) -> Any:
        """The input of the state's latest logged step in this window's executions."""
        if self.run_ui is None:
            return None
        for execution_id in self.run_ui.controller.known_ids():
            row = self.run_ui.source.step(execution_id, self.state, None)
            if row is not None and row.input_json is not None:
                return json.loads(row.input_json)
        return None

    def _source_chosen(self) -> None:
        data = self.source.currentData()
        if data == LOGGED:
            self.input.set_value(self.logged)
        elif data is not None:
            profile = self.context.document.doc.profile(data)
            if profile is not None:
                self.input.set_value(profile.payload)

    def run(self) -> asyncio.Future[Any] | None:
        """Run the state with the input (and mock) as typed; the result shows when done."""
        if not self.input.validate() or (self.mocked.isChecked() and not self.mock.validate()):
            self.status.setText("Fix the JSON first.")
            return None
        compiled = self.run_ui.controller.compile() if self.run_ui is not None else None
        if compiled is None:
            self.status.setText("The playbook cannot run until its errors are fixed.")
            return None
        chosen = self.source.currentData()
        profile = self.context.document.doc.profile(chosen) if chosen not in (
            None, LOGGED) else None
        payload = json.loads(self.input.text() or "{}")
        mock = json.loads(self.mock.text()) if self.mocked.isChecked() and self.mock.text(
        ).strip() else None
        self.status.setText("Running…")
        self.run_button.setEnabled(False)
        self.task = asyncio.ensure_future(try_state(
            compiled, self.state, payload, profile=profile, mock_output=mock,
            mocked=self.mocked.isChecked()))
        self.task.add_done_callback(self._done)
        return self.task

    def _done(self, task: asyncio.Future[Any]) -> None:
        self.run_button.setEnabled(True)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.status.setText(f"The state could not run: {exc}")
            return
        result: StateTestResult = task.result()
        self.test_result = result
        code = f"{result.error_code}: " if result.error_code else ""
        self.status.setText(f"{result.status.upper()}: {code}{result.message or ''}".rstrip(": "))
        if result.output is not None:
            self.output.set_value(result.output)
        else:
            self.output.set_note("No output: the state failed.")


def open_test_state(window: Any, context: Any, run_ui: Any, scene: Any) -> Any:
    """Run → Test This State…: the dialog for the (first) selected card."""
    names = scene.selected_names()
    if not names:
        context.statusMessage.emit("Select a state to test it alone")
        return None
    dialog = TestStateDialog(context, names[0], run_ui, window)
    dialog.show()
    return dialog
