"""``client.stream``: typed events, shared subscriptions, signed private streams, error frames,
overflow policies and cancellation, against the FakeExchange's WebSocket."""

from __future__ import annotations

import asyncio
import base64
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from stream_support import hard_timeout, items_until, limit, market, next_item, until

from bpx_async import AsyncClient, CredentialsError
from bpx_async.streams import (
    BalanceUpdate,
    BookTicker,
    DepthUpdate,
    EventsDropped,
    InvalidStreamError,
    Kline,
    MarkPrice,
    OrderUpdate,
    StreamAuthError,
    StreamClosedError,
    StreamErrorEvent,
    StreamOverflowError,
    Ticker,
    Trade,
)
from bpx_async.testing import FakeExchange, ReceivedMessage


@hard_timeout(15)
async def test_three_public_streams_shared_by_two_consumers(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    streams = ["trade.SOL_USDC", "depth.SOL_USDC", "bookTicker.SOL_USDC"]
    async with trader.stream(streams) as first, trader.stream(["trade.SOL_USDC"]) as second:
        await market(trader, "SOL_USDC", "Bid", "1")
        by_type: dict[type, object] = {}
        while len(by_type) < 3:
            item = await next_item(first)
            by_type[type(item)] = item
        trade = by_type[Trade]
        assert isinstance(trade, Trade)
        assert (trade.stream, trade.quantity) == ("trade.SOL_USDC", Decimal("1.00"))
        assert isinstance(by_type[DepthUpdate], DepthUpdate)
        assert isinstance(by_type[BookTicker], BookTicker)
        assert isinstance(await next_item(second), Trade)

        await first.unsubscribe("trade.SOL_USDC")
        # the second consumer still wants trades: the socket keeps the subscription
        assert fx.ws.subscribers("trade.SOL_USDC") == 1
        assert "trade.SOL_USDC" not in first.streams

        await second.unsubscribe("trade.SOL_USDC")
        await until(lambda: fx.ws.subscribers("trade.SOL_USDC") == 0)
        unsubscribes = [m for m in fx.ws.received if m.method == "UNSUBSCRIBE"]
        assert [m.params for m in unsubscribes] == [("trade.SOL_USDC",)]
        # one socket for both consumers
        assert fx.websocket_count == 1
    await until(lambda: fx.websocket_count == 0)


@hard_timeout(15)
async def test_second_consumer_keeps_receiving_until_it_leaves(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(["trade.SOL_USDC"]) as keeper:
        async with trader.stream(["trade.SOL_USDC"]) as leaver:
            await market(trader, "SOL_USDC", "Ask", "1")
            assert isinstance(await next_item(leaver), Trade)
        assert fx.ws.subscribers("trade.SOL_USDC") == 1
        await market(trader, "SOL_USDC", "Ask", "2")
        first, second = await next_item(keeper), await next_item(keeper)
        assert [getattr(first, "quantity", None), getattr(second, "quantity", None)] == [
            Decimal("1.00"),
            Decimal("2.00"),
        ]


@hard_timeout(15)
async def test_private_subscribe_is_signed_and_the_reconnect_signs_again(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(["account.orderUpdate"]) as stream:
        placed = await limit(trader, "SOL_USDC", "Bid", "140.00", "1")
        update = await next_item(stream)
        assert isinstance(update, OrderUpdate)
        assert (update.event_type, update.order_id) == ("orderAccepted", placed.id)

        first = [m for m in fx.ws.received if m.params == ("account.orderUpdate",)]
        assert len(first) == 1 and first[0].signed_at is not None
        await asyncio.sleep(0.01)  # so that the next timestamp (ms) is certainly newer
        await fx.ws.kill()
        items = await items_until(stream, lambda item: type(item).__name__ == "StreamReset")
        assert items[-1].streams == frozenset({"account.orderUpdate"})  # type: ignore[union-attr]

        def signed_subscribes() -> list[ReceivedMessage]:
            return [m for m in fx.ws.received if m.params == ("account.orderUpdate",)]

        await until(lambda: len(signed_subscribes()) == 2)  # the server has read it
        signed = signed_subscribes()
        assert signed[1].signed_at is not None and signed[1].signed_at > first[0].signed_at
        # and the new subscription works
        await trader.orders.cancel("SOL_USDC", order_id=placed.id)
        cancelled = await next_item(stream)
        assert isinstance(cancelled, OrderUpdate) and cancelled.event_type == "orderCancelled"


@hard_timeout(15)
async def test_invalid_stream_raises_from_subscribe_and_nothing_is_left_subscribed(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(["trade.SOL_USDC"]) as stream:
        with pytest.raises(InvalidStreamError) as refused:
            await stream.subscribe("trade.NOT_LISTED")
        assert refused.value.code == 4006
        assert refused.value.streams == ("trade.NOT_LISTED",)
        assert stream.streams == frozenset({"trade.SOL_USDC"})
        with pytest.raises(InvalidStreamError):
            await stream.subscribe("tradez.SOL_USDC")  # refused locally, never sent
        assert all("tradez.SOL_USDC" not in m.params for m in fx.ws.received)
        # the stream still works
        await market(trader, "SOL_USDC", "Bid", "1")
        assert isinstance(await next_item(stream), Trade)


@hard_timeout(15)
async def test_bad_key_fails_the_private_subscribe_with_an_auth_error(fx: FakeExchange) -> None:
    # a key the exchange has never seen
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    stranger = base64.b64encode(seed).decode()
    async with AsyncClient(api_secret=stranger, base_url=fx.base_url, ws_url=fx.ws_url) as client:
        client.streams.configure(subscribe_grace=0.3)
        with pytest.raises(StreamAuthError) as refused:
            async with client.stream(["account.orderUpdate"]):
                pass  # pragma: no cover - entering fails
        assert refused.value.code in (4001, 4003)


@hard_timeout(15)
async def test_private_stream_without_keys_is_refused_before_anything_is_sent(
    fx: FakeExchange,
) -> None:
    async with AsyncClient(base_url=fx.base_url, ws_url=fx.ws_url) as client:
        with pytest.raises(CredentialsError):
            client.stream(["account.orderUpdate"])
        async with client.stream(["trade.SOL_USDC"]) as stream:
            with pytest.raises(CredentialsError):
                await stream.subscribe("account.balanceUpdate")
    assert [m.params for m in fx.ws.received] == [("ticker.SOL_USDC", "trade.SOL_USDC")]


@hard_timeout(15)
async def test_unsolicited_error_frame_arrives_as_an_error_event(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(["trade.SOL_USDC"]) as stream:
        await until(lambda: fx.ws.send_error(4000, "Something went wrong") == 1)
        assert await next_item(stream) == StreamErrorEvent(4000, "Something went wrong")


@hard_timeout(15)
async def test_error_policy_raises_for_the_slow_consumer_only(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(["trade.SOL_USDC"], maxsize=5) as slow, trader.stream(
        ["trade.SOL_USDC"], maxsize=100
    ) as fast:
        for _ in range(8):
            fx.ws.inject("trade.SOL_USDC", {"e": "trade", "s": "SOL_USDC", "p": "1", "q": "1"})
        await until(lambda: fast.pending() == 8)
        assert slow.pending() == 0  # the lost events are not kept: memory stays bounded
        with pytest.raises(StreamOverflowError):
            await next_item(slow)
        with pytest.raises(StreamOverflowError):  # and it stays failed
            await next_item(slow)
        received = [await next_item(fast) for _ in range(8)]
        assert all(isinstance(item, Trade) for item in received)


@hard_timeout(15)
async def test_latest_policy_keeps_only_the_newest_event_per_stream(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(
        ["ticker.SOL_USDC", "ticker.BTC_USDC"], overflow="latest", maxsize=1
    ) as stream:
        fx.ws.stall()  # no ticker pushes of the fake's own while we inject
        await asyncio.sleep(0.1)
        while stream.pending():
            await next_item(stream)
        for n in range(50):
            fx.ws.inject("ticker.SOL_USDC", {"e": "ticker", "s": "SOL_USDC", "c": str(n)})
        fx.ws.inject("ticker.BTC_USDC", {"e": "ticker", "s": "BTC_USDC", "c": "7"})
        await until(lambda: stream.pending() == 2 and _last_is(stream, "49"))
        first, second = await next_item(stream), await next_item(stream)
        assert isinstance(first, Ticker) and isinstance(second, Ticker)
        assert {(first.symbol, first.last_price), (second.symbol, second.last_price)} == {
            ("SOL_USDC", Decimal(49)),
            ("BTC_USDC", Decimal(7)),
        }


def _last_is(stream: object, price: str) -> bool:
    latest = getattr(stream, "_latest", {})
    event = latest.get("ticker.SOL_USDC")
    return isinstance(event, Ticker) and event.last_price == Decimal(price)


@hard_timeout(15)
async def test_drop_oldest_marks_how_many_were_dropped(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(["trade.SOL_USDC"], overflow="drop_oldest", maxsize=3) as stream:
        for n in range(10):
            fx.ws.inject("trade.SOL_USDC", {"e": "trade", "s": "SOL_USDC", "t": n})
        await until(lambda: stream.pending() == 3 and stream._dropped == 7)
        marker = await next_item(stream)
        assert marker == EventsDropped(7)
        kept = [await next_item(stream) for _ in range(3)]
        assert [getattr(item, "trade_id", None) for item in kept] == [7, 8, 9]


def test_account_streams_refuse_lossy_overflow_policies(trader: AsyncClient) -> None:
    with pytest.raises(ValueError, match="overflow='error'"):
        trader.stream(["account.orderUpdate"], overflow="drop_oldest")


@hard_timeout(15)
async def test_cancelling_the_consumer_mid_iteration_closes_everything(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    started = asyncio.Event()

    async def consume() -> None:
        async with trader.stream(["trade.SOL_USDC", "depth.SOL_USDC"]) as stream:
            started.set()
            async for _ in stream:
                pass

    task = asyncio.create_task(consume())
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await until(lambda: fx.websocket_count == 0)
    assert not trader.streams.connected


@hard_timeout(15)
async def test_a_closed_stream_refuses_to_subscribe_and_stops_iterating(
    trader: AsyncClient,
) -> None:
    stream = trader.stream(["trade.SOL_USDC"])
    async with stream:
        pass
    with pytest.raises(StreamClosedError):
        await stream.subscribe("trade.BTC_USDC")
    assert [item async for item in stream] == []
    with pytest.raises(StreamClosedError, match="async with"):
        await trader.stream(["trade.SOL_USDC"]).__anext__()  # never entered


@hard_timeout(15)
async def test_closing_the_client_ends_iteration_and_closes_the_socket(
    fx: FakeExchange,
) -> None:
    client = AsyncClient(base_url=fx.base_url, ws_url=fx.ws_url)
    async with client.stream(["trade.SOL_USDC"]) as stream:
        reader = asyncio.create_task(_drain(stream))
        await asyncio.sleep(0.05)
        await client.aclose()
        assert await asyncio.wait_for(reader, 5) == 0
    await until(lambda: fx.websocket_count == 0)
    with pytest.raises(StreamClosedError):
        client.streams.attach(stream)


async def _drain(stream: object) -> int:
    count = 0
    async for _ in stream:  # type: ignore[attr-defined]
        count += 1
    return count


@hard_timeout(15)
async def test_private_subscribe_sends_exactly_the_documented_signed_message() -> None:
    """Vector V5 of the exchange's signing rules, checked on the wire of a bare server."""
    from aiohttp import web
    from support import SECRET, TIMESTAMP, serving

    received: list[str] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            received.append(message.data)
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    async with serving(app) as url:
        ws_url = url.replace("http://", "ws://", 1) + "/ws"
        async with AsyncClient(api_secret=SECRET, ws_url=ws_url, clock=lambda: TIMESTAMP) as client:
            client.streams.configure(subscribe_grace=0.05)
            async with client.stream(["account.orderUpdate"]):
                pass
    assert received == [
        '{"method":"SUBSCRIBE","params":["account.orderUpdate"],"signature":['
        '"5+yQgwU0ZdJ/9s+GXfuPFfo7yQQpl9CgvQedJXne30o=",'
        '"+SIPaXswE0k1D2zIQvObFxsbH99T3Q48hiJBGzf0F73zxItCgf77BkFUpy6kByKSANdqYNh71LyZ544sdHFqDg==",'
        '"1700000000000","5000"]}'
    ]


@hard_timeout(15)
async def test_injected_mark_price_and_klines_built_from_trades_arrive_typed(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(["markPrice.SOL_USDC_PERP", "kline.1m.SOL_USDC"]) as stream:
        fx.ws.inject(
            "markPrice.SOL_USDC_PERP",
            {"e": "markPrice", "E": 1, "s": "SOL_USDC_PERP", "p": "150.5", "f": "0.0001",
             "i": "150.4", "n": 1700000000000, "T": 2},
        )
        mark = await next_item(stream)
        assert isinstance(mark, MarkPrice) and mark.mark_price == Decimal("150.5")
        await market(trader, "SOL_USDC", "Ask", "3")
        kline = await next_item(stream)
        assert isinstance(kline, Kline)
        assert (kline.interval, kline.volume, kline.trades, kline.closed) == (
            "1m", Decimal(3), 1, False
        )
        assert kline.start is not None and kline.start.second == 0


@hard_timeout(15)
async def test_a_stream_opened_right_after_another_closed_gets_a_working_socket(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    for _ in range(3):
        async with trader.stream(["trade.SOL_USDC"]) as stream:
            await market(trader, "SOL_USDC", "Bid", "1")
            assert isinstance(await next_item(stream), Trade)
    await until(lambda: fx.websocket_count == 0)
    assert trader.streams.stats.connects == 3


@hard_timeout(15)
async def test_balance_updates_arrive_typed_with_absolute_decimals(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(["account.balanceUpdate"]) as stream:
        await limit(trader, "SOL_USDC", "Ask", "160.00", "3")
        update = await next_item(stream)
        assert isinstance(update, BalanceUpdate)
        held = fx.engine.balances(trader.api_key or "")["SOL"]
        assert (update.asset, update.available, update.locked) == (
            "SOL", held["available"], held["locked"]
        )
        assert update.locked == Decimal(3)
