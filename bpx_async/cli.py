"""The ``bpx`` command line: market data, balances, orders and fills from a terminal, and any of
the API's operations by name (``bpx call markets.depth symbol=SOL_USDC``).

Readable aligned tables by default (:mod:`bpx_async.tables`), ``--json`` for machine output
(decimals as strings). Every error ends the command with one ``error: ...`` line on stderr (a
JSON object with ``--json``) and exit code 1, or 2 for a usage error. A new command is one
``async def`` returning :class:`Output` plus its ``command(...)`` line in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import difflib
import io
import json
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TextIO

from pydantic import BaseModel, ValidationError

from ._version import __version__
from .client import DEFAULT_BASE_URL, AsyncClient
from .endpoints import ENDPOINTS, Endpoint
from .errors import BpxError
from .models.enums import KlineInterval, OrderType, Side, TimeInForce
from .models.markets import Ticker
from .streams._watch import register as register_watch
from .tables import (
    BALANCE_COLUMNS,
    DEPTH_COLUMNS,
    FILL_COLUMNS,
    KLINE_COLUMNS,
    MARKET_COLUMNS,
    ORDER_COLUMNS,
    TICKER_COLUMNS,
    TRADE_COLUMNS,
    Column,
    Output,
    balance_rows,
    depth_rows,
    format_cell,
    model_columns,
    render_table,
    to_jsonable,
)

__all__ = ["build_parser", "main"]

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
    """Unix seconds, or an ISO-8601 date/time (UTC when it names no zone; ``Z`` means UTC)."""
    if text.isdigit():
        return datetime.fromtimestamp(int(text), tz=timezone.utc)
    # Python 3.10's fromisoformat does not read a trailing "Z" (3.11+ does).
    iso = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        moment = datetime.fromisoformat(iso)
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

    kind = "UsageError"


# --- commands ---------------------------------------------------------------------------------


class _CommandFailed(Exception):
    """The command ran but cannot give what was asked (exit code 1), e.g. an unknown market."""

    kind = "CommandFailed"


def _table_or_note(columns: Sequence[Column], rows: Sequence[Any], empty: str) -> str:
    return render_table(columns, rows) if rows else empty


async def _markets(args: argparse.Namespace) -> Output:
    async with _client(args, signed=False) as client:
        markets = await client.markets.list(market_type=args.market_type)
    markets = sorted(markets, key=lambda m: m.symbol)
    return Output(markets, _table_or_note(MARKET_COLUMNS, markets, "no markets"))


async def _ticker(args: argparse.Namespace) -> Output:
    async with _client(args, signed=False) as client:
        results = await asyncio.gather(
            *(client.markets.ticker(symbol) for symbol in args.symbols), return_exceptions=True
        )
    for result in results:
        if isinstance(result, BaseException):
            raise result
    # The exchange answers 204 (no statistics) for a symbol it does not know.
    tickers = {
        symbol: result
        for symbol, result in zip(args.symbols, results, strict=True)
        if isinstance(result, Ticker)
    }
    unknown = [symbol for symbol in args.symbols if symbol not in tickers]
    if unknown:
        raise _CommandFailed(f"no ticker for {', '.join(unknown)}: unknown or inactive market")
    return Output(tickers, render_table(TICKER_COLUMNS, list(tickers.values())))


async def _depth(args: argparse.Namespace) -> Output:
    async with _client(args, signed=False) as client:
        book = await client.markets.depth(args.symbol, limit=args.limit)
    rows = depth_rows(book, int(args.limit))
    title = f"{args.symbol} order book (update id {format_cell(book.last_update_id)})"
    return Output(book, f"{title}\n{_table_or_note(DEPTH_COLUMNS, rows, 'empty book')}")


async def _klines(args: argparse.Namespace) -> Output:
    interval: KlineInterval = args.interval
    end: datetime | None = args.end
    start: datetime | None = args.start
    if start is None:
        back = timedelta(seconds=_INTERVAL_SECONDS.get(interval.value, 3600) * _DEFAULT_CANDLES)
        start = (end or datetime.now(timezone.utc)) - back
    async with _client(args, signed=False) as client:
        candles = await client.markets.klines(args.symbol, interval, start, end_time=end)
    return Output(candles, _table_or_note(KLINE_COLUMNS, candles, "no candles in that range"))


async def _trades(args: argparse.Namespace) -> Output:
    async with _client(args, signed=False) as client:
        trades = await client.trades.recent(args.symbol, limit=args.limit)
    return Output(trades, _table_or_note(TRADE_COLUMNS, trades, "no trades"))


async def _balances(args: argparse.Namespace) -> Output:
    async with _client(args, signed=True) as client:
        balances = await client.capital.balances()
    rows = balance_rows(balances)
    return Output(balances, _table_or_note(BALANCE_COLUMNS, rows, "no balances"))


async def _open_orders(args: argparse.Namespace) -> Output:
    async with _client(args, signed=True) as client:
        orders = await client.orders.open(args.symbol)
    return Output(orders, _table_or_note(ORDER_COLUMNS, orders, "no open orders"))


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
    return Output(order, "placed\n" + render_table(ORDER_COLUMNS, [order]))


async def _order_cancel(args: argparse.Namespace) -> Output:
    async with _client(args, signed=True) as client:
        order = await client.orders.cancel(
            args.symbol, order_id=args.order_id, client_id=args.client_id
        )
    if order is None:
        # HTTP 202: the exchange accepted the cancel but has not executed it yet.
        wanted = args.order_id if args.order_id is not None else f"client id {args.client_id}"
        return Output(None, f"cancel of {wanted} accepted; not yet executed")
    return Output(order, "cancelled\n" + render_table(ORDER_COLUMNS, [order]))


async def _fills(args: argparse.Namespace) -> Output:
    async with _client(args, signed=True) as client:
        fills = await client.history.fills(symbol=args.symbol, limit=args.limit)
    return Output(fills, _table_or_note(FILL_COLUMNS, fills, "no fills"))


# --- bpx call: any operation by its name --------------------------------------------------------

_OPERATIONS: dict[str, Endpoint[Any]] = {endpoint.name: endpoint for endpoint in ENDPOINTS}
_OPERATION_COLUMNS = (
    Column.attr("operation", "name"),
    Column.attr("method", "method"),
    Column.attr("path", "path"),
    Column.attr("auth", "auth"),
)


def _operation(name: str) -> Endpoint[Any]:
    endpoint = _OPERATIONS.get(name)
    if endpoint is None:
        close = difflib.get_close_matches(name, _OPERATIONS, n=3)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise _UsageProblem(f"unknown operation {name!r}; {hint}'bpx call --list' shows them all")
    return endpoint


def _call_params(endpoint: Endpoint[Any], words: Sequence[str]) -> Any:
    """The parameters of ``bpx call``: ``key=value`` words, or one JSON document.

    A value stays text (decimals keep their exact digits) unless the request model refuses it as
    text and takes it as JSON: a number for an integer field, ``true``/``false`` for a flag, a
    list or an object. The model itself validates the result when the request is prepared.
    """
    if len(words) == 1 and words[0].lstrip()[:1] in ("[", "{"):
        try:
            return json.loads(words[0], parse_float=Decimal)
        except ValueError as exc:
            raise _UsageProblem(f"{endpoint.name}: the parameters are not JSON: {exc}") from None
    model = endpoint.request
    if not words:
        return None
    if not isinstance(model, type) or not issubclass(model, BaseModel):
        what = "no parameters" if model is None else "one JSON document as its parameters"
        raise _UsageProblem(f"{endpoint.name} takes {what}")
    names = {name: {name, info.alias or name} for name, info in model.model_fields.items()}
    by_key = {key: name for name, keys in names.items() for key in keys}
    params: dict[str, Any] = {}
    as_json: dict[str, Any] = {}
    for word in words:
        key, equals, text = word.partition("=")
        if not equals or not key:
            raise _UsageProblem(f"{endpoint.name}: expected key=value, got {word!r}")
        if key not in by_key:
            known = ", ".join(model.model_fields) or "nothing"
            raise _UsageProblem(f"{endpoint.name}: unknown parameter {key!r}; it takes {known}")
        if key in params:
            raise _UsageProblem(f"{endpoint.name}: {key} is given twice")
        params[key] = text
        try:
            decoded = json.loads(text, parse_float=Decimal)
        except ValueError:
            continue
        if decoded != text:
            as_json[key] = decoded
    try:
        model.model_validate(params)
    except ValidationError as exc:
        refused = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        for key, decoded in as_json.items():
            if names[by_key[key]] & refused:
                params[key] = decoded
    return params


def _describe(result: Any) -> str:
    """A human view of any operation's result: a table when it is one, else indented JSON."""
    if result is None:
        return "no content (the exchange answered without a body)"
    if isinstance(result, str):
        return result
    if isinstance(result, list) and all(isinstance(row, BaseModel) for row in result):
        return render_table(model_columns(result), result) if result else "no rows"
    if isinstance(result, dict) and all(isinstance(row, BaseModel) for row in result.values()):
        # e.g. balances: one row per key, the key as the first column.
        inner = model_columns(list(result.values()))
        keyed = (Column("key", lambda pair: pair[0]), *(c.on(lambda pair: pair[1]) for c in inner))
        return render_table(keyed, list(result.items())) if result else "no rows"
    if isinstance(result, BaseModel):
        values = [(name, getattr(result, name)) for name in type(result).model_fields]
        rows = [(name, value) for name, value in values if value is not None]
        fields = (Column("field", lambda row: row[0]), Column("value", lambda row: row[1]))
        return render_table(fields, rows)
    return json.dumps(to_jsonable(result), indent=2, ensure_ascii=False)


async def _call(args: argparse.Namespace) -> Output:
    if args.list:
        if args.operation is not None:
            raise _UsageProblem("call: --list takes no operation")
        operations = list(ENDPOINTS)
        data = [
            {"operation": e.name, "method": e.method, "path": e.path, "auth": e.auth}
            for e in operations
        ]
        return Output(data, render_table(_OPERATION_COLUMNS, operations))
    if args.operation is None:
        raise _UsageProblem("call: name an operation (bpx call --list shows them)")
    endpoint = _operation(args.operation)
    params = _call_params(endpoint, args.params)
    async with _client(args, signed=endpoint.auth == "signed") as client:
        result = await client.request(endpoint, params)
    return Output(result, _describe(result))


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

    call = command(
        "call",
        _call,
        "call any of the API's operations by name, e.g. 'call markets.depth symbol=SOL_USDC'",
    )
    call.add_argument("operation", nargs="?", metavar="OPERATION", help="e.g. markets.ticker")
    call.add_argument(
        "params",
        nargs="*",
        metavar="KEY=VALUE",
        help="request parameters by field name (snake_case or camelCase); "
        "values are text, or JSON for numbers/flags/lists; or one JSON document",
    )
    call.add_argument("--list", action="store_true", help="list every operation and exit")
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


def _report(exc: Exception, as_json: bool) -> None:
    """One line on stderr: ``error: ...``, or with ``--json`` a JSON object ``{"error": {...}}``."""
    message = _one_line(str(exc)) or type(exc).__name__
    if not as_json:
        print(f"error: {message}", file=sys.stderr)
        return
    kind = getattr(exc, "kind", type(exc).__name__)
    error: dict[str, Any] = {"type": kind, "message": message}
    for detail in ("status", "code", "method", "path"):
        value = getattr(exc, detail, None)
        if value is not None:
            error[detail] = value
    print(json.dumps({"error": error}, ensure_ascii=False), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``bpx`` command; returns the process exit code."""
    parser = build_parser()
    # With --json, argparse's own usage errors become one JSON object too.
    as_json = "--json" in (sys.argv[1:] if argv is None else argv)
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured) if as_json else contextlib.nullcontext():
            args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error argparse printed
        code = exc.code if isinstance(exc.code, int) else EXIT_USAGE
        if as_json and code != EXIT_OK:
            last = (captured.getvalue().strip().splitlines() or ["usage error"])[-1]
            _report(_UsageProblem(last.partition(": error: ")[2] or last), True)
        return code
    handler: Command = args.command
    try:
        output = asyncio.run(handler(args))
    except _UsageProblem as exc:
        _report(exc, args.json)
        return EXIT_USAGE
    except (BpxError, _CommandFailed) as exc:
        _report(exc, args.json)
        return EXIT_ERROR
    except KeyboardInterrupt:
        _report(_CommandFailed("interrupted"), args.json)
        return EXIT_INTERRUPTED
    _emit(output, args.json, sys.stdout)
    return EXIT_OK
