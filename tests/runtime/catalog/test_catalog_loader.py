"""Tests for runtime.catalog's loader: the shipped catalog, lookups, and broken or extended copies.

The shipped catalog has 30 entries in 3 categories, in the order index.json gives. A copy of the
catalog in tmp_path with one file edited to break the meta-schema must raise CatalogError naming
the file; a copy with an extra file the index does not list still loads it, at the end of its
category (adding a state is adding a file).
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from runtime.catalog import (
    FLOW_CONTROL,
    FUNCTIONAL,
    LOG360_CLOUD,
    Catalog,
    CatalogEntry,
    CatalogError,
    load_catalog,
    load_catalog_from,
)

SHIPPED = Path(str(resources.files("resources") / "catalog"))
INDEX = json.loads((SHIPPED / "index.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(SHIPPED, target)
    return target


def _edit(root: Path, relative: str, change: Any) -> None:
    path = root / relative
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


# --- the shipped catalog ----------------------------------------------------------------------


def test_the_index_states_in_three_categories(catalog: Catalog) -> None:
    assert [c.id for c in catalog.categories()] == [FLOW_CONTROL, FUNCTIONAL, LOG360_CLOUD]
    listed = {cat["id"]: set(cat["states"]) for cat in INDEX["categories"]}
    assert {c.id: {e.id for e in c.entries} for c in catalog.categories()} == listed
    assert len(catalog) == len(set().union(*listed.values()))


def test_entries_follow_the_index_order(catalog: Catalog) -> None:
    for category, listed in zip(catalog.categories(), INDEX["categories"], strict=True):
        assert [e.id for e in category.entries] == listed["states"]
        assert category.title == listed["title"]
        assert catalog.entries(category.id) == list(category.entries)
    assert [e.id for e in catalog.entries()] == [
        sid for cat in INDEX["categories"] for sid in cat["states"]
    ]


def test_reference_order_starts_as_the_palette_shows_it(catalog: Catalog) -> None:
    ids = [e.id for e in catalog.entries()]
    assert ids[:7] == ["pass", "branch", "parallel", "wait", "batch", "success", "failure"]
    assert ids[7:9] == ["function", "circuit"]
    assert ids[9] == "create_incident" and ids[-1] == "invoke_url_via_agent"


def test_log360_groups(catalog: Catalog) -> None:
    cloud = catalog.categories()[2]
    assert cloud.groups == (("platform", "Platform actions"), ("endpoint_agent", "Endpoint agent actions"))
    groups = [e.group for e in cloud.entries]
    assert groups.count("platform") == 11 and groups.count("endpoint_agent") == 10
    assert all(e.group is None for e in catalog.entries(FLOW_CONTROL) + catalog.entries(FUNCTIONAL))


def test_entry_lookups(catalog: Catalog) -> None:
    entry = catalog.entry("create_incident")
    assert isinstance(entry, CatalogEntry)
    assert entry.title == "Create Incident"
    assert entry.is_action and not entry.is_terminal and entry.accepts_on_error
    assert entry.side_effect == "platform-write"
    assert entry.error("10001068") is not None and entry.error("10001068").http_status == 400
    assert entry.error("99999999") is None
    assert entry.parameter_titles()["due_date"] == "Due date"
    assert catalog.get("nope") is None
    with pytest.raises(KeyError):
        catalog.entry("nope")
    with pytest.raises(KeyError):
        catalog.entries("nope")


def test_terminal_and_on_error_properties(catalog: Catalog) -> None:
    assert catalog.entry("success").is_terminal and catalog.entry("failure").is_terminal
    assert not catalog.entry("pass").accepts_on_error
    assert catalog.entry("function").accepts_on_error
    assert catalog.entry("execute_script").side_effect == "endpoint-change"


def test_for_state(catalog: Catalog) -> None:
    assert catalog.for_state("wait") is catalog.entry("wait")
    assert catalog.for_state("function") is catalog.entry("function")
    assert catalog.for_state("action", "get_alerts") is catalog.entry("get_alerts")
    assert catalog.for_state("action") is None
    assert catalog.for_state("action", "no_such_action") is None
    assert catalog.for_state("no_such_type") is None


def test_common_agent_errors_are_flagged(catalog: Catalog) -> None:
    for entry in catalog.entries(LOG360_CLOUD):
        common = {e.code for e in entry.errors if e.common}
        if entry.group == "endpoint_agent":
            assert common, entry.id
        else:
            assert not common, entry.id


def test_load_catalog_is_cached(catalog: Catalog) -> None:
    assert load_catalog() is catalog


def test_compiled_checkers_are_built_once(catalog: Catalog) -> None:
    entry = catalog.entry("get_alerts")
    assert entry.parameter_checker is entry.parameter_checker
    assert entry.field_checker.properties == {}


def test_loading_a_clean_copy_gives_the_same_catalog(copy: Path) -> None:
    loaded = load_catalog_from(copy)
    assert [e.id for e in loaded.entries()] == [e.id for e in load_catalog().entries()]


# --- broken copies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "change", "pointer"),
    [
        ("log360_cloud/get_alerts.json",
         lambda d: d["parameters"]["properties"]["limit"].update(maximum="500"), "parameters"),
        ("flow_control/wait.json", lambda d: d.pop("title"), "(root)"),
        ("log360_cloud/ping_device.json", lambda d: d.update(side_effect="destructive"),
         "side_effect"),
        ("log360_cloud/risk_score.json", lambda d: d.pop("group"), "(root)"),
        ("functional/circuit.json",
         lambda d: d["fields"]["properties"]["circuit_id"].update(type="uuid"), "fields"),
    ],
    ids=["maximum-as-string", "missing-title", "bad-side-effect", "missing-group", "bad-type"],
)
def test_meta_schema_violation_names_the_file(
    copy: Path, relative: str, change: Any, pointer: str
) -> None:
    _edit(copy, relative, change)
    with pytest.raises(CatalogError) as info:
        load_catalog_from(copy)
    message = str(info.value)
    assert f"catalog file {relative}" in message
    assert pointer in message


def test_invalid_json_file_names_the_file(copy: Path) -> None:
    (copy / "flow_control" / "pass.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"catalog file pass\.json"):
        load_catalog_from(copy)


def test_entry_in_the_wrong_folder_is_refused(copy: Path) -> None:
    shutil.move(copy / "flow_control" / "wait.json", copy / "functional" / "wait.json")
    with pytest.raises(CatalogError, match=r"functional/wait\.json: category 'flow_control'"):
        load_catalog_from(copy)


def test_missing_index_is_a_catalog_error(copy: Path) -> None:
    (copy / "index.json").unlink()
    with pytest.raises(CatalogError, match="index.json"):
        load_catalog_from(copy)


# --- extending by adding a file ---------------------------------------------------------------


def test_extra_file_loads_at_the_end_of_its_category(copy: Path) -> None:
    data = json.loads((copy / "log360_cloud" / "ping_device.json").read_text(encoding="utf-8"))
    data.update(id="aaa_quarantine_host", title="Quarantine Host", side_effect="endpoint-change")
    (copy / "log360_cloud" / "aaa_quarantine_host.json").write_text(json.dumps(data), "utf-8")
    loaded = load_catalog_from(copy)
    cloud = [e.id for e in loaded.entries(LOG360_CLOUD)]
    assert len(loaded) == 31
    assert cloud[-1] == "aaa_quarantine_host"  # after the indexed ones, despite sorting first
    assert cloud[:-1] == INDEX["categories"][2]["states"]
    assert loaded.for_state("action", "aaa_quarantine_host").title == "Quarantine Host"


def test_non_json_files_are_ignored(copy: Path) -> None:
    (copy / "flow_control" / "README.txt").write_text("notes", encoding="utf-8")
    assert len(load_catalog_from(copy)) == len(load_catalog())


# --- the "already checked" mark ---------------------------------------------------------------


def test_a_checked_catalog_is_marked_and_any_edit_is_checked_again(
        copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import runtime.catalog as catalog_module

    cache = tmp_path / "cache"
    monkeypatch.setenv("PLAYBOOK_STUDIO_CACHE", str(cache))
    calls: list[int] = []
    real = catalog_module._validate_entries
    monkeypatch.setattr(catalog_module, "_validate_entries",
                        lambda raws, meta: (calls.append(len(raws)), real(raws, meta)))
    load_catalog_from(copy)
    assert len(calls) == 1 and len(list((cache / "catalog-checked").iterdir())) == 1
    load_catalog_from(copy)
    assert len(calls) == 1  # same bytes: the mark stands in for the jsonschema pass
    load_catalog_from(copy, use_cache=False)
    assert len(calls) == 2
    _edit(copy, "flow_control/wait.json", lambda d: d.pop("title"))
    with pytest.raises(CatalogError, match="wait.json"):
        load_catalog_from(copy)  # an edited file is checked again, whatever was marked
    assert len(list((cache / "catalog-checked").iterdir())) == 1


def test_an_empty_cache_setting_disables_the_mark(copy: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_STUDIO_CACHE", "")
    load_catalog_from(copy)
    assert not (tmp_path / "cache").exists()
