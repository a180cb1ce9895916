"""Order books against the FakeExchange: sync, per-book gap resync, straddle, stale snapshot,
crossed book, depth variants on one socket, reconnects and cancellation."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from stream_support import hard_timeout, limit, market, next_item, until

from bpx_async import AsyncClient, BadRequestError, BookNotReadyError
from bpx_async.book import BookState, OrderBook
from bpx_async.testing import FakeExchange

#: Fast retries; books sync from deltas only, so that the counts below are exact.
FAST_SNAPSHOTS = {"snapshot_delay": 0.02, "snapshot_delay_cap": 0.05, "snapshot_when_idle": None}


def same_as_exchange(book: OrderBook, fx: FakeExchange) -> bool:
    """The local book holds exactly the exchange's levels (both sides)."""
    if not book.is_live:
        return False
    depth = fx.engine.depth(book.symbol)
    asks = [(Decimal(p), Decimal(q)) for p, q in depth["asks"]]
    bids = [(Decimal(p), Decimal(q)) for p, q in reversed(depth["bids"])]
    return list(book.asks()) == asks and list(book.bids()) == bids


def snapshot_requests(fx: FakeExchange, symbol: str) -> int:
    return sum(
        1 for r in fx.requests if r.path == "/api/v1/depth" and r.query.get("symbol") == symbol
    )


@hard_timeout(20)
async def test_book_syncs_on_the_first_delta_and_tracks_the_exchange(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.order_book("SOL_USDC", **FAST_SNAPSHOTS) as book:
        assert book.state is BookState.SYNCING
        await limit(trader, "SOL_USDC", "Bid", "149.00", "3")
        await book.wait_synced(timeout=5)
        version = book.version
        await market(trader, "SOL_USDC", "Bid", "12")  # sweeps several ask levels
        await book.wait_update(after=version, timeout=5)
        await until(lambda: same_as_exchange(book, fx))
        assert book.best_bid is not None and book.best_ask is not None
        assert book.best_bid[0] < book.best_ask[0]
        assert book.spread == book.best_ask[0] - book.best_bid[0]
        assert sum(book.resyncs.values()) == 0
        assert snapshot_requests(fx, "SOL_USDC") == 1


@hard_timeout(20)
async def test_a_gap_on_one_symbol_resyncs_only_that_book(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.order_books(["SOL_USDC", "BTC_USDC"], **FAST_SNAPSHOTS) as books:
        sol, btc = books["SOL_USDC"], books["BTC_USDC"]
        await limit(trader, "SOL_USDC", "Bid", "149.00", "1")
        await limit(trader, "BTC_USDC", "Bid", "59000.0", "0.01")
        await sol.wait_synced(timeout=5)
        await btc.wait_synced(timeout=5)
        fx.ws.drop_depth("SOL_USDC")
        await limit(trader, "SOL_USDC", "Bid", "148.00", "1")  # this delta is lost
        await limit(trader, "SOL_USDC", "Bid", "147.00", "1")  # this one reveals the gap
        await limit(trader, "BTC_USDC", "Bid", "58000.0", "0.01")
        await until(lambda: sol.resyncs["gap"] == 1 and sol.is_live)
        await until(lambda: same_as_exchange(sol, fx) and same_as_exchange(btc, fx))
        assert sum(btc.resyncs.values()) == 0
        assert btc.state is BookState.LIVE
        assert snapshot_requests(fx, "SOL_USDC") == 2  # exactly one extra snapshot
        assert snapshot_requests(fx, "BTC_USDC") == 1


@hard_timeout(20)
async def test_a_snapshot_strictly_inside_the_first_delta_goes_live_without_resync(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    before = fx.engine.depth("SOL_USDC")
    first_id = int(before["lastUpdateId"]) + 1
    # The snapshot claims an id in the middle of the sweep below (3 levels: ids first..first+2).
    fx.ws.serve_snapshot({**before, "lastUpdateId": str(first_id + 1)})
    async with trader.order_book("SOL_USDC", **FAST_SNAPSHOTS) as book:
        await market(trader, "SOL_USDC", "Bid", "20")  # 5 + 10 + 5 of the seeded asks
        await book.wait_synced(timeout=5)
        assert book.last_update_id == first_id + 2
        assert sum(book.resyncs.values()) == 0
        assert same_as_exchange(book, fx)


@hard_timeout(20)
async def test_a_snapshot_older_than_the_stream_is_fetched_again(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    fx.ws.stale_snapshot("SOL_USDC", times=2)
    await limit(trader, "SOL_USDC", "Bid", "149.00", "1")  # the stream moves past it
    async with trader.order_book("SOL_USDC", **FAST_SNAPSHOTS) as book:
        await limit(trader, "SOL_USDC", "Bid", "148.00", "1")
        await book.wait_synced(timeout=5)
        assert (book.snapshots, book.stale_snapshots) == (3, 2)
        assert snapshot_requests(fx, "SOL_USDC") == 3
        assert same_as_exchange(book, fx)


@hard_timeout(20)
async def test_a_crossed_book_resyncs_then_best_bid_is_below_best_ask(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.order_book("SOL_USDC", **FAST_SNAPSHOTS) as book:
        await limit(trader, "SOL_USDC", "Bid", "149.00", "1")
        await book.wait_synced(timeout=5)
        fx.ws.cross_next_depth("SOL_USDC")
        await limit(trader, "SOL_USDC", "Bid", "148.00", "1")
        await until(lambda: book.resyncs["crossed"] == 1)
        await limit(trader, "SOL_USDC", "Bid", "147.00", "1")
        await book.wait_synced(timeout=5)
        bid, ask = book.best_bid, book.best_ask
        assert bid is not None and ask is not None and bid[0] < ask[0]
        await until(lambda: same_as_exchange(book, fx))


@hard_timeout(20)
async def test_two_depth_variants_of_one_symbol_are_two_books_without_false_gaps(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.order_books(**FAST_SNAPSHOTS) as books:
        fast = await books.add("SOL_USDC")
        slow = await books.add("SOL_USDC", speed="200ms")
        assert (fast.stream, slow.stream) == ("depth.SOL_USDC", "depth.200ms.SOL_USDC")
        assert fx.websocket_count == 1
        for n in range(5):
            await limit(trader, "SOL_USDC", "Bid", f"14{n}.00", "1")
            await market(trader, "SOL_USDC", "Ask", "1")
        await until(lambda: same_as_exchange(fast, fx) and same_as_exchange(slow, fx))
        assert sum(fast.resyncs.values()) == sum(slow.resyncs.values()) == 0


@pytest.mark.parametrize("close_code", [None, 1001], ids=["abort", "close-1001"])
@hard_timeout(20)
async def test_every_book_resyncs_after_a_reconnect(
    fx: FakeExchange, trader: AsyncClient, close_code: int | None
) -> None:
    async with trader.order_books(["SOL_USDC", "BTC_USDC"], **FAST_SNAPSHOTS) as books:
        await limit(trader, "SOL_USDC", "Bid", "149.00", "1")
        await limit(trader, "BTC_USDC", "Bid", "59000.0", "0.01")
        for book in books:
            await book.wait_synced(timeout=5)
        await fx.ws.kill(close_code)
        await until(lambda: all(book.resyncs["reconnect"] == 1 for book in books))
        assert not any(book.is_live for book in books)
        await until(lambda: trader.streams.connected)
        await limit(trader, "SOL_USDC", "Bid", "148.00", "1")
        await limit(trader, "BTC_USDC", "Bid", "58000.0", "0.01")
        await until(lambda: all(same_as_exchange(book, fx) for book in books))
        assert snapshot_requests(fx, "SOL_USDC") == snapshot_requests(fx, "BTC_USDC") == 2


@hard_timeout(20)
async def test_cancelling_during_a_snapshot_fetch_is_clean(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    fx.faults.add("delay", path="/api/v1/depth", seconds=10)
    fetching = asyncio.Event()

    async def keep_book() -> None:
        async with trader.order_book("SOL_USDC", **FAST_SNAPSHOTS) as book:
            await limit(trader, "SOL_USDC", "Bid", "149.00", "1")
            await until(lambda: snapshot_requests(fx, "SOL_USDC") == 1)
            fetching.set()
            await book.wait_synced()

    task = asyncio.create_task(keep_book())
    await asyncio.wait_for(fetching.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not trader.streams.connected


@hard_timeout(20)
async def test_a_quiet_market_syncs_from_a_snapshot_alone_and_after_a_reconnect(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.order_book("ETH_USDC", snapshot_when_idle=0.1) as book:
        await book.wait_synced(timeout=5)  # no delta ever came
        assert book.last_update_id == int(fx.engine.depth("ETH_USDC")["lastUpdateId"])
        await limit(trader, "ETH_USDC", "Bid", "2900.00", "0.1000")  # must straddle: it does
        await until(lambda: same_as_exchange(book, fx) and book.version >= 2)
        await fx.ws.kill()
        await until(lambda: book.resyncs["reconnect"] == 1)
        await book.wait_synced(timeout=5)
        assert sum(book.resyncs.values()) == 1


@hard_timeout(20)
async def test_failing_snapshots_are_retried_counted_and_reported(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    # 400, not 5xx: a client-side retry policy must not absorb the failures under test
    fx.faults.add("status", status=400, path="/api/v1/depth", times=3)
    options = {**FAST_SNAPSHOTS, "snapshot_attempts": 2}
    async with trader.order_books(["SOL_USDC"], **options) as books:
        await limit(trader, "SOL_USDC", "Bid", "149.00", "1")
        await books["SOL_USDC"].wait_synced(timeout=5)
        assert snapshot_requests(fx, "SOL_USDC") == 4
        assert books.snapshot_failures == 2  # attempts 2 and 3 were past the bound
        assert isinstance(books.last_error, BadRequestError)
        assert same_as_exchange(books["SOL_USDC"], fx)


@hard_timeout(20)
async def test_removing_a_book_unsubscribes_its_stream(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.order_books(["SOL_USDC", "BTC_USDC"], **FAST_SNAPSHOTS) as books:
        await until(lambda: fx.ws.subscribers("depth.BTC_USDC") == 1)
        await books.remove("BTC_USDC")
        await until(lambda: fx.ws.subscribers("depth.BTC_USDC") == 0)
        assert [book.stream for book in books] == ["depth.SOL_USDC"]
        with pytest.raises(KeyError):
            books["BTC_USDC"]


@hard_timeout(20)
async def test_waiting_for_a_book_that_cannot_sync_times_out(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.order_book("SOL_USDC", **FAST_SNAPSHOTS) as book:  # no delta comes
        with pytest.raises(asyncio.TimeoutError):
            await book.wait_synced(timeout=0.1)
        with pytest.raises(asyncio.TimeoutError):
            await book.wait_update(after=book.version, timeout=0.1)
        with pytest.raises(BookNotReadyError):
            _ = book.mid


@hard_timeout(20)
async def test_a_stream_consumer_leaving_does_not_unsubscribe_a_books_depth(
    fx: FakeExchange, trader: AsyncClient
) -> None:
    async with trader.order_book("SOL_USDC", **FAST_SNAPSHOTS) as book:
        async with trader.stream(["depth.SOL_USDC"]) as raw:
            await limit(trader, "SOL_USDC", "Bid", "149.00", "1")
            await book.wait_synced(timeout=5)
            assert (await next_item(raw)).stream == "depth.SOL_USDC"  # type: ignore[union-attr]
        assert fx.ws.subscribers("depth.SOL_USDC") == 1
        assert not [m for m in fx.ws.received if m.method == "UNSUBSCRIBE"]
        await limit(trader, "SOL_USDC", "Bid", "148.00", "1")
        await until(lambda: same_as_exchange(book, fx) and book.last_update_id is not None
                    and book.last_update_id == int(fx.engine.depth("SOL_USDC")["lastUpdateId"]))
