"""Request and response models of the Markets group."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ._base import BpxModel, NullableList, RequestModel
from .enums import DepthLimit, TickerInterval

__all__ = ["Depth", "DepthRequest", "Ticker", "TickerRequest", "TickersRequest"]


class TickerRequest(RequestModel):
    """Query of ``GET /api/v1/ticker``."""

    symbol: str = Field(min_length=1)
    interval: TickerInterval | None = None


class TickersRequest(RequestModel):
    """Query of ``GET /api/v1/tickers``."""

    interval: TickerInterval | None = None


class Ticker(BpxModel):
    """24-hour (or 1-week) statistics of one market. Prices and volumes are Decimal."""

    symbol: str
    first_price: Decimal | None = None
    last_price: Decimal | None = None
    price_change: Decimal | None = None
    price_change_percent: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    volume: Decimal | None = None
    quote_volume: Decimal | None = None
    trades: int | None = None


class DepthRequest(RequestModel):
    """Query of ``GET /api/v1/depth``. ``limit`` is levels per side (5 ... 1000)."""

    symbol: str = Field(min_length=1)
    limit: DepthLimit | None = None


class Depth(BpxModel):
    """An order-book snapshot: ``[price, quantity]`` levels, both sides ascending by price.

    ``last_update_id`` matches the ``u`` ids of the depth stream; ``timestamp`` is in microseconds.
    """

    asks: NullableList[tuple[Decimal, Decimal]] = Field(default_factory=list)
    bids: NullableList[tuple[Decimal, Decimal]] = Field(default_factory=list)
    last_update_id: int | None = None
    timestamp: int | None = Field(default=None, description="microseconds since the epoch")
