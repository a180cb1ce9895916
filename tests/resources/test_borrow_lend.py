"""client.borrow_lend: public markets, history and APY; signed execute and positions; and the
unsigned liquidation-price estimate with its base64 ``borrow`` parameter.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_signed, assert_unsigned, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.errors import AuthenticationError, RequestValidationError
from bpx_async.models.borrow_lend import (
    ApyRates,
    BorrowLendMarket,
    BorrowLendMarketHistory,
    BorrowLendPosition,
    EstimatedLiquidationPrice,
)
from bpx_async.models.enums import (
    BorrowLendBookState,
    BorrowLendMarketHistoryInterval,
    BorrowLendSide,
)


async def test_markets_are_public_and_typed(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/borrowLend/markets",
        payload=[
            {
                "state": "Open",
                "assetMarkPrice": "150.10",
                "borrowInterestRate": "0.0721",
                "borrowedQuantity": "120500.5",
                "fee": "0.2",
                "lendInterestRate": "0.0461",
                "lentQuantity": "301000",
                "maxUtilization": "0.9",
                "openBorrowLendLimit": "500000",
                "optimalUtilization": "0.8",
                "symbol": "SOL",
                "timestamp": "2025-07-27T17:39:00.092Z",
                "throttleUtilizationThreshold": "0.85",
                "throttleUtilizationBound": "0.95",
                "throttleUpdateFraction": "0.05",
                "utilization": "0.400334",
                "stepSize": "0.01",
                "newMetric": "1",
            },
            {"symbol": "JUP", "state": "Frozen", "timestamp": None, "fee": None},
        ],
    )

    markets = await client.borrow_lend.markets()

    assert all(isinstance(m, BorrowLendMarket) for m in markets)
    sol, jup = markets
    assert sol.state is BorrowLendBookState.OPEN
    assert sol.borrow_interest_rate == Decimal("0.0721")
    assert sol.utilization == Decimal("0.400334")
    assert sol.timestamp == datetime(2025, 7, 27, 17, 39, 0, 92000, tzinfo=timezone.utc)
    assert (jup.state, jup.timestamp, jup.fee) == ("Frozen", None, None)
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/borrowLend/markets", [])
    assert_unsigned(sent)


async def test_markets_history_sends_interval_and_symbol_unsigned(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/borrowLend/markets/history?interval=1month&symbol=USDC",
        payload=[
            {
                "borrowInterestRate": "0.081",
                "borrowedQuantity": "1000",
                "lendInterestRate": "0.05",
                "lentQuantity": "2000",
                "timestamp": "2025-07-01T00:00:00Z",
                "utilization": "0.5",
                "x": None,
            },
            {"timestamp": "2025-07-02T00:00:00+00:00", "utilization": None},
        ],
    )

    history = await signed_client.borrow_lend.markets_history(
        BorrowLendMarketHistoryInterval.MONTH_1, symbol="USDC"
    )

    assert all(isinstance(h, BorrowLendMarketHistory) for h in history)
    assert history[0].borrow_interest_rate == Decimal("0.081")
    assert history[0].timestamp == datetime(2025, 7, 1, tzinfo=timezone.utc)
    assert history[1].utilization is None
    sent = only_request(mock_api)
    assert sent.path == "/api/v1/borrowLend/markets/history"
    assert sent.query == [("interval", "1month"), ("symbol", "USDC")]
    assert_unsigned(sent)


async def test_apy_sends_tier_id_and_types_both_rate_lists(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/borrowLend/apy?tierId=3",
        payload={
            "borrowLend": [{"symbol": "USDC", "borrowRate": "0.09", "lendRate": "0.061"}],
            "staking": None,
            "promo": [],
        },
    )

    rates = await client.borrow_lend.apy(tier_id=3)

    assert isinstance(rates, ApyRates)
    assert rates.borrow_lend[0].symbol == "USDC"
    assert rates.borrow_lend[0].lend_rate == Decimal("0.061")
    assert rates.staking == []
    sent = only_request(mock_api)
    assert (sent.path, sent.query) == ("/api/v1/borrowLend/apy", [("tierId", "3")])
    assert_unsigned(sent)


async def test_apy_without_tier_sends_no_query(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/borrowLend/apy",
        payload={
            "borrowLend": [],
            "staking": [{"symbol": "SOL", "dilutionFactor": "0.93", "stakingRate": "0.071"}],
        },
    )

    rates = await client.borrow_lend.apy()

    assert rates.staking[0].staking_rate == Decimal("0.071")
    assert only_request(mock_api).query == []


async def test_execute_posts_the_exact_body_signed_and_accepts_the_empty_answer(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/borrowLend", status=200, body="")

    await signed_client.borrow_lend.execute("USDC", BorrowLendSide.LEND, Decimal("1.10"))

    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("POST", "/api/v1/borrowLend", [])
    assert sent.raw_body == b'{"symbol":"USDC","side":"Lend","quantity":"1.10"}'
    assert assert_signed(sent, "borrowLendExecute") == (
        "instruction=borrowLendExecute&quantity=1.10&side=Lend&symbol=USDC"
        "&timestamp=1700000000000&window=5000"
    )


async def test_positions_are_signed_and_typed(mock_api: Any, signed_client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/borrowLend/positions",
        payload=[
            {
                "cumulativeInterest": "-0.0012",
                "id": "55581",
                "imf": "0.1",
                "imfFunction": {"type": "sqrt", "base": "0.1", "factor": "0.00006"},
                "netQuantity": "-250.5",
                "markPrice": "1.0001",
                "mmf": "0.05",
                "mmfFunction": None,
                "netExposureQuantity": "250.5",
                "netExposureNotional": "250.525",
                "symbol": "USDC",
                "estLiquidationPrice": None,
                "extra": True,
            }
        ],
    )

    positions = await signed_client.borrow_lend.positions()

    assert all(isinstance(p, BorrowLendPosition) for p in positions)
    (borrow,) = positions
    assert borrow.id == "55581"
    assert borrow.net_quantity == Decimal("-250.5")
    assert borrow.imf_function is not None and borrow.imf_function.base == Decimal("0.1")
    assert borrow.mmf_function is None
    assert borrow.est_liquidation_price is None
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/borrowLend/positions", [])
    assert assert_signed(sent, "borrowLendPositionQuery") == (
        "instruction=borrowLendPositionQuery&timestamp=1700000000000&window=5000"
    )


async def test_estimate_liquidation_price_sends_borrow_as_base64_json_unsigned(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    borrow = base64.b64encode(b'{"quantity":"1.50","side":"Borrow","symbol":"SOL"}').decode()
    mock_api.get(
        f"{BASE}/api/v1/borrowLend/position/liquidationPrice?borrow={borrow}&subaccountId=4",
        payload={"liquidationPrice": "61.25", "markPrice": "150.10", "extra": None},
    )

    estimate = await signed_client.borrow_lend.estimate_liquidation_price(
        "SOL", "Borrow", "1.50", subaccount_id=4
    )

    assert isinstance(estimate, EstimatedLiquidationPrice)
    assert estimate.liquidation_price == Decimal("61.25")
    assert estimate.mark_price == Decimal("150.10")
    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/api/v1/borrowLend/position/liquidationPrice")
    assert sent.query == [("borrow", borrow), ("subaccountId", "4")]
    assert json.loads(base64.b64decode(sent.query[0][1], validate=True)) == {
        "quantity": "1.50",
        "side": "Borrow",
        "symbol": "SOL",
    }
    assert_unsigned(sent)


async def test_estimate_liquidation_price_refused_without_session_raises_authentication_error(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    borrow = base64.b64encode(b'{"quantity":"2","side":"Lend","symbol":"USDC"}').decode()
    mock_api.get(
        f"{BASE}/api/v1/borrowLend/position/liquidationPrice?borrow={borrow}",
        status=401,
        payload={"code": "UNAUTHORIZED", "message": "Unauthorized"},
    )

    with pytest.raises(AuthenticationError):
        await signed_client.borrow_lend.estimate_liquidation_price("USDC", BorrowLendSide.LEND, 2)


_REJECTED: dict[str, Callable[[AsyncClient], Awaitable[Any]]] = {
    "history unknown interval": lambda c: c.borrow_lend.markets_history("1h"),
    "history empty symbol": lambda c: c.borrow_lend.markets_history("1d", symbol=""),
    "apy boolean tier": lambda c: c.borrow_lend.apy(tier_id=True),
    "apy negative tier": lambda c: c.borrow_lend.apy(tier_id=-1),
    "execute zero quantity": lambda c: c.borrow_lend.execute("SOL", "Borrow", "0"),
    "execute negative quantity": lambda c: c.borrow_lend.execute("SOL", "Lend", "-1.5"),
    "execute float quantity": lambda c: c.borrow_lend.execute("SOL", "Lend", 1.5),  # type: ignore[arg-type]
    "execute unknown side": lambda c: c.borrow_lend.execute("SOL", "Repay", "1"),
    "execute missing symbol": lambda c: c.borrow_lend.execute("", "Borrow", "1"),
    "estimate zero quantity": lambda c: c.borrow_lend.estimate_liquidation_price(
        "SOL", "Borrow", "0"
    ),
    "estimate unknown side": lambda c: c.borrow_lend.estimate_liquidation_price(
        "SOL", "Short", "1"
    ),
    "estimate missing symbol": lambda c: c.borrow_lend.estimate_liquidation_price(
        "", "Borrow", "1"
    ),
    "estimate subaccount above uint16": lambda c: c.borrow_lend.estimate_liquidation_price(
        "SOL", "Borrow", "1", subaccount_id=65_536
    ),
}


@pytest.mark.parametrize("call", list(_REJECTED.values()), ids=list(_REJECTED))
async def test_invalid_parameters_are_refused_before_anything_is_sent(
    mock_api: Any,
    signed_client: AsyncClient,
    call: Callable[[AsyncClient], Awaitable[Any]],
) -> None:
    with pytest.raises(RequestValidationError):
        await call(signed_client)
    assert sent_requests(mock_api) == []
