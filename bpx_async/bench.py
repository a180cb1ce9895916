"""Per-call cost of bpx_async against bare aiohttp, in one run: ``python -m bpx_async.bench``.

A local HTTP server on 127.0.0.1 (a child process, so its CPU time is not the client's and it
runs on the other core) serves canned answers shaped like the exchange's. Each workload is run
by bare aiohttp (one session, GET and ``json.loads``), by the floors a typed client cannot beat
(bare plus ``Decimal()`` of every decimal; bare plus :class:`~bpx_async.signing.Signer`), and by
bpx_async, interleaved, ``--repeats`` times. It prints requests/s, the client's CPU time per
request (process CPU time / requests) and the ratio of bpx_async's requests/s to its reference
(median and min..max over the repeats). A benchmark, never a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO

import aiohttp
from aiohttp import web

from ._ratelimit import RateLimiter
from .client import AsyncClient
from .signing import Signer

__all__ = ["main"]

SYMBOL = "SOL_USDC"
_LEVELS = 500
_ROWS = 1000
_WINDOW_MS = 5000
#: Slices per repeat: each client runs its share of a repeat in this many alternating turns
#: (at most one per 4 x concurrency requests). Short turns spread a burst of load from elsewhere
#: on the machine over every client alike.
_SLICES = 30
#: The order the bench places, as resource-method arguments (request-model field names).
ORDER_PARAMS = {
    "symbol": SYMBOL,
    "side": "Bid",
    "order_type": "Limit",
    "price": "150.25",
    "quantity": "1.5",
    "time_in_force": "GTC",
}
# The same order on the wire, as the bare signing loop sends it (never verified by the server).
_ORDER = {
    "symbol": SYMBOL,
    "side": "Bid",
    "orderType": "Limit",
    "price": "150.25",
    "quantity": "1.5",
    "timeInForce": "GTC",
}


# --- canned answers, shaped like the exchange's (decimals as strings) --------------------------


def _bodies() -> dict[str, bytes]:
    """The server's answers by path; deterministic, so every run serves the same bytes."""
    rnd = random.Random(12)

    def qty() -> str:
        return f"{rnd.uniform(0.01, 900):.2f}"

    ticker = {
        "symbol": SYMBOL,
        "firstPrice": "148.10",
        "lastPrice": "150.50",
        "priceChange": "2.40",
        "priceChangePercent": "0.0162",
        "high": "151.00",
        "low": "147.90",
        "volume": "12345.67",
        "quoteVolume": "1850000.12",
        "trades": "4321",
    }
    depth = {
        "asks": [[f"{150.01 + i / 100:.2f}", qty()] for i in range(_LEVELS)],
        "bids": [[f"{145.00 + i / 100:.2f}", qty()] for i in range(_LEVELS)],
        "lastUpdateId": "1834529061",
        "timestamp": 1764758000123456,
    }
    klines = []
    for i in range(_ROWS):
        start = time.gmtime(1_764_000_000 + 60 * i)
        end = time.gmtime(1_764_000_060 + 60 * i)
        price = 150 + rnd.uniform(-5, 5)
        klines.append(
            {
                "start": time.strftime("%Y-%m-%d %H:%M:%S", start),
                "end": time.strftime("%Y-%m-%d %H:%M:%S", end),
                "open": f"{price:.2f}",
                "high": f"{price + 0.4:.2f}",
                "low": f"{price - 0.4:.2f}",
                "close": f"{price + 0.1:.2f}",
                "volume": qty(),
                "quoteVolume": f"{rnd.uniform(100, 90000):.4f}",
                "trades": str(rnd.randint(1, 250)),
            }
        )
    fills = [
        {
            "clientId": None,
            "fee": f"{rnd.uniform(0, 0.5):.6f}",
            "feeSymbol": "USDC",
            "isMaker": i % 2 == 0,
            "orderId": str(11_800_000_000_000 + i),
            "price": f"{150 + rnd.uniform(-5, 5):.2f}",
            "quantity": qty(),
            "side": "Bid" if i % 3 else "Ask",
            "symbol": SYMBOL,
            "systemOrderType": None,
            "timestamp": f"2025-12-03T09:{i // 60 % 60:02d}:{i % 60:02d}.{i:03d}",
            "tradeId": 40_000_000 + i,
        }
        for i in range(_ROWS)
    ]
    order = {
        "id": "11800000000000001",
        "clientId": None,
        "createdAt": 1764758000123,
        "executedQuantity": "0",
        "executedQuoteQuantity": "0",
        "orderType": "Limit",
        "postOnly": False,
        "price": "150.25",
        "quantity": "1.5",
        "reduceOnly": None,
        "selfTradePrevention": "RejectTaker",
        "side": "Bid",
        "status": "New",
        "symbol": SYMBOL,
        "timeInForce": "GTC",
    }

    def dump(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()

    return {
        "/api/v1/ticker": dump(ticker),
        "/api/v1/depth": dump(depth),
        "/api/v1/klines": dump(klines),
        "/wapi/v1/history/fills": dump(fills),
        "/api/v1/order": dump(order),
    }


# --- the server (a child process) --------------------------------------------------------------


async def _serve(out: TextIO) -> None:
    """Answer every known path with its canned body until stdin closes (the parent is gone)."""
    bodies = _bodies()

    async def handle(request: web.BaseRequest) -> web.Response:
        body = bodies.get(request.path)
        if body is None:
            return web.Response(status=404)
        if request.can_read_body:
            await request.read()  # a signed order's body is read, never verified
        return web.Response(body=body, content_type="application/json")

    server = web.Server(handle, access_log=None)
    runner = web.ServerRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    out.write(f"PORT {port}\n")
    out.flush()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # returns at EOF: the parent closed stdin
    await runner.cleanup()


class _ServerProcess:
    """The bench server in a child process; it exits when its stdin closes."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self.base_url = ""

    def __enter__(self) -> _ServerProcess:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bpx_async.bench", "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith("PORT "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"bench server did not start (said {line!r})")
        self.base_url = f"http://127.0.0.1:{int(line.split()[1])}"
        return self

    def __exit__(self, *exc: object) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


# --- the clients -------------------------------------------------------------------------------

Call = Callable[[], Awaitable[object]]


def _decimal_levels(levels: list[list[str]]) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(price), Decimal(quantity)) for price, quantity in levels]


_KLINE_DECIMALS = ("open", "high", "low", "close", "volume", "quoteVolume")
_FILL_DECIMALS = ("price", "quantity", "fee")


def _decimal_rows(rows: list[dict[str, Any]], names: Sequence[str]) -> list[dict[str, Any]]:
    for row in rows:
        for name in names:
            row[name] = Decimal(row[name])
    return rows


@dataclass
class _Bare:
    """Bare aiohttp: one session, the request built by hand, ``json.loads`` of the answer."""

    session: aiohttp.ClientSession
    base_url: str
    signer: Signer

    def get(self, path: str, query: str, then: Callable[[Any], object] | None = None) -> Call:
        url = f"{self.base_url}{path}?{query}"
        session = self.session

        async def call() -> object:
            async with session.get(url) as response:
                data = json.loads(await response.read())
            return data if then is None else then(data)

        return call

    def signed_get(
        self, path: str, instruction: str, params: dict[str, str], then: Callable[[Any], object]
    ) -> Call:
        url = f"{self.base_url}{path}"
        session, signer = self.session, self.signer

        async def call() -> object:
            headers = signer.sign(
                instruction, params, timestamp=time.time_ns() // 1_000_000, window=_WINDOW_MS
            )
            async with session.get(url, params=params, headers=headers) as response:
                data = json.loads(await response.read())
            return then(data)

        return call

    def signed_order(self) -> Call:
        url = f"{self.base_url}/api/v1/order"
        session, signer = self.session, self.signer

        async def call() -> object:
            body = json.dumps(_ORDER, separators=(",", ":")).encode()
            headers = signer.sign(
                "orderExecute", _ORDER, timestamp=time.time_ns() // 1_000_000, window=_WINDOW_MS
            )
            headers["Content-Type"] = "application/json; charset=utf-8"
            async with session.post(url, data=body, headers=headers) as response:
                return json.loads(await response.read())

        return call


# --- workloads and measurement -----------------------------------------------------------------


@dataclass
class _Workload:
    name: str
    concurrency: int
    requests: int
    #: Client name -> the call it makes; the first entry is the reference of the ratio.
    calls: dict[str, Call]
    target: float | None = None
    samples: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return next(iter(self.calls))


def _workloads(
    bare: _Bare, client: AsyncClient, scale: float, counts: dict[str, int] | None = None
) -> list[_Workload]:
    def n(default: int) -> int:
        return max(1, round(default * scale))

    depth_q = f"symbol={SYMBOL}&limit={_LEVELS}"

    def depth_floor(data: Any) -> object:
        return _decimal_levels(data["asks"]), _decimal_levels(data["bids"])

    fills_params = {"limit": str(_ROWS)}
    # A new price on every order (1,000 prices in turn), as a bot re-quoting sends them.
    prices = itertools.cycle([f"{140 + i / 100:.2f}" for i in range(1000)])
    workloads = [
        _Workload(
            "ticker c=1",
            1,
            n(3000),
            {
                "aiohttp": bare.get("/api/v1/ticker", f"symbol={SYMBOL}"),
                "bpx_async": lambda: client.markets.ticker(SYMBOL),
            },
            target=0.95,
        ),
        _Workload(
            "ticker c=50",
            50,
            n(5000),
            {
                "aiohttp": bare.get("/api/v1/ticker", f"symbol={SYMBOL}"),
                "bpx_async": lambda: client.markets.ticker(SYMBOL),
            },
            target=0.90,
        ),
        _Workload(
            "depth500 c=1",
            1,
            n(800),
            {
                "aiohttp+Decimal": bare.get("/api/v1/depth", depth_q, depth_floor),
                "aiohttp": bare.get("/api/v1/depth", depth_q),
                "bpx_async": lambda: client.markets.depth(SYMBOL, limit=_LEVELS),
            },
            target=0.90,
        ),
        _Workload(
            "order c=50",
            50,
            n(3000),
            {
                "aiohttp+Signer": bare.signed_order(),
                "bpx_async": lambda: client.orders.execute(
                    SYMBOL, "Bid", "Limit", price="150.25", quantity="1.5", time_in_force="GTC"
                ),
            },
            target=0.90,
        ),
        _Workload(
            "reprice c=50",
            50,
            n(3000),
            {
                "aiohttp+Signer": bare.signed_order(),
                "bpx_async": lambda: client.orders.execute(
                    SYMBOL, "Bid", "Limit", price=next(prices), quantity="1.5", time_in_force="GTC"
                ),
            },
        ),
        _Workload(
            "klines1000 c=1",
            1,
            n(300),
            {
                "aiohttp+Decimal": bare.get(
                    "/api/v1/klines",
                    f"symbol={SYMBOL}&interval=1m&startTime=1764000000",
                    lambda rows: _decimal_rows(rows, _KLINE_DECIMALS),
                ),
                "aiohttp": bare.get(
                    "/api/v1/klines", f"symbol={SYMBOL}&interval=1m&startTime=1764000000"
                ),
                "bpx_async": lambda: client.markets.klines(SYMBOL, "1m", 1_764_000_000),
            },
        ),
        _Workload(
            "fills1000 c=1",
            1,
            n(300),
            {
                "aiohttp+Signer+Decimal": bare.signed_get(
                    "/wapi/v1/history/fills",
                    "fillHistoryQueryAll",
                    fills_params,
                    lambda rows: _decimal_rows(rows, _FILL_DECIMALS),
                ),
                "bpx_async": lambda: client.history.fills(limit=_ROWS),
            },
        ),
    ]
    for workload in workloads:
        if counts and workload.name in counts:
            workload.requests = counts[workload.name]
    return workloads


def _ladder(bare: _Bare, client: AsyncClient, scale: float) -> list[_Workload]:
    """Where bpx_async's time goes: bare aiohttp, then one layer of the SDK more on each rung.

    Each rung does what the one above it does plus one step of a real call, using the client's
    own session, decoder, cache, limiter and connection gate; the last rung is the real call.
    """
    from .endpoints import markets as market_endpoints
    from .endpoints import orders as order_endpoints

    pipeline = client._pipeline  # the engine's parts, taken one at a time
    session = pipeline.session.get()
    # What the engine awaits: the session's own _request when it may (``_pipeline._direct``).
    send = session._request if pipeline.session.direct else session.request
    # aiohttp gets the timeout without its total, which the session's deadlines bound.
    untimed, total = pipeline.split
    deadlines = pipeline.session.deadlines
    assert total is not None and deadlines is not None
    ticker_params = {"symbol": SYMBOL}
    ticker_url = client.prepare(market_endpoints.TICKER, ticker_params).url
    decode_ticker = market_endpoints.TICKER.decode_json
    order_url = pipeline.base_url + order_endpoints.EXECUTE.path
    decode_order = order_endpoints.EXECUTE.decode_json
    signer = pipeline.signer
    assert signer is not None

    def ticker_rung(decode: bool, cache: bool, gate: bool) -> Call:
        async def call() -> object:
            url = ticker_url
            if cache:
                url = client.prepare(market_endpoints.TICKER, ticker_params).url
            slot = pipeline.session.gate
            if gate:
                assert pipeline.limiter is not None and slot is not None
                pipeline.limiter.standard.reserve()
                slot.try_acquire()
            task = asyncio.current_task()
            assert task is not None and total is not None
            due = deadlines.arm(task, total)
            try:
                response = await send("GET", url, timeout=untimed, allow_redirects=False)
                try:
                    body = await response.read()
                finally:
                    response.release()
            finally:
                deadlines.disarm(due, task)
                if gate and slot is not None:
                    slot.release()
            return decode_ticker(body) if decode else json.loads(body)

        return call

    def order_rung(decode: bool, prepare: bool) -> Call:
        async def call() -> object:
            if prepare:
                prepared = client.prepare(order_endpoints.EXECUTE, dict(ORDER_PARAMS))
                body, params = prepared.body, prepared.signed_params
            else:
                body, params = json.dumps(_ORDER, separators=(",", ":")).encode(), _ORDER
            headers = signer.sign(
                "orderExecute", params, timestamp=time.time_ns() // 1_000_000, window=_WINDOW_MS
            )
            headers["Content-Type"] = "application/json; charset=utf-8"
            task = asyncio.current_task()
            assert task is not None and total is not None
            due = deadlines.arm(task, total)
            try:
                response = await send(
                    "POST",
                    order_url,
                    data=body,
                    headers=headers,
                    timeout=untimed,
                    allow_redirects=False,
                )
                try:
                    answer = await response.read()
                finally:
                    response.release()
            finally:
                deadlines.disarm(due, task)
            return decode_order(answer) if decode else json.loads(answer)

        return call

    def ticker() -> Awaitable[object]:
        return client.markets.ticker(SYMBOL)

    def order() -> Awaitable[object]:
        return client.orders.execute(
            SYMBOL, "Bid", "Limit", price="150.25", quantity="1.5", time_in_force="GTC"
        )

    ticker_rungs: dict[str, Call] = {
        "aiohttp": bare.get("/api/v1/ticker", f"symbol={SYMBOL}"),
        "+SDK session, URL": ticker_rung(decode=False, cache=False, gate=False),
        "+Ticker model": ticker_rung(decode=True, cache=False, gate=False),
        "+prepared cache": ticker_rung(decode=True, cache=True, gate=False),
        "+limiter, gate": ticker_rung(decode=True, cache=True, gate=True),
        "bpx_async": ticker,
    }
    return [
        _Workload("ladder ticker c=50", 50, max(1, round(5000 * scale)), dict(ticker_rungs)),
        _Workload("ladder ticker c=1", 1, max(1, round(3000 * scale)), dict(ticker_rungs)),
        _Workload(
            "ladder order c=50",
            50,
            max(1, round(3000 * scale)),
            {
                "aiohttp+Signer": bare.signed_order(),
                "+SDK session": order_rung(decode=False, prepare=False),
                "+PlacedOrder model": order_rung(decode=True, prepare=False),
                "+validated body": order_rung(decode=True, prepare=True),
                "bpx_async": order,
            },
        ),
    ]


async def _drive(call: Call, requests: int, concurrency: int) -> tuple[float, float]:
    """Run ``requests`` calls on ``concurrency`` tasks: (wall seconds, client CPU seconds)."""
    left = requests

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await call()

    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - wall, time.process_time() - cpu


async def _measure(workloads: list[_Workload], repeats: int, out: TextIO) -> None:
    for workload in workloads:  # warm up connections, adapters and caches
        for call in workload.calls.values():
            await _drive(call, min(workload.requests, 2 * workload.concurrency), 1)
    for repeat in range(repeats):
        for workload in workloads:
            names = list(workload.calls)
            totals = dict.fromkeys(names, (0.0, 0.0))
            # Short alternating slices, rotated so no client always goes first: a burst of load
            # from elsewhere on a shared machine then hits every client alike.
            for piece, requests in enumerate(_slices(workload.requests, workload.concurrency)):
                shift = (repeat + piece) % len(names)
                for name in names[shift:] + names[:shift]:
                    wall, cpu = await _drive(workload.calls[name], requests, workload.concurrency)
                    total_wall, total_cpu = totals[name]
                    totals[name] = (total_wall + wall, total_cpu + cpu)
            for name, total in totals.items():
                workload.samples.setdefault(name, []).append(total)
        out.write(f"  repeat {repeat + 1}/{repeats} done\n")
        out.flush()


def _slices(requests: int, concurrency: int, count: int = _SLICES) -> list[int]:
    """``requests`` split into up to ``count`` slices, each enough to keep every task busy."""
    count = max(1, min(count, requests // max(1, 4 * concurrency)))
    size, extra = divmod(requests, count)
    return [size + (i < extra) for i in range(count)]


def _spread(values: list[float], fmt: str) -> str:
    med = statistics.median(values)
    return f"{med:{fmt}} [{min(values):{fmt}}..{max(values):{fmt}}]"


def _report(workloads: list[_Workload], out: TextIO) -> None:
    out.write(
        "\nmedian [min..max] over the repeats. ratio = req/s over the reference's req/s (the\n"
        "first client of the workload) in the same repeat; CPU ratio = the reference's client\n"
        "CPU per request over this client's (steadier than req/s on a busy machine).\n\n"
    )
    width = max(16, *(len(w.name) + 1 for w in workloads))
    header = (
        f"{'workload':<{width}}{'client':<24}{'req/s':>20}{'CPU us/req':>20}"
        f"{'ratio':>20}{'CPU ratio':>20}  target"
    )
    out.write(header + "\n" + "-" * len(header) + "\n")
    for workload in workloads:
        reference = workload.samples[workload.reference]
        for name, samples in workload.samples.items():
            rates = [workload.requests / wall for wall, _ in samples]
            cpus = [cpu / workload.requests * 1e6 for _, cpu in samples]
            ratio = cpu_ratio = target = ""
            if name != workload.reference:
                pairs = list(zip(samples, reference, strict=True))
                ratios = [ref_wall / wall for (wall, _), (ref_wall, _) in pairs]
                ratio = _spread(ratios, ".2f")
                cpu_ratio = _spread([ref_cpu / cpu for (_, cpu), (_, ref_cpu) in pairs], ".2f")
                if name == "bpx_async" and workload.target is not None:
                    verdict = "ok" if statistics.median(ratios) >= workload.target else "BELOW"
                    target = f">={workload.target:.2f} {verdict}"
            out.write(
                f"{workload.name:<{width}}{name:<24}{_spread(rates, '.0f'):>20}"
                f"{_spread(cpus, '.0f'):>20}{ratio:>20}{cpu_ratio:>20}  {target}\n"
            )
    out.write("\n")


#: Requests a minute for both budgets of the benchmark's limiter: far more than it sends.
_UNPACED = 1e9


async def run(
    base_url: str,
    *,
    repeats: int = 3,
    scale: float = 1.0,
    only: Sequence[str] = (),
    counts: dict[str, int] | None = None,
    ladder: bool = False,
    out: TextIO | None = None,
) -> None:
    """Measure every workload (or those whose name starts with one of ``only``) and print;
    with ``ladder``, the rungs from bare aiohttp to bpx_async instead (see :func:`_ladder`)."""
    out = sys.stdout if out is None else out
    signer = Signer.from_secret(_fresh_secret())
    connector = aiohttp.TCPConnector(limit=100)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        # Retries and the rate limiter stay on (their per-call cost is part of what is measured);
        # the budget is set far above the benchmark's pace so that it never makes a call wait.
        AsyncClient(
            api_secret=_fresh_secret(),
            base_url=base_url,
            rate_limiter=RateLimiter(_UNPACED, _UNPACED),
        ) as client,
    ):
        bare = _Bare(session, base_url, signer)
        candidates = (
            _ladder(bare, client, scale) if ladder else _workloads(bare, client, scale, counts)
        )
        workloads = [w for w in candidates if not only or w.name.startswith(tuple(only))]
        await _measure(workloads, repeats, out)
    _report(workloads, out)


def _fresh_secret() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"aiohttp {aiohttp.__version__}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bpx_async.bench", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="a short run (1/10 of the requests)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of every client (default 3)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every request count")
    parser.add_argument("--only", action="append", default=[], help="workload name prefix")
    parser.add_argument(
        "--ladder",
        action="store_true",
        help="where the time goes: bare aiohttp, then one SDK layer more per row",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(_serve(sys.stdout))
        return
    if args.repeats < 1 or args.scale <= 0:
        parser.error("--repeats must be >= 1 and --scale > 0")
    scale = args.scale * (0.1 if args.quick else 1.0)
    print(f"bpx_async bench on {_machine()}")
    with _ServerProcess() as server:
        print(f"server: child process at {server.base_url}; {args.repeats} repeats")
        asyncio.run(
            run(
                server.base_url,
                repeats=args.repeats,
                scale=scale,
                only=args.only,
                ladder=args.ladder,
            )
        )


if __name__ == "__main__":
    main()
