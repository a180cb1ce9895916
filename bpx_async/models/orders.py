"""Request and response models of the Orders group: place, query and cancel orders.

The request models refuse an order the exchange would reject for its shape (a limit order
without price, both quantity and quote quantity ...) before anything is signed;
:class:`PlacedOrder` and :class:`BatchOrderResult` read what comes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from operator import itemgetter
from typing import Annotated, Any, ClassVar, Union

from pydantic import AfterValidator, Field, StrictBool, model_validator

from ._base import (
    BpxModel,
    NonEmptyStr,
    OpenEnum,
    PercentOrDecimalStr,
    PositiveDecimalStr,
    RequestModel,
    Symbol,
    Uint16,
    Uint32,
)
from .enums import (
    CancelOrderType,
    MarketType,
    OrderStatus,
    OrderType,
    SelfTradePrevention,
    Side,
    SlippageToleranceType,
    TimeInForce,
    TriggerBy,
)

__all__ = [
    "BatchOrderResult",
    "BatchOrderResults",
    "OpenOrdersRequest",
    "OrderCancelAllRequest",
    "OrderCancelRequest",
    "OrderExecuteRequest",
    "OrderFields",
    "OrderQueryRequest",
    "PlacedOrder",
    "TriggerQuantity",
]


#: Fields that only mean something next to the trigger price they refer to.
_NEEDS_TRIGGER = (
    ("trigger_by", "trigger_price"),
    ("stop_loss_limit_price", "stop_loss_trigger_price"),
    ("stop_loss_trigger_by", "stop_loss_trigger_price"),
    ("take_profit_limit_price", "take_profit_trigger_price"),
    ("take_profit_trigger_by", "take_profit_trigger_price"),
)
#: The dependants of :data:`_NEEDS_TRIGGER` read in one C call: most orders set none of them,
#: and then the pairs need no look (checked on every order).
_DEPENDANTS = itemgetter(*(dependant for dependant, _ in _NEEDS_TRIGGER))


class OrderExecuteRequest(RequestModel):
    """Body of ``POST /api/v1/order``, and one item of the batch ``POST /api/v1/orders``.

    Prices and quantities accept ``Decimal``, ``str`` or ``int`` (never ``float``) and are sent
    with the caller's exact digits. Shape rules checked here: a Limit order needs ``price`` and
    ``quantity``; a Market order needs ``quantity`` or ``quote_quantity`` (not both);
    ``quote_quantity`` is for Market orders only; ``trigger_price`` and ``trigger_quantity`` come
    together or not at all, and on such a trigger order ``trigger_quantity`` (an amount or a
    percentage like ``"50%"``) may stand in for ``quantity``; a trigger-by or limit price needs
    the trigger price it refers to.
    """

    # Declared in the order of the official docs' examples, so the JSON reads the same.
    symbol: Symbol
    side: Side
    order_type: OrderType
    price: PositiveDecimalStr | None = None
    quantity: PositiveDecimalStr | None = None
    quote_quantity: PositiveDecimalStr | None = None
    time_in_force: TimeInForce | None = None
    client_id: Uint32 | None = None
    self_trade_prevention: SelfTradePrevention | None = None
    post_only: StrictBool | None = None
    reduce_only: StrictBool | None = None
    trigger_price: PositiveDecimalStr | None = None
    trigger_quantity: PercentOrDecimalStr | None = None
    trigger_by: TriggerBy | None = None
    stop_loss_trigger_price: PositiveDecimalStr | None = None
    stop_loss_limit_price: PositiveDecimalStr | None = None
    stop_loss_trigger_by: TriggerBy | None = None
    take_profit_trigger_price: PositiveDecimalStr | None = None
    take_profit_limit_price: PositiveDecimalStr | None = None
    take_profit_trigger_by: TriggerBy | None = None
    auto_lend: StrictBool | None = None
    auto_lend_redeem: StrictBool | None = None
    auto_borrow: StrictBool | None = None
    auto_borrow_repay: StrictBool | None = None
    broker_id: Uint16 | None = None
    slippage_tolerance: PositiveDecimalStr | None = None
    slippage_tolerance_type: SlippageToleranceType | None = None

    # The shape rules below read only whether these are given (never their values).
    value_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "price",
            "quantity",
            "quote_quantity",
            "client_id",
            "trigger_price",
            "trigger_quantity",
            "stop_loss_trigger_price",
            "stop_loss_limit_price",
            "take_profit_trigger_price",
            "take_profit_limit_price",
            "slippage_tolerance",
        }
    )

    @model_validator(mode="after")
    def _check_order_shape(self) -> OrderExecuteRequest:
        # Read from __dict__: this runs on every order, and attribute access costs more.
        fields = self.__dict__
        trigger_quantity = fields["trigger_quantity"]
        if (fields["trigger_price"] is None) != (trigger_quantity is None):
            raise ValueError("trigger_price and trigger_quantity go together: give both or neither")
        # A trigger order is sized by trigger_quantity (ccxt sends it instead of quantity).
        sized_by_trigger = trigger_quantity is not None
        quantity, quote_quantity = fields["quantity"], fields["quote_quantity"]
        if fields["order_type"] is OrderType.LIMIT:
            if fields["price"] is None:
                raise ValueError("a Limit order needs a price")
            if quantity is None and not sized_by_trigger:
                raise ValueError("a Limit order needs a quantity")
            if quote_quantity is not None:
                raise ValueError(
                    "quote_quantity is for Market orders; a Limit order takes quantity"
                )
        else:
            if quantity is not None and quote_quantity is not None:
                raise ValueError("a Market order takes quantity or quote_quantity, not both")
            if quantity is None and quote_quantity is None and not sized_by_trigger:
                raise ValueError("a Market order needs quantity or quote_quantity")
        if _DEPENDANTS(fields).count(None) != len(_NEEDS_TRIGGER):  # one of them is set
            for dependant, trigger in _NEEDS_TRIGGER:
                if fields[dependant] is not None and fields[trigger] is None:
                    raise ValueError(f"{dependant} needs {trigger}")
        return self


class _OneOrderRequest(RequestModel):
    """Names one order of a market by exactly one of its two ids."""

    order_id: NonEmptyStr | None = None
    client_id: Uint32 | None = None
    symbol: Symbol

    @model_validator(mode="after")
    def _check_one_id(self) -> _OneOrderRequest:
        if (self.order_id is None) == (self.client_id is None):
            raise ValueError("give exactly one of order_id or client_id")
        return self


class OrderQueryRequest(_OneOrderRequest):
    """Query of ``GET /api/v1/order``."""


class OrderCancelRequest(_OneOrderRequest):
    """Body of ``DELETE /api/v1/order``."""


class OpenOrdersRequest(RequestModel):
    """Query of ``GET /api/v1/orders``: every open order, optionally of one market or type."""

    symbol: Symbol | None = None
    market_type: MarketType | None = None


class OrderCancelAllRequest(RequestModel):
    """Body of ``DELETE /api/v1/orders``: all open orders of ``symbol``, optionally of one kind."""

    symbol: Symbol
    order_type: CancelOrderType | None = None


#: An amount (read as Decimal) or a percentage of the position such as ``"50%"`` (kept as str).
TriggerQuantity = Annotated[Union[Decimal, str], Field(union_mode="left_to_right")]


class OrderFields(BpxModel):
    """The fields every order representation shares (open orders and order history)."""

    id: str
    symbol: str
    order_type: OpenEnum[OrderType] | None = None
    side: OpenEnum[Side] | None = None
    status: OpenEnum[OrderStatus] | None = None
    client_id: int | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    executed_quantity: Decimal | None = None
    executed_quote_quantity: Decimal | None = None
    time_in_force: OpenEnum[TimeInForce] | None = None
    self_trade_prevention: OpenEnum[SelfTradePrevention] | None = None
    post_only: bool | None = None
    trigger_price: Decimal | None = None
    trigger_quantity: TriggerQuantity | None = None
    trigger_by: OpenEnum[TriggerBy] | None = None
    stop_loss_trigger_price: Decimal | None = None
    stop_loss_limit_price: Decimal | None = None
    stop_loss_trigger_by: OpenEnum[TriggerBy] | None = None
    take_profit_trigger_price: Decimal | None = None
    take_profit_limit_price: Decimal | None = None
    take_profit_trigger_by: OpenEnum[TriggerBy] | None = None
    strategy_id: str | None = None
    slippage_tolerance: Decimal | None = None
    slippage_tolerance_type: OpenEnum[SlippageToleranceType] | None = None


class PlacedOrder(OrderFields):
    """An order as the order endpoints return it: Limit or Market, in any state.

    The spec's ``OrderType`` union of ``LimitOrder`` and ``MarketOrder``, read as one model so an
    order type the SDK does not know yet still parses (``order_type`` then stays a str). Not the
    order-history row (:class:`bpx_async.models.history.Order`), whose ``created_at`` is a date.
    """

    created_at: int | None = Field(default=None, description="milliseconds since the epoch")
    reduce_only: bool | None = None
    triggered_at: int | None = Field(default=None, description="milliseconds since the epoch")
    related_order_id: str | None = None


class BatchOrderResult(BpxModel):
    """The outcome of one order of a batch: ``ok`` with the ``order``, or ``code``/``message``.

    ``index`` is the order's position in the list given to ``execute_batch``. On the wire each
    item is the order itself tagged ``"operation": "Ok"``, or ``{"operation": "Err", "code",
    "message"}``.
    """

    index: int = Field(default=0, description="position of the order in the submitted list")
    operation: str | None = None
    order: PlacedOrder | None = None
    code: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the exchange accepted this order."""
        return self.order is not None

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or "order" in data:
            return data
        operation = data.get("operation")
        # An untagged item carrying an order id is still a placed order.
        if operation != "Err" and data.get("id") is not None:
            return {"operation": operation, "order": data}
        return {"operation": operation, "code": data.get("code"), "message": data.get("message")}


def _number(results: list[BatchOrderResult]) -> list[BatchOrderResult]:
    # Results come back in request order, so position is the order's index.
    return [result.model_copy(update={"index": i}) for i, result in enumerate(results)]


#: The answer of one ``POST /api/v1/orders`` request, each result numbered by its position.
BatchOrderResults = Annotated[list[BatchOrderResult], AfterValidator(_number)]
