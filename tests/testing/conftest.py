"""Fixtures for the FakeExchange's own tests: a raw aiohttp session bound to the fake's URL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bpx_async.testing import FakeExchange


@pytest.fixture
async def http(fx: FakeExchange) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session (no SDK code) with ``fx.base_url`` as its base URL."""
    async with aiohttp.ClientSession(fx.base_url) as session:
        yield session
