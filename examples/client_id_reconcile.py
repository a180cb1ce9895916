"""Client ids: find an order again when its placement response was lost.

The SDK never re-sends an order: after a timeout or a dropped connection on
``orders.execute`` the order may or may not exist. Give every order your own ``client_id``
(uint32) and you can always find out. Offline, the example makes the placement response really
time out (the fake exchange delays it, then places the order anyway); then:

1. ``orders.get(symbol, client_id=...)`` finds it while it rests on the book;
2. ``orders.open(symbol)`` lists it among the open orders (match on ``client_id``);
3. ``orders.cancel(symbol, client_id=...)`` cancels it by the same id;
4. once it is no longer open, ``orders.get`` answers 404 (``NotFoundError``) and the order
   history (``history.orders``) tells how it ended.

With ``--live`` the order is post-only, minimum size, 5 % below the mid (it will not fill), and
it is cancelled before the example ends.

Run:
    python examples/client_id_reconcile.py          # in-process fake exchange, no keys
    python examples/client_id_reconcile.py --live   # a REAL order; keys from env or .env
"""

from __future__ import annotations

import asyncio
import secrets
from decimal import Decimal

from _common import Venue, far_from_market, mid_price, run_example, say

from bpx_async import NotFoundError, TransportError
from bpx_async.models.enums import OrderType, Side
from bpx_async.models.orders import PlacedOrder
from bpx_async.rounding import round_quantity

SYMBOL = "SOL_USDC"
DISTANCE = Decimal("0.05")
LOST_AFTER_SECONDS = 0.2
LOOKUPS = 6
LOOKUP_PAUSE_SECONDS = 0.25


async def find_by_client_id(venue: Venue, client_id: int) -> PlacedOrder | None:
    """The open order with ``client_id``, asking a few times: a request that timed out on our
    side may still be executing on the exchange's side."""
    for attempt in range(1, LOOKUPS + 1):
        try:
            return await venue.client.orders.get(SYMBOL, client_id=client_id)
        except NotFoundError:
            say(f"   lookup {attempt}/{LOOKUPS}: not (yet) on the book")
            await asyncio.sleep(LOOKUP_PAUSE_SECONDS)
    # Not resting: it may also have filled or been cancelled already; history tells.
    history = await venue.client.history.orders(symbol=SYMBOL, limit=100)
    if any(order.client_id == client_id for order in history):
        raise RuntimeError(f"client id {client_id} is in the order history but not open")
    return None


async def example(venue: Venue) -> None:
    client = venue.client
    market = await client.markets.get(SYMBOL)
    mid = mid_price(await client.markets.depth(SYMBOL, limit=5))
    price, _ = far_from_market(market, mid, DISTANCE)
    quantity = round_quantity(market.filters.quantity.min_quantity or Decimal("0.01"), market)
    # Random, so that reruns never collide with an order of an earlier run.
    client_id = secrets.randbelow(2**32)

    say(f"placing a post-only bid {quantity} {SYMBOL} @ {price} with client id {client_id}")
    placer = client
    if venue.exchange is not None:
        # Offline, make the response really get lost: the fake exchange holds the request for
        # 0.5 s (then places the order anyway) while this call gives up after 0.2 s.
        venue.exchange.faults.add("delay", path="/api/v1/order", method="POST", seconds=0.5)
        placer = client.with_options(timeout=LOST_AFTER_SECONDS)
    try:
        await placer.orders.execute(
            SYMBOL,
            Side.BID,
            OrderType.LIMIT,
            quantity=quantity,
            price=price,
            post_only=True,
            client_id=client_id,
        )
        say("...suppose the response had been lost: was the order placed?")
    except TransportError as exc:
        say(f"...no response ({type(exc).__name__}): was the order placed? Never just resend.")

    found = await find_by_client_id(venue, client_id)
    if found is None:
        say("the order was never placed: it is now safe to place it again")
        return
    say(f"1. orders.get(client_id): yes, order {found.id} is {found.status}")

    resting = [order for order in await client.orders.open(SYMBOL) if order.client_id == client_id]
    say(f"2. orders.open: {len(resting)} open order(s) carry client id {client_id}")
    if [order.id for order in resting] != [found.id]:
        raise RuntimeError("open orders disagree with orders.get")

    cancelled = await client.orders.cancel(SYMBOL, client_id=client_id)
    status = "accepted (202)" if cancelled is None else str(cancelled.status)
    say(f"3. orders.cancel(client_id): {status}")

    try:
        await client.orders.get(SYMBOL, client_id=client_id)
        say("4. orders.get: still open (the cancel has not completed yet)")
    except NotFoundError:
        say("4. orders.get: 404, the order is no longer on the book")

    history = await client.history.orders(symbol=SYMBOL, limit=100)
    ended = [order for order in history if order.client_id == client_id]
    for order in ended:
        say(
            f"   order history: {order.id} {order.side} {order.quantity} @ "
            f"{order.price} ended {order.status}"
        )
    if not ended:
        say("   order history: not listed yet (history can lag the matching engine)")
    say(f"reconciled: client id {client_id} = order {found.id}, placed exactly once")


if __name__ == "__main__":
    run_example(example, doc=__doc__, private=True)
