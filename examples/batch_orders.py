"""Batch orders: a ladder of post-only limit orders in one request, one result per order.

Shows ``orders.execute_batch`` (``POST /api/v1/orders``): every order is validated before
anything is sent, and the exchange answers each order separately, so one bad order does not
sink the others. Here one order carries a price finer than the tick size on purpose: its result
has ``ok`` False with the exchange's ``code`` and ``message``, while the rest are placed. The
ladder is then listed with ``orders.open`` and removed with ``orders.cancel_all``.

With ``--live`` the ladder rests 5 % or more away from the mid at the minimum size (so it will
not fill) and is cancelled before the example ends.

Run:
    python examples/batch_orders.py          # in-process fake exchange, no network, no keys
    python examples/batch_orders.py --live   # REAL orders; keys from BPX_API_SECRET or .env
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from _common import Column, Venue, far_from_market, mid_price, run_example, say, table

from bpx_async.models.enums import OrderType, Side
from bpx_async.rounding import round_quantity

SYMBOL = "SOL_USDC"
RUNGS = 4
#: Distance of the first rung from the mid, and between rungs (fractions of the mid).
FAKE_START, LIVE_START = Decimal("0.002"), Decimal("0.05")
RUNG_STEP = Decimal("0.002")
FAKE_SIZE = Decimal("1.5")


async def example(venue: Venue) -> None:
    client = venue.client
    market = await client.markets.get(SYMBOL)
    mid = mid_price(await client.markets.depth(SYMBOL, limit=5))
    start = LIVE_START if venue.live else FAKE_START
    size = market.filters.quantity.min_quantity if venue.live else FAKE_SIZE
    size = round_quantity(size or FAKE_SIZE, market)
    tick = market.filters.price.tick_size or Decimal("0.01")
    say(f"{SYMBOL} mid {mid}; building a ladder of {RUNGS} bids and 1 ask of {size} each")

    client_ids = itertools.count(810_000)
    orders: list[dict[str, Any]] = []
    for rung in range(RUNGS):
        price, _ = far_from_market(market, mid, start + RUNG_STEP * rung)
        orders.append(limit(Side.BID, size, price, next(client_ids)))
    _, ask_price = far_from_market(market, mid, start)
    orders.append(limit(Side.ASK, size, ask_price, next(client_ids)))
    # Deliberately invalid: a tenth of a tick. The exchange refuses this one order only.
    bad_price = orders[RUNGS - 1]["price"] - tick / 10
    orders.append(limit(Side.BID, size, bad_price, next(client_ids)))

    results = await client.orders.execute_batch(orders)
    placed = sum(result.ok for result in results)
    say(f"one request, {len(results)} results: {placed} placed, {len(results) - placed} refused")
    table(
        [
            Column.attr("#", "index"),
            Column.attr("ok", "ok"),
            Column("order id", lambda r: r.order.id if r.order else None),
            Column("client id", lambda r: orders[r.index]["client_id"]),
            Column("side", lambda r: orders[r.index]["side"]),
            Column("price", lambda r: orders[r.index]["price"]),
            Column("status", lambda r: r.order.status if r.order else None),
            Column.attr("code", "code"),
            Column.attr("message", "message"),
        ],
        results,
    )

    resting = await client.orders.open(SYMBOL)
    ours = {order["client_id"] for order in orders}
    say(f"open orders on {SYMBOL} from this batch: {sum(o.client_id in ours for o in resting)}")
    cancelled = await client.orders.cancel_all(SYMBOL)
    if cancelled is None:
        say("cancel-all accepted by the exchange (202); it completes shortly")
    else:
        say(f"cancel-all cancelled {len(cancelled)} orders")
    say(f"open orders on {SYMBOL} now: {len(await client.orders.open(SYMBOL))}")


def limit(side: Side, quantity: Decimal, price: Decimal, client_id: int) -> dict[str, Any]:
    """One post-only limit order of the batch (snake_case keys, validated by the SDK)."""
    return {
        "symbol": SYMBOL,
        "side": side,
        "order_type": OrderType.LIMIT,
        "quantity": quantity,
        "price": price,
        "post_only": True,
        "client_id": client_id,
    }


if __name__ == "__main__":
    run_example(example, doc=__doc__, private=True)
