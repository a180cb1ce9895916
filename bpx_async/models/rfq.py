"""Request and response models of the RFQ (request-for-quote) endpoints.

Requesters submit RFQs and accept quotes; makers answer RFQs with two-sided quotes. Times on
these live objects are integers of milliseconds since the epoch.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, Strict, model_validator

from ._base import (
    BpxModel,
    NonEmptyStr,
    NullableList,
    OpenEnum,
    PositiveDecimalStr,
    RequestModel,
    Symbol,
    Uint16,
    Uint32,
)
from .enums import OrderStatus, RfqExecutionMode, Side, SystemOrderType

__all__ = [
    "OpenRfqsRequest",
    "Quote",
    "QuoteAcceptRequest",
    "QuoteSubmitRequest",
    "RequestForQuote",
    "RfqCancelRequest",
    "RfqRefreshRequest",
    "RfqSubmitRequest",
    "RfqWithQuotes",
]


class _AutoFunding(RequestModel):
    """Spot-margin switches shared by RFQs and quotes."""

    auto_lend: bool | None = None
    auto_lend_redeem: bool | None = None
    auto_borrow: bool | None = None
    auto_borrow_repay: bool | None = None


class RfqSubmitRequest(_AutoFunding):
    """Body of ``POST /api/v1/rfq``.

    Exactly one of ``quantity`` (base asset) and ``quote_quantity`` (quote asset). ``price`` is
    for the ``Immediate`` execution mode only, and that mode requires it.
    """

    symbol: Symbol
    side: Side
    quantity: PositiveDecimalStr | None = None
    quote_quantity: PositiveDecimalStr | None = None
    price: PositiveDecimalStr | None = None
    client_id: Uint32 | None = None
    execution_mode: RfqExecutionMode | None = None

    @model_validator(mode="after")
    def _check_amount_and_price(self) -> RfqSubmitRequest:
        if (self.quantity is None) == (self.quote_quantity is None):
            raise ValueError("give exactly one of quantity and quote_quantity")
        immediate = self.execution_mode is RfqExecutionMode.IMMEDIATE
        if immediate and self.price is None:
            raise ValueError("execution_mode Immediate requires a price")
        if not immediate and self.price is not None:
            raise ValueError("price is only allowed with execution_mode Immediate")
        return self


class QuoteAcceptRequest(RequestModel):
    """Body of ``POST /api/v1/rfq/accept``."""

    quote_id: NonEmptyStr
    rfq_id: NonEmptyStr | None = None
    client_id: Uint32 | None = None


class RfqCancelRequest(RequestModel):
    """Body of ``POST /api/v1/rfq/cancel``: the RFQ by exactly one of its ids."""

    rfq_id: NonEmptyStr | None = None
    client_id: Uint32 | None = None

    @model_validator(mode="after")
    def _exactly_one_id(self) -> RfqCancelRequest:
        if (self.rfq_id is None) == (self.client_id is None):
            raise ValueError("give exactly one of rfq_id and client_id")
        return self


class RfqRefreshRequest(RequestModel):
    """Body of ``POST /api/v1/rfq/refresh``."""

    rfq_id: NonEmptyStr


class QuoteSubmitRequest(_AutoFunding):
    """Body of ``POST /api/v1/rfq/quote``: a two-sided quote on an RFQ."""

    rfq_id: NonEmptyStr
    bid_price: PositiveDecimalStr
    ask_price: PositiveDecimalStr
    client_id: Uint32 | None = None


def _digits_to_int(value: Any) -> Any:
    # RFQ ids arrive as digit strings in responses but this filter is an integer.
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


class OpenRfqsRequest(RequestModel):
    """Query of ``GET /api/v1/rfqs``. ``rfq_id`` accepts the id as int or digit string."""

    symbol: Symbol | None = None
    rfq_id: (
        Annotated[int, BeforeValidator(_digits_to_int), Strict(), Field(ge=0, le=2**64 - 1)] | None
    ) = None
    deferred_settlement: bool | None = None
    subaccount_id: Uint16 | None = None


class RequestForQuote(BpxModel):
    """An RFQ as the engine holds it. ``submission_time`` (quotes due by), ``expiry_time`` and
    ``created_at`` are milliseconds since the epoch."""

    rfq_id: str
    symbol: str
    client_id: int | None = None
    side: OpenEnum[Side] | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    status: OpenEnum[OrderStatus] | None = None
    execution_mode: OpenEnum[RfqExecutionMode] | None = None
    system_order_type: OpenEnum[SystemOrderType] | None = None
    submission_time: int | None = Field(default=None, description="milliseconds since the epoch")
    expiry_time: int | None = Field(default=None, description="milliseconds since the epoch")
    created_at: int | None = Field(
        default=None, description="milliseconds since the epoch (unit not stated by the spec)"
    )


class Quote(BpxModel):
    """A maker's two-sided quote on an RFQ."""

    rfq_id: str
    quote_id: str
    client_id: int | None = None
    bid_price: Decimal | None = None
    ask_price: Decimal | None = None
    status: OpenEnum[OrderStatus] | None = None
    created_at: int | None = Field(
        default=None, description="milliseconds since the epoch (unit not stated by the spec)"
    )


class RfqWithQuotes(BpxModel):
    """An open RFQ of the account with the quotes submitted for it so far."""

    rfq: RequestForQuote
    quotes: NullableList[Quote] = Field(default_factory=list)
