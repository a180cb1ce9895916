"""client.strategies: create, get, list and cancel scheduled strategies with exact signed
requests; exactly-one-id rules are enforced before sending; 202 cancels return None."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_signed, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.errors import NotFoundError, RequestValidationError
from bpx_async.models.enums import (
    SelfTradePrevention,
    Side,
    StrategyStatus,
    StrategyType,
    TimeInForce,
)

STRATEGY: dict[str, Any] = {
    "strategyType": "Scheduled",
    "id": "1834567123456",
    "clientStrategyId": 7,
    "createdAt": 1753000000000,
    "executedQuantity": "0.25",
    "executedQuoteQuantity": "42.60",
    "quantity": "1.00",
    "reduceOnly": None,
    "selfTradePrevention": "RejectTaker",
    "status": "Running",
    "side": "Bid",
    "symbol": "SOL_USDC",
    "timeInForce": "GTC",
    "duration": 600000,
    "interval": 60000,
    "randomizedIntervalQuantity": True,
    "slippageTolerance": None,
    "slippageToleranceType": None,
    "newKnob": "x",
}


def _sent(mock: Any, method: str, path: str) -> Any:
    sent = only_request(mock)
    assert sent.method == method
    assert sent.path == path
    return sent


async def test_create_sends_every_field_and_defaults_to_a_scheduled_strategy(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/strategy", payload=STRATEGY)
    strategy = await signed_client.strategies.create(
        "SOL_USDC",
        Side.BID,
        quantity="1.00",
        price=Decimal("171.50"),
        duration=timedelta(minutes=10),
        interval=60000,
        randomized_interval_quantity=True,
        client_strategy_id=7,
        broker_id=1400,
        post_only=False,
        reduce_only=False,
        time_in_force=TimeInForce.GTC,
        self_trade_prevention="RejectTaker",
        slippage_tolerance="0.5",
        slippage_tolerance_type="Percent",
        auto_lend=True,
        auto_lend_redeem=True,
        auto_borrow=False,
        auto_borrow_repay=False,
    )
    sent = _sent(mock_api, "POST", "/api/v1/strategy")
    assert sent.query == []
    assert sent.body == {
        "symbol": "SOL_USDC",
        "side": "Bid",
        "strategyType": "Scheduled",
        "quantity": "1.00",
        "price": "171.50",
        "duration": 600000,
        "interval": 60000,
        "randomizedIntervalQuantity": True,
        "clientStrategyId": 7,
        "brokerId": 1400,
        "postOnly": False,
        "reduceOnly": False,
        "timeInForce": "GTC",
        "selfTradePrevention": "RejectTaker",
        "slippageTolerance": "0.5",
        "slippageToleranceType": "Percent",
        "autoLend": True,
        "autoLendRedeem": True,
        "autoBorrow": False,
        "autoBorrowRepay": False,
    }
    assert_signed(sent, "strategyCreate")
    assert strategy.id == "1834567123456" and strategy.client_strategy_id == 7
    assert strategy.strategy_type is StrategyType.SCHEDULED
    assert strategy.status is StrategyStatus.RUNNING
    assert strategy.executed_quote_quantity == Decimal("42.60")
    assert strategy.self_trade_prevention is SelfTradePrevention.REJECT_TAKER
    assert strategy.reduce_only is None and strategy.duration == 600000


async def test_create_with_only_required_fields_sends_the_default_strategy_type(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/strategy", payload=dict(STRATEGY, strategyType="Grid"))
    strategy = await signed_client.strategies.create("SOL_USDC", "Ask", quantity="2")
    sent = _sent(mock_api, "POST", "/api/v1/strategy")
    assert sent.body == {
        "symbol": "SOL_USDC",
        "side": "Ask",
        "strategyType": "Scheduled",
        "quantity": "2",
    }
    assert assert_signed(sent, "strategyCreate") == (
        "instruction=strategyCreate&quantity=2&side=Ask&strategyType=Scheduled"
        "&symbol=SOL_USDC&timestamp=1700000000000&window=5000"
    )
    assert strategy.strategy_type == "Grid"  # an unknown variant stays a plain string


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"strategy_type": "Grid"}, "unknown strategy type"),
        ({"quantity": "0"}, "zero quantity"),
        ({"quantity": "1", "price": "-1"}, "negative price"),
        ({"quantity": "1", "duration": 0}, "zero duration"),
        ({"quantity": "1", "interval": timedelta(microseconds=500)}, "sub-ms interval"),
        ({"quantity": "1", "duration": 60000, "interval": 120000}, "interval > duration"),
        ({"quantity": "1", "duration": 1.5}, "float duration"),
        ({"quantity": "1", "broker_id": 70000}, "broker id above uint16"),
        ({"quantity": "1", "time_in_force": "GTD"}, "unknown time in force"),
    ],
)
async def test_create_rejects_invalid_requests_before_sending(
    mock_api: Any, signed_client: AsyncClient, kwargs: dict[str, Any], reason: str
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.strategies.create("SOL_USDC", "Bid", **kwargs)
    assert sent_requests(mock_api) == [], reason


@pytest.mark.parametrize(
    ("kwargs", "pairs"),
    [
        ({"strategy_id": "1834567123456"}, [("strategyId", "1834567123456")]),
        ({"client_strategy_id": 7}, [("clientStrategyId", "7")]),
    ],
    ids=["by-strategy-id", "by-client-strategy-id"],
)
async def test_get_sends_symbol_and_the_one_id_as_query(
    mock_api: Any,
    signed_client: AsyncClient,
    kwargs: dict[str, Any],
    pairs: list[tuple[str, str]],
) -> None:
    query = "&".join(f"{k}={v}" for k, v in sorted([*pairs, ("symbol", "SOL_USDC")]))
    mock_api.get(f"{BASE}/api/v1/strategy?{query}", payload=STRATEGY)
    strategy = await signed_client.strategies.get("SOL_USDC", **kwargs)
    sent = _sent(mock_api, "GET", "/api/v1/strategy")
    assert sent.raw_body is None
    assert sorted(sent.query) == sorted([*pairs, ("symbol", "SOL_USDC")])
    assert_signed(sent, "strategyQuery")
    assert strategy.symbol == "SOL_USDC"


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"strategy_id": "1834567123456", "client_strategy_id": 7}],
    ids=["neither", "both"],
)
async def test_get_and_cancel_need_exactly_one_id_and_send_nothing_otherwise(
    mock_api: Any, signed_client: AsyncClient, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.strategies.get("SOL_USDC", **kwargs)
    with pytest.raises(RequestValidationError):
        await signed_client.strategies.cancel("SOL_USDC", **kwargs)
    assert sent_requests(mock_api) == []


async def test_get_of_an_unknown_strategy_raises_not_found(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/strategy?strategyId=1&symbol=SOL_USDC",
        status=404,
        payload={"code": "RESOURCE_NOT_FOUND", "message": "Strategy not found"},
    )
    with pytest.raises(NotFoundError):
        await signed_client.strategies.get("SOL_USDC", strategy_id="1")


async def test_cancel_sends_a_json_body_on_delete_and_parses_the_strategy(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.delete(f"{BASE}/api/v1/strategy", payload=dict(STRATEGY, status="Cancelled"))
    strategy = await signed_client.strategies.cancel("SOL_USDC", client_strategy_id=7)
    sent = _sent(mock_api, "DELETE", "/api/v1/strategy")
    assert sent.query == []
    assert sent.body == {"symbol": "SOL_USDC", "clientStrategyId": 7}
    assert_signed(sent, "strategyCancel")
    assert strategy is not None and strategy.status is StrategyStatus.CANCELLED


async def test_cancel_answered_202_without_body_returns_none(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.delete(f"{BASE}/api/v1/strategy", status=202, body=b"")
    result = await signed_client.strategies.cancel("SOL_USDC", strategy_id="1834567123456")
    assert result is None
    sent = _sent(mock_api, "DELETE", "/api/v1/strategy")
    assert sent.body == {"symbol": "SOL_USDC", "strategyId": "1834567123456"}
    assert_signed(sent, "strategyCancel")


async def test_open_sends_filters_and_parses_strategies(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/strategies?marketType=SPOT&strategyType=Scheduled&symbol=SOL_USDC",
        payload=[STRATEGY, dict(STRATEGY, id="2", status="Throttled", side="Ask")],
    )
    strategies = await signed_client.strategies.open(
        "SOL_USDC", market_type="SPOT", strategy_type=StrategyType.SCHEDULED
    )
    sent = _sent(mock_api, "GET", "/api/v1/strategies")
    assert sorted(sent.query) == [
        ("marketType", "SPOT"),
        ("strategyType", "Scheduled"),
        ("symbol", "SOL_USDC"),
    ]
    assert_signed(sent, "strategyQueryAll")
    assert [s.id for s in strategies] == ["1834567123456", "2"]
    assert strategies[1].status == "Throttled" and strategies[1].side is Side.ASK


async def test_open_without_filters_sends_no_query(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/strategies", payload=[])
    assert await signed_client.strategies.open() == []
    sent = _sent(mock_api, "GET", "/api/v1/strategies")
    assert sent.query == []
    assert_signed(sent, "strategyQueryAll")


async def test_open_rejects_a_list_of_market_types_before_sending(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    # This endpoint takes one market type, unlike the history filters.
    with pytest.raises(RequestValidationError):
        await signed_client.strategies.open(market_type=["SPOT", "PERP"])  # type: ignore[arg-type]
    assert sent_requests(mock_api) == []


async def test_cancel_all_sends_symbol_and_type_and_parses_the_cancelled_list(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.delete(f"{BASE}/api/v1/strategies", payload=[dict(STRATEGY, status="Cancelled")])
    cancelled = await signed_client.strategies.cancel_all("SOL_USDC", strategy_type="Scheduled")
    sent = _sent(mock_api, "DELETE", "/api/v1/strategies")
    assert sent.body == {"symbol": "SOL_USDC", "strategyType": "Scheduled"}
    assert_signed(sent, "strategyCancelAll")
    assert cancelled is not None and cancelled[0].status is StrategyStatus.CANCELLED


async def test_cancel_all_answered_202_without_body_returns_none(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.delete(f"{BASE}/api/v1/strategies", status=202, body=b"")
    assert await signed_client.strategies.cancel_all("SOL_USDC") is None
    sent = _sent(mock_api, "DELETE", "/api/v1/strategies")
    assert sent.body == {"symbol": "SOL_USDC"}
    assert_signed(sent, "strategyCancelAll")


async def test_cancel_all_rejects_an_empty_symbol_before_sending(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.strategies.cancel_all("")
    assert sent_requests(mock_api) == []
