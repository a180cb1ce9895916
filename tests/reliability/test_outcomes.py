"""Parts 3 and 4 on orders: every failure says whether the order may have been processed, carries
its clientId and deadline, and a POST that may have been processed is never sent twice (POSTs are
counted by clientId at the exchange)."""

from __future__ import annotations

import pytest
from faultkit import RESTING_BID, posts_by_client_id

from bpx_async import (
    AsyncClient,
    ConnectionFailedError,
    ConnectionLostError,
    OutcomeUnknownError,
    RequestEvent,
    ResponseTimeoutError,
    ResponseValidationError,
    ServiceUnavailableError,
    UnreadableResultError,
)
from bpx_async.testing import FakeExchange


async def test_a_503_on_an_order_is_one_post_and_not_an_unknown_outcome(
    fx: FakeExchange, secret: str
) -> None:
    fx.faults.add("status", status=503, path="/api/v1/order", method="POST")
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        with pytest.raises(ServiceUnavailableError) as info:
            await client.orders.execute(**RESTING_BID, client_id=7)
    assert posts_by_client_id(fx) == {7: 1}
    assert not isinstance(info.value, OutcomeUnknownError)
    assert info.value.client_id == 7 and info.value.client_ids == (7,)
    assert info.value.deadline_ms is not None


async def test_a_timeout_after_the_order_was_placed_is_one_post_and_can_be_reconciled(
    fx: FakeExchange, secret: str
) -> None:
    fx.faults.add("delay_after", seconds=2, path="/api/v1/order", method="POST")
    async with AsyncClient(api_secret=secret, base_url=fx.base_url, timeout=0.3) as client:
        with pytest.raises(ResponseTimeoutError) as info:
            await client.orders.execute(**RESTING_BID)
        error = info.value
        assert isinstance(error, OutcomeUnknownError) and error.request_sent
        assert error.client_id is not None and f"clientId {error.client_id}" in str(error)
        assert "may have been processed" in str(error)
        placed = await client.orders.get("SOL_USDC", client_id=error.client_id)
    assert placed.client_id == error.client_id  # the exchange did place it
    assert posts_by_client_id(fx) == {error.client_id: 1}
    assert error.deadline_ms is not None
    assert error.deadline_ms - 5000 <= placed.created_at <= error.deadline_ms


async def test_a_disconnect_after_the_order_was_placed_is_one_post(
    fx: FakeExchange, secret: str
) -> None:
    fx.faults.add("drop_after", path="/api/v1/order", method="POST")
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        with pytest.raises(ConnectionLostError) as info:
            await client.orders.execute(**RESTING_BID, client_id=99)
        assert isinstance(info.value, OutcomeUnknownError) and info.value.request_sent
        assert (await client.orders.get("SOL_USDC", client_id=99)).client_id == 99
    assert posts_by_client_id(fx) == {99: 1}


async def test_an_unreadable_2xx_to_an_order_is_an_unknown_outcome_not_retried(
    fx: FakeExchange, secret: str
) -> None:
    fx.faults.add("malformed", path="/api/v1/order", method="POST")
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        with pytest.raises(UnreadableResultError) as info:
            await client.orders.execute(**RESTING_BID, client_id=5)
    assert isinstance(info.value, OutcomeUnknownError)
    assert info.value.client_id == 5 and info.value.body
    assert posts_by_client_id(fx) == {5: 1}


async def test_an_unreadable_2xx_to_a_get_is_a_plain_validation_error(fx: FakeExchange) -> None:
    fx.faults.add("malformed", path="/api/v1/ticker")
    async with AsyncClient(base_url=fx.base_url) as client:
        with pytest.raises(ResponseValidationError) as info:
            await client.markets.ticker("SOL_USDC")
    assert not isinstance(info.value, OutcomeUnknownError)


async def test_a_refused_connection_is_not_sent_and_an_order_is_retried_then_reported(
    fx: FakeExchange, secret: str
) -> None:
    port = fx.port
    await fx.stop()  # nothing listens on the port any more
    events: list[RequestEvent] = []
    async with AsyncClient(
        api_secret=secret, base_url=f"http://127.0.0.1:{port}", on_request=events.append
    ) as client:
        with pytest.raises(ConnectionFailedError) as info:
            await client.orders.execute(**RESTING_BID, client_id=3)
    error = info.value
    assert error.request_sent is False and not isinstance(error, OutcomeUnknownError)
    assert "not sent" in str(error) and error.client_id == 3
    # Provably never sent, so repeating it was safe: 1 attempt + 2 retries.
    assert [e.attempt for e in events] == [1, 2, 3]
    assert [e.retry_in is not None for e in events] == [True, True, False]


async def test_orders_without_a_client_id_get_a_generated_uint32(
    fx: FakeExchange, secret: str
) -> None:
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        order = await client.orders.execute(**RESTING_BID)
        batch = await client.orders.execute_batch([RESTING_BID, RESTING_BID])
        mine = await client.orders.execute(**RESTING_BID, client_id=12)
    assert order.client_id is not None and 0 < order.client_id < 2**32
    ids = [r.order.client_id for r in batch if r.order is not None]
    assert len(ids) == 2 and len(set(ids)) == 2 and all(i and 0 < i < 2**32 for i in ids)
    assert mine.client_id == 12
    assert all(count == 1 for count in posts_by_client_id(fx).values())


async def test_generated_client_ids_can_be_turned_off(fx: FakeExchange, secret: str) -> None:
    async with AsyncClient(api_secret=secret, base_url=fx.base_url, auto_client_id=False) as client:
        order = await client.orders.execute(**RESTING_BID)
    assert order.client_id is None
    assert posts_by_client_id(fx) == {None: 1}
