"""Endpoint records of the Markets group (REFERENCE.md section 3, Markets)."""

from __future__ import annotations

from ..models.markets import (
    Depth,
    DepthRequest,
    FundingIntervalRate,
    FundingRatesRequest,
    Kline,
    KlinesRequest,
    Market,
    MarketRequest,
    MarketSession,
    MarketsRequest,
    MarkPrice,
    MarkPricesRequest,
    OpenInterest,
    OpenInterestRequest,
    PredictionEvent,
    PredictionEventsRequest,
    PredictionTag,
    Security,
    Ticker,
    TickerRequest,
    TickersRequest,
)
from ._spec import Endpoint

LIST: Endpoint[list[Market]] = Endpoint(
    name="markets.list",
    method="GET",
    path="/api/v1/markets",
    instruction=None,
    request=MarketsRequest,
    response=list[Market],
    doc="Markets of the given types (SPOT and PERP when none is given).",
)
GET: Endpoint[Market] = Endpoint(
    name="markets.get",
    method="GET",
    path="/api/v1/market",
    instruction=None,
    request=MarketRequest,
    response=Market,
    doc="One market and its trading rules.",
)
TICKER: Endpoint[Ticker | None] = Endpoint(
    name="markets.ticker",
    method="GET",
    path="/api/v1/ticker",
    instruction=None,
    request=TickerRequest,
    response=Ticker,
    allow_no_content=True,
    doc="24h or 1w statistics of one market (None on 204).",
)
TICKERS: Endpoint[list[Ticker]] = Endpoint(
    name="markets.tickers",
    method="GET",
    path="/api/v1/tickers",
    instruction=None,
    request=TickersRequest,
    response=list[Ticker],
    doc="24h or 1w statistics of every market.",
)
DEPTH: Endpoint[Depth] = Endpoint(
    name="markets.depth",
    method="GET",
    path="/api/v1/depth",
    instruction=None,
    request=DepthRequest,
    response=Depth,
    doc="Order-book snapshot of one market.",
)
KLINES: Endpoint[list[Kline]] = Endpoint(
    name="markets.klines",
    method="GET",
    path="/api/v1/klines",
    instruction=None,
    request=KlinesRequest,
    response=list[Kline],
    historical_data=True,
    doc="Candles of one market between two unix-second times.",
)
MARK_PRICES: Endpoint[list[MarkPrice]] = Endpoint(
    name="markets.mark_prices",
    method="GET",
    path="/api/v1/markPrices",
    instruction=None,
    request=MarkPricesRequest,
    response=list[MarkPrice],
    doc="Mark and index prices and funding rates (perpetuals by default).",
)
OPEN_INTEREST: Endpoint[list[OpenInterest]] = Endpoint(
    name="markets.open_interest",
    method="GET",
    path="/api/v1/openInterest",
    instruction=None,
    request=OpenInterestRequest,
    response=list[OpenInterest],
    doc="Open interest of one futures market or all of them.",
)
FUNDING_RATES: Endpoint[list[FundingIntervalRate]] = Endpoint(
    name="markets.funding_rates",
    method="GET",
    path="/api/v1/fundingRates",
    instruction=None,
    request=FundingRatesRequest,
    response=list[FundingIntervalRate],
    doc="Funding-rate history of a perpetual market.",
)
PREDICTION_EVENTS: Endpoint[list[PredictionEvent]] = Endpoint(
    name="markets.prediction_events",
    method="GET",
    path="/api/v1/prediction",
    instruction=None,
    request=PredictionEventsRequest,
    response=list[PredictionEvent],
    doc="Prediction events with their markets, filtered by symbol, tag, event or series.",
)
PREDICTION_TAGS: Endpoint[list[PredictionTag]] = Endpoint(
    name="markets.prediction_tags",
    method="GET",
    path="/api/v1/prediction/tags",
    instruction=None,
    request=None,
    response=list[PredictionTag],
    doc="Tags of prediction events.",
)
SECURITIES: Endpoint[list[Security]] = Endpoint(
    name="markets.securities",
    method="GET",
    path="/api/v1/securities",
    instruction=None,
    request=None,
    response=list[Security],
    doc="Tradable securities and their per-session quantity rules.",
)
SESSIONS: Endpoint[list[MarketSession]] = Endpoint(
    name="markets.sessions",
    method="GET",
    path="/api/v1/market-sessions",
    instruction=None,
    request=None,
    response=list[MarketSession],
    doc="Trading sessions (local hours and weekdays) of securities markets.",
)
