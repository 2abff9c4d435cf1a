"""The Qt-free editable document: a mutation API of patches with change events, and the patch
builders for every user edit. The Qt undo commands (``designer.commands``) wrap these."""

from designer.document.edits import (
    add_condition,
    add_path,
    add_state,
    connect,
    cut_edge,
    delete_items,
    delete_states,
    get_field,
    incoming,
    insert_into,
    move_states,
    new_state,
    paste_states,
    rename_state,
    set_field,
    set_start,
    set_state_field,
    split_field,
    unique_name,
)
from designer.document.model import Change, EditableDocument, EditError, Patch, load_editable

__all__ = [
    "Change", "EditError", "EditableDocument", "Patch", "add_condition", "add_path", "add_state",
    "connect", "cut_edge", "delete_items", "delete_states",
    "get_field", "incoming", "insert_into", "load_editable", "move_states", "new_state",
    "paste_states", "rename_state", "set_field", "set_start", "set_state_field", "split_field",
    "unique_name",
]
