"""Request and response models of the Positions group: open futures positions and the margin
functions (IMF/MMF) that come with them.
"""

from __future__ import annotations

from decimal import Decimal

from ._base import BpxModel, RequestModel, Symbol
from .enums import MarketType

__all__ = ["FuturePosition", "PositionImfFunction", "PositionsRequest"]


class PositionImfFunction(BpxModel):
    """A margin-fraction function (IMF or MMF) of a position or market.

    The spec tags it on ``type``; today only ``sqrt`` (``base`` + ``factor``) exists. One model
    holds the union of the fields so that a new ``type`` still parses (its value stays a str).
    """

    type: str | None = None
    base: Decimal | None = None
    factor: Decimal | None = None


class PositionsRequest(RequestModel):
    """Query of ``GET /api/v1/position``."""

    symbol: Symbol | None = None
    market_type: MarketType | None = None


class FuturePosition(BpxModel):
    """An open futures position with its margin figures.

    ``net_quantity`` and ``net_cost`` are positive when long, negative when short.
    """

    symbol: str
    position_id: str | None = None
    user_id: int | None = None
    subaccount_id: int | None = None
    break_even_price: Decimal | None = None
    entry_price: Decimal | None = None
    est_liquidation_price: Decimal | None = None
    imf: Decimal | None = None
    imf_function: PositionImfFunction | None = None
    mark_price: Decimal | None = None
    mmf: Decimal | None = None
    mmf_function: PositionImfFunction | None = None
    net_cost: Decimal | None = None
    net_quantity: Decimal | None = None
    net_exposure_quantity: Decimal | None = None
    net_exposure_notional: Decimal | None = None
    pnl_realized: Decimal | None = None
    pnl_unrealized: Decimal | None = None
    cumulative_funding_payment: Decimal | None = None
    cumulative_interest: Decimal | None = None
