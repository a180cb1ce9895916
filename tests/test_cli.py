"""The ``bpx`` command line through its real entry point (``python -m bpx_async``), in a
subprocess talking over HTTP to a FakeExchange that this test process serves on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bpx_async.__main__ import main
from bpx_async.testing import FakeExchange

ROOT = Path(__file__).resolve().parents[1]
KEY_VARIABLES = ("BPX_API_KEY", "BPX_API_SECRET", "PUBLIC_KEY", "SECRET_KEY")
FUNDS = {"USDC": "25000.50", "SOL": "40", "BTC": "0.5"}
RUN_TIMEOUT = 30


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def json_error_message(self) -> str:
        message = json.loads(self.stderr)["error"]["message"]
        assert isinstance(message, str)
        return message


@dataclass
class Cli:
    """Runs ``python -m bpx_async --base-url <fake> ...`` with the funded account's secret."""

    exchange: FakeExchange
    secret: str
    cwd: Path

    async def __call__(self, *args: str, keys: bool = True, base_url: str | None = None) -> Run:
        env = {name: value for name, value in os.environ.items() if name not in KEY_VARIABLES}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        if keys:
            env["BPX_API_SECRET"] = self.secret
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bpx_async",
            "--base-url",
            base_url or self.exchange.base_url,
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=self.cwd,  # an empty directory: no stray .env file is found
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
            raise
        assert process.returncode is not None
        return Run(process.returncode, out.decode(), err.decode())


@pytest.fixture
async def cli(tmp_path: Path) -> AsyncIterator[Cli]:
    async with FakeExchange() as exchange:
        _, secret = exchange.add_account(FUNDS)
        yield Cli(exchange, secret, tmp_path)


def assert_one_error_line(run: Run) -> str:
    assert run.code != 0
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def table_rows(text: str) -> list[list[str]]:
    """The data rows of a table printed by the CLI (header and rule line dropped)."""
    lines = text.strip().splitlines()
    rule = next(i for i, line in enumerate(lines) if set(line.replace(" ", "")) == {"-"})
    return [line.split() for line in lines[rule + 1 :]]


async def test_markets_prints_an_aligned_table_with_every_market(cli: Cli) -> None:
    run = await cli("markets", keys=False)

    assert run.code == 0, run.stderr
    header = run.stdout.splitlines()[0].split()
    assert header[:2] == ["symbol", "type"]
    rows = table_rows(run.stdout)
    assert sorted(row[0] for row in rows) == sorted(cli.exchange.engine.markets)
    sol = next(row for row in rows if row[0] == "SOL_USDC")
    spec = cli.exchange.engine.markets["SOL_USDC"]
    assert sol[1] == "SPOT"
    assert Decimal(sol[4]) == spec.tick_size
    # Aligned: every line of the table has the same start column for each header word.
    widths = {len(line.rstrip()) for line in run.stdout.splitlines()[:2]}
    assert len(widths) == 1


async def test_markets_json_is_parseable_with_decimals_as_strings(cli: Cli) -> None:
    run = await cli("markets", "--json", keys=False)

    assert run.code == 0, run.stderr
    markets = run.json()
    assert isinstance(markets, list)
    by_symbol = {market["symbol"]: market for market in markets}
    tick = by_symbol["BTC_USDC"]["filters"]["price"]["tickSize"]
    assert isinstance(tick, str)
    assert Decimal(tick) == cli.exchange.engine.markets["BTC_USDC"].tick_size


async def test_ticker_of_several_symbols_prints_one_row_per_symbol(cli: Cli) -> None:
    symbols = ["SOL_USDC", "BTC_USDC", "ETH_USDC"]
    table, as_json = await asyncio.gather(
        cli("ticker", *symbols, keys=False), cli("--json", "ticker", *symbols, keys=False)
    )

    assert table.code == 0, table.stderr
    rows = table_rows(table.stdout)
    assert [row[0] for row in rows] == symbols
    assert as_json.code == 0, as_json.stderr
    tickers = as_json.json()
    assert isinstance(tickers, dict)
    assert list(tickers) == symbols
    for symbol in symbols:
        assert Decimal(tickers[symbol]["lastPrice"]) == cli.exchange.engine.last_price(symbol)
    assert [Decimal(row[1]) for row in rows] == [
        cli.exchange.engine.last_price(symbol) for symbol in symbols
    ]


async def test_depth_shows_the_best_levels_and_json_keeps_levels_as_strings(cli: Cli) -> None:
    table, as_json = await asyncio.gather(
        cli("depth", "SOL_USDC", "--limit", "5", keys=False),
        cli("depth", "SOL_USDC", "--limit", "5", "--json", keys=False),
    )

    top_bid, top_ask = cli.exchange.engine.best_bid_ask("SOL_USDC")
    assert top_bid is not None and top_ask is not None
    best_bid, best_ask = top_bid[0], top_ask[0]
    assert table.code == 0, table.stderr
    rows = table_rows(table.stdout)
    asks = [Decimal(row[1]) for row in rows if row[0] == "ask"]
    bids = [Decimal(row[1]) for row in rows if row[0] == "bid"]
    assert len(asks) == len(bids) == 5
    assert asks[-1] == best_ask and bids[0] == best_bid
    book = as_json.json()
    assert isinstance(book, dict)
    assert all(isinstance(value, str) for level in book["asks"] for value in level)
    assert min(Decimal(price) for price, _ in book["asks"]) == best_ask


async def test_balances_show_the_funded_account(cli: Cli) -> None:
    table, as_json = await asyncio.gather(cli("balances"), cli("balances", "--json"))

    assert table.code == 0, table.stderr
    rows = {row[0]: row for row in table_rows(table.stdout)}
    assert Decimal(rows["USDC"][1]) == Decimal(FUNDS["USDC"])
    balances = as_json.json()
    assert isinstance(balances, dict)
    for asset, quantity in FUNDS.items():
        assert Decimal(balances[asset]["available"]) == Decimal(quantity)
        assert isinstance(balances[asset]["locked"], str)


async def test_order_place_list_and_cancel_round_trip(cli: Cli) -> None:
    placed = await cli(
        "order", "place", "SOL_USDC", "buy", "limit",
        "--quantity", "1.25", "--price", "120.50", "--post-only", "--client-id", "4242", "--json",
    )  # fmt: skip
    assert placed.code == 0, placed.stderr
    order = placed.json()
    assert isinstance(order, dict)
    assert (order["clientId"], order["side"], order["status"]) == (4242, "Bid", "New")
    assert (order["price"], order["quantity"], order["postOnly"]) == ("120.50", "1.25", True)

    listed = await cli("orders", "SOL_USDC")
    assert listed.code == 0, listed.stderr
    assert [row[0] for row in table_rows(listed.stdout)] == [order["id"]]

    cancelled = await cli("order", "cancel", "SOL_USDC", "--client-id", "4242")
    assert cancelled.code == 0, cancelled.stderr
    assert "Cancelled" in cancelled.stdout

    after = await cli("orders", "--json")
    assert after.code == 0, after.stderr
    assert after.json() == []


async def test_market_order_shows_up_in_fills_and_trades(cli: Cli) -> None:
    bought = await cli("order", "place", "SOL_USDC", "buy", "market", "--quantity", "0.5")
    assert bought.code == 0, bought.stderr

    fills, trades = await asyncio.gather(
        cli("fills", "--symbol", "SOL_USDC", "--json"), cli("trades", "SOL_USDC", keys=False)
    )
    assert fills.code == 0, fills.stderr
    rows = fills.json()
    assert isinstance(rows, list)
    assert [(fill["side"], Decimal(fill["quantity"])) for fill in rows] == [("Bid", Decimal("0.5"))]
    assert trades.code == 0, trades.stderr
    assert len(table_rows(trades.stdout)) == 1


async def test_klines_prints_candles(cli: Cli) -> None:
    run = await cli("klines", "SOL_USDC", "--interval", "1h", keys=False)

    assert run.code == 0, run.stderr
    assert run.stdout.split()[:2] == ["start", "open"]
    assert table_rows(run.stdout)


async def test_negative_quantity_is_one_validation_error_line_and_nothing_is_sent(
    cli: Cli,
) -> None:
    run = await cli(
        "order", "place", "SOL_USDC", "buy", "limit", "--quantity", "-1", "--price", "100"
    )

    line = assert_one_error_line(run)
    assert "quantity" in line
    assert not [r for r in cli.exchange.requests if r.path == "/api/v1/order"]


async def test_api_error_is_one_error_line(cli: Cli) -> None:
    run = await cli("order", "cancel", "SOL_USDC", "--order-id", "999999")

    line = assert_one_error_line(run)
    assert "404" in line and "DELETE /api/v1/order" in line


async def test_private_command_without_keys_is_one_credentials_error_line(cli: Cli) -> None:
    run = await cli("balances", keys=False)

    line = assert_one_error_line(run)
    assert "BPX_API_SECRET" in line


async def test_unreachable_exchange_is_one_transport_error_line(cli: Cli) -> None:
    with socket.socket() as probe:  # a port nobody listens on once the socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    run = await cli("ticker", "SOL_USDC", keys=False, base_url=f"http://127.0.0.1:{port}")

    line = assert_one_error_line(run)
    assert "/api/v1/ticker" in line


async def test_usage_error_exits_2_without_traceback(cli: Cli) -> None:
    run = await cli("order", "place", "SOL_USDC", "sideways", "limit", "--quantity", "1")

    assert run.code == 2
    assert "Traceback" not in run.stderr
    assert "side must be buy/bid or sell/ask" in run.stderr


def test_main_returns_exit_codes_instead_of_raising(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert main(["ticker"]) == 2  # a symbol is required
    assert main(["depth", "SOL_USDC", "--limit", "7"]) == 2

    captured = capsys.readouterr()
    assert "bpx_async" in captured.out
    assert "Traceback" not in captured.err


async def test_keys_can_come_from_an_env_file(cli: Cli, tmp_path: Path) -> None:
    env_file = tmp_path / "keys.env"
    env_file.write_text(f"BPX_API_SECRET={cli.secret}\n", encoding="utf-8")

    found, missing = await asyncio.gather(
        cli("balances", "--json", "--env-file", str(env_file), keys=False),
        cli("balances", "--env-file", str(tmp_path / "absent.env"), keys=False),
    )

    assert found.code == 0, found.stderr
    balances = found.json()
    assert isinstance(balances, dict)
    assert Decimal(balances["SOL"]["available"]) == Decimal(FUNDS["SOL"])
    assert "absent.env" in assert_one_error_line(missing)
    assert cli.secret not in found.stdout + found.stderr + missing.stdout + missing.stderr


async def test_unknown_symbol_is_one_error_line_and_exit_1(cli: Cli) -> None:
    run = await cli("ticker", "SOL_USDC", "NOPE_USDC", keys=False)

    line = assert_one_error_line(run)
    assert run.code == 1
    assert "NOPE_USDC" in line and "SOL_USDC" not in line
    assert run.stdout == ""


async def test_errors_under_json_are_one_json_object_on_stderr(cli: Cli) -> None:
    unknown, api_error = await asyncio.gather(
        cli("--json", "ticker", "NOPE_USDC", keys=False),
        cli("--json", "order", "cancel", "SOL_USDC", "--order-id", "999999"),
    )

    assert (unknown.code, unknown.stdout) == (1, "")
    assert json.loads(unknown.stderr) == {
        "error": {"type": "CommandFailed", "message": unknown.json_error_message()}
    }
    assert "NOPE_USDC" in unknown.json_error_message()
    assert api_error.code == 1
    error = json.loads(api_error.stderr)["error"]
    assert (error["type"], error["status"], error["method"]) == ("NotFoundError", 404, "DELETE")
    assert error["path"] == "/api/v1/order"


async def test_ticker_change_column_is_a_percentage_of_the_fraction_sent(cli: Cli) -> None:
    # A market buy that walks several ask levels leaves trades at different prices.
    bought = await cli("order", "place", "SOL_USDC", "buy", "market", "--quantity", "30")
    assert bought.code == 0, bought.stderr

    table, as_json = await asyncio.gather(
        cli("ticker", "SOL_USDC", keys=False), cli("--json", "ticker", "SOL_USDC", keys=False)
    )

    fraction = Decimal(as_json.json()["SOL_USDC"]["priceChangePercent"])
    assert fraction != 0
    header = table.stdout.splitlines()[0].split("  ")
    row = table_rows(table.stdout)[0]
    shown = Decimal(row[[h.strip() for h in header if h.strip()].index("change %")])
    assert shown == (fraction * 100).quantize(Decimal("0.01"))


async def test_klines_accepts_an_iso_start_with_a_z_suffix(cli: Cli) -> None:
    run = await cli(
        "klines", "SOL_USDC", "--start", "2026-12-02T10:00:00Z", "--end", "2026-12-02T12:00Z",
        "--json", keys=False,
    )  # fmt: skip

    assert run.code == 0, run.stderr
    sent = [r.query for r in cli.exchange.requests if r.path == "/api/v1/klines"]
    assert [(q["startTime"], q["endTime"]) for q in sent] == [("1796205600", "1796212800")]


def test_moments_read_z_offsets_naive_times_and_unix_seconds_as_utc() -> None:
    from bpx_async.cli import _moment

    expected = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)
    assert _moment("2026-12-02T10:00:00Z") == expected
    assert _moment("2026-12-02T10:00:00z") == expected
    assert _moment("2026-12-02T10:00") == expected
    assert _moment("2026-12-02T12:00:00+02:00") == expected
    assert _moment(str(int(expected.timestamp()))) == expected
    with pytest.raises(argparse.ArgumentTypeError, match="neither unix seconds"):
        _moment("yesterday")


# --- bpx call: every operation by its endpoint-table name ---------------------------------------


def test_call_reaches_every_operation_of_the_endpoint_table() -> None:
    from bpx_async.cli import _operation, build_parser
    from bpx_async.endpoints import ENDPOINTS

    assert len(ENDPOINTS) == 81
    for endpoint in ENDPOINTS:
        args = build_parser().parse_args(["call", endpoint.name])
        assert args.operation == endpoint.name
        assert _operation(args.operation) is endpoint


async def test_call_list_shows_every_operation(cli: Cli) -> None:
    from bpx_async.endpoints import ENDPOINTS

    table, as_json = await asyncio.gather(
        cli("call", "--list", keys=False), cli("--json", "call", "--list", keys=False)
    )

    assert table.code == 0, table.stderr
    assert [row[0] for row in table_rows(table.stdout)] == [e.name for e in ENDPOINTS]
    listed = as_json.json()
    assert len(listed) == 81
    assert {"operation": "orders.execute", "method": "POST", "path": "/api/v1/order"}.items() <= (
        listed[[entry["operation"] for entry in listed].index("orders.execute")].items()
    )


async def test_call_public_operations_with_typed_parameters(cli: Cli) -> None:
    ticker, depth, trades, markets = await asyncio.gather(
        cli("--json", "call", "markets.ticker", "symbol=SOL_USDC", "interval=1d", keys=False),
        cli("call", "markets.depth", "symbol=BTC_USDC", "limit=5", keys=False),
        cli("--json", "call", "trades.recent", "symbol=SOL_USDC", "limit=3", keys=False),
        cli("--json", "call", "markets.list", 'marketType=["SPOT"]', keys=False),
    )

    assert ticker.code == 0, ticker.stderr
    assert ticker.json()["symbol"] == "SOL_USDC"
    assert Decimal(ticker.json()["lastPrice"]) == cli.exchange.engine.last_price("SOL_USDC")
    assert depth.code == 0, depth.stderr
    fields = {line.split()[0]: line.split(maxsplit=1)[1] for line in depth.stdout.splitlines()[2:]}
    assert len(json.loads(fields["asks"])) == 5
    assert trades.code == 0 and trades.json() == []
    assert markets.code == 0, markets.stderr
    assert {market["marketType"] for market in markets.json()} == {"SPOT"}
    sent = {(r.path, tuple(sorted(r.query.items()))) for r in cli.exchange.requests}
    assert ("/api/v1/depth", (("limit", "5"), ("symbol", "BTC_USDC"))) in sent
    assert ("/api/v1/trades", (("limit", "3"), ("symbol", "SOL_USDC"))) in sent


async def test_call_signed_operations_keep_decimal_digits_and_read_flags_and_ints(
    cli: Cli,
) -> None:
    placed = await cli(
        "--json", "call", "orders.execute", "symbol=SOL_USDC", "side=Bid", "order_type=Limit",
        "quantity=1.50", "price=120.10", "postOnly=true", "client_id=4243",
    )  # fmt: skip
    assert placed.code == 0, placed.stderr
    order = placed.json()
    assert (order["clientId"], order["postOnly"], order["price"]) == (4243, True, "120.10")
    body = next(r.body for r in cli.exchange.requests if r.path == "/api/v1/order")
    assert json.loads(body)["quantity"] == "1.50"

    batch = await cli(
        "--json", "call", "orders.execute_batch",
        '[{"symbol": "SOL_USDC", "side": "Ask", "orderType": "Limit", "quantity": "1",'
        ' "price": 300.25, "clientId": 9}]',
    )  # fmt: skip
    assert batch.code == 0, batch.stderr
    assert [result["order"]["price"] for result in batch.json()] == ["300.25"]

    balances = await cli("call", "capital.balances")
    assert balances.code == 0, balances.stderr
    header = balances.stdout.splitlines()[0]
    assert header.split()[:2] == ["key", "available"]
    assert {row[0] for row in table_rows(balances.stdout)} >= set(FUNDS)

    cancelled = await cli("call", "orders.cancel_all", "symbol=SOL_USDC")
    assert cancelled.code == 0, cancelled.stderr
    cancelled_ids = {row[0] for row in table_rows(cancelled.stdout)}
    assert cancelled_ids == {order["id"], batch.json()[0]["order"]["id"]}


async def test_call_usage_errors_exit_2_with_one_line_and_send_nothing(cli: Cli) -> None:
    runs = await asyncio.gather(
        cli("call", "markets.tikcer", "symbol=SOL_USDC", keys=False),
        cli("call", "markets.ticker", "sym=SOL_USDC", keys=False),
        cli("call", "markets.ticker", "SOL_USDC", keys=False),
        cli("call", "system.ping", "x=1", keys=False),
        cli("call", "markets.ticker", "symbol=A", "symbol=B", keys=False),
        cli("call", "orders.execute_batch", "symbol=SOL_USDC"),
        cli("call", keys=False),
    )

    lines = [assert_one_error_line(run) for run in runs]
    assert [run.code for run in runs] == [2] * len(runs)
    assert "did you mean markets.ticker" in lines[0]
    assert "unknown parameter 'sym'; it takes symbol, interval" in lines[1]
    assert "expected key=value" in lines[2]
    assert "takes no parameters" in lines[3]
    assert "given twice" in lines[4]
    assert "one JSON document" in lines[5]
    assert "name an operation" in lines[6]
    assert list(cli.exchange.requests) == []


NEGATIVE_LIMIT_BID = ("symbol=SOL_USDC", "side=Bid", "order_type=Limit", "quantity=-1", "price=1")


async def test_call_invalid_values_are_refused_before_sending_and_api_errors_exit_1(
    cli: Cli,
) -> None:
    bad_limit, negative, missing, as_json = await asyncio.gather(
        cli("call", "trades.recent", "symbol=SOL_USDC", "limit=abc", keys=False),
        cli("call", "orders.execute", *NEGATIVE_LIMIT_BID),
        cli("call", "orders.cancel", "symbol=SOL_USDC", "order_id=424242"),
        cli("--json", "call", "orders.get", "symbol=SOL_USDC", "clientId=5"),
    )

    assert "limit" in assert_one_error_line(bad_limit) and bad_limit.code == 1
    assert "quantity" in assert_one_error_line(negative) and negative.code == 1
    refused_sends = [
        r
        for r in cli.exchange.requests
        if r.path == "/api/v1/trades" or (r.path, r.method) == ("/api/v1/order", "POST")
    ]
    assert refused_sends == []
    assert "404" in assert_one_error_line(missing) and missing.code == 1
    assert as_json.code == 1
    assert json.loads(as_json.stderr)["error"]["status"] == 404


def test_usage_errors_under_json_are_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--json", "order", "place", "SOL_USDC", "sideways", "limit"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    error = json.loads(captured.err)["error"]
    assert error["type"] == "UsageError"
    assert "side must be buy/bid or sell/ask" in error["message"]
    assert main(["--json", "--version"]) == 0
    assert "bpx_async" in capsys.readouterr().out
