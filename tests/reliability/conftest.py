"""Fixtures for the reliability tests: a funded account on the FakeExchange, and a second
loopback origin that records whatever reaches it (to prove nothing is ever redirected there)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from faultkit import Origin
from support import serving

from bpx_async.testing import FakeExchange


@pytest.fixture
def secret(fx: FakeExchange) -> str:
    """The API secret of an account with USDC and SOL on the fake exchange."""
    _, secret = fx.add_account({"USDC": "1000000", "SOL": "10000"})
    return secret


@pytest.fixture
async def origin() -> AsyncIterator[Origin]:
    recorded = Origin(url="")

    async def record(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        recorded.received.append((request.method, request.path, dict(request.headers), body))
        if request.path == "/api/v1/markets":  # a long answer of unannounced length (chunked)
            stream = web.StreamResponse(headers={"Content-Type": "application/json"})
            stream.enable_chunked_encoding()
            await stream.prepare(request)
            for _ in range(64):
                await stream.write(b" " * 1024)
            await stream.write_eof()
            return stream
        return web.json_response({"id": "1", "symbol": "SOL_USDC", "status": "Ok"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    async with serving(app) as url:
        recorded.url = url
        yield recorded
