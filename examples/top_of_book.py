"""Live top of book for several markets, from local order books on one WebSocket.

Each book is built from a REST snapshot plus the depth stream's deltas and resyncs by itself
after a gap, a crossed book or a reconnect; the example prints best bid, best ask and spread a
few times. Offline, a second account trades meanwhile so the books move.

Run:
    python examples/top_of_book.py          # in-process fake exchange, no network, no keys
    python examples/top_of_book.py --live   # the real exchange's public streams (no keys)
"""

from __future__ import annotations

import asyncio
import contextlib

from _common import Column, Venue, run_example, say, table

from bpx_async import OrderBook

SYMBOLS = ["SOL_USDC", "BTC_USDC", "ETH_USDC"]
ROUNDS = 4
PAUSE_SECONDS = 0.3


async def _trade_meanwhile(venue: Venue) -> None:
    """Offline only: another account trades at market so the books change."""
    other = await venue.other_trader()
    sizes = {"SOL_USDC": "1", "BTC_USDC": "0.001", "ETH_USDC": "0.05"}
    while True:
        for symbol, size in sizes.items():
            for side in ("Bid", "Ask"):
                await other.orders.execute(symbol, side, "Market", quantity=size)
        await asyncio.sleep(PAUSE_SECONDS / 2)


def _row(book: OrderBook) -> dict[str, object]:
    bid, ask = book.best_bid_or_none(), book.best_ask_or_none()
    return {
        "symbol": book.symbol,
        "state": book.state.value,
        "bid": bid and bid[0],
        "bid qty": bid and bid[1],
        "ask": ask and ask[0],
        "ask qty": ask and ask[1],
        "spread": book.spread if book.is_live else None,
        "updates": book.version,
    }


async def example(venue: Venue) -> None:
    async with venue.client.order_books(SYMBOLS) as books:
        say(f"subscribed {', '.join(book.stream for book in books)} on one WebSocket")
        trading = None if venue.live else asyncio.create_task(_trade_meanwhile(venue))
        try:
            for book in books:
                await book.wait_synced(timeout=15)
            say("all books are LIVE")
            names = list(_row(books[SYMBOLS[0]]))
            columns = [Column(name, lambda row, name=name: row[name]) for name in names]
            for round_number in range(1, ROUNDS + 1):
                await asyncio.sleep(PAUSE_SECONDS)
                say(f"top of book, round {round_number}")
                table(columns, [_row(book) for book in books])
        finally:
            if trading is not None:
                trading.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await trading
        resyncs = {book.symbol: dict(book.resyncs) for book in books if book.resyncs}
        say(f"resyncs: {resyncs or 'none'}")


if __name__ == "__main__":
    run_example(example, doc=__doc__, private=False)
