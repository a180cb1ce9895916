"""Endpoint records of the Markets group."""

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
    docs=("Markets", "get_markets"),
    method="GET",
    path="/api/v1/markets",
    instruction=None,
    request=MarketsRequest,
    response=list[Market],
)
GET: Endpoint[Market] = Endpoint(
    name="markets.get",
    docs=("Markets", "get_market"),
    method="GET",
    path="/api/v1/market",
    instruction=None,
    request=MarketRequest,
    response=Market,
)
TICKER: Endpoint[Ticker | None] = Endpoint(
    name="markets.ticker",
    docs=("Markets", "get_ticker"),
    method="GET",
    path="/api/v1/ticker",
    instruction=None,
    request=TickerRequest,
    response=Ticker,
    allow_no_content=True,
)
TICKERS: Endpoint[list[Ticker]] = Endpoint(
    name="markets.tickers",
    docs=("Markets", "get_tickers"),
    method="GET",
    path="/api/v1/tickers",
    instruction=None,
    request=TickersRequest,
    response=list[Ticker],
)
DEPTH: Endpoint[Depth] = Endpoint(
    name="markets.depth",
    docs=("Markets", "get_depth"),
    method="GET",
    path="/api/v1/depth",
    instruction=None,
    request=DepthRequest,
    response=Depth,
)
KLINES: Endpoint[list[Kline]] = Endpoint(
    name="markets.klines",
    docs=("Markets", "get_klines"),
    method="GET",
    path="/api/v1/klines",
    instruction=None,
    request=KlinesRequest,
    response=list[Kline],
    historical_data=True,
)
MARK_PRICES: Endpoint[list[MarkPrice]] = Endpoint(
    name="markets.mark_prices",
    docs=("Markets", "get_mark_prices"),
    method="GET",
    path="/api/v1/markPrices",
    instruction=None,
    request=MarkPricesRequest,
    response=list[MarkPrice],
)
OPEN_INTEREST: Endpoint[list[OpenInterest]] = Endpoint(
    name="markets.open_interest",
    docs=("Markets", "get_open_interest"),
    method="GET",
    path="/api/v1/openInterest",
    instruction=None,
    request=OpenInterestRequest,
    response=list[OpenInterest],
)
FUNDING_RATES: Endpoint[list[FundingIntervalRate]] = Endpoint(
    name="markets.funding_rates",
    docs=("Markets", "get_funding_interval_rates"),
    method="GET",
    path="/api/v1/fundingRates",
    instruction=None,
    request=FundingRatesRequest,
    response=list[FundingIntervalRate],
)
PREDICTION_EVENTS: Endpoint[list[PredictionEvent]] = Endpoint(
    name="markets.prediction_events",
    docs=("Markets", "get_prediction_events"),
    method="GET",
    path="/api/v1/prediction",
    instruction=None,
    request=PredictionEventsRequest,
    response=list[PredictionEvent],
)
PREDICTION_TAGS: Endpoint[list[PredictionTag]] = Endpoint(
    name="markets.prediction_tags",
    docs=("Markets", "get_prediction_tags"),
    method="GET",
    path="/api/v1/prediction/tags",
    instruction=None,
    request=None,
    response=list[PredictionTag],
)
SECURITIES: Endpoint[list[Security]] = Endpoint(
    name="markets.securities",
    docs=("Markets", "get_securities"),
    method="GET",
    path="/api/v1/securities",
    instruction=None,
    request=None,
    response=list[Security],
)
SESSIONS: Endpoint[list[MarketSession]] = Endpoint(
    name="markets.sessions",
    docs=("Markets", "get_market_sessions"),
    method="GET",
    path="/api/v1/market-sessions",
    instruction=None,
    request=None,
    response=list[MarketSession],
)
