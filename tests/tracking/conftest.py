"""The ``venue`` and ``wired`` fixtures of the order tracker's tests (helpers live in
``tracking_venue``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tracking_venue import FUNDS, WINDOW_MS, EngineStream, FaultyOrders, Venue, Wired

from bpx_async import AsyncClient
from bpx_async.testing import FakeExchange


@pytest.fixture
async def venue(fx: FakeExchange) -> AsyncIterator[Venue]:
    account, secret = fx.add_account(FUNDS)
    _, taker_secret = fx.add_account(FUNDS)
    stream = EngineStream(fx, account)
    stream.start()
    async with (
        AsyncClient(
            api_secret=secret,
            base_url=fx.base_url,
            window=WINDOW_MS,
            timeout=5,
            rate_limiter=False,
        ) as client,
        AsyncClient(
            api_secret=taker_secret, base_url=fx.base_url, timeout=5, rate_limiter=False
        ) as taker,
    ):
        orders = FaultyOrders(client)
        client.orders = orders
        venue = Venue(fx, account, client, orders, taker, stream)
        try:
            yield venue
        finally:
            for tracker in venue.trackers:
                await tracker.aclose()
            stream.close()


@pytest.fixture
async def wired() -> AsyncIterator[Wired]:
    """A fake exchange whose faults are injected at the fake, a client of one account with the
    fake's WebSocket (fast reconnects, no client-side rate limit), and a taker account."""
    async with FakeExchange(request_log_size=200_000) as fx:
        account, secret = fx.add_account(FUNDS)
        _, taker_secret = fx.add_account(FUNDS)
        async with (
            AsyncClient(
                api_secret=secret,
                base_url=fx.base_url,
                ws_url=fx.ws_url,
                window=WINDOW_MS,
                timeout=5,
                rate_limiter=False,
            ) as client,
            AsyncClient(
                api_secret=taker_secret, base_url=fx.base_url, timeout=5, rate_limiter=False
            ) as taker,
        ):
            client.streams.configure(backoff_base=0.02, backoff_cap=0.1, subscribe_grace=0.05)
            wired = Wired(fx, account, client, taker)
            try:
                yield wired
            finally:
                for tracker in wired.trackers:
                    await tracker.aclose()
