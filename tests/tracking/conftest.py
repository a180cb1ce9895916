"""The ``venue`` and ``wired`` fixtures of the order tracker's tests (helpers live in
``tracking_venue``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tracking_venue import FUNDS, WINDOW_MS, EngineStream, FaultyOrders, Venue, Wired

from bpx_async import AsyncClient
from bpx_async.testing import FakeExchange


def _clients(
    fx: FakeExchange, secret: str, taker_secret: str, **extra: str
) -> tuple[AsyncClient, AsyncClient]:
    """The tracked account's client (``extra`` options added) and a taker's, both without a
    client-side rate limit (the tests burst far harder than a bot)."""
    client = AsyncClient(
        api_secret=secret,
        base_url=fx.base_url,
        window=WINDOW_MS,
        timeout=5,
        rate_limiter=False,
        **extra,
    )
    taker = AsyncClient(
        api_secret=taker_secret, base_url=fx.base_url, timeout=5, rate_limiter=False
    )
    return client, taker


@pytest.fixture
async def venue(fx: FakeExchange) -> AsyncIterator[Venue]:
    account, secret = fx.add_account(FUNDS)
    _, taker_secret = fx.add_account(FUNDS)
    stream = EngineStream(fx, account)
    stream.start()
    client, taker = _clients(fx, secret, taker_secret)
    async with client, taker:
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
        client, taker = _clients(fx, secret, taker_secret, ws_url=fx.ws_url)
        async with client, taker:
            client.streams.configure(backoff_base=0.02, backoff_cap=0.1, subscribe_grace=0.05)
            wired = Wired(fx, account, client, taker)
            try:
                yield wired
            finally:
                for tracker in wired.trackers:
                    await tracker.aclose()
