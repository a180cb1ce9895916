# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Markets, tickers, order books, candles, mark prices, funding rates, prediction events,
securities and their sessions (public).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime

from ..endpoints import markets as ep
from ..models.enums import DepthLimit, KlineInterval, KlinePriceType, MarketType, TickerInterval
from ..models.markets import (
    Depth,
    FundingIntervalRate,
    Kline,
    Market,
    MarketSession,
    MarkPrice,
    OpenInterest,
    PredictionEvent,
    PredictionTag,
    Security,
    Ticker,
)
from ._base import Resource, operation

__all__ = ["Markets"]


class Markets(Resource):
    """Markets, tickers, order books, candles, mark prices, funding rates (public)."""

    __slots__ = ()

    # ``builtins.list`` below: inside this class ``list`` names the method.
    @operation(ep.LIST)
    async def list(
        self,
        *,
        market_type: MarketType | str | Sequence[MarketType | str] | None = None,
    ) -> builtins.list[Market]:
        """Markets of one or several types; SPOT and PERP only when ``market_type`` is omitted
        (ask for ``IPERP``/``DATED``/``PREDICTION``/``RFQ`` explicitly). ``GET /api/v1/markets``.
        """

    @operation(ep.GET)
    async def get(self, symbol: str) -> Market:
        """One market and its trading rules (``filters``). ``GET /api/v1/market``."""

    @operation(ep.TICKER)
    async def ticker(
        self, symbol: str, *, interval: TickerInterval | str | None = None
    ) -> Ticker | None:
        """Statistics of one market over ``interval`` (``1d`` default, or ``1w``).

        Returns None when the exchange answers 204 (unknown or empty market).
        ``GET /api/v1/ticker``.
        """

    @operation(ep.TICKERS)
    async def tickers(
        self, *, interval: TickerInterval | str | None = None
    ) -> builtins.list[Ticker]:
        """Statistics of every market. ``GET /api/v1/tickers``."""

    @operation(ep.DEPTH)
    async def depth(self, symbol: str, *, limit: DepthLimit | int | str | None = None) -> Depth:
        """Order-book snapshot with up to ``limit`` levels a side (5, 10, 20, 50, 100, 500 or 1000;
        the exchange's default is 1000). ``GET /api/v1/depth``.
        """

    @operation(ep.KLINES)
    async def klines(
        self,
        symbol: str,
        interval: KlineInterval | str,
        start_time: int | datetime,
        *,
        end_time: int | datetime | None = None,
        price_type: KlinePriceType | str | None = None,
    ) -> builtins.list[Kline]:
        """Candles of ``symbol`` from ``start_time`` to ``end_time`` (default: now).

        Times are unix **seconds** (not milliseconds) or timezone-aware datetimes, which are
        converted to seconds; naive datetimes are refused. ``price_type`` is Last (default),
        Index or Mark. Counts against the 30/min historical-data budget. ``GET /api/v1/klines``.
        """

    @operation(ep.MARK_PRICES)
    async def mark_prices(
        self, *, symbol: str | None = None, market_type: MarketType | str | None = None
    ) -> builtins.list[MarkPrice]:
        """Mark prices, plus index price and funding for perpetuals (the default market type).

        ``GET /api/v1/markPrices``.
        """

    @operation(ep.OPEN_INTEREST)
    async def open_interest(self, *, symbol: str | None = None) -> builtins.list[OpenInterest]:
        """Open interest of one futures market, or of all when ``symbol`` is omitted.

        ``GET /api/v1/openInterest``.
        """

    @operation(ep.FUNDING_RATES)
    async def funding_rates(
        self, symbol: str, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[FundingIntervalRate]:
        """Funding-rate history of a perpetual market (``limit`` 1..10000, default 100).

        ``GET /api/v1/fundingRates``.
        """

    @operation(ep.PREDICTION_EVENTS)
    async def prediction_events(
        self,
        *,
        symbol: str | None = None,
        tag_slug: str | None = None,
        event_slug: str | None = None,
        series_slug: str | None = None,
        resolved: bool | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> builtins.list[PredictionEvent]:
        """Prediction events and their markets, filtered by market, tag, event or series slug
        and resolution state (``limit`` 1..1000). ``GET /api/v1/prediction``.
        """

    @operation(ep.PREDICTION_TAGS)
    async def prediction_tags(self) -> builtins.list[PredictionTag]:
        """Every tag used to group prediction events. ``GET /api/v1/prediction/tags``."""

    @operation(ep.SECURITIES)
    async def securities(self) -> builtins.list[Security]:
        """Tradable securities (tokenized equities) with per-session quantity rules.

        ``GET /api/v1/securities``.
        """

    @operation(ep.SESSIONS)
    async def sessions(self) -> builtins.list[MarketSession]:
        """Market sessions: opening hours (local to their timezone) and weekdays.

        ``GET /api/v1/market-sessions``.
        """
