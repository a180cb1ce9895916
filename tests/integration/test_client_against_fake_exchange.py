"""The real AsyncClient over real HTTP against the FakeExchange on 127.0.0.1.

These tests use no HTTP mock, so CI also runs them on the newest aiohttp. The fake verifies
signatures with its own code, so every accepted signed request is a cross-check of the signer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from bpx_async import (
    AsyncClient,
    AuthenticationError,
    ConnectionFailedError,
    InvalidOrderError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseValidationError,
    ServerError,
)
from bpx_async.testing import FakeExchange


@pytest.fixture
async def trader(fx: FakeExchange) -> AsyncIterator[AsyncClient]:
    _, secret = fx.add_account({"USDC": "100000", "SOL": "500"})
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        yield client


def _posts(fx: FakeExchange, path: str) -> int:
    return sum(1 for r in fx.requests if r.method == "POST" and r.path == path)


async def test_public_data_for_many_symbols_concurrently(fx: FakeExchange) -> None:
    async with AsyncClient(base_url=fx.base_url) as client:
        assert await client.system.ping() == "pong"
        assert abs(await client.system.time() - fx.now_ms()) < 5_000
        markets = await client.markets.list()
        spot = [m.symbol for m in markets if m.market_type == "SPOT"]
        assert {"SOL_USDC", "BTC_USDC"} <= set(spot)
        tickers = await asyncio.gather(*(client.markets.ticker(s) for s in spot))
        books = await asyncio.gather(*(client.markets.depth(s, limit=5) for s in spot))
    assert [t.symbol for t in tickers if t is not None] == spot
    for book in books:
        assert 0 < len(book.bids) <= 5 and 0 < len(book.asks) <= 5
        assert max(p for p, _ in book.bids) < min(p for p, _ in book.asks)


async def test_signed_order_round_trip_is_accepted_by_an_independent_verifier(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    book = await trader.markets.depth("SOL_USDC", limit=5)
    best_bid = max(p for p, _ in book.bids)
    price = best_bid - Decimal("1.00")
    order = await trader.orders.execute(
        "SOL_USDC",
        "Bid",
        "Limit",
        price=f"{price:f}",
        quantity="1.50",
        post_only=True,
        client_id=42,
    )
    assert order.status == "New" and order.client_id == 42
    assert order.quantity == Decimal("1.50")
    sent = next(r for r in fx.requests if r.path == "/api/v1/order" and r.method == "POST")
    assert sent.json()["postOnly"] is True and sent.json()["quantity"] == "1.50"

    fetched = await trader.orders.get("SOL_USDC", client_id=42)
    assert fetched.id == order.id
    assert [o.id for o in await trader.orders.open("SOL_USDC")] == [order.id]
    balances = await trader.capital.balances()
    assert balances["USDC"].locked == price * Decimal("1.50")

    cancelled = await trader.orders.cancel("SOL_USDC", client_id=42)
    assert cancelled is not None and cancelled.status == "Cancelled"
    assert (await trader.capital.balances())["USDC"].locked == 0
    with pytest.raises(NotFoundError):
        await trader.orders.get("SOL_USDC", order_id=order.id)


async def test_fills_and_history_pages_reach_the_end(trader: AsyncClient) -> None:
    for _ in range(5):
        await trader.orders.execute("SOL_USDC", "Bid", "Market", quantity="0.10")
    fills = [f async for f in trader.history.fills(symbol="SOL_USDC", limit=2)]
    assert len(fills) >= 5
    orders = [o async for o in trader.history.orders(symbol="SOL_USDC", limit=2)]
    assert len(orders) == 5 and all(o.status == "Filled" for o in orders)


async def test_batch_orders_come_back_in_input_order(trader: AsyncClient) -> None:
    results = await trader.orders.execute_batch(
        [
            {
                "symbol": "SOL_USDC",
                "side": "Bid",
                "order_type": "Limit",
                "price": "100.00",
                "quantity": "1",
                "client_id": 1,
            },
            {
                "symbol": "SOL_USDC",
                "side": "Bid",
                "order_type": "Limit",
                "price": "99.00",
                "quantity": "1",
                "client_id": 1,
            },  # duplicate client id: the exchange refuses it
            {
                "symbol": "SOL_USDC",
                "side": "Bid",
                "order_type": "Limit",
                "price": "98.00",
                "quantity": "1",
                "client_id": 3,
            },
        ]
    )
    assert [r.index for r in results] == [0, 1, 2]
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].code == "INVALID_ORDER"


async def test_post_only_order_that_would_take_is_refused(trader: AsyncClient) -> None:
    book = await trader.markets.depth("SOL_USDC", limit=5)
    best_ask = min(p for p, _ in book.asks)
    with pytest.raises(InvalidOrderError):
        await trader.orders.execute(
            "SOL_USDC", "Bid", "Limit", price=f"{best_ask:f}", quantity="1", post_only=True
        )


async def test_stale_timestamp_is_an_authentication_error(fx: FakeExchange) -> None:
    _, secret = fx.add_account({"USDC": "10"})
    fx.clock_offset_ms = 60_000  # the server's clock is a minute ahead of ours
    # Without retries the expired GET is not repeated (the clock is still resynced).
    async with AsyncClient(api_secret=secret, base_url=fx.base_url, max_retries=0) as client:
        with pytest.raises(AuthenticationError):
            await client.capital.balances()


async def test_unknown_key_is_an_authentication_error(fx: FakeExchange) -> None:
    from bpx_async import Signer

    other = "TDSkv44jf/iD/QCKkyCdixO+p1sfLXxk+PZH7mW/ams="  # never registered with the fake
    assert Signer.from_secret(other).api_key not in fx.keys
    async with AsyncClient(api_secret=other, base_url=fx.base_url) as client:
        with pytest.raises(AuthenticationError):
            await client.capital.balances()


async def test_rate_limit_fault_raises_with_retry_after(fx: FakeExchange) -> None:
    fx.faults.add("rate_limit", path="/api/v1/ticker", retry_after=2)
    async with AsyncClient(base_url=fx.base_url, max_retries=0) as client:
        with pytest.raises(RateLimitError) as info:
            await client.markets.ticker("SOL_USDC")
        assert info.value.retry_after == 2
        assert await client.markets.ticker("SOL_USDC") is not None  # the fault was for one call


async def test_server_error_on_order_post_is_not_retried(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    fx.faults.add("status", status=503, path="/api/v1/order", method="POST")
    with pytest.raises(ServerError):
        await trader.orders.execute("SOL_USDC", "Bid", "Market", quantity="0.10")
    assert _posts(fx, "/api/v1/order") == 1


async def test_dropped_connection_on_order_post_is_not_retried(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    fx.faults.add("drop", path="/api/v1/order", method="POST")
    with pytest.raises(ConnectionFailedError):
        await trader.orders.execute("SOL_USDC", "Bid", "Market", quantity="0.10")
    assert _posts(fx, "/api/v1/order") == 1


async def test_malformed_body_raises_response_validation_error_with_raw_body(
    fx: FakeExchange,
) -> None:
    fx.faults.add("malformed", path="/api/v1/markets")
    async with AsyncClient(base_url=fx.base_url) as client:
        with pytest.raises(ResponseValidationError) as info:
            await client.markets.list()
    assert info.value.body


async def test_slow_answer_hits_the_per_call_timeout(fx: FakeExchange) -> None:
    fx.faults.add("delay", seconds=1.0, path="/api/v1/status")
    async with AsyncClient(base_url=fx.base_url) as client:
        with pytest.raises(RequestTimeoutError):
            await client.with_options(timeout=0.2, max_retries=0).system.status()
        assert (await client.system.status()).status == "Ok"


async def test_invalid_order_never_reaches_the_exchange(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    before = len(fx.requests)
    with pytest.raises(RequestValidationError):
        await trader.orders.execute("SOL_USDC", "Bid", "Limit", quantity="1")  # no price
    with pytest.raises(RequestValidationError):
        await trader.orders.execute("SOL_USDC", "Bid", "Market", quantity="-1")
    assert len(fx.requests) == before
