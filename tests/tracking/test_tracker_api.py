"""What a bot sees of the tracker: outcomes of failed requests, rejections, external orders,
the transition feed, stream wiring, REST-only mode, waiting, cancel-replace and shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from tracking_venue import FAST, INSIDE_BID, SYMBOL, Venue

from bpx_async import (
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConnectionFailedError,
    ConnectionLostError,
    EventLoopError,
    InsufficientFundsError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseTimeoutError,
    ResponseValidationError,
    ServerError,
    ServiceUnavailableError,
    StreamErrorEvent,
    StreamReset,
    UnreadableResultError,
)
from bpx_async.streams import EventsDropped
from bpx_async.tracking import OrderState, OrderTracker, Transition, _outcome

TIMEOUT = 10


def api_error(cls: type[Any], status: int, code: str | None) -> Any:
    return cls(status=status, code=code, message="m", body=b"", method="POST", path="/p")


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (api_error(InsufficientFundsError, 400, "INSUFFICIENT_FUNDS"), "rejected"),
        (api_error(BadRequestError, 400, "INVALID_ORDER"), "rejected"),
        (api_error(AuthenticationError, 401, "UNAUTHORIZED"), "rejected"),
        (api_error(BadRequestError, 400, None), "unknown"),  # plain text: not the API's word
        (api_error(NotFoundError, 404, "RESOURCE_NOT_FOUND"), "unknown"),
        (api_error(RateLimitError, 429, "TOO_MANY_REQUESTS"), "unknown"),
        (api_error(ServerError, 500, "SERVER_ERROR"), "unknown"),
        (api_error(ServiceUnavailableError, 503, "MAINTENANCE"), "unknown"),
        (RequestTimeoutError("t", method="POST", path="/p"), "unknown"),
        (ConnectionFailedError("c", method="POST", path="/p"), "unknown"),
        (ResponseValidationError("r", body=b"{", method="POST", path="/p"), "unknown"),
        (ConnectionFailedError("n", method="POST", path="/p", request_sent=False), "not_sent"),
        (RequestValidationError("v"), "not_sent"),
        # The pipeline's own errors after sending: never "not sent", whatever their base says.
        (ResponseTimeoutError("t", method="POST", path="/p"), "unknown"),
        (ConnectionLostError("l", method="POST", path="/p"), "unknown"),
        (UnreadableResultError("u", body=b"{", method="POST", path="/p"), "unknown"),
        (RequestTimeoutError("c", method="POST", path="/p", request_sent=False), "not_sent"),
        (ClientClosedError("closed"), "not_sent"),
        (EventLoopError("loop"), "not_sent"),
        (RuntimeError("unexpected"), "unknown"),
    ],
)
def test_failed_requests_are_classified_conservatively(exc: Exception, outcome: str) -> None:
    assert _outcome(exc) == outcome


async def test_a_definitive_refusal_is_rejected_and_keeps_the_error(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="90000", price="149")
        assert order.state is OrderState.REJECTED
        assert isinstance(order.error, InsufficientFundsError)
        assert venue.exchange_orders(order.client_id) == []

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_bad_input_raises_before_sending_and_tracks_nothing(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        with pytest.raises(RequestValidationError):
            await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1")  # no price
        assert tracker.snapshot() == {}
        assert [r for r in venue.fx.requests if r.path == "/api/v1/order"] == []

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_a_client_id_already_tracked_is_refused(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID, client_id=5)
        with pytest.raises(ValueError, match="already tracked"):
            await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price="149", client_id=5)
        assert len(venue.exchange_orders(5)) == 1

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_picked_client_ids_are_distinct_uint32(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        orders = [
            await tracker.submit(SYMBOL, "Bid", "Limit", quantity="0.01", price="100")
            for _ in range(20)
        ]
        ids = [order.client_id for order in orders]
        assert len(set(ids)) == 20
        assert all(0 < cid < 2**32 for cid in ids)

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_orders_placed_elsewhere_are_external_never_tracked(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        mine = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        # Same account, another program: one with a clientId, one without.
        other = await venue.client.orders.execute(
            SYMBOL, "Bid", "Limit", quantity="1", price="140", client_id=99
        )
        bare = await venue.client.orders.execute(SYMBOL, "Bid", "Limit", quantity="1", price="141")
        await asyncio.sleep(0.05)
        assert {e.order_id for e in tracker.external} == {other.id, bare.id}
        assert set(tracker.snapshot()) == {mine.client_id}
        await tracker.reconcile()  # reconciliation files them as external too
        assert {(e.order_id, e.source) for e in tracker.external} == {
            (other.id, "reconcile"),
            (bare.id, "reconcile"),
        }
        assert set(tracker.snapshot()) == {mine.client_id}

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_transitions_feed_reports_old_new_source_and_fill(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        feed = tracker.transitions()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await venue.sell_into(INSIDE_BID, "1")
        await tracker.wait(order.client_id, timeout=5)
        seen: list[Transition] = []
        async for transition in feed:
            seen.append(transition)
            if transition.new is OrderState.FILLED:
                break
        feed.close()
        steps = [(t.old, t.new, t.source) for t in seen if t.old is not t.new]
        assert steps[:2] == [
            (OrderState.PENDING_SUBMIT, OrderState.SUBMITTED, "local"),
            (OrderState.SUBMITTED, OrderState.OPEN, "stream"),  # the stream beat the answer
        ]
        assert steps[-1][1] is OrderState.FILLED
        fills = [t.fill for t in seen if t.fill is not None]
        assert [f.quantity for f in fills] == [Decimal("1")]
        assert all(t.time_ms > 0 for t in seen)
        assert tracker.audit[: len(seen)] == seen

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_the_transition_feed_ends_when_the_tracker_closes(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        feed = tracker.transitions()
        await tracker.aclose()
        assert [t async for t in feed] == []

    await asyncio.wait_for(scenario(), TIMEOUT)


class OrderUpdate:
    """Stands for a typed stream event: only ``model_dump(by_alias=True)`` is used."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def model_dump(self, *, by_alias: bool) -> dict[str, Any]:
        assert by_alias
        return dict(self._data)


async def test_run_stream_applies_typed_events_and_reconciles_on_reset(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        queue: asyncio.Queue[Any] = asyncio.Queue()

        async def events() -> AsyncIterator[Any]:
            while (item := await queue.get()) is not None:
                yield item

        runner = asyncio.create_task(tracker.run_stream(events()))
        await asyncio.sleep(0)
        assert tracker.stream_up
        accepted = venue.fx.engine.order_history(venue.account)[0]
        fill = {
            "e": "orderFill",
            "E": 1,
            "s": SYMBOL,
            "c": order.client_id,
            "S": "Bid",
            "o": "LIMIT",
            "f": "GTC",
            "X": "PartiallyFilled",
            "i": accepted["id"],
            "t": 77,
            "l": "0.25",
            "L": str(INSIDE_BID),
            "z": "0.25",
            "Z": "37.4975",
            "T": 1,
        }
        queue.put_nowait(OrderUpdate(fill))
        queue.put_nowait({"stream": "account.orderUpdate", "data": {**fill, "t": 77}})
        await asyncio.sleep(0.01)
        assert tracker.get(order.client_id).executed_quantity == Decimal("0.25")
        reconciled = tracker.last_reconciled_ms
        queue.put_nowait(StreamReset(frozenset({"account.orderUpdate"}), "test", 0.1))
        for _ in range(100):
            if tracker.last_reconciled_ms != reconciled:
                break
            await asyncio.sleep(0.01)
        assert tracker.last_reconciled_ms != reconciled
        # Events dropped by a slow consumer are lost events too: reconcile again. An error
        # event is only logged.
        queue.put_nowait(StreamErrorEvent(4000, "bad frame"))
        reconciled = tracker.last_reconciled_ms
        queue.put_nowait(EventsDropped(3))
        for _ in range(100):
            if tracker.last_reconciled_ms != reconciled:
                break
            await asyncio.sleep(0.01)
        assert tracker.last_reconciled_ms != reconciled
        assert tracker.get(order.client_id).executed_quantity == Decimal("0.25")
        queue.put_nowait(None)
        await runner
        assert not tracker.stream_up

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_without_any_stream_the_timer_reconciliation_finds_fills(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False, reconcile_interval_stream_down=0.1)
        assert not tracker.stream_up  # REST only, and it says so
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await venue.sell_into(INSIDE_BID, "1")
        done = await tracker.wait(order.client_id, timeout=5)
        assert done.state is OrderState.FILLED
        assert tracker.last_reconciled_ms is not None

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_reconciliation_skips_busy_orders_then_sees_partial_fills(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False, quiet_period=0.5)
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        await venue.sell_into(INSIDE_BID, "0.3")
        await tracker.reconcile()  # the submit was just now: left to the events in flight
        assert tracker.get(order.client_id).state is OrderState.OPEN
        await asyncio.sleep(0.5)
        await tracker.reconcile()
        now = tracker.get(order.client_id)
        assert now.state is OrderState.PARTIALLY_FILLED
        assert now.executed_quantity == Decimal("0.3")

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_wait_times_out_when_the_order_does_not_get_there(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        with pytest.raises(asyncio.TimeoutError):
            await tracker.wait(order.client_id, until=OrderState.FILLED, timeout=0.05)
        # A waiter for OPEN returns at once; one for a state never reached returns when the
        # order can no longer change.
        assert (await tracker.wait(order.client_id, until=OrderState.OPEN)).state is (
            OrderState.OPEN
        )
        waiter = asyncio.create_task(
            tracker.wait(order.client_id, until=OrderState.PARTIALLY_FILLED, timeout=5)
        )
        await asyncio.sleep(0)
        await tracker.cancel(order.client_id)
        assert (await waiter).state is OrderState.CANCELLED

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_cancel_replace_places_the_new_order_only_after_the_old_one_ended(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        old = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        new = await tracker.cancel_replace(old.client_id, quantity="2", price="149.5")
        again = await tracker.cancel_replace(new.client_id, price="149.4")  # keeps quantity 2
        assert (again.quantity, again.price) == (Decimal("2"), Decimal("149.4"))
        assert tracker.get(new.client_id).state is OrderState.CANCELLED
        await tracker.cancel(again.client_id)
        assert tracker.get(old.client_id).state is OrderState.CANCELLED
        assert new.client_id != old.client_id
        assert new.state is OrderState.OPEN
        assert (new.symbol, new.side, new.quantity) == (SYMBOL, "Bid", Decimal("2"))
        assert await venue.client.orders.open(SYMBOL) == []
        # The cancel was confirmed before the new order was sent.
        cancelled_at = next(
            i
            for i, t in enumerate(tracker.audit)
            if t.client_id == old.client_id and t.new is OrderState.CANCELLED
        )
        sent_at = next(
            i
            for i, t in enumerate(tracker.audit)
            if t.client_id == new.client_id and t.new is OrderState.SUBMITTED
        )
        assert cancelled_at < sent_at

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_a_tracker_must_be_started_and_cannot_be_used_after_close(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = OrderTracker(venue.client, **FAST)
        with pytest.raises(RuntimeError, match="start"):
            await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        async with tracker:
            pass
        with pytest.raises(RuntimeError, match="closed"):
            await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_closing_leaves_no_task_running_and_ends_waiters(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        venue.orders.never_send = 3
        orders = [  # three unresolved orders, each with a lookup task
            await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
            for _ in range(3)
        ]
        waiter = asyncio.create_task(tracker.wait(orders[0].client_id, timeout=5))
        await asyncio.sleep(0)
        tasks = set(tracker._tasks)
        assert len(tasks) == 4  # the timer and three lookups
        await tracker.aclose()
        assert all(task.done() for task in tasks)
        assert tracker._tasks == set()
        with pytest.raises(RuntimeError, match="closed"):
            await waiter
        with pytest.raises(RuntimeError, match="closed"):
            await tracker.wait(orders[1].client_id, timeout=5)

    await asyncio.wait_for(scenario(), TIMEOUT)


def test_knobs_are_checked() -> None:
    class Client:
        window = 5000

        @staticmethod
        def _clock() -> int:
            return 0

    with pytest.raises(ValueError, match="retry_delay"):
        OrderTracker(Client(), retry_delay=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="deadline_margin_ms"):
        OrderTracker(Client(), deadline_margin_ms=-1)  # type: ignore[arg-type]


async def test_a_submit_cancelled_in_flight_is_unknown_and_still_resolved(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False)
        venue.orders.hold = asyncio.Event()  # the order is placed, the answer never comes
        submit = asyncio.create_task(
            tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID, client_id=3)
        )
        for _ in range(100):
            if venue.exchange_orders(3):
                break
            await asyncio.sleep(0.01)
        submit.cancel()
        with pytest.raises(asyncio.CancelledError):
            await submit
        assert tracker.get(3).state is OrderState.UNKNOWN
        resolved = await tracker.wait(3, until=OrderState.OPEN, timeout=5)
        assert resolved.order_id == venue.exchange_orders(3)[0]["id"]

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_a_wrong_keyword_raises_and_tracks_nothing(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        with pytest.raises(TypeError):
            await tracker.submit(SYMBOL, "Bid", "Limit", qty="1", price=INSIDE_BID)
        assert tracker.snapshot() == {}

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_an_order_proved_not_placed_is_never_revived_by_a_later_event(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker(stream=False, deadline_margin_ms=0)
        venue.orders.never_send = 1
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert (await tracker.wait(order.client_id, timeout=5)).state is OrderState.NOT_PLACED
        # An event with that clientId after the proof: reported, not mixed into the order.
        stray = {"e": "orderAccepted", "s": SYMBOL, "c": order.client_id, "X": "New", "i": "x1"}
        tracker.on_order_update(stray)
        assert tracker.get(order.client_id).state is OrderState.NOT_PLACED
        assert [e.order_id for e in tracker.external] == ["x1"]

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_forgotten_orders_free_memory_and_their_ids_stay_reserved(venue: Venue) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        order = await tracker.submit(
            SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID, client_id=11
        )
        with pytest.raises(ValueError, match="not terminal"):
            tracker.forget(11)
        await tracker.cancel(11)
        cancelled = venue.stream.delivered[-1]
        await tracker.wait(11, timeout=5)
        tracker.forget(11)
        assert tracker.snapshot() == {}
        tracker.on_order_update({**cancelled, "e": "orderFill", "t": 5, "l": "0.1", "z": "0.1"})
        assert tracker.external == []  # a late event about it is not an external order
        with pytest.raises(ValueError, match="already tracked"):
            await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price="149", client_id=11)
        assert order.client_id == 11

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_a_deadline_carried_by_the_error_is_used_with_the_margin(venue: Venue) -> None:
    class Expired(ConnectionFailedError):
        """A transport error that knows the request's deadline (timestamp + window)."""

        deadline_ms = 1_000

    async def scenario() -> None:
        tracker = venue.tracker(stream=False, deadline_margin_ms=250)
        venue.orders.never_send = 1
        venue.orders.never_send_error = Expired("lost", method="POST", path="/api/v1/order")
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.deadline_ms == 1_250
        # Long past (the clock is the real time): not placed at the first lookup round.
        assert (await tracker.wait(order.client_id, timeout=5)).state is OrderState.NOT_PLACED

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_the_deadline_follows_the_injected_server_clock(venue: Venue) -> None:
    now = [10_000_000]

    async def scenario() -> None:
        tracker = OrderTracker(venue.client, clock=lambda: now[0], **FAST)
        venue.trackers.append(tracker)
        tracker.start()
        venue.orders.never_send = 1
        order = await tracker.submit(SYMBOL, "Bid", "Limit", quantity="1", price=INSIDE_BID)
        assert order.deadline_ms == 10_000_000 + 1000 + 200  # now + window + margin
        await asyncio.sleep(0.3)  # lookups run, but the server clock has not moved
        assert tracker.get(order.client_id).state is OrderState.UNKNOWN
        now[0] += 1201
        assert (await tracker.wait(order.client_id, timeout=5)).state is OrderState.NOT_PLACED

    await asyncio.wait_for(scenario(), TIMEOUT)


async def test_trigger_statuses_map_to_trigger_pending_and_a_failed_trigger_is_rejected(
    venue: Venue,
) -> None:
    async def scenario() -> None:
        tracker = venue.tracker()
        order = await tracker.submit(
            SYMBOL, "Bid", "Limit", quantity="1", price="140", client_id=21
        )
        base = {**venue.stream.delivered[0], "c": 21}
        tracker.on_order_update({**base, "e": "triggerPlaced", "X": "TriggerPending"})
        assert tracker.get(21).state is OrderState.TRIGGER_PENDING
        tracker.on_order_update({**base, "e": "triggerFailed", "X": "TriggerFailed"})
        assert tracker.get(21).state is OrderState.REJECTED
        assert tracker.get(21).status == "TriggerFailed"
        assert order.order_id == base["i"]

    await asyncio.wait_for(scenario(), TIMEOUT)
