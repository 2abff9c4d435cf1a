"""Comparing two versions of a playbook in the designer (File → Compare With…, F7).

:mod:`designer.compare.merge` (Qt-free) merges the versions and lists the changes;
:mod:`designer.compare.view` draws them on a read-only canvas; :mod:`designer.compare.controller`
picks the other version and hosts the view in a dock of the main window.
"""

from __future__ import annotations

from designer.compare.controller import CompareController, compare_controller
from designer.compare.merge import CompareEntry, MergedVersions, merge_versions
from designer.compare.view import ChangeMarks, CompareWidget

__all__ = ["ChangeMarks", "CompareController", "CompareEntry", "CompareWidget",
           "MergedVersions", "compare_controller", "merge_versions"]
