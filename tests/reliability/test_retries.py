"""Part 4: safe requests are retried on 429/502/503/504, timeouts and disconnects, with capped
full-jitter backoff; Retry-After is honoured up to the cap; max_retries per client and per call."""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from bpx_async import (
    AsyncClient,
    RateLimitError,
    RequestEvent,
    RetryPolicy,
    ServerError,
    ServiceUnavailableError,
)
from bpx_async.endpoints import markets as market_endpoints
from bpx_async.errors import parse_retry_after
from bpx_async.testing import FakeExchange

FAST = RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=1.0)


def _hits(fx: FakeExchange, path: str) -> int:
    return sum(1 for r in fx.requests if r.path == path)


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("status", {"status": 502}),
        ("status", {"status": 503}),
        ("status", {"status": 504}),
        ("rate_limit", {"retry_after": 0.05}),
        ("drop", {}),
        ("delay", {"seconds": 1.0}),
    ],
)
async def test_a_public_get_is_retried_after_a_transient_failure(
    fx: FakeExchange, kind: str, options: dict[str, float]
) -> None:
    fx.faults.add(kind, path="/api/v1/ticker", **options)  # type: ignore[arg-type]
    async with AsyncClient(base_url=fx.base_url, retry=FAST, timeout=0.3) as client:
        ticker = await client.markets.ticker("SOL_USDC")
    assert ticker is not None and ticker.symbol == "SOL_USDC"
    assert _hits(fx, "/api/v1/ticker") == 2


async def test_a_signed_get_is_re_signed_with_a_fresh_timestamp_per_attempt(
    fx: FakeExchange, secret: str
) -> None:
    fx.faults.add("status", status=503, path="/api/v1/capital", times=2)
    ticks = itertools.count()
    clock = lambda: time.time_ns() // 1_000_000 + next(ticks)  # noqa: E731 - strictly rising
    async with AsyncClient(api_secret=secret, base_url=fx.base_url, retry=FAST, clock=clock) as c:
        balances = await c.capital.balances()
    assert "USDC" in balances
    stamps = [int(r.headers["X-Timestamp"]) for r in fx.requests if r.path == "/api/v1/capital"]
    assert len(stamps) == 3 and stamps == sorted(set(stamps))


async def test_retries_stop_after_max_retries_and_raise_the_last_error(fx: FakeExchange) -> None:
    fx.faults.add("status", status=503, path="/api/v1/ticker", times=None)
    async with AsyncClient(base_url=fx.base_url, retry=FAST) as client:
        with pytest.raises(ServiceUnavailableError):
            await client.markets.ticker("SOL_USDC")
    assert _hits(fx, "/api/v1/ticker") == 3


async def test_max_retries_zero_disables_retries_per_client_and_per_call(
    fx: FakeExchange,
) -> None:
    fx.faults.add("status", status=502, path="/api/v1/ticker", times=None)
    async with AsyncClient(base_url=fx.base_url, max_retries=0) as client:
        with pytest.raises(ServerError):
            await client.markets.ticker("SOL_USDC")
    assert _hits(fx, "/api/v1/ticker") == 1
    async with AsyncClient(base_url=fx.base_url, retry=FAST) as client:
        with pytest.raises(ServerError):
            await client.with_options(max_retries=0).markets.ticker("SOL_USDC")
        with pytest.raises(ServerError):
            await client.request(market_endpoints.TICKER, {"symbol": "SOL_USDC"}, max_retries=0)
        with pytest.raises(ServerError):
            await client.with_options(max_retries=1).markets.ticker("SOL_USDC")
    assert _hits(fx, "/api/v1/ticker") == 1 + 1 + 1 + 2


async def test_a_retry_after_longer_than_the_cap_raises_at_once(fx: FakeExchange) -> None:
    fx.faults.add("rate_limit", path="/api/v1/ticker", retry_after=120)
    async with AsyncClient(base_url=fx.base_url, retry=FAST) as client:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as info:
            await client.markets.ticker("SOL_USDC")
        assert time.monotonic() - started < 1.0
    assert info.value.retry_after == 120
    assert _hits(fx, "/api/v1/ticker") == 1


async def test_retry_after_is_waited_before_the_retry(fx: FakeExchange) -> None:
    fx.faults.add("rate_limit", path="/api/v1/ticker", retry_after=0.4)
    events: list[RequestEvent] = []
    async with AsyncClient(base_url=fx.base_url, retry=FAST, on_request=events.append) as c:
        started = time.monotonic()
        await c.markets.ticker("SOL_USDC")
        assert time.monotonic() - started >= 0.4
    assert [e.status for e in events] == [429, 200]
    assert events[0].retry_in == pytest.approx(0.4)


async def test_writes_are_not_retried_on_server_errors_or_rate_limits(
    fx: FakeExchange, secret: str
) -> None:
    fx.faults.add("status", status=502, path="/api/v1/order", method="POST")
    fx.faults.add("rate_limit", path="/api/v1/order", method="DELETE", retry_after=0.01)
    async with AsyncClient(api_secret=secret, base_url=fx.base_url, retry=FAST) as client:
        with pytest.raises(ServerError):
            await client.orders.execute("SOL_USDC", "Bid", "Limit", price="1", quantity="1")
        with pytest.raises(RateLimitError):
            await client.orders.cancel("SOL_USDC", client_id=1)
    assert sum(1 for r in fx.requests if r.path == "/api/v1/order") == 2


def test_backoff_is_full_jitter_capped() -> None:
    policy = RetryPolicy(max_retries=5, initial_delay=0.5, max_delay=3.0)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (9, 3.0)]:
        delays = [policy.backoff(attempt) for _ in range(300)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # the whole range is used, not a fixed step


def test_retry_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError):
        RetryPolicy(max_delay=-1)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.5") == 0.5
    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    assert parse_retry_after(format_datetime(later, usegmt=True)) == pytest.approx(30, abs=2)
    past = datetime.now(timezone.utc) - timedelta(seconds=30)
    assert parse_retry_after(format_datetime(past, usegmt=True)) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None
