"""Endpoint records of the Trades group."""

from __future__ import annotations

from ..models.trades import HistoricalTradesRequest, RecentTradesRequest, Trade
from ._spec import Endpoint

RECENT: Endpoint[list[Trade]] = Endpoint(
    name="trades.recent",
    docs=("Trades", "get_recent_trades"),
    method="GET",
    path="/api/v1/trades",
    instruction=None,
    request=RecentTradesRequest,
    response=list[Trade],
)
HISTORY: Endpoint[list[Trade]] = Endpoint(
    name="trades.history",
    docs=("Trades", "get_historical_trades"),
    method="GET",
    path="/api/v1/trades/history",
    instruction=None,
    request=HistoricalTradesRequest,
    response=list[Trade],
    historical_data=True,
)
