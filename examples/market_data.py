"""Concurrent market data: tickers and order books of many markets, polled at once.

Shows ``asyncio.gather`` over one ``AsyncClient`` (one HTTP session, many requests in flight),
``markets.list`` / ``markets.tickers`` to pick markets, and ``markets.ticker`` /
``markets.depth`` per market; each round prints best bid/ask, spread and 24h volume.

Run:
    python examples/market_data.py          # in-process fake exchange, no network, no keys
    python examples/market_data.py --live   # the real exchange's public data (no keys needed)
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from _common import Column, Venue, run_example, say, table

from bpx_async import AsyncClient
from bpx_async.models.enums import MarketType, OrderType, Side
from bpx_async.models.markets import Depth, Ticker

ROUNDS = 3
PAUSE_SECONDS = 1.0
MAX_MARKETS = 8


async def poll_once(venue: Venue, symbols: list[str]) -> list[tuple[str, Ticker | None, Depth]]:
    """One ticker and one 5-level book per market, every request sent at the same time."""
    client = venue.client
    tickers, books = await asyncio.gather(
        asyncio.gather(*(client.markets.ticker(symbol) for symbol in symbols)),
        asyncio.gather(*(client.markets.depth(symbol, limit=5) for symbol in symbols)),
    )
    return list(zip(symbols, tickers, books, strict=True))


def spread_bps(book: Depth) -> Decimal | None:
    """The spread in basis points of the mid (None when a side of the book is empty)."""
    if book.spread is None or book.mid is None:
        return None
    return (book.spread / book.mid * 10_000).quantize(Decimal("0.01"))


async def example(venue: Venue) -> None:
    client = venue.client
    markets, tickers = await asyncio.gather(
        client.markets.list(market_type=MarketType.SPOT), client.markets.tickers()
    )
    volume = {ticker.symbol: ticker.quote_volume or Decimal(0) for ticker in tickers}
    symbols = sorted(
        (market.symbol for market in markets), key=lambda s: (-volume.get(s, Decimal(0)), s)
    )[:MAX_MARKETS]
    say(f"{len(markets)} spot markets; polling the {len(symbols)} most traded: {symbols}")

    columns = [
        Column("symbol", lambda row: row[0]),
        Column("last", lambda row: row[1].last_price if row[1] else None),
        Column("best bid", lambda row: row[2].best_bid),
        Column("best ask", lambda row: row[2].best_ask),
        Column("spread bps", lambda row: spread_bps(row[2])),
        Column("24h quote volume", lambda row: row[1].quote_volume if row[1] else None),
    ]
    other = None if venue.live else await venue.other_trader()
    for round_number in range(1, ROUNDS + 1):
        started = time.perf_counter()
        rows = await poll_once(venue, symbols)
        elapsed_ms = (time.perf_counter() - started) * 1000
        say(
            f"round {round_number}/{ROUNDS}: {2 * len(symbols)} requests concurrently "
            f"in {elapsed_ms:.1f} ms"
        )
        table(columns, rows)
        if round_number < ROUNDS:
            if other is not None:
                await trade_elsewhere(other, symbols, round_number)
            await asyncio.sleep(PAUSE_SECONDS)


async def trade_elsewhere(other: AsyncClient, symbols: list[str], round_number: int) -> None:
    """Offline only: another account buys and sells at market, so the next round differs."""
    side = Side.BID if round_number % 2 else Side.ASK
    orders = [
        other.orders.execute(symbol, side, OrderType.MARKET, quote_quantity="2000")
        for symbol in symbols
    ]
    await asyncio.gather(*orders)
    say(f"(another account {'bought' if side is Side.BID else 'sold'} 2000 USDC of each market)")


if __name__ == "__main__":
    run_example(example, doc=__doc__, private=False)
