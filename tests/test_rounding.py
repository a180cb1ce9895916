"""Opt-in rounding to tick and step sizes: properties over many values, and the edge cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpx_async.models.markets import Market
from bpx_async.rounding import check_price, check_quantity, round_price, round_quantity

INCREMENTS = [Decimal(text) for text in ("0.00001", "0.01", "0.25", "0.5", "1", "5", "10")]

values = st.decimals(
    min_value=Decimal("0.00001"),
    max_value=Decimal("1000000"),
    places=8,
    allow_nan=False,
    allow_infinity=False,
)
increments = st.sampled_from(INCREMENTS)


@dataclass(frozen=True)
class _PriceFilter:
    tick_size: Decimal | None


@dataclass(frozen=True)
class _QuantityFilter:
    step_size: Decimal | None


@dataclass(frozen=True)
class _Filters:
    price: _PriceFilter
    quantity: _QuantityFilter


@dataclass(frozen=True)
class _Market:
    """Shaped like ``bpx_async.models.markets.Market`` where rounding looks."""

    filters: _Filters


def market(tick: Decimal | None, step: Decimal | None) -> _Market:
    return _Market(_Filters(_PriceFilter(tick), _QuantityFilter(step)))


def is_multiple(value: Decimal, increment: Decimal) -> bool:
    return value % increment == 0


@given(values, increments)
def test_round_quantity_rounds_down_onto_the_step_with_its_decimals(
    quantity: Decimal, step: Decimal
) -> None:
    rounded = round_quantity(quantity, step)
    assert is_multiple(rounded, step)
    assert rounded <= quantity < rounded + step
    assert rounded.as_tuple().exponent == step.as_tuple().exponent
    check_quantity(rounded, step)


@given(values, increments)
def test_round_price_half_even_lands_on_the_nearest_tick(price: Decimal, tick: Decimal) -> None:
    rounded = round_price(price, tick)
    assert is_multiple(rounded, tick)
    assert abs(rounded - price) <= tick / 2
    assert rounded.as_tuple().exponent == tick.as_tuple().exponent
    check_price(rounded, tick)


@given(values, increments, st.sampled_from([ROUND_UP, ROUND_CEILING]))
def test_round_price_up_never_goes_below_the_input(
    price: Decimal, tick: Decimal, rounding: str
) -> None:
    rounded = round_price(price, tick, rounding=rounding)
    assert price <= rounded < price + tick
    assert is_multiple(rounded, tick)


@given(values, increments)
def test_rounding_an_aligned_value_returns_the_same_value(value: Decimal, step: Decimal) -> None:
    aligned = round_quantity(value, step)
    assert round_quantity(aligned, step) == aligned
    assert round_price(aligned, step, rounding=ROUND_HALF_EVEN) == aligned


@given(values, increments, increments)
def test_a_market_gives_the_same_result_as_its_increments(
    value: Decimal, tick: Decimal, step: Decimal
) -> None:
    source = market(tick, step)
    assert round_price(value, source) == round_price(value, tick)
    assert round_quantity(value, source) == round_quantity(value, step)


@given(values, st.sampled_from([i for i in INCREMENTS if i < 1]))
def test_check_refuses_a_value_between_two_increments(value: Decimal, step: Decimal) -> None:
    between = round_quantity(value, step) + step / 2
    with pytest.raises(ValueError, match="not a multiple of the step size"):
        check_quantity(between, step)
    with pytest.raises(ValueError, match="not a multiple of the tick size"):
        check_price(between, step)


@pytest.mark.parametrize(
    "value, increment, rounding, expected",
    [
        ("170.537", "0.01", ROUND_HALF_EVEN, "170.54"),
        ("170.535", "0.01", ROUND_HALF_EVEN, "170.54"),
        ("170.525", "0.01", ROUND_HALF_EVEN, "170.52"),
        ("170.3", "0.5", ROUND_HALF_EVEN, "170.5"),
        ("12", "5", ROUND_HALF_EVEN, "10"),
        ("13", "5", ROUND_UP, "15"),
        ("1.234567", "0.00001", ROUND_DOWN, "1.23456"),
        ("2", "0.01", ROUND_DOWN, "2.00"),
        ("0.004", "0.01", ROUND_DOWN, "0.00"),
    ],
)
def test_known_roundings_keep_the_increments_decimals(
    value: str, increment: str, rounding: str, expected: str
) -> None:
    result = round_price(value, increment, rounding=rounding)
    assert str(result) == expected


def test_values_and_increments_as_int_and_str_are_accepted() -> None:
    assert round_quantity(7, 2) == Decimal("6")
    assert round_price(" 1.005 ", "0.01") == Decimal("1.00")


@pytest.mark.parametrize(
    "call",
    [
        lambda: round_price(1.5, "0.01"),  # type: ignore[arg-type]
        lambda: round_quantity("1", 0.5),  # type: ignore[arg-type]
        lambda: check_price(True, "0.01"),
        lambda: round_price("abc", "0.01"),
        lambda: round_price("NaN", "0.01"),
        lambda: round_price("1", "0"),
        lambda: round_quantity("1", "-0.5"),
        lambda: round_price("1", "0.01", rounding="ROUND_SOMETIMES"),
    ],
    ids=[
        "float value",
        "float step",
        "bool value",
        "not a number",
        "nan",
        "zero tick",
        "negative step",
        "unknown rounding mode",
    ],
)
def test_bad_inputs_raise_value_error(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


def test_a_market_without_the_filter_value_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match=r"filters\.price\.tick_size"):
        round_price("1", market(None, Decimal("1")))
    with pytest.raises(ValueError, match=r"filters\.quantity\.step_size"):
        round_quantity("1", market(Decimal("1"), None))


def test_the_sdk_market_model_works_as_the_source_of_increments() -> None:
    sol = Market.model_validate(
        {
            "symbol": "SOL_USDC",
            "filters": {"price": {"tickSize": "0.01"}, "quantity": {"stepSize": "0.01"}},
        }
    )
    assert round_price("170.537", sol) == Decimal("170.54")
    assert round_quantity("1.239", sol) == Decimal("1.23")
