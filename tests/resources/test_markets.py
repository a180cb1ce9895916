"""client.markets: market definitions and filters, tickers, depth, klines, mark prices, open
interest, funding rates, prediction events, securities and sessions; plus how public calls
fail (HTTP errors, bad input) and that one client serves many concurrent calls.
"""

from __future__ import annotations

import asyncio
import calendar
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_unsigned, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.endpoints import Endpoint
from bpx_async.endpoints import markets as ep
from bpx_async.errors import (
    BadRequestError,
    RateLimitError,
    RequestValidationError,
    ResponseValidationError,
)
from bpx_async.models.enums import (
    DepthLimit,
    KlineInterval,
    KlinePriceType,
    MarketType,
    OrderBookState,
    SeriesRecurrence,
    TickerInterval,
)

SOL_PERP = {
    "symbol": "SOL_USDC_PERP",
    "baseSymbol": "SOL",
    "quoteSymbol": "USDC",
    "marketType": "PERP",
    "filters": {
        "price": {
            "minPrice": "0.01",
            "maxPrice": "1000",
            "tickSize": "0.01",
            "maxMultiplier": "1.25",
            "minMultiplier": "0.75",
            "maxImpactMultiplier": "1.03",
            "minImpactMultiplier": "0.97",
            "meanMarkPriceBand": {"maxMultiplier": "1.10", "minMultiplier": "0.90"},
            "meanPremiumBand": {"tolerancePct": "0.05"},
            "borrowEntryFeeMaxMultiplier": None,
            "borrowEntryFeeMinMultiplier": None,
        },
        "quantity": {"minQuantity": "0.01", "maxQuantity": None, "stepSize": "0.01"},
    },
    "imfFunction": {"type": "sqrt", "base": "0.02", "factor": "0.00006"},
    "mmfFunction": {"type": "sqrt", "base": "0.0125", "factor": "0.000036"},
    "fundingInterval": 28_800_000,
    "fundingRateUpperBound": "100",
    "fundingRateLowerBound": "-100",
    "openInterestLimit": "4000000",
    "orderBookState": "Open",
    "createdAt": "2025-01-21T06:34:54.691858",
    "visible": True,
    "positionLimitWeight": None,
    "leverageTiers": [{"maxLeverage": "20"}],
}
BTC_SPOT = {
    "symbol": "BTC_USDC",
    "baseSymbol": "BTC",
    "quoteSymbol": "USDC",
    "marketType": "SPOT",
    "filters": {
        "price": {"minPrice": "0.1", "tickSize": "0.1"},
        "quantity": {"minQuantity": "0.00001", "stepSize": "0.00001"},
    },
    "imfFunction": None,
    "mmfFunction": None,
    "fundingInterval": None,
    "orderBookState": "Halted",
    "createdAt": "2024-01-10T00:00:00",
    "visible": True,
}
TICKER = {
    "symbol": "SOL_USDC",
    "firstPrice": "168.20",
    "lastPrice": "172.45",
    "priceChange": "4.25",
    "priceChangePercent": "0.025267",
    "high": "175.00",
    "low": "166.10",
    "volume": "98211.37",
    "quoteVolume": "16748311.2051",
    "trades": "48121",
}


def _ticker(symbol: str) -> dict[str, Any]:
    return {**TICKER, "symbol": symbol}


def test_only_klines_is_in_the_historical_data_budget() -> None:
    flagged = {e.name for e in vars(ep).values() if isinstance(e, Endpoint) and e.historical_data}
    assert flagged == {"markets.klines"}


# --- markets ---------------------------------------------------------------------------------


async def test_list_without_type_sends_no_query_and_parses_filters(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/markets", payload=[SOL_PERP, BTC_SPOT])
    perp, spot = await client.markets.list()

    assert perp.symbol == "SOL_USDC_PERP"
    assert perp.market_type is MarketType.PERP
    assert perp.filters.price.tick_size == Decimal("0.01")
    assert perp.filters.price.min_price == Decimal("0.01")
    assert perp.filters.price.max_price == Decimal("1000")
    assert perp.filters.price.mean_mark_price_band is not None
    assert perp.filters.price.mean_mark_price_band.max_multiplier == Decimal("1.10")
    assert perp.filters.price.mean_premium_band is not None
    assert perp.filters.price.mean_premium_band.tolerance_pct == Decimal("0.05")
    assert perp.filters.price.borrow_entry_fee_max_multiplier is None
    assert perp.filters.quantity.step_size == Decimal("0.01")
    assert perp.filters.quantity.min_quantity == Decimal("0.01")
    assert perp.filters.quantity.max_quantity is None
    assert perp.imf_function is not None and perp.imf_function.type == "sqrt"
    assert perp.imf_function.factor == Decimal("0.00006")
    assert perp.funding_interval == 28_800_000
    assert perp.funding_rate_lower_bound == Decimal("-100")
    assert perp.order_book_state is OrderBookState.OPEN
    assert perp.created_at == datetime(2025, 1, 21, 6, 34, 54, 691858, tzinfo=timezone.utc)
    assert perp.position_limit_weight is None

    assert spot.filters.quantity.step_size == Decimal("0.00001")
    assert spot.imf_function is None and spot.funding_interval is None
    assert spot.order_book_state == "Halted"

    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/markets", [])
    assert_unsigned(sent)


async def test_list_sends_one_market_type(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/markets?marketType=PREDICTION",
        payload=[{**SOL_PERP, "symbol": "WC26-ENG_USDC", "marketType": "PREDICTION"}],
    )
    (market,) = await client.markets.list(market_type="PREDICTION")
    assert market.market_type is MarketType.PREDICTION
    assert only_request(mock_api).query == [("marketType", "PREDICTION")]


async def test_list_sends_several_market_types_as_a_repeated_key(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/markets?marketType=IPERP&marketType=DATED&marketType=RFQ",
        payload=[{**SOL_PERP, "marketType": "BASKET"}],
    )
    (market,) = await client.markets.list(market_type=[MarketType.IPERP, "DATED", "RFQ"])
    assert market.market_type == "BASKET"
    sent = only_request(mock_api)
    assert sorted(sent.query) == [
        ("marketType", "DATED"),
        ("marketType", "IPERP"),
        ("marketType", "RFQ"),
    ]
    # On the wire (and in the signature) the filter has one canonical order: sorted, unique.
    prepared = client.prepare(ep.LIST, {"market_type": ("IPERP", "DATED", "RFQ", "DATED")})
    assert prepared.query == [
        ("marketType", "DATED"),
        ("marketType", "IPERP"),
        ("marketType", "RFQ"),
    ]
    assert_unsigned(sent)


async def test_list_refuses_an_unknown_market_type(mock_api: Any, client: AsyncClient) -> None:
    with pytest.raises(RequestValidationError):
        await client.markets.list(market_type=["SPOT", "OPTIONS"])
    assert sent_requests(mock_api) == []


async def test_get_returns_one_market_and_tolerates_null_filters(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/market?symbol=AAPL.US_USDC",
        payload={
            "symbol": "AAPL.US_USDC",
            "baseSymbol": "AAPL.US",
            "quoteSymbol": "USDC",
            "marketType": "SPOT",
            "filters": {"price": None, "quantity": {"minQuantity": "0.001", "stepSize": "0.001"}},
            "orderBookState": "LimitOnly",
            "rwaMarketType": "STOCK",
            "tradingHoursOnly": True,
        },
    )
    market = await client.markets.get("AAPL.US_USDC")
    assert market.base_symbol == "AAPL.US"
    assert market.filters.price.tick_size is None
    assert market.filters.quantity.min_quantity == Decimal("0.001")
    assert market.order_book_state is OrderBookState.LIMIT_ONLY
    assert market.rwa_market_type == "STOCK"
    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/api/v1/market")
    assert sent.query == [("symbol", "AAPL.US_USDC")]
    assert_unsigned(sent)


# --- tickers and depth -----------------------------------------------------------------------


async def test_ticker_parses_decimal_statistics_and_sends_interval(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/ticker?interval=1w&symbol=SOL_USDC",
        payload={**TICKER, "high": None, "openInterest": "12"},
    )
    ticker = await client.markets.ticker("SOL_USDC", interval=TickerInterval.WEEK_1)
    assert ticker is not None
    assert ticker.last_price == Decimal("172.45")
    assert ticker.price_change_percent == Decimal("0.025267")
    assert ticker.quote_volume == Decimal("16748311.2051")
    assert ticker.high is None
    assert ticker.trades == 48121
    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/api/v1/ticker")
    assert sent.query == [("interval", "1w"), ("symbol", "SOL_USDC")]
    assert_unsigned(sent)


async def test_ticker_answered_with_204_returns_none(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(f"{BASE}/api/v1/ticker?symbol=DELISTED_USDC", status=204, body=b"")
    assert await client.markets.ticker("DELISTED_USDC") is None
    assert only_request(mock_api).query == [("symbol", "DELISTED_USDC")]


@pytest.mark.parametrize(("status", "body"), [(202, b""), (204, b"  \n")])
async def test_ticker_answered_with_no_content_returns_none(
    mock_api: Any, client: AsyncClient, status: int, body: bytes
) -> None:
    mock_api.get(f"{BASE}/api/v1/ticker?symbol=DELISTED_USDC", status=status, body=body)
    assert await client.markets.ticker("DELISTED_USDC") is None


async def test_ticker_answered_200_with_no_body_is_an_unexpected_response(
    mock_api: Any, client: AsyncClient
) -> None:
    # "No content" is a 202 or 204; a 200 promises a ticker, so an empty one is a bad answer.
    mock_api.get(f"{BASE}/api/v1/ticker?symbol=SOL_USDC", status=200, body=b"")
    with pytest.raises(ResponseValidationError, match=r"markets\.ticker: unexpected response"):
        await client.markets.ticker("SOL_USDC")


async def test_tickers_parse_every_market(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/tickers?interval=1d",
        payload=[
            _ticker("SOL_USDC"),
            {"symbol": "NEW_USDC", "lastPrice": None, "trades": "0", "markPrice": "1.02"},
        ],
    )
    sol, new = await client.markets.tickers(interval="1d")
    assert sol.volume == Decimal("98211.37")
    assert new.last_price is None and new.trades == 0
    sent = only_request(mock_api)
    assert (sent.path, sent.query) == ("/api/v1/tickers", [("interval", "1d")])
    assert_unsigned(sent)


@pytest.mark.parametrize("limit", [5, "5", DepthLimit.LEVELS_5])
async def test_depth_accepts_limit_as_int_str_or_enum(
    mock_api: Any, client: AsyncClient, limit: Any
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/depth?limit=5&symbol=SOL_USDC",
        payload={
            "asks": [["172.46", "10.5"], ["172.47", "3.00"]],
            "bids": [["172.40", "1.25"], ["172.44", "0.75"]],
            "lastUpdateId": "1789641528",
            "timestamp": 1_753_101_234_567_890,
            "sequence": 9,
        },
    )
    depth = await client.markets.depth("SOL_USDC", limit=limit)
    assert depth.asks[0] == (Decimal("172.46"), Decimal("10.5"))
    assert depth.bids[-1] == (Decimal("172.44"), Decimal("0.75"))
    assert str(depth.asks[1][1]) == "3.00"
    assert depth.last_update_id == 1_789_641_528
    assert depth.timestamp == 1_753_101_234_567_890
    sent = only_request(mock_api)
    assert (sent.path, sent.query) == ("/api/v1/depth", [("limit", "5"), ("symbol", "SOL_USDC")])
    assert_unsigned(sent)


async def test_depth_reads_null_sides_as_empty(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/depth?symbol=NEW_USDC",
        payload={"asks": None, "bids": [], "lastUpdateId": "1", "timestamp": 1},
    )
    depth = await client.markets.depth("NEW_USDC")
    assert depth.asks == [] and depth.bids == []


# --- klines ----------------------------------------------------------------------------------

KLINES = [
    {
        "start": "2025-07-19 13:09:00",
        "end": "2025-07-19 13:10:00",
        "open": "172.10",
        "high": "172.55",
        "low": "171.98",
        "close": "172.45",
        "volume": "812.33",
        "quoteVolume": "140011.5520",
        "trades": "311",
        "vwap": "172.36",
    },
    {
        "start": "2025-07-19 13:10:00",
        "end": "2025-07-19 13:11:00",
        "open": None,
        "high": None,
        "low": None,
        "close": None,
        "volume": "0",
        "quoteVolume": "0",
        "trades": "0",
    },
]


async def test_klines_send_unix_seconds_and_parse_candles(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/klines?endTime=1752930660&interval=1m&priceType=Mark"
        "&startTime=1752930540&symbol=SOL_USDC_PERP",
        payload=KLINES,
    )
    full, empty = await client.markets.klines(
        "SOL_USDC_PERP",
        KlineInterval.MINUTE_1,
        1_752_930_540,
        end_time=1_752_930_660,
        price_type=KlinePriceType.MARK,
    )
    assert full.start == datetime(2025, 7, 19, 13, 9, tzinfo=timezone.utc)
    assert full.end == datetime(2025, 7, 19, 13, 10, tzinfo=timezone.utc)
    assert (full.open, full.close) == (Decimal("172.10"), Decimal("172.45"))
    assert full.quote_volume == Decimal("140011.5520")
    assert full.trades == 311
    assert (empty.open, empty.high, empty.low, empty.close) == (None, None, None, None)
    assert empty.volume == Decimal("0")

    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/api/v1/klines")
    assert sent.query == [
        ("endTime", "1752930660"),
        ("interval", "1m"),
        ("priceType", "Mark"),
        ("startTime", "1752930540"),
        ("symbol", "SOL_USDC_PERP"),
    ]
    assert_unsigned(sent)


async def test_klines_convert_aware_datetimes_to_whole_seconds(
    mock_api: Any, client: AsyncClient
) -> None:
    # 15:09:00.750 at UTC+2 is 13:09:00 UTC; sub-second parts are dropped.
    start = datetime(2025, 7, 19, 15, 9, 0, 750_000, tzinfo=timezone(timedelta(hours=2)))
    expected = calendar.timegm((2025, 7, 19, 13, 9, 0))
    mock_api.get(
        f"{BASE}/api/v1/klines?interval=1h&startTime={expected}&symbol=SOL_USDC", payload=[]
    )
    assert await client.markets.klines("SOL_USDC", "1h", start) == []
    assert only_request(mock_api).query == [
        ("interval", "1h"),
        ("startTime", str(expected)),
        ("symbol", "SOL_USDC"),
    ]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("SOL_USDC", "1m", None), {}),  # start_time is required
        (("SOL_USDC", "2m", 1_752_930_540), {}),  # not a KlineInterval
        (("SOL_USDC", "1m", 1_752_930_540_000), {}),  # milliseconds by mistake
        (("SOL_USDC", "1m", datetime(2025, 7, 19, 13, 9)), {}),  # naive datetime
        (("SOL_USDC", "1m", "1752930540"), {}),  # text, not an int
        (("SOL_USDC", "1m", 1_752_930_540), {"end_time": 1_752_930_000}),  # end before start
        (("SOL_USDC", "1m", 1_752_930_540), {"price_type": "Close"}),
        (("", "1m", 1_752_930_540), {}),
    ],
)
async def test_klines_invalid_input_is_refused_before_sending(
    mock_api: Any, client: AsyncClient, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(RequestValidationError):
        await client.markets.klines(*args, **kwargs)
    assert sent_requests(mock_api) == []


async def test_klines_request_without_start_time_is_refused_at_the_endpoint(
    mock_api: Any, client: AsyncClient
) -> None:
    with pytest.raises(RequestValidationError, match=r"start_time|startTime"):
        await client.request(ep.KLINES, {"symbol": "SOL_USDC", "interval": "1m"})
    assert sent_requests(mock_api) == []


# --- mark prices, open interest, funding --------------------------------------------------


async def test_mark_prices_parse_perp_and_spot_rows(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/markPrices?marketType=PERP&symbol=SOL_USDC_PERP",
        payload=[
            {
                "symbol": "SOL_USDC_PERP",
                "markPrice": "172.4312",
                "indexPrice": "172.5001",
                "fundingRate": "-0.0000039641039274236048482914",
                "nextFundingTimestamp": 1_753_113_600_000,
                "premium": "0.0001",
            },
            {"symbol": "SOL_USDC", "markPrice": "172.43", "indexPrice": None},
        ],
    )
    perp, spot = await client.markets.mark_prices(symbol="SOL_USDC_PERP", market_type="PERP")
    assert perp.funding_rate == Decimal("-0.0000039641039274236048482914")
    assert perp.mark_price == Decimal("172.4312")
    assert perp.next_funding_timestamp == 1_753_113_600_000
    assert spot.index_price is None and spot.funding_rate is None
    sent = only_request(mock_api)
    assert (sent.path, sent.query) == (
        "/api/v1/markPrices",
        [("marketType", "PERP"), ("symbol", "SOL_USDC_PERP")],
    )
    assert_unsigned(sent)


async def test_open_interest_of_all_markets_sends_no_query(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/openInterest",
        payload=[
            {
                "symbol": "SOL_USDC_PERP",
                "openInterest": "1523111.07",
                "timestamp": 1_753_101_000_000,
            },
            {
                "symbol": "NEW_USDC_PERP",
                "openInterest": None,
                "timestamp": 1_753_101_000_000,
                "openInterestNotional": "0",
            },
        ],
    )
    sol, new = await client.markets.open_interest()
    assert sol.open_interest == Decimal("1523111.07")
    assert new.open_interest is None
    sent = only_request(mock_api)
    assert (sent.path, sent.query) == ("/api/v1/openInterest", [])
    assert_unsigned(sent)


async def test_open_interest_of_one_market_sends_the_symbol(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/openInterest?symbol=BTC_USDC_PERP", payload=[])
    assert await client.markets.open_interest(symbol="BTC_USDC_PERP") == []
    assert only_request(mock_api).query == [("symbol", "BTC_USDC_PERP")]


async def test_funding_rates_accept_limit_up_to_10000_and_parse_naive_utc_times(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/fundingRates?limit=10000&offset=0&symbol=SOL_USDC_PERP",
        payload=[
            {
                "symbol": "SOL_USDC_PERP",
                "intervalEndTimestamp": "2025-07-22T00:00:00",
                "fundingRate": "0.0000125",
                "markPrice": "172.1",
            },
            {"symbol": "SOL_USDC_PERP", "intervalEndTimestamp": None, "fundingRate": None},
        ],
    )
    latest, unknown = await client.markets.funding_rates("SOL_USDC_PERP", limit=10_000, offset=0)
    assert latest.interval_end_timestamp == datetime(2025, 7, 22, tzinfo=timezone.utc)
    assert latest.funding_rate == Decimal("0.0000125")
    assert unknown.funding_rate is None
    sent = only_request(mock_api)
    assert (sent.path, sent.query) == (
        "/api/v1/fundingRates",
        [("limit", "10000"), ("offset", "0"), ("symbol", "SOL_USDC_PERP")],
    )
    assert_unsigned(sent)


@pytest.mark.parametrize("kwargs", [{"limit": 10_001}, {"limit": 0}, {"offset": -1}])
async def test_funding_rates_refuse_out_of_range_paging(
    mock_api: Any, client: AsyncClient, kwargs: dict[str, int]
) -> None:
    with pytest.raises(RequestValidationError):
        await client.markets.funding_rates("SOL_USDC_PERP", **kwargs)
    assert sent_requests(mock_api) == []


# --- prediction markets --------------------------------------------------------------------

EVENT = {
    "slug": "btc-above-120k-july-31",
    "title": "Bitcoin above $120k on July 31?",
    "predictionMarkets": [
        {
            "marketSymbol": "BTC120KJUL31_USDC",
            "question": "Will BTC close above 120,000 USDT on July 31?",
            "groupLabel": None,
            "yesOutcomeLabel": "Yes",
            "noOutcomeLabel": "No",
            "rules": "Resolves Yes if the Binance BTCUSDT close is at or above 120000.",
            "resolvedAt": None,
            "resolutionPrice": None,
            "activePrice": "0.37",
            "quoteVolume": "15231.20",
            "quoteVolumeLifetime": "402113.75",
            "imgUrl": "https://cdn.example/btc.png",
            "resolutionCondition": {"type": "StrikePrice", "condition": "above"},
            "proposedResolution": None,
            "proposedResolutionAt": None,
            "resolutionDelaySecs": 3600,
        },
        {
            "marketSymbol": "BTCRANGEJUL31_USDC",
            "question": "Will BTC close between 110k and 120k?",
            "yesOutcomeLabel": "Yes",
            "noOutcomeLabel": "No",
            "rules": "Range market.",
            "resolvedAt": "2025-08-01T00:05:00",
            "resolutionPrice": "1",
            "activePrice": "1",
            "quoteVolume": "0",
            "quoteVolumeLifetime": "9000",
            "resolutionCondition": {
                "type": "QuantityRange",
                "greaterThanOrEqual": "110000",
                "lessThan": "120000",
            },
            "proposedResolution": True,
            "proposedResolutionAt": "2025-07-31T23:05:00",
            "resolutionDelaySecs": 3600,
        },
        {
            "marketSymbol": "BTCODDJUL31_USDC",
            "question": "Odd/even?",
            "activePrice": "0.5",
            "resolutionCondition": {"type": "Parity", "parity": "odd"},
            "resolutionDelaySecs": 0,
        },
    ],
    "tags": [{"slug": "crypto", "title": "Crypto"}],
    "series": [{"slug": "btc-daily", "title": "BTC daily close", "recurrence": "quarterly"}],
    "description": "Daily Bitcoin price market.",
    "imgUrl": None,
    "quoteVolume": "15231.20",
    "resolution": {
        "resolved": False,
        "startDate": "2025-07-30T00:00:00",
        "endDate": "2025-07-31T23:59:59",
        "strikePrice": "120000",
        "closePrice": None,
        "resolutionSourceEventIdentifier": "BTCUSDT",
        "resolutionSource": "binance",
        "outcome": None,
    },
    "resolved": False,
    "resolutionDelaySecs": 3600,
    "featured": True,
}


async def test_prediction_events_send_every_filter_and_parse_nested_markets(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/prediction?eventSlug=btc-above-120k-july-31&limit=50&offset=100"
        "&resolved=false&seriesSlug=btc-daily&symbol=BTC120KJUL31_USDC&tagSlug=crypto",
        payload=[EVENT],
    )
    (event,) = await client.markets.prediction_events(
        symbol="BTC120KJUL31_USDC",
        tag_slug="crypto",
        event_slug="btc-above-120k-july-31",
        series_slug="btc-daily",
        resolved=False,
        limit=50,
        offset=100,
    )
    assert event.slug == "btc-above-120k-july-31"
    assert event.quote_volume == Decimal("15231.20")
    assert event.img_url is None and event.resolved is False
    strike, quantity_range, unknown = event.prediction_markets
    assert strike.active_price == Decimal("0.37")
    assert strike.resolution_condition is not None
    assert strike.resolution_condition.type == "StrikePrice"
    assert strike.resolution_condition.condition == "above"
    assert strike.resolved_at is None and strike.resolution_delay_secs == 3600
    assert quantity_range.resolution_condition is not None
    assert quantity_range.resolution_condition.greater_than_or_equal == Decimal("110000")
    assert quantity_range.resolution_condition.less_than == Decimal("120000")
    assert quantity_range.resolved_at == datetime(2025, 8, 1, 0, 5, tzinfo=timezone.utc)
    assert quantity_range.proposed_resolution is True
    assert unknown.resolution_condition is not None
    assert unknown.resolution_condition.type == "Parity"
    assert unknown.resolution_condition.model_extra == {"parity": "odd"}
    assert [t.slug for t in event.tags] == ["crypto"]
    assert event.series[0].recurrence == "quarterly"
    assert event.resolution is not None
    assert event.resolution.strike_price == Decimal("120000")
    assert event.resolution.close_price is None
    assert event.resolution.resolution_source == "binance"
    assert event.resolution.start_date == datetime(2025, 7, 30, tzinfo=timezone.utc)

    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/api/v1/prediction")
    assert sent.query == [
        ("eventSlug", "btc-above-120k-july-31"),
        ("limit", "50"),
        ("offset", "100"),
        ("resolved", "false"),
        ("seriesSlug", "btc-daily"),
        ("symbol", "BTC120KJUL31_USDC"),
        ("tagSlug", "crypto"),
    ]
    assert_unsigned(sent)


async def test_prediction_events_read_null_lists_as_empty(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/prediction?resolved=true",
        payload=[
            {
                "slug": "election",
                "predictionMarkets": None,
                "tags": None,
                "series": [{"slug": "s", "title": "S", "recurrence": "weekly"}],
                "resolution": None,
            }
        ],
    )
    (event,) = await client.markets.prediction_events(resolved=True)
    assert event.prediction_markets == [] and event.tags == []
    assert event.series[0].recurrence is SeriesRecurrence.WEEKLY
    assert event.resolution is None
    assert only_request(mock_api).query == [("resolved", "true")]


@pytest.mark.parametrize("kwargs", [{"limit": 1001}, {"offset": -5}, {"tag_slug": ""}])
async def test_prediction_events_refuse_bad_filters(
    mock_api: Any, client: AsyncClient, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(RequestValidationError):
        await client.markets.prediction_events(**kwargs)
    assert sent_requests(mock_api) == []


async def test_prediction_tags_parse_slugs_and_titles(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/prediction/tags",
        payload=[
            {"slug": "sports", "title": "Sports", "count": 12},
            {"slug": "politics", "title": None},
        ],
    )
    sports, politics = await client.markets.prediction_tags()
    assert (sports.slug, sports.title) == ("sports", "Sports")
    assert politics.title is None
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/prediction/tags", [])
    assert_unsigned(sent)


# --- securities and sessions ------------------------------------------------------------------


async def test_securities_parse_per_session_quantity_rules(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/securities",
        payload=[
            {
                "asset": "AAPL.US",
                "name": "Apple Inc.",
                "cusip": "037833100",
                "sessions": [
                    {"name": "US_MARKET_HOURS", "minQuantity": "0.001", "stepSize": "0.001"},
                    {
                        "name": "US_OVERNIGHT",
                        "minQuantity": "0.01",
                        "maxQuantity": "500",
                        "stepSize": "0.01",
                        "venue": "ATS",
                    },
                ],
            },
            {"asset": "BRK.B.US", "name": "Berkshire Hathaway B", "cusip": None, "sessions": None},
        ],
    )
    apple, berkshire = await client.markets.securities()
    assert apple.asset == "AAPL.US" and apple.cusip == "037833100"
    regular, overnight = apple.sessions
    assert regular.min_quantity == Decimal("0.001") and regular.max_quantity is None
    assert overnight.max_quantity == Decimal("500")
    assert berkshire.cusip is None and berkshire.sessions == []
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/securities", [])
    assert_unsigned(sent)


async def test_sessions_parse_local_times_and_iso_weekdays(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/market-sessions",
        payload=[
            {
                "name": "US_MARKET_HOURS",
                "description": "Regular US equity session",
                "startTime": "09:30:00",
                "endTime": "16:00:00",
                "timezone": "America/New_York",
                "startWeekday": 1,
                "endWeekday": 5,
                "holidayCalendar": "NYSE",
            },
            {
                "name": "US_OVERNIGHT",
                "description": None,
                "startTime": "20:00:00",
                "endTime": "04:00:00",
                "timezone": "America/New_York",
                "startWeekday": 7,
                "endWeekday": 4,
            },
        ],
    )
    regular, overnight = await client.markets.sessions()
    assert (regular.start_time, regular.end_time) == (time(9, 30), time(16, 0))
    assert regular.timezone == "America/New_York"
    assert (regular.start_weekday, regular.end_weekday) == (1, 5)
    assert overnight.description is None
    assert (overnight.start_weekday, overnight.end_weekday) == (7, 4)
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/market-sessions", [])
    assert_unsigned(sent)


# --- errors and input validation -------------------------------------------------------------


async def test_json_400_raises_bad_request_with_code_and_message(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/market?symbol=NOPE_USDC",
        status=400,
        payload={"code": "INVALID_CLIENT_REQUEST", "message": "Market not found"},
    )
    with pytest.raises(BadRequestError) as caught:
        await client.markets.get("NOPE_USDC")
    assert caught.value.status == 400
    assert caught.value.code == "INVALID_CLIENT_REQUEST"
    assert caught.value.message == "Market not found"
    assert (caught.value.method, caught.value.path) == ("GET", "/api/v1/market")


async def test_plain_text_400_raises_bad_request_with_the_text_and_no_code(
    mock_api: Any, client: AsyncClient
) -> None:
    text = (
        'failed to parse parameter `interval`: failed to parse "KlineInterval": '
        "Expect a valid enumeration value."
    )
    mock_api.get(
        f"{BASE}/api/v1/depth?symbol=SOL_USDC", status=400, body=text, content_type="text/plain"
    )
    with pytest.raises(BadRequestError) as caught:
        await client.markets.depth("SOL_USDC")
    assert caught.value.code is None
    assert caught.value.message == text
    assert caught.value.body == text.encode()


async def test_429_raises_rate_limit_error_with_retry_after(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/klines?interval=1m&startTime=1752930540&symbol=SOL_USDC",
        status=429,
        payload={"code": "TOO_MANY_REQUESTS", "message": "Too many requests"},
        headers={"Retry-After": "7"},
    )
    with pytest.raises(RateLimitError) as caught:
        await client.markets.klines("SOL_USDC", "1m", 1_752_930_540)
    assert caught.value.status == 429
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.markets.ticker(""),
        lambda c: c.markets.ticker("SOL_USDC", interval="1h"),
        lambda c: c.markets.depth(""),
        lambda c: c.markets.depth("SOL_USDC", limit=7),
        lambda c: c.markets.depth("SOL_USDC", limit="7"),
        lambda c: c.markets.get(""),
        lambda c: c.markets.funding_rates(""),
        lambda c: c.markets.mark_prices(market_type="FUTURES"),
        lambda c: c.markets.open_interest(symbol=""),
    ],
    ids=[
        "ticker-empty-symbol",
        "ticker-bad-interval",
        "depth-empty-symbol",
        "depth-limit-7",
        "depth-limit-7-text",
        "get-empty-symbol",
        "funding-empty-symbol",
        "mark-prices-bad-type",
        "open-interest-empty-symbol",
    ],
)
async def test_invalid_input_is_refused_before_sending(
    mock_api: Any, client: AsyncClient, call: Any
) -> None:
    with pytest.raises(RequestValidationError):
        await call(client)
    assert sent_requests(mock_api) == []


async def test_concurrent_tickers_on_one_client_each_get_their_own_answer(
    mock_api: Any, client: AsyncClient
) -> None:
    symbols = [f"TOKEN{i}_USDC" for i in range(25)]
    for index, symbol in enumerate(symbols):
        mock_api.get(
            f"{BASE}/api/v1/ticker?symbol={symbol}",
            payload={**_ticker(symbol), "lastPrice": f"{index}.5"},
        )
    tickers = await asyncio.gather(*(client.markets.ticker(s) for s in symbols))
    assert [t.symbol for t in tickers if t is not None] == symbols
    assert [t.last_price for t in tickers if t is not None] == [
        Decimal(f"{i}.5") for i in range(len(symbols))
    ]
    sent = sent_requests(mock_api)
    assert sorted(q for r in sent for q in r.query) == sorted(("symbol", s) for s in symbols)
