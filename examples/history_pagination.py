"""History pagination: await a history method for one page, iterate it for every row.

The history endpoints (``/wapi/v1/history/*``) return at most ``limit`` rows (1..1000) from an
``offset``. ``await history.fills(limit=..., offset=...)`` fetches that one page;
``async for fill in history.fills(limit=...)`` walks page after page (``limit`` rows per
request) and stops after a short page; ``break`` stops it earlier, and ``.pages()`` yields
whole pages. Walking oldest first (``sort_direction="Asc"``) keeps the walk stable while new
rows arrive.

Offline, the example first trades a little so that there is history to page through (several
pages of 10). With ``--live`` it only reads your account's history (at most 200 rows each).

Run:
    python examples/history_pagination.py          # in-process fake exchange, no keys
    python examples/history_pagination.py --live   # your real history; keys from env or .env
"""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal

from _common import Column, Venue, run_example, say, table

from bpx_async.models.enums import OrderType, Side
from bpx_async.tables import format_cell

SYMBOL = "SOL_USDC"
PAGE_SIZE = 10
LIVE_MAX_ROWS = 200
FAKE_TRADES = 24


async def make_history(venue: Venue) -> None:
    """Offline only: small market orders (fills) and a few cancelled limit orders."""
    client = venue.client
    for number in range(FAKE_TRADES):
        side = Side.BID if number % 2 == 0 else Side.ASK
        await client.orders.execute(SYMBOL, side, OrderType.MARKET, quantity="0.25")
    for price in ("140", "141", "142"):
        await client.orders.execute(
            SYMBOL, Side.BID, OrderType.LIMIT, quantity="1", price=price, post_only=True
        )
    await client.orders.cancel_all(SYMBOL)
    say(f"made history: {FAKE_TRADES} market orders and 3 cancelled limit orders on {SYMBOL}")


async def example(venue: Venue) -> None:
    client = venue.client
    if not venue.live:
        await make_history(venue)
    symbol = None if venue.live else SYMBOL
    max_rows = LIVE_MAX_ROWS if venue.live else None

    # Awaited: one page, limit + offset.
    first, second = await asyncio.gather(
        client.history.fills(symbol=symbol, limit=PAGE_SIZE, offset=0),
        client.history.fills(symbol=symbol, limit=PAGE_SIZE, offset=PAGE_SIZE),
    )
    say(f"fills page 1 (offset 0): {len(first)} rows; page 2 (offset {PAGE_SIZE}): {len(second)}")
    table(
        [
            Column.attr("time", "timestamp"),
            Column.attr("symbol", "symbol"),
            Column.attr("side", "side"),
            Column.attr("price", "price"),
            Column.attr("quantity", "quantity"),
            Column.attr("trade id", "trade_id"),
        ],
        first[:5],
    )

    # Iterated: every fill, page after page (PAGE_SIZE rows per request), oldest first.
    count, bought, sold, trade_ids = 0, Decimal(0), Decimal(0), set()
    async for fill in client.history.fills(symbol=symbol, sort_direction="Asc", limit=PAGE_SIZE):
        count += 1
        trade_ids.add((fill.symbol, fill.trade_id))
        if fill.side == Side.BID:
            bought += fill.quantity or 0
        else:
            sold += fill.quantity or 0
        if count == max_rows:
            break  # no further page is requested
    say(
        f"every fill: {count} fills ({len(trade_ids)} distinct trades) in pages of up to "
        f"{PAGE_SIZE}; bought {bought}, sold {sold}"
    )

    # Page by page: every order, whatever its final state.
    statuses: Counter[str] = Counter()
    pages = 0
    async for page in client.history.orders(
        symbol=symbol, sort_direction="Asc", limit=PAGE_SIZE
    ).pages():
        pages += 1
        for order in page:
            statuses[f"{format_cell(order.order_type)} {format_cell(order.status)}"] += 1
        if max_rows is not None and sum(statuses.values()) >= max_rows:
            break
    say(f"every order: {sum(statuses.values())} orders in {pages} non-empty pages")
    table(
        [Column("type and status", lambda row: row[0]), Column("orders", lambda row: row[1])],
        sorted(statuses.items()),
    )


if __name__ == "__main__":
    run_example(example, doc=__doc__, private=True)
