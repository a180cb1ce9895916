"""The prepared-request cache: repeated identical calls are validated once, and nothing that could
serialize differently ever shares an entry (types are part of the key; Decimal, float, datetime,
containers and models are never cached). Orders are validated once per shape: their value fields
(prices, quantities, clientId) are checked on every call, and the body is the one the whole model
gives."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpx_async import AsyncClient
from bpx_async._paramcache import DEFAULT_MAXSIZE, PreparedCache, cache_key, shape_key
from bpx_async._pipeline import Pipeline
from bpx_async.endpoints import markets, orders, trades
from bpx_async.errors import RequestValidationError
from bpx_async.models._base import RequestModel, value_checks
from bpx_async.models.enums import KlineInterval
from bpx_async.models.orders import OrderExecuteRequest
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
        assert first is not again and first.body != again.body
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


# --- shapes: an order is validated once per shape -------------------------------------------

_LIMIT: dict[str, Any] = {"symbol": "SOL_USDC", "side": "Bid", "order_type": "Limit"}
_CHECKS = value_checks(OrderExecuteRequest)


def _validations(client: AsyncClient, endpoint: Any = orders.EXECUTE) -> list[Any]:
    """Every time ``client`` validates a whole request model of ``endpoint`` from now on."""
    route = client._pipeline._route(endpoint)
    calls: list[Any] = []
    real = route.validate
    assert real is not None

    def validate(params: Any) -> Any:
        calls.append(params)
        return real(params)

    route.validate = validate
    return calls


def _outcome(client: AsyncClient, params: dict[str, Any]) -> Any:
    """What ``client`` prepares for an order: the request's wire parts, or the error's text."""
    try:
        prepared = client.prepare(orders.EXECUTE, params)
    except RequestValidationError as exc:
        return ("refused", str(exc))
    return (prepared.body, prepared.signed_params, prepared.client_ids)


def test_a_shape_names_the_value_fields_given_and_keys_the_rest_by_type_and_value() -> None:
    params = {"symbol": "SOL_USDC", "price": Decimal("150.50"), "quantity": 2, "postOnly": True}
    assert shape_key(params, _CHECKS) == (
        (("symbol", str, "SOL_USDC"), "price", "quantity", ("postOnly", bool, True)),
        [("price", "150.50"), ("quantity", "2")],  # checked: the digits that are sent
    )
    # The API's camelCase names are value fields too, sent under that name.
    assert shape_key({"quoteQuantity": "5", "clientId": 7}, _CHECKS) == (
        ("quoteQuantity", "clientId"),
        [("quoteQuantity", "5"), ("clientId", 7)],
    )
    # A value field given as None is keyed by that value, like any other parameter.
    assert shape_key({"price": None}, _CHECKS) == ((("price", type(None), None),), [])


@pytest.mark.parametrize(
    "params",
    [
        {"price": 1.5},  # a float: refused by the field's type
        {"price": "-1"},
        {"quantity": "1e3"},
        {"trigger_quantity": "150%"},
        {"client_id": True},
        {"client_id": 2**32},
        {"symbol": "SOL_USDC", "side": _Text("Bid")},  # not a plain type
        {"symbol": ["SOL_USDC"]},
    ],
)
def test_a_refused_value_or_an_uncacheable_parameter_makes_no_shape(params: Any) -> None:
    assert shape_key(params, _CHECKS) is None


def test_value_checks_refuse_a_declared_value_field_that_is_not_a_field() -> None:
    class Broken(RequestModel):
        price: str | None = None
        value_fields: ClassVar[frozenset[str]] = frozenset({"prize"})

    with pytest.raises(KeyError, match="prize"):
        value_checks(Broken)
    assert "value_fields" not in OrderExecuteRequest.model_fields  # a class setting, not a field


async def test_orders_of_one_shape_are_validated_once_each_with_its_own_values_and_id() -> None:
    async with AsyncClient() as client, AsyncClient() as whole:
        validated = _validations(client)
        sizes: list[tuple[Any, Any]] = [("150.25", "1.5"), ("151", Decimal("2.50")), ("149.5", 3)]
        prepared = [
            client.prepare(orders.EXECUTE, {**_LIMIT, "price": p, "quantity": q})
            for p, q in sizes
        ]
        assert len(validated) == 1 and len(client._pipeline.shape_cache) == 1
        assert len({p.client_ids for p in prepared}) == 3  # every order its own clientId
        for request, (price, quantity) in zip(prepared, sizes, strict=True):
            assert request.body is not None
            assert json.loads(request.body) == {
                "symbol": "SOL_USDC",
                "side": "Bid",
                "orderType": "Limit",
                "price": price,
                "quantity": str(quantity),
                "clientId": request.client_ids[0],
            }
            assert request.signed_params == json.loads(request.body)
            # The very bytes the whole model gives for the same order and id.
            params = {**_LIMIT, "price": price, "quantity": quantity}
            params["client_id"] = request.client_ids[0]
            assert whole.prepare(orders.EXECUTE, params).body == request.body


async def test_a_refused_value_is_refused_as_the_whole_model_refuses_it() -> None:
    async with AsyncClient() as client, AsyncClient() as whole:
        valid = {**_LIMIT, "price": "150", "quantity": "1"}
        client.prepare(orders.EXECUTE, valid)  # the shape is known from here on
        validated = _validations(client)
        for bad in (
            {"price": "-1"},
            {"price": 1.5},
            {"price": "NaN"},
            {"price": "1e3"},
            {"quantity": "0"},
            {"quantity": Decimal("Infinity")},
            {"client_id": -1},
        ):
            params = {**valid, **bad}
            refused = _outcome(client, params)
            assert refused[0] == "refused" and refused == _outcome(whole, params)
        assert len(validated) == 7  # each one went to the whole model, which said why


async def test_a_new_shape_is_validated_whole_so_its_rules_still_apply() -> None:
    async with AsyncClient() as client:
        client.prepare(orders.EXECUTE, {**_LIMIT, "price": "150", "quantity": "1"})
        with pytest.raises(RequestValidationError, match="needs a price"):
            client.prepare(orders.EXECUTE, {**_LIMIT, "quantity": "1"})
        with pytest.raises(RequestValidationError, match="not both"):
            market = {**_LIMIT, "order_type": "Market", "quantity": "1"}
            client.prepare(orders.EXECUTE, {**market, "quote_quantity": "150"})


async def test_an_id_added_after_validation_is_never_kept_in_a_shape() -> None:
    async with AsyncClient() as client:
        # clientId=None given: the id is drawn after the model is validated, every time.
        order = {**_LIMIT, "price": "150", "quantity": "1", "client_id": None}
        ids = {client.prepare(orders.EXECUTE, order).client_ids for _ in range(3)}
        assert len(ids) == 3 and len(client._pipeline.shape_cache) == 0


async def test_without_generated_ids_a_shape_sends_no_client_id() -> None:
    async with AsyncClient(auto_client_id=False) as client:
        validated = _validations(client)
        bodies = [
            client.prepare(orders.EXECUTE, {**_LIMIT, "price": p, "quantity": "1"}).body
            for p in ("150", "151")
        ]
        assert bodies == [
            b'{"symbol":"SOL_USDC","side":"Bid","orderType":"Limit","price":"150","quantity":"1"}',
            b'{"symbol":"SOL_USDC","side":"Bid","orderType":"Limit","price":"151","quantity":"1"}',
        ]
        assert len(validated) == 1


async def test_a_field_given_by_its_name_and_its_alias_is_refused_every_time() -> None:
    async with AsyncClient() as client:
        both = {**_LIMIT, "price": "150", "quantity": "1", "client_id": 1, "clientId": 2}
        for _ in range(2):
            with pytest.raises(RequestValidationError):
                client.prepare(orders.EXECUTE, both)
        assert len(client._pipeline.shape_cache) == 0


async def test_a_with_options_view_shares_the_shapes_of_its_client() -> None:
    async with AsyncClient() as client:
        client.prepare(orders.EXECUTE, {**_LIMIT, "price": "150", "quantity": "1"})
        view = client.with_options(timeout=2)
        validated = _validations(view)
        view.prepare(orders.EXECUTE, {**_LIMIT, "price": "151", "quantity": "2"})
        assert validated == [] and view._pipeline.shape_cache is client._pipeline.shape_cache


async def test_a_batch_is_validated_whole_every_time() -> None:
    async with AsyncClient() as client:
        validated = _validations(client, orders.EXECUTE_BATCH)
        batch = [{**_LIMIT, "price": "150", "quantity": "1"}]
        for _ in range(2):
            client.prepare(orders.EXECUTE_BATCH, batch)
        assert len(validated) == 2 and len(client._pipeline.shape_cache) == 0


# Values an order's value fields may be given: valid and refused, of every accepted type.
_GOOD_DECIMALS = st.sampled_from(["150.25", "1", "0.001", "007.50", ".5", "3."]) | st.builds(
    Decimal, st.sampled_from(["2.50", "1E+2", "0.10"])
)
_ANY_DECIMAL = (
    _GOOD_DECIMALS
    | st.integers(-3, 10**20)
    | st.sampled_from(["0", "-1", "1e3", " 1", "NaN", "", "50%", "100%", "0%", "1,5"])
    | st.sampled_from([1.5, True, None, Decimal("NaN"), Decimal("-0.5")])
)
_ANY_ID = st.integers(-1, 2**32) | st.sampled_from([True, "7", None])


@st.composite
def _same_shape_orders(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two orders of one shape: the same other values and value fields, their own values. The
    first is a valid order (so its shape is kept); the second's values may be anything."""
    common: dict[str, Any] = {
        "symbol": "SOL_USDC",
        "side": draw(st.sampled_from(["Bid", "Ask"])),
        "order_type": draw(st.sampled_from(["Limit", "Market"])),
    }
    for name, values in (
        ("time_in_force", st.sampled_from(["GTC", "IOC"])),
        ("post_only", st.booleans()),
        ("reduce_only", st.booleans()),
    ):
        if draw(st.booleans()):
            common[name] = draw(values)
    if common["order_type"] == "Limit":
        fields = {"price", "quantity"}
    else:
        fields = {draw(st.sampled_from(["quantity", "quote_quantity"]))}
    for group in (
        ("trigger_price", "trigger_quantity"),
        ("stop_loss_trigger_price",),
        ("stop_loss_trigger_price", "stop_loss_limit_price"),
        ("take_profit_trigger_price", "take_profit_limit_price"),
        ("slippage_tolerance",),
        ("client_id",),
    ):
        if draw(st.booleans()):
            fields.update(group)
    if "trigger_price" in fields and draw(st.booleans()):
        common["trigger_by"] = "MarkPrice"
    first, second = dict(common), dict(common)
    for name in sorted(fields):
        if name == "client_id":
            first[name], second[name] = draw(st.integers(0, 2**32 - 1)), draw(_ANY_ID)
        else:
            good = _GOOD_DECIMALS | st.just("50%") if name == "trigger_quantity" else _GOOD_DECIMALS
            first[name], second[name] = draw(good), draw(_ANY_DECIMAL)
    return first, second


@settings(max_examples=400, deadline=None)
@given(_same_shape_orders())
def test_an_order_of_a_known_shape_is_prepared_as_the_whole_model_prepares_it(
    orders_: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    first, second = orders_
    # Clients made and never connected: nothing to close (the session is made on first send).
    client, whole = AsyncClient(auto_client_id=False), AsyncClient(auto_client_id=False)
    assert _outcome(client, first)[0] != "refused"
    assert len(client._pipeline.shape_cache) == 1  # the shape is known: the second uses it
    assert _outcome(client, second) == _outcome(whole, second)
