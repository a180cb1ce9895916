"""The ``bpx demo``: the SDK end to end, against an in-process fake exchange over real HTTP.

It polls tickers and order books of many markets concurrently, places, amends and cancels
post-only orders through an order tracker (while the fake loses a few answers after placing the
order and drops the private socket once), takes liquidity to produce fills, and reports request
latency (p50/p99, from an aiohttp ``TraceConfig``) and the orders the tracker resolved after the
faults. ``live=True`` polls only public data of the real exchange instead.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import math
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from types import SimpleNamespace
from typing import Any, TextIO, TypeVar

import aiohttp

from .client import DEFAULT_BASE_URL, AsyncClient
from .errors import BpxError, OutcomeUnknownError
from .models.capital import Balance
from .models.enums import MarketType, OrderType, Side
from .models.markets import Depth, Market, Ticker
from .rounding import round_price, round_quantity
from .tables import BALANCE_COLUMNS, FILL_COLUMNS, balance_rows, render_table, select
from .testing import FakeExchange
from .tracking import OrderState, OrderTracker, TrackedOrder

__all__ = [
    "DEMO_BALANCES",
    "DemoReport",
    "LatencyRecorder",
    "run_demo",
]

T = TypeVar("T")

#: What the demo account starts with on the fake exchange.
DEMO_BALANCES: dict[str, str] = {
    "USDC": "250000",
    "USDT": "50000",
    "SOL": "1000",
    "BTC": "5",
    "ETH": "50",
}
#: Markets polled live when ``symbols`` is not given (the most traded spot markets).
LIVE_DEFAULT_SYMBOLS = 10
#: Pause between polling rounds. Live rounds are slower to stay well inside the exchange's
#: budget of about 2000 requests a minute.
_FAKE_POLL_PAUSE = 0.2
_LIVE_POLL_PAUSE = 1.0
_TRADE_PAUSE = 0.25
_PROGRESS_EVERY = 1.0
#: Tasks get this long after the deadline to finish the step they are in, then are cancelled.
_GRACE = 1.0
#: Notional of each demo order, in the quote asset.
_ORDER_NOTIONAL = Decimal(100)
#: Quotes rest this far from the mid (0.5 %): far enough never to cross the touch.
_QUOTE_DISTANCE = Decimal("0.005")
_DEPTH_LEVELS = 5
#: The tracker's requests give up after this long; an injected "timeout after send" holds the
#: answer longer, after the exchange has placed the order.
_TRACKER_TIMEOUT = 0.5
_HELD_ANSWER = 0.6
#: When (as a fraction of the run) the trader meets each injected fault.
_FAULT_PLAN = (
    (0.15, "timeout after send"),
    (0.35, "dropped socket"),
    (0.5, "timeout after send"),
    (0.65, "connection dropped after send"),
)
#: Longest wait, after trading, for orders with an unknown outcome to be resolved.
_SETTLE = 0.8


class LatencyRecorder:
    """Counts requests and their latencies through an aiohttp ``TraceConfig``."""

    def __init__(self) -> None:
        self.samples_ms: list[float] = []
        self.failures = 0

    @property
    def requests(self) -> int:
        """Requests finished so far, answered or failed."""
        return len(self.samples_ms) + self.failures

    def trace_config(self) -> aiohttp.TraceConfig:
        """A trace config to pass to ``aiohttp.ClientSession(trace_configs=[...])``."""
        config = aiohttp.TraceConfig()
        config.on_request_start.append(self._started)
        config.on_request_end.append(self._ended)
        config.on_request_exception.append(self._failed)
        return config

    async def _started(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        context.started = asyncio.get_running_loop().time()

    async def _ended(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        # on_request_end fires when the headers arrive; the body of these small answers
        # follows in the same read, so this is the request's latency.
        elapsed = asyncio.get_running_loop().time() - context.started
        self.samples_ms.append(elapsed * 1000)

    async def _failed(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestExceptionParams,
    ) -> None:
        self.failures += 1

    def percentile(self, fraction: float) -> float | None:
        """Nearest-rank percentile of the latencies in ms (None before the first answer)."""
        if not self.samples_ms:
            return None
        ordered = sorted(self.samples_ms)
        rank = max(1, math.ceil(fraction * len(ordered)))
        return ordered[rank - 1]


@dataclass
class DemoReport:
    """What the demo did; printed as its summary and returned to the caller."""

    mode: str
    duration_s: float
    symbols: list[str]
    requests: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    last_error: str | None = None
    polls: int = 0
    orders_placed: int = 0
    orders_amended: int = 0
    orders_cancelled: int = 0
    fills: int = 0
    perpetual: str | None = None  # what the perpetual round trip did (offline demo only)
    faults_injected: int = 0
    #: Orders whose submit failed after it was sent (the outcome unknown to the client) ...
    orders_unknown_after_faults: int = 0
    #: ... and how many of them the tracker resolved (stream, lookup, history or deadline).
    orders_resolved_after_faults: int = 0
    tracker: str | None = None  # one line on what the order tracker saw (offline demo only)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return asdict(self)


@dataclass
class _State:
    """What the concurrent tasks share (one event loop: no locks needed)."""

    report: DemoReport
    recorder: LatencyRecorder
    started: float
    deadline: float
    books: dict[str, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)
    last_action: str = ""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    def running(self) -> bool:
        return self.now() < self.deadline

    def failed(self, exc: BpxError) -> None:
        self.report.errors += 1
        self.report.last_error = " ".join(str(exc).split()) or type(exc).__name__


def _fmt(value: Decimal | None) -> str:
    return "-" if value is None else format(value, "f")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} ms"


async def _sleep_until(state: _State, pause: float) -> None:
    await asyncio.sleep(max(0.0, min(pause, state.deadline - state.now())))


# --- the tasks ----------------------------------------------------------------------------------


async def _poll_market_data(
    client: AsyncClient, state: _State, symbols: Sequence[str], pause: float
) -> None:
    """Rounds of ticker + depth for every symbol, all requests of a round at once."""
    while state.running():
        requests: list[Awaitable[Ticker | Depth | None]] = [
            client.markets.ticker(symbol) for symbol in symbols
        ]
        requests += [client.markets.depth(symbol, limit=_DEPTH_LEVELS) for symbol in symbols]
        results = await asyncio.gather(*requests, return_exceptions=True)
        for symbol, result in zip(symbols, results[len(symbols) :], strict=True):
            if isinstance(result, Depth):
                state.books[symbol] = (result.best_bid, result.best_ask)
        for result in results:
            if isinstance(result, BpxError):
                state.failed(result)
            elif isinstance(result, BaseException):
                raise result
        state.report.polls += 1
        await _sleep_until(state, pause)


async def _attempt(state: _State, call: Callable[[], Awaitable[T]]) -> T | None:
    try:
        return await call()
    except BpxError as exc:
        state.failed(exc)
        return None


class _Trader:
    """One trading cycle per market in turn, every order through an order tracker: quote,
    amend (cancel-replace), cancel, take, read fills/balances. Offline it meets the faults of
    ``_FAULT_PLAN`` on the way (injected at the fake exchange)."""

    tracker: OrderTracker  # opened by run()

    def __init__(
        self,
        client: AsyncClient,
        state: _State,
        markets: Sequence[Market],
        exchange: FakeExchange | None = None,
    ) -> None:
        self.client = client
        self.state = state
        self.markets = markets
        self.exchange = exchange
        self.faults = list(_FAULT_PLAN) if exchange is not None else []
        self.fault_counts: dict[str, int] = {}
        self.balances: dict[str, Balance] = {}
        self.taker_sides: dict[str, Side] = {}

    async def run(self) -> None:
        view = self.client.with_options(timeout=_TRACKER_TIMEOUT)
        async with view.order_tracker() as self.tracker:
            for market in itertools.cycle(self.markets):
                if not self.state.running():
                    break
                await self.cycle(market)
                await _sleep_until(self.state, _TRADE_PAUSE)
            await self._settle()

    async def _inject_due_faults(self) -> None:
        """Arm the faults whose time has come; each hits the next order sent."""
        assert self.exchange is not None or not self.faults
        elapsed = (self.state.now() - self.state.started) / (
            self.state.deadline - self.state.started
        )
        while self.faults and self.faults[0][0] <= elapsed:
            _, fault = self.faults.pop(0)
            assert self.exchange is not None
            if fault == "dropped socket":
                await self.exchange.ws.kill()
            elif fault == "timeout after send":
                self.exchange.faults.add(
                    "delay_after", path="/api/v1/order", method="POST", seconds=_HELD_ANSWER
                )
            else:
                self.exchange.faults.add("drop_after", path="/api/v1/order", method="POST")
            self.fault_counts[fault] = self.fault_counts.get(fault, 0) + 1
            self.state.report.faults_injected += 1
            self.state.last_action = f"injected: {fault}"

    def _placed(self, order: TrackedOrder) -> bool:
        if order.state in (OrderState.REJECTED, OrderState.NOT_PLACED):
            self.state.report.errors += 1
            self.state.report.last_error = f"{order.symbol}: {order.error}"
            return False
        self.state.report.orders_placed += 1
        return True

    async def cycle(self, market: Market) -> None:
        symbol = market.symbol
        tracker = self.tracker
        book = await _attempt(self.state, lambda: self.client.markets.depth(symbol, limit=5))
        if book is None:
            return
        mid = book.mid
        if mid is None:
            self.state.last_action = f"{symbol}: empty book, skipped"
            return
        quantity = round_quantity(_ORDER_NOTIONAL / mid, market)
        minimum = market.filters.quantity.min_quantity or Decimal(0)
        if quantity <= 0 or quantity < minimum:
            self.state.last_action = f"{symbol}: order size below the market minimum, skipped"
            return
        bid_price = round_price(mid * (1 - _QUOTE_DISTANCE), market, rounding=ROUND_DOWN)
        ask_price = round_price(mid * (1 + _QUOTE_DISTANCE), market, rounding=ROUND_UP)
        await self._inject_due_faults()

        # 1. Two post-only quotes, sent at once. The tracker picks their clientIds and tracks
        #    them before sending: an answer lost after the order was placed leaves it UNKNOWN
        #    (or already OPEN from the stream), never failed.
        quotes = await _attempt(
            self.state,
            lambda: asyncio.gather(
                tracker.submit(
                    symbol,
                    Side.BID,
                    OrderType.LIMIT,
                    quantity=quantity,
                    price=bid_price,
                    post_only=True,
                ),
                tracker.submit(
                    symbol,
                    Side.ASK,
                    OrderType.LIMIT,
                    quantity=quantity,
                    price=ask_price,
                    post_only=True,
                ),
            ),
        )
        if quotes is None:
            return
        bid, ask = quotes
        if not (self._placed(bid) & self._placed(ask)):
            return
        self.state.last_action = (
            f"{symbol}: quoted {_fmt(quantity)} @ {_fmt(bid_price)} / {_fmt(ask_price)}"
        )

        # 2. Amend the bid one tick lower: cancel-replace places the new bid only once the old
        #    one has ended, so both are never live at once.
        tick = market.filters.price.tick_size or Decimal(0)
        new_bid_price = bid_price - tick
        if new_bid_price > 0:
            try:
                replaced = await _attempt(
                    self.state,
                    lambda: tracker.cancel_replace(bid.client_id, price=new_bid_price, timeout=5),
                )
            except asyncio.TimeoutError:
                replaced = None
                self.state.last_action = f"{symbol}: the old bid had not ended; not amended"
            if tracker.get(bid.client_id).state is OrderState.CANCELLED:
                self.state.report.orders_cancelled += 1
            if replaced is not None and self._placed(replaced):
                self.state.report.orders_amended += 1
                self.state.last_action = (
                    f"{symbol}: amended bid {_fmt(bid_price)} -> {_fmt(new_bid_price)}"
                )

        # 3. Cancel whatever of this market is still live.
        for order in tracker.snapshot().values():
            if order.symbol == symbol and not order.state.terminal:
                after = await _attempt(
                    self.state, functools.partial(tracker.cancel, order.client_id)
                )
                if after is not None and (
                    after.state is OrderState.CANCELLED or after.cancel_pending
                ):
                    self.state.report.orders_cancelled += 1

        # 4. Take liquidity with a market order; alternating sides keeps the balances steady.
        side = self.taker_sides.get(symbol, Side.BID)
        self.taker_sides[symbol] = Side.ASK if side is Side.BID else Side.BID
        taken = await _attempt(
            self.state,
            lambda: tracker.submit(symbol, side, OrderType.MARKET, quantity=quantity),
        )
        if taken is not None and self._placed(taken):
            verb = "bought" if side is Side.BID else "sold"
            self.state.last_action = (
                f"{symbol}: {verb} {_fmt(taken.executed_quantity)} at market "
                f"for {_fmt(taken.executed_quote_quantity)} {market.quote_symbol}"
            )

        # 5. Read back fills and balances.
        fills = await _attempt(self.state, lambda: self.client.history.fills(limit=1000))
        if fills is not None:
            self.state.report.fills = len(fills)
        balances = await _attempt(self.state, self.client.capital.balances)
        if balances is not None:
            self.balances = balances

    async def _settle(self) -> None:
        """Give orders with an unknown outcome a moment to be resolved, then report."""
        tracker = self.tracker
        hit = [
            order
            for order in tracker.snapshot().values()
            if isinstance(order.error, OutcomeUnknownError)
        ]
        unresolved = {OrderState.SUBMITTED, OrderState.UNKNOWN}

        def known(order: TrackedOrder) -> bool:
            return order.state not in unresolved

        waits = [tracker.wait(order.client_id, until=known, timeout=_SETTLE) for order in hit]
        await asyncio.gather(*waits, return_exceptions=True)
        outcomes: dict[str, int] = {}
        for order in hit:
            state = tracker.get(order.client_id).state
            outcomes[state.value] = outcomes.get(state.value, 0) + 1
        report = self.state.report
        report.orders_unknown_after_faults = len(hit)
        report.orders_resolved_after_faults = sum(
            count for state, count in outcomes.items() if OrderState(state) not in unresolved
        )
        injected = ", ".join(f"{count} {fault}" for fault, count in self.fault_counts.items())
        ended = ", ".join(f"{count} {state}" for state, count in sorted(outcomes.items()))
        report.tracker = (
            f"tracker: {len(tracker.snapshot())} orders; faults injected: {injected or 'none'}\n"
            f"  resolved after faults: {report.orders_resolved_after_faults} of {len(hit)} "
            f"orders whose answer was lost ({ended or '-'})"
        )


async def _show_progress(state: _State, out: TextIO, symbols: Sequence[str]) -> None:
    rotation = itertools.cycle(symbols)
    while True:
        await asyncio.sleep(_PROGRESS_EVERY)
        if not state.running():
            return
        report, recorder = state.report, state.recorder
        symbol = next(rotation)
        bid, ask = state.books.get(symbol, (None, None))
        line = (
            f"[{state.now() - state.started:5.1f}s] {recorder.requests:5d} requests"
            f"  p50 {_ms(recorder.percentile(0.5))}  polls {report.polls}"
        )
        if report.mode == "fake":
            line += (
                f"  orders {report.orders_placed} placed/{report.orders_amended} amended/"
                f"{report.orders_cancelled} cancelled  fills {report.fills}"
            )
        line += f"  errors {report.errors}  | {symbol} {_fmt(bid)} x {_fmt(ask)}"
        if state.last_action:
            line += f"  | {state.last_action}"
        print(line, file=out, flush=True)


# --- running it -------------------------------------------------------------------------------


async def _run_tasks(state: _State, tasks: Sequence[Awaitable[None]]) -> None:
    """Run the demo's tasks until the deadline (plus a short grace), then cancel stragglers."""
    running = [asyncio.ensure_future(task) for task in tasks]
    timeout = max(0.0, state.deadline - state.now()) + _GRACE
    _, pending = await asyncio.wait(running, timeout=timeout)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in running:
        failure = None if task.cancelled() else task.exception()
        if failure is not None:
            raise failure


def _summary(report: DemoReport, out: TextIO) -> None:
    rate = report.requests / report.duration_s if report.duration_s > 0 else 0.0
    where = "fake exchange on 127.0.0.1" if report.mode == "fake" else "live exchange"
    lines = [
        f"summary ({where}, {report.duration_s:.1f} s, {len(report.symbols)} markets polled)",
        f"  requests: {report.requests} ({rate:.1f}/s), {report.polls} polling rounds",
        f"  latency p50: {_ms(report.p50_ms)}, p99: {_ms(report.p99_ms)}",
        f"  errors: {report.errors}"
        + (f" (last: {report.last_error})" if report.last_error else ""),
    ]
    if report.mode == "fake":
        lines.append(
            f"  orders: {report.orders_placed} placed, {report.orders_amended} amended, "
            f"{report.orders_cancelled} cancelled; fills: {report.fills}"
        )
    if report.tracker:
        lines.append(f"  {report.tracker}")
    if report.perpetual:
        lines.append(f"  {report.perpetual}")
    print("\n".join(lines), file=out, flush=True)


async def _trade_perpetual(client: AsyncClient, exchange: FakeExchange) -> str:
    """Open a SOL_USDC_PERP long with a stop-loss, reduce it, then move the mark price so the
    stop-loss closes the rest; return one summary line with the position on the way."""
    symbol = "SOL_USDC_PERP"
    await client.orders.execute(symbol, Side.BID, OrderType.MARKET, quantity="2")
    [opened] = await client.positions.list(symbol=symbol)
    stop = round_price((opened.entry_price or Decimal(0)) * Decimal("0.97"), Decimal("0.01"))
    # The stop-loss is attached to a second buy, so it protects what that one executes.
    await client.orders.execute(
        symbol,
        Side.BID,
        OrderType.MARKET,
        quantity="1",
        stop_loss_trigger_price=stop,
        stop_loss_trigger_by="MarkPrice",
    )
    await client.orders.execute(
        symbol, Side.ASK, OrderType.MARKET, quantity="2", reduce_only=True
    )
    [held] = await client.positions.list(symbol=symbol)
    shown = (
        f"{held.net_quantity} @ {_fmt(held.entry_price)}, "
        f"unrealized {_fmt(held.pnl_unrealized)} USDC"
    )
    exchange.set_mark_price(symbol, stop - Decimal("0.5"))
    left = await client.positions.list()
    [closed] = await client.history.positions(symbol=symbol, limit=1)
    state = "closed by the stop-loss" if not left else "still open"
    return (
        f"perpetual: {symbol} opened 3, reduced to {shown}; mark {_fmt(stop - Decimal('0.5'))} "
        f"< stop {_fmt(stop)}: {state}, realized {_fmt(closed.cumulative_pnl_realized)} USDC"
    )


def _finish(report: DemoReport, state: _State) -> None:
    report.duration_s = state.now() - state.started
    report.requests = state.recorder.requests
    report.p50_ms = state.recorder.percentile(0.5)
    report.p99_ms = state.recorder.percentile(0.99)


async def _fake_demo(
    duration: float, symbol_count: int | None, out: TextIO, recorder: LatencyRecorder
) -> DemoReport:
    async with FakeExchange() as exchange:
        api_key, api_secret = exchange.add_account(DEMO_BALANCES)
        print(
            f"fake exchange listening on {exchange.base_url}; "
            f"account funded with {', '.join(f'{q} {a}' for a, q in DEMO_BALANCES.items())}",
            file=out,
            flush=True,
        )
        session = aiohttp.ClientSession(trace_configs=[recorder.trace_config()])
        try:
            async with AsyncClient(
                api_key,
                api_secret,
                base_url=exchange.base_url,
                ws_url=exchange.ws_url,
                session=session,
            ) as client:
                markets = sorted(await client.markets.list(), key=lambda m: m.symbol)
                chosen = [m.symbol for m in markets][: symbol_count or len(markets)]
                spot = [m for m in markets if m.market_type == MarketType.SPOT]
                loop = asyncio.get_running_loop()
                started = loop.time()
                report = DemoReport(mode="fake", duration_s=duration, symbols=chosen)
                state = _State(report, recorder, started, started + duration)
                trader = _Trader(client, state, spot, exchange)
                print(
                    f"polling {len(chosen)} markets ({', '.join(chosen)}) and trading "
                    f"{', '.join(m.symbol for m in spot)} for {duration:g} s",
                    file=out,
                    flush=True,
                )
                await _run_tasks(
                    state,
                    [
                        _poll_market_data(client, state, chosen, _FAKE_POLL_PAUSE),
                        trader.run(),
                        _show_progress(state, out, chosen),
                    ],
                )
                report.perpetual = await _attempt(
                    state, lambda: _trade_perpetual(client, exchange)
                )
                fills = await _attempt(state, lambda: client.history.fills(limit=5))
                balances = await _attempt(state, client.capital.balances)
                _finish(report, state)
        finally:
            await session.close()

    if fills:
        columns = select(
            FILL_COLUMNS, "time", "symbol", "side", "price", "quantity", "fee", "maker"
        )
        print("\nlatest fills\n" + render_table(columns, fills), file=out)
    if balances:
        table = render_table(BALANCE_COLUMNS, balance_rows(balances))
        print("\nbalances\n" + table, file=out)
    print(file=out)
    return report


async def _live_demo(
    duration: float,
    symbol_count: int | None,
    base_url: str,
    out: TextIO,
    recorder: LatencyRecorder,
) -> DemoReport:
    session = aiohttp.ClientSession(trace_configs=[recorder.trace_config()])
    try:
        async with AsyncClient(base_url=base_url, session=session) as client:
            markets, tickers = await asyncio.gather(
                client.markets.list(market_type=MarketType.SPOT), client.markets.tickers()
            )
            volume = {t.symbol: t.quote_volume or Decimal(0) for t in tickers}
            ranked = sorted(
                (m.symbol for m in markets), key=lambda s: volume.get(s, Decimal(0)), reverse=True
            )
            chosen = ranked[: symbol_count or LIVE_DEFAULT_SYMBOLS]
            print(
                f"polling {len(chosen)} markets of {base_url} for {duration:g} s "
                f"(public data only): {', '.join(chosen)}",
                file=out,
                flush=True,
            )
            started = asyncio.get_running_loop().time()
            report = DemoReport(mode="live", duration_s=duration, symbols=chosen)
            state = _State(report, recorder, started, started + duration)
            await _run_tasks(
                state,
                [
                    _poll_market_data(client, state, chosen, _LIVE_POLL_PAUSE),
                    _show_progress(state, out, chosen),
                ],
            )
            _finish(report, state)
    finally:
        await session.close()
    print(file=out)
    return report


async def run_demo(
    *,
    duration: float = 30.0,
    symbols: int | None = None,
    live: bool = False,
    base_url: str | None = None,
    out: TextIO | None = None,
) -> DemoReport:
    """Run the demo for ``duration`` seconds, printing progress and a summary to ``out``.

    Offline (default): starts a :class:`~bpx_async.testing.FakeExchange` on 127.0.0.1, funds an
    account and trades on it with a real :class:`AsyncClient` over HTTP. ``live``: polls public
    market data of ``base_url`` (default: the real exchange); no keys are used. ``symbols``
    limits how many markets are polled.
    """
    if duration <= 0:
        raise ValueError("duration must be greater than zero")
    if symbols is not None and symbols < 1:
        raise ValueError("symbols must be at least 1")
    stream = out if out is not None else sys.stdout
    recorder = LatencyRecorder()
    if live:
        report = await _live_demo(duration, symbols, base_url or DEFAULT_BASE_URL, stream, recorder)
    else:
        report = await _fake_demo(duration, symbols, stream, recorder)
    _summary(report, stream)
    return report
