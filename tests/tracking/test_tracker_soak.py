"""The soak, against the real pieces: a bot places and cancels many orders through
``client.order_tracker()`` while the fake exchange loses answers after placing orders, places
orders after the client gave up, drops connections, answers 503, answers cancels 202 and kills
the private WebSocket; at the end the tracker's view must equal the exchange's, order by order,
with every order POSTed once and placed at most once.

``BPX_SOAK_ORDERS`` sets how many orders (default 2000); ``BPX_SOAK_SEED`` the random seed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from tracking_venue import SYMBOL, Wired

from bpx_async import BpxError, OrderState, OrderTracker

ORDERS = int(os.environ.get("BPX_SOAK_ORDERS", "2000"))
SEED = int(os.environ.get("BPX_SOAK_SEED", "20261203"))
WORKERS = 8
TIMEOUT = 120
#: Rounds of 0.1 s allowed after the last order for the tracker to settle everything.
SETTLE_ROUNDS = 100
#: The client gives up on a request after this long; "slow" faults hold answers longer.
CLIENT_TIMEOUT = 0.5
SLOW = 0.8

_EXCHANGE_STATE = {
    "New": OrderState.OPEN,
    "PartiallyFilled": OrderState.PARTIALLY_FILLED,
    "Filled": OrderState.FILLED,
    "Cancelled": OrderState.CANCELLED,
    "Expired": OrderState.EXPIRED,
}
_UNRESOLVED = {OrderState.PENDING_SUBMIT, OrderState.SUBMITTED, OrderState.UNKNOWN}

#: Faults at the fake: (label, kind, chance that a matching request is hit, options).
_SUBMIT = {"path": "/api/v1/order", "method": "POST", "times": None}
_CANCEL = {"path": "/api/v1/order", "method": "DELETE", "times": None}
_FAULTS: list[tuple[str, Any, float, dict[str, Any]]] = [
    ("submit answer lost after placing", "delay_after", 0.03, {**_SUBMIT, "seconds": SLOW}),
    ("submit dropped after placing", "drop_after", 0.03, _SUBMIT),
    ("submit placed after the client gave up", "delay", 0.03, {**_SUBMIT, "seconds": SLOW}),
    ("submit dropped unprocessed", "drop", 0.03, _SUBMIT),
    ("submit 503", "status", 0.03, {**_SUBMIT, "status": 503}),
    ("cancel dropped after cancelling", "drop_after", 0.05, _CANCEL),
    ("cancel 503", "status", 0.05, {**_CANCEL, "status": 503}),
    ("open orders 503", "status", 0.15, {"path": "/api/v1/orders", "times": None, "status": 503}),
    ("history 503", "status", 0.1, {"path": "/wapi/v1/history/*", "times": None, "status": 503}),
]


def differences(tracker: OrderTracker, wired: Wired) -> list[str]:
    """Every way the tracker's view differs from the exchange's (empty when they agree)."""
    problems: list[str] = []
    on_exchange: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in wired.fx.engine.order_history(wired.account):
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


def posts_per_client_id(wired: Wired) -> Counter[int]:
    """How many order POSTs of the bot's account reached the fake, by clientId."""
    return Counter(
        request.json()["clientId"]
        for request in wired.fx.requests
        if request.method == "POST"
        and request.path == "/api/v1/order"
        and request.headers.get("X-API-Key") == wired.account
    )


async def test_soak_tracker_view_equals_the_exchange_after_faults_at_the_fake(
    wired: Wired,
) -> None:
    rng = random.Random(SEED)
    fx = wired.fx
    fx.faults.random.seed(SEED)
    tracker = await wired.tracker(
        wired.client.with_options(timeout=CLIENT_TIMEOUT),
        reconcile_interval=0.3,
        reconcile_interval_stream_down=0.1,
        retry_delay=0.02,
        max_retry_delay=0.2,
    )
    assert tracker.stream_up
    rules = {
        label: fx.faults.add(kind, probability=chance, **options)
        for label, kind, chance, options in _FAULTS
    }
    loop = asyncio.get_running_loop()
    chaos_counts: Counter[str] = Counter()
    next_index = iter(range(ORDERS))
    done = asyncio.Event()

    async def bot() -> None:
        for _ in next_index:
            side = rng.choice(("Bid", "Ask"))
            ticks = rng.randint(-6, 4)  # a few cross the spread and fill at once
            price = Decimal("149.99") + Decimal("0.01") * ticks
            if side == "Ask":
                price = Decimal("150.01") - Decimal("0.01") * ticks
            quantity = Decimal(rng.randint(1, 150)) / 100
            order = await tracker.submit(
                SYMBOL, side, "Limit", quantity=quantity, price=price, time_in_force="GTC"
            )
            await asyncio.sleep(rng.uniform(0, 0.01))
            if rng.random() < 0.6:
                await tracker.cancel(order.client_id)

    async def taker() -> None:
        while not done.is_set():
            side = rng.choice(("Bid", "Ask"))
            price = "150.10" if side == "Bid" else "149.90"
            quantity = Decimal(rng.randint(1, 100)) / 100
            with contextlib.suppress(BpxError):  # e.g. the taker ran out of funds
                await wired.taker.orders.execute(
                    SYMBOL, side, "Limit", quantity=quantity, price=price, time_in_force="IOC"
                )
            await asyncio.sleep(rng.uniform(0.002, 0.01))

    async def chaos() -> None:
        while not done.is_set():
            await asyncio.sleep(rng.uniform(0.1, 0.3))
            roll = rng.random()
            if roll < 0.5:
                fx.ws.refuse(rng.randint(0, 3))  # a few reconnects refused first
                await fx.ws.kill()
                chaos_counts["socket killed"] += 1
            elif roll < 0.75:
                fx.cancel_delay = None if fx.cancel_delay else rng.uniform(0.01, 0.05)
                chaos_counts["cancel 202 toggled"] += 1

    timings: dict[str, float] = {}

    async def scenario() -> list[str]:
        started = loop.time()
        side_tasks = [asyncio.create_task(taker()), asyncio.create_task(chaos())]
        try:
            await asyncio.gather(*(bot() for _ in range(WORKERS)))
        finally:
            done.set()
            await asyncio.gather(*side_tasks)
        timings["trading"] = loop.time() - started
        started = loop.time()
        # Quiet now: every order must be resolved and the views agree within a few seconds.
        fx.faults.clear()
        fx.ws.refuse(0)
        fx.cancel_delay = None
        for _ in range(SETTLE_ROUNDS):
            problems = differences(tracker, wired)
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
    faults = {label: rule.hits for label, rule in rules.items()}
    posts = posts_per_client_id(wired)
    print(f"\nsoak: {len(snapshot)} orders, seed {SEED}; states {dict(states)}")
    print(f"soak: faults at the fake {faults}; chaos {dict(chaos_counts)}")
    print(f"soak: UNKNOWN resolved to {dict(resolved)}")
    print(f"soak: WebSocket connection attempts {fx.ws.connection_attempts}")
    print(f"soak: seconds { ({k: round(v, 2) for k, v in timings.items()}) }")
    print(*problems[:20], sep="\n")
    assert problems == []
    assert len(snapshot) == ORDERS
    # Zero duplicates: every tracked order was POSTed exactly once, nothing else was POSTed.
    assert set(posts) == set(snapshot)
    assert max(posts.values()) == 1
    # The faults really happened, and every kind of ending was reached.
    assert all(hits > 0 for hits in faults.values()), faults
    assert chaos_counts["socket killed"] > 3 and chaos_counts["cancel 202 toggled"] > 0
    assert resolved[OrderState.NOT_PLACED.value] and (
        resolved[OrderState.OPEN.value] + resolved[OrderState.FILLED.value]
    )
    assert {OrderState.FILLED.value, OrderState.CANCELLED.value} <= set(states)
