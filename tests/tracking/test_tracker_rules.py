"""The tracker's rules proved in isolation, with the stand-ins of ``tracking_venue`` (answers
held or rewritten, requests that never leave, the engine's events fed by hand): ORDERS.md
scenarios 1, 3 and 6 (late REST answers and duplicate fills, submits that never reached the
exchange, unknown statuses). Scenarios 2, 4, 5 and 7 run against the real pieces in
``test_tracker_wired.py`` and ``test_tracker_soak.py``. Every scenario has a hard timeout.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from tracking_venue import INSIDE_BID, SYMBOL, Venue, reached, states_of

from bpx_async import ConnectionFailedError
from bpx_async.tracking import OrderState

TIMEOUT = 10


def requests_to(venue: Venue, method: str, path: str) -> list[Any]:
    return [r for r in venue.fx.requests if r.method == method and r.path == path]


# -- 1. monotone states and deduplicated fills ------------------------------------------------


async def test_fill_on_the_stream_beats_a_late_rest_answer_saying_new(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        venue.orders.hold = asyncio.Event()
        submit = asyncio.create_task(
            tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID, client_id=7)
        )
        await asyncio.sleep(0)  # let the submit start: the order is tracked before it is sent
        assert tracker.get(7).state is OrderState.SUBMITTED
        # The stream's orderAccepted is applied while the REST answer is still on its way.
        await tracker.wait(7, until=OrderState.OPEN, timeout=5)
        await venue.sell_into(INSIDE_BID, "1")
        filled = await tracker.wait(7, until=OrderState.FILLED, timeout=5)
        assert filled.executed_quantity == Decimal("1")
        venue.orders.hold.set()
        answer = await submit  # the REST answer says New, executed 0
        assert answer.state is OrderState.FILLED
        assert answer.executed_quantity == Decimal("1")
        assert tracker.get(7).status == "New"  # the stale status is recorded, not obeyed
        assert states_of(tracker.audit, 7) == [
            OrderState.SUBMITTED,
            OrderState.OPEN,
            OrderState.FILLED,
        ]

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_a_duplicate_fill_event_counts_once(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await venue.sell_into(INSIDE_BID, "0.4")
        partial = await tracker.wait(order.client_id, until=OrderState.PARTIALLY_FILLED, timeout=5)
        assert partial.executed_quantity == Decimal("0.4")
        fill_event = next(e for e in venue.stream.delivered if e["e"] == "orderFill")
        for _ in range(3):
            tracker.on_order_update(dict(fill_event))
        again = tracker.get(order.client_id)
        assert again.executed_quantity == Decimal("0.4")
        assert again.fills_quantity == Decimal("0.4")
        assert again.trade_ids == {fill_event["t"]}
        fills = [t.fill for t in tracker.audit if t.fill is not None]
        assert len(fills) == 1

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_executed_quantity_never_decreases(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await venue.sell_into(INSIDE_BID, "0.6")
        await tracker.wait(order.client_id, until=OrderState.PARTIALLY_FILLED, timeout=5)
        stale = dict(venue.stream.delivered[0])  # orderAccepted: z = 0, X = New
        tracker.on_order_update(stale)
        after = tracker.get(order.client_id)
        assert after.executed_quantity == Decimal("0.6")
        assert after.state is OrderState.PARTIALLY_FILLED

    await asyncio.wait_for(scenario(), TIMEOUT)


# -- 3. a submit that never reached the exchange ------------------------------------------------


async def test_submit_that_never_reached_the_exchange_is_not_placed_only_after_the_deadline(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False, deadline_margin_ms=500)
        venue.orders.never_send = 1
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.state is OrderState.UNKNOWN
        assert order.deadline_ms is not None
        # Deadline = timestamp + window (1000 ms) + margin (500 ms): still unknown well before.
        await asyncio.sleep(0.5)
        assert tracker.get(order.client_id).state is OrderState.UNKNOWN
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.NOT_PLACED
        step = reached(tracker.audit, order.client_id, OrderState.NOT_PLACED)
        assert step.time_ms > order.deadline_ms
        assert venue.exchange_orders(order.client_id) == []
        assert requests_to(venue, "POST", "/api/v1/order") == []

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_submit_refused_by_a_503_in_front_of_the_exchange_is_not_placed_after_the_deadline(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        venue.fx.faults.add("status", path="/api/v1/order", method="POST", status=503)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.state is OrderState.UNKNOWN  # a 503 does not prove the order is not there
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.NOT_PLACED
        assert venue.exchange_orders(order.client_id) == []

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_an_error_that_says_the_request_was_not_sent_is_not_placed_at_once(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        venue.orders.never_send = 1
        venue.orders.never_send_error = ConnectionFailedError(
            "refused", method="POST", path="/api/v1/order", request_sent=False
        )
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.state is OrderState.NOT_PLACED
        assert isinstance(order.error, ConnectionFailedError)
        assert order.error.request_sent is False
        assert tracker.get(order.client_id).state is OrderState.NOT_PLACED

    await asyncio.wait_for(scenario(), TIMEOUT)


# -- 6. unknown statuses ----------------------------------------------------------------------


async def test_an_unknown_status_on_the_stream_is_kept_and_nothing_fails(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        accepted = venue.stream.delivered[0]
        tracker.on_order_update({**accepted, "e": "orderFrozen", "X": "Frozen"})
        now = tracker.get(order.client_id)
        assert now.status == "Frozen"
        assert now.state is OrderState.OPEN
        assert any("Frozen" in t.detail for t in tracker.audit)
        # The order still works: it fills normally afterwards.
        await venue.sell_into(INSIDE_BID, "1")
        assert (await tracker.wait(order.client_id, timeout=5)).state is OrderState.FILLED

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_an_unknown_status_in_a_rest_answer_is_kept_and_proves_the_order_exists(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        venue.orders.rewrite = lambda placed: placed.model_copy(update={"status": "Parked"})
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.status == "Parked"
        assert order.state is OrderState.OPEN
        assert order.order_id is not None

    await asyncio.wait_for(scenario(), TIMEOUT)
