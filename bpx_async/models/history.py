"""Request and response models of the ``/wapi/v1/history/*`` endpoints.

Every history query pages with ``limit`` (1..1000, default 100) and ``offset``; rows carry
zone-less UTC timestamps (``2025-07-27T17:39:00.092``), returned here as aware ``datetime`` objects.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    Strict,
)

from ._base import (
    BpxModel,
    MarketTypes,
    NonEmptyStr,
    OpenEnum,
    PageLimit,
    PageOffset,
    RequestModel,
    Symbol,
    TimeWindow,
    Uint16,
    UtcDateTime,
)
from .enums import (
    BorrowLendEventType,
    BorrowLendPositionState,
    BorrowLendSide,
    BorrowLendSource,
    FillType,
    InterestPaymentSource,
    OrderExpiryReason,
    OrderStatus,
    PaymentType,
    PositionState,
    RfqExecutionMode,
    RfqFillType,
    SelfTradePrevention,
    SettlementSource,
    SettlementSourceFilter,
    Side,
    SlippageToleranceType,
    SortDirection,
    StrategyCancelReason,
    StrategyStatus,
    StrategyType,
    SystemOrderType,
    TimeInForce,
)
from .orders import OrderFields

__all__ = [
    "BorrowLendHistoryRequest",
    "BorrowLendMovement",
    "BorrowLendPositionHistoryRequest",
    "BorrowLendPositionRow",
    "BorrowLendSources",
    "DustConversion",
    "DustHistoryRequest",
    "FillHistoryRequest",
    "FundingHistoryRequest",
    "FundingPayment",
    "HistoryPageRequest",
    "InterestHistoryRequest",
    "InterestPayment",
    "Order",
    "OrderFill",
    "OrderHistoryRequest",
    "PositionHistoryRequest",
    "PositionHistoryRow",
    "QuoteFillHistorical",
    "QuoteFillHistoryRequest",
    "QuoteHistorical",
    "QuoteHistoryRequest",
    "RequestForQuoteFillHistorical",
    "RequestForQuoteHistorical",
    "RfqFillHistoryRequest",
    "RfqHistoryRequest",
    "Settlement",
    "SettlementHistoryRequest",
    "Strategy",
    "StrategyHistoryRequest",
]

# --- request-side types --------------------------------------------------------------------

def _split_sources(value: Any) -> Any:
    if isinstance(value, Enum):
        return [value]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return value


def _join_sources(values: list[BorrowLendSource]) -> str:
    return ",".join(source.value for source in values)


#: The ``sources`` filter of borrow/lend history: one query value holding comma-separated
#: BorrowLendSource names (``sources=Manual,Interest``). Accepts a sequence of sources, one
#: source, or the comma-separated text itself; every name is checked.
BorrowLendSources = Annotated[
    list[BorrowLendSource],
    BeforeValidator(_split_sources),
    Field(min_length=1),
    PlainSerializer(_join_sources, return_type=str),
]

class HistoryPageRequest(RequestModel):
    """Paging fields every history query shares: up to ``limit`` rows (1..1000, server
    default 100) starting at ``offset``, sorted by ``sort_direction``."""

    limit: PageLimit | None = None
    offset: PageOffset | None = None
    sort_direction: SortDirection | None = None


# --- requests ------------------------------------------------------------------------------


class FillHistoryRequest(HistoryPageRequest, TimeWindow):
    """Query of ``GET /wapi/v1/history/fills``. ``from``/``to`` in ms."""

    order_id: NonEmptyStr | None = None
    strategy_id: NonEmptyStr | None = None
    symbol: Symbol | None = None
    fill_type: FillType | None = None
    market_type: MarketTypes | None = None


class OrderHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/orders``."""

    order_id: NonEmptyStr | None = None
    strategy_id: NonEmptyStr | None = None
    symbol: Symbol | None = None
    market_type: MarketTypes | None = None


class FundingHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/funding``."""

    subaccount_id: Uint16 | None = None
    symbol: Symbol | None = None


class SettlementHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/settlement``."""

    source: SettlementSourceFilter | None = None


class InterestHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/interest``."""

    asset: Symbol | None = None
    symbol: Symbol | None = None
    position_id: NonEmptyStr | None = None
    source: InterestPaymentSource | None = None


class BorrowLendHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/borrowLend``; ``type`` is the event type."""

    event_type: BorrowLendEventType | None = Field(default=None, alias="type")
    sources: BorrowLendSources | None = None
    position_id: NonEmptyStr | None = None
    symbol: Symbol | None = None


class BorrowLendPositionHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/borrowLend/positions``."""

    symbol: Symbol | None = None
    side: BorrowLendSide | None = None
    state: BorrowLendPositionState | None = None


class DustHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/dust``."""

    id: Annotated[int, Strict(), Field(ge=0, le=2**63 - 1)] | None = None
    symbol: Symbol | None = None


class PositionHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/position``."""

    symbol: Symbol | None = None
    state: PositionState | None = None
    market_type: MarketTypes | None = None


class RfqHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/rfq``."""

    rfq_id: NonEmptyStr | None = None
    symbol: Symbol | None = None
    status: OrderStatus | None = None
    side: Side | None = None
    deferred_settlement: bool | None = None


class RfqFillHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/rfq/fill``."""

    quote_id: NonEmptyStr | None = None
    symbol: Symbol | None = None
    side: Side | None = None
    fill_type: RfqFillType | None = None
    deferred_settlement: bool | None = None


class QuoteHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/quote``."""

    quote_id: NonEmptyStr | None = None
    symbol: Symbol | None = None
    status: OrderStatus | None = None
    deferred_settlement: bool | None = None


class QuoteFillHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/quote/fill``."""

    quote_id: NonEmptyStr | None = None
    symbol: Symbol | None = None
    side: Side | None = None


class StrategyHistoryRequest(HistoryPageRequest):
    """Query of ``GET /wapi/v1/history/strategies``."""

    strategy_id: NonEmptyStr | None = None
    symbol: Symbol | None = None
    market_type: MarketTypes | None = None


# --- responses -----------------------------------------------------------------------------


def _int_as_text(value: Any) -> Any:
    # The spec types OrderFill.clientId as a string while order client ids are uint32 numbers.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


_IdText = Annotated[str, BeforeValidator(_int_as_text)]


class OrderFill(BpxModel):
    """One fill of the account (``GET /wapi/v1/history/fills``); includes system fills
    (liquidation, ADL, collateral conversion) unless filtered with ``fill_type=User``."""

    symbol: str
    order_id: _IdText | None = None
    client_id: _IdText | None = None
    trade_id: int | None = None
    side: OpenEnum[Side] | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    fee: Decimal | None = None
    fee_symbol: str | None = None
    is_maker: bool | None = None
    system_order_type: OpenEnum[SystemOrderType] | None = None
    timestamp: UtcDateTime | None = None


class Order(OrderFields):
    """An order as kept in order history (``GET /wapi/v1/history/orders``): any final or open
    state, market or limit (``order_type``), with the zone-less ``created_at`` as UTC."""

    created_at: UtcDateTime | None = None
    expiry_reason: OpenEnum[OrderExpiryReason] | None = None
    system_order_type: OpenEnum[SystemOrderType] | None = None


class FundingPayment(BpxModel):
    """A funding payment on a perpetual position; ``quantity`` is negative when paid."""

    symbol: str
    user_id: int | None = None
    subaccount_id: int | None = None
    quantity: Decimal | None = None
    funding_rate: Decimal | None = None
    interval_end_timestamp: UtcDateTime | None = None


class Settlement(BpxModel):
    """A settlement (fees, funding, realized PnL ...) of the account."""

    source: OpenEnum[SettlementSource] | None = None
    quantity: Decimal | None = None
    timestamp: UtcDateTime | None = None
    user_id: int | None = None
    subaccount_id: int | None = None
    position_id: str | None = None
    engine_sequence: int | None = None


class InterestPayment(BpxModel):
    """An interest payment on a borrow/lend position or on unrealized PnL."""

    symbol: str
    market_symbol: str | None = None
    payment_type: OpenEnum[PaymentType] | None = None
    interest_rate: Decimal | None = None
    interval: int | None = Field(default=None, description="milliseconds")
    position_id: str | None = None
    quantity: Decimal | None = None
    timestamp: UtcDateTime | None = None


class BorrowLendMovement(BpxModel):
    """One borrow, repay, lend or redeem of the account."""

    symbol: str
    event_type: OpenEnum[BorrowLendEventType] | None = None
    position_id: str | None = None
    position_quantity: Decimal | None = None
    quantity: Decimal | None = None
    source: OpenEnum[BorrowLendSource] | None = None
    timestamp: UtcDateTime | None = None
    spot_margin_order_id: str | None = None


class BorrowLendPositionRow(BpxModel):
    """A past or current borrow/lend position."""

    position_id: str
    symbol: str
    side: OpenEnum[BorrowLendSide] | None = None
    quantity: Decimal | None = None
    source: OpenEnum[BorrowLendSource] | None = None
    cumulative_interest: Decimal | None = None
    avg_interest_rate: Decimal | None = None
    created_at: UtcDateTime | None = None


class DustConversion(BpxModel):
    """A conversion of a dust balance into USDC."""

    id: int
    symbol: str
    quantity: Decimal | None = None
    usdc_received: Decimal | None = None
    timestamp: UtcDateTime | None = None


class PositionHistoryRow(BpxModel):
    """A futures position, open or closed, with its realized totals."""

    id: str
    symbol: str
    state: OpenEnum[PositionState] | None = None
    net_quantity: Decimal | None = None
    net_exposure_quantity: Decimal | None = None
    net_exposure_notional: Decimal | None = None
    net_cost: Decimal | None = None
    mark_price: Decimal | None = None
    entry_price: Decimal | None = None
    closing_price: Decimal | None = None
    cumulative_pnl_realized: Decimal | None = None
    unrealized_pnl: Decimal | None = None
    funding_quantity: Decimal | None = None
    interest: Decimal | None = None
    liquidated: Decimal | None = None
    imf: Decimal | None = None
    fees: Decimal | None = None
    closed_volume: Decimal | None = None
    liquidation_fees: Decimal | None = None
    account_leverage: Decimal | None = None
    opened_at: UtcDateTime | None = None
    closed_at: UtcDateTime | None = None


class RequestForQuoteHistorical(BpxModel):
    """An RFQ the account submitted, in any state."""

    rfq_id: str
    symbol: str
    client_id: int | None = None
    side: OpenEnum[Side] | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    status: OpenEnum[OrderStatus] | None = None
    execution_mode: OpenEnum[RfqExecutionMode] | None = None
    submission_time: UtcDateTime | None = None
    expiry_time: UtcDateTime | None = None
    created_at: UtcDateTime | None = None
    deferred_settlement_quote_id: str | None = None


class RequestForQuoteFillHistorical(BpxModel):
    """A fill of one of the account's RFQs."""

    rfq_id: str
    quote_id: str
    symbol: str
    client_id: int | None = None
    side: OpenEnum[Side] | None = None
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    fill_price: Decimal | None = None
    created_at: UtcDateTime | None = None
    filled_at: UtcDateTime | None = None
    system_order_type: OpenEnum[SystemOrderType] | None = None


class QuoteHistorical(BpxModel):
    """A quote the account (as maker) submitted, in any state."""

    rfq_id: str
    quote_id: str
    client_id: int | None = None
    bid_price: Decimal | None = None
    ask_price: Decimal | None = None
    status: OpenEnum[OrderStatus] | None = None
    created_at: UtcDateTime | None = None
    deferred_settlement: bool | None = None


class QuoteFillHistorical(BpxModel):
    """A fill of one of the account's quotes."""

    rfq_id: str
    quote_id: str
    symbol: str
    client_id: int | None = None
    side: OpenEnum[Side] | None = None
    quantity: Decimal | None = None
    fill_price: Decimal | None = None
    fee: Decimal | None = None
    fee_symbol: str | None = None
    created_at: UtcDateTime | None = None
    filled_at: UtcDateTime | None = None


class Strategy(BpxModel):
    """A strategy as kept in strategy history; ``duration``/``interval`` are milliseconds."""

    id: str
    symbol: str
    strategy_type: OpenEnum[StrategyType] | None = None
    status: OpenEnum[StrategyStatus] | None = None
    cancel_reason: OpenEnum[StrategyCancelReason] | None = None
    side: OpenEnum[Side] | None = None
    created_at: UtcDateTime | None = None
    client_strategy_id: int | None = None
    quantity: Decimal | None = None
    executed_quantity: Decimal | None = None
    executed_quote_quantity: Decimal | None = None
    self_trade_prevention: OpenEnum[SelfTradePrevention] | None = None
    time_in_force: OpenEnum[TimeInForce] | None = None
    duration: int | None = Field(default=None, description="milliseconds")
    interval: int | None = Field(default=None, description="milliseconds")
    randomized_interval_quantity: bool | None = None
    slippage_tolerance: Decimal | None = None
    slippage_tolerance_type: OpenEnum[SlippageToleranceType] | None = None
