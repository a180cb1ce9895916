"""Base classes and field types shared by every request and response model.

Response models are lenient (unknown fields ignored, ``null`` accepted, unknown enum values kept
as plain strings); request models are strict (unknown parameters and bad values are refused
before anything is signed or sent).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Annotated, Any, ClassVar, TypeVar, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    model_validator,
)
from pydantic.alias_generators import to_camel

from ._fast import mark_naive_utc
from .enums import MarketType

__all__ = [
    "BpxModel",
    "DecimalInput",
    "DecimalStr",
    "EpochMillis",
    "MarketTypes",
    "NonEmptyStr",
    "NullableList",
    "OpenEnum",
    "PageLimit",
    "PageOffset",
    "PercentOrDecimalStr",
    "PositiveDecimalStr",
    "RequestModel",
    "Symbol",
    "TimeWindow",
    "Uint16",
    "Uint32",
    "Uint64",
    "UtcDateTime",
    "value_checks",
]

_E = TypeVar("_E", bound=Enum)
_T = TypeVar("_T")

#: What callers may pass for a decimal. Never a float: its digits are not the user's.
DecimalInput = Union[Decimal, str, int]


class BpxModel(BaseModel):
    """Base of response models: camelCase on the wire, snake_case in Python, immutable.

    Unknown fields are ignored so that new API fields never break parsing.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
    )


class RequestModel(BaseModel):
    """Base of request models: unknown parameters are an error, never silently dropped.

    Fields accept either their snake_case name or the API's camelCase name.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )

    #: Fields whose values no rule of the model reads, only whether they are given: each value is
    #: checked by its field's own type alone, and its validated value is what is sent (a ``str``
    #: or an ``int``). A model that declares them is validated once per *shape* (its other values,
    #: and which of these are given) and these values by their field types on every call: a bot's
    #: orders differ in price and quantity, not in how they are built (``Pipeline._prepare``).
    #: Declaring a field here that a model validator reads would skip that rule: the tests
    #: compare both ways on generated requests.
    value_fields: ClassVar[frozenset[str]] = frozenset()


#: How one value field is checked on its own: (its name on the wire, pydantic's validator of the
#: field's type, which returns the value to send).
ValueCheck = tuple[str, Callable[[Any], Any]]


@cache
def value_checks(model: type[RequestModel]) -> dict[str, ValueCheck]:
    """The :attr:`RequestModel.value_fields` of ``model`` by field name and by alias, each with
    the validator of the field's own annotated type (what the model runs for that field)."""
    checks: dict[str, ValueCheck] = {}
    for name in sorted(model.value_fields):
        field = model.model_fields[name]  # KeyError: a declared name is not a field
        alias = field.alias or name
        # The annotation with the field's own constraints (Field(ge=...)) put back on it.
        check = (alias, TypeAdapter(field.rebuild_annotation()).validator.validate_python)
        checks[name] = checks[alias] = check
    return checks


# --- response-side types -------------------------------------------------------------------

#: An enum that tolerates values the SDK does not know yet: known values become the enum member,
#: anything else stays a plain ``str``.
OpenEnum = Annotated[Union[_E, str], Field(union_mode="left_to_right")]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


#: The API's zone-less timestamps ("2025-07-27T17:39:00.092") are UTC; they are returned as
#: timezone-aware ``datetime`` objects.
UtcDateTime = Annotated[datetime, BeforeValidator(mark_naive_utc), AfterValidator(_utc)]


def _none_to_empty(value: Any) -> Any:
    return [] if value is None else value


#: A list field that reads ``null`` as an empty list.
NullableList = Annotated[list[_T], BeforeValidator(_none_to_empty)]


# --- request-side types --------------------------------------------------------------------

# ASCII digits only ([0-9], not \d, which also matches Arabic-Indic or full-width digits).
_PLAIN_DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_PLAIN_DECIMAL_MATCH = _PLAIN_DECIMAL.fullmatch
#: Longest decimal text accepted: far beyond any price or quantity, short of abuse.
MAX_DECIMAL_CHARS = 64


def _to_decimal_text(value: Any) -> str:
    """The text sent for a decimal parameter: the user's own digits, never re-formatted."""
    if isinstance(value, str):  # the common case first
        # Sent exactly as given: no stripping, so what is validated is what is signed.
        if len(value) > MAX_DECIMAL_CHARS:
            raise ValueError(f"a decimal has at most {MAX_DECIMAL_CHARS} characters")
        if _PLAIN_DECIMAL_MATCH(value) is None:
            raise ValueError(
                f"{value!r} is not a plain decimal number (ASCII digits, optional '.')"
            )
        return value
    if isinstance(value, (bool, float)):
        raise ValueError(
            f"{type(value).__name__} is not accepted for a decimal; pass a str, int or Decimal"
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("decimal must be finite")
        return format(value, "f")
    raise ValueError(f"{type(value).__name__} is not accepted for a decimal")


def _positive(text: str) -> str:
    # ``text`` is a plain decimal (``_to_decimal_text``): it is above zero exactly when it has no
    # sign and a digit other than 0, which needs no Decimal.
    if text[:1] == "-" or not text.strip("0."):
        raise ValueError(f"must be greater than zero, got {text}")
    return text


def _positive_decimal_text(value: Any) -> str:
    # The common case (a plain decimal str, on every order's price and quantity) in one call.
    if (
        type(value) is str
        and len(value) <= MAX_DECIMAL_CHARS
        and _PLAIN_DECIMAL_MATCH(value) is not None
        and value[:1] != "-"
        and value.strip("0.")
    ):
        return value
    return _positive(_to_decimal_text(value))


_PERCENT = re.compile(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)%")


def _percent_or_decimal(value: Any) -> str:
    if isinstance(value, str) and value.endswith("%"):
        if (
            len(value) > MAX_DECIMAL_CHARS
            or not _PERCENT.fullmatch(value)
            or not 0 < Decimal(value[:-1]) <= 100
        ):
            raise ValueError(f"{value!r} is not a percentage in (0, 100]")
        return value
    return _positive(_to_decimal_text(value))


#: A decimal parameter: accepts Decimal, str or int, sends the exact digits as a JSON string.
DecimalStr = Annotated[str, BeforeValidator(_to_decimal_text)]
#: Like :data:`DecimalStr`, and greater than zero.
#: (One validator call rather than two: it is on every order's price and quantity.)
PositiveDecimalStr = Annotated[str, BeforeValidator(_positive_decimal_text)]
#: A positive decimal, or a percentage such as ``"50%"`` (trigger quantities).
PercentOrDecimalStr = Annotated[str, BeforeValidator(_percent_or_decimal)]

#: A market or asset symbol (``SOL_USDC``, ``SOL_USDC_PERP``, ``SOL``): free-form, never empty.
Symbol = Annotated[str, Field(min_length=1)]
#: An id or other text parameter that must not be empty.
NonEmptyStr = Annotated[str, Field(min_length=1)]
#: Rows per page of a ``limit``/``offset`` query: 1..1000 (the exchange's default is 100).
PageLimit = Annotated[int, Strict(), Field(ge=1, le=1000)]
#: Rows to skip before a page of a ``limit``/``offset`` query.
PageOffset = Annotated[int, Strict(), Field(ge=0, le=2**64 - 1)]

Uint16 = Annotated[int, Strict(), Field(ge=0, le=2**16 - 1)]
Uint32 = Annotated[int, Strict(), Field(ge=0, le=2**32 - 1)]
Uint64 = Annotated[int, Strict(), Field(ge=0, le=2**64 - 1)]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _epoch_millis(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            # A naive datetime could be local time or UTC; guessing would shift the window.
            raise ValueError(
                "naive datetime: pass a timezone-aware datetime or milliseconds since the epoch"
            )
        return (value - _EPOCH) // timedelta(milliseconds=1)
    return value


#: A point in time sent as milliseconds since the epoch (``from``/``to`` filters): an ``int`` of
#: ms, or a timezone-aware ``datetime`` (converted exactly, sub-millisecond part dropped).
EpochMillis = Annotated[int, BeforeValidator(_epoch_millis), Strict(), Field(ge=0, le=2**63 - 1)]


def _one_or_many(value: Any) -> Any:
    # A single enum member or string is a one-element filter.
    return [value] if isinstance(value, (str, Enum)) else value


def _sorted_unique(values: list[Any]) -> list[Any]:
    return sorted(set(values), key=lambda member: member.value)


#: A ``marketType`` filter, sent as repeated query keys. The values go out sorted and without
#: duplicates, so the signed string does not depend on how the server orders repeated keys.
MarketTypes = Annotated[
    list[MarketType],
    BeforeValidator(_one_or_many),
    Field(min_length=1),
    AfterValidator(_sorted_unique),
]


class TimeWindow(RequestModel):
    """The ``from``/``to`` filters of a query (``from_`` in Python, as ``from`` is a keyword):
    :data:`EpochMillis` bounds, ``from`` never later than ``to``."""

    from_: EpochMillis | None = Field(default=None, alias="from")
    to: EpochMillis | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _from_before_to(self) -> TimeWindow:
        if self.from_ is not None and self.to is not None and self.from_ > self.to:
            raise ValueError("'from' must not be later than 'to'")
        return self
