"""Building models from plain JSON data without pydantic's validators (the load fast path).

The models of :mod:`runtime.model` are declared with ``defer_build=True``: importing them
builds no pydantic core schema (that was 74 ms of every ``playbook`` command). Loading a
document goes through :func:`build` first. It reads each model's declared fields once and
turns them into small converters that accept only values pydantic would keep exactly as they
are (a ``str`` field takes a ``str`` or, if optional, ``None``; a ``float`` takes an ``int``
or a ``float``; a ``bool`` only ``true``/``false``; a ``Literal`` only one of its values; a
state only a known ``type``), and builds the instances directly, as pydantic would (same
``__dict__``, set fields and extra keys). Anything else (a coercion, a constraint broken, an
unknown key where none is allowed, an unknown state type, a model with validators) raises
:class:`SlowPath`, and the caller runs pydantic's validation, which builds the schemas on
first use and gives the located error messages. So a valid document in canonical form loads
without the schemas; every other input loads exactly as before.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError

Convert = Callable[[Any], Any]


class SlowPath(Exception):
    """The data needs pydantic's full validation (coercion, errors, validators)."""


_CONVERTERS: dict[Any, Convert] = {}
_MISSING = object()


def build(model: type[BaseModel], data: Any) -> Any:
    """An instance of ``model`` from ``data``, or :class:`SlowPath`."""
    return converter(model)(data)


def converter(annotation: Any) -> Convert:
    """The converter of a type annotation (memoised per annotation)."""
    try:
        return _CONVERTERS[annotation]
    except (KeyError, TypeError):
        pass
    result = _make(annotation)
    try:
        _CONVERTERS[annotation] = result
    except TypeError:
        pass
    return result


def _slow(_value: Any) -> Any:
    raise SlowPath


def _make(annotation: Any) -> Convert:
    if annotation is Any:
        return lambda v: v
    if annotation is str:
        return _exact(str)
    if annotation is bool:
        return _exact(bool)
    if annotation is int:
        return _exact(int)
    if annotation is float:
        return _float
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return _literal(args)
    if origin in (typing.Union, types.UnionType):
        return _union(args)
    if origin is list and len(args) == 1:
        item = converter(args[0])
        return lambda v: [item(x) for x in v] if type(v) is list else _slow(v)
    if origin is dict and len(args) == 2 and args[0] is str:
        value = converter(args[1])
        if args[1] is Any:
            return lambda v: dict(v) if type(v) is dict else _slow(v)
        return lambda v: {k: value(x) for k, x in v.items()} if type(v) is dict else _slow(v)
    if origin is typing.Annotated:
        return _annotated(args)
    return _slow


def _exact(kind: type) -> Convert:
    return lambda v: v if type(v) is kind else _slow(v)


def _float(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        return float(value)
    raise SlowPath


def _literal(allowed: tuple[Any, ...]) -> Convert:
    kinds = {type(a) for a in allowed}
    if kinds != {str}:
        return _slow
    choices = frozenset(allowed)
    return lambda v: v if type(v) is str and v in choices else _slow(v)


def _union(args: tuple[Any, ...]) -> Convert:
    others = [a for a in args if a is not type(None)]
    if len(others) != 1:
        return _slow
    inner = converter(others[0])
    if len(others) == len(args):
        return inner
    return lambda v: None if v is None else inner(v)


def _annotated(args: tuple[Any, ...]) -> Convert:
    """A discriminated union of models (the states): the discriminator picks the model."""
    from pydantic import Discriminator, Tag

    discriminator = next((a for a in args[1:] if isinstance(a, Discriminator)), None)
    if discriminator is None or not callable(discriminator.discriminator):
        return _slow
    choose = discriminator.discriminator
    by_tag: dict[Any, Convert] = {}
    for member in typing.get_args(args[0]):
        tag = next((a.tag for a in typing.get_args(member)[1:] if isinstance(a, Tag)), None)
        if tag is not None:
            by_tag[tag] = converter(typing.get_args(member)[0])

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            raise SlowPath
        return by_tag.get(choose(value), _slow)(value)

    return convert


def _checked(convert: Convert, metadata: list[Any]) -> Convert:
    """Apply the length and bound constraints pydantic would check."""
    if not metadata:
        return convert
    low_len = high_len = low = high = None
    for item in metadata:
        if isinstance(item, annotated_types.MinLen):
            low_len = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            high_len = item.max_length
        elif isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Le):
            high = item.le
        else:
            return _slow

    def check(value: Any) -> Any:
        value = convert(value)
        if value is None:
            return value
        if low_len is not None and len(value) < low_len:
            raise SlowPath
        if high_len is not None and len(value) > high_len:
            raise SlowPath
        if low is not None and value < low:
            raise SlowPath
        if high is not None and value > high:
            raise SlowPath
        return value

    return check


def _model(cls: type[BaseModel]) -> Convert:
    decorators = cls.__pydantic_decorators__
    if (decorators.model_validators or decorators.field_validators or decorators.validators
            or decorators.root_validators or cls.__private_attributes__):
        return _validated(cls)
    extra = cls.model_config.get("extra") or "ignore"
    fields: list[tuple[str, Convert, Any, Callable[[], Any] | None]] = []
    for name, info in cls.model_fields.items():
        if info.alias not in (None, name) or info.validation_alias not in (None, name):
            return _validated(cls)
        factory = info.default_factory
        if factory is not None and isinstance(factory, type) and issubclass(factory, BaseModel):
            nested = converter(factory)
            factory = lambda nested=nested: nested({})  # noqa: E731 (no schema build)
        default = _MISSING if info.is_required() else info.default
        fields.append((name, _checked(converter(info.annotation), info.metadata), default,
                       factory))  # type: ignore[arg-type]
    names = frozenset(name for name, *_ in fields)
    new = object.__new__
    setattr_ = object.__setattr__

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            raise SlowPath
        values: dict[str, Any] = {}
        for name, field_convert, default, factory in fields:
            item = value.get(name, _MISSING)
            if item is not _MISSING:
                values[name] = field_convert(item)
            elif factory is not None:
                values[name] = factory()
            elif default is _MISSING:
                raise SlowPath
            else:
                values[name] = default
        if names.issuperset(value):
            unknown: dict[str, Any] = {}
            given = set(value)
        else:
            unknown = {k: v for k, v in value.items() if k not in names}
            if extra == "forbid":
                raise SlowPath
            given = set(value) if extra == "allow" else {k for k in value if k in names}
        instance = new(cls)
        setattr_(instance, "__dict__", values)
        setattr_(instance, "__pydantic_fields_set__", given)
        setattr_(instance, "__pydantic_extra__", unknown if extra == "allow" else None)
        setattr_(instance, "__pydantic_private__", None)
        return instance

    return convert


def _validated(cls: type[BaseModel]) -> Convert:
    """A model with validators: pydantic validates it (its schema is built on first use)."""

    def convert(value: Any) -> Any:
        try:
            return cls.model_validate(value)
        except ValidationError:
            raise SlowPath from None

    return convert


__all__ = ["SlowPath", "build", "converter"]
