"""Private order updates while a small bot trades: a signed ``account.orderUpdate`` stream.

The bot places a post-only bid, waits for the exchange's ``orderAccepted`` on the stream, and
cancels it when it sees it. Offline a second account then sells into a second bid, so the
stream also shows ``orderFill`` events. The subscription is signed afresh on every (re)connect;
events arrive typed (``OrderUpdate``) with Decimal prices and microsecond times.

Run:
    python examples/private_orders.py          # in-process fake exchange, no network, no keys
    python examples/private_orders.py --live   # REAL orders: keys from BPX_API_SECRET or .env

With ``--live`` the only order is a post-only bid of 0.1 SOL 5 % below the market, cancelled as
soon as the stream confirms it.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from _common import Column, Venue, far_from_market, mid_price, run_example, say, table

from bpx_async import Stream
from bpx_async.rounding import round_price, round_quantity
from bpx_async.streams import OrderUpdate

SYMBOL = "SOL_USDC"
EVENT_TIMEOUT = 10.0


async def _next_update(stream: Stream, order_id: str, event_type: str) -> OrderUpdate:
    """The next update of ``order_id`` of type ``event_type`` (others are shown as they pass)."""

    async def wait() -> OrderUpdate:
        async for item in stream:
            if isinstance(item, OrderUpdate):
                status = getattr(item.status, "value", item.status)
                say(f"  stream: {item.event_type} order {item.order_id} status {status}")
                if item.order_id == order_id and item.event_type == event_type:
                    return item
            else:
                say(f"  stream: {item}")
        raise RuntimeError("the stream ended")

    return await asyncio.wait_for(wait(), EVENT_TIMEOUT)


async def example(venue: Venue) -> None:
    client = venue.client
    market = await client.markets.get(SYMBOL)
    mid = mid_price(await client.markets.depth(SYMBOL, limit=5))
    far_bid, _ = far_from_market(market, mid, Decimal("0.05"))
    quantity = round_quantity(Decimal("0.1") if venue.live else Decimal(2), market)
    seen: list[OrderUpdate] = []

    async with client.stream([f"account.orderUpdate.{SYMBOL}"]) as stream:
        say(f"subscribed {sorted(stream.streams)} (signed)")
        placed = await client.orders.execute(
            SYMBOL, "Bid", "Limit", price=far_bid, quantity=quantity, post_only=True
        )
        say(f"placed post-only bid {placed.id}: {quantity} @ {far_bid}")
        seen.append(await _next_update(stream, placed.id, "orderAccepted"))
        await client.orders.cancel(SYMBOL, order_id=placed.id)
        seen.append(await _next_update(stream, placed.id, "orderCancelled"))

        if not venue.live:
            inside = round_price(mid, market)  # ahead of every resting bid
            resting = await client.orders.execute(
                SYMBOL, "Bid", "Limit", price=inside, quantity=quantity
            )
            say(f"placed bid {resting.id} @ {inside}; another account sells into it")
            other = await venue.other_trader()
            await other.orders.execute(SYMBOL, "Ask", "Market", quantity=quantity)
            seen.append(await _next_update(stream, resting.id, "orderFill"))

    columns = [
        Column.attr("event", "event_type"),
        Column.attr("order id", "order_id"),
        Column.attr("status", "status"),
        Column.attr("price", "price"),
        Column.attr("filled", "executed_quantity"),
        Column.attr("fill price", "fill_price"),
    ]
    table(columns, seen)


if __name__ == "__main__":
    run_example(example, doc=__doc__, private=True)
