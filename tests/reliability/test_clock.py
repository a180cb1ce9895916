"""Part 6: clock skew. The FakeExchange's clock runs 30 s ahead of or behind ours; sync_time()
measures it, every later timestamp is corrected, an expired GET resyncs and retries once, and an
expired order raises naming the clock skew and the measured offset (and is not re-sent)."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from faultkit import RESTING_BID, posts_by_client_id

from bpx_async import AsyncClient, AuthenticationError, RequestExpiredError
from bpx_async.testing import FakeExchange

SKEWS = [30_000, -30_000]


@pytest.mark.parametrize("skew", SKEWS)
async def test_sync_time_measures_the_offset_and_signed_calls_then_pass(
    fx: FakeExchange, secret: str, skew: int
) -> None:
    fx.clock_offset_ms = skew
    async with AsyncClient(api_secret=secret, base_url=fx.base_url, max_retries=0) as client:
        offset = await client.sync_time()
        assert abs(offset - skew) < 250 and client.clock_offset_ms == offset
        assert client.with_options(timeout=3).clock_offset_ms == offset  # views share it
        order = await client.orders.execute(**RESTING_BID)
    assert order.status == "New"
    assert sum(1 for r in fx.requests if r.path == "/api/v1/time") == 5  # the median of five


@pytest.mark.parametrize("skew", SKEWS)
async def test_an_expired_get_resyncs_once_and_succeeds(
    fx: FakeExchange, secret: str, skew: int, caplog: pytest.LogCaptureFixture
) -> None:
    fx.clock_offset_ms = skew
    with caplog.at_level(logging.WARNING, logger="bpx_async"):
        async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
            balances = await client.capital.balances()
            assert abs(client.clock_offset_ms - skew) < 250
    assert "USDC" in balances
    assert [r.path for r in fx.requests if r.path != "/api/v1/time"] == ["/api/v1/capital"] * 2
    assert any("clock resync" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("skew", SKEWS)
async def test_an_expired_order_names_the_clock_skew_and_is_not_resent(
    fx: FakeExchange, secret: str, skew: int
) -> None:
    fx.clock_offset_ms = skew
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        with pytest.raises(RequestExpiredError) as info:
            await client.orders.execute(**RESTING_BID, client_id=77)
        error = info.value
        assert isinstance(error, AuthenticationError)
        assert "clock skew" in str(error) and f"{error.offset_ms:+d} ms" in str(error)
        assert error.offset_ms is not None and abs(error.offset_ms - skew) < 250
        assert posts_by_client_id(fx) == {77: 1}
        again = await client.orders.execute(**RESTING_BID, client_id=78)  # corrected now
    assert again.client_id == 78


async def test_a_periodic_resync_runs_before_a_signed_call_when_due(
    fx: FakeExchange, secret: str
) -> None:
    fx.clock_offset_ms = 30_000
    async with AsyncClient(
        api_secret=secret, base_url=fx.base_url, time_sync_interval=60, max_retries=0
    ) as client:
        await client.capital.balances()
        await client.capital.balances()  # not due again within 60 s
        assert abs(client.clock_offset_ms - 30_000) < 250
    paths = [r.path for r in fx.requests]
    assert paths == ["/api/v1/time"] * 3 + ["/api/v1/capital"] * 2


def test_time_sync_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="time_sync_interval"):
        AsyncClient(time_sync_interval=0)


async def test_a_periodic_resync_with_every_slot_taken_does_not_stall(
    fx: FakeExchange, secret: str
) -> None:
    fx.clock_offset_ms = 30_000
    bounded = aiohttp.ClientTimeout(total=5, connect=1)
    async with AsyncClient(
        api_secret=secret,
        base_url=fx.base_url,
        time_sync_interval=60,
        max_connections=2,
        timeout=bounded,
        max_retries=0,
    ) as client:
        results = await asyncio.wait_for(
            asyncio.gather(*(client.capital.balances() for _ in range(10))), 10
        )
    assert len(results) == 10
    assert sum(1 for r in fx.requests if r.path == "/api/v1/time") == 3  # one sync for all


async def test_a_failed_periodic_resync_does_not_fail_the_call(
    fx: FakeExchange, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    fx.faults.add("status", status=503, path="/api/v1/time", times=None)
    async with AsyncClient(
        api_secret=secret, base_url=fx.base_url, time_sync_interval=60, max_retries=0
    ) as client:
        assert "USDC" in await client.capital.balances()
        assert client.clock_offset_ms == 0
    assert any("clock resync (periodic) failed" in r.getMessage() for r in caplog.records)
