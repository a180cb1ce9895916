"""pytest fixtures for testing a bot against the offline FakeExchange, with no fixture code.

Installed with bpx_async, the plugin is loaded by pytest through its entry point; it can also be
named explicitly with ``pytest_plugins = ["bpx_async.testing.pytest_plugin"]`` or
``-p bpx_async.testing.pytest_plugin``. It needs pytest-asyncio (any mode)::

    async def test_bot(fake_exchange, fake_client):
        await fake_client.orders.execute("SOL_USDC", "Bid", "Market", quantity="1")
        fake_exchange.set_mark_price("SOL_USDC_PERP", "140")

``fake_exchange`` is a started ``FakeExchange`` (seeded books, 127.0.0.1, stopped after the
test); ``fake_account`` is ``(api_key, secret)`` of an account funded with 100,000 USDC;
``fake_client`` is an ``AsyncClient`` signed with that account. Configure them per test with
``@pytest.mark.fake_exchange(balances={...}, **FakeExchange keyword arguments)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from bpx_async.client import AsyncClient
    from bpx_async.testing import FakeExchange

__all__ = ["fake_account", "fake_client", "fake_exchange"]

DEFAULT_BALANCES: Mapping[str, str] = {"USDC": "100000"}
_MARKER = "fake_exchange"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(balances=None, **options): FakeExchange options for the bpx_async fixtures",
    )


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(_MARKER)
    return dict(marker.kwargs) if marker is not None else {}


def _needs_pytest_asyncio(function: Callable[..., Any]) -> Any:
    """Stand-in for ``pytest_asyncio.fixture``: a fixture that says what it needs."""

    @pytest.fixture(name=function.__name__)
    def missing() -> None:
        raise pytest.UsageError(f"the {function.__name__} fixture needs pytest-asyncio installed")

    return missing


_async_fixture: Callable[[Callable[..., Any]], Any]
try:
    from pytest_asyncio import fixture as _async_fixture
except ImportError:
    _async_fixture = _needs_pytest_asyncio


@_async_fixture
async def fake_exchange(request: pytest.FixtureRequest) -> AsyncIterator[FakeExchange]:
    """A started FakeExchange on 127.0.0.1, stopped after the test."""
    from bpx_async.testing import FakeExchange

    options = _marker_options(request)
    options.pop("balances", None)
    async with FakeExchange(**options) as exchange:
        yield exchange


@_async_fixture
async def fake_account(
    request: pytest.FixtureRequest, fake_exchange: FakeExchange
) -> tuple[str, str]:
    """``(api_key, secret)`` of a funded account (``balances`` of the marker, or 100,000
    USDC)."""
    balances = _marker_options(request).get("balances") or DEFAULT_BALANCES
    return fake_exchange.add_account(balances)


@_async_fixture
async def fake_client(
    fake_exchange: FakeExchange, fake_account: tuple[str, str]
) -> AsyncIterator[AsyncClient]:
    """An AsyncClient for ``fake_account``, talking to ``fake_exchange``."""
    from bpx_async.client import AsyncClient

    api_key, secret = fake_account
    async with AsyncClient(api_key, secret, base_url=fake_exchange.base_url) as client:
        yield client
