"""Plain model classes: the playbook model without pydantic on import.

Every ``playbook`` command imports the model; pydantic's import and class machinery were
about 65 ms of each command's start-up (issue 18). The model classes are therefore plain
Python classes declared the same way (annotated fields, :func:`Field` for factories and
limits, a class keyword ``extra`` of ``"allow"``, ``"forbid"`` or ``"ignore"``) and offering
the part of pydantic's API the code uses, with the same meaning: ``model_validate``,
``model_construct``, ``model_dump``, ``model_copy``, ``model_extra``, ``model_fields_set``,
keyword construction, equality and ``repr``. An instance keeps its field values in
``__dict__``, the keys it was given in ``__pydantic_fields_set__`` and unknown keys (when
allowed) in ``__pydantic_extra__``, exactly as a pydantic model does.

Loading goes through :mod:`runtime.model.fastbuild`, which builds instances from canonical
JSON data directly. Anything it does not take as it is (a coercion, a broken limit, a wrong
type) goes to :mod:`runtime.model.mirror`, which builds a pydantic model mirroring each class
on first use and validates with it, so a bad file gets pydantic's located messages and a
value pydantic would coerce is coerced the same way. pydantic is imported only then.
"""

from __future__ import annotations

import copy
import math
import sys
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Self, TypeVar, dataclass_transform

ModelT = TypeVar("ModelT", bound="Model")
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
EXTRA_POLICIES = ("allow", "forbid", "ignore")
_IMMUTABLE = frozenset({type(None), bool, int, float, str, bytes, type(MISSING)})


class FieldInfo:
    """What a field declares: its default (or factory), its limits, when dumps leave it out."""

    __slots__ = ("annotation", "default", "default_factory", "exclude_if", "ge", "le",
                 "max_length", "min_length", "module", "name")

    def __init__(self, default: Any = MISSING, *, default_factory: Callable[[], Any] | None = None,
                 min_length: int | None = None, max_length: int | None = None,
                 ge: float | None = None, le: float | None = None,
                 exclude_if: Callable[[Any], bool] | None = None) -> None:
        self.name = ""
        self.annotation: Any = None  # as written (text); resolved on first use (fields_of)
        self.module = ""  # where the annotation was written
        self.default = default
        self.default_factory = default_factory
        self.min_length = min_length
        self.max_length = max_length
        self.ge = ge
        self.le = le
        self.exclude_if = exclude_if

    def is_required(self) -> bool:
        return self.default is MISSING and self.default_factory is None

    def make_default(self) -> Any:
        """The factory's value, or the default (a mutable one deep-copied, as pydantic does)."""
        if self.default_factory is not None:
            return self.default_factory()
        default = self.default
        return default if type(default) in _IMMUTABLE else copy.deepcopy(default)

    def default_is_mutable(self) -> bool:
        return self.default_factory is None and type(self.default) not in _IMMUTABLE

    def has_limits(self) -> bool:
        return any(v is not None for v in (self.min_length, self.max_length, self.ge, self.le))

    def _copy(self) -> FieldInfo:
        twin = FieldInfo(self.default, default_factory=self.default_factory,
                         min_length=self.min_length, max_length=self.max_length, ge=self.ge,
                         le=self.le, exclude_if=self.exclude_if)
        twin.name, twin.annotation, twin.module = self.name, self.annotation, self.module
        return twin


def Field(default: Any = MISSING, *, default_factory: Callable[[], Any] | None = None,  # noqa: N802
          min_length: int | None = None, max_length: int | None = None,
          ge: float | None = None, le: float | None = None,
          exclude_if: Callable[[Any], bool] | None = None) -> Any:
    """Declare a field's default or factory and its limits (as pydantic's ``Field``)."""
    return FieldInfo(default, default_factory=default_factory, min_length=min_length,
                     max_length=max_length, ge=ge, le=le, exclude_if=exclude_if)


class Discriminated:
    """``Annotated[A | B | ..., Discriminated(choose, {tag: A, ...})]``: a union of models
    where ``choose(value)`` (a dict or an instance) names the member's tag, or None.

    ``key``: when a dict's value at this key is itself a member's tag, that is the tag
    (``choose`` is then not asked; loading reads thousands of states this way).
    """

    def __init__(self, choose: Callable[[Any], str | None], members: dict[str, type[Model]],
                 *, key: str | None = None):
        self.choose = choose
        self.members = members
        self.key = key


@dataclass_transform(kw_only_default=True, field_specifiers=(Field,))
class Model:
    """Base of the model classes (see the module docstring)."""

    __slots__ = ("__dict__", "__pydantic_extra__", "__pydantic_fields_set__")
    __extra__: ClassVar[str] = "ignore"
    __model_fields__: ClassVar[dict[str, FieldInfo]] = {}
    __hints_resolved__: ClassVar[bool] = False

    def __init_subclass__(cls, *, extra: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if extra is not None:
            if extra not in EXTRA_POLICIES:
                raise TypeError(f"extra must be one of {EXTRA_POLICIES}, not {extra!r}")
            cls.__extra__ = extra
        fields = {name: info._copy() for name, info in cls.__model_fields__.items()}
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if name.startswith("_") or str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            declared = cls.__dict__.get(name, MISSING)
            info = declared if isinstance(declared, FieldInfo) else FieldInfo(declared)
            info.name, info.annotation, info.module = name, annotation, cls.__module__
            fields[name] = info
            if name in cls.__dict__:
                delattr(cls, name)  # the value lives on the instance, as with pydantic
        cls.__model_fields__ = fields
        cls.__hints_resolved__ = False

    # -- building -------------------------------------------------------------------------

    def __init__(self, **data: Any) -> None:
        self.__setstate__(type(self).model_validate(data).__getstate__())

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """An instance from JSON-like data (an instance of ``cls`` is returned as it is).

        Raises:
            pydantic.ValidationError: With located messages, as pydantic gives them.
        """
        from runtime.model.fastbuild import SlowPath, build

        try:
            return typing.cast(Self, build(cls, data))
        except SlowPath:
            from runtime.model.mirror import validate_slowly

            return typing.cast(Self, validate_slowly(cls, data))

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Self:
        """An instance from trusted values, unchecked; missing fields take their defaults
        (a required one is left unset). The fields set are the declared fields given."""
        fields = fields_of(cls)
        own = {}
        given = set()
        for name, info in fields.items():
            if name in values:
                own[name] = values[name]
                given.add(name)
            elif not info.is_required():
                own[name] = info.make_default()
        extra = {k: v for k, v in values.items() if k not in fields}
        return assemble(cls, own, given if _fields_set is None else set(_fields_set),
                        extra if cls.__extra__ == "allow" else None)

    def model_post_check(self) -> None:
        """Checks across fields, run after each build; raise ValueError to refuse."""

    # -- reading --------------------------------------------------------------------------

    @property
    def model_extra(self) -> dict[str, Any] | None:
        return self.__pydantic_extra__

    @property
    def model_fields_set(self) -> set[str]:
        return self.__pydantic_fields_set__

    def __getattr__(self, name: str) -> Any:
        try:
            extra = object.__getattribute__(self, "__pydantic_extra__")
        except AttributeError:
            extra = None
        if extra and name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        """As pydantic (no validation): a field is set; a name starting with ``_``, or one the
        class has (a method, say), becomes a plain attribute (never written out); any other
        name is an unknown key of an ``extra="allow"`` model, refused by the others."""
        cls = type(self)
        if name in cls.__model_fields__:
            self.__dict__[name] = value
        elif name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        else:
            known = getattr(cls, name, MISSING)
            if isinstance(known, property):
                known.__set__(self, value)
                return
            if cls.__extra__ != "allow":
                raise ValueError(f'"{cls.__name__}" object has no field "{name}"')
            if known is not MISSING:
                object.__setattr__(self, name, value)
                return
            self.__pydantic_extra__[name] = value  # type: ignore[index]
        self.__pydantic_fields_set__.add(name)

    def __eq__(self, other: object) -> bool:
        """Same class, same fields and unknown keys (other attributes are not compared)."""
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Model)
        if (self.__pydantic_extra__ or {}) != (other.__pydantic_extra__ or {}):
            return False
        mine, theirs = self.__dict__, other.__dict__
        if mine == theirs:
            return True
        fields = type(self).__model_fields__
        if mine.keys() <= fields.keys() and theirs.keys() <= fields.keys():
            return False
        return all(mine.get(name, MISSING) == theirs.get(name, MISSING) for name in fields)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = type(self).__model_fields__
        items = [(k, v) for k, v in self.__dict__.items() if k in fields]
        items += (self.__pydantic_extra__ or {}).items()
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in items)})"

    def __copy__(self) -> Self:
        extra = self.__pydantic_extra__
        return assemble(type(self), dict(self.__dict__), set(self.__pydantic_fields_set__),
                        None if extra is None else dict(extra))

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        twin = object.__new__(type(self))
        memo[id(self)] = twin
        _set = object.__setattr__
        _set(twin, "__dict__", copy.deepcopy(self.__dict__, memo))
        _set(twin, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        _set(twin, "__pydantic_extra__", copy.deepcopy(self.__pydantic_extra__, memo))
        return twin

    def __getstate__(self) -> dict[str, Any]:
        return {"__dict__": self.__dict__, "__pydantic_fields_set__": self.__pydantic_fields_set__,
                "__pydantic_extra__": self.__pydantic_extra__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy (shallow unless ``deep``), with ``update`` applied unchecked."""
        twin = copy.deepcopy(self) if deep else copy.copy(self)
        for name, value in (update or {}).items():
            if name in type(self).__model_fields__:
                twin.__dict__[name] = value
            elif twin.__pydantic_extra__ is not None:
                twin.__pydantic_extra__[name] = value
            else:
                twin.__dict__[name] = value
            twin.__pydantic_fields_set__.add(name)
        return twin

    def model_dump(self, *, mode: str = "python", exclude_unset: bool = False,
                   exclude_none: bool = False) -> dict[str, Any]:
        """The instance as plain data (new containers). Fields come in declaration order,
        then unknown keys. ``mode="json"`` as pydantic's: tuples and sets become lists, keys
        text (``True`` -> ``"true"``), an infinite or NaN number of a free-form value null."""
        json_mode = mode == "json"
        fields = type(self).__model_fields__
        given = self.__pydantic_fields_set__
        out: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            info = fields.get(name)
            if info is None:  # an attribute that is no field (``_name``, a model_copy key)
                continue
            if exclude_unset and name not in given:
                continue
            if exclude_none and value is None:
                continue
            if info.exclude_if is not None and info.exclude_if(value):
                continue
            dumped = _dump(value, json_mode, exclude_unset, exclude_none)
            if dumped is None and value is not None and info.annotation in _FLOAT:
                dumped = value  # a float field keeps an infinite number (pydantic's way)
            out[name] = dumped
        for name, value in (self.__pydantic_extra__ or {}).items():
            if exclude_none and value is None:
                continue
            out[name] = _dump(value, json_mode, exclude_unset, exclude_none)
        return out


def assemble(cls: type[ModelT], values: dict[str, Any], fields_set: set[str],
             extra: dict[str, Any] | None) -> ModelT:
    """An instance of ``cls`` made of its parts, unchecked: field values, the keys it was
    given, unknown keys (None unless ``extra="allow"``). fastbuild inlines this, since it
    runs once per object loaded."""
    instance = object.__new__(cls)
    _set = object.__setattr__
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", fields_set)
    _set(instance, "__pydantic_extra__", extra)
    return instance


_FLOAT = (float, "float", float | None, "float | None")


def _key(key: Any) -> Any:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _dump(value: Any, json_mode: bool, exclude_unset: bool, exclude_none: bool) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if not json_mode or math.isfinite(value) else None
    if isinstance(value, Model):
        return value.model_dump(mode="json" if json_mode else "python",
                                exclude_unset=exclude_unset, exclude_none=exclude_none)
    if kind is dict or isinstance(value, dict):
        return {(k if not json_mode or type(k) is str else _key(k)):
                _dump(v, json_mode, exclude_unset, exclude_none) for k, v in value.items()}
    if kind is list or (json_mode and isinstance(value, list | tuple | set | frozenset)):
        return [_dump(v, json_mode, exclude_unset, exclude_none) for v in value]
    if kind is tuple:
        return tuple(_dump(v, json_mode, exclude_unset, exclude_none) for v in value)
    return value


_RESOLVED: dict[tuple[str, str], Any] = {}


def fields_of(cls: type[Model]) -> dict[str, FieldInfo]:
    """The fields of a model class, their annotations resolved (once per class).

    Annotations are text (``from __future__ import annotations``); each distinct text is
    evaluated once in the namespace of the module that wrote it (``typing.get_type_hints``
    evaluated every base's annotations again for each class: 5 ms of a command's start-up).
    """
    if not cls.__hints_resolved__:
        for info in cls.__model_fields__.values():
            text = info.annotation  # read once: another thread may resolve it meanwhile
            if isinstance(text, str):
                key = (info.module, text)
                resolved = _RESOLVED.get(key, MISSING)
                if resolved is MISSING:
                    namespace = vars(sys.modules[info.module])
                    resolved = _RESOLVED[key] = eval(text, namespace)  # noqa: S307
                info.annotation = resolved
        cls.__hints_resolved__ = True
    return cls.__model_fields__


def has_post_check(cls: type[Model]) -> bool:
    return cls.model_post_check is not Model.model_post_check


__all__ = ["MISSING", "Discriminated", "Field", "FieldInfo", "Model", "assemble", "fields_of",
           "has_post_check"]
