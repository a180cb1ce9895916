"""Typed stream events, one pydantic model per stream kind, and :func:`decode`.

Parsing is lenient the way the exchange requires: numbers arrive as JSON numbers or strings,
order types as ``LIMIT`` or ``Limit``, kline times as ISO text or integers, kline prices may be
``null``, ``t`` is ``null`` on non-fill order events and ``c`` is absent without a client id.
Every field is optional, so a frame missing a field still decodes; an unknown stream kind or a
payload that does not fit its model becomes an :class:`UnknownEvent`, never an exception.

Time units: ``event_time`` (``E``) and ``engine_time`` (``T``) are **microseconds** since the
epoch; mark-price ``next_funding_time`` and RFQ deadlines are **milliseconds**; kline
``start``/``end`` are timezone-aware UTC datetimes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Union, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..models._base import OpenEnum
from ..models.enums import OrderStatus, OrderType, Side, TimeInForce

__all__ = [
    "BalanceUpdate",
    "BookTicker",
    "DepthUpdate",
    "EventsDropped",
    "Kline",
    "Liquidation",
    "MarkPrice",
    "OpenInterest",
    "OrderUpdate",
    "PositionUpdate",
    "RfqUpdate",
    "StreamErrorEvent",
    "StreamEvent",
    "StreamItem",
    "StreamReset",
    "Ticker",
    "Trade",
    "UnknownEvent",
    "decode",
    "decode_payload",
]

logger = logging.getLogger("bpx_async.streams")


def _decimal(value: Any) -> Any:
    # Floats (the docs' position example) keep the digits they were written with.
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return value  # let the validator report it
    return value


def _integer(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def _order_type(value: Any) -> Any:
    # Streams send LIMIT / MARKET, REST sends Limit / Market.
    if isinstance(value, str) and value.isupper():
        return {"LIMIT": "Limit", "MARKET": "Market"}.get(value, value)
    return value


def _moment(value: Any) -> Any:
    """ISO text without zone (UTC), or an integer of seconds / ms / µs since the epoch."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if value > 10**14:
            return datetime.fromtimestamp(value / 1_000_000, tz=timezone.utc)
        if value > 10**11:
            return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed
    return value


#: A decimal from a JSON string or number.
WireDecimal = Annotated[Decimal, BeforeValidator(_decimal)]
#: An integer from a JSON number or a string of digits (ids, µs times).
WireInt = Annotated[int, BeforeValidator(_integer)]
#: A trigger quantity: a decimal, or a percentage such as ``"80%"`` kept as text.
DecimalOrPercent = Annotated[Union[WireDecimal, str], Field(union_mode="left_to_right")]
#: A kline time: ISO text or an integer, as a timezone-aware UTC datetime.
KlineTime = Annotated[datetime, BeforeValidator(_moment)]
#: An id the API sends as a string or a number; kept as text.
WireId = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]
Level = tuple[WireDecimal, WireDecimal]


class _Event(BaseModel):
    """Fields every data event has. ``stream`` is the envelope's stream name."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)
    #: The payload's ``e`` value(s) this model is for (documentation; dispatch uses the stream).
    kind: ClassVar[str] = ""

    stream: str = ""
    event_type: str | None = Field(None, alias="e")
    event_time: WireInt | None = Field(None, alias="E", description="µs since the epoch")
    symbol: str | None = Field(None, alias="s")


class BookTicker(_Event):
    """``bookTicker.<symbol>``: best bid and ask."""

    kind: ClassVar[str] = "bookTicker"
    ask_price: WireDecimal | None = Field(None, alias="a")
    ask_quantity: WireDecimal | None = Field(None, alias="A")
    bid_price: WireDecimal | None = Field(None, alias="b")
    bid_quantity: WireDecimal | None = Field(None, alias="B")
    update_id: WireInt | None = Field(None, alias="u")
    engine_time: WireInt | None = Field(None, alias="T")


class DepthUpdate(_Event):
    """``depth[.<speed>].<symbol>``: absolute quantities of the changed levels (0 = gone).

    ``first_update_id``/``last_update_id`` are ``U``/``u``; every variant has ``e == "depth"``,
    only ``stream`` tells them apart.
    """

    kind: ClassVar[str] = "depth"
    asks: list[Level] = Field(default_factory=list, alias="a")
    bids: list[Level] = Field(default_factory=list, alias="b")
    first_update_id: WireInt | None = Field(None, alias="U")
    last_update_id: WireInt | None = Field(None, alias="u")
    engine_time: WireInt | None = Field(None, alias="T")


class Trade(_Event):
    """``trade.<symbol>``: one public trade (liquidations included)."""

    kind: ClassVar[str] = "trade"
    price: WireDecimal | None = Field(None, alias="p")
    quantity: WireDecimal | None = Field(None, alias="q")
    buyer_order_id: WireId | None = Field(None, alias="b")
    seller_order_id: WireId | None = Field(None, alias="a")
    trade_id: WireInt | None = Field(None, alias="t")
    engine_time: WireInt | None = Field(None, alias="T")
    buyer_is_maker: bool | None = Field(None, alias="m")


class Ticker(_Event):
    """``ticker.<symbol>``: rolling 24 h statistics, pushed every second (no engine time)."""

    kind: ClassVar[str] = "ticker"
    first_price: WireDecimal | None = Field(None, alias="o")
    last_price: WireDecimal | None = Field(None, alias="c")
    high_price: WireDecimal | None = Field(None, alias="h")
    low_price: WireDecimal | None = Field(None, alias="l")
    volume: WireDecimal | None = Field(None, alias="v")
    quote_volume: WireDecimal | None = Field(None, alias="V")
    trades: WireInt | None = Field(None, alias="n")


class Kline(_Event):
    """``kline.<interval>.<symbol>``: one candle; OHLC is None for a candle without trades.

    ``interval`` comes from the stream name (the payload has none).
    """

    kind: ClassVar[str] = "kline"
    start: KlineTime | None = Field(None, alias="t")
    end: KlineTime | None = Field(None, alias="T")
    open: WireDecimal | None = Field(None, alias="o")
    close: WireDecimal | None = Field(None, alias="c")
    high: WireDecimal | None = Field(None, alias="h")
    low: WireDecimal | None = Field(None, alias="l")
    volume: WireDecimal | None = Field(None, alias="v")
    trades: WireInt | None = Field(None, alias="n")
    closed: bool | None = Field(None, alias="X")

    @property
    def interval(self) -> str | None:
        parts = self.stream.split(".")
        return parts[1] if len(parts) >= 3 else None


class MarkPrice(_Event):
    """``markPrice.<symbol>``. ``next_funding_time`` is in **milliseconds**."""

    kind: ClassVar[str] = "markPrice"
    mark_price: WireDecimal | None = Field(None, alias="p")
    funding_rate: WireDecimal | None = Field(None, alias="f")
    index_price: WireDecimal | None = Field(None, alias="i")
    next_funding_time: WireInt | None = Field(None, alias="n", description="ms since the epoch")
    engine_time: WireInt | None = Field(None, alias="T")


class OpenInterest(_Event):
    """``openInterest.<symbol>``: open interest in contracts, every 60 s."""

    kind: ClassVar[str] = "openInterest"
    open_interest: WireDecimal | None = Field(None, alias="o")


class Liquidation(_Event):
    """``liquidation``: one liquidation."""

    kind: ClassVar[str] = "liquidation"
    quantity: WireDecimal | None = Field(None, alias="q")
    price: WireDecimal | None = Field(None, alias="p")
    side: OpenEnum[Side] | None = Field(None, alias="S")
    engine_time: WireInt | None = Field(None, alias="T")


class OrderUpdate(_Event):
    """``account.orderUpdate[.<symbol>]``: ``event_type`` is orderAccepted, orderCancelled,
    orderExpired, orderFill, orderModified, triggerPlaced or triggerFailed.

    ``client_id`` is None when the order has none; fill fields are None on other events.
    """

    kind: ClassVar[str] = "orderUpdate"
    client_id: WireInt | None = Field(None, alias="c")
    side: OpenEnum[Side] | None = Field(None, alias="S")
    order_type: Annotated[OpenEnum[OrderType] | None, BeforeValidator(_order_type)] = Field(
        None, alias="o"
    )
    time_in_force: OpenEnum[TimeInForce] | None = Field(None, alias="f")
    quantity: WireDecimal | None = Field(None, alias="q")
    quote_quantity: WireDecimal | None = Field(None, alias="Q")
    price: WireDecimal | None = Field(None, alias="p")
    trigger_price: WireDecimal | None = Field(None, alias="P")
    trigger_by: str | None = Field(None, alias="B")
    take_profit_trigger_price: WireDecimal | None = Field(None, alias="a")
    stop_loss_trigger_price: WireDecimal | None = Field(None, alias="b")
    take_profit_limit_price: WireDecimal | None = Field(None, alias="j")
    stop_loss_limit_price: WireDecimal | None = Field(None, alias="k")
    take_profit_trigger_by: str | None = Field(None, alias="d")
    stop_loss_trigger_by: str | None = Field(None, alias="g")
    trigger_quantity: DecimalOrPercent | None = Field(None, alias="Y")
    status: OpenEnum[OrderStatus] | None = Field(None, alias="X")
    expiry_reason: str | None = Field(None, alias="R")
    order_id: WireId | None = Field(None, alias="i")
    trade_id: WireInt | None = Field(None, alias="t")
    fill_quantity: WireDecimal | None = Field(None, alias="l")
    executed_quantity: WireDecimal | None = Field(None, alias="z")
    executed_quote_quantity: WireDecimal | None = Field(None, alias="Z")
    fill_price: WireDecimal | None = Field(None, alias="L")
    is_maker: bool | None = Field(None, alias="m")
    fee: WireDecimal | None = Field(None, alias="n")
    fee_symbol: str | None = Field(None, alias="N")
    self_trade_prevention: str | None = Field(None, alias="V")
    engine_time: WireInt | None = Field(None, alias="T")
    origin: str | None = Field(None, alias="O")
    related_order_id: WireId | None = Field(None, alias="I")
    strategy_id: WireId | None = Field(None, alias="H")
    post_only: bool | None = Field(None, alias="y")
    reduce_only: bool | None = Field(None, alias="r")


class PositionUpdate(_Event):
    """``account.positionUpdate[.<symbol>]``. Right after subscribing the exchange sends the open
    positions without ``e``: those events have ``is_snapshot`` True."""

    kind: ClassVar[str] = "positionUpdate"
    break_even_price: WireDecimal | None = Field(None, alias="b")
    entry_price: WireDecimal | None = Field(None, alias="B")
    initial_margin_fraction: WireDecimal | None = Field(None, alias="f")
    mark_price: WireDecimal | None = Field(None, alias="M")
    maintenance_margin_fraction: WireDecimal | None = Field(None, alias="m")
    net_quantity: WireDecimal | None = Field(None, alias="q")
    net_exposure_quantity: WireDecimal | None = Field(None, alias="Q")
    net_exposure_notional: WireDecimal | None = Field(None, alias="n")
    position_id: WireId | None = Field(None, alias="i")
    realized_pnl: WireDecimal | None = Field(None, alias="p")
    unrealized_pnl: WireDecimal | None = Field(None, alias="P")
    engine_time: WireInt | None = Field(None, alias="T")

    @property
    def is_snapshot(self) -> bool:
        return self.event_type is None


class RfqUpdate(_Event):
    """``account.rfqUpdate[.<symbol>]``. Deadlines ``submission_deadline`` (``w``) and
    ``expiry_time`` (``W``) are in **milliseconds**."""

    kind: ClassVar[str] = "rfqUpdate"
    rfq_id: WireId | None = Field(None, alias="R")
    quote_id: WireId | None = Field(None, alias="u")
    client_id: WireId | None = Field(None, alias="C")
    side: OpenEnum[Side] | None = Field(None, alias="S")
    quantity: WireDecimal | None = Field(None, alias="q")
    quote_quantity: WireDecimal | None = Field(None, alias="Q")
    price: WireDecimal | None = Field(None, alias="p")
    submission_deadline: WireInt | None = Field(None, alias="w")
    expiry_time: WireInt | None = Field(None, alias="W")
    status: str | None = Field(None, alias="X")
    engine_time: WireInt | None = Field(None, alias="T")
    system_order_type: str | None = Field(None, alias="o")


class BalanceUpdate(_Event):
    """``account.balanceUpdate``: the asset's **absolute** balances after the change (no
    snapshot on subscribe: read ``client.capital.balances()`` after subscribing)."""

    kind: ClassVar[str] = "balanceUpdate"
    asset: str | None = Field(None, alias="a")
    available: WireDecimal | None = Field(None, alias="A")
    locked: WireDecimal | None = Field(None, alias="L")
    staked: WireDecimal | None = Field(None, alias="S")
    engine_time: WireInt | None = Field(None, alias="T")


class UnknownEvent(BaseModel):
    """A frame of a stream kind this SDK does not know, or whose payload did not fit its model:
    the raw ``data`` is kept (and ``problem`` says why it was not typed)."""

    model_config = ConfigDict(frozen=True)

    stream: str
    data: dict[str, Any]
    problem: str | None = None

    @property
    def event_type(self) -> str | None:
        value = self.data.get("e")
        return value if isinstance(value, str) else None


StreamEvent = Union[
    BookTicker,
    DepthUpdate,
    Trade,
    Ticker,
    Kline,
    MarkPrice,
    OpenInterest,
    Liquidation,
    OrderUpdate,
    PositionUpdate,
    RfqUpdate,
    BalanceUpdate,
    UnknownEvent,
]


@dataclass(frozen=True, slots=True)
class StreamErrorEvent:
    """An error frame from the exchange (``{"id": null, "error": {...}}``) that no subscribe
    call was waiting for. It is delivered to every consumer and logged, never dropped."""

    code: int | None
    message: str


@dataclass(frozen=True, slots=True)
class StreamReset:
    """The connection was lost and has been re-established: events of ``streams`` between the
    drop and now (``downtime`` seconds) were lost. ``reason`` says why it dropped."""

    streams: frozenset[str]
    reason: str
    downtime: float


@dataclass(frozen=True, slots=True)
class EventsDropped:
    """``drop_oldest`` policy: ``count`` older events were discarded at this point."""

    count: int


#: What iterating a stream yields.
StreamItem = Union[StreamEvent, StreamErrorEvent, StreamReset, EventsDropped]

_PUBLIC_MODELS: dict[str, type[_Event]] = {
    model.kind: model
    for model in (BookTicker, DepthUpdate, Trade, Ticker, Kline, MarkPrice, OpenInterest,
                  Liquidation)
}
_PRIVATE_MODELS: dict[str, type[_Event]] = {
    model.kind: model for model in (OrderUpdate, PositionUpdate, RfqUpdate, BalanceUpdate)
}


def _model_for(stream: str) -> type[_Event] | None:
    kind, _, rest = stream.partition(".")
    if kind == "account":
        return _PRIVATE_MODELS.get(rest.partition(".")[0])
    return _PUBLIC_MODELS.get(kind)


def decode_payload(stream: str, data: dict[str, Any]) -> StreamEvent:
    """The typed event for one envelope's ``stream`` name and ``data`` object."""
    model = _model_for(stream)
    if model is None:
        return UnknownEvent(stream=stream, data=data)
    try:
        return cast(StreamEvent, model.model_validate({**data, "stream": stream}))
    except ValidationError as exc:
        problem = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)[:3]
        )
        logger.warning("stream %s: payload did not fit %s: %s", stream, model.__name__, problem)
        return UnknownEvent(stream=stream, data=data, problem=problem)


def _error_event(frame: dict[str, Any]) -> StreamErrorEvent:
    error = frame.get("error")
    if not isinstance(error, dict):
        return StreamErrorEvent(None, str(error))
    code = _integer(error.get("code"))
    if not isinstance(code, int) or isinstance(code, bool):
        code = None
    return StreamErrorEvent(code, str(error.get("message", "")))


def decode(frame: str | bytes | dict[str, Any]) -> StreamEvent | StreamErrorEvent:
    """Turn one raw WebSocket frame (text or parsed JSON) into its event.

    A ``{"stream", "data"}`` envelope becomes the stream's typed event (dispatch is on the
    stream name, never on ``data.e``); an error frame becomes a :class:`StreamErrorEvent`; any
    other JSON object an :class:`UnknownEvent` with ``stream == ""``. Raises ``ValueError`` only
    when the text is not a JSON object.
    """
    parsed: Any = json.loads(frame) if isinstance(frame, (str, bytes)) else frame
    if not isinstance(parsed, dict):
        raise ValueError("a stream frame must be a JSON object")
    stream, data = parsed.get("stream"), parsed.get("data")
    if isinstance(stream, str) and isinstance(data, dict):
        return decode_payload(stream, data)
    if "error" in parsed:
        return _error_event(parsed)
    return UnknownEvent(stream="", data=parsed)
