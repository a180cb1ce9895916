"""Constant-cost bookkeeping for the fake exchange: indexed append-only history and rolling
ticker statistics.

Both structures do their work when something is appended, so that reading a page of history or
the 24 h statistics costs the same after 100,000 orders as on an empty exchange.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

__all__ = ["History", "RollingStats", "WindowStats", "page_of"]

T = TypeVar("T")
ZERO = Decimal(0)


class History(Generic[T]):
    """Items in the order they happened, listed once per index key they are filed under.

    ``add(item, keys)`` files the item under every key (e.g. ``(account,)``,
    ``(account, symbol)``); ``page(key, ...)`` slices one list, newest first by default,
    without looking at any other item. Items must be added in non-decreasing ``time`` order
    when a ``time`` function is given, so ranges can be found by bisection.
    """

    def __init__(self, time: Callable[[T], int] | None = None) -> None:
        self._lists: dict[Hashable, list[T]] = {}
        self._time = time

    def add(self, item: T, keys: Iterable[Hashable]) -> None:
        for key in keys:
            self._lists.setdefault(key, []).append(item)

    def all(self, key: Hashable) -> list[T]:
        """The (shared, do not mutate) list filed under ``key``, oldest first."""
        return self._lists.get(key, [])

    def page(
        self,
        key: Hashable,
        *,
        offset: int,
        limit: int | None,
        ascending: bool = False,
        since: int | None = None,
        until: int | None = None,
    ) -> tuple[list[T], int]:
        """``(items, total)``: one page of the items under ``key`` and how many match in all.

        ``since``/``until`` (inclusive) restrict by ``time``; they need a ``time`` function.
        """
        items = self._lists.get(key, [])
        low, high = 0, len(items)
        if since is not None or until is not None:
            if self._time is None:
                raise ValueError("this history has no time to filter on")
            if since is not None:
                low = bisect.bisect_left(items, since, key=self._time)
            if until is not None:
                high = bisect.bisect_right(items, until, key=self._time)
            high = max(high, low)
        return page_of(items, offset=offset, limit=limit, ascending=ascending, low=low, high=high)


def page_of(
    items: list[T],
    *,
    offset: int,
    limit: int | None,
    ascending: bool = False,
    low: int = 0,
    high: int | None = None,
) -> tuple[list[T], int]:
    """``(page, total)`` of ``items[low:high]`` (oldest first), newest first unless
    ``ascending``; ``limit`` None takes everything from ``offset``."""
    high = len(items) if high is None else high
    total = high - low
    size = total if limit is None else limit
    if ascending:
        start = low + offset
        return items[start : min(start + size, high)], total
    stop = high - offset
    if stop <= low:
        return [], total
    return items[max(stop - size, low) : stop][::-1], total


@dataclass(frozen=True)
class WindowStats:
    """Trades of one rolling window: first/last/high/low price, volumes and count."""

    first: Decimal | None
    last: Decimal | None
    high: Decimal | None
    low: Decimal | None
    volume: Decimal
    quote_volume: Decimal
    trades: int


@dataclass
class RollingStats:
    """Statistics of the trades in the last ``window_us`` microseconds, kept incrementally.

    Every trade enters once and leaves once (amortised O(1)); high and low come from monotonic
    queues, so a read never scans the window.
    """

    window_us: int
    _trades: deque[tuple[int, Decimal, Decimal]] = field(default_factory=deque)
    _highs: deque[tuple[int, Decimal]] = field(default_factory=deque)
    _lows: deque[tuple[int, Decimal]] = field(default_factory=deque)
    _volume: Decimal = ZERO
    _quote_volume: Decimal = ZERO
    _seq: int = 0  # position of the next trade, for the monotonic queues
    _evicted: int = 0  # how many trades have left the window

    def add(self, at_us: int, price: Decimal, quantity: Decimal) -> None:
        self._trades.append((at_us, price, quantity))
        self._volume += quantity
        self._quote_volume += price * quantity
        seq = self._seq
        self._seq += 1
        while self._highs and self._highs[-1][1] <= price:
            self._highs.pop()
        self._highs.append((seq, price))
        while self._lows and self._lows[-1][1] >= price:
            self._lows.pop()
        self._lows.append((seq, price))

    def _evict(self, now_us: int) -> None:
        horizon = now_us - self.window_us
        trades = self._trades
        while trades and trades[0][0] <= horizon:
            _, price, quantity = trades.popleft()
            self._volume -= quantity
            self._quote_volume -= price * quantity
            self._evicted += 1
        while self._highs and self._highs[0][0] < self._evicted:
            self._highs.popleft()
        while self._lows and self._lows[0][0] < self._evicted:
            self._lows.popleft()

    def read(self, now_us: int) -> WindowStats:
        self._evict(now_us)
        if not self._trades:
            return WindowStats(None, None, None, None, ZERO, ZERO, 0)
        return WindowStats(
            first=self._trades[0][1],
            last=self._trades[-1][1],
            high=self._highs[0][1],
            low=self._lows[0][1],
            volume=self._volume,
            quote_volume=self._quote_volume,
            trades=len(self._trades),
        )
