"""Markets, tickers, order books, candles, mark prices, funding rates (public)."""

from __future__ import annotations

from ..endpoints import markets as ep
from ..models.enums import DepthLimit, TickerInterval
from ..models.markets import Depth, Ticker
from ._base import Resource

__all__ = ["Markets"]


class Markets(Resource):
    """Markets, tickers, order books, candles, mark prices, funding rates (public)."""

    __slots__ = ()

    async def ticker(
        self, symbol: str, *, interval: TickerInterval | str | None = None
    ) -> Ticker | None:
        """Statistics of one market over ``interval`` (``1d`` default, or ``1w``).

        Returns None when the exchange answers 204 (unknown or empty market).
        ``GET /api/v1/ticker``.
        """
        return await self._client.request(ep.TICKER, {"symbol": symbol, "interval": interval})

    async def tickers(self, *, interval: TickerInterval | str | None = None) -> list[Ticker]:
        """Statistics of every market. ``GET /api/v1/tickers``."""
        return await self._client.request(ep.TICKERS, {"interval": interval})

    async def depth(self, symbol: str, *, limit: DepthLimit | int | str | None = None) -> Depth:
        """Order-book snapshot with up to ``limit`` levels a side (5, 10, 20, 50, 100, 500 or 1000).

        ``GET /api/v1/depth``.
        """
        return await self._client.request(
            ep.DEPTH, {"symbol": symbol, "limit": None if limit is None else str(limit)}
        )
