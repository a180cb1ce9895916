"""FakeExchange WebSocket: public streams fed by the engine, signed private order updates."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import aiohttp
from yarl import URL

from bpx_async.signing import Signer
from bpx_async.testing import FakeExchange

# Safety net so a broken server fails the test instead of hanging it; never asserted on.
RECEIVE_TIMEOUT = 5.0


def _ws_path(fx: FakeExchange) -> str:
    """The fake's WebSocket path, relative to the ``http`` fixture's base URL (aiohttp before
    3.12 refuses an absolute URL on a session that has one)."""
    return URL(fx.ws_url).path


async def receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    frame: dict[str, Any] = await ws.receive_json(timeout=RECEIVE_TIMEOUT)
    return frame


async def subscribe(
    ws: aiohttp.ClientWebSocketResponse, streams: list[str], signature: list[str] | None = None
) -> None:
    """Subscribe, then wait until the server has certainly processed it.

    Subscriptions are not acknowledged, so a deliberately invalid stream is sent after them:
    its error frame proves the earlier message was handled.
    """
    message: dict[str, Any] = {"method": "SUBSCRIBE", "params": streams}
    if signature is not None:
        message["signature"] = signature
    await ws.send_json(message)
    await ws.send_json({"method": "SUBSCRIBE", "params": ["barrier.NOT_A_STREAM"]})
    while True:
        frame = await receive(ws)
        if frame.get("error", {}).get("code") == 4006:
            return


async def place(
    http: aiohttp.ClientSession, fx: FakeExchange, signer: Signer, order: dict[str, Any]
) -> dict[str, Any]:
    headers = signer.sign("orderExecute", order, timestamp=fx.now_ms(), window=5000)
    async with http.post("/api/v1/order", json=order, headers=headers) as response:
        assert response.status == 200, await response.text()
        placed: dict[str, Any] = await response.json()
        return placed


def account(fx: FakeExchange) -> Signer:
    _, secret = fx.add_account({"USDC": "100000", "SOL": "1000"})
    return Signer.from_secret(secret)


async def test_depth_stream_delivers_contiguous_updates_that_continue_the_rest_snapshot(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    trader = account(fx)
    async with http.ws_connect(_ws_path(fx)) as ws:
        await subscribe(ws, ["depth.SOL_USDC"])
        async with http.get("/api/v1/depth", params={"symbol": "SOL_USDC"}) as response:
            snapshot = await response.json()
        book = {
            side: {Decimal(p): Decimal(q) for p, q in snapshot[side]} for side in ("asks", "bids")
        }
        orders = [
            {
                "symbol": "SOL_USDC",
                "side": "Bid",
                "orderType": "Limit",
                "price": "145.00",
                "quantity": "2.00",
            },
            {
                "symbol": "SOL_USDC",
                "side": "Ask",
                "orderType": "Limit",
                "price": "155.00",
                "quantity": "3.00",
            },
            {"symbol": "SOL_USDC", "side": "Bid", "orderType": "Market", "quantity": "7.00"},
        ]
        for order in orders:
            await place(http, fx, trader, order)
        last_id = int(snapshot["lastUpdateId"])
        final = fx.engine.depth("SOL_USDC")
        while last_id < int(final["lastUpdateId"]):
            frame = await receive(ws)
            assert frame["stream"] == "depth.SOL_USDC"
            data = frame["data"]
            assert data["e"] == "depth"
            assert data["U"] == last_id + 1
            assert data["u"] >= data["U"]
            last_id = data["u"]
            for side, key in (("asks", "a"), ("bids", "b")):
                for price, quantity in data[key]:
                    if Decimal(quantity) == 0:
                        book[side].pop(Decimal(price), None)
                    else:
                        book[side][Decimal(price)] = Decimal(quantity)
    expected = {side: {Decimal(p): Decimal(q) for p, q in final[side]} for side in ("asks", "bids")}
    assert book == expected


async def test_trade_and_book_ticker_streams_report_a_taker_fill(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    trader = account(fx)
    async with http.ws_connect(_ws_path(fx)) as ws:
        await subscribe(ws, ["trade.SOL_USDC", "bookTicker.SOL_USDC"])
        order = {"symbol": "SOL_USDC", "side": "Ask", "orderType": "Market", "quantity": "1.00"}
        placed = await place(http, fx, trader, order)
        frames: dict[str, dict[str, Any]] = {}
        while len(frames) < 2:
            frame = await receive(ws)
            frames[frame["stream"]] = frame["data"]
    trade = frames["trade.SOL_USDC"]
    assert (trade["e"], trade["a"], trade["q"]) == ("trade", placed["id"], "1.00")
    best_bid, _ = fx.engine.best_bid_ask("SOL_USDC")
    assert best_bid is not None
    assert Decimal(frames["bookTicker.SOL_USDC"]["b"]) == best_bid[0]


async def test_signed_order_update_subscription_receives_only_its_own_account(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    mine, other = account(fx), account(fx)
    order = {
        "symbol": "SOL_USDC",
        "side": "Bid",
        "orderType": "Limit",
        "price": "140.00",
        "quantity": "1.00",
        "clientId": 99,
    }
    async with http.ws_connect(_ws_path(fx)) as ws:
        signature = mine.ws_signature(timestamp=fx.now_ms(), window=5000)
        await subscribe(ws, ["account.orderUpdate"], signature)
        await place(http, fx, other, order)
        placed = await place(http, fx, mine, order)
        frame = await receive(ws)
    assert frame["stream"] == "account.orderUpdate"
    assert frame["data"]["e"] == "orderAccepted"
    assert (frame["data"]["i"], frame["data"]["c"]) == (placed["id"], 99)


async def test_symbol_scoped_order_updates_skip_other_markets(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    trader = account(fx)
    async with http.ws_connect(_ws_path(fx)) as ws:
        signature = trader.ws_signature(timestamp=fx.now_ms(), window=5000)
        await subscribe(ws, ["account.orderUpdate.SOL_USDC"], signature)
        await place(
            http,
            fx,
            trader,
            {
                "symbol": "SOL_USDC",
                "side": "Ask",
                "orderType": "Limit",
                "price": "160.00",
                "quantity": "1.00",
            },
        )
        await place(
            http,
            fx,
            trader,
            {
                "symbol": "BTC_USDC",
                "side": "Bid",
                "orderType": "Limit",
                "price": "1000.0",
                "quantity": "0.01000",
            },
        )
        await place(
            http,
            fx,
            trader,
            {
                "symbol": "SOL_USDC",
                "side": "Ask",
                "orderType": "Limit",
                "price": "161.00",
                "quantity": "1.00",
            },
        )
        symbols = [(await receive(ws))["data"]["s"] for _ in range(2)]
    assert symbols == ["SOL_USDC", "SOL_USDC"]


async def test_private_subscription_with_a_bad_signature_gets_an_error_and_no_updates(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    trader = account(fx)
    timestamp = fx.now_ms()
    forged = [
        trader.api_key,
        account(fx).ws_signature(timestamp=timestamp, window=5000)[1],
        str(timestamp),
        "5000",
    ]
    async with http.ws_connect(_ws_path(fx)) as ws:
        await ws.send_json(
            {"method": "SUBSCRIBE", "params": ["account.orderUpdate"], "signature": forged}
        )
        error = await receive(ws)
        assert error["id"] is None
        assert error["error"]["message"] == "Invalid signature"
        await place(
            http,
            fx,
            trader,
            {
                "symbol": "SOL_USDC",
                "side": "Bid",
                "orderType": "Limit",
                "price": "140.00",
                "quantity": "1.00",
            },
        )
        # Only the barrier's error may follow: no order update leaked through.
        await ws.send_json({"method": "SUBSCRIBE", "params": ["nope"]})
        assert (await receive(ws))["error"]["code"] == 4006


async def test_private_subscription_without_signature_is_refused(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(_ws_path(fx)) as ws:
        await ws.send_json({"method": "SUBSCRIBE", "params": ["account.orderUpdate"]})
        error = await receive(ws)
    assert error["id"] is None
    assert "signature" in error["error"]["message"]


async def test_invalid_stream_gets_the_backpack_error_frame(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(_ws_path(fx)) as ws:
        await ws.send_json({"method": "SUBSCRIBE", "params": ["depth.NOT_LISTED"]})
        frame = await receive(ws)
    assert frame == {"id": None, "error": {"code": 4006, "message": "Invalid stream"}}


async def test_unsubscribe_stops_a_stream(fx: FakeExchange, http: aiohttp.ClientSession) -> None:
    trader = account(fx)
    async with http.ws_connect(_ws_path(fx)) as ws:
        await subscribe(ws, ["trade.SOL_USDC", "trade.BTC_USDC"])
        await ws.send_json({"method": "UNSUBSCRIBE", "params": ["trade.SOL_USDC"]})
        await subscribe(ws, [])
        await place(
            http,
            fx,
            trader,
            {"symbol": "SOL_USDC", "side": "Ask", "orderType": "Market", "quantity": "1.00"},
        )
        await place(
            http,
            fx,
            trader,
            {"symbol": "BTC_USDC", "side": "Bid", "orderType": "Market", "quantity": "0.00100"},
        )
        frame = await receive(ws)
    assert frame["stream"] == "trade.BTC_USDC"


async def test_stop_closes_open_websockets() -> None:
    exchange = FakeExchange(seed_liquidity=False)
    await exchange.start()
    # A session of its own, without a base URL: this exchange is not the fixture's.
    async with aiohttp.ClientSession() as http:
        try:
            ws = await http.ws_connect(exchange.ws_url)
            await subscribe(ws, ["depth.SOL_USDC"])
            assert exchange.websocket_count == 1
        finally:
            await exchange.stop()
        message = await ws.receive(timeout=RECEIVE_TIMEOUT)
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        await ws.close()
        assert ws.closed


async def test_disconnect_websockets_sends_the_requested_close_code(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(_ws_path(fx)) as ws:
        await subscribe(ws, [])
        assert await fx.disconnect_websockets(code=1012) == 1
        message = await ws.receive(timeout=RECEIVE_TIMEOUT)
        assert message.type == aiohttp.WSMsgType.CLOSE
        assert message.data == 1012


# --- the hub's streams and fault hooks (fx.ws) ------------------------------------------------


async def test_aggregated_depth_variant_merges_a_period_into_one_contiguous_message(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    trader = account(fx)
    fx.ws.depth_period_scale = 0.5  # 100 ms for depth.200ms
    async with http.ws_connect(_ws_path(fx)) as ws:
        await subscribe(ws, ["depth.200ms.SOL_USDC"])
        start = int(fx.engine.depth("SOL_USDC")["lastUpdateId"])
        for price in ("145.00", "146.00", "145.00"):
            order = {"symbol": "SOL_USDC", "side": "Bid", "orderType": "Limit", "price": price,
                     "quantity": "1.00"}
            await place(http, fx, trader, order)
        frame = await receive(ws)
    data = frame["data"]
    assert (frame["stream"], data["e"]) == ("depth.200ms.SOL_USDC", "depth")
    assert (data["U"], data["u"]) == (start + 1, start + 3)
    assert data["b"] == [["145.00", "2.00"], ["146.00", "1.00"]]


async def test_ticker_is_pushed_periodically_and_klines_are_built_from_trades(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    trader = account(fx)
    fx.ws.ticker_interval = 0.02
    async with http.ws_connect(_ws_path(fx)) as ws:
        await subscribe(ws, ["ticker.SOL_USDC", "kline.1m.SOL_USDC"])
        tickers = 0
        while tickers < 2:
            frame = await receive(ws)
            tickers += frame["stream"] == "ticker.SOL_USDC"
        assert frame["data"]["e"] == "ticker" and "T" not in frame["data"]
        await place(http, fx, trader, {"symbol": "SOL_USDC", "side": "Bid", "orderType": "Market",
                                       "quantity": "2.00"})
        while (frame := await receive(ws))["stream"] != "kline.1m.SOL_USDC":
            pass
    kline = frame["data"]
    assert (kline["e"], kline["X"], kline["n"], kline["v"]) == ("kline", False, 1, "2.00")
    assert kline["t"].endswith(":00") and "T" in kline and "Z" not in kline["t"]


async def test_private_kinds_route_to_the_account_and_its_symbol_streams(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    mine = account(fx)
    async with http.ws_connect(_ws_path(fx)) as ws:
        signature = mine.ws_signature(timestamp=fx.now_ms(), window=5000)
        await subscribe(ws, ["account.balanceUpdate", "account.positionUpdate.SOL_USDC_PERP"],
                        signature)
        fx.ws.publish("balanceUpdate", "someone-else", {"e": "balanceUpdate", "a": "USDC"})
        fx.ws.publish("balanceUpdate", mine.api_key, {"e": "balanceUpdate", "a": "SOL"})
        fx.ws.publish("positionUpdate", mine.api_key, {"e": "positionOpened",
                                                       "s": "SOL_USDC_PERP"})
        first, second = await receive(ws), await receive(ws)
    assert (first["stream"], first["data"]["a"]) == ("account.balanceUpdate", "SOL")
    assert second["stream"] == "account.positionUpdate.SOL_USDC_PERP"


async def test_position_subscription_starts_with_a_snapshot_without_e(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    mine = account(fx)
    fx.ws.position_snapshot = lambda key, symbol: (
        [{"e": "positionOpened", "s": "SOL_USDC_PERP", "q": "1"}] if key == mine.api_key else []
    )
    async with http.ws_connect(_ws_path(fx)) as ws:
        signature = mine.ws_signature(timestamp=fx.now_ms(), window=5000)
        await ws.send_json(
            {"method": "SUBSCRIBE", "params": ["account.positionUpdate"], "signature": signature}
        )
        frame = await receive(ws)
    assert frame == {"stream": "account.positionUpdate",
                     "data": {"s": "SOL_USDC_PERP", "q": "1"}}


async def test_refused_connections_get_http_503_then_connect(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    fx.ws.refuse(2)
    for _ in range(2):
        try:
            await http.ws_connect(_ws_path(fx))
        except aiohttp.WSServerHandshakeError as refused:
            assert refused.status == 503
        else:  # pragma: no cover
            raise AssertionError("the connection was not refused")
    async with http.ws_connect(_ws_path(fx)):
        assert fx.ws.connection_attempts == 3


async def test_kill_aborts_without_a_close_frame(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(_ws_path(fx)) as ws:
        await subscribe(ws, [])
        assert await fx.ws.kill() == 1
        message = await ws.receive(timeout=RECEIVE_TIMEOUT)
    assert message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)


async def test_stall_stops_data_but_pings_are_still_answered_unless_switched_off(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    trader = account(fx)
    async with http.ws_connect(_ws_path(fx), autoping=False) as ws:
        await subscribe(ws, ["trade.SOL_USDC"])
        fx.ws.stall()
        await place(http, fx, trader, {"symbol": "SOL_USDC", "side": "Bid", "orderType": "Market",
                                       "quantity": "1.00"})
        await ws.ping(b"1")
        assert (await ws.receive(timeout=RECEIVE_TIMEOUT)).type == aiohttp.WSMsgType.PONG
        fx.ws.answer_pings = False
        await ws.ping(b"2")
        fx.ws.resume()
        await place(http, fx, trader, {"symbol": "SOL_USDC", "side": "Bid", "orderType": "Market",
                                       "quantity": "2.00"})
        message = await ws.receive(timeout=RECEIVE_TIMEOUT)
    # no pong and no trade from the stalled time: the next frame is the 2.00 trade
    assert message.type == aiohttp.WSMsgType.TEXT
    assert json.loads(message.data)["data"]["q"] == "2.00"


async def test_the_hub_records_subscriptions_with_their_signed_timestamps(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    mine = account(fx)
    async with http.ws_connect(_ws_path(fx)) as ws:
        timestamp = fx.now_ms()
        await subscribe(ws, ["account.orderUpdate"], mine.ws_signature(timestamp=timestamp,
                                                                      window=5000))
        await ws.send_json({"method": "UNSUBSCRIBE", "params": ["account.orderUpdate"]})
        await subscribe(ws, [])
    methods = [(m.method, m.params, m.signed_at) for m in fx.ws.received][:3]
    assert methods == [
        ("SUBSCRIBE", ("account.orderUpdate",), timestamp),
        ("SUBSCRIBE", ("barrier.NOT_A_STREAM",), None),
        ("UNSUBSCRIBE", ("account.orderUpdate",), None),
    ]


async def test_bad_signature_error_frame_uses_code_4003(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    trader = account(fx)
    timestamp = fx.now_ms()
    forged = [trader.api_key, account(fx).ws_signature(timestamp=timestamp, window=5000)[1],
              str(timestamp), "5000"]
    async with http.ws_connect(_ws_path(fx)) as ws:
        await ws.send_json(
            {"method": "SUBSCRIBE", "params": ["account.orderUpdate"], "signature": forged}
        )
        error = await receive(ws)
    assert error["error"]["code"] == 4003


async def test_balance_updates_carry_absolute_balances_after_each_order_event(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    mine = account(fx)
    order = {"symbol": "SOL_USDC", "side": "Bid", "orderType": "Limit", "price": "140.00",
             "quantity": "2.00"}
    async with http.ws_connect(_ws_path(fx)) as ws:
        signature = mine.ws_signature(timestamp=fx.now_ms(), window=5000)
        await subscribe(ws, ["account.balanceUpdate"], signature)
        await place(http, fx, mine, order)
        locked = await receive(ws)
        headers = mine.sign("orderCancelAll", {"symbol": "SOL_USDC"}, timestamp=fx.now_ms(),
                            window=5000)
        async with http.delete("/api/v1/orders", json={"symbol": "SOL_USDC"},
                               headers=headers) as response:
            assert response.status == 200, await response.text()
        released = await receive(ws)
    assert locked["stream"] == "account.balanceUpdate"
    data = locked["data"]
    assert (data["e"], data["a"]) == ("balanceUpdate", "USDC")
    assert [Decimal(data[k]) for k in "ALS"] == [Decimal("99720"), Decimal("280"), 0]
    assert [Decimal(released["data"][k]) for k in "AL"] == [Decimal("100000"), 0]


async def test_liquidations_of_every_market_go_to_the_one_liquidation_stream(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(_ws_path(fx)) as ws:
        await subscribe(ws, ["liquidation"])
        fx.ws.publish("liquidation", "SOL_USDC_PERP", {"e": "liquidation", "s": "SOL_USDC_PERP"})
        frame = await receive(ws)
    assert frame == {"stream": "liquidation",
                     "data": {"e": "liquidation", "s": "SOL_USDC_PERP"}}
