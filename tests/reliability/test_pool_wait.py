"""Part 2 and 7: a signature is never older than its send; the wait for a connection is bounded.

100 slow calls fill the pool; an order placed then is signed only when a slot frees (so a short
window does not expire on the way), or fails with a timeout that says it was not sent.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from bpx_async import AsyncClient, RequestTimeoutError, ResponseTimeoutError
from bpx_async._pipeline import normalize_timeout
from bpx_async.testing import FakeExchange


async def _fill_pool(
    fx: FakeExchange, client: AsyncClient, seconds: float
) -> asyncio.Task[list[object]]:
    fx.faults.add("delay", seconds=seconds, path="/api/v1/depth", times=100)
    slow = asyncio.gather(*(client.markets.depth("SOL_USDC", limit=5) for _ in range(100)))
    task: asyncio.Task[list[object]] = asyncio.ensure_future(slow)
    for _ in range(500):  # until all 100 are at the server (bounded: 5 s)
        if sum(r.path == "/api/v1/depth" for r in fx.requests) == 100:
            return task
        await asyncio.sleep(0.01)
    raise AssertionError("the slow calls did not all reach the server")


async def test_an_order_behind_a_full_pool_is_signed_when_a_slot_frees(
    fx: FakeExchange, secret: str
) -> None:
    # A 400 ms window and 1 s of waiting: signed before the wait, this order would expire.
    async with AsyncClient(
        api_secret=secret, base_url=fx.base_url, timeout=20, window=400
    ) as client:
        slow = await _fill_pool(fx, client, 1.0)
        asked = time.monotonic()
        order = await asyncio.wait_for(
            client.orders.execute("SOL_USDC", "Bid", "Limit", price="1", quantity="1"), 10
        )
        waited = time.monotonic() - asked
        await asyncio.wait_for(slow, 10)
    assert order.status == "New"
    assert waited > 0.7  # it really waited for a slot
    sent = next(r for r in fx.requests if r.method == "POST")
    assert sent.received_ms - int(sent.headers["X-Timestamp"]) < 500  # signed at send time


async def test_an_order_that_finds_no_slot_in_time_fails_as_not_sent(
    fx: FakeExchange, secret: str
) -> None:
    bounded = aiohttp.ClientTimeout(total=20, connect=0.2)
    async with AsyncClient(api_secret=secret, base_url=fx.base_url, timeout=bounded) as client:
        slow = await _fill_pool(fx, client, 3.0)  # slots stay taken well past the 0.2 s wait
        with pytest.raises(RequestTimeoutError) as info:
            await asyncio.wait_for(
                client.orders.execute("SOL_USDC", "Bid", "Limit", price="1", quantity="1"), 10
            )
        await asyncio.wait_for(slow, 10)
    error = info.value
    assert not isinstance(error, ResponseTimeoutError)
    assert error.request_sent is False and "not sent" in str(error)
    assert error.client_id is not None and error.deadline_ms is None  # never signed
    assert not any(r.method == "POST" for r in fx.requests)


def test_the_connect_and_pool_wait_is_bounded_whatever_timeout_is_given() -> None:
    assert normalize_timeout(20).connect == 5
    assert normalize_timeout(2).connect == 2
    assert normalize_timeout(aiohttp.ClientTimeout(total=None)).connect == 5
    assert normalize_timeout(aiohttp.ClientTimeout(total=60, sock_read=3)).connect == 5
    kept = aiohttp.ClientTimeout(total=60, connect=1)
    assert normalize_timeout(kept) is kept


def test_the_default_timeout_has_no_per_read_timer() -> None:
    timeout = AsyncClient().timeout
    assert timeout.sock_read is None and timeout.total == 10 and timeout.connect == 5
    assert AsyncClient(timeout=3).timeout.sock_read is None
