"""Building model instances from plain JSON data directly (the load fast path).

:func:`build` reads each model's declared fields once (:func:`runtime.model.base.fields_of`)
and turns them into small converters that accept only values pydantic would keep exactly as
they are (a ``str`` field takes a ``str`` or, if optional, ``None``; a ``float`` takes an
``int`` or a ``float``; a ``bool`` only ``true``/``false``; a ``Literal`` only one of its
values; a state only a known ``type``; a length or bound only within its limits), and builds
the instances directly (same ``__dict__``, set fields and extra keys). Anything else (a
coercion, a broken limit, an unknown key where none is allowed, a refused cross-field check)
raises :class:`SlowPath`, and the caller validates with pydantic
(:mod:`runtime.model.mirror`), which gives the located error messages. So a valid document in
canonical form loads without importing pydantic; every other input loads exactly as before.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

from runtime.model.base import MISSING, Discriminated, FieldInfo, Model, fields_of, has_post_check

Convert = Callable[[Any], Any]


class SlowPath(Exception):
    """The data needs pydantic's full validation (coercion, errors, validators)."""


_CONVERTERS: dict[Any, Convert] = {}


def build(model: type[Model], data: Any) -> Any:
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


def _identity(value: Any) -> Any:
    return value


def _make(annotation: Any) -> Convert:
    if annotation is Any:
        return _identity
    if annotation is str:
        return _exact(str)
    if annotation is bool:
        return _exact(bool)
    if annotation is int:
        return _exact(int)
    if annotation is float:
        return _float
    if isinstance(annotation, type) and issubclass(annotation, Model):
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
        if args[1] is Any:  # keys other than text: pydantic's error (JSON keys are text)
            return lambda v: dict(v) if type(v) is dict and _text_keys(v) else _slow(v)
        return lambda v: ({k if type(k) is str else _slow(k): value(x) for k, x in v.items()}
                          if type(v) is dict else _slow(v))
    if origin is typing.Annotated:
        return _annotated(args)
    return _slow


def _exact(kind: type) -> Convert:
    return lambda v: v if type(v) is kind else _slow(v)


def _text_keys(value: dict[Any, Any]) -> bool:
    return not value or set(map(type, value)) == _TEXT


_TEXT = {str}


def _float(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        try:
            return float(value)
        except OverflowError:  # too large for a float: pydantic's located error
            raise SlowPath from None
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
    if len(others) == len(args):
        return converter(others[0])
    if others[0] in (str, bool, int):  # the common ``str | None``: one call, not two
        kind = others[0]
        return lambda v: v if v is None or type(v) is kind else _slow(v)
    inner = converter(others[0])
    return lambda v: None if v is None else inner(v)


def _annotated(args: tuple[Any, ...]) -> Convert:
    """A discriminated union of models (the states): the discriminator picks the model."""
    union = next((a for a in args[1:] if isinstance(a, Discriminated)), None)
    if union is None:
        return _slow
    choose, key = union.choose, union.key
    by_tag = {tag: converter(member) for tag, member in union.members.items()}
    members = tuple(union.members.values())

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            if isinstance(value, members):  # an instance is taken as it is, as pydantic does
                return value
            raise SlowPath
        if key is not None:
            tag = value.get(key)
            if type(tag) is str and tag in by_tag:
                return by_tag[tag](value)
        return by_tag.get(choose(value) or "", _slow)(value)

    return convert


def _checked(convert: Convert, info: FieldInfo) -> Convert:
    """Apply the length and bound limits pydantic would check."""
    if not info.has_limits():
        return convert
    low_len, high_len, low, high = info.min_length, info.max_length, info.ge, info.le

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


def _model(cls: type[Model]) -> Convert:
    extra = cls.__extra__
    post_check = has_post_check(cls)
    template: dict[str, Any] = {}  # every field in declared order: its default, or a marker
    converters: dict[str, Convert] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    required: list[str] = []
    for name, info in fields_of(cls).items():
        converters[name] = _checked(converter(info.annotation), info)
        factory, default = info.default_factory, info.default
        if info.default_is_mutable():  # deep-copied for each instance, as pydantic does
            factory = info.make_default
        if factory is not None:
            factories.append((name, factory))
            template[name] = MISSING
        else:
            if default is MISSING:
                required.append(name)
            template[name] = default
    must = frozenset(required)
    new = object.__new__
    setattr_ = object.__setattr__

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            if isinstance(value, cls):  # an instance is taken as it is, as pydantic does
                return value
            raise SlowPath
        if must and not must.issubset(value):
            raise SlowPath
        values = template.copy()  # keeps the declared order of the fields
        unknown: dict[str, Any] | None = None
        for name, item in value.items():
            field_convert = converters.get(name)
            if field_convert is _identity:
                values[name] = item
            elif field_convert is not None:
                values[name] = field_convert(item)
            elif type(name) is not str:  # pydantic: "Keys should be strings"
                raise SlowPath
            elif unknown is None:
                unknown = {name: item}
            else:
                unknown[name] = item
        for name, factory in factories:
            if name not in value:
                values[name] = factory()
        if unknown is None:
            unknown = {}
            given = set(value)
        elif extra == "forbid":
            raise SlowPath
        else:
            given = set(value) if extra == "allow" else set(value).difference(unknown)
        instance = new(cls)  # base.assemble, inlined: this runs once per object loaded
        setattr_(instance, "__dict__", values)
        setattr_(instance, "__pydantic_fields_set__", given)
        setattr_(instance, "__pydantic_extra__", unknown if extra == "allow" else None)
        if post_check:
            try:
                instance.model_post_check()
            except ValueError:
                raise SlowPath from None
        return instance

    return convert


__all__ = ["SlowPath", "build", "converter"]
