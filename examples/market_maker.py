"""A small market maker: post-only quotes around the mid, cancel/replace when the mid moves.

Every order goes through an order tracker (``client.order_tracker()``): it picks the client
ids, follows each quote on the private order stream, and knows when a quote filled, even one
whose answer was lost. Each cycle reads the order book (minus our own live quotes), computes
the mid, and keeps one post-only bid and one post-only ask a few basis points either side of
it. A quote whose price is no longer wanted is cancel-replaced (the new one is placed only once
the old one has ended). Inventory is capped: once the position reaches +LIMIT the bid is
withdrawn, at -LIMIT the ask. It stops after a few cycles, cancels everything and prints its
fills and what the tracker saw.

Offline, a second account trades at market between cycles, so the mid moves and quotes fill.
With ``--live`` it quotes SOL_USDC for real, minimum size, 2 % away from the mid (so fills are
unlikely), and cancels all its orders on exit.

Run:
    python examples/market_maker.py          # in-process fake exchange, no network, no keys
    python examples/market_maker.py --live   # REAL orders; keys from BPX_API_SECRET or .env
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from _common import Column, Venue, far_from_market, run_example, say, table

from bpx_async import AsyncClient, OrderState, OrderTracker, TrackedOrder
from bpx_async.models.enums import OrderType, Side
from bpx_async.models.markets import Depth, Market
from bpx_async.rounding import round_quantity

SYMBOL = "SOL_USDC"
CYCLES = 6
PAUSE_SECONDS = 0.4
#: Quote distance from the mid, as a fraction: 1 bp offline (joins the touch), 2 % live.
FAKE_DISTANCE = Decimal("0.0001")
LIVE_DISTANCE = Decimal("0.02")
FAKE_QUOTE_SIZE = Decimal(2)
#: Largest position (in the base asset, relative to the start) we are willing to carry.
FAKE_INVENTORY_LIMIT = Decimal("2.5")
#: What the other account trades at market between cycles, offline (base asset).
FLOW = [
    (Side.BID, Decimal(7)),
    (Side.BID, Decimal(6)),
    (Side.ASK, Decimal(9)),
    (Side.ASK, Decimal(12)),
    (Side.BID, Decimal(4)),
]


@dataclass
class Quote:
    side: Side
    price: Decimal
    client_id: int


def mid_without(book: Depth, own: list[TrackedOrder]) -> Decimal:
    """Mid price of the book after taking our own resting quantity out of each level."""
    mine: dict[tuple[str, Decimal], Decimal] = {}
    for order in own:
        if order.price is not None and order.quantity is not None:
            left = order.quantity - order.executed_quantity
            key = (order.side, order.price)
            mine[key] = mine.get(key, Decimal(0)) + left
    bids = [p for p, q in book.bids if q - mine.get((Side.BID.value, p), Decimal(0)) > 0]
    asks = [p for p, q in book.asks if q - mine.get((Side.ASK.value, p), Decimal(0)) > 0]
    if not bids or not asks:
        raise RuntimeError(f"{SYMBOL}: not enough liquidity from others to find a mid")
    return (max(bids) + min(asks)) / 2


class MarketMaker:
    def __init__(self, venue: Venue, market: Market, tracker: OrderTracker) -> None:
        self.client = venue.client
        self.tracker = tracker
        self.market = market
        self.live = venue.live
        self.distance = LIVE_DISTANCE if venue.live else FAKE_DISTANCE
        self.quotes: dict[Side, Quote] = {}
        self.start_position = Decimal(0)
        self.size = FAKE_QUOTE_SIZE
        self.limit = FAKE_INVENTORY_LIMIT

    async def position(self) -> Decimal:
        balances = await self.client.capital.balances()
        held = balances.get(self.market.base_symbol or "")
        if held is None:
            return Decimal(0)
        return (held.available or Decimal(0)) + (held.locked or Decimal(0))

    async def setup(self) -> None:
        self.start_position = await self.position()
        if self.live:
            # Smallest order the market allows: this is an example, not a strategy.
            self.size = self.market.filters.quantity.min_quantity or Decimal("0.01")
            self.limit = self.size * 3
        self.size = round_quantity(self.size, self.market)
        bps = (self.distance * 10_000).normalize()
        say(
            f"quoting {self.size} {self.market.base_symbol} each side, "
            f"{bps:f} bps from the mid, inventory limit ±{self.limit}"
        )

    def live_orders(self) -> list[TrackedOrder]:
        return [o for o in self.tracker.snapshot().values() if not o.state.terminal]

    async def cycle(self, number: int) -> None:
        book = await self.client.markets.depth(SYMBOL, limit=20)
        for side, quote in list(self.quotes.items()):
            order = self.tracker.get(quote.client_id)
            if order.state.terminal:
                say(f"  our {side} {quote.price} was {order.state.value.lower()}")
                del self.quotes[side]
        mid = mid_without(book, self.live_orders())
        inventory = await self.position() - self.start_position
        bid, ask = far_from_market(self.market, mid, self.distance)
        wanted = {Side.BID: bid, Side.ASK: ask}
        if inventory >= self.limit:
            del wanted[Side.BID]  # long enough: stop buying
        if inventory <= -self.limit:
            del wanted[Side.ASK]  # short enough: stop selling
        plan = "  ".join(f"{side} {price}" for side, price in wanted.items())
        say(f"cycle {number}: mid {mid.normalize():f}  inventory {inventory:+f}  quotes: {plan}")
        await asyncio.gather(*(self.requote(side, wanted.get(side)) for side in Side))

    async def requote(self, side: Side, price: Decimal | None) -> None:
        current = self.quotes.pop(side, None)
        if current is not None and current.price == price:
            self.quotes[side] = current
            return  # the mid has not moved enough to change this quote
        if current is not None and price is None:
            cancelled = await self.tracker.cancel(current.client_id)
            say(f"  no {side}: inventory limit reached; {current.price} {cancelled.state.value}")
            return
        if price is None:
            say(f"  no {side}: inventory limit reached")
            return
        if current is not None:
            # Cancelled, and only once it has ended is the new quote placed.
            order = await self.tracker.cancel_replace(current.client_id, price=price)
            old = self.tracker.get(current.client_id)
            if old.state is not OrderState.CANCELLED or old.executed_quantity:
                say(f"  {side} {current.price} ended {old.state.value} after "
                    f"{old.executed_quantity} executed")
            action = f"replaced {current.price} by"
        else:
            order = await self.tracker.submit(
                SYMBOL, side, OrderType.LIMIT, quantity=self.size, price=price, post_only=True
            )
            action = "placed"
        self.quotes[side] = Quote(side, price, order.client_id)
        say(
            f"  {action} {side} {order.quantity} @ {order.price}: {order.state.value} "
            f"(client id {order.client_id})"
        )

    async def finish(self) -> None:
        live = self.live_orders()
        await asyncio.gather(*(self.tracker.cancel(o.client_id) for o in live))
        await asyncio.gather(*(self.tracker.wait(o.client_id, timeout=10) for o in live))
        self.quotes.clear()
        inventory = await self.position() - self.start_position
        say(f"cancelled our {SYMBOL} quotes; inventory change {inventory:+f}")
        ended = Counter(o.state.value for o in self.tracker.snapshot().values())
        stream = "up" if self.tracker.stream_up else "down (REST reconciliation only)"
        say(f"tracker: {dict(ended)}; order stream {stream}; {len(self.tracker.audit)} transitions")


async def move_market(other: AsyncClient, number: int) -> None:
    side, quantity = FLOW[number % len(FLOW)]
    await other.orders.execute(SYMBOL, side, OrderType.MARKET, quantity=quantity)
    say(f"  (another account {'bought' if side is Side.BID else 'sold'} {quantity} at market)")


async def example(venue: Venue) -> None:
    market = await venue.client.markets.get(SYMBOL)
    other = None if venue.live else await venue.other_trader()
    async with venue.client.order_tracker() as tracker:
        maker = MarketMaker(venue, market, tracker)
        await maker.setup()
        try:
            for number in range(1, CYCLES + 1):
                await maker.cycle(number)
                if other is not None and number < CYCLES:
                    await move_market(other, number)
                await asyncio.sleep(PAUSE_SECONDS)
        finally:
            await maker.finish()
    fills = await venue.client.history.fills(symbol=SYMBOL, limit=20)
    say(f"our {SYMBOL} fills (newest first):")
    table(
        [
            Column.attr("side", "side"),
            Column.attr("price", "price"),
            Column.attr("quantity", "quantity"),
            Column.attr("maker", "is_maker"),
            Column.attr("fee", "fee"),
            Column.attr("fee asset", "fee_symbol"),
        ],
        fills,
    )


if __name__ == "__main__":
    run_example(example, doc=__doc__, private=True)
