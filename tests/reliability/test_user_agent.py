"""What identifies the SDK on the wire: the User-Agent of the session the client creates."""

from __future__ import annotations

import aiohttp
from faultkit import Origin

from bpx_async import AsyncClient, __version__
from bpx_async.endpoints import markets

_TICKER = {"symbol": "SOL_USDC"}


async def test_the_clients_own_session_sends_its_user_agent_once(origin: Origin) -> None:
    async with AsyncClient(base_url=origin.url, rate_limiter=False) as client:
        await client.request(markets.TICKER, _TICKER, raw=True)
        await client.request(markets.TICKER, _TICKER, raw=True)  # from the prepared cache
    assert len(origin.received) == 2
    for _, _, headers, _ in origin.received:
        assert headers["User-Agent"] == f"bpx_async/{__version__}"
        assert [k.lower() for k in headers].count("user-agent") == 1


async def test_a_session_passed_in_keeps_its_own_user_agent(origin: Origin) -> None:
    async with (
        aiohttp.ClientSession(headers={"User-Agent": "my-bot/2"}) as session,
        AsyncClient(base_url=origin.url, session=session, rate_limiter=False) as client,
    ):
        await client.request(markets.TICKER, _TICKER, raw=True)
    assert origin.received[0][2]["User-Agent"] == "my-bot/2"
