"""Part 9: the bpx_async logger (DEBUG per attempt, WARNING on retries, 429s and clock resyncs)
and the on_request hook; never a key, secret or signature in a log line."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bpx_async import AsyncClient, RequestEvent, RetryPolicy, ServiceUnavailableError
from bpx_async.testing import FakeExchange

FAST = RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=1.0)


def _signatures_sent() -> tuple[aiohttp.TraceConfig, list[str]]:
    """A trace config recording every X-Signature header the client sends."""
    sent: list[str] = []

    async def on_start(
        session: aiohttp.ClientSession, ctx: object, params: aiohttp.TraceRequestStartParams
    ) -> None:
        if "X-Signature" in params.headers:
            sent.append(params.headers["X-Signature"])

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    return trace, sent


async def test_each_attempt_is_logged_at_debug_and_a_retry_at_warning(
    fx: FakeExchange, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    fx.faults.add("status", status=503, path="/api/v1/capital")
    fx.faults.add("rate_limit", path="/api/v1/capital", retry_after=0.01)
    trace, signatures = _signatures_sent()
    caplog.set_level(logging.DEBUG, logger="bpx_async")
    async with (
        aiohttp.ClientSession(trace_configs=[trace]) as session,
        AsyncClient(api_secret=secret, base_url=fx.base_url, session=session, retry=FAST) as c,
    ):
        await c.capital.balances()
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [m.split(" in ")[0] for m in debug] == [
        "GET /api/v1/capital -> 503",
        "GET /api/v1/capital -> 429",
        "GET /api/v1/capital -> 200",
    ]
    assert all(" ms (attempt " in m for m in debug)
    assert "attempt 1" in debug[0] and "attempt 3" in debug[2]
    assert any("503" in m and "retrying in" in m for m in warnings)
    assert any("429" in m and "budget paused" in m for m in warnings)
    assert len(signatures) == 3
    text = caplog.text
    for secret_text in [secret, c.api_key or "", *signatures]:
        assert secret_text not in text


async def test_nothing_is_logged_at_the_default_level(
    fx: FakeExchange, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bpx_async")
    async with AsyncClient(base_url=fx.base_url) as client:
        await client.system.status()
    assert caplog.records == []


async def test_the_hook_sees_every_attempt_with_status_latency_and_error(
    fx: FakeExchange,
) -> None:
    fx.faults.add("status", status=503, path="/api/v1/status", times=None)
    events: list[RequestEvent] = []
    async with AsyncClient(base_url=fx.base_url, retry=FAST, on_request=events.append) as c:
        with pytest.raises(ServiceUnavailableError):
            await c.system.status()
        fx.faults.clear()
        await c.system.status()
    assert [(e.endpoint, e.attempt, e.status) for e in events] == [
        ("system.status", 1, 503),
        ("system.status", 2, 503),
        ("system.status", 3, 503),
        ("system.status", 1, 200),
    ]
    assert [e.retry_in is not None for e in events] == [True, True, False, False]
    assert all(isinstance(e.error, ServiceUnavailableError) for e in events[:3])
    assert events[3].error is None and events[3].method == "GET"
    assert all(e.latency_ms > 0 for e in events)


async def test_a_failing_hook_is_logged_and_does_not_fail_the_call(
    fx: FakeExchange, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: RequestEvent) -> None:
        raise RuntimeError("metrics backend down")

    async with AsyncClient(base_url=fx.base_url, on_request=broken) as client:
        assert (await client.system.status()).status == "Ok"
    assert any("on_request hook raised" in r.getMessage() for r in caplog.records)


async def test_debug_turned_on_between_calls_is_seen_by_the_next_call(
    fx: FakeExchange, caplog: pytest.LogCaptureFixture
) -> None:
    # The engine reads the logger's own cache of "is DEBUG on?"; setLevel and logging.disable
    # clear that cache, so a change between calls is never missed.
    caplog.set_level(logging.INFO, logger="bpx_async")
    async with AsyncClient(base_url=fx.base_url) as client:
        await client.markets.ticker("SOL_USDC")
        assert caplog.records == []
        caplog.set_level(logging.DEBUG, logger="bpx_async")
        await client.markets.ticker("SOL_USDC")
        assert ["GET /api/v1/ticker -> 200" in r.getMessage() for r in caplog.records] == [True]
        logging.disable(logging.DEBUG)
        try:
            await client.markets.ticker("SOL_USDC")
        finally:
            logging.disable(logging.NOTSET)
        assert len(caplog.records) == 1
        await client.markets.ticker("SOL_USDC")
        assert len(caplog.records) == 2
