"""The catalog is data: each entry names its icon, and the canvas draws exactly that outline."""

from __future__ import annotations

import json

from designer.canvas.icons import ICON_KEYS, icon_key
from runtime.catalog import load_catalog, load_catalog_from


def test_every_catalog_entry_names_an_icon_the_canvas_can_draw() -> None:
    entries = load_catalog().entries()
    unknown = {entry.id: entry.icon for entry in entries if entry.icon not in ICON_KEYS}
    assert unknown == {}
    for entry in entries:
        action = entry.id if entry.type == "action" else None
        assert icon_key(entry.type, action, entry.group) == entry.icon


def test_an_entry_without_an_icon_is_refused_by_the_meta_schema(tmp_path) -> None:
    from importlib import resources

    source = resources.files("resources") / "catalog"
    for node in source.iterdir():
        if node.is_dir():
            (tmp_path / node.name).mkdir()
            for file in node.iterdir():
                data = json.loads(file.read_text(encoding="utf-8"))
                if data["id"] == "ping_device":
                    del data["icon"]
                (tmp_path / node.name / file.name).write_text(json.dumps(data), encoding="utf-8")
        else:
            (tmp_path / node.name).write_text(node.read_text(encoding="utf-8"), encoding="utf-8")
    import pytest

    from runtime.catalog import CatalogError

    with pytest.raises(CatalogError, match="ping_device|'icon' is a required property"):
        load_catalog_from(tmp_path, use_cache=False)
