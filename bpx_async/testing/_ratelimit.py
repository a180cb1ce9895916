"""Optional rate limiting of the fake exchange, with the exchange's published budgets.

Backpack limits each subaccount to 2,000 requests a minute on the REST API, and to 30 a minute
on the historical market-data endpoints (candles, trade history), answering 429. The fake
counts requests in a sliding 60 s window of its own clock, per API key (per client address for
unsigned requests), and answers 429 ``TOO_MANY_REQUESTS`` with ``Retry-After`` (seconds until
a request leaves the window). Off unless enabled: most test suites make bursts no real bot
would, and should not have to pace themselves.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Middleware

from ._http import error_response

__all__ = ["HISTORICAL_PATHS", "RateLimits", "rate_limit_middleware"]

#: The "historical market data" endpoints with the small budget.
HISTORICAL_PATHS = frozenset({"/api/v1/klines", "/api/v1/trades/history"})
_WINDOW_MS = 60_000

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class RateLimits:
    """Request budgets per minute; ``enabled`` switches the whole limiter on or off."""

    enabled: bool = False
    per_minute: int = 2_000
    historical_per_minute: int = 30
    _seen: dict[tuple[str, bool], deque[int]] = field(default_factory=dict, repr=False)

    def reset(self) -> None:
        """Forget every request counted so far."""
        self._seen.clear()

    def admit(self, caller: str, path: str, now_ms: int) -> float | None:
        """Count one request; None if admitted, else the seconds to wait before retrying."""
        if not self.enabled:
            return None
        historical = path in HISTORICAL_PATHS
        budget = self.historical_per_minute if historical else self.per_minute
        window = self._seen.setdefault((caller, historical), deque())
        while window and window[0] <= now_ms - _WINDOW_MS:
            window.popleft()
        if len(window) >= budget:
            return max(window[0] + _WINDOW_MS - now_ms, 0) / 1000
        window.append(now_ms)
        return None


def rate_limit_middleware(limits: RateLimits, clock_ms: Callable[[], int]) -> Middleware:
    """An aiohttp middleware answering 429 once a caller exceeds its budget."""

    @web.middleware
    async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        caller = request.headers.get("X-API-Key") or request.remote or "anonymous"
        wait = limits.admit(caller, request.path, clock_ms())
        if wait is None:
            return await handler(request)
        response = error_response(429, "TOO_MANY_REQUESTS", "Too many requests")
        response.headers["Retry-After"] = str(max(math.ceil(wait), 1))
        return response

    return limit
