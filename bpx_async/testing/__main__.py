"""Run the fake Backpack exchange as a process: ``python -m bpx_async.testing --port 0``.

The first stdout line is ``FakeExchange listening on http://127.0.0.1:<port>``; it serves until
SIGINT or SIGTERM. ``--account`` also prints a funded demo key pair (secret included).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from ._server import FakeExchange

DEMO_BALANCES = {
    "USDC": "100000",
    "USDT": "100000",
    "SOL": "1000",
    "BTC": "10",
    "ETH": "100",
}


def _balance(text: str) -> tuple[str, str]:
    asset, sep, quantity = text.partition("=")
    try:
        valid = bool(sep and asset) and Decimal(quantity) > 0
    except InvalidOperation:
        valid = False
    if not valid:
        raise argparse.ArgumentTypeError(f"expected ASSET=QUANTITY, got {text!r}")
    return asset, quantity


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bpx_async.testing",
        description="Offline fake Backpack exchange (REST + WebSocket) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: any free)")
    parser.add_argument(
        "--account",
        action="store_true",
        help="create a funded demo account and PRINT ITS API KEY AND SECRET",
    )
    parser.add_argument(
        "--balance",
        type=_balance,
        action="append",
        metavar="ASSET=QTY",
        help="demo account balance (repeatable; default: a spread of assets)",
    )
    parser.add_argument("--no-liquidity", action="store_true", help="start with empty order books")
    parser.add_argument(
        "--rate-limits",
        action="store_true",
        help="apply the exchange's request budgets (2000/min, 30/min for historical data)",
    )
    parser.add_argument(
        "--funding-schedule",
        action="store_true",
        help="settle perpetual funding every 8 h of the server clock",
    )
    parser.add_argument(
        "--cancel-delay",
        type=float,
        metavar="SECONDS",
        help="answer cancels 202 and execute them SECONDS later",
    )
    return parser


def _exchange(args: argparse.Namespace) -> FakeExchange:
    """The FakeExchange the command-line options describe."""
    exchange = FakeExchange(
        port=args.port,
        seed_liquidity=not args.no_liquidity,
        rate_limits=args.rate_limits,
        funding_schedule=args.funding_schedule,
    )
    exchange.cancel_delay = args.cancel_delay
    return exchange


async def _serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Windows event loops have no signal handlers; Ctrl+C then raises KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with _exchange(args) as fx:
        print(f"FakeExchange listening on {fx.base_url}", flush=True)
        print(f"WebSocket: {fx.ws_url}", flush=True)
        if args.account:
            balances = dict(args.balance) if args.balance else DEMO_BALANCES
            api_key, secret = fx.add_account(balances)
            print(f"API key: {api_key}", flush=True)
            print(f"API secret: {secret}", flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
