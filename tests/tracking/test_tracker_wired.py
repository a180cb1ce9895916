"""The tracker wired to the real pieces: ``client.order_tracker()`` following
``account.orderUpdate`` on the client's own WebSocket, the pipeline's typed errors and deadlines,
and faults injected at the fake exchange (after-processing timeouts and drops, 202 cancels,
killed sockets). ORDERS.md scenarios 2, 4 and 5, without any stand-in (the soak, scenario 7,
is in ``test_tracker_soak.py``).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from tracking_venue import CROSSING_BID, INSIDE_BID, SYMBOL, Wired, reached, states_of, until

from bpx_async import (
    AsyncClient,
    ConnectionLostError,
    NotFoundError,
    OrderState,
    OrderTracker,
    OutcomeUnknownError,
    ResponseTimeoutError,
    tracking,
)
from bpx_async.testing import FakeExchange

TIMEOUT = 10


# -- the wiring -------------------------------------------------------------------------------


async def test_client_order_tracker_follows_the_private_stream_on_the_clients_socket(
    wired: Wired,
) -> None:
    async def scenario() -> None:
        tracker = await wired.tracker()
        assert isinstance(tracker, OrderTracker)
        assert tracker.follows_stream and tracker.stream_up
        assert wired.fx.ws.subscribers("account.orderUpdate") == 1
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        # The pipeline kept the tracker's clientId: the one tracked is the one the fake got.
        assert [row["clientId"] for row in wired.exchange_orders(order.client_id)] == [
            order.client_id
        ]
        assert wired.posts(order.client_id) == 1
        await wired.sell_into(INSIDE_BID, "1")
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert reached(tracker.audit, order.client_id, OrderState.FILLED).source == "stream"
        assert wired.client._pipeline.auto_client_id  # on, yet the tracker's clientId was kept
        await tracker.aclose()
        await until(lambda: wired.fx.ws.subscribers("account.orderUpdate") == 0)
        assert not tracker.stream_up

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_a_client_without_keys_gives_a_tracker_that_does_not_follow_the_stream() -> None:
    async with AsyncClient(base_url="http://127.0.0.1:9", ws_url="ws://127.0.0.1:9") as client:
        assert not client.order_tracker().follows_stream
        assert not client.order_tracker(stream=False).follows_stream


async def test_the_tracker_works_on_rest_while_the_stream_cannot_connect(wired: Wired) -> None:
    async def scenario() -> None:
        wired.fx.ws.refuse(None)
        wired.client.streams.configure(open_timeout=0.2)
        tracker = await wired.tracker(reconcile_interval_stream_down=0.05)
        assert tracker.follows_stream and not tracker.stream_up
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await wired.sell_into(INSIDE_BID, "1")
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert reached(tracker.audit, order.client_id, OrderState.FILLED).source == "reconcile"
        wired.fx.ws.refuse(0)  # the tracker keeps trying: the stream comes up by itself
        await until(lambda: tracker.stream_up)

    await asyncio.wait_for(scenario(), TIMEOUT)


# -- 2. a submit whose answer is lost after the exchange placed the order -----------------------


async def test_submit_timed_out_before_the_exchange_placed_it_is_unknown_then_open_by_stream(
    wired: Wired,
) -> None:
    async def scenario() -> None:
        # The exchange is slow: the client gives up at 0.3 s, the order is placed at 0.6 s.
        impatient = wired.client.with_options(timeout=0.3)
        tracker = await wired.tracker(impatient, retry_delay=1.0)
        wired.fx.faults.add("delay", path="/api/v1/order", method="POST", seconds=0.6)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.state is OrderState.UNKNOWN
        assert isinstance(order.error, ResponseTimeoutError)
        assert isinstance(order.error, OutcomeUnknownError)
        # The deadline is the request's own (timestamp + window), plus the margin.
        assert order.error.deadline_ms is not None
        assert order.deadline_ms == order.error.deadline_ms + tracker.deadline_margin_ms
        resolved = await tracker.wait(order.client_id, until=OrderState.OPEN, timeout=5)
        assert resolved.state is OrderState.OPEN
        assert reached(tracker.audit, order.client_id, OrderState.OPEN).source == "stream"
        assert [row["id"] for row in wired.exchange_orders(order.client_id)] == [
            resolved.order_id
        ]
        assert wired.posts(order.client_id) == 1  # never re-sent

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_submit_answer_dropped_after_placing_with_the_stream_down_is_found_by_client_id(
    wired: Wired,
) -> None:
    async def scenario() -> None:
        tracker = await wired.tracker()
        await wired.drop_stream(tracker)
        wired.fx.faults.add("drop_after", path="/api/v1/order", method="POST")
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.state is OrderState.UNKNOWN
        assert isinstance(order.error, ConnectionLostError)
        resolved = await tracker.wait(order.client_id, until=OrderState.OPEN, timeout=5)
        step = reached(tracker.audit, order.client_id, OrderState.OPEN)
        assert (step.source, step.detail) == ("reconcile", "clientId lookup")
        assert resolved.order_id == wired.exchange_orders(order.client_id)[0]["id"]
        assert wired.posts(order.client_id) == 1

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_submit_answer_lost_after_it_filled_with_the_stream_down_is_found_in_history(
    wired: Wired,
) -> None:
    async def scenario() -> None:
        # The order fills at once; its answer is held 1 s and the client gives up at 0.3 s.
        tracker = await wired.tracker(wired.client.with_options(timeout=0.3))
        await wired.drop_stream(tracker)
        wired.fx.faults.add("delay_after", path="/api/v1/order", method="POST", seconds=1.0)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="2", price=CROSSING_BID)
        assert order.state is OrderState.UNKNOWN
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert done.executed_quantity == Decimal("2")
        step = reached(tracker.audit, order.client_id, OrderState.FILLED)
        assert step.source == "reconcile"
        scans = [r for r in wired.fx.requests if r.path == "/wapi/v1/history/orders"]
        assert scans and "orderId" not in scans[0].query  # no clientId filter exists: a scan
        assert done.trade_ids == {f["tradeId"] for f in wired.fx.engine.fills(wired.account)}
        assert OrderState.NOT_PLACED not in states_of(tracker.audit, order.client_id)
        assert wired.posts(order.client_id) == 1

    await asyncio.wait_for(scenario(), TIMEOUT)


# -- 4. filled while the private socket was down ------------------------------------------------


async def test_order_filled_while_the_socket_was_killed_is_filled_after_the_reconnect(
    wired: Wired,
) -> None:
    async def scenario() -> None:
        tracker = await wired.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1.5", price=INSIDE_BID)
        assert order.state is OrderState.OPEN
        await wired.drop_stream(tracker)
        await asyncio.sleep(0.05)  # the reconciliation the drop started is over
        await wired.sell_into(INSIDE_BID, "1.5")
        await asyncio.sleep(0.1)
        assert tracker.get(order.client_id).state is OrderState.OPEN  # nothing heard
        before = len(wired.fx.requests)
        await wired.restore_stream(tracker)
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert done.executed_quantity == Decimal("1.5")
        assert reached(tracker.audit, order.client_id, OrderState.FILLED).source == "reconcile"
        after = list(wired.fx.requests)[before:]
        paths = [(r.method, r.path) for r in after]
        assert ("GET", "/api/v1/orders") in paths  # every open order in one call
        lookup = next(r for r in after if r.path == "/api/v1/order")
        assert lookup.query["orderId"] == order.order_id  # answered 404: not resting
        fills = next(r for r in after if r.path == "/wapi/v1/history/fills")
        assert fills.query["orderId"] == order.order_id
        assert len(done.trade_ids) == 1
        assert wired.fx.ws.subscribers("account.orderUpdate") == 1  # resubscribed

    await asyncio.wait_for(scenario(), TIMEOUT)


# -- 5. cancels answered 202 ------------------------------------------------------------------


async def test_cancel_answered_202_is_pending_until_the_stream_says_cancelled(
    wired: Wired,
) -> None:
    async def scenario() -> None:
        tracker = await wired.tracker(retry_delay=1.0)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        wired.fx.cancel_delay = 0.3
        pending = await tracker.cancel(order.client_id)
        assert pending.state is OrderState.OPEN
        assert pending.cancel_pending
        # A fill while the cancel is in flight is not hidden by it.
        await wired.sell_into(INSIDE_BID, "0.4")
        partial = await tracker.wait(order.client_id, until=OrderState.PARTIALLY_FILLED, timeout=5)
        assert partial.cancel_pending and partial.executed_quantity == Decimal("0.4")
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.CANCELLED
        assert not done.cancel_pending
        assert done.executed_quantity == Decimal("0.4")
        assert reached(tracker.audit, order.client_id, OrderState.CANCELLED).source == "stream"

        # A fill reported after the cancel (sent through the real socket) updates the quantity
        # and keeps CANCELLED ...
        late_fill = {
            "e": "orderFill",
            "E": 1,
            "s": SYMBOL,
            "c": order.client_id,
            "S": "Bid",
            "o": "LIMIT",
            "X": "Cancelled",
            "i": done.order_id,
            "t": 9_000_001,
            "l": "0.1",
            "L": str(INSIDE_BID),
            "z": "0.5",
        }
        wired.fx.ws.inject("account.orderUpdate", late_fill)
        await until(lambda: tracker.get(order.client_id).executed_quantity == Decimal("0.5"))
        assert tracker.get(order.client_id).state is OrderState.CANCELLED
        # ... unless it completes the order: then FILLED wins.
        wired.fx.ws.inject("account.orderUpdate", {**late_fill, "t": 9_000_002, "z": "1"})
        await until(lambda: tracker.get(order.client_id).state is OrderState.FILLED)

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_cancel_answered_202_with_the_socket_down_is_settled_by_lookup(
    wired: Wired,
) -> None:
    async def scenario() -> None:
        tracker = await wired.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await wired.drop_stream(tracker)
        wired.fx.cancel_delay = 0.1
        assert (await tracker.cancel(order.client_id)).cancel_pending
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.CANCELLED
        assert reached(tracker.audit, order.client_id, OrderState.CANCELLED).source == "reconcile"

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_cancel_of_an_order_that_already_filled_finds_it_filled(wired: Wired) -> None:
    async def scenario() -> None:
        tracker = await wired.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await wired.drop_stream(tracker)
        await wired.sell_into(INSIDE_BID, "1")
        answer = await tracker.cancel(order.client_id)  # 404: no longer resting
        assert not answer.cancel_pending
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert done.executed_quantity == Decimal("1")

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_cancel_whose_answer_is_dropped_after_cancelling_still_ends_cancelled(
    wired: Wired,
) -> None:
    async def scenario() -> None:
        tracker = await wired.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await wired.drop_stream(tracker)
        wired.fx.faults.add("drop_after", path="/api/v1/order", method="DELETE")
        answer = await tracker.cancel(order.client_id)
        # aiohttp itself repeats a DELETE (an idempotent method) once when a kept-alive
        # connection drops: the repeat finds nothing to cancel (404). Either answer leaves the
        # outcome to the lookups, which find the order cancelled.
        assert isinstance(answer.error, (ConnectionLostError, NotFoundError))
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.CANCELLED
        assert reached(tracker.audit, order.client_id, OrderState.CANCELLED).source == "reconcile"

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_closing_the_client_ends_the_trackers_stream(fx: FakeExchange) -> None:
    async def scenario() -> None:
        _, secret = fx.add_account({"USDC": "100"})
        client = AsyncClient(
            api_secret=secret, base_url=fx.base_url, ws_url=fx.ws_url, rate_limiter=False
        )
        async with client, client.order_tracker() as tracker:
            assert tracker.stream_up
            await client.aclose()
            await until(lambda: not tracker.stream_up)
            await asyncio.sleep(0.05)
            assert fx.websocket_count == 0  # not reopened on a closed client

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_a_cancel_answered_503_that_left_the_order_resting_stops_being_pending(
    wired: Wired,
) -> None:
    async def scenario() -> None:
        tracker = await wired.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        wired.fx.faults.add("status", path="/api/v1/order", method="DELETE", status=503)
        pending = await tracker.cancel(order.client_id)
        assert pending.cancel_pending  # a 503 does not prove the cancel was not executed
        assert pending.cancel_deadline_ms is not None
        # Still resting once the cancel's deadline (timestamp + window + margin) has passed:
        # the cancel was never executed, and the bot may cancel again.
        await until(lambda: not tracker.get(order.client_id).cancel_pending)
        after = tracker.get(order.client_id)
        assert after.state is OrderState.OPEN
        step = next(t for t in tracker.audit if t.detail == "cancel not executed by its deadline")
        assert step.time_ms > pending.cancel_deadline_ms
        assert (await tracker.cancel(order.client_id)).state is OrderState.CANCELLED

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_a_tracker_that_falls_behind_its_stream_reconciles_and_opens_it_again(
    wired: Wired, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        monkeypatch.setattr(tracking, "_STREAM_QUEUE", 2)
        tracker = await wired.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        subscribes = len([m for m in wired.fx.ws.received if m.method == "SUBSCRIBE"])
        reconciled = tracker.last_reconciled_ms
        # A burst the consumer cannot take in one go: its queue of 2 overflows.
        for number in range(50):
            wired.fx.ws.inject(
                "account.orderUpdate",
                {"e": "orderAccepted", "s": SYMBOL, "i": f"x{number}", "X": "New", "z": "0"},
            )
        await until(
            lambda: len([m for m in wired.fx.ws.received if m.method == "SUBSCRIBE"]) > subscribes
        )
        await until(lambda: tracker.stream_up and tracker.last_reconciled_ms != reconciled)
        # Still following: a fill now arrives on the reopened stream.
        await wired.sell_into(INSIDE_BID, "1")
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert "fell more than 2 events behind" in caplog.text

    await asyncio.wait_for(scenario(), TIMEOUT)
