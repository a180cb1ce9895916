"""Helpers for the order tracker's tests. For the rule tests, which prove the tracker's logic
in isolation: a FakeExchange account, a client whose order calls can hold or rewrite answers or
never send, a taker account to fill orders, and a private-stream stand-in. And ``Wired``, the
real pieces: the tracker's own stream on the fake's WebSocket, faults injected at the fake.

The stream stand-in subscribes to the fake's matching engine and hands each ``account.orderUpdate``
``data`` dict to the tracker on the next turn of the loop, exactly as the WebSocket would carry
it; a tracker made with ``venue.tracker(stream=False)`` hears nothing (REST only).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bpx_async import AsyncClient, ConnectionFailedError
from bpx_async.resources.orders import Orders
from bpx_async.testing import FakeExchange
from bpx_async.tracking import OrderState, OrderTracker, Transition

SYMBOL = "SOL_USDC"
#: Inside the seeded spread (best bid 149.98, best ask 150.02): a bid here rests at the top.
INSIDE_BID = Decimal("149.99")
#: At the seeded best ask: a bid here fills at once.
CROSSING_BID = Decimal("150.02")
FUNDS = {"USDC": "10000000", "SOL": "100000"}
#: Small windows and delays so the deadline rule and retries play out in well under a second.
WINDOW_MS = 1000
FAST: dict[str, Any] = {
    # These tests feed the tracker from the engine stand-in below, not its own WebSocket.
    "stream": False,
    "deadline_margin_ms": 200,
    "reconcile_interval": 60.0,
    "reconcile_interval_stream_down": 60.0,
    "quiet_period": 0.05,
    "retry_delay": 0.02,
    "max_retry_delay": 0.1,
}


def states_of(audit: list[Transition], client_id: int) -> list[OrderState]:
    """The states one order went through, in order."""
    return [t.new for t in audit if t.client_id == client_id and t.new is not t.old]


def reached(audit: list[Transition], client_id: int, state: OrderState) -> Transition:
    """The transition that brought one order to ``state``."""
    return next(t for t in audit if t.client_id == client_id and t.new is state and t.old != state)


class FaultyOrders(Orders):
    """``client.orders`` with faults a bot meets on the wire, each for the next N calls.

    ``never_send``: the call fails with a dropped connection (or ``never_send_error``) and
    nothing reaches the exchange.
    ``hold``: the answer is held until the event is set (a slow REST answer).
    ``rewrite``: applied to every execute answer (e.g. an unknown status).
    """

    __slots__ = ("hold", "never_send", "never_send_error", "rewrite")

    def __init__(self, client: AsyncClient) -> None:
        super().__init__(client)
        self.never_send = 0
        self.never_send_error: Exception | None = None
        self.hold: asyncio.Event | None = None
        self.rewrite: Callable[[Any], Any] | None = None

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        if self.never_send:
            self.never_send -= 1
            if self.never_send_error is not None:
                raise self.never_send_error
            raise ConnectionFailedError(
                "POST /api/v1/order: connection refused", method="POST", path="/api/v1/order"
            )
        placed = await super().execute(*args, **kwargs)
        if self.hold is not None:
            await self.hold.wait()
        return placed if self.rewrite is None else self.rewrite(placed)


@dataclass(eq=False)
class EngineStream:
    """The account's private order stream, from the fake's engine to a tracker."""

    fx: FakeExchange
    account: str
    tracker: OrderTracker | None = None
    up: bool = True
    delivered: list[dict[str, Any]] = field(default_factory=list)
    _handles: list[asyncio.Handle] = field(default_factory=list)
    _unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        self._unsubscribe = self.fx.engine.subscribe(self._on_event)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        for handle in self._handles:
            handle.cancel()

    def attach(self, tracker: OrderTracker) -> None:
        self.tracker = tracker
        if self.up:
            tracker.on_stream_up()

    def _on_event(self, kind: str, key: str, payload: dict[str, Any]) -> None:
        if kind != "orderUpdate" or key != self.account or not self.up:
            return
        loop = asyncio.get_running_loop()
        self._handles = [h for h in self._handles if not h.cancelled()]
        self._handles.append(loop.call_soon(self._deliver, dict(payload)))

    def _deliver(self, payload: dict[str, Any]) -> None:
        if not self.up or self.tracker is None:
            return  # lost with the socket
        self.delivered.append(payload)
        self.tracker.on_order_update(payload)


@dataclass(eq=False)
class Venue:
    fx: FakeExchange
    account: str
    client: AsyncClient
    orders: FaultyOrders
    taker: AsyncClient
    stream: EngineStream
    trackers: list[OrderTracker] = field(default_factory=list)

    def tracker(self, *, stream: bool = True, **knobs: Any) -> OrderTracker:
        """A started tracker on this venue's client (closed by the fixture)."""
        tracker = OrderTracker(self.client, **{**FAST, **knobs})
        tracker.start()
        self.trackers.append(tracker)
        if stream:
            self.stream.attach(tracker)
        else:
            self.stream.up = False
        return tracker

    async def sell_into(self, price: Decimal, quantity: Decimal | str) -> None:
        """The taker sells ``quantity`` at ``price`` or better, IOC (fills resting bids)."""
        await self.taker.orders.execute(
            SYMBOL, "Ask", "Limit", quantity=quantity, price=price, time_in_force="IOC"
        )

    def exchange_orders(self, client_id: int) -> list[dict[str, Any]]:
        """Every order of the account with this clientId, as the exchange records it."""
        return [
            row
            for row in self.fx.engine.order_history(self.account)
            if row["clientId"] == client_id
        ]


#: Knobs of a tracker that follows its own stream (the ``stream`` option stays at its default).
WIRED: dict[str, Any] = {key: value for key, value in FAST.items() if key != "stream"}


@dataclass(eq=False)
class Wired:
    """The real pieces: a client whose tracker follows ``account.orderUpdate`` on the fake's
    WebSocket, with faults injected at the fake (``fx.faults``, ``fx.cancel_delay``, ``fx.ws``)."""

    fx: FakeExchange
    account: str
    client: AsyncClient
    taker: AsyncClient
    trackers: list[OrderTracker] = field(default_factory=list)

    async def tracker(self, client: AsyncClient | None = None, **knobs: Any) -> OrderTracker:
        """A tracker entered as ``async with`` does (its stream subscribed); closed by the
        fixture."""
        tracker = (client or self.client).order_tracker(**{**WIRED, **knobs})
        self.trackers.append(tracker)
        await tracker.__aenter__()
        return tracker

    def posts(self, client_id: int) -> int:
        """How many order POSTs with this clientId reached the fake."""
        return sum(
            1
            for request in self.fx.requests
            if request.method == "POST"
            and request.path == "/api/v1/order"
            and request.headers.get("X-API-Key") == self.account
            and request.json().get("clientId") == client_id
        )

    def exchange_orders(self, client_id: int) -> list[dict[str, Any]]:
        """Every order of the account with this clientId, as the exchange records it."""
        return [
            row
            for row in self.fx.engine.order_history(self.account)
            if row["clientId"] == client_id
        ]

    async def sell_into(self, price: Decimal, quantity: Decimal | str) -> None:
        await self.taker.orders.execute(
            SYMBOL, "Ask", "Limit", quantity=quantity, price=price, time_in_force="IOC"
        )

    async def drop_stream(self, tracker: OrderTracker) -> None:
        """Kill the private socket and refuse reconnects until :meth:`restore_stream`."""
        self.fx.ws.refuse(None)
        await self.fx.ws.kill()
        await until(lambda: not tracker.stream_up)

    async def restore_stream(self, tracker: OrderTracker) -> None:
        self.fx.ws.refuse(0)
        await until(lambda: tracker.stream_up)


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``condition()`` holds (polled every 10 ms); TimeoutError after ``timeout``."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    if not condition():
        raise asyncio.TimeoutError(f"condition not met within {timeout:g} s")
