"""The action table: every menu and toolbar entry of the main window, declared as data.

Each row names the menu, the text, the shortcut (a ``QKeySequence.StandardKey`` where one
exists), whether it goes on the toolbar, and the window method that handles it. The window
builds menus, toolbar and shortcuts from this table in one loop. :class:`ShortcutsDialog`
(Help → Keyboard Shortcuts) lists every key of every menu, read from the built menus, so the
run, debugger and suite actions that their own modules add to the Run menu are listed too.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

SK = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    key: str
    menu: str
    text: str
    handler: str
    shortcut: QKeySequence.StandardKey | str | None = None
    toolbar: bool = False
    tip: str = ""
    separator_before: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new", "&File", "&New", "file_new", SK.New, True, "New playbook"),
    ActionSpec("open", "&File", "&Open…", "file_open", SK.Open, True, "Open a playbook"),
    ActionSpec("save", "&File", "&Save", "file_save", SK.Save, True, "Save the playbook"),
    ActionSpec("save_as", "&File", "Save &As…", "file_save_as", SK.SaveAs),
    ActionSpec("revert", "&File", "&Revert", "file_revert", None),
    ActionSpec("import", "&File", "&Import Server JSON…", "file_import", "Ctrl+I",
               separator_before=True),
    ActionSpec("export", "&File", "&Export for Server…", "file_export", "Ctrl+E", True,
               "Export the definition in the server's format"),
    ActionSpec("compare", "&File", "Compare &With…", "file_compare", None,
               tip="Compare with a file or the last saved version", separator_before=True),
    ActionSpec("next_change", "&File", "&Next Change", "compare_next", "F7"),
    ActionSpec("previous_change", "&File", "Pre&vious Change", "compare_previous", "Shift+F7"),
    ActionSpec("quit", "&File", "&Quit", "close", SK.Quit, separator_before=True),
    ActionSpec("cut", "&Edit", "Cu&t", "edit_cut", SK.Cut, separator_before=True),
    ActionSpec("copy", "&Edit", "&Copy", "edit_copy", SK.Copy),
    ActionSpec("paste", "&Edit", "&Paste", "edit_paste", SK.Paste),
    ActionSpec("duplicate", "&Edit", "D&uplicate", "edit_duplicate", "Ctrl+D"),
    ActionSpec("delete", "&Edit", "&Delete", "edit_delete", SK.Delete),
    ActionSpec("select_all", "&Edit", "Select &All", "edit_select_all", SK.SelectAll),
    ActionSpec("rename", "&Edit", "&Rename", "edit_rename", "F2", separator_before=True),
    ActionSpec("find", "&Edit", "&Find States…", "edit_find", SK.Find),
    ActionSpec("add_note", "&Edit", "Add &Note", "edit_add_note", "Ctrl+Shift+N"),
    ActionSpec("zoom_in", "&View", "Zoom &In", "view_zoom_in", SK.ZoomIn, True),
    ActionSpec("zoom_out", "&View", "Zoom &Out", "view_zoom_out", SK.ZoomOut, True),
    ActionSpec("zoom_fit", "&View", "Zoom to &Fit", "view_zoom_fit", "Ctrl+0", True),
    ActionSpec("zoom_selection", "&View", "Zoom to &Selection", "view_zoom_selection",
               "Ctrl+Shift+0"),
    ActionSpec("layout", "&View", "&Auto-layout", "view_auto_layout", "Ctrl+L", True,
               "Lay out the playbook (one undo step)", separator_before=True),
    ActionSpec("layout_selection", "&View", "Auto-layout Se&lection", "view_layout_selection",
               "Ctrl+Shift+L"),
    ActionSpec("align", "&View", "Align to &Grid", "view_align_grid", "Ctrl+G"),
    ActionSpec("reset_layout", "&View", "&Reset Window Layout", "view_reset_layout", None,
               separator_before=True),
    ActionSpec("guide", "&Help", "User &Guide", "help_guide", None, False,
               "Open the user guide (docs/guide.md)"),
    ActionSpec("shortcuts", "&Help", "&Keyboard Shortcuts", "help_shortcuts", SK.HelpContents),
    ActionSpec("about", "&Help", "&About Playbook Studio", "help_about", None),
)

MENU_ORDER = ("&File", "&Edit", "&View", "&Run", "&Help")


def redo_shortcuts() -> list[QKeySequence]:
    """The platform's Redo keys plus Ctrl+Y (people from other editors press it everywhere)."""
    keys = QKeySequence.keyBindings(SK.Redo)
    if QKeySequence("Ctrl+Y") not in keys:
        keys.append(QKeySequence("Ctrl+Y"))
    return keys


# Keys an action holds only in some modes, by object name: while a run is paused the debugger
# moves F5 from Run to Continue, so each is listed with the key it has when it applies.
MODAL_KEYS = {"RunAction": "F5", "Debug_continue": "F5 (while paused)"}


def action_keys(action: QAction) -> str:
    """The action's keys as the user reads them ("Ctrl+Shift+Z, Ctrl+Y"), or ""."""
    keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                     for k in action.shortcuts() if not k.isEmpty())
    return keys or MODAL_KEYS.get(action.objectName(), "")


def shortcut_rows(menus: dict[str, QMenu]) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action with a key, menu by menu, submenus included."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def walk(title: str, menu: QMenu) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(title, sub)
                continue
            keys = "" if action.isSeparator() else action_keys(action)
            if keys and id(action) not in seen:
                seen.add(id(action))
                rows.append((title.replace("&", ""), action.text().replace("&", ""), keys))

    for title, menu in menus.items():
        walk(title, menu)
    return rows


class ShortcutsDialog(QDialog):
    """Help → Keyboard Shortcuts: the keys grouped by menu, in a list that scrolls."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ShortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.tree = QTreeWidget()
        self.tree.setObjectName("ShortcutsList")
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        groups: dict[str, QTreeWidgetItem] = {}
        for menu, text, keys in rows:
            group = groups.get(menu)
            if group is None:
                group = groups[menu] = QTreeWidgetItem(self.tree, [menu, ""])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
            item = QTreeWidgetItem(group, [text, keys])
            item.setToolTip(1, keys)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(480, 560)

    def rows(self) -> list[tuple[str, str, str]]:
        """(menu, action, keys) as listed."""
        listed = []
        groups = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        for group in groups:
            items = [group.child(j) for j in range(group.childCount())] if group else []
            listed += [(group.text(0), item.text(0), item.text(1))
                       for item in items if group and item]
        return listed
