"""The tracker's rules proved against the FakeExchange: the first six scenarios of the design
(late REST answers, ambiguous submits, orders filled while the stream was down, 202 cancels,
unknown statuses). Every scenario runs under a hard timeout.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from tracking_venue import CROSSING_BID, FAST, INSIDE_BID, SYMBOL, Venue

from bpx_async import ConnectionFailedError
from bpx_async.tracking import OrderState, OrderTracker, Transition

TIMEOUT = 10


def states_of(audit: list[Transition], client_id: int) -> list[OrderState]:
    return [t.new for t in audit if t.client_id == client_id and t.new is not t.old]


def reached(audit: list[Transition], client_id: int, state: OrderState) -> Transition:
    return next(t for t in audit if t.client_id == client_id and t.new is state and t.old != state)


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


# -- 2. an ambiguous submit that was placed -----------------------------------------------------


async def test_timed_out_submit_that_was_placed_is_unknown_then_resolved_by_the_stream(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        venue.stream.lag = 0.05  # the stream speaks after the timeout
        tracker = venue.tracker(retry_delay=1.0)
        venue.orders.lose_answers = 1
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.state is OrderState.UNKNOWN
        assert order.order_id is None
        resolved = await tracker.wait(order.client_id, until=OrderState.OPEN, timeout=5)
        assert resolved.state is OrderState.OPEN
        assert reached(tracker.audit, order.client_id, OrderState.OPEN).source == "stream"
        assert [row["id"] for row in venue.exchange_orders(order.client_id)] == [resolved.order_id]

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_timed_out_submit_with_the_stream_down_is_resolved_by_the_client_id_lookup(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        assert not tracker.stream_up
        venue.orders.lose_answers = 1
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.state is OrderState.UNKNOWN
        resolved = await tracker.wait(order.client_id, until=OrderState.OPEN, timeout=5)
        step = reached(tracker.audit, order.client_id, OrderState.OPEN)
        assert (step.source, step.detail) == ("reconcile", "clientId lookup")
        assert resolved.order_id == venue.exchange_orders(order.client_id)[0]["id"]
        lookups = requests_to(venue, "GET", "/api/v1/order")
        assert lookups[0].query["clientId"] == str(order.client_id)

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_timed_out_submit_that_already_filled_is_resolved_by_the_history_scan(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        venue.orders.lose_answers = 1
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="2", price=CROSSING_BID)
        assert order.state is OrderState.UNKNOWN
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert done.executed_quantity == Decimal("2")
        step = reached(tracker.audit, order.client_id, OrderState.FILLED)
        assert step.source == "reconcile"
        scans = requests_to(venue, "GET", "/wapi/v1/history/orders")
        assert scans and "orderId" not in scans[0].query  # no clientId filter exists: a scan
        # The fills were fetched too, so the trade ids are known.
        exchange_fills = [f for f in venue.fx.engine.fills(venue.account)]
        assert done.trade_ids == {f["tradeId"] for f in exchange_fills}
        assert OrderState.REJECTED not in states_of(tracker.audit, order.client_id)
        assert OrderState.NOT_PLACED not in states_of(tracker.audit, order.client_id)

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_submit_that_times_out_while_the_exchange_is_slow_ends_as_the_exchange_says(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        # The request reaches the exchange, the client gives up, the exchange may still place
        # the order: whatever happens, the tracker must end up agreeing with the exchange.
        venue.fx.faults.add("delay", path="/api/v1/order", method="POST", seconds=0.4)
        impatient = venue.client.with_options(timeout=0.1)
        tracker = OrderTracker(impatient, **FAST)
        venue.trackers.append(tracker)
        tracker.start()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.state is OrderState.UNKNOWN
        done = await tracker.wait(
            order.client_id, until={OrderState.OPEN, OrderState.NOT_PLACED}, timeout=5
        )
        on_exchange = venue.exchange_orders(order.client_id)
        if done.state is OrderState.OPEN:
            assert [row["id"] for row in on_exchange] == [done.order_id]
        else:
            assert on_exchange == []

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


# -- 4. filled while the stream was down -------------------------------------------------------


async def test_order_filled_while_the_stream_was_down_is_filled_after_the_reconnect(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1.5", price=INSIDE_BID)
        assert order.state is OrderState.OPEN
        venue.stream.go_down()
        await venue.sell_into(INSIDE_BID, "1.5")
        await asyncio.sleep(0.1)
        assert tracker.get(order.client_id).state is OrderState.OPEN  # nothing heard
        before = len(venue.fx.requests)
        venue.stream.come_back()
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert done.executed_quantity == Decimal("1.5")
        step = reached(tracker.audit, order.client_id, OrderState.FILLED)
        assert step.source == "reconcile"
        after = list(venue.fx.requests)[before:]
        paths = [(r.method, r.path) for r in after]
        assert ("GET", "/api/v1/orders") in paths  # all open orders in one call
        lookup = next(r for r in after if r.path == "/api/v1/order")
        assert lookup.query["orderId"] == order.order_id  # answered 404: not resting
        fills = next(r for r in after if r.path == "/wapi/v1/history/fills")
        assert fills.query["orderId"] == order.order_id
        assert len(done.trade_ids) == 1

    await asyncio.wait_for(scenario(), TIMEOUT)


# -- 5. cancels --------------------------------------------------------------------------------


async def test_cancel_answered_202_is_pending_until_the_stream_says_cancelled(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(retry_delay=1.0)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        loop = asyncio.get_running_loop()

        def execute_later(symbol: str, ids: dict[str, Any]) -> None:
            loop.call_later(0.1, lambda: venue.fx.engine.cancel(venue.account, symbol, **ids))

        venue.orders.accept_cancels = 1
        venue.orders.on_accepted_cancel = execute_later
        pending = await tracker.cancel(order.client_id)
        assert pending.state is OrderState.OPEN
        assert pending.cancel_pending
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.CANCELLED
        assert not done.cancel_pending
        assert reached(tracker.audit, order.client_id, OrderState.CANCELLED).source == "stream"

        # A fill reported after the cancel updates the quantity and keeps CANCELLED ...
        late_fill = {
            **venue.stream.delivered[-1],
            "e": "orderFill",
            "t": 9_000_001,
            "l": "0.3",
            "L": str(INSIDE_BID),
            "z": "0.3",
        }
        tracker.on_order_update(late_fill)
        late = tracker.get(order.client_id)
        assert late.state is OrderState.CANCELLED
        assert late.executed_quantity == Decimal("0.3")
        # ... unless it completes the order: then FILLED wins.
        tracker.on_order_update({**late_fill, "t": 9_000_002, "l": "0.7", "z": "1"})
        assert tracker.get(order.client_id).state is OrderState.FILLED

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_cancel_answered_202_is_settled_by_lookup_when_the_stream_is_down(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        venue.orders.accept_cancels = 1
        venue.orders.on_accepted_cancel = lambda symbol, ids: venue.fx.engine.cancel(
            venue.account, symbol, **ids
        )
        assert (await tracker.cancel(order.client_id)).cancel_pending
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.CANCELLED
        assert reached(tracker.audit, order.client_id, OrderState.CANCELLED).source == "reconcile"

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_cancel_of_an_order_that_already_filled_finds_it_filled(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await venue.sell_into(INSIDE_BID, "1")
        answer = await tracker.cancel(order.client_id)  # 404: no longer resting
        assert not answer.cancel_pending
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert done.executed_quantity == Decimal("1")

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_cancel_whose_answer_is_lost_still_ends_cancelled(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        venue.orders.lose_cancel_answers = 1
        answer = await tracker.cancel(order.client_id)
        assert answer.cancel_pending
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.CANCELLED

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
