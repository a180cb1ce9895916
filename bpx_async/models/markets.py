"""Request and response models of the Markets group: market definitions and their filters,
tickers, order books, candles, mark prices, open interest, funding rates, prediction events,
tokenized securities and their trading sessions.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, Strict, model_validator

from ._base import (
    BpxModel,
    MarketTypes,
    NonEmptyStr,
    NullableList,
    OpenEnum,
    PageLimit,
    PageOffset,
    RequestModel,
    Symbol,
    UtcDateTime,
)
from ._fast import DecimalLevels
from .enums import (
    DepthLimit,
    KlineInterval,
    KlinePriceType,
    MarketType,
    OrderBookState,
    SeriesRecurrence,
    TickerInterval,
)

__all__ = [
    "Depth",
    "DepthRequest",
    "FundingIntervalRate",
    "FundingRatesRequest",
    "Kline",
    "KlinesRequest",
    "MarginFunction",
    "MarkPrice",
    "MarkPricesRequest",
    "Market",
    "MarketRequest",
    "MarketSession",
    "MarketsRequest",
    "OpenInterest",
    "OpenInterestRequest",
    "OrderBookFilters",
    "PredictionEvent",
    "PredictionEventsRequest",
    "PredictionMarket",
    "PredictionResolution",
    "PredictionSeries",
    "PredictionTag",
    "PriceBandMarkPrice",
    "PriceBandMeanPremium",
    "PriceFilter",
    "QuantityFilter",
    "ResolutionCondition",
    "Security",
    "SecuritySession",
    "Ticker",
    "TickerRequest",
    "TickersRequest",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# 10**11 s is the year 5138: a larger "seconds" value is almost surely milliseconds by mistake.
_MAX_UNIX_SECONDS = 10**11


# --- request-side types --------------------------------------------------------------------


def _to_unix_seconds(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a naive datetime is ambiguous; pass a timezone-aware datetime")
        return (value - _EPOCH) // timedelta(seconds=1)
    return value


def _check_seconds(value: int) -> int:
    if value >= _MAX_UNIX_SECONDS:
        raise ValueError(f"{value} looks like milliseconds; the API expects unix seconds")
    return value


#: A point in time sent as unix **seconds**: an int, or a timezone-aware datetime (floored to
#: the second). Naive datetimes are refused because their zone is unknown.
UnixSeconds = Annotated[
    int, BeforeValidator(_to_unix_seconds), Strict(), Field(ge=0), AfterValidator(_check_seconds)
]


def _depth_limit_text(value: Any) -> Any:
    # The API takes the level count as a string enum; ints are the natural way to write it.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class TickerRequest(RequestModel):
    """Query of ``GET /api/v1/ticker``."""

    symbol: Symbol
    interval: TickerInterval | None = None


class TickersRequest(RequestModel):
    """Query of ``GET /api/v1/tickers``."""

    interval: TickerInterval | None = None


class DepthRequest(RequestModel):
    """Query of ``GET /api/v1/depth``. ``limit`` is levels per side (5 ... 1000), int or str."""

    symbol: Symbol
    limit: Annotated[DepthLimit | None, BeforeValidator(_depth_limit_text)] = None


class MarketsRequest(RequestModel):
    """Query of ``GET /api/v1/markets``: ``marketType`` is a repeated key (one or several types)."""

    market_type: MarketTypes | None = None


class MarketRequest(RequestModel):
    """Query of ``GET /api/v1/market``."""

    symbol: Symbol


class KlinesRequest(RequestModel):
    """Query of ``GET /api/v1/klines``. ``startTime``/``endTime`` are unix **seconds**."""

    symbol: Symbol
    interval: KlineInterval
    start_time: UnixSeconds
    end_time: UnixSeconds | None = None
    price_type: KlinePriceType | None = None

    @model_validator(mode="after")
    def _time_range(self) -> KlinesRequest:
        if self.end_time is not None and self.end_time < self.start_time:
            raise ValueError("end_time must not be before start_time")
        return self


class MarkPricesRequest(RequestModel):
    """Query of ``GET /api/v1/markPrices`` (perpetuals only unless ``marketType`` says so)."""

    symbol: Symbol | None = None
    market_type: MarketType | None = None


class OpenInterestRequest(RequestModel):
    """Query of ``GET /api/v1/openInterest`` (every market when ``symbol`` is omitted)."""

    symbol: Symbol | None = None


class FundingRatesRequest(RequestModel):
    """Query of ``GET /api/v1/fundingRates``; ``limit`` goes up to 10000 here."""

    symbol: Symbol
    limit: Annotated[int, Strict(), Field(ge=1, le=10_000)] | None = None
    offset: PageOffset | None = None


class PredictionEventsRequest(RequestModel):
    """Query of ``GET /api/v1/prediction``."""

    symbol: Symbol | None = None
    tag_slug: NonEmptyStr | None = None
    event_slug: NonEmptyStr | None = None
    series_slug: NonEmptyStr | None = None
    resolved: Annotated[bool, Strict()] | None = None
    limit: PageLimit | None = None
    offset: PageOffset | None = None


# --- response models: markets and their filters ---------------------------------------------


def _none_to_empty_mapping(value: Any) -> Any:
    return {} if value is None else value


class PriceBandMarkPrice(BpxModel):
    """How far a price may move from the mean mark price, as multipliers."""

    max_multiplier: Decimal | None = None
    min_multiplier: Decimal | None = None


class PriceBandMeanPremium(BpxModel):
    """How far the premium may deviate from the mean premium."""

    tolerance_pct: Decimal | None = None


class PriceFilter(BpxModel):
    """Price rules of an order book: round prices to ``tick_size``."""

    min_price: Decimal | None = None
    max_price: Decimal | None = None
    tick_size: Decimal | None = None
    max_multiplier: Decimal | None = None
    min_multiplier: Decimal | None = None
    max_impact_multiplier: Decimal | None = None
    min_impact_multiplier: Decimal | None = None
    mean_mark_price_band: PriceBandMarkPrice | None = None
    mean_premium_band: PriceBandMeanPremium | None = None
    borrow_entry_fee_max_multiplier: Decimal | None = None
    borrow_entry_fee_min_multiplier: Decimal | None = None
    max_price_update_multiplier: Decimal | None = None
    min_price_update_multiplier: Decimal | None = None
    #: Seen only in the official Rust client (newer than the spec).
    discovery_bound_band: PriceBandMarkPrice | None = None


class QuantityFilter(BpxModel):
    """Quantity rules of an order book: round quantities to ``step_size``."""

    min_quantity: Decimal | None = None
    max_quantity: Decimal | None = None
    step_size: Decimal | None = None


class OrderBookFilters(BpxModel):
    """Price and quantity rules; an absent or null filter reads as one with every value None,
    so ``market.filters.price.tick_size`` is always a valid attribute path.
    """

    price: Annotated[PriceFilter, BeforeValidator(_none_to_empty_mapping)] = Field(
        default_factory=PriceFilter
    )
    quantity: Annotated[QuantityFilter, BeforeValidator(_none_to_empty_mapping)] = Field(
        default_factory=QuantityFilter
    )


class MarginFunction(BpxModel):
    """An initial/maintenance margin-fraction function, tagged by ``type``.

    The only documented type is ``sqrt`` (``base`` and ``factor``). Fields of a type the SDK does
    not know yet are kept in ``model_extra`` instead of failing the whole response.
    """

    model_config = ConfigDict(extra="allow")

    type: str | None = None
    base: Decimal | None = None
    factor: Decimal | None = None


class Market(BpxModel):
    """A market and its trading rules (``filters``). Funding bounds are in basis points."""

    symbol: str
    base_symbol: str | None = None
    quote_symbol: str | None = None
    market_type: OpenEnum[MarketType] | None = None
    filters: Annotated[OrderBookFilters, BeforeValidator(_none_to_empty_mapping)] = Field(
        default_factory=OrderBookFilters
    )
    imf_function: MarginFunction | None = None
    mmf_function: MarginFunction | None = None
    funding_interval: int | None = Field(default=None, description="milliseconds")
    funding_rate_upper_bound: Decimal | None = Field(default=None, description="basis points")
    funding_rate_lower_bound: Decimal | None = Field(default=None, description="basis points")
    open_interest_limit: Decimal | None = None
    order_book_state: OpenEnum[OrderBookState] | None = None
    created_at: UtcDateTime | None = None
    visible: bool | None = None
    position_limit_weight: Decimal | None = None
    #: ``STOCK``/``INDEX``/``COMMODITY``/``FX``; seen only in the official Rust client.
    rwa_market_type: str | None = None


# --- response models: prices and statistics -------------------------------------------------


class Ticker(BpxModel):
    """24-hour (or 1-week) statistics of one market. Prices and volumes are Decimal.

    ``price_change_percent`` is a **fraction**, not a percentage: ``-0.0049`` means -0.49 %
    (multiply by 100 to show a percentage).
    """

    symbol: str
    first_price: Decimal | None = None
    last_price: Decimal | None = None
    price_change: Decimal | None = None
    price_change_percent: Decimal | None = None
    """The change over the period as a fraction of ``first_price``: -0.0049 means -0.49 %."""
    high: Decimal | None = None
    low: Decimal | None = None
    volume: Decimal | None = None
    quote_volume: Decimal | None = None
    trades: int | None = None


class Depth(BpxModel):
    """An order-book snapshot: ``[price, quantity]`` levels, both sides ascending by price.

    ``last_update_id`` matches the ``u`` ids of the depth stream; ``timestamp`` is in microseconds.
    """

    asks: DecimalLevels = Field(default_factory=list)
    bids: DecimalLevels = Field(default_factory=list)
    last_update_id: int | None = None
    timestamp: int | None = Field(default=None, description="microseconds since the epoch")

    @property
    def best_bid(self) -> Decimal | None:
        """The highest bid price, or None when no one bids."""
        return max((price for price, _ in self.bids), default=None)

    @property
    def best_ask(self) -> Decimal | None:
        """The lowest ask price, or None when no one asks."""
        return min((price for price, _ in self.asks), default=None)

    @property
    def mid(self) -> Decimal | None:
        """Halfway between the best bid and the best ask; None when a side is empty."""
        bid, ask = self.best_bid, self.best_ask
        return None if bid is None or ask is None else (bid + ask) / 2

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid (negative if the book is crossed); None when a side is empty."""
        bid, ask = self.best_bid, self.best_ask
        return None if bid is None or ask is None else ask - bid


class Kline(BpxModel):
    """One candle. ``start``/``end`` are UTC; OHLC is None for a candle without trades."""

    start: UtcDateTime | None = None
    end: UtcDateTime | None = None
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    close: Decimal | None = None
    volume: Decimal | None = None
    quote_volume: Decimal | None = None
    trades: int | None = None


class MarkPrice(BpxModel):
    """Mark price of a market; funding rate, index price and next funding time for perpetuals."""

    symbol: str
    mark_price: Decimal | None = None
    index_price: Decimal | None = None
    funding_rate: Decimal | None = None
    next_funding_timestamp: int | None = Field(
        default=None, description="milliseconds since the epoch"
    )


class OpenInterest(BpxModel):
    """Open interest of a futures market, in the base asset."""

    symbol: str
    open_interest: Decimal | None = None
    timestamp: int | None = Field(default=None, description="milliseconds since the epoch")


class FundingIntervalRate(BpxModel):
    """The funding rate (a plain fraction) applied at the end of one funding interval."""

    symbol: str
    interval_end_timestamp: UtcDateTime | None = None
    funding_rate: Decimal | None = None


# --- response models: prediction markets ----------------------------------------------------


class ResolutionCondition(BpxModel):
    """How a prediction market resolves, tagged by ``type``.

    ``QuantityRange`` uses ``greater_than_or_equal``/``less_than``; ``StrikePrice`` uses
    ``condition`` (``above``/``below``); ``Outcome`` uses ``outcome``. Fields of an unknown type
    are kept in ``model_extra``.
    """

    model_config = ConfigDict(extra="allow")

    type: str | None = None
    greater_than_or_equal: Decimal | None = None
    less_than: Decimal | None = None
    condition: str | None = None
    outcome: str | None = None


class PredictionMarket(BpxModel):
    """One yes/no market of a prediction event; ``market_symbol`` names its order book."""

    market_symbol: str
    question: str | None = None
    group_label: str | None = None
    yes_outcome_label: str | None = None
    no_outcome_label: str | None = None
    rules: str | None = None
    resolved_at: UtcDateTime | None = None
    resolution_price: Decimal | None = None
    active_price: Decimal | None = None
    quote_volume: Decimal | None = None
    quote_volume_lifetime: Decimal | None = None
    img_url: str | None = None
    resolution_condition: ResolutionCondition | None = None
    proposed_resolution: bool | None = None
    proposed_resolution_at: UtcDateTime | None = None
    resolution_delay_secs: int | None = Field(default=None, description="seconds")


class PredictionTag(BpxModel):
    """A tag grouping prediction events (``GET /api/v1/prediction/tags``)."""

    slug: str
    title: str | None = None


class PredictionSeries(BpxModel):
    """A recurring series of prediction events."""

    slug: str
    title: str | None = None
    recurrence: OpenEnum[SeriesRecurrence] | None = None


class PredictionResolution(BpxModel):
    """Resolution data of a prediction event (``resolution_source`` e.g. ``binance``)."""

    resolved: bool | None = None
    start_date: UtcDateTime | None = None
    end_date: UtcDateTime | None = None
    strike_price: Decimal | None = None
    close_price: Decimal | None = None
    resolution_source_event_identifier: str | None = None
    resolution_source: str | None = None
    outcome: str | None = None


class PredictionEvent(BpxModel):
    """A prediction event and its markets (``GET /api/v1/prediction``)."""

    slug: str
    title: str | None = None
    prediction_markets: NullableList[PredictionMarket] = Field(default_factory=list)
    tags: NullableList[PredictionTag] = Field(default_factory=list)
    series: NullableList[PredictionSeries] = Field(default_factory=list)
    description: str | None = None
    img_url: str | None = None
    quote_volume: Decimal | None = None
    resolution: PredictionResolution | None = None
    resolved: bool | None = None
    resolution_delay_secs: int | None = Field(default=None, description="seconds")


# --- response models: tokenized securities --------------------------------------------------


class SecuritySession(BpxModel):
    """Quantity rules of a security during one named market session."""

    name: str
    min_quantity: Decimal | None = None
    max_quantity: Decimal | None = None
    step_size: Decimal | None = None


class Security(BpxModel):
    """A tradable security (tokenized equity) and the sessions it trades in."""

    asset: str
    name: str | None = None
    cusip: str | None = None
    sessions: NullableList[SecuritySession] = Field(default_factory=list)


class MarketSession(BpxModel):
    """A trading session: local times of day in ``timezone``, ISO weekdays (1 = Monday).

    When ``end_weekday < start_weekday`` the range wraps around the week.
    """

    name: str
    description: str | None = None
    start_time: time | None = None
    end_time: time | None = None
    timezone: str | None = None
    start_weekday: int | None = None
    end_weekday: int | None = None
