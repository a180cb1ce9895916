"""Request models validated through only the fields a call gives.

An order model declares 28 fields and a typical order gives 7. pydantic still looks up every
absent field (by alias and by name), stores its None, and the serializer walks all 28 again to
drop those None values: under load that is about a third of what checking an order costs. A
:class:`SparseShapes` keeps, per set of given keys, a model of just those fields (the same field
definitions, config and after-validators, in the same order), so validating and serializing cost
what the given fields cost, with the same results and the same errors:

* only for a model whose every optional field defaults to None (an absent field then sends
  nothing either way) and that refuses unknown fields;
* only when every key names a field once and every required field is given; anything else
  (an unknown key, a missing field, a name and its alias both given) is left to the full model,
  which raises its own error;
* a model with model validators takes part only if it says its validators read absent fields
  as None (``__bpx_sparse_safe__ = True``, see ``OrderExecuteRequest``); field validators,
  serializers, computed fields and ``model_post_init`` keep a model out;
* at most :data:`MAX_SHAPES` shapes per model (each costs a model class, about 1 ms to build on
  its first call); further shapes use the full model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_origin

from pydantic import BaseModel, create_model, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

__all__ = ["MAX_SHAPES", "SparseShapes", "sparse_shapes"]

#: Distinct key sets per model that get a model of their own.
MAX_SHAPES = 16

#: A narrowed model's core validator and serializer (``to_python``).
Shape = tuple[Callable[[Any], Any], Callable[..., Any]]


class SparseShapes:
    """The narrowed models of one request model, built on first use of each set of keys."""

    __slots__ = ("_by_key", "_shapes", "model")

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        #: Every spelling a caller may use (field name, alias) -> the field's name.
        self._by_key: dict[str, str] = {}
        for name, info in model.model_fields.items():
            self._by_key[name] = name
            if info.alias:
                self._by_key[info.alias] = name
        #: frozenset of given keys -> its shape, or None for "use the full model".
        self._shapes: dict[frozenset[str], Shape | None] = {}

    def shape(self, params: dict[str, Any]) -> Shape | None:
        """The narrowed validator and serializer for ``params``' keys; None: the full model."""
        keys = frozenset(params)
        try:
            return self._shapes[keys]
        except KeyError:
            pass
        if len(self._shapes) >= MAX_SHAPES:
            return None
        shape = self._shapes[keys] = self._build(keys)
        return shape

    def _build(self, keys: frozenset[str]) -> Shape | None:
        model, fields = self.model, self.model.model_fields
        names = set()
        for key in keys:
            name = self._by_key.get(key)
            if name is None or name in names:
                return None  # an unknown key, or a field given twice: the full model says why
            names.add(name)
        if len(names) == len(fields):
            return None  # nothing to leave out
        if any(info.is_required() and name not in names for name, info in fields.items()):
            return None  # the full model reports the missing field
        validators = {
            f"_bpx_after_{index}": model_validator(mode="after")(decorator.func)
            for index, decorator in enumerate(
                model.__pydantic_decorators__.model_validators.values()
            )
        }
        narrowed = create_model(  # type: ignore[call-overload]
            model.__name__,
            __config__=model.model_config,
            __module__=model.__module__,
            __validators__=validators,
            **{
                name: (info.annotation, FieldInfo.merge_field_infos(info))
                for name, info in fields.items()  # the model's own order: the same JSON
                if name in names
            },
        )
        return (
            narrowed.__pydantic_validator__.validate_python,
            narrowed.__pydantic_serializer__.to_python,
        )


def sparse_shapes(model: Any) -> SparseShapes | None:
    """A :class:`SparseShapes` for ``model``, or None when it can't be narrowed safely."""
    # get_origin first: on 3.10 ``list[Model]`` passes isinstance(..., type), then issubclass fails.
    if get_origin(model) is not None or not (
        isinstance(model, type) and issubclass(model, BaseModel)
    ):
        return None
    if model.model_config.get("extra") != "forbid":
        return None  # a narrowed model would refuse keys the full one ignores or keeps
    for info in model.model_fields.values():
        if info.is_required():
            continue
        if info.default_factory is not None or info.default not in (None, PydanticUndefined):
            return None  # an absent field would send its default; a narrowed model would not
    decorators = model.__pydantic_decorators__
    if (
        decorators.field_validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.computed_fields
        or decorators.validators
        or decorators.root_validators
        or model.model_post_init is not BaseModel.model_post_init
    ):
        return None
    if decorators.model_validators:
        if not getattr(model, "__bpx_sparse_safe__", False):
            return None
        if any(d.info.mode != "after" for d in decorators.model_validators.values()):
            return None
    return SparseShapes(model)
