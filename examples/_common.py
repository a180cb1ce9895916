"""Setup shared by the examples: where they run and how they report.

By default an example starts an in-process ``FakeExchange`` (127.0.0.1, no network, no keys)
and funds an account on it; with ``--live`` it talks to the real Backpack Exchange, reading keys
from ``BPX_API_KEY`` / ``BPX_API_SECRET`` or a ``.env`` file when it needs private endpoints.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

from bpx_async import AsyncClient, BpxError
from bpx_async.models.markets import Depth, Market
from bpx_async.rounding import round_price
from bpx_async.tables import Column, format_cell, render_table
from bpx_async.testing import FakeExchange

__all__ = [
    "FAKE_BALANCES",
    "Column",
    "Venue",
    "far_from_market",
    "format_cell",
    "mid_price",
    "open_venue",
    "run_example",
    "say",
    "table",
]

#: What the example account holds on the fake exchange.
FAKE_BALANCES: dict[str, str] = {
    "USDC": "100000",
    "USDT": "10000",
    "SOL": "500",
    "BTC": "2",
    "ETH": "20",
}

_STARTED = time.monotonic()


def say(message: str = "") -> None:
    """Print one line of what the example is doing, with the seconds since it started."""
    print(f"[{time.monotonic() - _STARTED:5.2f}s] {message}" if message else "", flush=True)


def table(columns: Sequence[Column], rows: Sequence[Any]) -> None:
    """Print rows as an aligned table (the ``bpx`` command line's layout)."""
    print(render_table(columns, rows) if rows else "(none)", flush=True)


@dataclass
class Venue:
    """Where an example runs: its client, and on the fake exchange the exchange itself."""

    client: AsyncClient
    live: bool
    exchange: FakeExchange | None = None
    _extra: list[AsyncClient] = field(default_factory=list)

    async def other_trader(self, balances: dict[str, str] | None = None) -> AsyncClient:
        """A second funded account on the fake exchange, to trade against the example's orders.

        Only offline: on the real exchange the other traders are real.
        """
        if self.exchange is None:
            raise RuntimeError("other_trader() exists only on the fake exchange")
        api_key, api_secret = self.exchange.add_account(balances or FAKE_BALANCES)
        client = AsyncClient(
            api_key, api_secret, base_url=self.exchange.base_url, ws_url=self.exchange.ws_url
        )
        self._extra.append(client)
        return client


@asynccontextmanager
async def open_venue(*, live: bool, private: bool) -> AsyncIterator[Venue]:
    """The client of an example: on a fresh fake exchange, or on the real one with ``live``."""
    if live:
        client = AsyncClient.from_env() if private else AsyncClient()
        async with client:
            yield Venue(client, live=True)
        return
    async with FakeExchange() as exchange:
        api_key, api_secret = exchange.add_account(FAKE_BALANCES)
        async with AsyncClient(
            api_key, api_secret, base_url=exchange.base_url, ws_url=exchange.ws_url
        ) as client:
            venue = Venue(client, live=False, exchange=exchange)
            try:
                yield venue
            finally:
                for extra in venue._extra:
                    await extra.aclose()


def run_example(
    example: Callable[[Venue], Awaitable[None]], *, doc: str | None, private: bool
) -> None:
    """Parse ``--live``, run ``example`` on its venue, and turn SDK errors into one line."""
    parser = argparse.ArgumentParser(
        description=(doc or "").strip().splitlines()[0] if doc else None,
        epilog="Without --live the example runs against an in-process fake exchange.",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="use the real exchange"
        + (" (keys from BPX_API_KEY/BPX_API_SECRET or .env)" if private else ""),
    )
    args = parser.parse_args()

    async def main() -> None:
        where = "the LIVE exchange" if args.live else "an in-process fake exchange"
        say(f"running against {where}")
        async with open_venue(live=args.live, private=private) as venue:
            await example(venue)
        say("done")

    try:
        asyncio.run(main())
    except BpxError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


def mid_price(book: Depth) -> Decimal:
    """The mid of a book snapshot; an example cannot quote around a book with an empty side."""
    if book.mid is None:
        raise RuntimeError("the order book has an empty side")
    return book.mid


def far_from_market(market: Market, mid: Decimal, fraction: Decimal) -> tuple[Decimal, Decimal]:
    """A bid ``fraction`` below and an ask ``fraction`` above ``mid``, on the tick grid.

    Rounded away from the mid so that a post-only order can never cross the book.
    """
    bid = round_price(mid * (1 - fraction), market, rounding=ROUND_DOWN)
    ask = round_price(mid * (1 + fraction), market, rounding=ROUND_UP)
    return bid, ask
