"""client.trades: recent and historical public trades, their paging and their limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_unsigned, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.endpoints import trades as ep
from bpx_async.errors import RequestValidationError

TRADES = [
    {
        "id": 1_187_453_812,
        "price": "172.45",
        "quantity": "1.20",
        "quoteQuantity": "206.940",
        "timestamp": 1_753_101_234_567,
        "isBuyerMaker": False,
        "side": "Bid",
    },
    {
        "id": None,
        "price": "172.44",
        "quantity": "0.05",
        "quoteQuantity": "8.6220",
        "timestamp": 1_753_101_234_001,
        "isBuyerMaker": True,
    },
]


def test_only_the_history_endpoint_is_in_the_historical_data_budget() -> None:
    assert ep.HISTORY.historical_data is True
    assert ep.RECENT.historical_data is False


async def test_recent_parses_decimal_trades_and_sends_symbol_and_limit(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/trades?limit=2&symbol=SOL_USDC", payload=TRADES)
    first, second = await client.trades.recent("SOL_USDC", limit=2)

    assert first.id == 1_187_453_812
    assert first.price == Decimal("172.45")
    assert first.quantity == Decimal("1.20") and str(first.quantity) == "1.20"
    assert first.quote_quantity == Decimal("206.940")
    assert first.timestamp == 1_753_101_234_567
    assert first.is_buyer_maker is False
    assert second.id is None and second.is_buyer_maker is True

    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/api/v1/trades")
    assert sent.query == [("limit", "2"), ("symbol", "SOL_USDC")]
    assert_unsigned(sent)


async def test_recent_without_limit_sends_only_the_symbol(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/trades?symbol=BTC_USDC_PERP", payload=[])
    assert await client.trades.recent("BTC_USDC_PERP") == []
    assert only_request(mock_api).query == [("symbol", "BTC_USDC_PERP")]


async def test_history_sends_limit_offset_and_symbol(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/trades/history?limit=1000&offset=5000&symbol=SOL_USDC", payload=TRADES
    )
    trades = await client.trades.history("SOL_USDC", limit=1000, offset=5000)
    assert [t.price for t in trades] == [Decimal("172.45"), Decimal("172.44")]
    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/api/v1/trades/history")
    assert sent.query == [("limit", "1000"), ("offset", "5000"), ("symbol", "SOL_USDC")]
    assert_unsigned(sent)


@pytest.mark.parametrize(
    ("kwargs", "call"),
    [
        ({"symbol": ""}, "recent"),
        ({"symbol": "SOL_USDC", "limit": 0}, "recent"),
        ({"symbol": "SOL_USDC", "limit": 1001}, "recent"),
        ({"symbol": "SOL_USDC", "limit": True}, "recent"),
        ({"symbol": ""}, "history"),
        ({"symbol": "SOL_USDC", "limit": 1001}, "history"),
        ({"symbol": "SOL_USDC", "offset": -1}, "history"),
    ],
)
async def test_invalid_symbol_limit_or_offset_is_refused_before_sending(
    mock_api: Any, client: AsyncClient, kwargs: dict[str, Any], call: str
) -> None:
    symbol = kwargs.pop("symbol")
    with pytest.raises(RequestValidationError):
        await getattr(client.trades, call)(symbol, **kwargs)
    assert sent_requests(mock_api) == []
