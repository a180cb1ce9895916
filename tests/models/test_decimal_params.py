"""The request-side decimal types accept and refuse exactly what a plain reading of the rules does:
ASCII digits with an optional sign and point, at most 64 characters, finite, and (for
PositiveDecimalStr) above zero, checked here against Decimal arithmetic on tricky inputs."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from bpx_async.models._base import DecimalStr, PositiveDecimalStr

_DECIMAL = TypeAdapter(DecimalStr)
_POSITIVE = TypeAdapter(PositiveDecimalStr)
_PLAIN = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def _reference(value: Any, positive: bool) -> str | None:
    """The rules spelled out with Decimal: the text sent, or None when refused."""
    if isinstance(value, (bool, float)):
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            return None
        text = format(value, "f")
    elif isinstance(value, str):
        if len(value) > 64 or not _PLAIN.fullmatch(value):
            return None
        text = value
    else:
        return None
    try:
        if positive and Decimal(text) <= 0:
            return None
    except InvalidOperation:  # pragma: no cover - the pattern guarantees a number
        return None
    return text


def _validated(adapter: TypeAdapter[str], value: Any) -> str | None:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


TRICKY = [
    "0",
    "-0",
    "0.0",
    "-0.0",
    "00",
    "0.",
    ".0",
    ".",
    "-",
    "",
    "-.5",
    ".5",
    "5.",
    "0.000001",
    "-0.000001",
    "1e5",
    "1E5",
    "Infinity",
    "NaN",
    "-inf",
    " 1",
    "1 ",
    "1\n",
    "+1",
    "1_000",
    "\u0661\u0662",
    "\uff11",
    "1" * 64,
    "1" * 65,
    "0" * 64,
    "0." + "0" * 62,
    "0." + "0" * 61 + "1",
    "10",
    "100.00",
    "0010",
    0,
    1,
    -1,
    10**30,
    True,
    False,
    1.5,
    None,
    b"1",
    Decimal("0"),
    Decimal("-0"),
    Decimal("1E+2"),
    Decimal("1E-30"),
    Decimal("-1E-30"),
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("0E-8"),
]


@pytest.mark.parametrize("value", TRICKY, ids=repr)
def test_positive_decimal_accepts_exactly_what_the_decimal_rules_accept(value: Any) -> None:
    assert _validated(_POSITIVE, value) == _reference(value, positive=True)


@pytest.mark.parametrize("value", TRICKY, ids=repr)
def test_decimal_accepts_exactly_what_the_decimal_rules_accept(value: Any) -> None:
    assert _validated(_DECIMAL, value) == _reference(value, positive=False)


_TEXTS = st.text(alphabet="-0123456789.eE+ _\u0661\uff11", max_size=70)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXTS, st.integers(), st.decimals(allow_nan=True, allow_infinity=True)))
def test_decimal_types_match_the_rules_on_generated_inputs(value: Any) -> None:
    assert _validated(_POSITIVE, value) == _reference(value, positive=True)
    assert _validated(_DECIMAL, value) == _reference(value, positive=False)


def test_positive_decimal_says_why_zero_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"must be greater than zero, got -0\.0"):
        _POSITIVE.validate_python("-0.0")
