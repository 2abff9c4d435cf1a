"""The Run toolbar: run profile, Run (F5), Kill, clock speed and log-level override.

The profile combo lists the document's run profiles (the context's choice, kept in step both
ways) and ends with "Manage profiles…", which opens the Run Profiles dialog. Speed and log
level default to the profile's own; choosing another overrides it for the next runs only
(the profile is not edited). Run and Kill are ``QAction``s so the Run menu shares them. The
combos take the mouse wheel only while focused, so a wheel over the toolbar changes nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QStyle, QToolBar, QWidget

from designer.inspector.widgets.wheel import guard_wheel
from designer.run.style import LOG_LEVELS, SPEEDS

MANAGE = "Manage profiles…"
NO_PROFILE = "No profile (empty payload)"
PROFILE_SPEED = "Profile speed"
PROFILE_LEVEL = "Profile log level"


def ask_second_run(parent: QWidget, running: int) -> bool:
    """True when the user wants another execution beside the ``running`` ones."""
    what = "An execution of this playbook is" if running == 1 else \
        f"{running} executions of this playbook are"
    answer = QMessageBox.question(
        parent, "Start a second run?",
        f"{what} still running. Start another run beside it?\n\n"
        "Shift+F5 kills the running execution instead.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class RunToolbar(QToolBar):
    """Run controls bound to a :class:`~designer.run.controller.RunController`."""

    manageProfilesRequested = Signal()
    killRequested = Signal()

    def __init__(self, context: Any, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__("Run", parent)
        self.setObjectName("RunToolbar")
        self.context = context
        self.controller = controller
        self._filling = False
        style = self.style()
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("RunProfileCombo")
        self.profile_combo.setMinimumContentsLength(18)
        self.profile_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.profile_combo.setToolTip("Run profile: trigger payload, tenant fixtures and mocks")
        self.profile_combo.activated.connect(self._profile_chosen)
        self.run_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
                                  "Run", self)
        self.run_action.setObjectName("RunAction")
        self.run_action.setShortcut(QKeySequence("F5"))
        self.run_action.setToolTip("Run the playbook with the selected profile (F5)")
        self.run_action.triggered.connect(lambda _checked=False: self.run())
        self.kill_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop),
                                   "Kill", self)
        self.kill_action.setObjectName("KillAction")
        self.kill_action.setShortcut(QKeySequence("Shift+F5"))
        self.kill_action.setToolTip("Kill the running execution (Shift+F5)")
        self.kill_action.setEnabled(False)
        self.kill_action.triggered.connect(lambda _checked=False: self.killRequested.emit())
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("RunSpeedCombo")
        self.speed_combo.setToolTip("Clock speed: how fast waits and retries pass")
        self.speed_combo.addItem(PROFILE_SPEED, None)
        for value, text in SPEEDS:
            self.speed_combo.addItem(text, value)
        self.speed_combo.currentIndexChanged.connect(self._speed_chosen)
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("RunLevelCombo")
        self.level_combo.setToolTip("Log level of the next runs (inputs and outputs are "
                                    "recorded at DEBUG and TRACE)")
        self.level_combo.addItem(PROFILE_LEVEL, None)
        for level in LOG_LEVELS:
            self.level_combo.addItem(level, level)
        self.level_combo.currentIndexChanged.connect(self._level_chosen)
        self.addWidget(QLabel(" Profile "))
        self.addWidget(self.profile_combo)
        self.addAction(self.run_action)
        self.addAction(self.kill_action)
        self.addSeparator()
        self.addWidget(QLabel(" Speed "))
        self.addWidget(self.speed_combo)
        self.addWidget(QLabel(" Log level "))
        self.addWidget(self.level_combo)
        guard_wheel(self)  # the combos take the wheel only when focused (issue 16 item 2)
        context.profileChanged.connect(lambda _name: self.fill_profiles())
        context.documentChanged.connect(self._document_changed)
        controller.executionStarted.connect(lambda _eid: self.update_kill())
        controller.executionFinished.connect(lambda _eid, _status: self.update_kill())
        controller.executionUpdated.connect(lambda _eid: self.update_kill())
        self.fill_profiles()

    # -- running -----------------------------------------------------------------------------
    def run(self) -> str | None:
        """Run (F5). While an execution is running, first ask whether to start a second one
        (a second F5 pressed to "restart" would otherwise run the playbook twice)."""
        controller = self.controller
        running = [eid for eid in controller.known_ids() if controller.is_running(eid)]
        if running and not ask_second_run(self.window() or self, len(running)):
            return None
        return self.controller.run()

    # -- profiles ----------------------------------------------------------------------------
    def _document_changed(self, change: Any) -> None:
        if change.profiles or change.reset or change.playbook:
            self.fill_profiles()

    def fill_profiles(self) -> None:
        """Rebuild the profile combo from the document; keep the context's choice valid."""
        doc = self.context.document.doc
        names = [p.name for p in doc.run_profiles]
        if self.context.profile_name not in names:
            self.context.set_profile(names[0] if names else None)
        self._filling = True
        combo = self.profile_combo
        combo.clear()
        if not names:
            combo.addItem(NO_PROFILE, None)
        for name in names:
            profile = doc.profile(name)
            combo.addItem(name, name)
            if profile is not None and profile.target:
                combo.setItemData(combo.count() - 1, f"Runs only the state {profile.target}",
                                  3)  # ToolTipRole
        combo.insertSeparator(combo.count())
        combo.addItem(MANAGE, MANAGE)
        current = combo.findData(self.context.profile_name) if names else 0
        combo.setCurrentIndex(max(0, current))
        self._filling = False

    def _profile_chosen(self, index: int) -> None:
        if self._filling:
            return
        data = self.profile_combo.itemData(index)
        if data == MANAGE:
            self.fill_profiles()
            self.manageProfilesRequested.emit()
            return
        self.context.set_profile(data)

    def select_profile(self, name: str | None) -> None:
        self.context.set_profile(name)

    # -- overrides -----------------------------------------------------------------------------
    def _speed_chosen(self, _index: int) -> None:
        self.controller.speed_override = self.speed_combo.currentData()

    def _level_chosen(self, _index: int) -> None:
        self.controller.level_override = self.level_combo.currentData()

    def set_speed(self, value: str | None) -> None:
        self.speed_combo.setCurrentIndex(max(0, self.speed_combo.findData(value)))

    def set_log_level(self, level: str | None) -> None:
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(level)))

    def update_kill(self) -> None:
        self.kill_action.setEnabled(bool(self.controller.running_ids()))
