"""Request and response models of the Trades group: public trades of a market, recent
(the latest 1000 at most) or historical (paged with ``offset``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, Strict

from ._base import BpxModel, RequestModel
from .markets import Symbol

__all__ = ["HistoricalTradesRequest", "RecentTradesRequest", "Trade"]

_Limit = Annotated[int, Strict(), Field(ge=1, le=1000)]


class RecentTradesRequest(RequestModel):
    """Query of ``GET /api/v1/trades``."""

    symbol: Symbol
    limit: _Limit | None = None


class HistoricalTradesRequest(RequestModel):
    """Query of ``GET /api/v1/trades/history``."""

    symbol: Symbol
    limit: _Limit | None = None
    offset: Annotated[int, Strict(), Field(ge=0)] | None = None


class Trade(BpxModel):
    """A public trade. ``is_buyer_maker`` True means the seller was the aggressor."""

    id: int | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    timestamp: int | None = Field(default=None, description="milliseconds since the epoch")
    is_buyer_maker: bool | None = None
