"""Request and response models of the strategy endpoints (scheduled, TWAP-like strategies).

A scheduled strategy splits ``quantity`` into orders placed every ``interval`` ms over
``duration`` ms. Live strategies carry ``created_at`` as integer milliseconds since the
epoch, unlike the history rows' zone-less UTC text timestamps.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, Strict, model_validator

from ._base import (
    BpxModel,
    DecimalStr,
    NonEmptyStr,
    OpenEnum,
    PositiveDecimalStr,
    RequestModel,
    Symbol,
    Uint16,
    Uint32,
)
from .enums import (
    MarketType,
    SelfTradePrevention,
    Side,
    SlippageToleranceType,
    StrategyStatus,
    StrategyType,
    TimeInForce,
)

__all__ = [
    "DurationMillis",
    "OpenStrategiesRequest",
    "ScheduledStrategy",
    "StrategyCancelAllRequest",
    "StrategyCancelRequest",
    "StrategyCreateRequest",
    "StrategyQueryRequest",
]


def _to_ms(value: Any) -> Any:
    if isinstance(value, timedelta):
        if value % timedelta(milliseconds=1):
            raise ValueError("a duration must be a whole number of milliseconds")
        return value // timedelta(milliseconds=1)
    return value


#: A span of time sent as integer milliseconds: an ``int`` of ms or a ``timedelta``.
DurationMillis = Annotated[int, BeforeValidator(_to_ms), Strict(), Field(gt=0, le=2**64 - 1)]


class StrategyCreateRequest(RequestModel):
    """Body of ``POST /api/v1/strategy``. ``duration`` and ``interval`` are milliseconds."""

    symbol: Symbol
    side: Side
    strategy_type: StrategyType = StrategyType.SCHEDULED
    quantity: PositiveDecimalStr | None = None
    price: PositiveDecimalStr | None = None
    duration: DurationMillis | None = None
    interval: DurationMillis | None = None
    randomized_interval_quantity: bool | None = None
    client_strategy_id: Uint32 | None = None
    broker_id: Uint16 | None = None
    post_only: bool | None = None
    reduce_only: bool | None = None
    time_in_force: TimeInForce | None = None
    self_trade_prevention: SelfTradePrevention | None = None
    slippage_tolerance: DecimalStr | None = None
    slippage_tolerance_type: SlippageToleranceType | None = None
    auto_lend: bool | None = None
    auto_lend_redeem: bool | None = None
    auto_borrow: bool | None = None
    auto_borrow_repay: bool | None = None

    @model_validator(mode="after")
    def _interval_within_duration(self) -> StrategyCreateRequest:
        if (
            self.duration is not None
            and self.interval is not None
            and self.interval > self.duration
        ):
            raise ValueError("interval must not be longer than duration")
        return self


class _OneStrategy(RequestModel):
    """A strategy on ``symbol`` named by exactly one of its ids."""

    symbol: Symbol
    strategy_id: NonEmptyStr | None = None
    client_strategy_id: Uint32 | None = None

    @model_validator(mode="after")
    def _exactly_one_id(self) -> _OneStrategy:
        if (self.strategy_id is None) == (self.client_strategy_id is None):
            raise ValueError("give exactly one of strategy_id and client_strategy_id")
        return self


class StrategyQueryRequest(_OneStrategy):
    """Query of ``GET /api/v1/strategy``."""


class StrategyCancelRequest(_OneStrategy):
    """Body of ``DELETE /api/v1/strategy``."""


class OpenStrategiesRequest(RequestModel):
    """Query of ``GET /api/v1/strategies``."""

    symbol: Symbol | None = None
    market_type: MarketType | None = None
    strategy_type: StrategyType | None = None


class StrategyCancelAllRequest(RequestModel):
    """Body of ``DELETE /api/v1/strategies``."""

    symbol: Symbol
    strategy_type: StrategyType | None = None


class ScheduledStrategy(BpxModel):
    """A live strategy (the spec's ``StrategyType`` union, whose only variant is ``Scheduled``).

    One model for every variant: ``strategy_type`` keeps an unknown future type as a string
    instead of failing. ``created_at`` is ms since the epoch; ``duration``/``interval`` are ms.
    """

    id: str
    symbol: str
    strategy_type: OpenEnum[StrategyType] | None = None
    status: OpenEnum[StrategyStatus] | None = None
    side: OpenEnum[Side] | None = None
    client_strategy_id: int | None = None
    created_at: int | None = Field(
        default=None, description="milliseconds since the epoch (unit not stated by the spec)"
    )
    quantity: Decimal | None = None
    executed_quantity: Decimal | None = None
    executed_quote_quantity: Decimal | None = None
    reduce_only: bool | None = None
    self_trade_prevention: OpenEnum[SelfTradePrevention] | None = None
    time_in_force: OpenEnum[TimeInForce] | None = None
    duration: int | None = Field(default=None, description="milliseconds")
    interval: int | None = Field(default=None, description="milliseconds")
    randomized_interval_quantity: bool | None = None
    slippage_tolerance: Decimal | None = None
    slippage_tolerance_type: OpenEnum[SlippageToleranceType] | None = None
