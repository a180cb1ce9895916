"""The ``bpx`` command line: market data, balances, orders and fills from a terminal.

Readable aligned tables by default, ``--json`` for machine output (decimals as strings). Every
SDK error ends the command with one ``error: ...`` line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO

from pydantic import BaseModel

from ._version import __version__
from .client import DEFAULT_BASE_URL, AsyncClient
from .errors import BpxError
from .models.enums import KlineInterval, OrderType, Side, TimeInForce
from .streams._watch import register as register_watch

__all__ = ["Column", "build_parser", "format_cell", "main", "render_table", "to_jsonable"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_DEPTH_LIMITS = ("5", "10", "20", "50", "100", "500", "1000")
_SIDE_WORDS = {"buy": Side.BID, "bid": Side.BID, "sell": Side.ASK, "ask": Side.ASK}
_INTERVAL_SECONDS = {
    "1s": 1,
    "1m": 60,
    "3m": 180,
    "5m": 300,
    "15m": 900,
    "30m": 1800,
    "1h": 3600,
    "2h": 7200,
    "4h": 14400,
    "6h": 21600,
    "8h": 28800,
    "12h": 43200,
    "1d": 86400,
    "3d": 259200,
    "1w": 604800,
    "1month": 2592000,
}
#: ``klines`` without ``--start`` shows this many candles back from now.
_DEFAULT_CANDLES = 24


# --- output -----------------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Models, lists and dicts as plain JSON data: camelCase keys, decimals as strings."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def format_cell(value: object) -> str:
    """One table cell: exchange digits for decimals, ``-`` for a missing value."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _from_millis(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def _is_number(value: object) -> bool:
    return isinstance(value, (Decimal, int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Column:
    """A table column: its header and how to read the cell from a row object."""

    header: str
    read: Callable[[Any], object]

    @classmethod
    def attr(cls, header: str, name: str) -> Column:
        """A column showing the attribute ``name`` (``-`` when the row has none)."""
        return cls(header, lambda row: getattr(row, name, None))


def render_table(columns: Sequence[Column], rows: Sequence[Any]) -> str:
    """Rows as an aligned text table; numeric columns are right-aligned."""
    values = [[column.read(row) for column in columns] for row in rows]
    cells = [[format_cell(value) for value in row] for row in values]
    widths = [len(column.header) for column in columns]
    numeric = [True] * len(columns)
    for raw_row, text_row in zip(values, cells, strict=True):
        for index, (raw, text) in enumerate(zip(raw_row, text_row, strict=True)):
            widths[index] = max(widths[index], len(text))
            if raw is not None and not _is_number(raw):
                numeric[index] = False

    def line(parts: Sequence[str]) -> str:
        padded = (
            part.rjust(width) if right else part.ljust(width)
            for part, width, right in zip(parts, widths, numeric, strict=True)
        )
        return "  ".join(padded).rstrip()

    lines = [line([column.header for column in columns])]
    lines.append(line(["-" * width for width in widths]))
    lines.extend(line(row) for row in cells)
    return "\n".join(lines)


@dataclass(frozen=True)
class Output:
    """What a command produced: the data for ``--json`` and the text for people."""

    data: Any
    text: str


# --- argument types ---------------------------------------------------------------------------


def _side(text: str) -> Side:
    try:
        return _SIDE_WORDS[text.lower()]
    except KeyError:
        raise argparse.ArgumentTypeError("side must be buy/bid or sell/ask") from None


def _order_type(text: str) -> OrderType:
    for member in OrderType:
        if member.value.lower() == text.lower():
            return member
    raise argparse.ArgumentTypeError("type must be limit or market")


def _time_in_force(text: str) -> TimeInForce:
    for member in TimeInForce:
        if member.value.lower() == text.lower():
            return member
    raise argparse.ArgumentTypeError("time in force must be GTC, IOC or FOK")


def _uint32(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError("client id must be in 0..4294967295")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be greater than zero")
    return value


def _moment(text: str) -> datetime:
    """Unix seconds, or an ISO-8601 date/time (UTC when it names no zone)."""
    if text.isdigit():
        return datetime.fromtimestamp(int(text), tz=timezone.utc)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither unix seconds nor an ISO date/time (2025-01-31T12:00)"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


# --- the client -------------------------------------------------------------------------------


def _client(args: argparse.Namespace, *, signed: bool) -> AsyncClient:
    """A client for the command: keys (from the environment / .env) only when it needs them."""
    if not signed:
        return AsyncClient(base_url=args.base_url)
    if args.env_file is not None and not os.path.isfile(args.env_file):
        raise _UsageProblem(f"env file not found: {args.env_file}")
    return AsyncClient.from_env(args.env_file, base_url=args.base_url)


class _UsageProblem(Exception):
    """A problem with the command line found after parsing (exit code 2)."""


# --- commands ---------------------------------------------------------------------------------

_MARKET_COLUMNS = (
    Column.attr("symbol", "symbol"),
    Column.attr("type", "market_type"),
    Column.attr("base", "base_symbol"),
    Column.attr("quote", "quote_symbol"),
    Column("tick size", lambda m: m.filters.price.tick_size),
    Column("step size", lambda m: m.filters.quantity.step_size),
    Column("min qty", lambda m: m.filters.quantity.min_quantity),
    Column.attr("state", "order_book_state"),
)

_TICKER_COLUMNS = (
    Column.attr("symbol", "symbol"),
    Column.attr("last", "last_price"),
    Column.attr("change %", "price_change_percent"),
    Column.attr("high", "high"),
    Column.attr("low", "low"),
    Column.attr("volume", "volume"),
    Column.attr("quote volume", "quote_volume"),
    Column.attr("trades", "trades"),
)

_ORDER_COLUMNS = (
    Column.attr("id", "id"),
    Column.attr("client id", "client_id"),
    Column.attr("symbol", "symbol"),
    Column.attr("side", "side"),
    Column.attr("type", "order_type"),
    Column.attr("price", "price"),
    Column.attr("quantity", "quantity"),
    Column.attr("executed", "executed_quantity"),
    Column.attr("status", "status"),
    Column.attr("tif", "time_in_force"),
    Column.attr("post only", "post_only"),
)

_FILL_COLUMNS = (
    Column.attr("time", "timestamp"),
    Column.attr("symbol", "symbol"),
    Column.attr("side", "side"),
    Column.attr("price", "price"),
    Column.attr("quantity", "quantity"),
    Column.attr("fee", "fee"),
    Column.attr("fee asset", "fee_symbol"),
    Column.attr("maker", "is_maker"),
    Column.attr("order id", "order_id"),
    Column.attr("trade id", "trade_id"),
)

BALANCE_COLUMNS = (
    Column("asset", lambda row: row[0]),
    Column("available", lambda row: row[1].available),
    Column("locked", lambda row: row[1].locked),
    Column("staked", lambda row: row[1].staked),
    Column("total", lambda row: _balance_total(row[1])),
)


def _balance_total(balance: Any) -> Decimal:
    parts = (balance.available, balance.locked, balance.staked)
    return sum((part for part in parts if part is not None), Decimal(0))


def _table_or_note(columns: Sequence[Column], rows: Sequence[Any], empty: str) -> str:
    return render_table(columns, rows) if rows else empty


async def _markets(args: argparse.Namespace) -> Output:
    async with _client(args, signed=False) as client:
        markets = await client.markets.list(market_type=args.market_type)
    markets = sorted(markets, key=lambda m: m.symbol)
    return Output(markets, _table_or_note(_MARKET_COLUMNS, markets, "no markets"))


@dataclass(frozen=True)
class _Missing:
    """A ticker row for a market the exchange has no statistics for."""

    symbol: str


async def _ticker(args: argparse.Namespace) -> Output:
    async with _client(args, signed=False) as client:
        results = await asyncio.gather(
            *(client.markets.ticker(symbol) for symbol in args.symbols), return_exceptions=True
        )
    for result in results:
        if isinstance(result, BaseException):
            raise result
    # The exchange answers 204 for a market without statistics: the row shows dashes.
    rows = [
        result if result is not None else _Missing(symbol)
        for symbol, result in zip(args.symbols, results, strict=True)
    ]
    data = {symbol: result for symbol, result in zip(args.symbols, results, strict=True)}
    return Output(data, render_table(_TICKER_COLUMNS, rows))


async def _depth(args: argparse.Namespace) -> Output:
    async with _client(args, signed=False) as client:
        book = await client.markets.depth(args.symbol, limit=args.limit)
    asks = sorted(book.asks)[: int(args.limit)]
    bids = sorted(book.bids, reverse=True)[: int(args.limit)]
    rows: list[tuple[str, Decimal | None, Decimal | None]] = [
        ("ask", price, quantity) for price, quantity in reversed(asks)
    ]
    if asks and bids:
        rows.append(("spread", asks[0][0] - bids[0][0], None))
    rows.extend(("bid", price, quantity) for price, quantity in bids)
    columns = (
        Column("side", lambda row: row[0]),
        Column("price", lambda row: row[1]),
        Column("quantity", lambda row: row[2]),
    )
    title = f"{args.symbol} order book (update id {format_cell(book.last_update_id)})"
    return Output(book, f"{title}\n{_table_or_note(columns, rows, 'empty book')}")


async def _klines(args: argparse.Namespace) -> Output:
    interval: KlineInterval = args.interval
    end: datetime | None = args.end
    start: datetime | None = args.start
    if start is None:
        back = timedelta(seconds=_INTERVAL_SECONDS.get(interval.value, 3600) * _DEFAULT_CANDLES)
        start = (end or datetime.now(timezone.utc)) - back
    async with _client(args, signed=False) as client:
        candles = await client.markets.klines(args.symbol, interval, start, end_time=end)
    columns = (
        Column.attr("start", "start"),
        Column.attr("open", "open"),
        Column.attr("high", "high"),
        Column.attr("low", "low"),
        Column.attr("close", "close"),
        Column.attr("volume", "volume"),
        Column.attr("trades", "trades"),
    )
    return Output(candles, _table_or_note(columns, candles, "no candles in that range"))


async def _trades(args: argparse.Namespace) -> Output:
    async with _client(args, signed=False) as client:
        trades = await client.trades.recent(args.symbol, limit=args.limit)
    columns = (
        Column.attr("id", "id"),
        Column("time", lambda trade: _from_millis(trade.timestamp)),
        Column.attr("price", "price"),
        Column.attr("quantity", "quantity"),
        Column.attr("quote qty", "quote_quantity"),
        Column.attr("buyer maker", "is_buyer_maker"),
    )
    return Output(trades, _table_or_note(columns, trades, "no trades"))


async def _balances(args: argparse.Namespace) -> Output:
    async with _client(args, signed=True) as client:
        balances = await client.capital.balances()
    rows = sorted(balances.items())
    return Output(balances, _table_or_note(BALANCE_COLUMNS, rows, "no balances"))


async def _open_orders(args: argparse.Namespace) -> Output:
    async with _client(args, signed=True) as client:
        orders = await client.orders.open(args.symbol)
    return Output(orders, _table_or_note(_ORDER_COLUMNS, orders, "no open orders"))


async def _order_place(args: argparse.Namespace) -> Output:
    async with _client(args, signed=True) as client:
        order = await client.orders.execute(
            args.symbol,
            args.side,
            args.order_type,
            quantity=args.quantity,
            quote_quantity=args.quote_quantity,
            price=args.price,
            time_in_force=args.tif,
            post_only=True if args.post_only else None,
            client_id=args.client_id,
        )
    return Output(order, "placed\n" + render_table(_ORDER_COLUMNS, [order]))


async def _order_cancel(args: argparse.Namespace) -> Output:
    async with _client(args, signed=True) as client:
        order = await client.orders.cancel(
            args.symbol, order_id=args.order_id, client_id=args.client_id
        )
    if order is None:
        # HTTP 202: the exchange accepted the cancel but has not executed it yet.
        wanted = args.order_id if args.order_id is not None else f"client id {args.client_id}"
        return Output(None, f"cancel of {wanted} accepted; not yet executed")
    return Output(order, "cancelled\n" + render_table(_ORDER_COLUMNS, [order]))


async def _fills(args: argparse.Namespace) -> Output:
    async with _client(args, signed=True) as client:
        fills = await client.history.fills(symbol=args.symbol, limit=args.limit)
    return Output(fills, _table_or_note(_FILL_COLUMNS, fills, "no fills"))


async def _demo(args: argparse.Namespace) -> Output:
    from .demo import run_demo  # imported here: it pulls in the fake exchange

    if args.base_url != DEFAULT_BASE_URL and not args.live:
        raise _UsageProblem("demo: --base-url applies only with --live")
    report = await run_demo(
        duration=args.duration,
        symbols=args.symbols,
        live=args.live,
        base_url=args.base_url,
        # With --json, stdout carries only the JSON summary.
        out=sys.stderr if args.json else sys.stdout,
    )
    # The demo printed its own progress and summary; --json adds the summary as data.
    return Output(report.as_dict(), "")


Command = Callable[[argparse.Namespace], Coroutine[Any, Any, Output]]


# --- the parser -------------------------------------------------------------------------------


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # The same options are accepted before and after the subcommand; below the top level the
    # defaults are suppressed so that they never overwrite a value given earlier.
    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    parser.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print JSON (decimals as strings) instead of tables",
    )
    parser.add_argument(
        "--base-url",
        default=default(DEFAULT_BASE_URL),
        metavar="URL",
        help=f"REST base URL (default {DEFAULT_BASE_URL})",
    )
    parser.add_argument(
        "--env-file",
        default=default(None),
        metavar="PATH",
        help="read BPX_API_KEY / BPX_API_SECRET from this file (default: nearest .env)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``bpx`` argument parser; each subcommand stores its coroutine in ``command``."""
    parser = argparse.ArgumentParser(
        prog="bpx",
        description="Backpack Exchange from the command line (bpx_async SDK).",
        epilog="Keys for private commands come from BPX_API_KEY / BPX_API_SECRET or a .env file.",
    )
    parser.add_argument("--version", action="version", version=f"bpx_async {__version__}")
    _global_options(parser, top=True)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, top=False)
    sub = parser.add_subparsers(dest="name", metavar="COMMAND", required=True)

    def command(name: str, handler: Command, help_text: str) -> argparse.ArgumentParser:
        child = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        child.set_defaults(command=handler)
        return child

    markets = command("markets", _markets, "list markets and their trading rules")
    markets.add_argument(
        "--type",
        dest="market_type",
        action="append",
        metavar="TYPE",
        help="market type (SPOT, PERP, IPERP, DATED, PREDICTION, RFQ); repeatable",
    )

    ticker = command("ticker", _ticker, "24h statistics of one or more markets (concurrently)")
    ticker.add_argument("symbols", nargs="+", metavar="SYMBOL")

    depth = command("depth", _depth, "order book of a market")
    depth.add_argument("symbol", metavar="SYMBOL")
    depth.add_argument(
        "--limit", choices=_DEPTH_LIMITS, default="10", help="levels per side (default 10)"
    )

    klines = command("klines", _klines, "candles of a market")
    klines.add_argument("symbol", metavar="SYMBOL")
    klines.add_argument(
        "--interval",
        type=KlineInterval,
        default=KlineInterval.HOUR_1,
        metavar="INTERVAL",
        help="candle width: " + ", ".join(member.value for member in KlineInterval),
    )
    klines.add_argument(
        "--start",
        type=_moment,
        help=f"unix seconds or ISO time (default: {_DEFAULT_CANDLES} candles back)",
    )
    klines.add_argument("--end", type=_moment, help="unix seconds or ISO time (default: now)")

    trades = command("trades", _trades, "recent public trades of a market")
    trades.add_argument("symbol", metavar="SYMBOL")
    trades.add_argument("--limit", type=_positive_int, help="how many (max 1000)")

    command("balances", _balances, "balances of the account (signed)")

    orders = command("orders", _open_orders, "open orders, of one market or all (signed)")
    orders.add_argument("symbol", nargs="?", metavar="SYMBOL")

    order = sub.add_parser("order", help="place or cancel an order (signed)")
    order_sub = order.add_subparsers(dest="action", metavar="ACTION", required=True)
    place = order_sub.add_parser(
        "place", parents=[common], help="place an order", description="Place an order."
    )
    place.set_defaults(command=_order_place)
    place.add_argument("symbol", metavar="SYMBOL")
    place.add_argument("side", type=_side, metavar="SIDE", help="buy/bid or sell/ask")
    place.add_argument("order_type", type=_order_type, metavar="TYPE", help="limit or market")
    place.add_argument("--quantity", help="base quantity")
    place.add_argument("--quote-quantity", help="quote amount (market orders)")
    place.add_argument("--price", help="limit price")
    place.add_argument("--post-only", action="store_true", help="only add liquidity")
    place.add_argument("--client-id", type=_uint32, help="your id for the order (uint32)")
    place.add_argument("--tif", type=_time_in_force, help="time in force: GTC, IOC or FOK")

    cancel = order_sub.add_parser(
        "cancel", parents=[common], help="cancel an order", description="Cancel an order."
    )
    cancel.set_defaults(command=_order_cancel)
    cancel.add_argument("symbol", metavar="SYMBOL")
    which = cancel.add_mutually_exclusive_group(required=True)
    which.add_argument("--order-id")
    which.add_argument("--client-id", type=_uint32)

    fills = command("fills", _fills, "fills of the account (signed)")
    fills.add_argument("--symbol")
    fills.add_argument("--limit", type=_positive_int, help="how many (max 1000)")

    register_watch(sub, common)

    demo = command(
        "demo",
        _demo,
        "run the SDK against an in-process fake exchange (or --live public data)",
    )
    demo.add_argument(
        "--duration", type=_positive_seconds, default=30.0, help="seconds (default 30)"
    )
    demo.add_argument(
        "--symbols", type=_positive_int, help="how many markets to poll (default: all / 10 live)"
    )
    demo.add_argument(
        "--live", action="store_true", help="poll the real exchange's public data instead"
    )
    return parser


# --- entry point ------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _emit(output: Output, as_json: bool, stream: TextIO) -> None:
    if as_json:
        stream.write(json.dumps(to_jsonable(output.data), indent=2, ensure_ascii=False) + "\n")
    elif output.text:
        stream.write(output.text + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``bpx`` command; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error argparse already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    handler: Command = args.command
    try:
        output = asyncio.run(handler(args))
    except _UsageProblem as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except BpxError as exc:
        print(f"error: {_one_line(str(exc)) or type(exc).__name__}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    _emit(output, args.json, sys.stdout)
    return EXIT_OK
