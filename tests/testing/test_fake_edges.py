"""Edge cases a bot must handle, produced faithfully by the FakeExchange: 202 cancels, the
NOT_IMPLEMENTED answer, 400 (never 500) for bad values, and the exchange's rate limits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpx_async import AsyncClient
from bpx_async.errors import APIError, NotFoundError
from bpx_async.signing import Signer
from bpx_async.testing import FakeExchange
from bpx_async.testing._engine import EngineError, MatchingEngine, OrderRequest

SOL = "SOL_USDC"


@pytest.fixture
async def keys(fx: FakeExchange) -> tuple[str, str]:
    return fx.add_account({"USDC": "100000", "SOL": "100"})


@pytest.fixture
async def bot(fx: FakeExchange, keys: tuple[str, str]) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(*keys, base_url=fx.base_url) as client:
        yield client


async def eventually(check: Any, timeout: float = 2.0) -> None:
    """Wait until ``check()`` is true (polling), failing after ``timeout`` seconds."""
    for _ in range(int(timeout / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


# ---------------------------------------------------------------------------- 202 cancels


async def test_a_deferred_cancel_answers_202_and_cancels_a_moment_later(
    fx: FakeExchange, bot: AsyncClient, keys: tuple[str, str]
) -> None:
    seen: list[dict[str, Any]] = []
    fx.engine.subscribe(
        lambda kind, key, payload: seen.append(payload) if kind == "orderUpdate" else None
    )
    order = await bot.orders.execute(SOL, "Bid", "Limit", quantity="1", price="100", client_id=9)
    fx.cancel_delay = 0.05

    assert await bot.orders.cancel(SOL, client_id=9) is None  # 202: accepted, no body
    assert (await bot.orders.get(SOL, order_id=order.id)).status == "New"  # not yet done

    await eventually(lambda: not fx.engine.open_orders(keys[0], SOL))
    [row] = await bot.history.orders(order_id=order.id)
    assert row.status == "Cancelled"
    assert [p["e"] for p in seen if p["i"] == order.id][-1] == "orderCancelled"
    with pytest.raises(NotFoundError):
        await bot.orders.get(SOL, order_id=order.id)


async def test_a_deferred_cancel_of_an_unknown_order_is_still_not_found_at_once(
    fx: FakeExchange, bot: AsyncClient
) -> None:
    fx.cancel_delay = 0.05
    with pytest.raises(NotFoundError):
        await bot.orders.cancel(SOL, order_id="123456")


async def test_an_order_that_fills_before_its_deferred_cancel_stays_filled(
    fx: FakeExchange, bot: AsyncClient, keys: tuple[str, str]
) -> None:
    # Inside the seeded spread (149.98 / 150.02), so it is the best ask.
    order = await bot.orders.execute(SOL, "Ask", "Limit", quantity="1", price="150.01")
    fx.cancel_delay = 0.05
    assert await bot.orders.cancel(SOL, order_id=order.id) is None
    buyer, _ = fx.add_account({"USDC": "1000"})
    price = Decimal("150.01")
    fx.engine.execute(buyer, OrderRequest(SOL, "Bid", "Limit", Decimal(1), None, price))

    await asyncio.sleep(0.1)
    [row] = await bot.history.orders(order_id=order.id)
    assert row.status == "Filled"


async def test_a_deferred_cancel_all_answers_202_then_empties_the_book(
    fx: FakeExchange, bot: AsyncClient, keys: tuple[str, str]
) -> None:
    for price in ("100", "101"):
        await bot.orders.execute(SOL, "Bid", "Limit", quantity="1", price=price)
    fx.cancel_delay = 0.02
    assert await bot.orders.cancel_all(SOL) is None
    assert len(fx.engine.open_orders(keys[0], SOL)) == 2
    await eventually(lambda: not fx.engine.open_orders(keys[0], SOL))


async def test_cancels_still_pending_when_the_exchange_stops_are_dropped_cleanly() -> None:
    async with FakeExchange() as fx:
        api_key, secret = fx.add_account({"USDC": "1000"})
        async with AsyncClient(api_key, secret, base_url=fx.base_url) as client:
            await client.orders.execute(SOL, "Bid", "Limit", quantity="1", price="100")
            fx.cancel_delay = 30
            assert await client.orders.cancel_all(SOL) is None
    assert len(fx.engine.open_orders(api_key, SOL)) == 1
    with pytest.raises(ValueError, match="cancel_delay"):
        fx.cancel_delay = -1


# ---------------------------------------------------------------------- NOT_IMPLEMENTED


async def test_an_operation_the_fake_does_not_model_answers_not_implemented(
    bot: AsyncClient,
) -> None:
    with pytest.raises(APIError) as caught:
        await bot.capital.deposits()
    assert (caught.value.status, caught.value.code) == (400, "NOT_IMPLEMENTED")
    assert not isinstance(caught.value, NotFoundError)


# ------------------------------------------------------------------- 400, never 500


async def post_order(fx: FakeExchange, signer: Signer, body: Mapping[str, Any]) -> tuple[int, str]:
    headers = signer.sign("orderExecute", dict(body), timestamp=fx.now_ms(), window=5000)
    async with (
        aiohttp.ClientSession(fx.base_url) as http,
        http.post("/api/v1/order", data=json.dumps(body), headers=headers) as response,
    ):
        return response.status, await response.text()


@pytest.mark.parametrize(
    "change",
    [
        {"price": "1E+10000"},
        {"quantity": "1E+10000"},
        {"price": "1E-10000"},
        {"price": "NaN"},
        {"price": "-Infinity"},
        {"quantity": "-0"},
        {"price": "12abc"},
        {"clientId": 2**70},
        {"clientId": -1},
        {"timeInForce": 5},
        {"side": ["Bid"]},
        {"postOnly": "yes"},
        {"symbol": ""},
        {"quoteQuantity": "1E+99", "orderType": "Market", "quantity": None, "price": None},
    ],
    ids=lambda change: ",".join(f"{k}={v}" for k, v in change.items())[:40],
)
async def test_a_bad_order_value_is_a_400_with_an_error_code(
    fx: FakeExchange, keys: tuple[str, str], change: dict[str, Any]
) -> None:
    body = {"symbol": SOL, "side": "Bid", "orderType": "Limit", "quantity": "1", "price": "100"}
    body = {key: value for key, value in {**body, **change}.items() if value is not None}

    status, text = await post_order(fx, Signer.from_secret(keys[1]), body)

    assert status == 400, text
    assert "Traceback" not in text


async def test_out_of_range_query_values_are_400s(fx: FakeExchange) -> None:
    async with aiohttp.ClientSession(fx.base_url) as http:
        for path, params in (
            ("/api/v1/klines", {"symbol": SOL, "interval": "1m", "startTime": str(10**30)}),
            ("/api/v1/trades/history", {"symbol": SOL, "offset": "-1"}),
            ("/api/v1/depth", {"symbol": SOL, "limit": "abc"}),
            ("/api/v1/ticker", {"symbol": SOL, "interval": "1y"}),
        ):
            async with http.get(path, params=params) as response:
                assert response.status == 400, (path, await response.text())


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["1E+10000", "NaN", "0", "-1", "0.000000001", "1e5", "Bid", "Limit", "GTC"]),
    st.lists(st.integers(), max_size=2),
)
order_fields = st.dictionaries(
    st.sampled_from(
        [
            "symbol",
            "side",
            "orderType",
            "quantity",
            "quoteQuantity",
            "price",
            "timeInForce",
            "postOnly",
            "reduceOnly",
            "clientId",
            "selfTradePrevention",
            "triggerPrice",
            "triggerQuantity",
        ]
    ),
    json_values,
)


@settings(max_examples=300, deadline=None)
@given(order_fields)
def test_any_order_payload_is_executed_or_refused_with_a_4xx(fields: dict[str, Any]) -> None:
    engine = MatchingEngine(now_us=lambda: 1_700_000_000_000_000)
    engine.deposit("alice", "USDC", Decimal(1000))
    body = {"symbol": SOL, "side": "Bid", "orderType": "Limit", **fields}
    try:
        engine.execute("alice", OrderRequest.from_wire(body))
    except EngineError as error:
        assert 400 <= error.status < 500


# ------------------------------------------------------------------------ rate limits


async def get_status(http: aiohttp.ClientSession, path: str, **params: str) -> tuple[int, Any]:
    async with http.get(path, params=params) as response:
        return response.status, response.headers.get("Retry-After")


async def test_rate_limits_are_off_by_default(fx: FakeExchange) -> None:
    async with aiohttp.ClientSession(fx.base_url) as http:
        statuses = {(await get_status(http, "/api/v1/ticker", symbol=SOL))[0] for _ in range(60)}
    assert statuses == {200}
    assert (fx.rate_limits.per_minute, fx.rate_limits.historical_per_minute) == (2000, 30)


async def test_the_historical_budget_answers_429_with_retry_after_then_recovers(
    fx: FakeExchange,
) -> None:
    fx.rate_limits.enabled = True
    klines = {"symbol": SOL, "interval": "1h", "startTime": str(fx.now_ms() // 1000 - 7200)}
    async with aiohttp.ClientSession(fx.base_url) as http:
        for _ in range(30):
            assert (await get_status(http, "/api/v1/klines", **klines))[0] == 200
        status, retry_after = await get_status(http, "/api/v1/klines", **klines)
        assert status == 429 and retry_after is not None and 1 <= int(retry_after) <= 60
        # The standard budget is separate: other endpoints still answer.
        assert (await get_status(http, "/api/v1/ticker", symbol=SOL))[0] == 200
        fx.clock_offset_ms += 60_000  # a minute later the window is empty again
        assert (await get_status(http, "/api/v1/klines", **klines))[0] == 200


async def test_budgets_are_counted_per_api_key(fx: FakeExchange) -> None:
    fx.rate_limits.enabled = True
    fx.rate_limits.per_minute = 5
    first, second = fx.add_account(), fx.add_account()
    async with (
        AsyncClient(*first, base_url=fx.base_url) as one,
        AsyncClient(*second, base_url=fx.base_url) as other,
    ):
        for _ in range(5):
            await one.capital.balances()
        with pytest.raises(APIError) as caught:
            await one.capital.balances()
        assert (caught.value.status, caught.value.code) == (429, "TOO_MANY_REQUESTS")
        assert await other.capital.balances() == {}


def test_the_command_line_switches_turn_on_the_edge_cases() -> None:
    from bpx_async.testing.__main__ import _exchange, _parser

    plain = _exchange(_parser().parse_args([]))
    assert (plain.rate_limits.enabled, plain.funding_schedule, plain.cancel_delay) == (
        False,
        False,
        None,
    )
    args = ["--rate-limits", "--funding-schedule", "--cancel-delay", "0.2"]
    tuned = _exchange(_parser().parse_args(args))
    assert (tuned.rate_limits.enabled, tuned.funding_schedule, tuned.cancel_delay) == (
        True,
        True,
        0.2,
    )
