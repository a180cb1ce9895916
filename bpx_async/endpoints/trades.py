"""Endpoint records of the Trades group (REFERENCE.md section 3, Trades)."""

from __future__ import annotations

from ..models.trades import HistoricalTradesRequest, RecentTradesRequest, Trade
from ._spec import Endpoint

RECENT: Endpoint[list[Trade]] = Endpoint(
    name="trades.recent",
    method="GET",
    path="/api/v1/trades",
    instruction=None,
    request=RecentTradesRequest,
    response=list[Trade],
    doc="The latest public trades of a market (at most 1000).",
)
HISTORY: Endpoint[list[Trade]] = Endpoint(
    name="trades.history",
    method="GET",
    path="/api/v1/trades/history",
    instruction=None,
    request=HistoricalTradesRequest,
    response=list[Trade],
    historical_data=True,
    doc="Older public trades of a market, paged with limit/offset.",
)
