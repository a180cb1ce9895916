"""How a request is handed to aiohttp: the session's own ``_request`` coroutine when its
``request`` is aiohttp's (which only wraps it), else always through ``request``."""

from __future__ import annotations

import warnings
from typing import Any

import aiohttp
from faultkit import Origin

from bpx_async import AsyncClient
from bpx_async._pipeline import _direct
from bpx_async.endpoints import markets, orders
from bpx_async.testing import FakeExchange

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # aiohttp discourages subclasses

    class _CountingSession(aiohttp.ClientSession):
        """A session that looks at every request (as an instrumenting subclass would)."""

        seen: list[str]

        def request(self, method: str, url: Any, **kwargs: Any) -> Any:
            self.seen.append(f"{method} {url}")
            return super().request(method, url, **kwargs)


async def test_aiohttps_own_session_is_sent_to_directly_and_a_subclass_never_is() -> None:
    async with aiohttp.ClientSession() as plain, _CountingSession() as counting:
        assert _direct(plain) is True
        assert _direct(counting) is False


async def test_a_session_subclass_that_overrides_request_sees_every_request(
    origin: Origin,
) -> None:
    async with _CountingSession() as session:
        session.seen = []
        async with AsyncClient(base_url=origin.url, session=session, rate_limiter=False) as c:
            await c.request(markets.TICKER, {"symbol": "SOL_USDC"}, raw=True)
            await c.request(markets.TICKER, {"symbol": "SOL_USDC"}, raw=True)
    assert session.seen == [f"GET {origin.url}/api/v1/ticker?symbol=SOL_USDC"] * 2
    assert len(origin.received) == 2


async def test_a_direct_send_carries_the_same_request(fx: FakeExchange) -> None:
    # The client's own session takes the direct path; the fake verifies each signature and body.
    _, secret = fx.add_account({"USDC": "1000"})
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        await client.markets.ticker("SOL_USDC")
        assert client._pipeline.session.direct is True
        placed = await client.orders.execute(
            "SOL_USDC", "Bid", "Limit", price="1", quantity="1", client_id=42
        )
        assert placed.client_id == 42
        assert (await client.orders.get("SOL_USDC", client_id=42)).client_id == 42
        cancelled = await client.request(orders.CANCEL, {"symbol": "SOL_USDC", "client_id": 42})
        assert cancelled is not None and cancelled.status == "Cancelled"
