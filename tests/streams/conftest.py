"""Fixtures for the stream tests: a FakeExchange with a fast ticker, a funded client with short
timing knobs, and a check that every test leaves no task behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bpx_async import AsyncClient
from bpx_async.testing import FakeExchange

#: Short knobs so that reconnects, watchdogs and backoff take milliseconds, not seconds.
FAST = {
    "backoff_base": 0.02,
    "backoff_cap": 0.2,
    "stable_after": 0.3,
    "ping_interval": 5.0,
    "pong_timeout": 5.0,
    "silence_timeout": None,
    "subscribe_grace": 0.15,
    "connect_timeout": 3.0,
    "open_timeout": 5.0,
    "close_timeout": 0.5,
}


@pytest.fixture(autouse=True)
async def no_task_left_behind() -> AsyncIterator[None]:
    """Runs last at teardown: after the client and the exchange closed, nothing is pending."""
    yield
    await asyncio.sleep(0)
    current = asyncio.current_task()
    pending = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
    assert not pending, f"tasks left pending: {pending}"


@pytest.fixture
async def fx() -> AsyncIterator[FakeExchange]:
    async with FakeExchange() as exchange:
        exchange.ws.ticker_interval = 0.05
        yield exchange


@pytest.fixture
async def trader(fx: FakeExchange) -> AsyncIterator[AsyncClient]:
    """A funded client of ``fx`` with the FAST knobs."""
    api_key, secret = fx.add_account({"USDC": "1000000", "SOL": "10000", "BTC": "100"})
    async with AsyncClient(api_key, secret, base_url=fx.base_url, ws_url=fx.ws_url) as client:
        client.streams.configure(**FAST)
        yield client
