"""Client-side rate limiting: the exchange's per-account budgets, spent before a request is signed.

Backpack allows 2000 requests a minute per account on the standard REST routes and 30 a minute on
the historical market-data routes; beyond that it answers 429. A :class:`RateLimiter` keeps one
budget of each; a client and its ``with_options`` views share one, and clients of the same account
can share one by passing the same object.
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["Budget", "RateLimiter"]

_monotonic = time.monotonic


class Budget:
    """``per_minute`` requests a minute, at most ``burst`` of them back to back.

    A virtual-schedule bucket (GCRA): every request reserves the next free slot the moment it
    asks, so callers are served first come, first served, and a request that needs no wait costs
    one clock read and no allocation.
    """

    __slots__ = ("_interval", "_next", "_paused_until", "_tolerance", "burst", "per_minute")

    def __init__(self, per_minute: float, *, burst: int | None = None) -> None:
        if not per_minute > 0:
            raise ValueError("per_minute must be positive")
        burst = max(1, int(per_minute) // 10) if burst is None else burst
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError("burst must be a positive integer")
        self.per_minute = per_minute
        self.burst = burst
        self._interval = 60.0 / per_minute
        self._tolerance = self._interval * (burst - 1)
        self._next = 0.0  # when the next request is due if none may skip ahead (monotonic s)
        self._paused_until = 0.0

    def reserve(self) -> float:
        """Take the next slot; return how many seconds to wait before using it."""
        now = _monotonic()
        paused_until = self._paused_until
        if paused_until > now:
            return self._reserve_paused(now, paused_until)
        # Not paused (the common case): the pause bounds below cannot bind.
        due = self._next
        if due < now:
            due = now
        self._next = due + self._interval
        wait = due - self._tolerance - now
        return wait if wait > 0.0 else 0.0

    def _reserve_paused(self, now: float, paused_until: float) -> float:
        due = self._next
        if due < now:
            due = now
        if due < paused_until:
            due = paused_until
        self._next = due + self._interval
        wait = due - self._tolerance - now
        if wait < paused_until - now:
            wait = paused_until - now
        return wait if wait > 0.0 else 0.0

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (the exchange answered 429 with ``Retry-After``)."""
        self._paused_until = max(self._paused_until, _monotonic() + seconds)

    def __repr__(self) -> str:
        return f"Budget(per_minute={self.per_minute}, burst={self.burst})"


class RateLimiter:
    """The two budgets of one account: ``standard`` and ``historical`` (market-data history).

    >>> limiter = RateLimiter()                 # the exchange's documented defaults
    >>> limiter = RateLimiter(standard=1000)    # stay well under them
    """

    __slots__ = ("historical", "standard")

    def __init__(
        self,
        standard: float = 2000,
        historical: float = 30,
        *,
        standard_burst: int | None = None,
        historical_burst: int | None = None,
    ) -> None:
        self.standard = Budget(standard, burst=standard_burst)
        self.historical = Budget(historical, burst=historical_burst)

    async def acquire(self, historical: bool = False) -> float:
        """Wait for a slot in the right budget; return the seconds waited (0.0 if none)."""
        delay = self.reserve(historical)
        return 0.0 if delay <= 0.0 else await self.wait(delay, historical)

    def reserve(self, historical: bool = False) -> float:
        """Take a slot in the right budget without waiting; return the seconds to wait before
        using it (pass a positive result to :meth:`wait`). The pipeline's no-wait path: a
        request within budget costs no coroutine and no timer."""
        return (self.historical if historical else self.standard).reserve()

    async def wait(self, delay: float, historical: bool = False) -> float:
        """Sleep ``delay`` seconds for a reserved slot, longer if a 429 paused the budget
        meanwhile; return the seconds waited."""
        budget = self.historical if historical else self.standard
        waited = 0.0
        while delay > 0.0:
            await asyncio.sleep(delay)
            waited += delay
            # A 429 that arrived meanwhile pauses everyone, including those already queued.
            delay = budget._paused_until - _monotonic()
        return waited

    def pause(self, seconds: float, historical: bool = False) -> None:
        """Hold the budget for ``seconds`` after a 429."""
        (self.historical if historical else self.standard).pause(seconds)

    def __repr__(self) -> str:
        return f"RateLimiter(standard={self.standard!r}, historical={self.historical!r})"
