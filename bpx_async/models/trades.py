"""Request and response models of the Trades group: public trades of a market, recent
(the latest 1000 at most) or historical (paged with ``offset``).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ._base import BpxModel, PageLimit, PageOffset, RequestModel, Symbol

__all__ = ["HistoricalTradesRequest", "RecentTradesRequest", "Trade"]


class RecentTradesRequest(RequestModel):
    """Query of ``GET /api/v1/trades``."""

    symbol: Symbol
    limit: PageLimit | None = None


class HistoricalTradesRequest(RequestModel):
    """Query of ``GET /api/v1/trades/history``."""

    symbol: Symbol
    limit: PageLimit | None = None
    offset: PageOffset | None = None


class Trade(BpxModel):
    """A public trade. ``is_buyer_maker`` True means the seller was the aggressor."""

    id: int | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    timestamp: int | None = Field(default=None, description="milliseconds since the epoch")
    is_buyer_maker: bool | None = None
