"""Shared fixtures: an aioresponses mock, clients with the REFERENCE 2.8 test key, a FakeExchange.

Helpers that are not fixtures live in ``support.py`` (``from support import ...``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from support import SECRET, TIMESTAMP

from bpx_async import AsyncClient
from bpx_async.testing import FakeExchange


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that use the mock need aiohttp < 3.14 (aioresponses 0.7.9); CI runs the rest on the
    # newest aiohttp with -m "not aioresponses".
    for item in items:
        if "mock_api" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.aioresponses)


@pytest.fixture
def mock_api() -> Iterator[Any]:
    from aioresponses import aioresponses

    with aioresponses() as mock:
        yield mock


@pytest.fixture
async def fx() -> AsyncIterator[FakeExchange]:
    """A FakeExchange on 127.0.0.1 with seeded books, stopped after the test."""
    async with FakeExchange() as exchange:
        yield exchange


#: Wire-level test clients send exactly one request per call, exactly as given: no retries, no
#: client-side rate limit, no generated order clientId (tests of those use their own clients).
WIRE_ONLY: dict[str, Any] = {"max_retries": 0, "rate_limiter": False, "auto_client_id": False}


@pytest.fixture
async def client() -> AsyncIterator[AsyncClient]:
    """A client without keys (public endpoints only)."""
    async with AsyncClient(**WIRE_ONLY) as c:
        yield c


@pytest.fixture
async def signed_client() -> AsyncIterator[AsyncClient]:
    """A client with the REFERENCE 2.8 key and a clock frozen at 1700000000000 ms."""
    async with AsyncClient(api_secret=SECRET, clock=lambda: TIMESTAMP, **WIRE_ONLY) as c:
        yield c
