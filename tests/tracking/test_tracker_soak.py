"""The soak: a bot places and cancels many orders through the tracker while answers are lost,
requests never arrive, connections drop, 503s come back, the exchange places orders after the
client timed out, cancels answer 202, history lookups fail and the private stream drops; at the
end the tracker's view must equal the exchange's, order by order.

``BPX_SOAK_ORDERS`` sets how many orders (default 1000); ``BPX_SOAK_SEED`` the random seed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from tracking_venue import SYMBOL, Venue

from bpx_async import BpxError
from bpx_async.testing import EngineError
from bpx_async.tracking import OrderState, OrderTracker

ORDERS = int(os.environ.get("BPX_SOAK_ORDERS", "1000"))
SEED = int(os.environ.get("BPX_SOAK_SEED", "20261203"))
WORKERS = 8
TIMEOUT = 120
#: Rounds of 0.1 s allowed after the last order for the tracker to settle everything.
SETTLE_ROUNDS = 100

_EXCHANGE_STATE = {
    "New": OrderState.OPEN,
    "PartiallyFilled": OrderState.PARTIALLY_FILLED,
    "Filled": OrderState.FILLED,
    "Cancelled": OrderState.CANCELLED,
    "Expired": OrderState.EXPIRED,
}
_UNRESOLVED = {OrderState.PENDING_SUBMIT, OrderState.SUBMITTED, OrderState.UNKNOWN}


def differences(tracker: OrderTracker, venue: Venue) -> list[str]:
    """Every way the tracker's view differs from the exchange's (empty when they agree)."""
    problems: list[str] = []
    on_exchange: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in venue.fx.engine.order_history(venue.account):
        on_exchange[row["clientId"]].append(row)
    snapshot = tracker.snapshot()
    for client_id, rows in on_exchange.items():
        if len(rows) > 1:
            problems.append(f"clientId {client_id} placed {len(rows)} times")
        if client_id not in snapshot:
            problems.append(f"exchange order {rows[0]['id']} (clientId {client_id}) not tracked")
    for client_id, order in snapshot.items():
        rows = on_exchange.get(client_id, [])
        if order.state in _UNRESOLVED:
            problems.append(f"clientId {client_id} still {order.state.value}")
        elif order.state in (OrderState.NOT_PLACED, OrderState.REJECTED):
            if rows:
                problems.append(f"clientId {client_id} is {order.state.value} but exists")
        elif len(rows) != 1:
            problems.append(f"clientId {client_id} is {order.state.value}, not on the exchange")
        else:
            row = rows[0]
            expected = _EXCHANGE_STATE[row["status"]]
            executed = Decimal(row["executedQuantity"])
            seen = (order.order_id, order.state, order.executed_quantity, order.cancel_pending)
            if seen != (row["id"], expected, executed, False):
                problems.append(
                    f"clientId {client_id}: tracker {seen}, exchange "
                    f"{(row['id'], expected, executed, False)}"
                )
    return problems


async def test_soak_tracker_view_equals_the_exchange_after_faults(venue: Venue) -> None:
    rng = random.Random(SEED)
    tracker = venue.tracker(
        reconcile_interval=0.3,
        reconcile_interval_stream_down=0.1,
        retry_delay=0.02,
        max_retry_delay=0.2,
    )
    venue.stream.lag = 0.002
    loop = asyncio.get_running_loop()
    faults: Counter[str] = Counter()
    next_index = iter(range(ORDERS))
    done = asyncio.Event()

    def cancel_later(symbol: str, ids: dict[str, Any]) -> None:
        def run() -> None:
            # Already filled or cancelled by then: nothing left to cancel.
            with contextlib.suppress(EngineError):
                venue.fx.engine.cancel(venue.account, symbol, **ids)

        loop.call_later(rng.uniform(0.0, 0.05), run)

    venue.orders.on_accepted_cancel = cancel_later

    def inject_submit_fault() -> None:
        roll = rng.random()
        if roll < 0.05:
            venue.orders.lose_answers += 1
            faults["submit answer lost"] += 1
        elif roll < 0.08:
            venue.orders.never_send += 1
            faults["submit never sent"] += 1
        elif roll < 0.10:
            venue.fx.faults.add("status", path="/api/v1/order", method="POST", status=503)
            faults["submit 503"] += 1
        elif roll < 0.12:
            venue.fx.faults.add("drop", path="/api/v1/order", method="POST")
            faults["submit connection dropped"] += 1
        elif roll < 0.15:
            # Timed out while the exchange was slow: it places the order after the client left.
            venue.fx.faults.add("delay", path="/api/v1/order", method="POST", seconds=0.08)
            venue.orders.impatient += 1
            faults["submit timed out, placed later"] += 1

    def inject_cancel_fault() -> None:
        roll = rng.random()
        if roll < 0.08:
            venue.orders.accept_cancels += 1
            faults["cancel 202"] += 1
        elif roll < 0.14:
            venue.orders.lose_cancel_answers += 1
            faults["cancel answer lost"] += 1

    async def bot() -> None:
        for _ in next_index:
            side = rng.choice(("Bid", "Ask"))
            ticks = rng.randint(-6, 4)  # a few cross the spread and fill at once
            price = Decimal("149.99") + Decimal("0.01") * ticks
            if side == "Ask":
                price = Decimal("150.01") - Decimal("0.01") * ticks
            quantity = Decimal(rng.randint(1, 150)) / 100
            inject_submit_fault()
            order = await tracker.submit(
                SYMBOL, side, "Limit", quantity=quantity, price=price, time_in_force="GTC"
            )
            await asyncio.sleep(rng.uniform(0, 0.01))
            if rng.random() < 0.6:
                inject_cancel_fault()
                await tracker.cancel(order.client_id)

    async def taker() -> None:
        while not done.is_set():
            side = rng.choice(("Bid", "Ask"))
            price = "150.10" if side == "Bid" else "149.90"
            quantity = Decimal(rng.randint(1, 100)) / 100
            with contextlib.suppress(BpxError):  # e.g. the taker ran out of funds
                await venue.taker.orders.execute(
                    SYMBOL, side, "Limit", quantity=quantity, price=price, time_in_force="IOC"
                )
            await asyncio.sleep(rng.uniform(0.002, 0.01))

    async def chaos() -> None:
        while not done.is_set():
            await asyncio.sleep(rng.uniform(0.05, 0.15))
            venue.stream.go_down()
            faults["stream dropped"] += 1
            if rng.random() < 0.3:
                venue.fx.faults.add("status", path="/api/v1/orders", method="GET", status=503)
                faults["reconcile 503"] += 1
            if rng.random() < 0.3:
                venue.fx.faults.add("status", path="/wapi/v1/history/*", status=503)
                faults["history 503"] += 1
            await asyncio.sleep(rng.uniform(0.02, 0.08))
            venue.stream.come_back()

    timings: dict[str, float] = {}

    async def scenario() -> list[str]:
        started = loop.time()
        side_tasks = [asyncio.create_task(taker()), asyncio.create_task(chaos())]
        try:
            await asyncio.gather(*(bot() for _ in range(WORKERS)))
        finally:
            done.set()
            await asyncio.gather(*side_tasks)
        if not venue.stream.up:
            venue.stream.come_back()
        timings["trading"] = loop.time() - started
        started = loop.time()
        # Quiet now: every order must be resolved and the views agree within a few seconds.
        for _ in range(SETTLE_ROUNDS):
            problems = differences(tracker, venue)
            if not problems:
                break
            await asyncio.sleep(0.1)
        timings["settling"] = loop.time() - started
        return problems

    problems = await asyncio.wait_for(scenario(), TIMEOUT)
    snapshot = tracker.snapshot()
    states = Counter(order.state.value for order in snapshot.values())
    resolved = Counter(
        t.new.value for t in tracker.audit if t.old is OrderState.UNKNOWN and t.new is not t.old
    )
    print(f"\nsoak: {len(snapshot)} orders, seed {SEED}; states {dict(states)}")
    print(f"soak: faults injected {dict(faults)}; UNKNOWN resolved to {dict(resolved)}")
    print(f"soak: seconds { ({k: round(v, 2) for k, v in timings.items()}) }")
    assert problems == []
    assert len(snapshot) == ORDERS
    # The faults really happened, and every kind of ending was reached.
    assert faults["submit answer lost"] and faults["submit never sent"] and faults["cancel 202"]
    assert faults["stream dropped"] > 3
    assert resolved[OrderState.NOT_PLACED.value] and (
        resolved[OrderState.OPEN.value] + resolved[OrderState.FILLED.value]
    )
    assert {OrderState.FILLED.value, OrderState.CANCELLED.value} <= set(states)
