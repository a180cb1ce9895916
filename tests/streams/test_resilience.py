"""Reconnects: killed sockets, server Close, silent stalls, missing pongs, refused connections,
and cancellation while backing off. Every test checks the exchange's side too."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from stream_support import hard_timeout, items_until, market, next_item, until

from bpx_async import AsyncClient
from bpx_async.streams import StreamConnectError, StreamReset, Trade
from bpx_async.testing import FakeExchange


class _Ceiling(random.Random):
    """A jitter source that always picks the top of the range (so delays are predictable)."""

    def uniform(self, a: float, b: float) -> float:
        return b


def _is_reset(item: object) -> bool:
    return isinstance(item, StreamReset)


@pytest.mark.parametrize("close_code", [None, 1001], ids=["abort", "close-1001"])
@hard_timeout(20)
async def test_killed_socket_reconnects_resubscribes_everything_and_reports_a_reset(
    fx: FakeExchange, trader: AsyncClient, close_code: int | None
) -> None:
    wanted = {"trade.SOL_USDC", "depth.BTC_USDC", "account.orderUpdate"}
    async with trader.stream(sorted(wanted)) as stream:
        await until(lambda: fx.ws.subscriptions() >= wanted)
        started = asyncio.get_running_loop().time()
        assert await fx.ws.kill(close_code) == 1
        items = await items_until(stream, _is_reset)
        elapsed = asyncio.get_running_loop().time() - started
        reset = items[-1]
        assert isinstance(reset, StreamReset)
        assert reset.streams == frozenset(wanted)
        assert 0 <= reset.downtime <= elapsed
        # within the backoff bound (cap 0.2 s) plus the time to connect on loopback
        assert elapsed < 0.2 + 2.0
        # subscriptions are acknowledged by silence: wait until the server has read them
        await until(lambda: fx.ws.subscriptions() >= wanted)
        second = {m.connection for m in fx.ws.received if m.method == "SUBSCRIBE"}
        assert len(second) == 2  # the new socket subscribed again
        await market(trader, "SOL_USDC", "Bid", "1")
        trade = await next_item(stream)
        while not isinstance(trade, Trade):
            trade = await next_item(stream)
        assert trade.stream == "trade.SOL_USDC"
    assert trader.streams.stats.disconnects == 1


@hard_timeout(20)
async def test_server_close_after_a_stable_connection_reconnects_at_once(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    trader.streams.configure(backoff_base=5.0, backoff_cap=5.0, stable_after=0.2)
    async with trader.stream(["trade.SOL_USDC"]) as stream:
        await asyncio.sleep(0.3)
        await fx.disconnect_websockets(code=1001)  # the exchange's shutdown notice
        items = await items_until(stream, _is_reset, timeout=2.0)  # far below the 5 s backoff
        assert "code 1001" in items[-1].reason  # type: ignore[union-attr]
        assert trader.streams.stats.delays[-1] == 0.0


@hard_timeout(20)
async def test_a_server_that_accepts_then_closes_at_once_is_backed_off(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    trader.streams.configure(backoff_base=0.05, backoff_cap=1.0, stable_after=10.0)
    trader.streams.random = _Ceiling()
    async with trader.stream(["trade.SOL_USDC"]) as stream:
        for _ in range(3):
            await fx.disconnect_websockets(code=1001)
            await items_until(stream, _is_reset)
        delays = list(trader.streams.stats.delays)
    assert delays == [0.1, 0.2, 0.4]  # never 0: the attempt counter was not reset


@hard_timeout(20)
async def test_silent_stall_is_detected_by_the_data_watchdog(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    # The fake pushes the hidden ticker canary every 50 ms; the watchdog allows 500 ms.
    trader.streams.configure(silence_timeout=0.5, canary=True)
    async with trader.stream(["trade.SOL_USDC"]) as stream:
        await until(lambda: "ticker.SOL_USDC" in fx.ws.subscriptions())  # the canary
        await asyncio.sleep(0.8)
        assert trader.streams.stats.disconnects == 0  # quiet trades, but the canary flows
        fx.ws.stall()
        started = asyncio.get_running_loop().time()
        items = await items_until(stream, _is_reset)
        fx.ws.resume()
        assert "no data for 0.5s" in items[-1].reason  # type: ignore[union-attr]
        assert asyncio.get_running_loop().time() - started < 0.5 + 1.5
        # the canary never reaches the consumer
        assert not any(getattr(item, "stream", "").startswith("ticker.") for item in items)


@hard_timeout(20)
async def test_missing_pongs_reconnect(fx: FakeExchange, trader: AsyncClient) -> None:
    trader.streams.configure(ping_interval=0.1, pong_timeout=0.4)
    async with trader.stream(["trade.SOL_USDC"]) as stream:
        await asyncio.sleep(0.5)
        assert trader.streams.stats.disconnects == 0  # pongs answered: all is well
        fx.ws.answer_pings = False
        items = await items_until(stream, _is_reset)
        fx.ws.answer_pings = True
        assert "no pong within 0.4s" in items[-1].reason  # type: ignore[union-attr]


@hard_timeout(20)
async def test_the_client_answers_the_exchanges_pings(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.stream(["trade.SOL_USDC"]):
        assert fx.ws.last_pongs() == [None]
        await fx.ws.ping_all()
        await until(lambda: fx.ws.last_pongs() != [None])


@hard_timeout(20)
async def test_refused_connections_back_off_with_growing_jittered_capped_delays(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    trader.streams.configure(backoff_base=0.01, backoff_cap=0.1)
    async with trader.stream(["trade.SOL_USDC"]) as stream:
        fx.ws.refuse(5)
        attempts = fx.ws.connection_attempts
        await fx.ws.kill()
        await items_until(stream, _is_reset)
        assert fx.ws.connection_attempts - attempts == 6  # 5 refused, then accepted
        stats = trader.streams.stats
        assert stats.failed_connects == 5
        delays = list(stats.delays)
    assert len(delays) == 6
    ceilings = [min(0.1, 0.01 * 2**attempt) for attempt in range(1, 7)]
    assert all(0 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len(set(delays)) == 6  # jittered: no two equal

    deterministic = trader.streams
    deterministic.random = _Ceiling()
    assert [deterministic.backoff(n) for n in range(1, 7)] == ceilings  # grows, then capped


@hard_timeout(20)
async def test_opening_fails_with_a_typed_error_when_no_connection_comes(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    trader.streams.configure(open_timeout=0.3)
    fx.ws.refuse(None)
    with pytest.raises(StreamConnectError, match=r"within 0\.3s"):
        async with trader.stream(["trade.SOL_USDC"]):
            pass  # pragma: no cover
    assert not trader.streams.connected


@hard_timeout(20)
async def test_cancelling_during_backoff_leaves_nothing_behind(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    trader.streams.configure(backoff_base=1.0, backoff_cap=1.0)
    entered = asyncio.Event()

    async def consume() -> None:
        async with trader.stream(["trade.SOL_USDC"]) as stream:
            entered.set()
            async for _ in stream:
                pass

    task = asyncio.create_task(consume())
    await asyncio.wait_for(entered.wait(), 5)
    fx.ws.refuse(None)
    await fx.ws.kill()
    await until(lambda: trader.streams.stats.failed_connects >= 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not trader.streams.connected


@hard_timeout(20)
async def test_exchange_shutdown_mid_stream_then_client_close_is_clean(
    trader: AsyncClient,
) -> None:
    exchange = FakeExchange()
    await exchange.start()
    try:
        async with AsyncClient(base_url=exchange.base_url, ws_url=exchange.ws_url) as client:
            client.streams.configure(backoff_base=0.02, backoff_cap=0.1, open_timeout=3)
            async with client.stream(["trade.SOL_USDC"]):
                await exchange.stop()  # Close 1001 to every socket, then nothing listens
                await until(lambda: client.streams.stats.failed_connects >= 2)
    finally:
        await exchange.stop()


@hard_timeout(20)
async def test_closing_ends_a_reconnect_loop_whose_cancellation_was_lost(
    fx: FakeExchange, trader: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # asyncio.wait_for before Python 3.12 can swallow a cancellation that races its result; the
    # reconnect loop then runs on. Simulate exactly that: the first cancel in a backoff is lost.
    trader.streams.configure(backoff_base=0.2, backoff_cap=0.2)
    real_pause = type(trader.streams)._pause
    pausing = asyncio.Event()
    swallowed: list[str] = []

    async def pause_losing_one_cancel(self: Any, attempt: int, why: str) -> None:
        pausing.set()
        try:
            await real_pause(self, attempt, why)
        except asyncio.CancelledError:
            if swallowed:
                raise
            swallowed.append(why)
            task = asyncio.current_task()
            if task is not None and hasattr(task, "uncancel"):
                task.uncancel()  # forget it, as a swallowed cancellation is forgotten
        finally:
            pausing.clear()

    monkeypatch.setattr(type(trader.streams), "_pause", pause_losing_one_cancel)
    async with trader.stream(["trade.SOL_USDC"]):
        fx.ws.refuse(None)
        await fx.ws.kill()
        await asyncio.wait_for(pausing.wait(), 5)
        await trader.aclose()  # cancels the loop while it sleeps: that cancel is lost
    assert swallowed
    assert not trader.streams.connected
