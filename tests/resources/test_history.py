"""client.history: every /wapi/v1/history/* operation sends its exact signed query and parses
realistic rows (nulls, unknown fields, unknown enum values); iterated, each walks its pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from support import BASE, assert_signed, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.endpoints import history as ep
from bpx_async.errors import CredentialsError, RequestValidationError
from bpx_async.models.enums import (
    BorrowLendEventType,
    BorrowLendSide,
    BorrowLendSource,
    FillType,
    MarketType,
    OrderStatus,
    OrderType,
    PaymentType,
    PositionState,
    RfqExecutionMode,
    SettlementSource,
    Side,
    StrategyCancelReason,
    StrategyStatus,
    SystemOrderType,
)

UTC = timezone.utc


def _url(path: str, pairs: list[tuple[str, str]]) -> str:
    return f"{BASE}{path}?{urlencode(pairs)}" if pairs else f"{BASE}{path}"


def _assert_signed_get(mock: Any, path: str, pairs: list[tuple[str, str]], instruction: str) -> str:
    sent = only_request(mock)
    assert sent.method == "GET"
    assert sent.path == path
    assert sorted(sent.query) == sorted(pairs)
    assert sent.raw_body is None
    return assert_signed(sent, instruction)


# --- one test per operation -----------------------------------------------------------------


async def test_fills_sends_every_filter_signed_and_parses_user_and_system_fills(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [
        ("fillType", "User"),
        ("from", "1751328000000"),
        ("limit", "50"),
        ("marketType", "PERP"),
        ("marketType", "SPOT"),
        ("offset", "100"),
        ("orderId", "111051090663277568"),
        ("sortDirection", "Desc"),
        ("strategyId", "s-9"),
        ("symbol", "SOL_USDC_PERP"),
        ("to", "1751414400000"),
    ]
    mock_api.get(
        _url("/wapi/v1/history/fills", pairs),
        payload=[
            {
                "clientId": None,
                "fee": "0.0012",
                "feeSymbol": "USDC",
                "isMaker": False,
                "orderId": "111051090663277568",
                "price": "170.50",
                "quantity": "0.10",
                "side": "Bid",
                "symbol": "SOL_USDC_PERP",
                "systemOrderType": None,
                "timestamp": "2025-07-27T17:39:00.092",
                "tradeId": 4238907375,
                "brandNewField": {"x": 1},
            },
            {
                "clientId": 42,
                "fee": "0",
                "feeSymbol": "USDC",
                "isMaker": True,
                "orderId": "7",
                "price": "168.2",
                "quantity": "1",
                "side": "Ask",
                "symbol": "SOL_USDC_PERP",
                "systemOrderType": "SomeFutureSystemOrder",
                "timestamp": "2025-07-27T17:40:00",
                "tradeId": None,
            },
        ],
    )
    fills = await signed_client.history.fills(
        symbol="SOL_USDC_PERP",
        order_id="111051090663277568",
        strategy_id="s-9",
        from_=datetime(2025, 7, 1, tzinfo=UTC),
        to=1751414400000,
        fill_type=FillType.USER,
        market_type=["SPOT", MarketType.PERP],
        sort_direction="Desc",
        limit=50,
        offset=100,
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/fills", pairs, "fillHistoryQueryAll")
    user, system = fills
    assert user.price == Decimal("170.50") and user.quantity == Decimal("0.10")
    assert user.side is Side.BID and user.is_maker is False and user.client_id is None
    assert user.timestamp == datetime(2025, 7, 27, 17, 39, 0, 92000, tzinfo=UTC)
    assert user.trade_id == 4238907375
    assert system.client_id == "42"  # the spec types OrderFill.clientId as a string
    assert system.system_order_type == "SomeFutureSystemOrder"
    assert system.trade_id is None


async def test_fills_market_types_go_out_as_repeated_keys_in_sorted_order(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    # Sorted on the wire, so the signature cannot depend on how the server orders repeats.
    prepared = signed_client.prepare(ep.FILLS, {"market_type": ["SPOT", "PERP", "SPOT"]})
    assert prepared.query == [("marketType", "PERP"), ("marketType", "SPOT")]
    pairs = [("marketType", "PERP"), ("marketType", "SPOT")]
    mock_api.get(_url("/wapi/v1/history/fills", pairs), payload=[])
    assert await signed_client.history.fills(market_type=["SPOT", "PERP"]) == []
    message = _assert_signed_get(mock_api, "/wapi/v1/history/fills", pairs, "fillHistoryQueryAll")
    assert message == (
        "instruction=fillHistoryQueryAll&marketType=PERP&marketType=SPOT"
        "&timestamp=1700000000000&window=5000"
    )


async def test_fills_accepts_one_market_type_and_an_aware_datetime_in_any_zone(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    # 2025-07-01T02:00+02:00 is 2025-07-01T00:00Z.
    start = datetime(2025, 7, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    pairs = [("from", "1751328000000"), ("marketType", "PERP")]
    mock_api.get(_url("/wapi/v1/history/fills", pairs), payload=[])
    await signed_client.history.fills(from_=start, market_type="PERP")
    _assert_signed_get(mock_api, "/wapi/v1/history/fills", pairs, "fillHistoryQueryAll")


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"from_": datetime(2025, 7, 1)}, "naive datetime"),
        ({"from_": 1.5}, "float milliseconds"),
        ({"from_": 1751414400001, "to": 1751414400000}, "from after to"),
        ({"market_type": []}, "empty market type list"),
        ({"market_type": ["SPOT", "MOON"]}, "unknown market type"),
        ({"fill_type": "Everything"}, "unknown fill type"),
        ({"limit": 0}, "limit below 1"),
        ({"limit": 1001}, "limit above 1000"),
        ({"offset": -1}, "negative offset"),
        ({"sort_direction": "Sideways"}, "unknown sort direction"),
        ({"symbol": ""}, "empty symbol"),
    ],
)
async def test_fills_rejects_bad_filters_before_sending(
    mock_api: Any, signed_client: AsyncClient, params: dict[str, Any], reason: str
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.history.fills(**params)
    assert sent_requests(mock_api) == [], reason


async def test_history_needs_keys_and_sends_nothing_without_them(
    mock_api: Any, client: AsyncClient
) -> None:
    with pytest.raises(CredentialsError):
        await client.history.fills()
    assert sent_requests(mock_api) == []


async def test_orders_sends_filters_and_parses_market_limit_and_unknown_order_types(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [
        ("limit", "2"),
        ("marketType", "PERP"),
        ("orderId", "9"),
        ("sortDirection", "Asc"),
        ("strategyId", "s-1"),
        ("symbol", "SOL_USDC_PERP"),
    ]
    mock_api.get(
        _url("/wapi/v1/history/orders", pairs),
        payload=[
            {
                "id": "111051090663277568",
                "clientId": None,
                "createdAt": "2025-07-27T17:39:00.092",
                "executedQuantity": "0.10",
                "executedQuoteQuantity": "17.05",
                "expiryReason": None,
                "orderType": "Limit",
                "postOnly": False,
                "price": "170.50",
                "quantity": "0.10",
                "quoteQuantity": None,
                "selfTradePrevention": "RejectTaker",
                "status": "Filled",
                "side": "Bid",
                "symbol": "SOL_USDC_PERP",
                "timeInForce": "GTC",
                "triggerBy": None,
                "triggerPrice": None,
                "triggerQuantity": "50%",
                "systemOrderType": None,
                "strategyId": "s-1",
                "slippageTolerance": None,
                "slippageToleranceType": None,
                "newColumn": True,
            },
            {
                "id": "9",
                "createdAt": "2025-07-27T17:40:00",
                "orderType": "TrailingStop",
                "status": "Triggered",
                "expiryReason": "SomeNewReason",
                "selfTradePrevention": "RejectBoth",
                "side": "Ask",
                "symbol": "SOL_USDC_PERP",
                "timeInForce": "IOC",
                "quoteQuantity": "25.5",
                "triggerBy": "MarkPrice",
                "triggerPrice": "160.0",
            },
        ],
    )
    orders = await signed_client.history.orders(
        symbol="SOL_USDC_PERP",
        order_id="9",
        strategy_id="s-1",
        market_type=MarketType.PERP,
        sort_direction="Asc",
        limit=2,
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/orders", pairs, "orderHistoryQueryAll")
    limit_order, other = orders
    assert limit_order.order_type is OrderType.LIMIT and limit_order.status is OrderStatus.FILLED
    assert limit_order.price == Decimal("170.50")
    assert limit_order.executed_quote_quantity == Decimal("17.05")
    assert limit_order.trigger_quantity == "50%" and limit_order.quote_quantity is None
    assert limit_order.created_at == datetime(2025, 7, 27, 17, 39, 0, 92000, tzinfo=UTC)
    assert other.order_type == "TrailingStop" and other.status == "Triggered"
    assert other.expiry_reason == "SomeNewReason"
    assert other.trigger_price == Decimal("160.0") and other.quote_quantity == Decimal("25.5")


async def test_funding_sends_subaccount_filter_and_parses_negative_payments(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [("subaccountId", "3"), ("symbol", "SOL_USDC_PERP"), ("offset", "0")]
    mock_api.get(
        _url("/wapi/v1/history/funding", pairs),
        payload=[
            {
                "userId": 7,
                "subaccountId": None,
                "symbol": "SOL_USDC_PERP",
                "quantity": "-0.0123",
                "intervalEndTimestamp": "2025-07-22T00:00:00",
                "fundingRate": "-0.0000039641039274236048482914",
                "extra": "ignored",
            }
        ],
    )
    (payment,) = await signed_client.history.funding(
        symbol="SOL_USDC_PERP", subaccount_id=3, offset=0
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/funding", pairs, "fundingHistoryQueryAll")
    assert payment.quantity == Decimal("-0.0123")
    assert payment.funding_rate == Decimal("-0.0000039641039274236048482914")
    assert payment.interval_end_timestamp == datetime(2025, 7, 22, tzinfo=UTC)
    assert payment.subaccount_id is None and payment.user_id == 7


async def test_settlement_sends_source_filter_and_keeps_unknown_sources(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [("source", "CulledRealizePnlBookUtilization"), ("sortDirection", "Desc")]
    mock_api.get(
        _url("/wapi/v1/history/settlement", pairs),
        payload=[
            {
                "quantity": "-0.05",
                "source": "TradingFees",
                "subaccountId": None,
                "timestamp": "2025-07-22T08:00:00",
                "userId": 7,
                "positionId": None,
                "engineSequence": 991,
            },
            {"quantity": "1.5", "source": "BrandNewSource", "timestamp": "2025-07-22T09:00:00"},
        ],
    )
    rows = await signed_client.history.settlement(
        source="CulledRealizePnlBookUtilization", sort_direction="Desc"
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/settlement", pairs, "settlementHistoryQueryAll")
    assert rows[0].source is SettlementSource.TRADING_FEES
    assert rows[0].quantity == Decimal("-0.05") and rows[0].engine_sequence == 991
    assert rows[1].source == "BrandNewSource" and rows[1].user_id is None


async def test_interest_sends_asset_and_source_filters_and_parses_payments(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [
        ("asset", "USDC"),
        ("positionId", "5501"),
        ("source", "BorrowLend"),
        ("symbol", "USDC"),
        ("limit", "1000"),
    ]
    mock_api.get(
        _url("/wapi/v1/history/interest", pairs),
        payload=[
            {
                "paymentType": "Borrow",
                "interestRate": "0.000125",
                "interval": 3600000,
                "marketSymbol": "USDC",
                "positionId": "5501",
                "quantity": "-0.000123",
                "symbol": "USDC",
                "timestamp": "2025-07-22T01:00:00",
            },
            {"paymentType": "SomeNewPayment", "symbol": "SOL", "quantity": None},
        ],
    )
    rows = await signed_client.history.interest(
        asset="USDC", symbol="USDC", position_id="5501", source="BorrowLend", limit=1000
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/interest", pairs, "interestHistoryQueryAll")
    assert rows[0].payment_type is PaymentType.BORROW
    assert rows[0].interest_rate == Decimal("0.000125") and rows[0].interval == 3600000
    assert rows[1].payment_type == "SomeNewPayment" and rows[1].quantity is None


async def test_borrow_lend_joins_sources_with_commas_in_one_signed_value(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [
        ("positionId", "5501"),
        ("sources", "AutoLend,Manual"),
        ("symbol", "USDC"),
        ("type", "Lend"),
    ]
    mock_api.get(
        _url("/wapi/v1/history/borrowLend", pairs),
        payload=[
            {
                "eventType": "Lend",
                "positionId": "5501",
                "positionQuantity": None,
                "quantity": "100.00",
                "source": "AutoLend",
                "symbol": "USDC",
                "timestamp": "2025-07-22T01:00:00.5",
                "spotMarginOrderId": None,
            },
            {"eventType": "Restake", "source": "Airdrop", "symbol": "USDC"},
        ],
    )
    rows = await signed_client.history.borrow_lend(
        symbol="USDC",
        event_type=BorrowLendEventType.LEND,
        sources=[BorrowLendSource.AUTO_LEND, "Manual"],
        position_id="5501",
    )
    message = _assert_signed_get(
        mock_api, "/wapi/v1/history/borrowLend", pairs, "borrowHistoryQueryAll"
    )
    assert "&sources=AutoLend,Manual&" in message
    assert rows[0].event_type is BorrowLendEventType.LEND
    assert rows[0].quantity == Decimal("100.00") and rows[0].position_quantity is None
    assert rows[0].timestamp == datetime(2025, 7, 22, 1, 0, 0, 500000, tzinfo=UTC)
    assert rows[1].event_type == "Restake" and rows[1].source == "Airdrop"


@pytest.mark.parametrize(
    "sources",
    ["AutoLend,Manual", ("AutoLend", BorrowLendSource.MANUAL)],
    ids=["comma-text", "tuple"],
)
async def test_borrow_lend_accepts_sources_as_text_or_any_sequence(
    signed_client: AsyncClient, sources: Any
) -> None:
    prepared = signed_client.prepare(ep.BORROW_LEND, {"sources": sources})
    assert prepared.query == [("sources", "AutoLend,Manual")]


@pytest.mark.parametrize("sources", [[], ["Manual", "Gift"], "Manual,,AutoLend"])
async def test_borrow_lend_rejects_empty_or_unknown_sources_before_sending(
    mock_api: Any, signed_client: AsyncClient, sources: Any
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.history.borrow_lend(sources=sources)
    assert sent_requests(mock_api) == []


async def test_borrow_lend_positions_sends_side_and_state_and_parses_rows(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [("side", "Borrow"), ("state", "Open"), ("symbol", "SOL")]
    mock_api.get(
        _url("/wapi/v1/history/borrowLend/positions", pairs),
        payload=[
            {
                "positionId": "5501",
                "quantity": "-2.5",
                "symbol": "SOL",
                "source": "Manual",
                "cumulativeInterest": "-0.0001",
                "avgInterestRate": "0.0312",
                "side": "Borrow",
                "createdAt": "2025-07-20T10:00:00",
                "closedAt": None,
            }
        ],
    )
    (row,) = await signed_client.history.borrow_lend_positions(
        symbol="SOL", side=BorrowLendSide.BORROW, state="Open"
    )
    _assert_signed_get(
        mock_api,
        "/wapi/v1/history/borrowLend/positions",
        pairs,
        "borrowPositionHistoryQueryAll",
    )
    assert row.position_id == "5501" and row.side is BorrowLendSide.BORROW
    assert row.source is BorrowLendSource.MANUAL
    assert row.avg_interest_rate == Decimal("0.0312")
    assert row.created_at == datetime(2025, 7, 20, 10, tzinfo=UTC)


async def test_dust_sends_conversion_id_as_id_and_parses_conversions(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [("id", "12"), ("symbol", "BONK")]
    mock_api.get(
        _url("/wapi/v1/history/dust", pairs),
        payload=[
            {
                "id": 12,
                "quantity": "1234.5",
                "symbol": "BONK",
                "usdcReceived": "0.000002",
                "timestamp": "2025-07-20T10:00:00",
                "fee": None,
            }
        ],
    )
    (row,) = await signed_client.history.dust(conversion_id=12, symbol="BONK")
    _assert_signed_get(mock_api, "/wapi/v1/history/dust", pairs, "dustHistoryQueryAll")
    assert row.id == 12 and row.usdc_received == Decimal("0.000002")


async def test_positions_uses_the_position_path_and_parses_open_and_closed_rows(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [
        ("marketType", "IPERP"),
        ("marketType", "PERP"),
        ("state", "Closed"),
        ("symbol", "SOL_USDC_PERP"),
    ]
    mock_api.get(
        _url("/wapi/v1/history/position", pairs),
        payload=[
            {
                "id": "77",
                "symbol": "SOL_USDC_PERP",
                "netQuantity": "0",
                "netExposureQuantity": "0",
                "netExposureNotional": "0",
                "netCost": "0",
                "markPrice": "170.1",
                "entryPrice": "160.00",
                "cumulativePnlRealized": "12.34",
                "unrealizedPnl": "0",
                "fundingQuantity": "-0.02",
                "interest": "0",
                "liquidated": "0",
                "imf": "0.02",
                "fees": "0.15",
                "state": "Closed",
                "closedVolume": "3.0",
                "liquidationFees": "0",
                "closingPrice": None,
                "accountLeverage": None,
                "openedAt": "2025-07-01T00:00:00",
                "closedAt": "2025-07-02T00:00:00",
            },
            {"id": "78", "symbol": "SOL_USDC_PERP", "state": "Liquidating"},
        ],
    )
    rows = await signed_client.history.positions(
        symbol="SOL_USDC_PERP", state=PositionState.CLOSED, market_type=["PERP", "IPERP"]
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/position", pairs, "positionHistoryQueryAll")
    assert rows[0].state is PositionState.CLOSED and rows[0].closing_price is None
    assert rows[0].cumulative_pnl_realized == Decimal("12.34")
    assert rows[0].closed_at == datetime(2025, 7, 2, tzinfo=UTC)
    assert rows[1].state == "Liquidating" and rows[1].net_quantity is None


async def test_rfq_history_sends_status_side_and_deferred_flag(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [
        ("deferredSettlement", "false"),
        ("rfqId", "r-1"),
        ("side", "Bid"),
        ("status", "Filled"),
        ("symbol", "SOL_USDC_RFQ"),
    ]
    mock_api.get(
        _url("/wapi/v1/history/rfq", pairs),
        payload=[
            {
                "rfqId": "r-1",
                "clientId": None,
                "symbol": "SOL_USDC_RFQ",
                "side": "Bid",
                "price": None,
                "quantity": "10",
                "quoteQuantity": None,
                "submissionTime": "2025-07-20T10:00:05",
                "expiryTime": "2025-07-20T10:00:30",
                "status": "Filled",
                "executionMode": "AwaitAccept",
                "createdAt": "2025-07-20T10:00:00",
                "deferredSettlementQuoteId": None,
            },
            {"rfqId": "r-2", "symbol": "SOL_USDC_RFQ", "executionMode": "Auction"},
        ],
    )
    rows = await signed_client.history.rfq(
        symbol="SOL_USDC_RFQ",
        rfq_id="r-1",
        status=OrderStatus.FILLED,
        side="Bid",
        deferred_settlement=False,
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/rfq", pairs, "rfqHistoryQueryAll")
    assert rows[0].execution_mode is RfqExecutionMode.AWAIT_ACCEPT
    assert rows[0].quantity == Decimal("10") and rows[0].price is None
    assert rows[0].expiry_time == datetime(2025, 7, 20, 10, 0, 30, tzinfo=UTC)
    assert rows[1].execution_mode == "Auction"


async def test_rfq_fills_sends_fill_type_and_parses_system_fills(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [
        ("deferredSettlement", "true"),
        ("fillType", "CollateralConversion"),
        ("quoteId", "q-1"),
        ("side", "Ask"),
        ("symbol", "SOL_USDC_RFQ"),
    ]
    mock_api.get(
        _url("/wapi/v1/history/rfq/fill", pairs),
        payload=[
            {
                "rfqId": "r-1",
                "clientId": 5,
                "quoteId": "q-1",
                "symbol": "SOL_USDC_RFQ",
                "side": "Ask",
                "quantity": None,
                "quoteQuantity": "1000",
                "fillPrice": "169.99",
                "createdAt": "2025-07-20T10:00:00",
                "filledAt": "2025-07-20T10:00:07",
                "systemOrderType": "CollateralConversion",
            }
        ],
    )
    (row,) = await signed_client.history.rfq_fills(
        symbol="SOL_USDC_RFQ",
        quote_id="q-1",
        side=Side.ASK,
        fill_type="CollateralConversion",
        deferred_settlement=True,
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/rfq/fill", pairs, "rfqFillHistoryQueryAll")
    assert row.fill_price == Decimal("169.99") and row.quantity is None
    assert row.system_order_type is SystemOrderType.COLLATERAL_CONVERSION
    assert row.client_id == 5


async def test_quotes_sends_quote_filters_and_parses_quotes(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [("quoteId", "q-1"), ("status", "Cancelled"), ("symbol", "SOL_USDC_RFQ")]
    mock_api.get(
        _url("/wapi/v1/history/quote", pairs),
        payload=[
            {
                "rfqId": "r-1",
                "quoteId": "q-1",
                "clientId": None,
                "bidPrice": "169.50",
                "askPrice": "170.50",
                "status": "Cancelled",
                "createdAt": "2025-07-20T10:00:01",
                "deferredSettlement": None,
            }
        ],
    )
    (row,) = await signed_client.history.quotes(
        symbol="SOL_USDC_RFQ", quote_id="q-1", status="Cancelled"
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/quote", pairs, "quoteHistoryQueryAll")
    assert row.bid_price == Decimal("169.50") and row.ask_price == Decimal("170.50")
    assert row.status is OrderStatus.CANCELLED and row.deferred_settlement is None


async def test_quote_fills_sends_side_and_parses_fee(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [("side", "Bid"), ("symbol", "SOL_USDC_RFQ"), ("sortDirection", "Asc")]
    mock_api.get(
        _url("/wapi/v1/history/quote/fill", pairs),
        payload=[
            {
                "clientId": None,
                "quoteId": "q-1",
                "rfqId": "r-1",
                "symbol": "SOL_USDC_RFQ",
                "side": "Bid",
                "quantity": "10",
                "fillPrice": "169.50",
                "fee": "0.01",
                "feeSymbol": "USDC",
                "createdAt": "2025-07-20T10:00:01",
                "filledAt": "2025-07-20T10:00:07",
            }
        ],
    )
    (row,) = await signed_client.history.quote_fills(
        symbol="SOL_USDC_RFQ", side="Bid", sort_direction="Asc"
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/quote/fill", pairs, "quoteFillHistoryQueryAll")
    assert row.fee == Decimal("0.01") and row.fee_symbol == "USDC"
    assert row.filled_at == datetime(2025, 7, 20, 10, 0, 7, tzinfo=UTC)


async def test_strategies_history_sends_market_types_and_parses_cancel_reasons(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    pairs = [("marketType", "SPOT"), ("strategyId", "st-1"), ("symbol", "SOL_USDC")]
    mock_api.get(
        _url("/wapi/v1/history/strategies", pairs),
        payload=[
            {
                "id": "st-1",
                "createdAt": "2025-07-20T10:00:00",
                "executedQuantity": "0.5",
                "executedQuoteQuantity": "85.00",
                "cancelReason": "InsufficientFunds",
                "strategyType": "Scheduled",
                "quantity": "1",
                "selfTradePrevention": "RejectTaker",
                "status": "Cancelled",
                "side": "Bid",
                "symbol": "SOL_USDC",
                "timeInForce": "GTC",
                "clientStrategyId": None,
                "duration": 600000,
                "interval": 60000,
                "randomizedIntervalQuantity": False,
                "slippageTolerance": None,
                "slippageToleranceType": None,
            },
            {"id": "st-2", "symbol": "SOL_USDC", "strategyType": "Grid", "status": "Paused"},
        ],
    )
    rows = await signed_client.history.strategies(
        symbol="SOL_USDC", strategy_id="st-1", market_type=[MarketType.SPOT]
    )
    _assert_signed_get(mock_api, "/wapi/v1/history/strategies", pairs, "strategyHistoryQueryAll")
    assert rows[0].cancel_reason is StrategyCancelReason.INSUFFICIENT_FUNDS
    assert rows[0].status is StrategyStatus.CANCELLED
    assert rows[0].executed_quote_quantity == Decimal("85.00")
    assert rows[0].duration == 600000 and rows[0].interval == 60000
    assert rows[1].strategy_type == "Grid" and rows[1].status == "Paused"


# --- every history method, iterated, walks its own endpoint ------------------------------

_ITER_CASES: list[tuple[str, dict[str, Any], str, list[tuple[str, str]], str]] = [
    (
        "fills",
        {"symbol": "SOL_USDC", "fill_type": "User", "market_type": ["SPOT", "PERP"]},
        "/wapi/v1/history/fills",
        [
            ("fillType", "User"),
            ("marketType", "PERP"),
            ("marketType", "SPOT"),
            ("symbol", "SOL_USDC"),
        ],
        "fillHistoryQueryAll",
    ),
    (
        "orders",
        {"symbol": "SOL_USDC", "market_type": "SPOT"},
        "/wapi/v1/history/orders",
        [("marketType", "SPOT"), ("symbol", "SOL_USDC")],
        "orderHistoryQueryAll",
    ),
    (
        "funding",
        {"subaccount_id": 2},
        "/wapi/v1/history/funding",
        [("subaccountId", "2")],
        "fundingHistoryQueryAll",
    ),
    (
        "settlement",
        {"source": "FundingPayment"},
        "/wapi/v1/history/settlement",
        [("source", "FundingPayment")],
        "settlementHistoryQueryAll",
    ),
    (
        "interest",
        {"asset": "USDC", "source": "UnrealizedPnl"},
        "/wapi/v1/history/interest",
        [("asset", "USDC"), ("source", "UnrealizedPnl")],
        "interestHistoryQueryAll",
    ),
    (
        "borrow_lend",
        {"event_type": "Borrow", "sources": ["Manual", "Interest"]},
        "/wapi/v1/history/borrowLend",
        [("sources", "Manual,Interest"), ("type", "Borrow")],
        "borrowHistoryQueryAll",
    ),
    (
        "borrow_lend_positions",
        {"state": "Closed"},
        "/wapi/v1/history/borrowLend/positions",
        [("state", "Closed")],
        "borrowPositionHistoryQueryAll",
    ),
    (
        "dust",
        {"symbol": "BONK"},
        "/wapi/v1/history/dust",
        [("symbol", "BONK")],
        "dustHistoryQueryAll",
    ),
    (
        "positions",
        {"state": "Open", "market_type": ["DATED"]},
        "/wapi/v1/history/position",
        [("marketType", "DATED"), ("state", "Open")],
        "positionHistoryQueryAll",
    ),
    (
        "rfq",
        {"status": "Expired", "deferred_settlement": True},
        "/wapi/v1/history/rfq",
        [("deferredSettlement", "true"), ("status", "Expired")],
        "rfqHistoryQueryAll",
    ),
    (
        "rfq_fills",
        {"fill_type": "User"},
        "/wapi/v1/history/rfq/fill",
        [("fillType", "User")],
        "rfqFillHistoryQueryAll",
    ),
    (
        "quotes",
        {"quote_id": "q-1"},
        "/wapi/v1/history/quote",
        [("quoteId", "q-1")],
        "quoteHistoryQueryAll",
    ),
    (
        "quote_fills",
        {"side": "Ask"},
        "/wapi/v1/history/quote/fill",
        [("side", "Ask")],
        "quoteFillHistoryQueryAll",
    ),
    (
        "strategies",
        {"strategy_id": "st-1", "sort_direction": "Asc"},
        "/wapi/v1/history/strategies",
        [("sortDirection", "Asc"), ("strategyId", "st-1")],
        "strategyHistoryQueryAll",
    ),
]

#: A minimal row every history model accepts (each requires a subset of these ids).
_ROW = {
    "id": "1",
    "symbol": "SOL_USDC",
    "positionId": "p",
    "rfqId": "r",
    "quoteId": "q",
}


@pytest.mark.parametrize(
    ("method", "filters", "path", "filter_pairs", "instruction"),
    _ITER_CASES,
    ids=[case[0] for case in _ITER_CASES],
)
async def test_iterated_method_walks_its_endpoint_with_filters_limit_and_offset(
    mock_api: Any,
    signed_client: AsyncClient,
    method: str,
    filters: dict[str, Any],
    path: str,
    filter_pairs: list[tuple[str, str]],
    instruction: str,
) -> None:
    row = _ROW
    first = [*filter_pairs, ("limit", "2"), ("offset", "10")]
    second = [*filter_pairs, ("limit", "2"), ("offset", "12")]
    mock_api.get(_url(path, first), payload=[row, row])
    mock_api.get(_url(path, second), payload=[row])
    iterator = getattr(signed_client.history, method)(**filters, offset=10, limit=2)
    rows = [item async for item in iterator]
    assert len(rows) == 3
    requests = sent_requests(mock_api)
    assert [(r.path, sorted(r.query)) for r in requests] == [
        (path, sorted(first)),
        (path, sorted(second)),
    ]
    for request in requests:
        assert_signed(request, instruction)


def test_every_history_endpoint_has_one_paged_method_and_no_iter_twin() -> None:
    from bpx_async.endpoints import Endpoint
    from bpx_async.resources import History

    records = [v for v in vars(ep).values() if isinstance(v, Endpoint)]
    # The 14 GET /wapi/v1/history/* operations of the official spec.
    assert {r.path.removeprefix("/wapi/v1/history/") for r in records} == {
        "fills",
        "orders",
        "funding",
        "settlement",
        "interest",
        "borrowLend",
        "borrowLend/positions",
        "dust",
        "position",
        "rfq",
        "rfq/fill",
        "quote",
        "quote/fill",
        "strategies",
    }
    for record in records:
        group, name = record.name.split(".")
        assert group == "history" and record.method == "GET" and record.auth == "signed"
        assert callable(getattr(History, name))
        assert not hasattr(History, f"iter_{name}")
    assert not [name for name in vars(History) if name.startswith("iter_")]
