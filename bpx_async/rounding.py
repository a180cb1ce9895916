"""Opt-in rounding of prices and quantities to a market's tick size and step size.

The SDK sends the digits it is given and never rounds on its own; the exchange rejects prices and
quantities finer than the market's filters ("Price decimal too long"). Round explicitly here::

    market = await client.markets.get("SOL_USDC")
    price = round_price("170.537", market)              # Decimal('170.54') for a 0.01 tick
    quantity = round_quantity("1.23456", market)        # rounded down to the step size
"""

from __future__ import annotations

import decimal
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from typing import Protocol, Union

__all__ = [
    "MarketWithFilters",
    "check_price",
    "check_quantity",
    "round_price",
    "round_quantity",
]

_ROUNDING_MODES = frozenset(
    getattr(decimal, name) for name in dir(decimal) if name.startswith("ROUND_")
)
# Wide enough that dividing any realistic price by any tick is exact (the default is 28 digits).
_PRECISION = 100


class _PriceFilter(Protocol):
    @property
    def tick_size(self) -> Decimal | None: ...


class _QuantityFilter(Protocol):
    @property
    def step_size(self) -> Decimal | None: ...


class _Filters(Protocol):
    @property
    def price(self) -> _PriceFilter | None: ...

    @property
    def quantity(self) -> _QuantityFilter | None: ...


class MarketWithFilters(Protocol):
    """Anything shaped like a ``Market``: has ``filters.price.tick_size`` and
    ``filters.quantity.step_size``."""

    @property
    def filters(self) -> _Filters | None: ...


#: A tick or step size as a number, or a market to read it from.
Increment = Union[Decimal, str, int, MarketWithFilters]


def round_price(
    price: Decimal | str | int, tick: Increment, *, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """``price`` rounded to a multiple of the tick size, with the tick's number of decimals.

    ``tick`` is the tick size or a market (its ``filters.price.tick_size``). ``rounding`` is a
    :mod:`decimal` mode; use ``ROUND_DOWN`` for bids and ``ROUND_UP`` for asks to never cross a
    limit. Raises ValueError for a float, a non-number or a tick that is not positive.
    """
    return _round(_number(price, "price"), _tick_size(tick), rounding)


def round_quantity(
    quantity: Decimal | str | int, step: Increment, *, rounding: str = ROUND_DOWN
) -> Decimal:
    """``quantity`` rounded (down, by default) to a multiple of the step size.

    ``step`` is the step size or a market (its ``filters.quantity.step_size``). The result can be
    zero when ``quantity`` is smaller than one step; compare it with the market's minimum.
    """
    return _round(_number(quantity, "quantity"), _step_size(step), rounding)


def check_price(price: Decimal | str | int, tick: Increment) -> None:
    """Raise ValueError unless ``price`` is a whole multiple of the tick size."""
    _check(_number(price, "price"), _tick_size(tick), "price", "tick size")


def check_quantity(quantity: Decimal | str | int, step: Increment) -> None:
    """Raise ValueError unless ``quantity`` is a whole multiple of the step size."""
    _check(_number(quantity, "quantity"), _step_size(step), "quantity", "step size")


def _round(value: Decimal, increment: Decimal, rounding: str) -> Decimal:
    if rounding not in _ROUNDING_MODES:
        raise ValueError(f"rounding must be one of the decimal ROUND_* modes, got {rounding!r}")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        steps = (value / increment).to_integral_value(rounding=rounding)
        return (steps * increment).quantize(increment)


def _check(value: Decimal, increment: Decimal, what: str, unit: str) -> None:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        aligned = value % increment == 0
    if not aligned:
        raise ValueError(f"{what} {value} is not a multiple of the {unit} {increment}")


def _number(value: object, what: str) -> Decimal:
    # bool is an int, and a float's digits are not the caller's: both are refused.
    if isinstance(value, (bool, float)) or not isinstance(value, (Decimal, str, int)):
        raise ValueError(
            f"{what} must be a Decimal, str or int, not {type(value).__name__}"
            + ("; pass str(value) or a Decimal" if isinstance(value, float) else "")
        )
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"{what} {value!r} is not a decimal number") from None
    if not number.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return number


def _increment(value: object, what: str) -> Decimal:
    number = _number(value, what)
    if number <= 0:
        raise ValueError(f"{what} must be greater than zero, got {number}")
    return number


def _size(source: Increment, group: str, field: str, what: str) -> Decimal:
    """The increment given directly, or read from ``source.filters.<group>.<field>``."""
    if isinstance(source, (Decimal, str, int, float)):
        return _increment(source, what)
    size = getattr(getattr(getattr(source, "filters", None), group, None), field, None)
    if size is None:
        raise ValueError(f"the market has no filters.{group}.{field}")
    return _increment(size, what)


def _tick_size(tick: Increment) -> Decimal:
    return _size(tick, "price", "tick_size", "tick size")


def _step_size(step: Increment) -> Decimal:
    return _size(step, "quantity", "step_size", "step size")
