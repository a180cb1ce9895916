"""FakeExchange REST surface: lifecycle, public endpoint shapes, private semantics, the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bpx_async.signing import Signer
from bpx_async.testing import FakeExchange

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def trader(fx: FakeExchange) -> Signer:
    _, secret = fx.add_account({"USDC": "100000", "SOL": "100"})
    return Signer.from_secret(secret)


async def get_json(
    http: aiohttp.ClientSession, path: str, params: Any = None
) -> tuple[int, Any, Mapping[str, str]]:
    async with http.get(path, params=params) as response:
        text = await response.text()
        assert response.content_type == "application/json", (path, response.status, text)
        return response.status, json.loads(text), response.headers


async def call(
    http: aiohttp.ClientSession,
    fx: FakeExchange,
    signer: Signer,
    method: str,
    path: str,
    instruction: str,
    *,
    query: Mapping[str, Any] | None = None,
    body: Any = None,
) -> tuple[int, Any, Mapping[str, str]]:
    headers = signer.sign(
        instruction, body if body is not None else query, timestamp=fx.now_ms(), window=5000
    )
    params = {key: str(value) for key, value in (query or {}).items()}
    async with http.request(method, path, params=params, json=body, headers=headers) as response:
        text = await response.text()
        return response.status, json.loads(text) if text else None, response.headers


def has_fields(obj: Mapping[str, Any], *fields: str) -> bool:
    return set(fields) <= set(obj)


# -- lifecycle --------------------------------------------------------------------------------


async def test_server_listens_on_loopback_only_and_reports_its_urls() -> None:
    exchange = FakeExchange(seed_liquidity=False)
    with pytest.raises(RuntimeError):
        _ = exchange.base_url
    async with exchange:
        assert exchange.base_url == f"http://127.0.0.1:{exchange.port}"
        assert exchange.ws_url == f"ws://127.0.0.1:{exchange.port}/ws"
        assert exchange.port > 0
    await exchange.stop()  # stopping twice is harmless
    assert not exchange.running


async def test_add_account_generates_a_working_ed25519_key_pair(fx: FakeExchange) -> None:
    api_key, secret = fx.add_account({"USDC": "12.5"})
    assert Signer.from_secret(secret).api_key == api_key
    assert fx.engine.balances(api_key)["USDC"]["available"] == Decimal("12.5")
    fx.fund(api_key, "SOL", "3")
    assert fx.engine.balances(api_key)["SOL"]["available"] == Decimal(3)
    with pytest.raises(KeyError):
        fx.fund("not-registered", "SOL", "1")


async def test_requests_are_logged_with_the_signature_redacted(
    fx: FakeExchange, http: aiohttp.ClientSession, trader: Signer
) -> None:
    body = {
        "symbol": "SOL_USDC",
        "side": "Bid",
        "orderType": "Limit",
        "price": "100.00",
        "quantity": "1.00",
    }
    await call(http, fx, trader, "POST", "/api/v1/order", "orderExecute", body=body)
    logged = fx.requests[-1]
    assert (logged.method, logged.path) == ("POST", "/api/v1/order")
    assert logged.json() == body
    assert logged.headers["X-API-Key"] == trader.api_key
    assert logged.headers["X-Signature"] == "<redacted>"


async def test_unknown_path_gets_a_json_404(http: aiohttp.ClientSession) -> None:
    status, payload, _ = await get_json(http, "/api/v1/nonexistent")
    assert status == 404
    assert payload["code"] == "RESOURCE_NOT_FOUND"


# -- public endpoints -------------------------------------------------------------------------


async def test_ping_time_and_status(fx: FakeExchange, http: aiohttp.ClientSession) -> None:
    async with http.get("/api/v1/ping") as response:
        assert (response.content_type, await response.text()) == ("text/plain", "pong")
    before = fx.now_ms()
    async with http.get("/api/v1/time") as response:
        assert response.content_type == "text/plain"
        server_time = int(await response.text())
    assert before <= server_time <= fx.now_ms()
    assert (await get_json(http, "/api/v1/status"))[1] == {"status": "Ok"}


PUBLIC_LISTS: list[tuple[str, dict[str, str], tuple[str, ...]]] = [
    ("/api/v1/wallets", {}, ("blockchain", "address")),
    ("/api/v1/assets", {}, ("symbol", "displayName", "tokens")),
    ("/api/v1/collateral", {}, ("symbol", "imfFunction", "mmfFunction", "haircutFunction")),
    (
        "/api/v1/markets",
        {},
        (
            "symbol",
            "baseSymbol",
            "quoteSymbol",
            "marketType",
            "filters",
            "orderBookState",
            "createdAt",
            "visible",
        ),
    ),
    (
        "/api/v1/tickers",
        {},
        (
            "symbol",
            "firstPrice",
            "lastPrice",
            "priceChange",
            "priceChangePercent",
            "high",
            "low",
            "volume",
            "quoteVolume",
            "trades",
        ),
    ),
    (
        "/api/v1/markPrices",
        {},
        ("symbol", "markPrice", "fundingRate", "indexPrice", "nextFundingTimestamp"),
    ),
    ("/api/v1/openInterest", {}, ("symbol", "openInterest", "timestamp")),
    (
        "/api/v1/fundingRates",
        {"symbol": "SOL_USDC_PERP"},
        ("symbol", "intervalEndTimestamp", "fundingRate"),
    ),
    (
        "/api/v1/klines",
        {"symbol": "SOL_USDC", "interval": "1h", "startTime": "0"},
        ("start", "end", "open", "high", "low", "close", "volume", "quoteVolume", "trades"),
    ),
    (
        "/api/v1/borrowLend/markets",
        {},
        (
            "state",
            "assetMarkPrice",
            "borrowInterestRate",
            "borrowedQuantity",
            "fee",
            "lendInterestRate",
            "lentQuantity",
            "maxUtilization",
            "openBorrowLendLimit",
            "optimalUtilization",
            "symbol",
            "timestamp",
            "throttleUtilizationThreshold",
            "throttleUtilizationBound",
            "throttleUpdateFraction",
            "utilization",
            "stepSize",
        ),
    ),
    (
        "/api/v1/borrowLend/markets/history",
        {"interval": "1d", "symbol": "SOL"},
        (
            "borrowInterestRate",
            "borrowedQuantity",
            "lendInterestRate",
            "lentQuantity",
            "timestamp",
            "utilization",
        ),
    ),
    (
        "/api/v1/vaults",
        {},
        (
            "id",
            "vaultToken",
            "symbol",
            "mintsEnabled",
            "redeemsEnabled",
            "minMintQuantity",
            "minRedeemTokens",
            "redeemDelayMs",
            "tokenStepSize",
        ),
    ),
    ("/api/v1/vaults/history", {"interval": "1w"}, ("vaultId", "timestamp", "nav")),
]


@pytest.mark.parametrize(("path", "params", "fields"), PUBLIC_LISTS)
async def test_public_list_endpoint_returns_rows_of_the_documented_shape(
    http: aiohttp.ClientSession, path: str, params: dict[str, str], fields: tuple[str, ...]
) -> None:
    status, rows, _ = await get_json(http, path, params)
    assert status == 200
    assert rows, path
    assert all(has_fields(row, *fields) for row in rows)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/prediction",
        "/api/v1/prediction/tags",
        "/api/v1/securities",
        "/api/v1/market-sessions",
    ],
)
async def test_unmodelled_catalogues_are_empty_lists(
    http: aiohttp.ClientSession, path: str
) -> None:
    assert (await get_json(http, path))[:2] == (200, [])


async def test_ticker_and_depth_mirror_the_engine(
    fx: FakeExchange, http: aiohttp.ClientSession, trader: Signer
) -> None:
    sell = {"symbol": "SOL_USDC", "side": "Ask", "orderType": "Market", "quantity": "2.00"}
    assert (await call(http, fx, trader, "POST", "/api/v1/order", "orderExecute", body=sell))[
        0
    ] == 200
    _, ticker, _ = await get_json(http, "/api/v1/ticker", {"symbol": "SOL_USDC"})
    assert Decimal(ticker["lastPrice"]) == fx.engine.last_price("SOL_USDC")
    assert int(ticker["trades"]) == len(fx.engine.recent_trades("SOL_USDC", 1000))
    _, depth, _ = await get_json(http, "/api/v1/depth", {"symbol": "SOL_USDC", "limit": "5"})
    engine_depth = fx.engine.depth("SOL_USDC", 5)
    assert (depth["bids"], depth["asks"]) == (engine_depth["bids"], engine_depth["asks"])
    assert depth["lastUpdateId"] == engine_depth["lastUpdateId"]
    _, trades, _ = await get_json(http, "/api/v1/trades", {"symbol": "SOL_USDC", "limit": "2"})
    assert trades == fx.engine.recent_trades("SOL_USDC", 2)
    _, older, _ = await get_json(
        http, "/api/v1/trades/history", {"symbol": "SOL_USDC", "limit": "1", "offset": "1"}
    )
    assert older == fx.engine.recent_trades("SOL_USDC", 2)[1:]


async def test_ticker_for_an_unknown_symbol_is_204_without_body(
    http: aiohttp.ClientSession,
) -> None:
    async with http.get("/api/v1/ticker", params={"symbol": "NOPE_USDC"}) as response:
        assert response.status == 204
        assert await response.read() == b""


async def test_market_lookup_and_market_type_filter(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    _, market, _ = await get_json(http, "/api/v1/market", {"symbol": "BTC_USDC_PERP"})
    assert market == fx.engine.markets["BTC_USDC_PERP"].to_wire()
    _, perps, _ = await get_json(http, "/api/v1/markets", [("marketType", "PERP")])
    assert {m["marketType"] for m in perps} == {"PERP"}
    _, both, _ = await get_json(
        http, "/api/v1/markets", [("marketType", "PERP"), ("marketType", "SPOT")]
    )
    assert len(both) == len(fx.engine.markets)
    _, predictions, _ = await get_json(http, "/api/v1/markets", [("marketType", "PREDICTION")])
    assert predictions == []
    assert (await get_json(http, "/api/v1/market", {"symbol": "NOPE"}))[0] == 404


async def test_klines_are_deterministic_aligned_candles_in_seconds(
    http: aiohttp.ClientSession,
) -> None:
    start = 1_700_000_000
    params = {
        "symbol": "SOL_USDC",
        "interval": "1h",
        "startTime": str(start),
        "endTime": str(start + 5 * 3600),
    }
    _, first, _ = await get_json(http, "/api/v1/klines", params)
    _, again, _ = await get_json(http, "/api/v1/klines", params)
    assert first == again
    opens = [datetime.fromisoformat(candle["start"] + "+00:00").timestamp() for candle in first]
    assert opens == [float(t) for t in range(start - start % 3600 + 3600, start + 5 * 3600, 3600)]
    for candle in first:
        low, high = Decimal(candle["low"]), Decimal(candle["high"])
        assert low <= min(Decimal(candle["open"]), Decimal(candle["close"]))
        assert high >= max(Decimal(candle["open"]), Decimal(candle["close"]))


async def test_bad_query_parameters_get_a_plain_text_400(http: aiohttp.ClientSession) -> None:
    for params in (
        {"symbol": "SOL_USDC", "interval": "7m", "startTime": "0"},
        {"symbol": "SOL_USDC", "interval": "1m"},
    ):
        async with http.get("/api/v1/klines", params=params) as response:
            assert response.status == 400
            assert response.content_type == "text/plain"
    async with http.get("/api/v1/depth", params={"symbol": "SOL_USDC", "limit": "7"}) as response:
        assert (response.status, response.content_type) == (400, "text/plain")
    status, error, _ = await get_json(http, "/api/v1/depth", {"symbol": "NOPE_USDC"})
    assert (status, error["code"]) == (400, "INVALID_MARKET")


async def test_funding_rates_paginate_with_headers(http: aiohttp.ClientSession) -> None:
    params = {"symbol": "SOL_USDC_PERP", "limit": "10", "offset": "20"}
    _, rows, headers = await get_json(http, "/api/v1/fundingRates", params)
    assert len(rows) == 10
    total = int(headers["X-TOTAL"])
    assert total > 30
    assert headers["X-PAGE-SIZE"] == "10"
    assert headers["X-CURRENT-PAGE"] == "3"
    assert int(headers["X-PAGE-COUNT"]) == -(-total // 10)
    ends = [row["intervalEndTimestamp"] for row in rows]
    assert ends == sorted(ends, reverse=True)


# -- private endpoints ------------------------------------------------------------------------


async def test_order_lifecycle_through_rest(
    fx: FakeExchange, http: aiohttp.ClientSession, trader: Signer
) -> None:
    bid = {
        "symbol": "SOL_USDC",
        "side": "Bid",
        "orderType": "Limit",
        "price": "100.00",
        "quantity": "2.00",
        "clientId": 5,
    }
    status, placed, _ = await call(
        http, fx, trader, "POST", "/api/v1/order", "orderExecute", body=bid
    )
    assert (status, placed["status"]) == (200, "New")
    _, balances, _ = await call(http, fx, trader, "GET", "/api/v1/capital", "balanceQuery")
    assert Decimal(balances["USDC"]["locked"]) == Decimal("200")
    query = {"symbol": "SOL_USDC", "clientId": 5}
    status, found, _ = await call(
        http, fx, trader, "GET", "/api/v1/order", "orderQuery", query=query
    )
    assert (status, found["id"]) == (200, placed["id"])
    _, open_orders, _ = await call(http, fx, trader, "GET", "/api/v1/orders", "orderQueryAll")
    assert [o["id"] for o in open_orders] == [placed["id"]]
    cancel = {"symbol": "SOL_USDC", "orderId": placed["id"]}
    status, cancelled, _ = await call(
        http, fx, trader, "DELETE", "/api/v1/order", "orderCancel", body=cancel
    )
    assert (status, cancelled["status"]) == (200, "Cancelled")
    status, missing, _ = await call(
        http, fx, trader, "GET", "/api/v1/order", "orderQuery", query=query
    )
    assert (status, missing["code"]) == (404, "RESOURCE_NOT_FOUND")


async def test_order_query_needs_exactly_one_selector(
    fx: FakeExchange, http: aiohttp.ClientSession, trader: Signer
) -> None:
    status, error, _ = await call(
        http, fx, trader, "GET", "/api/v1/order", "orderQuery", query={"symbol": "SOL_USDC"}
    )
    assert (status, error["code"]) == (400, "INVALID_CLIENT_REQUEST")


async def test_batch_reports_each_order_as_ok_or_err(
    fx: FakeExchange, http: aiohttp.ClientSession, trader: Signer
) -> None:
    good = {
        "symbol": "SOL_USDC",
        "side": "Ask",
        "orderType": "Limit",
        "price": "170.00",
        "quantity": "1.00",
    }
    bad = {**good, "price": "170.001"}
    status, results, _ = await call(
        http, fx, trader, "POST", "/api/v1/orders", "orderExecute", body=[good, bad]
    )
    assert status == 200
    assert results[0]["operation"] == "Ok" and results[0]["status"] == "New"
    assert results[1] == {
        "operation": "Err",
        "code": "INVALID_PRICE",
        "message": "Price decimal too long",
    }


async def test_cancel_all_cancels_every_resting_order_on_the_symbol(
    fx: FakeExchange, http: aiohttp.ClientSession, trader: Signer
) -> None:
    orders = [
        {
            "symbol": "SOL_USDC",
            "side": "Bid",
            "orderType": "Limit",
            "price": price,
            "quantity": "1.00",
        }
        for price in ("90.00", "91.00")
    ]
    await call(http, fx, trader, "POST", "/api/v1/orders", "orderExecute", body=orders)
    status, cancelled, _ = await call(
        http, fx, trader, "DELETE", "/api/v1/orders", "orderCancelAll", body={"symbol": "SOL_USDC"}
    )
    assert status == 200
    assert sorted(o["price"] for o in cancelled) == ["90.00", "91.00"]
    assert fx.engine.open_orders(trader.api_key) == []


async def test_fill_and_order_history_paginate_with_headers(
    fx: FakeExchange, http: aiohttp.ClientSession, trader: Signer
) -> None:
    for _ in range(3):
        sell = {"symbol": "SOL_USDC", "side": "Ask", "orderType": "Market", "quantity": "1.00"}
        await call(http, fx, trader, "POST", "/api/v1/order", "orderExecute", body=sell)
    query = {"limit": 2, "offset": 0, "sortDirection": "Desc"}
    status, fills, headers = await call(
        http, fx, trader, "GET", "/wapi/v1/history/fills", "fillHistoryQueryAll", query=query
    )
    total = len(fx.engine.fills(trader.api_key))
    assert status == 200
    assert fills == fx.engine.fills(trader.api_key)[:2]
    assert (headers["X-TOTAL"], headers["X-PAGE-SIZE"]) == (str(total), "2")
    assert headers["X-PAGE-COUNT"] == str(-(-total // 2))
    query = {"limit": 2, "offset": 2, "sortDirection": "Asc", "symbol": "SOL_USDC"}
    status, orders, headers = await call(
        http, fx, trader, "GET", "/wapi/v1/history/orders", "orderHistoryQueryAll", query=query
    )
    assert status == 200
    assert orders == fx.engine.order_history(trader.api_key)[::-1][2:4]
    assert headers["X-CURRENT-PAGE"] == "2"


async def test_account_collateral_and_positions_have_documented_shapes(
    fx: FakeExchange, http: aiohttp.ClientSession, trader: Signer
) -> None:
    _, summary, _ = await call(http, fx, trader, "GET", "/api/v1/account", "accountQuery")
    assert has_fields(
        summary,
        "autoBorrowSettlements",
        "autoLend",
        "autoRealizePnl",
        "autoRepayBorrows",
        "borrowLimit",
        "futuresMakerFee",
        "futuresTakerFee",
        "leverageLimit",
        "limitOrders",
        "liquidating",
        "positionLimit",
        "spotMakerFee",
        "spotTakerFee",
        "triggerOrders",
    )
    assert Decimal(summary["spotTakerFee"]) == fx.engine.taker_fee * 10_000  # basis points
    _, margin, _ = await call(
        http, fx, trader, "GET", "/api/v1/capital/collateral", "collateralQuery"
    )
    assert has_fields(
        margin,
        "assetsValue",
        "borrowLiability",
        "collateral",
        "imf",
        "unsettledEquity",
        "liabilitiesValue",
        "mmf",
        "netEquity",
        "netEquityAvailable",
        "netEquityLocked",
        "netExposureFutures",
        "pnlUnrealized",
    )
    by_symbol = {row["symbol"]: row for row in margin["collateral"]}
    assert Decimal(by_symbol["USDC"]["totalQuantity"]) == Decimal(100_000)
    expected = 100_000 + 100 * fx.engine.last_price("SOL_USDC")
    assert Decimal(margin["assetsValue"]) == expected
    status, positions, _ = await call(http, fx, trader, "GET", "/api/v1/position", "positionQuery")
    assert (status, positions) == (200, [])


async def test_account_settings_update_is_reflected(
    fx: FakeExchange, http: aiohttp.ClientSession, trader: Signer
) -> None:
    status, body, _ = await call(
        http,
        fx,
        trader,
        "PATCH",
        "/api/v1/account",
        "accountUpdate",
        body={"autoLend": True, "leverageLimit": "5"},
    )
    assert (status, body) == (200, None)
    _, summary, _ = await call(http, fx, trader, "GET", "/api/v1/account", "accountQuery")
    assert (summary["autoLend"], summary["leverageLimit"]) == (True, "5")


# -- command line -----------------------------------------------------------------------------


async def test_module_entry_point_prints_its_url_and_serves_until_terminated() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), *sys.path])}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bpx_async.testing",
        "--port",
        "0",
        "--no-liquidity",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=REPO_ROOT,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().strip()
        prefix = "FakeExchange listening on "
        assert first.startswith(prefix), first
        url = first[len(prefix) :]
        assert url.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as session, session.get(f"{url}/api/v1/ping") as r:
            assert await r.text() == "pong"
    finally:
        if process.returncode is None:
            process.terminate()
        stdout, _ = await process.communicate()
    assert process.returncode == 0
    assert b"secret" not in stdout.lower()  # no key material unless --account is given
