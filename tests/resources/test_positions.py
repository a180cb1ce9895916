"""client.positions: the signed open-positions query, its filters, the typed answer and the
documented 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_signed, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.errors import NotFoundError, RequestValidationError
from bpx_async.models.enums import MarketType
from bpx_async.models.positions import FuturePosition

POSITION = {
    "breakEvenPrice": "151.2043",
    "entryPrice": "150.10",
    "estLiquidationPrice": "98.7",
    "imf": "0.02",
    "imfFunction": {"type": "sqrt", "base": "0.02", "factor": "0.0000935"},
    "markPrice": "152.33",
    "mmf": "0.0125",
    "mmfFunction": {"type": "sqrt", "base": "0.0125", "factor": "0.0000561"},
    "netCost": "-1501.00",
    "netQuantity": "-10",
    "netExposureQuantity": "10",
    "netExposureNotional": "1523.3",
    "pnlRealized": "0",
    "pnlUnrealized": "-22.30",
    "cumulativeFundingPayment": "0.000131",
    "subaccountId": None,
    "symbol": "SOL_USDC_PERP",
    "userId": 1234,
    "positionId": "2287561",
    "cumulativeInterest": "0",
    "futureField": "ignored",
}


async def test_list_signs_position_query_and_types_positions(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/position",
        payload=[
            POSITION,
            {
                "symbol": "BTC_USDC_PERP",
                "positionId": "9",
                "imfFunction": {"type": "piecewise", "steps": []},
                "netQuantity": "0.0015",
                "estLiquidationPrice": None,
            },
        ],
    )

    positions = await signed_client.positions.list()

    assert all(isinstance(p, FuturePosition) for p in positions)
    short, long = positions
    assert short.symbol == "SOL_USDC_PERP"
    assert short.net_quantity == Decimal("-10")
    assert short.net_cost == Decimal("-1501.00")
    assert short.pnl_unrealized == Decimal("-22.30")
    assert short.imf_function is not None
    assert (short.imf_function.type, short.imf_function.factor) == ("sqrt", Decimal("0.0000935"))
    assert short.subaccount_id is None
    assert short.user_id == 1234
    # An IMF function type newer than the SDK still parses.
    assert long.imf_function is not None and long.imf_function.type == "piecewise"
    assert long.est_liquidation_price is None
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/position", [])
    assert assert_signed(sent, "positionQuery") == (
        "instruction=positionQuery&timestamp=1700000000000&window=5000"
    )


async def test_list_filters_by_symbol_and_market_type(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/position?marketType=PERP&symbol=SOL_USDC_PERP", payload=[POSITION])

    positions = await signed_client.positions.list("SOL_USDC_PERP", MarketType.PERP)

    assert [p.position_id for p in positions] == ["2287561"]
    sent = only_request(mock_api)
    assert sent.query == [("marketType", "PERP"), ("symbol", "SOL_USDC_PERP")]
    assert assert_signed(sent, "positionQuery") == (
        "instruction=positionQuery&marketType=PERP&symbol=SOL_USDC_PERP"
        "&timestamp=1700000000000&window=5000"
    )


async def test_list_raises_not_found_for_the_documented_404(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/position?symbol=ETH_USDC_PERP",
        status=404,
        payload={"code": "RESOURCE_NOT_FOUND", "message": "Position not found"},
    )

    with pytest.raises(NotFoundError):
        await signed_client.positions.list(symbol="ETH_USDC_PERP")


@pytest.mark.parametrize(
    "kwargs",
    [{"symbol": ""}, {"market_type": "FUTURES"}, {"market_type": "perp"}],
    ids=["empty symbol", "unknown market type", "wrong case market type"],
)
async def test_invalid_filters_are_refused_before_anything_is_sent(
    mock_api: Any, signed_client: AsyncClient, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.positions.list(**kwargs)
    assert sent_requests(mock_api) == []
