"""The engine apart from the facade: views that close only what they own, raw responses for every
operation, and result checks that raise from the pipeline. Against the FakeExchange on 127.0.0.1.
"""

from __future__ import annotations

import asyncio

import pytest

from bpx_async import (
    AsyncClient,
    ClientClosedError,
    NotFoundError,
    RateLimiter,
    ResponseValidationError,
)
from bpx_async._pipeline import _Gate
from bpx_async.endpoints import markets as market_endpoints
from bpx_async.endpoints import system as system_endpoints
from bpx_async.testing import FakeExchange

_ODD_TICKER = {
    "symbol": "SOL_USDC",
    "firstPrice": "100",
    "lastPrice": "101",
    "priceChangePercent": "N/A",
    "trades": "7",
}


# --- views close only what they own -------------------------------------------------------


async def test_closing_a_with_options_view_leaves_the_parent_open(fx: FakeExchange) -> None:
    async with AsyncClient(base_url=fx.base_url) as client:
        async with client.with_options(timeout=2) as fast:
            assert await fast.system.ping() == "pong"
        assert fast.closed and not client.closed
        assert await client.system.ping() == "pong"
        with pytest.raises(ClientClosedError, match="view is closed"):
            await fast.system.ping()
    assert client.closed


async def test_closing_the_parent_closes_the_shared_session_for_every_view(
    fx: FakeExchange,
) -> None:
    client = AsyncClient(base_url=fx.base_url)
    view = client.with_options(window=10_000)
    assert await view.system.ping() == "pong"
    session = client._pipeline.session.session
    assert session is not None and session is view._pipeline.session.session
    await client.aclose()
    assert session.closed and view.closed
    with pytest.raises(ClientClosedError):
        await view.system.ping()


async def _close_while_the_second_ping_waits(
    fx: FakeExchange, client: AsyncClient, waits_for: float
) -> None:
    """Start a ping; ``waits_for`` seconds later, with one ping at the exchange and this one
    waiting to be sent, close the client: the waiting ping fails "not sent", and the exchange
    never sees a second ping."""
    waiting = asyncio.create_task(client.system.ping())
    await asyncio.sleep(waits_for)
    assert [r.path for r in fx.requests] == ["/api/v1/ping"]
    await client.aclose()
    with pytest.raises(ClientClosedError, match="not sent"):
        await asyncio.wait_for(waiting, 5)
    assert [r.path for r in fx.requests].count("/api/v1/ping") == 1


async def test_a_request_waiting_for_its_budget_when_the_client_closes_is_not_sent(
    fx: FakeExchange,
) -> None:
    # 60/min with a burst of 1: the second ping waits about a second for its slot.
    client = AsyncClient(base_url=fx.base_url, rate_limiter=RateLimiter(60, standard_burst=1))
    assert await client.system.ping() == "pong"
    await _close_while_the_second_ping_waits(fx, client, waits_for=0.2)


async def test_a_retry_whose_client_closed_during_its_backoff_is_not_sent(
    fx: FakeExchange,
) -> None:
    # No limiter, so the only wait before the second attempt is the 429's Retry-After sleep;
    # after 0.4 s the 429 is in and the retry sleeps until about 1 s.
    fx.faults.add("rate_limit", path="/api/v1/ping", retry_after=1.0)
    client = AsyncClient(base_url=fx.base_url, rate_limiter=False)
    await _close_while_the_second_ping_waits(fx, client, waits_for=0.4)


# --- raw responses --------------------------------------------------------------------------


async def test_raw_request_returns_status_headers_bytes_and_parses_lazily(
    fx: FakeExchange,
) -> None:
    async with AsyncClient(base_url=fx.base_url) as client:
        raw = await client.request(market_endpoints.TICKER, {"symbol": "SOL_USDC"}, raw=True)
    assert raw.status == 200
    assert raw.headers["Content-Type"].startswith("application/json")
    assert raw.json()["symbol"] == "SOL_USDC"
    ticker = raw.parse()
    assert ticker is not None and ticker.symbol == "SOL_USDC"
    assert raw.parse() is ticker  # validated once, then cached


async def test_raw_keeps_the_data_when_the_model_rejects_a_value(fx: FakeExchange) -> None:
    fx.faults.add("status", status=200, body=_ODD_TICKER, path="/api/v1/ticker", times=2)
    async with AsyncClient(base_url=fx.base_url) as client:
        with pytest.raises(ResponseValidationError):
            await client.markets.ticker("SOL_USDC")
        raw = await client.raw(client.markets.ticker, "SOL_USDC")
    assert raw.status == 200
    assert raw.json()["priceChangePercent"] == "N/A"
    with pytest.raises(ResponseValidationError, match=r"price_?[cC]hange_?[pP]ercent"):
        raw.parse()


async def test_raw_of_any_operation_gives_the_operations_own_result(fx: FakeExchange) -> None:
    async with AsyncClient(base_url=fx.base_url) as client:
        raw = await client.raw(client.system.time)
        depth = await client.raw(client.markets.depth, "SOL_USDC", limit=5)
    assert isinstance(raw.parse(), int) and raw.text() == str(raw.parse())
    assert depth.status == 200 and len(depth.parse().bids) == 5


async def test_raw_lets_http_errors_through_typed(fx: FakeExchange) -> None:
    fx.faults.add("status", status=404, path="/api/v1/ticker")
    async with AsyncClient(base_url=fx.base_url) as client:
        with pytest.raises(NotFoundError):
            await client.raw(client.markets.ticker, "SOL_USDC")


# --- result checks raise from the pipeline ----------------------------------------------------


async def test_a_failed_result_check_is_a_response_error_with_the_raw_body(
    fx: FakeExchange,
) -> None:
    fx.faults.add("status", status=200, body="12:00", path="/api/v1/time")
    async with AsyncClient(base_url=fx.base_url) as client:
        with pytest.raises(ResponseValidationError, match="milliseconds") as info:
            await client.system.time()
    assert info.value.body == b"12:00"
    assert info.value.path == system_endpoints.TIME.path


# --- the in-flight gate -------------------------------------------------------------------------


async def test_the_gate_serves_waiters_in_order_and_times_out_the_rest() -> None:
    gate = _Gate(1)
    assert await gate.acquire(1.0)
    order: list[str] = []

    async def wait(name: str, timeout: float) -> None:
        if await gate.acquire(timeout):
            order.append(name)
            gate.release()
        else:
            order.append(f"{name} timed out")

    first = asyncio.ensure_future(wait("first", 5.0))
    second = asyncio.ensure_future(wait("second", 5.0))
    late = asyncio.ensure_future(wait("late", 0.05))
    await asyncio.sleep(0.1)  # "late" gives up while the slot is still held
    gate.release()
    await asyncio.wait_for(asyncio.gather(first, second, late), 5)
    assert order == ["late timed out", "first", "second"]
    assert gate.free == 1 and not gate.waiters


async def test_a_cancelled_waiter_passes_its_slot_on() -> None:
    gate = _Gate(1)
    assert await gate.acquire(1.0)
    cancelled = asyncio.ensure_future(gate.acquire(5.0))
    behind = asyncio.ensure_future(gate.acquire(5.0))
    await asyncio.sleep(0)
    gate.release()  # the slot goes to the first waiter, which is cancelled before it runs
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert await asyncio.wait_for(behind, 5) is True
    gate.release()
    assert gate.free == 1


async def test_the_session_and_the_corrected_clock_are_there_for_websockets(
    fx: FakeExchange,
) -> None:
    fx.clock_offset_ms = 30_000
    async with AsyncClient(base_url=fx.base_url) as client:
        session = client.http_session()
        assert session is client.with_options(timeout=1).http_session()
        before = client.now_ms()
        await client.sync_time(samples=3)
        assert client.now_ms() - before > 29_000
    assert session.closed
    with pytest.raises(ClientClosedError):
        client.http_session()
