"""A bounded cache of prepared requests, so a repeated identical call is validated only once.

Polling the same ticker or depth sends the same parameters again and again; validating and
serializing them is pure, so the result can be reused. A parameter set is cached only when
equal keys are guaranteed to serialize to the same bytes: the key holds each value's exact type
(``limit=1`` and ``limit=True`` are different keys, so are ``"1d"`` and ``KlineInterval("1d")``),
and only types whose equal values have one spelling are accepted: ``str``, ``int``, ``bool``,
``None`` and enum members. ``Decimal`` (``Decimal("1.0") == Decimal("1.00")``), ``float``,
``datetime`` (equal instants in different zones), containers and models are never cached.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from enum import Enum
from typing import Any, Generic, TypeVar

__all__ = ["DEFAULT_MAXSIZE", "PreparedCache", "cache_key"]

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
