"""The prepared-request cache: repeated identical calls are validated once, and nothing that could
serialize differently ever shares an entry (types are part of the key; Decimal, float, datetime,
containers and models are never cached)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest

from bpx_async import AsyncClient
from bpx_async._paramcache import DEFAULT_MAXSIZE, PreparedCache, cache_key
from bpx_async._pipeline import Pipeline
from bpx_async.endpoints import markets, orders, trades
from bpx_async.errors import RequestValidationError
from bpx_async.models.enums import KlineInterval
from bpx_async.testing import FakeExchange


class _Color(str, Enum):
    RED = "red"


class _Text(str):
    pass


# --- cache_key --------------------------------------------------------------------------


def test_no_parameters_have_the_empty_key() -> None:
    assert cache_key(None) == ()
    assert cache_key({}) == ()


def test_the_key_keeps_names_types_and_values_in_order() -> None:
    assert cache_key({"symbol": "SOL_USDC", "limit": 5, "x": None}) == (
        ("symbol", str, "SOL_USDC"),
        ("limit", int, 5),
        ("x", type(None), None),
    )


def test_an_int_and_the_equal_bool_have_different_keys() -> None:
    assert 1 == True  # the reason the type is in the key
    assert cache_key({"limit": 1}) != cache_key({"limit": True})
    assert cache_key({"limit": 0}) != cache_key({"limit": False})


def test_a_string_and_the_equal_enum_member_have_different_keys() -> None:
    assert KlineInterval("1d") == "1d"
    assert cache_key({"interval": "1d"}) != cache_key({"interval": KlineInterval("1d")})
    assert cache_key({"c": _Color.RED}) == (("c", _Color, _Color.RED),)


@pytest.mark.parametrize(
    "value",
    [
        Decimal("1.0"),  # == Decimal("1.00") but sent as other digits
        1.0,
        datetime(2025, 1, 1, tzinfo=timezone.utc),
        ["SPOT"],
        ("SPOT",),
        {"a": 1},
        _Text("abc"),  # a str subclass may render differently
    ],
)
def test_values_whose_equal_forms_may_serialize_differently_are_never_cached(value: Any) -> None:
    assert cache_key({"symbol": "SOL_USDC", "value": value}) is None


def test_anything_but_a_plain_dict_of_parameters_is_never_cached() -> None:
    assert cache_key([{"symbol": "SOL_USDC"}]) is None
    assert cache_key((("symbol", "SOL_USDC"),)) is None


# --- PreparedCache ------------------------------------------------------------------------


def test_the_cache_is_bounded_and_drops_the_oldest_entry_first() -> None:
    cache: PreparedCache[str] = PreparedCache(maxsize=2)
    cache.put("ep", ("a",), "A")
    cache.put("ep", ("b",), "B")
    cache.put("ep", ("c",), "C")
    assert len(cache) == 2
    assert cache.get("ep", ("a",)) is None
    assert (cache.get("ep", ("b",)), cache.get("ep", ("c",))) == ("B", "C")


def test_entries_of_different_endpoints_are_kept_apart() -> None:
    cache: PreparedCache[str] = PreparedCache()
    cache.put("ticker", (), "T")
    assert cache.get("depth", ()) is None
    assert cache.get("ticker", ()) == "T"
    assert cache.maxsize == DEFAULT_MAXSIZE


def test_a_zero_size_cache_keeps_nothing_and_a_bad_size_is_refused() -> None:
    cache: PreparedCache[str] = PreparedCache(maxsize=0)
    cache.put("ep", (), "x")
    assert cache.get("ep", ()) is None and len(cache) == 0
    for bad in (-1, True, 2.5):
        with pytest.raises(ValueError, match="maxsize"):
            PreparedCache(maxsize=bad)  # type: ignore[arg-type]


# --- the client's use of it -----------------------------------------------------------------


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every real (uncached) preparation any client makes during the test."""
    calls: list[Any] = []
    real = Pipeline._prepare

    def spy(self: Pipeline, endpoint: Any, route: Any, params: Any) -> Any:
        calls.append(params)
        return real(self, endpoint, route, params)

    monkeypatch.setattr(Pipeline, "_prepare", spy)
    return calls


async def test_a_repeated_identical_call_is_validated_once_and_returns_the_same_request(
    seen: list[Any],
) -> None:
    async with AsyncClient() as client:
        first = client.prepare(markets.DEPTH, {"symbol": "SOL_USDC", "limit": 500})
        again = client.prepare(markets.DEPTH, {"symbol": "SOL_USDC", "limit": 500})
        assert again is first and len(seen) == 1
        other = client.prepare(markets.DEPTH, {"symbol": "BTC_USDC", "limit": 500})
        assert other.query == [("limit", "500"), ("symbol", "BTC_USDC")] and len(seen) == 2
        assert str(first.url).endswith("/api/v1/depth?limit=500&symbol=SOL_USDC")


async def test_an_order_is_never_served_from_the_cache_so_each_gets_its_own_client_id(
    seen: list[Any],
) -> None:
    async with AsyncClient() as client:
        order = {"symbol": "SOL_USDC", "side": "Bid", "order_type": "Limit", "quantity": "1"}
        first = client.prepare(orders.EXECUTE, {**order, "price": "150"})
        again = client.prepare(orders.EXECUTE, {**order, "price": "150"})
        assert len(seen) == 2 and first.client_ids != again.client_ids
        assert len(client._pipeline.prepared_cache) == 0


async def test_a_with_options_view_shares_the_prepared_requests_of_its_client() -> None:
    async with AsyncClient() as client:
        first = client.prepare(markets.TICKER, {"symbol": "SOL_USDC"})
        view = client.with_options(timeout=2)
        assert view.prepare(markets.TICKER, {"symbol": "SOL_USDC"}) is first


async def test_a_bool_is_still_refused_after_the_equal_int_was_cached() -> None:
    async with AsyncClient() as client:
        assert client.prepare(trades.RECENT, {"symbol": "SOL_USDC", "limit": 1}).query == [
            ("limit", "1"),
            ("symbol", "SOL_USDC"),
        ]
        with pytest.raises(RequestValidationError, match="limit"):
            client.prepare(trades.RECENT, {"symbol": "SOL_USDC", "limit": True})


async def test_a_string_and_the_enum_member_are_prepared_separately_with_the_same_query(
    seen: list[Any],
) -> None:
    async with AsyncClient() as client:
        params: dict[str, Any] = {"symbol": "SOL_USDC", "start_time": 1_700_000_000}
        text = client.prepare(markets.KLINES, {**params, "interval": "1d"})
        member = client.prepare(markets.KLINES, {**params, "interval": KlineInterval("1d")})
        assert text is not member and len(seen) == 2
        assert text.query == member.query


async def test_decimal_parameters_are_prepared_on_every_call_with_their_own_digits(
    seen: list[Any],
) -> None:
    async with AsyncClient() as client:
        order: dict[str, Any] = {"symbol": "SOL_USDC", "side": "Bid", "order_type": "Limit"}
        bodies = [
            client.prepare(orders.EXECUTE, {**order, "quantity": "1", "price": price}).body
            for price in (Decimal("150.0"), Decimal("150.0"), Decimal("150.00"))
        ]
        assert len(seen) == 3
        assert [b'"price":"150.0"' in body for body in bodies if body] == [True, True, False]
        assert bodies[2] is not None and b'"price":"150.00"' in bodies[2]


async def test_a_refused_parameter_set_is_not_cached_and_is_refused_again(
    seen: list[Any],
) -> None:
    async with AsyncClient() as client:
        for _ in range(2):
            with pytest.raises(RequestValidationError):
                client.prepare(trades.RECENT, {"symbol": "SOL_USDC", "limit": 0})
        assert len(seen) == 2


async def test_a_client_keeps_at_most_the_default_number_of_prepared_requests() -> None:
    async with AsyncClient() as client:
        for offset in range(DEFAULT_MAXSIZE + 10):
            client.prepare(trades.HISTORY, {"symbol": "SOL_USDC", "offset": offset})
        assert len(client._pipeline.prepared_cache) == DEFAULT_MAXSIZE


async def test_cached_signed_requests_are_signed_afresh_and_accepted_each_time(
    fx: FakeExchange,
) -> None:
    _, secret = fx.add_account({"USDC": "1000"})
    stamps: list[int] = []

    def clock() -> int:  # a new millisecond on every call, so every signature differs
        stamps.append(max(time.time_ns() // 1_000_000, stamps[-1] + 1 if stamps else 0))
        return stamps[-1]

    async with AsyncClient(api_secret=secret, base_url=fx.base_url, clock=clock) as c:
        # The fake verifies every signature: a reused prepared request is signed anew each time.
        fills = [await c.history.fills(symbol="SOL_USDC", limit=5) for _ in range(3)]
        assert fills == [[], [], []] and len(set(stamps)) == 3
        assert len(c._pipeline.prepared_cache) == 1
        depths = [await c.markets.depth("SOL_USDC", limit=5) for _ in range(2)]
        assert depths[0].asks and depths[0].asks == depths[1].asks
