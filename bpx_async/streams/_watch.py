"""``bpx watch depth|trades|ticker|bookticker SYMBOL...``: streams in the terminal.

``depth`` keeps a local order book per symbol and shows the top of book (redrawn in place on a
terminal, one line per change otherwise); the others print one line per event. ``--json``
prints one JSON object per line. Ctrl-C stops it (exit code 130).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from ..client import DEFAULT_WS_URL, AsyncClient
from ..tables import Output
from ._names import DEPTH_SPEEDS
from ._stream import OverflowPolicy
from .events import (
    BookTicker,
    EventsDropped,
    StreamErrorEvent,
    StreamItem,
    StreamReset,
    Ticker,
    Trade,
)

if TYPE_CHECKING:
    from ..book import OrderBook

__all__ = ["register"]

_KINDS = {"depth": "depth", "trades": "trade", "ticker": "ticker", "bookticker": "bookTicker"}
_CLEAR = "\x1b[H\x1b[2J"
#: At most this many redraws a second of the depth view on a terminal.
_REDRAWS_PER_SECOND = 10


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``watch`` subcommand to the ``bpx`` parser's subparsers."""
    text = "stream live market data: depth (top of book), trades, ticker or bookticker"
    watch = sub.add_parser("watch", parents=[common], help=text, description=text)
    watch.set_defaults(command=watch_command)
    watch.add_argument("kind", choices=sorted(_KINDS), help="what to watch")
    watch.add_argument("symbols", nargs="+", metavar="SYMBOL")
    watch.add_argument(
        "--ws-url", default=DEFAULT_WS_URL, metavar="URL", help=f"WebSocket URL ({DEFAULT_WS_URL})"
    )
    watch.add_argument("--speed", choices=DEPTH_SPEEDS, help="aggregated depth stream (depth)")
    watch.add_argument(
        "--count", type=int, metavar="N", help="stop after N events (default: until Ctrl-C)"
    )


async def watch_command(args: argparse.Namespace) -> Output:
    out = sys.stdout
    async with AsyncClient(base_url=args.base_url, ws_url=args.ws_url) as client:
        if args.kind == "depth":
            await _watch_depth(client, args, out)
        else:
            await _watch_events(client, args, out)
    # Everything was printed while streaming; nothing is left for the caller to print.
    args.json = False
    return Output(None, "")


def _plain(value: Any) -> Any:
    return format(value, "f") if isinstance(value, Decimal) else value


def _emit_json(out: TextIO, payload: dict[str, Any]) -> None:
    out.write(json.dumps(payload, separators=(",", ":"), default=_plain) + "\n")
    out.flush()


def _control(item: StreamItem) -> dict[str, Any] | None:
    if isinstance(item, StreamReset):
        return {"reset": {"streams": sorted(item.streams), "reason": item.reason,
                          "downtime": round(item.downtime, 3)}}
    if isinstance(item, StreamErrorEvent):
        return {"error": {"code": item.code, "message": item.message}}
    if isinstance(item, EventsDropped):
        return {"dropped": item.count}
    return None


def _line(item: StreamItem) -> str:
    if isinstance(item, Trade):
        side = "sell" if item.buyer_is_maker else "buy"
        return f"{item.symbol}  trade  {side:4}  {_plain(item.price)} x {_plain(item.quantity)}"
    if isinstance(item, BookTicker):
        return (
            f"{item.symbol}  bid {_plain(item.bid_price)} x {_plain(item.bid_quantity)}"
            f"  |  ask {_plain(item.ask_price)} x {_plain(item.ask_quantity)}"
        )
    if isinstance(item, Ticker):
        return (
            f"{item.symbol}  last {_plain(item.last_price)}  high {_plain(item.high_price)}"
            f"  low {_plain(item.low_price)}  volume {_plain(item.volume)}"
        )
    control = _control(item)
    if control is not None:
        return "-- " + json.dumps(control, default=_plain)
    return str(item)


async def _watch_events(client: AsyncClient, args: argparse.Namespace, out: TextIO) -> None:
    kind = _KINDS[args.kind]
    streams = [f"{kind}.{symbol}" for symbol in args.symbols]
    # Tickers only matter as the newest value; trades must not be lost silently.
    overflow: OverflowPolicy = "latest" if kind in ("ticker", "bookTicker") else "drop_oldest"
    seen = 0
    async with client.stream(streams, overflow=overflow) as stream:
        async for item in stream:
            if args.json:
                control = _control(item)
                if control is None:
                    dump = getattr(item, "model_dump", None)
                    control = dump(mode="json") if dump is not None else {"item": str(item)}
                _emit_json(out, control)
            else:
                out.write(_line(item) + "\n")
                out.flush()
            seen += 1
            if args.count is not None and seen >= args.count:
                return


def _top_row(book: OrderBook) -> dict[str, Any]:
    row: dict[str, Any] = {"stream": book.stream, "symbol": book.symbol,
                           "state": book.state.value}
    if book.is_live:
        bid, ask = book.best_bid, book.best_ask
        row.update(
            bid=bid[0] if bid else None,
            bidQuantity=bid[1] if bid else None,
            ask=ask[0] if ask else None,
            askQuantity=ask[1] if ask else None,
            spread=book.spread,
            updateId=book.last_update_id,
        )
    return row


async def _watch_depth(client: AsyncClient, args: argparse.Namespace, out: TextIO) -> None:
    from ..tables import Column, render_table

    redraw = out.isatty() and not args.json
    columns = (
        Column("symbol", lambda r: r["symbol"]),
        Column("state", lambda r: r["state"]),
        Column("bid qty", lambda r: r.get("bidQuantity")),
        Column("bid", lambda r: r.get("bid")),
        Column("ask", lambda r: r.get("ask")),
        Column("ask qty", lambda r: r.get("askQuantity")),
        Column("spread", lambda r: r.get("spread")),
    )
    seen = 0
    last_draw = 0.0
    dirty = False  # a change not drawn yet (redraws are throttled)
    async with client.order_books(args.symbols, speed=args.speed) as books:
        versions = {book.stream: -1 for book in books}
        while args.count is None or seen < args.count:
            wait = max(0.0, last_draw + 1 / _REDRAWS_PER_SECOND - time.monotonic())
            changed = await _next_change(list(books), versions, wait if dirty else None)
            for book in changed:
                versions[book.stream] = book.version
                seen += 1
                if args.json:
                    _emit_json(out, _top_row(book))
                elif not redraw:
                    row = _top_row(book)
                    out.write(render_table(columns, [row]).splitlines()[-1] + "\n")
                    out.flush()
            dirty = redraw and (dirty or bool(changed))
            if dirty and time.monotonic() - last_draw >= 1 / _REDRAWS_PER_SECOND:
                last_draw, dirty = time.monotonic(), False
                rows = [_top_row(book) for book in books]
                out.write(_CLEAR + render_table(columns, rows) + "\n")
                out.flush()


async def _next_change(
    books: list[OrderBook], versions: dict[str, int], timeout: float | None
) -> list[OrderBook]:
    """The books whose version moved past what was shown, waiting for one at most
    ``timeout`` seconds (None: as long as it takes); may be empty after a timeout."""
    changed = [book for book in books if book.version > versions[book.stream]]
    if changed:
        return changed
    waits = [asyncio.ensure_future(book.wait_update(after=versions[book.stream])) for book in books]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
        await asyncio.wait(waits)
    return [book for book in books if book.version > versions[book.stream]]
