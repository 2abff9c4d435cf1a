"""The designer's main window: canvas in the centre, docks around it, menus from the action table.

Docks have stable object names (PaletteDock, InspectorDock, ProblemsDock, DefinitionDock and the
run docks) so the layout can be saved and restored; the saved state is versioned, so a changed
layout falls back to the defaults instead of breaking. The window title shows the playbook, the
file and the modified mark, which follows the undo stack's clean state.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QWidget,
)

from designer.actions import (
    ACTIONS,
    MENU_ORDER,
    ActionSpec,
    ShortcutsDialog,
    redo_shortcuts,
    shortcut_rows,
)
from designer.canvas import CanvasView, PlaybookScene
from designer.context import DesignerContext
from designer.definition_view import DefinitionView
from designer.document import EditableDocument
from designer.files import FileController
from designer.icons import app_icon
from designer.inspector import InspectorWidget
from designer.palette import PaletteWidget
from designer.problems import ProblemsWidget, shown_counts
from designer.run import SCREEN_DOCKS

LAYOUT_VERSION = 4  # 4: Test Results tabbed with Executions and Problems


def guide_path() -> Path:
    """docs/guide.md beside the installed resources package (source tree or bundle)."""
    from importlib.resources import files
    return Path(str(files("resources"))).parent / "docs" / "guide.md"


class MainWindow(QMainWindow):
    """One playbook, one window."""

    def __init__(self, store: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowIcon(app_icon())
        self.context = DesignerContext(EditableDocument(), self)
        self.files = FileController(self.context, self)
        self.scene = PlaybookScene(self.context)
        self.canvas = CanvasView(self.scene)
        self.setCentralWidget(self.canvas)
        self.actions_by_key: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self.toolbar = QToolBar("Main", self)
        self.toolbar.setObjectName("MainToolbar")
        self.addToolBar(self.toolbar)
        self._build_docks()
        self._build_actions()
        self.run_ui = self._install_run_ui(store)
        self._build_status_bar()
        self._connect()
        self._default_state = self.saveState(LAYOUT_VERSION)
        self._default_docks = {dock.objectName() for dock in self.findChildren(QDockWidget)}
        self._shown_once = False
        self._restored = False
        self.restore_layout()
        self.update_title()

    # -- construction ----------------------------------------------------------------------
    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.palette_widget = PaletteWidget(self.context.catalog)
        self.inspector = InspectorWidget(self.context)
        self.problems = ProblemsWidget(self.context)
        self.definition = DefinitionView(self.context)
        left, right, bottom = (Qt.DockWidgetArea.LeftDockWidgetArea,
                               Qt.DockWidgetArea.RightDockWidgetArea,
                               Qt.DockWidgetArea.BottomDockWidgetArea)
        self.palette_dock = self._dock("PaletteDock", "Palette", self.palette_widget, left)
        self.inspector_dock = self._dock("InspectorDock", "Inspector", self.inspector, right)
        self.problems_dock = self._dock("ProblemsDock", "Problems", self.problems, bottom)
        self.definition_dock = self._dock("DefinitionDock", "Definition", self.definition, right)
        self.tabifyDockWidget(self.inspector_dock, self.definition_dock)
        self.inspector_dock.raise_()
        self.resizeDocks([self.palette_dock, self.inspector_dock], [240, 400],
                         Qt.Orientation.Horizontal)

    def _build_actions(self) -> None:
        for title in MENU_ORDER:
            self.menus[title] = self.menuBar().addMenu(title)
        recent_menu = QMenu("Open &Recent", self)
        self.recent_menu = recent_menu
        for spec in ACTIONS:
            action = self._make_action(spec)
            menu = self.menus[spec.menu]
            if spec.separator_before:
                menu.addSeparator()
            menu.addAction(action)
            if spec.key == "open":
                menu.addMenu(recent_menu)
            if spec.toolbar:
                self.toolbar.addAction(action)
        undo = self.context.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.context.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(redo_shortcuts())
        edit = self.menus["&Edit"]
        edit.insertActions(edit.actions()[0], [undo, redo])  # the table gives Edit its rows
        self.actions_by_key["undo"], self.actions_by_key["redo"] = undo, redo
        view = self.menus["&View"]
        view.addSeparator()
        for dock in (self.palette_dock, self.inspector_dock, self.problems_dock,
                     self.definition_dock):
            view.addAction(dock.toggleViewAction())
        self._fill_recent()

    def _make_action(self, spec: ActionSpec) -> QAction:
        action = QAction(spec.text, self)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.tip:
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)
        action.triggered.connect(getattr(self, spec.handler))
        self.actions_by_key[spec.key] = action
        return action

    def _install_run_ui(self, store: Any) -> Any:
        from designer.run import install_run_ui

        run_ui = install_run_ui(self, self.context, store)
        for dock in self.findChildren(QDockWidget):
            if dock.objectName().startswith("Execution"):
                self.menus["&View"].addAction(dock.toggleViewAction())
        run_menu = self.menus["&Run"]
        for action in (run_ui.run_action, run_ui.kill_action):
            run_menu.addAction(action)
        manage = QAction("Run &Profiles…", self)
        manage.triggered.connect(run_ui.manage_profiles)
        run_menu.addAction(manage)
        from designer.run.debugger import install_debug_ui
        from designer.run.suite import install_suite_ui

        self.suite_ui = install_suite_ui(self, run_ui, self.scene, run_menu)
        self.debug_ui = install_debug_ui(self, run_ui, self.scene, run_menu)
        self._arrange_run_docks(run_ui)
        return run_ui

    def _arrange_run_docks(self, run_ui: Any) -> None:
        """Default layout: Problems beside Executions on the left, the execution screen low."""
        docks = run_ui.docks
        executions = docks["ExecutionsDock"]
        # The left column runs the window's whole height, so the Executions list keeps its
        # rows when the execution screen opens below the canvas.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(executions, self.problems_dock)
        self.problems_dock.show()
        executions.raise_()
        # Run All Profiles' results are a third tab there, never below the canvas, where they
        # would squeeze Execution Details (hidden until a suite has run).
        results = self.suite_ui.dock
        self.tabifyDockWidget(executions, results)
        results.hide()
        self.menus["&View"].addAction(results.toggleViewAction())
        executions.raise_()
        self.resizeDocks([self.palette_dock, executions], [520, 380], Qt.Orientation.Vertical)
        for key in SCREEN_DOCKS:  # the execution screen appears with the first execution
            docks[key].hide()
        for key in ("ExecutionDetailsDock", "ExecutionGraphDock"):
            docks[key].widget().setMinimumHeight(140)  # the user may make the pane low

    def _default_sizes(self) -> None:
        """Give the canvas most of the window (applied once shown, when sizes are known)."""
        if self.run_ui.docks["ExecutionDock"].isVisible():
            self.run_ui.size_screen()
        self.resizeDocks([self.palette_dock, self.inspector_dock], [300, 420],
                         Qt.Orientation.Horizontal)
        QTimer.singleShot(0, self.canvas.zoom_to_fit)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if not self._restored:
                QTimer.singleShot(0, self._default_sizes)

    def _build_status_bar(self) -> None:
        self.problem_badge = QLabel(self)
        self.problem_badge.setObjectName("ProblemBadge")
        self.problem_badge.setToolTip("Validation problems; click to show the Problems list")
        self.problem_badge.linkActivated.connect(lambda _l: self._show_problems())
        self.statusBar().addPermanentWidget(self.problem_badge)
        self.update_badge()

    def _show_problems(self) -> None:
        self.problems_dock.show()
        self.problems_dock.raise_()

    def _connect(self) -> None:
        ctx = self.context
        # Bound methods, not lambdas: Qt disconnects them when the window is destroyed, so a
        # late signal of the context (e.g. the undo stack going clean) cannot reach a dead window.
        ctx.statusMessage.connect(self._status_message)
        ctx.problemsChanged.connect(self.update_badge)
        self.files.titleChanged.connect(self.update_title)
        self.files.recentChanged.connect(self._fill_recent)
        ctx.undo_stack.cleanChanged.connect(self._clean_changed)
        self.palette_widget.addRequested.connect(self._add_from_palette)
        self.inspector.openPlaybookRequested.connect(self.open_in_new_window)
        ctx.documentChanged.connect(self._document_changed)

    def _status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def _clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def _document_changed(self, change: Any) -> None:
        if change.playbook:
            self.update_title()

    # -- title, badge, recent ----------------------------------------------------------------
    def update_title(self) -> None:
        self.setWindowTitle(f"{self.files.title()} — Playbook Studio")
        self.setWindowModified(self.files.is_dirty())

    def update_badge(self) -> None:
        errors, warnings = shown_counts(self.context)
        colour = "#e74c3c" if errors else ("#d4ac0d" if warnings else "#27ae60")
        text = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning" + (
            "s" if warnings != 1 else "")
        self.problem_badge.setText(f"<a href='problems' style='text-decoration:none; color:"
                                   f"palette(window-text)'><span style='color:{colour}'>●</span>"
                                   f" {text}</a>")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.files.recent():
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.files.open(p))
        self.recent_menu.setEnabled(bool(self.files.recent()))

    # -- layout persistence ------------------------------------------------------------------
    def restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:  # 1440 x 900, or the whole of a smaller screen (a 1366 x 768 laptop)
            screen = self.screen()
            room = screen.availableGeometry().size() if screen is not None else QSize(1440, 900)
            self.resize(QSize(1440, 900).boundedTo(room))
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self._restored = self.restoreState(state, LAYOUT_VERSION)
            if not self._restored:  # saved by another layout version: use the defaults
                self.restoreState(self._default_state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(LAYOUT_VERSION))

    def view_reset_layout(self) -> None:
        docks = self.findChildren(QDockWidget)
        later = {dock for dock in docks if dock.isHidden()  # made after the defaults (Compare)
                 and dock.objectName() not in self._default_docks}
        self.restoreState(self._default_state, LAYOUT_VERSION)
        showing = bool(self.run_ui.screen.execution_id)
        results = self.suite_ui.dock
        for dock in docks:
            if dock in later:
                continue
            if dock is results:
                dock.setVisible(self.suite_ui.result is not None)  # its tab, when it has any
            elif showing or dock.objectName() not in SCREEN_DOCKS:
                dock.show()
        self.run_ui.docks["ExecutionsDock"].raise_()
        self.run_ui.reset_layout()  # Details and Graph side by side again
        self._default_sizes()

    # -- file actions --------------------------------------------------------------------------
    def file_new(self) -> None:
        self.files.new()

    def file_open(self) -> None:
        self.files.open()

    def file_save(self) -> None:
        self.files.save()

    def file_save_as(self) -> None:
        self.files.save_as()

    def file_revert(self) -> None:
        self.files.revert()

    def file_import(self) -> None:
        self.files.import_server()

    def file_compare(self) -> None:
        from designer.compare import compare_controller

        compare_controller(self).choose()

    def compare_next(self) -> None:
        from designer.compare import compare_controller

        compare_controller(self).step(1)

    def compare_previous(self) -> None:
        from designer.compare import compare_controller

        compare_controller(self).step(-1)

    def file_export(self) -> None:
        self.files.export()

    def open_path(self, path: str | Path) -> bool:
        ok = self.files.load(Path(path))
        if ok:
            gc.collect()
            gc.freeze()  # a large document's objects stop costing full-collection pauses
            self.canvas.zoom_to_fit()
            QTimer.singleShot(0, self.canvas.zoom_to_fit)  # again once the view has its size
        return ok

    def open_in_new_window(self, path: str) -> None:
        window = MainWindow(getattr(self.run_ui, "store", None))
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.open_path(path)
        window.show()

    # -- edit actions (the canvas does the work) ---------------------------------------------
    def edit_cut(self) -> None:
        self.canvas.cut_selection()

    def edit_copy(self) -> None:
        self.canvas.copy_selection()

    def edit_paste(self) -> None:
        self.canvas.paste()

    def edit_duplicate(self) -> None:
        self.canvas.duplicate_selection()

    def edit_delete(self) -> None:
        self.canvas.delete_selection()

    def edit_select_all(self) -> None:
        self.canvas.select_all()

    def edit_rename(self) -> None:
        self.canvas.rename_selected()

    def edit_add_note(self) -> None:
        self.canvas.add_note()

    def edit_find(self) -> None:
        text, ok = QInputDialog.getText(self, "Find states", "Name, type or parameter value:")
        if not ok or not text.strip():
            return
        found = self.canvas.find_states(text.strip())
        if not found:
            self.statusBar().showMessage(f"No state matches {text!r}", 5000)
            return
        self.context.select(found)
        self.canvas.zoom_to_selection()
        self.statusBar().showMessage(f"{len(found)} state(s) match {text!r}", 5000)

    def _add_from_palette(self, entry_id: str) -> None:
        after = self.context.selection[0] if len(self.context.selection) == 1 else None
        self.canvas.add_state_at_center(entry_id, after)

    # -- view actions --------------------------------------------------------------------------
    def view_zoom_in(self) -> None:
        self.canvas.zoom_in()

    def view_zoom_out(self) -> None:
        self.canvas.zoom_out()

    def view_zoom_fit(self) -> None:
        self.canvas.zoom_to_fit()

    def view_zoom_selection(self) -> None:
        self.canvas.zoom_to_selection()

    def view_auto_layout(self) -> None:
        self.canvas.auto_layout(False)

    def view_layout_selection(self) -> None:
        self.canvas.auto_layout(True)

    def view_align_grid(self) -> None:
        self.canvas.align_to_grid()

    # -- help -----------------------------------------------------------------------------------
    def help_shortcuts(self) -> None:
        """Help → Keyboard Shortcuts (F1): every key of every menu, Run and debugger included."""
        dialog = ShortcutsDialog(shortcut_rows(self.menus), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def help_guide(self) -> None:
        """Open the user guide (docs/guide.md) in the desktop's viewer."""
        guide = guide_path()
        if guide.is_file() and QDesktopServices.openUrl(QUrl.fromLocalFile(str(guide))):
            return
        QMessageBox.information(self, "User guide",
                                f"The user guide is docs/guide.md in the Playbook Studio "
                                f"sources ({guide}).")

    def help_about(self) -> None:
        QMessageBox.about(self, "About Playbook Studio",
                          "<b>Playbook Studio</b><br>Design, test-run and export Log360 Cloud "
                          "SOAR playbooks offline.")

    # -- closing --------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.files.maybe_save():
            event.ignore()
            return
        self.save_layout()
        self.files.closed_cleanly()
        if self.run_ui is not None and hasattr(self.run_ui, "shutdown"):
            self.run_ui.shutdown()
        event.accept()
