"""The state catalog: every state type the palette offers, read from ``resources/catalog``.

One JSON file per state type (``resources/catalog/<category>/<id>.json``), validated against
the meta-schema that ships beside them when the catalog loads. ``index.json`` orders the
categories and their states as the reference does; a file the index does not list is still
loaded and placed at the end of its category, so adding a state is adding a file. The palette,
the inspector, the validator and the engine all read the same :class:`Catalog`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from runtime.catalog.checker import ObjectChecker, compile_object

FLOW_CONTROL = "flow_control"
FUNCTIONAL = "functional"
LOG360_CLOUD = "log360_cloud"


class CatalogError(RuntimeError):
    """A catalog file that is missing or does not match the meta-schema."""


@dataclass(frozen=True)
class ErrorSpec:
    """One row of an action's error table."""

    code: str
    http_status: int
    title: str
    message: str
    common: bool = False


@dataclass(frozen=True)
class CatalogEntry:
    """One state type, as its catalog file describes it."""

    id: str
    title: str
    category: str
    group: str | None
    type: str
    icon: str  # key of the vector outline the palette and the canvas draw
    description: str
    purpose: str
    use_cases: tuple[str, ...]
    side_effect: str
    ports: tuple[str, ...]
    parameters: dict[str, Any]
    fields: dict[str, Any]
    success_response: Any
    errors: tuple[ErrorSpec, ...]
    notes: tuple[str, ...]
    docs: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def parameter_checker(self) -> ObjectChecker:
        return compile_object(self.parameters)

    @cached_property
    def field_checker(self) -> ObjectChecker:
        return compile_object(self.fields)

    @property
    def is_action(self) -> bool:
        return self.type == "action"

    @property
    def is_terminal(self) -> bool:
        return self.type in ("success", "failure")

    @property
    def accepts_on_error(self) -> bool:
        return "on_error" in self.ports

    def error(self, code: str) -> ErrorSpec | None:
        """The error-table row for ``code``, or None."""
        for spec in self.errors:
            if spec.code == code:
                return spec
        return None

    def parameter_titles(self) -> dict[str, str]:
        return {k: v.get("title", k) for k, v in self.parameters.get("properties", {}).items()}


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    description: str
    groups: tuple[tuple[str, str], ...]
    entries: tuple[CatalogEntry, ...]


class Catalog:
    """All state types, grouped and ordered as the reference shows them."""

    def __init__(self, categories: list[Category]) -> None:
        self._categories = categories
        self._by_id: dict[str, CatalogEntry] = {}
        for category in categories:
            for entry in category.entries:
                self._by_id[entry.id] = entry

    def categories(self) -> list[Category]:
        return list(self._categories)

    def entries(self, category: str | None = None) -> list[CatalogEntry]:
        if category is None:
            return list(self._by_id.values())
        for cat in self._categories:
            if cat.id == category:
                return list(cat.entries)
        raise KeyError(category)

    def entry(self, entry_id: str) -> CatalogEntry:
        return self._by_id[entry_id]

    def get(self, entry_id: str) -> CatalogEntry | None:
        return self._by_id.get(entry_id)

    def for_state(self, state_type: str, action: str | None = None) -> CatalogEntry | None:
        """The entry describing a state of server ``type`` (and ``action`` id for actions)."""
        if state_type == "action":
            return self._by_id.get(action or "") if action else None
        return self._by_id.get(state_type)

    def __len__(self) -> int:
        return len(self._by_id)


def _read_json(node: Any) -> Any:
    try:
        return json.loads(node.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(f"catalog file {node.name}: {exc}") from exc


def _make_entry(raw: dict[str, Any]) -> CatalogEntry:
    empty = {"type": "object", "properties": {}, "additionalProperties": False}
    return CatalogEntry(
        id=raw["id"],
        title=raw["title"],
        category=raw["category"],
        group=raw.get("group"),
        type=raw["type"],
        icon=raw["icon"],
        description=raw["description"],
        purpose=raw["purpose"],
        use_cases=tuple(raw["use_cases"]),
        side_effect=raw["side_effect"],
        ports=tuple(raw["ports"]),
        parameters=raw["parameters"],
        fields=raw.get("fields", empty),
        success_response=raw["success_response"],
        errors=tuple(ErrorSpec(**e) for e in raw["errors"]),
        notes=tuple(raw["notes"]),
        docs=raw.get("docs", ""),
        raw=raw,
    )


def _validate_entries(raws: list[tuple[str, dict[str, Any]]], meta: dict[str, Any]) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(meta)
    for where, raw in raws:
        errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            pointer = "/".join(str(p) for p in first.absolute_path) or "(root)"
            raise CatalogError(f"catalog file {where}: at {pointer}: {first.message}")
        expected_dir = where.split("/")[0]
        if raw["category"] != expected_dir:
            raise CatalogError(f"catalog file {where}: category {raw['category']!r} != folder")


# Bump when the checks in _validate_entries change, so that earlier "checked" marks expire.
_CHECKS_VERSION = 1


def _checked_mark(raws: list[tuple[str, dict[str, Any]]], meta: dict[str, Any]) -> Path | None:
    """Where the note "these exact files passed the meta-schema" lives (None: nowhere).

    Checking 30 files with jsonschema costs a quarter of a second, most of the designer's
    start-up; the files only change with a new release or a hand edit. The mark is named by a
    digest of every file's content and the meta-schema, so any change is checked again.
    ``PLAYBOOK_STUDIO_CACHE`` overrides the user cache folder; an empty value disables it.
    """
    folder = os.environ.get("PLAYBOOK_STUDIO_CACHE")
    if folder == "":
        return None
    if folder is None:
        import platformdirs

        base = platformdirs.user_cache_path("playbook-studio")
    else:
        base = Path(folder)
    import zlib  # a cache key, not a signature: two checksums, 64 bits (hashlib's OpenSSL
    #              load was 2.5 ms of every command's start-up)

    content = json.dumps([_CHECKS_VERSION, meta, raws], sort_keys=True).encode("utf-8")
    digest = f"{zlib.crc32(content):08x}{zlib.adler32(content):08x}{len(content):x}"
    return base / "catalog-checked" / digest


def _validate_entries_once(raws: list[tuple[str, dict[str, Any]]],
                           meta: dict[str, Any]) -> None:
    mark = _checked_mark(raws, meta)
    if mark is not None and mark.exists():
        return
    _validate_entries(raws, meta)  # raises CatalogError: nothing is marked
    if mark is not None:
        try:
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.touch()
        except OSError:
            pass  # a read-only cache only costs the check next time


def load_catalog_from(root: Any, *, use_cache: bool = True) -> Catalog:
    """Load and validate every catalog file under ``root`` (a Traversable or Path).

    With ``use_cache``, files already checked in this exact form skip the jsonschema pass
    (see :func:`_checked_mark`); the structure still has to build below.
    """
    index = _read_json(root / "index.json")
    meta = _read_json(root / "meta-schema.json")
    raws: list[tuple[str, dict[str, Any]]] = []
    for cat in index["categories"]:
        folder = root / cat["id"]
        for node in sorted(folder.iterdir(), key=lambda n: n.name):
            if node.name.endswith(".json"):
                raws.append((f"{cat['id']}/{node.name}", _read_json(node)))
    if use_cache:
        _validate_entries_once(raws, meta)
    else:
        _validate_entries(raws, meta)
    categories = []
    for cat in index["categories"]:
        mine = {raw["id"]: raw for where, raw in raws if where.startswith(cat["id"] + "/")}
        order = [sid for sid in cat["states"] if sid in mine]
        order += sorted(sid for sid in mine if sid not in order)
        groups = tuple((g["id"], g["title"]) for g in cat.get("groups", ()))
        entries = tuple(_make_entry(mine[sid]) for sid in order)
        categories.append(Category(cat["id"], cat["title"], cat["description"], groups, entries))
    return Catalog(categories)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The shipped catalog, loaded once per process."""
    return load_catalog_from(_shipped_catalog())


def _shipped_catalog() -> Any:
    """The folder of the shipped catalog.

    The ``resources`` package is a folder in a checkout, a wheel and the bundle alike; only
    when it is not (a zip import) is importlib.resources asked, whose readers cost 2 ms of
    every command's start-up.
    """
    import resources as package

    if package.__file__:
        folder = Path(package.__file__).parent / "catalog"
        if folder.is_dir():
            return folder
    from importlib import resources

    return resources.files("resources") / "catalog"


__all__ = [
    "Catalog",
    "CatalogEntry",
    "CatalogError",
    "Category",
    "ErrorSpec",
    "load_catalog",
    "load_catalog_from",
]
