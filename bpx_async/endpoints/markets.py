"""Endpoint records of the Markets group (REFERENCE.md section 3, Markets)."""

from __future__ import annotations

from ..models.markets import Depth, DepthRequest, Ticker, TickerRequest, TickersRequest
from ._spec import Endpoint

TICKER: Endpoint[Ticker | None] = Endpoint(
    name="markets.ticker",
    method="GET",
    path="/api/v1/ticker",
    instruction=None,
    request=TickerRequest,
    response=Ticker,
    allow_no_content=True,
)
TICKERS: Endpoint[list[Ticker]] = Endpoint(
    name="markets.tickers",
    method="GET",
    path="/api/v1/tickers",
    instruction=None,
    request=TickersRequest,
    response=list[Ticker],
)
DEPTH: Endpoint[Depth] = Endpoint(
    name="markets.depth",
    method="GET",
    path="/api/v1/depth",
    instruction=None,
    request=DepthRequest,
    response=Depth,
)
