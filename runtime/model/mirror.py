"""The slow path of loading: pydantic models mirroring the plain model classes.

:mod:`runtime.model.fastbuild` takes canonical data as it is; anything else comes here. For
each plain class (:class:`runtime.model.base.Model`) a pydantic model with the same fields,
defaults, limits, extra-key policy and cross-field check is built on first use, validates the
data (coercing what pydantic coerces, or raising :class:`pydantic.ValidationError` with
located messages), and the result is turned back into instances of the plain classes. This is
the only module of the model that imports pydantic.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    create_model,
    model_validator,
)
from pydantic import Field as PydanticField

from runtime.model.base import Discriminated, Model, assemble, fields_of, has_post_check

_PLAIN: dict[type[BaseModel], type[Model]] = {}
_MIRRORS: dict[type[Model], type[BaseModel]] = {}
_HOLDING: dict[type[BaseModel], tuple[str, ...]] = {}  # the fields that may hold models


def validate_slowly(cls: type[Model], data: Any) -> Model:
    """``data`` validated by the mirror of ``cls``, as an instance of ``cls``.

    Raises:
        pydantic.ValidationError: Located messages for what is wrong.
    """
    if isinstance(data, cls):
        return data
    return typing.cast(Model, plain(mirror(cls).model_validate(data)))


def validate_annotation(annotation: Any, data: Any) -> Any:
    """``data`` validated against a type annotation made of model classes (e.g. ``State``)."""
    return plain(_adapter(annotation).validate_python(data))


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(_translate(annotation))


def mirror(cls: type[Model]) -> type[BaseModel]:
    """The pydantic model mirroring a plain model class (built once)."""
    built = _MIRRORS.get(cls)
    if built is None:
        built = _MIRRORS[cls] = _build_mirror(cls)
    return built


def _build_mirror(cls: type[Model]) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for name, info in fields_of(cls).items():
        options: dict[str, Any] = {}
        if info.default_factory is not None:
            options["default_factory"] = info.default_factory
        elif not info.is_required():
            options["default"] = info.default
        for limit in ("min_length", "max_length", "ge", "le", "exclude_if"):
            if getattr(info, limit) is not None:
                options[limit] = getattr(info, limit)
        definitions[name] = (_translate(info.annotation), PydanticField(**options))
    validators: dict[str, Any] = {}
    if has_post_check(cls):
        check = cls.model_post_check

        def post_check(self: Any) -> Any:
            check(self)
            return self

        validators["post_check"] = model_validator(mode="after")(post_check)
    config = ConfigDict(extra=cls.__extra__)  # type: ignore[typeddict-item]
    model = create_model(  # type: ignore[call-overload]
        cls.__name__, __config__=config, __module__=cls.__module__,
        __validators__=validators, **definitions)
    _HOLDING[model] = tuple(name for name, info in fields_of(cls).items()
                            if _holds_models(info.annotation))
    _PLAIN[model] = cls
    return typing.cast(type[BaseModel], model)


def _holds_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return True
    return any(_holds_models(a) for a in typing.get_args(annotation))


def _translate(annotation: Any) -> Any:
    """The annotation with each plain model class replaced by its mirror."""
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return Annotated[mirror(annotation), WrapValidator(_keeping(annotation))]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        union = next((a for a in args[1:] if isinstance(a, Discriminated)), None)
        if union is not None:
            members = tuple(Annotated[_translate(member), Tag(tag)]
                            for tag, member in union.members.items())
            return Annotated[typing.Union[members], Discriminator(union.choose)]  # noqa: UP007
        return Annotated[(_translate(args[0]), *args[1:])]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(_translate(a) for a in args)]  # noqa: UP007
    if origin is list:
        return list[_translate(args[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[str, _translate(args[1])]  # type: ignore[misc]
    return annotation


def _keeping(cls: type[Model]) -> Any:
    """A validator taking an instance of ``cls`` (or of a subclass) as it is, unchecked and
    not copied, as pydantic takes a model instance; anything else is validated."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if isinstance(value, cls):
            return value
        return handler(value)

    return validate


def plain(value: Any) -> Any:
    """Mirror instances turned into instances of their plain classes (only the fields that
    may hold models are walked: a value of an ``Any`` field is kept as pydantic kept it)."""
    if isinstance(value, BaseModel):
        values = dict(value.__dict__)
        for name in _HOLDING[type(value)]:
            values[name] = plain(values[name])
        extra = value.__pydantic_extra__
        return assemble(_PLAIN[type(value)], values, set(value.model_fields_set),
                        None if extra is None else dict(extra))
    if type(value) is list:
        return [plain(v) for v in value]
    if type(value) is dict:
        return {k: plain(v) for k, v in value.items()}
    return value


__all__ = ["ValidationError", "mirror", "plain", "validate_annotation", "validate_slowly"]
