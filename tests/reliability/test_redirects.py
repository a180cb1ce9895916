"""Part 1: redirects are never followed, signed or public, and plain http/ws only to loopback."""

from __future__ import annotations

import pytest
from faultkit import Origin

from bpx_async import AsyncClient, InsecureURLError, RedirectError
from bpx_async.testing import FakeExchange


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirected_signed_order_never_reaches_the_other_origin(
    fx: FakeExchange, secret: str, origin: Origin, status: int
) -> None:
    target = f"{origin.url}/api/v1/order"
    fx.faults.add("status", status=status, path="/api/v1/order", headers={"Location": target})
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        with pytest.raises(RedirectError) as info:
            await client.orders.execute("SOL_USDC", "Bid", "Limit", price="1", quantity="1")
    assert origin.received == []
    error = info.value
    assert error.status == status and error.location == target
    assert str(status) in str(error) and target in str(error) and "never follows" in str(error)
    assert error.client_id is not None and error.deadline_ms is not None


async def test_a_redirected_signed_get_is_neither_followed_nor_retried(
    fx: FakeExchange, secret: str, origin: Origin
) -> None:
    fx.faults.add("status", status=302, path="/api/v1/capital", headers={"Location": origin.url})
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        with pytest.raises(RedirectError, match="302"):
            await client.capital.balances()
    assert origin.received == []
    assert [r.path for r in fx.requests] == ["/api/v1/capital"]


async def test_a_redirected_public_get_is_not_followed(fx: FakeExchange, origin: Origin) -> None:
    fx.faults.add("status", status=301, path="/api/v1/ticker", headers={"Location": origin.url})
    async with AsyncClient(base_url=fx.base_url) as client:
        with pytest.raises(RedirectError):
            await client.markets.ticker("SOL_USDC")
    assert origin.received == []


@pytest.mark.parametrize(
    "url",
    [
        "http://api.backpack.exchange",
        "http://10.0.0.1:8080",
        "http://localhost.example.com",
        "ftp://127.0.0.1",
        "api.backpack.exchange",
        "https://",
    ],
)
def test_base_url_must_be_https_unless_loopback(url: str) -> None:
    with pytest.raises(InsecureURLError, match="https://"):
        AsyncClient(base_url=url)


@pytest.mark.parametrize("url", ["ws://ws.backpack.exchange", "http://127.0.0.1", "wss:/x"])
def test_ws_url_must_be_wss_unless_loopback(url: str) -> None:
    with pytest.raises(InsecureURLError, match="wss://"):
        AsyncClient(ws_url=url)


@pytest.mark.parametrize(
    ("base_url", "ws_url"),
    [
        ("https://api.backpack.exchange", "wss://ws.backpack.exchange"),
        ("http://127.0.0.1:8080", "ws://127.0.0.1:8080/ws"),
        ("http://127.9.9.9", "ws://127.0.0.2"),
        ("http://localhost:1", "ws://LOCALHOST:1"),
        ("http://[::1]:8080", "ws://[::1]:8080"),
    ],
)
def test_https_and_loopback_urls_are_accepted(base_url: str, ws_url: str) -> None:
    client = AsyncClient(base_url=base_url, ws_url=ws_url)
    assert client.base_url == base_url and client.ws_url == ws_url
