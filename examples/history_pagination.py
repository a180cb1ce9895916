"""History pagination: one page with ``limit``/``offset``, then every row with ``iter_*``.

The history endpoints (``/wapi/v1/history/*``) return at most ``limit`` rows (1..1000) from an
``offset``. ``history.fills(limit=..., offset=...)`` fetches one page; ``history.iter_fills``
and ``history.iter_orders`` walk page after page (``page_size`` rows per request) as one async
iterator, stopping after a short page or ``max_items`` rows. Walking oldest first
(``sort_direction="Asc"``) keeps the walk stable while new rows arrive.

Offline, the example first trades a little so that there is history to page through (several
pages of 10). With ``--live`` it only reads your account's history (at most 200 rows each).

Run:
    python examples/history_pagination.py          # in-process fake exchange, no keys
    python examples/history_pagination.py --live   # your real history; keys from env or .env
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from decimal import Decimal

from _common import Column, Venue, run_example, say, table

from bpx_async.cli import format_cell
from bpx_async.models.enums import OrderType, Side

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
    max_items = LIVE_MAX_ROWS if venue.live else None

    # One page by hand: limit + offset.
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

    # Every fill, page after page, as one async iterator.
    count, bought, sold, trade_ids = 0, Decimal(0), Decimal(0), set()
    async for fill in client.history.iter_fills(
        symbol=symbol, sort_direction="Asc", page_size=PAGE_SIZE, max_items=max_items
    ):
        count += 1
        trade_ids.add((fill.symbol, fill.trade_id))
        if fill.side == Side.BID:
            bought += fill.quantity or 0
        else:
            sold += fill.quantity or 0
    # The walk ends on a short (possibly empty) page, or when max_items rows were read.
    if max_items is not None and count >= max_items:
        requests = math.ceil(count / PAGE_SIZE)
    else:
        requests = count // PAGE_SIZE + 1
    say(
        f"iter_fills: {count} fills ({len(trade_ids)} distinct trades) in {requests} "
        f"requests of up to {PAGE_SIZE}; bought {bought}, sold {sold}"
    )

    # Every order, whatever its final state.
    statuses: Counter[str] = Counter()
    async for order in client.history.iter_orders(
        symbol=symbol, sort_direction="Asc", page_size=PAGE_SIZE, max_items=max_items
    ):
        statuses[f"{format_cell(order.order_type)} {format_cell(order.status)}"] += 1
    say(f"iter_orders: {sum(statuses.values())} orders")
    table(
        [Column("type and status", lambda row: row[0]), Column("orders", lambda row: row[1])],
        sorted(statuses.items()),
    )


if __name__ == "__main__":
    run_example(example, doc=__doc__, private=True)
