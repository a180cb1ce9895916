"""Fault injection for the fake exchange: error statuses, rate limits, delays, dropped
connections and malformed bodies, each for the next N matching requests.

Faults act before authentication, like a load balancer or rate limiter in front of the exchange.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from aiohttp import web
from aiohttp.typedefs import Middleware

__all__ = ["FaultKind", "FaultRule", "Faults", "fault_middleware"]

FaultKind = Literal[
    "status", "rate_limit", "delay", "drop", "malformed", "drop_after", "delay_after"
]
_KINDS: frozenset[str] = frozenset(get_args(FaultKind))

_ERROR_CODES: Mapping[int, tuple[str, str]] = {
    400: ("INVALID_CLIENT_REQUEST", "Bad request"),
    401: ("UNAUTHORIZED", "Unauthorized"),
    403: ("FORBIDDEN", "Forbidden"),
    404: ("RESOURCE_NOT_FOUND", "Not found"),
    429: ("TOO_MANY_REQUESTS", "Too many requests"),
    500: ("SERVER_ERROR", "Internal server error"),
    503: ("MAINTENANCE", "Service unavailable: system under maintenance"),
    504: ("TIMEOUT", "Request timed out"),
}

#: A 200 whose JSON stops mid-way, as when a proxy cuts the body.
TRUNCATED_JSON = '{"symbol":"SOL_USDC","price":"14'


@dataclass(eq=False)
class FaultRule:
    """One injected fault. ``times=None`` keeps it active until removed or cleared."""

    kind: FaultKind
    times: int | None = 1
    path: str | None = None
    method: str | None = None
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    retry_after: float = 1
    seconds: float = 0.0
    hits: int = 0
    #: Chance that a matching request is hit (drawn from ``Faults.random``; 1.0 = always).
    probability: float = 1.0

    @property
    def remaining(self) -> int | None:
        """How many more requests this rule will hit (None = unlimited)."""
        return None if self.times is None else max(self.times - self.hits, 0)

    def matches(self, method: str, path: str) -> bool:
        if self.remaining == 0:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or fnmatch.fnmatchcase(path, self.path)


class Faults:
    """The fault rules of one fake exchange, applied in the order they were added."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._stopping = asyncio.Event()
        #: The generator behind ``probability``; seed it for a reproducible run.
        self.random = random.Random(0)

    def add(
        self,
        kind: FaultKind,
        *,
        times: int | None = 1,
        path: str | None = None,
        method: str | None = None,
        status: int | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        retry_after: float = 1,
        seconds: float = 0.0,
        probability: float = 1.0,
    ) -> FaultRule:
        """Inject ``kind`` into the next ``times`` requests matching ``method`` and ``path``.

        ``path`` is an exact path or an ``fnmatch`` pattern (``"/wapi/v1/history/*"``).
        Options by kind: ``status`` takes ``status`` (default 500), ``body`` (mapping or list
        sent as JSON, str/bytes sent as-is; default Backpack's error JSON for that status) and
        ``headers``; ``rate_limit`` answers 429 with ``Retry-After: <retry_after>`` (seconds);
        ``delay`` waits ``seconds`` and then serves the request normally; ``drop`` closes the
        connection without answering; ``malformed`` answers 200 with a truncated JSON ``body``.
        ``drop_after`` and ``delay_after`` let the exchange process the request first (an order
        is placed) and then drop the connection, or hold the answer ``seconds``: the client
        cannot know the outcome. With ``probability`` below 1 each matching request is hit only
        with that chance (rules with ``times=None`` make random faults for a soak).
        """
        if kind not in _KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(_KINDS)}")
        if times is not None and times < 1:
            raise ValueError("times must be a positive count or None (forever)")
        if seconds < 0 or retry_after < 0:
            raise ValueError("seconds and retry_after must not be negative")
        if not 0 < probability <= 1:
            raise ValueError("probability must be in (0, 1]")
        default_status = {"rate_limit": 429, "malformed": 200}.get(kind, 500)
        rule = FaultRule(
            kind=kind,
            times=times,
            path=path,
            method=method.upper() if method else None,
            status=default_status if status is None else status,
            body=body,
            headers=dict(headers or {}),
            retry_after=retry_after,
            seconds=seconds,
            probability=probability,
        )
        self._rules.append(rule)
        return rule

    def remove(self, rule: FaultRule) -> None:
        """Stop applying one rule (no error if it is already gone)."""
        if rule in self._rules:
            self._rules.remove(rule)

    def clear(self) -> None:
        """Remove every rule."""
        self._rules.clear()

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        """The rules that can still fire."""
        return tuple(rule for rule in self._rules if rule.remaining != 0)

    def abort_delays(self) -> None:
        """End every pending ``delay`` by dropping its connection (the server is stopping)."""
        self._stopping.set()

    def reset_abort(self) -> None:
        self._stopping.clear()

    async def hold(self, seconds: float) -> bool:
        """Wait out a delay; False if the server started stopping meanwhile."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return not self._stopping.is_set()

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first rule matching this request, with one use consumed."""
        for rule in self._rules:
            if rule.matches(method, path):
                if rule.probability < 1 and self.random.random() >= rule.probability:
                    continue
                rule.hits += 1
                return rule
        return None


def _body_response(status: int, body: Any, headers: Mapping[str, str]) -> web.Response:
    if body is None:
        if status in _ERROR_CODES:
            code, message = _ERROR_CODES[status]
            body = {"code": code, "message": message}
        else:
            body = f"{status} {web.Response(status=status).reason}"
    if isinstance(body, (bytes, str)):
        raw = body.encode() if isinstance(body, str) else body
        return web.Response(status=status, body=raw, headers=headers, content_type="text/plain")
    return web.Response(
        status=status,
        text=json.dumps(body, separators=(",", ":")),
        headers=headers,
        content_type="application/json",
    )


def _retry_after_text(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else format(seconds, "g")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def fault_middleware(faults: Faults) -> Middleware:
    """An aiohttp middleware applying ``faults`` before the request reaches any handler."""

    @web.middleware
    async def apply_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        rule = faults.take(request.method, request.path)
        if rule is None:
            return await handler(request)
        if rule.kind == "delay" and await faults.hold(rule.seconds):
            return await handler(request)
        if rule.kind in ("drop_after", "delay_after"):
            response = await handler(request)  # processed: e.g. the order is on the book
            if rule.kind == "delay_after" and await faults.hold(rule.seconds):
                return response
            if request.transport is not None:
                request.transport.close()
            return response
        if rule.kind in ("drop", "delay"):
            if request.transport is not None:
                request.transport.close()
            # aiohttp notices the closed transport and sends nothing.
            return web.Response(status=500)
        if rule.kind == "rate_limit":
            headers = {"Retry-After": _retry_after_text(rule.retry_after), **rule.headers}
            return _body_response(rule.status, rule.body, headers)
        if rule.kind == "malformed":
            body = TRUNCATED_JSON if rule.body is None else rule.body
            return web.Response(
                status=rule.status,
                body=body.encode() if isinstance(body, str) else body,
                headers=rule.headers,
                content_type="application/json",
            )
        return _body_response(rule.status, rule.body, rule.headers)

    return apply_faults
