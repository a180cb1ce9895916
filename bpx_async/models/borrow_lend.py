"""Request and response models of the Borrow Lend groups: public borrow/lend markets and rates,
and the account's borrow/lend actions and positions.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Annotated

from pydantic import Field, Strict, field_serializer

from ._base import (
    BpxModel,
    NullableList,
    OpenEnum,
    PositiveDecimalStr,
    RequestModel,
    Symbol,
    Uint16,
    UtcDateTime,
)
from .enums import BorrowLendBookState, BorrowLendMarketHistoryInterval, BorrowLendSide
from .positions import PositionImfFunction

__all__ = [
    "ApyRates",
    "ApyRequest",
    "BorrowLendApyRate",
    "BorrowLendExecuteRequest",
    "BorrowLendMarket",
    "BorrowLendMarketHistory",
    "BorrowLendMarketsHistoryRequest",
    "BorrowLendPosition",
    "EstimatedLiquidationPrice",
    "LiquidationPriceRequest",
    "StakingApyRate",
]


# --- public markets ---------------------------------------------------------------------------


class BorrowLendMarket(BpxModel):
    """State and rates of one asset's borrow/lend pool. Rates and utilisation are fractions."""

    symbol: str
    state: OpenEnum[BorrowLendBookState] | None = None
    asset_mark_price: Decimal | None = None
    borrow_interest_rate: Decimal | None = None
    borrowed_quantity: Decimal | None = None
    fee: Decimal | None = None
    lend_interest_rate: Decimal | None = None
    lent_quantity: Decimal | None = None
    max_utilization: Decimal | None = None
    open_borrow_lend_limit: Decimal | None = None
    optimal_utilization: Decimal | None = None
    timestamp: UtcDateTime | None = None
    throttle_utilization_threshold: Decimal | None = None
    throttle_utilization_bound: Decimal | None = None
    throttle_update_fraction: Decimal | None = None
    utilization: Decimal | None = None
    step_size: Decimal | None = None


class BorrowLendMarketsHistoryRequest(RequestModel):
    """Query of ``GET /api/v1/borrowLend/markets/history``."""

    interval: BorrowLendMarketHistoryInterval
    symbol: Symbol | None = None


class BorrowLendMarketHistory(BpxModel):
    """One snapshot of a borrow/lend pool's rates and quantities."""

    timestamp: UtcDateTime | None = None
    borrow_interest_rate: Decimal | None = None
    borrowed_quantity: Decimal | None = None
    lend_interest_rate: Decimal | None = None
    lent_quantity: Decimal | None = None
    utilization: Decimal | None = None


class ApyRequest(RequestModel):
    """Query of ``GET /api/v1/borrowLend/apy``; without ``tier_id`` the base (non-VIP) rates."""

    tier_id: Annotated[int, Strict(), Field(ge=0, le=2**31 - 1)] | None = None


class BorrowLendApyRate(BpxModel):
    """Borrow and lend APY of one asset."""

    symbol: str
    borrow_rate: Decimal | None = None
    lend_rate: Decimal | None = None


class StakingApyRate(BpxModel):
    """Staking APY of one asset."""

    symbol: str
    dilution_factor: Decimal | None = None
    staking_rate: Decimal | None = None


class ApyRates(BpxModel):
    """Borrow/lend and staking APYs of every asset."""

    borrow_lend: NullableList[BorrowLendApyRate] = Field(default_factory=list)
    staking: NullableList[StakingApyRate] = Field(default_factory=list)


# --- the account's borrow/lend ------------------------------------------------------------------


class BorrowLendExecuteRequest(RequestModel):
    """Body of ``POST /api/v1/borrowLend`` (``BorrowLendExecutePayload``)."""

    symbol: Symbol
    side: BorrowLendSide
    quantity: PositiveDecimalStr


class BorrowLendPosition(BpxModel):
    """An open borrow (negative ``net_quantity``) or lend (positive) position with margin data."""

    symbol: str
    id: str | None = None
    net_quantity: Decimal | None = None
    cumulative_interest: Decimal | None = None
    mark_price: Decimal | None = None
    imf: Decimal | None = None
    imf_function: PositionImfFunction | None = None
    mmf: Decimal | None = None
    mmf_function: PositionImfFunction | None = None
    net_exposure_quantity: Decimal | None = None
    net_exposure_notional: Decimal | None = None
    est_liquidation_price: Decimal | None = None


class LiquidationPriceRequest(RequestModel):
    """Query of ``GET /api/v1/borrowLend/position/liquidationPrice``.

    ``borrow`` is validated like a borrow/lend execution and sent as the standard base64 of its
    compact JSON (``{"quantity":"...","side":"...","symbol":"..."}``), as the spec prescribes.
    """

    borrow: BorrowLendExecuteRequest
    subaccount_id: Uint16 | None = None

    @field_serializer("borrow")
    def _base64_json(self, borrow: BorrowLendExecuteRequest) -> str:
        payload = borrow.model_dump(mode="json", by_alias=True, exclude_none=True)
        text = json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        return base64.b64encode(text.encode("utf-8")).decode("ascii")


class EstimatedLiquidationPrice(BpxModel):
    """Estimated liquidation price of the account if the borrow/lend were executed."""

    liquidation_price: Decimal | None = None
    mark_price: Decimal | None = None
