"""The fast paths for big answers decode exactly like the plain pydantic annotations they replace.

The reference for every comparison is the previous decoding: ``list[tuple[Decimal, Decimal]]``
(``null`` as an empty list) for order-book levels, naive-then-UTC parsing for timestamps.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import (
    AfterValidator,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from bpx_async.bench import _bodies
from bpx_async.endpoints.markets import DEPTH
from bpx_async.models._base import BpxModel, NullableList, UtcDateTime
from bpx_async.models._fast import DecimalLevels, json_decoder, mark_naive_utc
from bpx_async.models.markets import Depth, Ticker


class _PreviousDepth(BpxModel):
    asks: NullableList[tuple[Decimal, Decimal]] = Field(default_factory=list)
    bids: NullableList[tuple[Decimal, Decimal]] = Field(default_factory=list)
    last_update_id: int | None = None
    timestamp: int | None = None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


_PREVIOUS_TIME = TypeAdapter(Annotated[datetime, AfterValidator(_utc)])
_TIME = TypeAdapter(UtcDateTime)
_LEVELS = TypeAdapter(DecimalLevels)
_PREVIOUS_LEVELS = TypeAdapter(NullableList[tuple[Decimal, Decimal]])


def _exact(levels: list[tuple[Decimal, Decimal]]) -> list[tuple[str, str]]:
    """Levels compared digit for digit: Decimal("1.0") == Decimal("1") would hide a change."""
    assert all(type(p) is Decimal and type(q) is Decimal for p, q in levels)
    return [(str(p), str(q)) for p, q in levels]


def _outcome(adapter: TypeAdapter[Any], raw: bytes) -> Any:
    try:
        return ("ok", _exact(adapter.validate_json(raw)))
    except ValidationError as exc:
        return ("error", [(e["type"], e["loc"]) for e in exc.errors()])


def test_depth_of_exchange_shape_decodes_digit_for_digit_like_the_previous_decoding() -> None:
    raw = _bodies()["/api/v1/depth"]
    depth = Depth.model_validate_json(raw)
    previous = _PreviousDepth.model_validate_json(raw)
    assert len(depth.asks) == len(depth.bids) == 500
    assert _exact(depth.asks) == _exact(previous.asks)
    assert _exact(depth.bids) == _exact(previous.bids)
    assert depth.asks[0] == (Decimal("150.01"), Decimal(json.loads(raw)["asks"][0][1]))
    assert depth.last_update_id == previous.last_update_id == 1834529061


def test_depth_levels_keep_the_exact_digits_sent() -> None:
    depth = Depth.model_validate_json(b'{"asks":[["1.50","0.010"]],"bids":[["0.000001","2E+3"]]}')
    assert _exact(depth.asks) == [("1.50", "0.010")]
    assert _exact(depth.bids) == [("0.000001", "2E+3")]


def test_depth_ignores_unknown_fields_and_reads_null_or_missing_sides_as_empty() -> None:
    depth = Depth.model_validate_json(b'{"asks":null,"newField":{"x":[1]},"lastUpdateId":"7"}')
    assert depth.asks == [] and depth.bids == []
    assert depth.last_update_id == 7


@pytest.mark.parametrize("bad", ["NaN", "nan", "-NaN", "sNaN", "Infinity", "-inf", "Inf"])
def test_depth_rejects_non_finite_prices_like_the_previous_decoding(bad: str) -> None:
    raw = json.dumps({"asks": [["1", "2"], [bad, "1"]]}).encode()
    with pytest.raises(ValidationError) as caught:
        Depth.model_validate_json(raw)
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [
        ("finite_number", ("asks", 1, 0))
    ]


@pytest.mark.parametrize(
    "levels",
    [
        '[["1","2","3"]]',  # three cells
        '[["1"]]',  # one cell
        "[[]]",
        '["12"]',  # a string row would unpack into two characters
        '[{"1":"a","2":"b"}]',  # a dict row would unpack into its keys
        '[["1",["2"]]]',  # a list cell
        '[["1",true]]',  # a bool cell
        '[["1",null]]',
        '[["abc","1"]]',  # not a number
        '[["0x10","1"]]',
        '[["1 2","1"]]',
        '"1,2"',  # not a list at all
        '{"1":"2"}',
        "5",
    ],
)
def test_depth_levels_of_a_bad_shape_fail_with_the_previous_errors(levels: str) -> None:
    raw = f'{{"asks":{levels}}}'.encode()
    with pytest.raises(ValidationError) as new:
        Depth.model_validate_json(raw)
    with pytest.raises(ValidationError) as old:
        _PreviousDepth.model_validate_json(raw)
    assert new.value.errors(include_url=False) == old.value.errors(include_url=False)


def test_depth_levels_sent_as_json_numbers_still_decode_like_before() -> None:
    raw = b'{"asks":[[1,2.5],["3",4]]}'
    depth = Depth.model_validate_json(raw)
    assert _exact(depth.asks) == _exact(_PreviousDepth.model_validate_json(raw).asks)
    assert depth.asks == [(Decimal(1), Decimal("2.5")), (Decimal(3), Decimal(4))]


def test_depth_validated_from_python_objects_takes_the_same_path() -> None:
    depth = Depth.model_validate({"asks": [["1.5", "2"]], "bids": [(Decimal("1"), 3)]})
    assert depth.asks == [(Decimal("1.5"), Decimal(2))]
    assert depth.bids == [(Decimal(1), Decimal(3))]


_CELL = st.one_of(
    st.text(alphabet="0123456789.-+eE_ nNaIifty", max_size=8),
    st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{1,8})?", fullmatch=True),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=0, max_size=3), max_size=4))
def test_any_levels_decode_or_fail_exactly_like_the_previous_decoding(rows: list[Any]) -> None:
    raw = json.dumps(rows).encode()
    assert _outcome(_LEVELS, raw) == _outcome(_PREVIOUS_LEVELS, raw)


# --- zone-less timestamps ------------------------------------------------------------------


def test_zone_less_timestamps_are_read_as_utc() -> None:
    moment = _TIME.validate_json(b'"2025-07-27T17:39:00.092"')
    assert moment == datetime(2025, 7, 27, 17, 39, 0, 92_000, tzinfo=timezone.utc)
    assert moment.utcoffset() == timedelta(0)


def test_timestamps_with_a_zone_keep_their_zone() -> None:
    moment = _TIME.validate_json(b'"2025-07-27T17:39:00-05:00"')
    assert moment.utcoffset() == timedelta(hours=-5)
    assert _TIME.validate_json(b'"2025-07-27 17:39:00Z"').utcoffset() == timedelta(0)


def test_only_zone_less_date_time_text_is_marked_utc() -> None:
    assert mark_naive_utc("2025-07-27 17:39:00") == "2025-07-27 17:39:00Z"
    assert mark_naive_utc("2025-07-27T17:39:00.092") == "2025-07-27T17:39:00.092Z"
    for unchanged in (
        "2025-07-27T17:39:00Z",
        "2025-07-27T17:39:00+02:00",
        "2025-07-27",
        "1753637940",
        1753637940,
        None,
    ):
        assert mark_naive_utc(unchanged) == unchanged


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)),
    st.sampled_from(["T", " ", "t"]),
    st.sampled_from(["seconds", "milliseconds", "microseconds", "minutes"]),
    st.sampled_from(["", "Z", "+00:00", "-05:30", "+0800", "z"]),
)
def test_timestamps_parse_exactly_like_the_previous_decoding(
    moment: datetime, sep: str, spec: str, zone: str
) -> None:
    text = moment.isoformat(sep=sep, timespec=spec) + zone
    raw = json.dumps(text).encode()
    try:
        expected: Any = _PREVIOUS_TIME.validate_json(raw)
    except ValidationError:
        expected = "error"
    try:
        got: Any = _TIME.validate_json(raw)
    except ValidationError:
        got = "error"
    assert got == expected
    if got != "error":
        assert got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "2025-13-01 00:00:00",
        "2025-07-27 25:00:00",
        "2025-07-27 17:39:00.1234567890",
        "1753637940",
        "2025-07-27",
    ],
)
def test_odd_timestamp_text_decodes_or_fails_like_before(text: str) -> None:
    raw = json.dumps(text).encode()
    outcomes = []
    for adapter in (_TIME, _PREVIOUS_TIME):
        try:
            outcomes.append(adapter.validate_json(raw))
        except ValidationError as exc:
            outcomes.append([e["type"] for e in exc.errors()])
    assert outcomes[0] == outcomes[1]


# --- whole answers through msgspec ----------------------------------------------------------


def _model_outcome(decode: Any, raw: bytes) -> Any:
    try:
        depth = decode(raw)
    except ValidationError as exc:
        return ("error", exc.errors(include_url=False, include_input=False))
    return (
        "ok",
        _exact(depth.asks),
        _exact(depth.bids),
        depth.last_update_id,
        depth.timestamp,
        depth.model_fields_set,
    )


def test_depth_endpoint_reads_its_answer_with_the_msgspec_decoder() -> None:
    assert json_decoder(Ticker) is None  # no level lists: the model's own validation
    assert DEPTH.decode_json is not DEPTH.response_adapter.validate_json
    raw = _bodies()["/api/v1/depth"]
    assert _model_outcome(DEPTH.decode_json, raw) == _model_outcome(Depth.model_validate_json, raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"asks":[["1.5","2"]],"bids":[],"lastUpdateId":"12","timestamp":1700000000000000}',
        b'{"asks":null,"bids":[["1","2"]]}',
        b'{"last_update_id":5,"asks":[["1","2"]]}',  # the snake_case spelling pydantic accepts
        b'{"lastUpdateId":"x","asks":[["1","2"]]}',  # a bad scalar: the model's own error
        b'{"asks":[["NaN","2"]]}',
        b'{"asks":[[1,2.50]]}',  # numbers: the model's own reading of them
        b'{"asks":[["1","2","3"]]}',
        b'{"asks":"no"}',
        b'{"extra":{"deep":[1,2,{"x":null}]},"bids":[["7","8"]]}',
        b"[]",
        b"null",
        b"{",
        b"",
    ],
)
def test_the_msgspec_decoder_gives_the_models_own_results_and_errors(raw: bytes) -> None:
    decode = json_decoder(Depth)
    assert decode is not None
    assert _model_outcome(decode, raw) == _model_outcome(Depth.model_validate_json, raw)


_SCALAR = st.one_of(
    st.none(), st.integers(-(2**70), 2**70), st.text(max_size=6), st.booleans(), st.floats()
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["asks", "bids", "lastUpdateId", "last_update_id", "timestamp", "x"]),
        st.one_of(_SCALAR, st.lists(st.lists(_CELL, max_size=3), max_size=3)),
    )
)
def test_any_depth_object_decodes_like_the_model_itself(body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    decode = json_decoder(Depth)
    assert _model_outcome(decode, raw) == _model_outcome(Depth.model_validate_json, raw)


class _Checked(BpxModel):
    asks: DecimalLevels = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _no_empty_book(self) -> _Checked:
        if not self.asks:
            raise ValueError("empty book")
        return self


class _LevelValidator(BpxModel):
    asks: DecimalLevels = Field(default_factory=list)

    @field_validator("asks")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return value[:1]


class _ScalarValidator(BpxModel):
    asks: DecimalLevels = Field(default_factory=list)
    note: str | None = None

    @field_validator("note")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if value else value


def test_models_that_check_more_than_each_field_get_no_split_decoder() -> None:
    # The split decoding would run these checks without the levels: such models keep their own.
    assert json_decoder(_Checked) is None
    assert json_decoder(_LevelValidator) is None
    strict = type("_Strict", (_ScalarValidator,), {"model_config": {"extra": "forbid"}})
    assert json_decoder(strict) is None
    decode = json_decoder(_ScalarValidator)
    assert decode is not None
    result = decode(b'{"asks":[["1","2"]],"note":"abc"}')
    assert result == _ScalarValidator.model_validate_json(b'{"asks":[["1","2"]],"note":"abc"}')
    assert result.note == "ABC"
