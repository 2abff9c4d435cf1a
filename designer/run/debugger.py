"""Debugger controls in the designer: breakpoints on cards, pause, continue, step, skip, edit.

:class:`DebugUI` adds to the Run menu: Toggle Breakpoint (F9, on the selected cards),
Conditional Breakpoint… (Ctrl+F9: an expression over the state's input and/or a Batch
iteration), Continue (F5 while paused: the Run action gives F5 up during a pause), Step (F10), Step Into
(F11), Skip State…, Edit Input…, Clear Breakpoints, and Test This State… (Ctrl+T, one state
alone with an input: :mod:`designer.run.test_state`). A card with a breakpoint carries a
"● break" badge on the canvas. When the open playbook has breakpoints, Run starts the
execution under a :class:`~runtime.engine.debug.Debugger` (without breakpoints, runs are not
debugged and pay nothing). A pause opens the execution screen, marks the paused card
*pending* with "paused here" on the Execution Graph and shows the paused state's input in
Execution Details; Kill still works while paused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox

from runtime.engine.debug import Breakpoint, DebugError, Debugger, Paused

BREAK_BADGE = "● break"
PAUSED_CAPTION = "paused here"


class DebugUI(QObject):
    """Breakpoints and the run-control actions of one main window."""

    pausedChanged = Signal(object)  # Paused or None

    def __init__(self, window: QMainWindow, run_ui: Any, scene: Any) -> None:
        super().__init__(window)
        self.window, self.run_ui, self.scene = window, run_ui, scene
        self.context = run_ui.context
        self.breakpoints: dict[str, Breakpoint] = {}
        self.debugger: Debugger | None = None
        self.paused: Paused | None = None
        self.actions: dict[str, QAction] = {}
        for key, text, keys, handler in (
            ("toggle_breakpoint", "Toggle &Breakpoint", "F9", self.toggle_selected),
            ("conditional_breakpoint", "Conditional Breakpo&int…", "Ctrl+F9",
             self.ask_conditional),
            ("continue", "&Continue", "", self.resume),
            ("step", "&Step", "F10", self.step),
            ("step_into", "Step &Into", "F11", self.step_into),
            ("skip", "S&kip State…", "", self.ask_skip),
            ("edit_input", "&Edit Input…", "", self.ask_edit_input),
            ("clear_breakpoints", "C&lear Breakpoints", "", self.clear_breakpoints),
            ("test_state", "&Test This State…", "Ctrl+T", self.open_test_state),
        ):
            self.actions[key] = self._action(key, text, keys, handler)
        run_ui.controller.debug_start = self.start
        run_ui.controller.executionFinished.connect(lambda _e, _s: self._finished())
        self.context.documentChanged.connect(self._document_changed)
        self._update_actions()

    def _action(self, key: str, text: str, keys: str, handler: Callable[[], Any]) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"Debug_{key}")
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False: handler())
        self.window.addAction(action)
        return action

    # -- breakpoints --------------------------------------------------------------------------
    def toggle(self, state: str, condition: str | None = None,
               iteration: int | None = None) -> bool:
        """Toggle a breakpoint on ``state`` (a plain one, unless a condition or iteration is
        given, which sets it); True when the state has a breakpoint afterwards."""
        if state in self.breakpoints and condition is None and iteration is None:
            del self.breakpoints[state]
            on = False
        else:
            self.breakpoints[state] = Breakpoint(state, condition, iteration)
            on = True
        self.mark_breakpoints()
        self.context.statusMessage.emit(
            f"Breakpoint {'set on' if on else 'removed from'} {state}")
        return on

    def toggle_selected(self) -> None:
        """F9: toggle a breakpoint on each selected card."""
        names = self.scene.selected_names()
        if not names:
            self.context.statusMessage.emit("Select a state to set a breakpoint on it (F9)")
        for name in names:
            self.toggle(name)

    def ask_conditional(self) -> bool:
        """Ctrl+F9: a breakpoint on the selected card that holds only when a condition over
        the state's input holds (Branch expression language) and/or on one Batch iteration."""
        names = self.scene.selected_names()
        if not names:
            self.context.statusMessage.emit("Select a state to set a breakpoint on it")
            return False
        old = self.breakpoints.get(names[0])
        condition, ok = QInputDialog.getText(
            self.window, "Conditional Breakpoint",
            f"Pause before {names[0]} when (an expression over its input, e.g. "
            "$.risk.score > 50; empty: always):", text=(old.condition or "") if old else "")
        if not ok:
            return False
        iteration, ok = QInputDialog.getText(
            self.window, "Conditional Breakpoint",
            "Only in Batch iteration (a number; empty: every iteration):",
            text="" if old is None or old.iteration is None else str(old.iteration))
        if not ok:
            return False
        text = iteration.strip()
        if text and not text.isdigit():
            QMessageBox.warning(self.window, "Conditional Breakpoint",
                                f"{text!r} is not an iteration number")
            return False
        try:
            self.breakpoints[names[0]] = Breakpoint(names[0], condition.strip() or None,
                                                    int(text) if text else None)
        except DebugError as exc:
            QMessageBox.warning(self.window, "Conditional Breakpoint", str(exc))
            return False
        self.mark_breakpoints()
        return True

    def clear_breakpoints(self) -> None:
        self.breakpoints.clear()
        self.mark_breakpoints()

    def mark_breakpoints(self) -> None:
        """Show the breakpoint badge on exactly the cards that have a breakpoint."""
        for item in self.scene.state_items():
            item.set_corner_badge(BREAK_BADGE if item.name in self.breakpoints else None)

    def _document_changed(self, change: Any) -> None:
        if change.reset:
            self.breakpoints.clear()
        names = set(self.context.document.doc.definition)
        for gone in [n for n in self.breakpoints if n not in names]:
            del self.breakpoints[gone]
        self.mark_breakpoints()

    # -- starting (called by the run controller) ----------------------------------------------
    def start(self, playbook: Any, options: Any) -> str:
        """Start a run: under a debugger when there are breakpoints, else plainly."""
        engine = self.run_ui.controller.engine
        if not self.breakpoints:
            self.debugger = None
            return str(engine.start(playbook, options))
        debugger = Debugger()
        debugger.breakpoints = dict(self.breakpoints)
        debugger.listeners.append(self._on_pause)
        self.debugger = debugger
        return debugger.start(engine, playbook, options)

    # -- pausing ----------------------------------------------------------------------------
    def _on_pause(self, paused: Paused | None) -> None:
        self.paused = paused
        run_action = self.run_ui.run_action
        if paused is not None:
            run_action.setShortcut(QKeySequence())
            self.actions["continue"].setShortcut(QKeySequence("F5"))
            self._show_paused(paused)
        else:
            self.actions["continue"].setShortcut(QKeySequence())
            run_action.setShortcut(QKeySequence("F5"))
            self._unmark_paused()
        self._update_actions()
        self.pausedChanged.emit(paused)

    def _show_paused(self, paused: Paused) -> None:
        root = self.run_ui.controller.last_started or paused.execution_id
        if self.run_ui.screen.execution_id != root:
            self.run_ui.open_execution(root)
        graph = self.run_ui.graph
        if paused.depth == 0 and graph.scene is not None:
            item = graph.scene.item(paused.state)
            if item is not None:
                item.set_run_status("pending", PAUSED_CAPTION)
        self.run_ui.details.show_paused(paused.execution_id, paused.state, paused.type,
                                        paused.time, paused.iteration, paused.reason,
                                        paused.input)
        self.context.statusMessage.emit(f"Paused before {paused.state} ({paused.reason})")

    def _unmark_paused(self) -> None:
        graph = self.run_ui.graph
        if graph.scene is None:
            return
        for item in graph.scene.state_items():
            if item.caption == PAUSED_CAPTION:
                item.set_run_status(None, None)

    def _finished(self) -> None:
        if self.debugger is not None and self.debugger.paused is None:
            self.paused = None
            self._update_actions()

    def _update_actions(self) -> None:
        paused = self.paused is not None
        for key in ("continue", "step", "step_into", "skip", "edit_input"):
            self.actions[key].setEnabled(paused)

    def open_test_state(self) -> Any:
        """Run → Test This State…: run the selected state alone (designer.run.test_state)."""
        from designer.run.test_state import open_test_state

        return open_test_state(self.window, self.context, self.run_ui, self.scene)

    # -- commands ---------------------------------------------------------------------------
    def _command(self, name: str, *args: Any) -> bool:
        if self.debugger is None or self.debugger.paused is None:
            self.context.statusMessage.emit("No execution is paused")
            return False
        try:
            getattr(self.debugger, name)(*args)
        except DebugError as exc:
            self.context.statusMessage.emit(str(exc))
            return False
        return True

    def resume(self) -> bool:
        return self._command("resume")

    def step(self) -> bool:
        return self._command("step")

    def step_into(self) -> bool:
        return self._command("step_into")

    def skip(self, output: Any) -> bool:
        """Skip the paused state with ``output`` (checked against the catalog's shape)."""
        return self._command("skip", output)

    def edit_input(self, value: Any) -> bool:
        if not self._command("edit_input", value):
            return False
        if self.paused is not None:
            self._show_paused(self.paused)
        return True

    def _ask_json(self, title: str, label: str, initial: Any) -> tuple[bool, Any]:
        text, ok = QInputDialog.getMultiLineText(self.window, title, label,
                                                 json.dumps(initial, indent=2))
        if not ok:
            return False, None
        try:
            return True, json.loads(text)
        except ValueError as exc:
            QMessageBox.warning(self.window, title, f"That is not JSON: {exc}")
            return False, None

    def ask_skip(self) -> None:
        if self.paused is None:
            return
        ok, value = self._ask_json("Skip State", f"Output of {self.paused.state} (its result, "
                                   "as the catalog's success response):", {})
        if ok and not self.skip(value):
            QMessageBox.warning(self.window, "Skip State",
                                "The output was refused; see the status bar.")

    def ask_edit_input(self) -> None:
        if self.paused is None:
            return
        ok, value = self._ask_json("Edit Input", f"Input of {self.paused.state}:",
                                   self.paused.input)
        if ok:
            self.edit_input(value)


def install_debug_ui(window: QMainWindow, run_ui: Any, scene: Any, menu: Any) -> DebugUI:
    """Create the debugger controls and add them to ``menu`` (the Run menu)."""
    ui = DebugUI(window, run_ui, scene)
    menu.addSeparator()
    for action in ui.actions.values():
        menu.addAction(action)
    return ui
