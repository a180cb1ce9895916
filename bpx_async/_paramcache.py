"""A bounded cache of prepared requests, so a repeated identical call is validated only once.

Polling the same ticker or depth sends the same parameters again and again; validating and
serializing them is pure, so the result can be reused. A parameter set is cached only when
equal keys are guaranteed to serialize to the same bytes: the key holds each value's exact type
(``limit=1`` and ``limit=True`` are different keys, so are ``"1d"`` and ``KlineInterval("1d")``),
and only types whose equal values have one spelling are accepted: ``str``, ``int``, ``bool``,
``None`` and enum members. ``Decimal`` (``Decimal("1.0") == Decimal("1.00")``), ``float``,
``datetime`` (equal instants in different zones), containers and models are never cached.

A request model may declare *value fields* (``RequestModel.value_fields``: an order's prices,
quantities and clientId), whose values none of its rules reads. Such a request is keyed by its
*shape* (:func:`shape_key`): its other values as above, plus the names of the value fields given.
What a shape caches is the body as the model validated and serialized it once; each call checks
its own value fields with their field types and puts them into a copy of that body.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from enum import Enum
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

__all__ = ["DEFAULT_MAXSIZE", "PreparedCache", "cache_key", "shape_key"]

V = TypeVar("V")

#: Distinct parameter sets kept per client; the oldest is dropped first beyond that.
DEFAULT_MAXSIZE = 256

# Exact types (subclasses are refused) whose equal values are the same value on the wire.
_PLAIN = frozenset({str, int, bool, type(None)})


def cache_key(params: Any) -> tuple[Any, ...] | None:
    """A key that identifies ``params`` with the types of its values, or None if not cacheable.

    ``params`` is the plain dict a resource method builds (or None for no parameters); any other
    object (a request model, a list for a batch) is not cached.
    """
    if params is None:
        return ()
    if type(params) is not dict:
        return None
    key: list[Any] = []
    for name, value in params.items():
        kind = type(value)
        if kind not in _PLAIN and not isinstance(value, Enum):
            return None
        key.append((name, kind, value))
    return tuple(key)


def shape_key(
    params: dict[str, Any], checks: Mapping[str, tuple[str, Callable[[Any], Any]]]
) -> tuple[tuple[Any, ...], list[tuple[str, Any]]] | None:
    """The shape of ``params`` and its value fields checked: ``(key, [(wire name, value)])``, or
    None if the shape can't be cached.

    ``checks`` maps each value field (by name and by alias) to its wire name and its type's
    validator. A value field that is given counts in the key by its name only; its value is
    validated here (None if it is refused: the whole model then says why). Every other parameter
    counts by its exact type and value, under the rules of :func:`cache_key`.
    """
    key: list[Any] = []
    values: list[tuple[str, Any]] = []
    try:
        for name, value in params.items():
            check = checks.get(name)
            if check is not None and value is not None:
                wire_name, validate = check
                values.append((wire_name, validate(value)))
                key.append(name)
                continue
            kind = type(value)
            if kind not in _PLAIN and not isinstance(value, Enum):
                return None
            key.append((name, kind, value))
    except ValidationError:
        return None
    return tuple(key), values


class PreparedCache(Generic[V]):
    """At most ``maxsize`` entries keyed by (endpoint, :func:`cache_key`); oldest out first."""

    __slots__ = ("_entries", "lookup", "maxsize")

    def __init__(self, maxsize: int = DEFAULT_MAXSIZE) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 0:
            raise ValueError("maxsize must be a non-negative integer (0 disables the cache)")
        self.maxsize = maxsize
        self._entries: dict[tuple[Hashable, tuple[Any, ...]], V] = {}
        #: ``lookup((endpoint, key))``: :meth:`get` as the dict's own method (no Python frame), for
        #: the pipeline's path of every call. A key of None (not cacheable) is never there.
        self.lookup: Callable[[tuple[Hashable, tuple[Any, ...] | None]], V | None] = (
            self._entries.get  # type: ignore[assignment]
        )

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, endpoint: Hashable, key: tuple[Any, ...]) -> V | None:
        return self._entries.get((endpoint, key))

    def put(self, endpoint: Hashable, key: tuple[Any, ...], value: V) -> None:
        if self.maxsize == 0:
            return
        entries = self._entries
        while len(entries) >= self.maxsize:
            del entries[next(iter(entries))]
        entries[(endpoint, key)] = value

    def clear(self) -> None:
        self._entries.clear()
