"""WebSocket side of the fake exchange: SUBSCRIBE/UNSUBSCRIBE acknowledged by silence, signed
private streams, ``{"stream","data"}`` frames fed by the matching engine, and fault hooks.

Faithful where the exchange's behaviour is documented (https://docs.backpack.exchange/): error
frames ``{"id": null, "error": {...}}``; aggregated depth variants (``depth.200ms.<s>`` merges
the deltas of each 200 ms into one message with the first ``U`` and last ``u``) that all carry
``e: "depth"``; a ticker pushed every second; klines built from trades; absolute balance updates
derived from the engine's balances after each order event (unless the engine sends its own); a
position snapshot without ``e`` right after ``account.positionUpdate`` is subscribed.
Controllable for tests through ``fx.ws``: kill a socket (abort or Close with a code), stall
data, stop answering pings, refuse connections, drop depth frames (a gap), cross the book, serve
a stale REST snapshot, inject any frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, WSMsgType, web

from ._auth import AuthError, Verifier

if TYPE_CHECKING:
    from ._engine import MatchingEngine
    from ._faults import Faults

__all__ = ["ReceivedMessage", "WebSocketHub"]

#: Error codes of the fake's error frames. 4006 is the one captured from the real exchange,
#: 4003 the one a public client documents for a bad signature; 4000 and 4001 are the fake's.
INVALID_REQUEST = 4000
AUTH_FAILED = 4001
INVALID_SIGNATURE = 4003
INVALID_STREAM = 4006

_DEPTH_SPEEDS = ("", "200ms.", "600ms.", "1000ms.")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "month": 2592000}


def _interval_seconds(interval: str) -> int | None:
    """Seconds of a kline interval (``1s``, ``15m``, ``1month`` ...); None if it is not one."""
    digits = interval[: len(interval) - len(interval.lstrip("0123456789"))]
    unit = interval[len(digits) :]
    if not digits or unit not in _UNIT_SECONDS:
        return None
    return int(digits) * _UNIT_SECONDS[unit]


#: The exchange's kline intervals and their widths.
_KLINE_SECONDS = {
    interval: seconds
    for interval in (
        "1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d",
        "1w", "1month",
    )
    if (seconds := _interval_seconds(interval)) is not None
}
_SYMBOL_KINDS = ("trade.", "bookTicker.", "markPrice.", "ticker.", "openInterest.")
#: Private event kinds of the engine; their key is the account.
_PRIVATE_KINDS = ("orderUpdate", "positionUpdate", "rfqUpdate", "balanceUpdate")
#: Private streams that take no symbol suffix.
_UNSCOPED_PRIVATE = ("balanceUpdate",)

_Frame = dict[str, Any]


@dataclass(frozen=True)
class ReceivedMessage:
    """A SUBSCRIBE or UNSUBSCRIBE the hub received (the signature itself is not kept)."""

    connection: int
    method: str
    params: tuple[str, ...]
    #: The signed timestamp (ms) when the message carried a signature.
    signed_at: int | None
    received_at: float = field(compare=False)


@dataclass(eq=False)
class _Connection:
    number: int
    request: web.Request
    ws: web.WebSocketResponse
    public: set[str] = field(default_factory=set)
    #: private stream -> the API key whose signature opened it
    private: dict[str, str] = field(default_factory=dict)
    outbox: asyncio.Queue[_Frame | None] = field(default_factory=asyncio.Queue)
    last_pong: float | None = None

    def send(self, frame: _Frame) -> None:
        self.outbox.put_nowait(frame)

    def wants(self, stream: str) -> bool:
        return stream in self.public or stream in self.private

    async def write_loop(self) -> None:
        # One writer per socket keeps frames in the order the engine produced them.
        while (frame := await self.outbox.get()) is not None:
            if self.ws.closed:
                return
            try:
                await self.ws.send_str(json.dumps(frame, separators=(",", ":"), default=str))
            except ConnectionError:
                return


def _error(code: int, message: str, request_id: Any = None) -> _Frame:
    return {"id": request_id, "error": {"code": code, "message": message}}


def _price_key(level: tuple[str, Any]) -> Decimal:
    return Decimal(level[0])


def _naive_iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class _Candle:
    start: int  # seconds
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal = Decimal(0)
    trades: int = 0


class WebSocketHub:
    """All WebSocket connections of one fake exchange, their subscriptions and fault hooks.

    ``FakeExchange.ws`` is this object. Hooks for tests and users:

    * ``await kill()`` aborts every socket (no Close frame); ``await kill(code=1001)`` closes
      them with that code.
    * ``stall()`` / ``resume()``: stop / restart sending data frames (pings still answered).
    * ``answer_pings = False``: stop answering the clients' pings.
    * ``refuse(n)``: answer the next ``n`` connection attempts with HTTP 503 (None: forever).
    * ``drop_depth(symbol, n)``: leave out the next ``n`` depth frames of ``symbol`` (a gap).
    * ``cross_next_depth(symbol)``: the next depth frame of ``symbol`` also carries a bid at the
      best ask price (a crossed book; the engine's book is not changed).
    * ``serve_snapshot(body, times)`` / ``stale_snapshot(symbol, times)``: the next REST depth
      answers carry ``body`` / the book as it is now.
    * ``inject(stream, data)`` sends a data frame (even while stalled); ``send_error(code,
      message)`` an error frame.
    * ``ticker_interval``: seconds between ticker pushes (1.0 like the exchange).
    * ``position_snapshot(account, symbol)``: positions sent on subscribe (default none).
    """

    def __init__(
        self,
        symbols: Collection[str],
        verifier: Verifier,
        *,
        engine: MatchingEngine | None = None,
        faults: Faults | None = None,
        ticker_interval: float = 1.0,
    ) -> None:
        self._symbols = frozenset(symbols)
        self._verifier = verifier
        self._engine = engine
        self._faults = faults
        self._live: set[_Connection] = set()
        self._numbers = 0
        self.received: list[ReceivedMessage] = []
        self.connection_attempts = 0
        self.ticker_interval = ticker_interval
        self.answer_pings = True
        self.position_snapshot: Callable[[str, str | None], list[_Frame]] = lambda _a, _s: []
        self._stalled = False
        self._refuse: int | None = 0
        self._drop_depth: dict[str, int] = {}
        self._cross_depth: set[str] = set()
        self._tickers: dict[str, _Frame] = {}
        self._candles: dict[tuple[str, str], _Candle] = {}
        self._pusher: asyncio.Task[None] | None = None
        #: Aggregated depth variants wait ``speed * depth_period_scale`` (1.0: 200 ms ...).
        self.depth_period_scale = 1.0
        self._merged: dict[str, _Frame] = {}
        self._flushes: dict[str, asyncio.TimerHandle] = {}
        #: account -> asset -> (available, locked, staked) last sent on account.balanceUpdate
        self._balances_sent: dict[str, dict[str, tuple[Decimal, Decimal, Decimal]]] = {}
        self._engine_sends_balances = False

    # -- state -------------------------------------------------------------------------------

    @property
    def connection_count(self) -> int:
        return len(self._live)

    def subscribers(self, stream: str) -> int:
        """How many open sockets are subscribed to ``stream``."""
        return sum(1 for connection in self._live if connection.wants(stream))

    def subscriptions(self) -> set[str]:
        """Every stream some open socket is subscribed to."""
        streams: set[str] = set()
        for connection in self._live:
            streams |= connection.public | set(connection.private)
        return streams

    def is_public_stream(self, stream: str) -> bool:
        for kind in _SYMBOL_KINDS:
            if stream.startswith(kind):
                return stream[len(kind) :] in self._symbols
        if stream.startswith("depth."):
            rest = stream[len("depth.") :]
            return any(
                rest.startswith(speed) and rest[len(speed) :] in self._symbols
                for speed in _DEPTH_SPEEDS
            )
        if stream.startswith("kline."):
            interval, _, symbol = stream[len("kline.") :].partition(".")
            return interval in _KLINE_SECONDS and symbol in self._symbols
        return stream == "liquidation"

    def is_private_stream(self, stream: str) -> bool:
        for kind in _PRIVATE_KINDS:
            name = f"account.{kind}"
            if stream == name:
                return True
            if stream.startswith(name + ".") and kind not in _UNSCOPED_PRIVATE:
                return stream[len(name) + 1 :] in self._symbols
        return False

    # -- fault hooks -------------------------------------------------------------------------

    async def kill(self, code: int | None = None) -> int:
        """Abort every socket (``code`` None) or close it with ``code``; returns how many."""
        connections = list(self._live)
        for connection in connections:
            if code is None:
                transport = connection.request.transport
                if transport is not None:
                    transport.abort()
            else:
                await connection.ws.close(code=code)
        return len(connections)

    def stall(self) -> None:
        """Stop sending data frames (sockets stay open and pings are still answered)."""
        self._stalled = True

    def resume(self) -> None:
        self._stalled = False

    def refuse(self, count: int | None = 1) -> None:
        """Refuse the next ``count`` connection attempts with HTTP 503 (None: until reset)."""
        self._refuse = count

    def drop_depth(self, symbol: str, count: int = 1) -> None:
        """Leave out the next ``count`` depth frames of ``symbol``: clients see a gap."""
        self._drop_depth[symbol] = self._drop_depth.get(symbol, 0) + count

    def cross_next_depth(self, symbol: str) -> None:
        """Add a bid at the best ask price to the next depth frame of ``symbol``."""
        self._cross_depth.add(symbol)

    def serve_snapshot(self, body: _Frame, times: int = 1) -> None:
        """Answer the next ``times`` ``GET /api/v1/depth`` requests with ``body``."""
        if self._faults is None:
            raise RuntimeError("this hub has no fault rules to serve snapshots with")
        self._faults.add("status", status=200, path="/api/v1/depth", body=body, times=times)

    def stale_snapshot(self, symbol: str, times: int = 1) -> _Frame:
        """Freeze ``symbol``'s REST depth as it is now for the next ``times`` requests."""
        if self._engine is None:
            raise RuntimeError("this hub has no engine to take a snapshot from")
        body = self._engine.depth(symbol)
        self.serve_snapshot(body, times)
        return body

    def inject(self, stream: str, data: _Frame) -> int:
        """Send a data frame on ``stream`` to every socket subscribed to it; returns how many."""
        return self._fan_out([stream], data, account=None, forced=True)

    def send_error(self, code: int, message: str) -> int:
        """Send an unsolicited error frame to every socket; returns how many."""
        for connection in self._live:
            connection.send(_error(code, message))
        return len(self._live)

    async def ping_all(self) -> int:
        """Send a Ping to every socket (the exchange does so every 60 s)."""
        for connection in list(self._live):
            await connection.ws.ping()
        return len(self._live)

    def last_pongs(self) -> list[float | None]:
        """When each open socket last answered a Ping (``loop.time()``), None if never."""
        return [connection.last_pong for connection in self._live]

    # -- connections -------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.connection_attempts += 1
        if self._refuse is None or self._refuse > 0:
            if self._refuse is not None:
                self._refuse -= 1
            return web.Response(status=503, text="Service unavailable")
        # A short close timeout keeps shutdown quick when a client stops reading.
        ws = web.WebSocketResponse(timeout=2.0, autoping=False)
        await ws.prepare(request)
        self._numbers += 1
        connection = _Connection(self._numbers, request, ws)
        self._live.add(connection)
        self._start_pusher()
        writer = asyncio.create_task(connection.write_loop())
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._on_text(connection, message.data)
                elif message.type == WSMsgType.BINARY:
                    connection.send(_error(INVALID_REQUEST, "Binary frames are not supported"))
                elif message.type == WSMsgType.PING and self.answer_pings:
                    await ws.pong(message.data)
                elif message.type == WSMsgType.PONG:
                    connection.last_pong = asyncio.get_running_loop().time()
        finally:
            self._live.discard(connection)
            connection.outbox.put_nowait(None)
            if not writer.done():
                writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    def _on_text(self, connection: _Connection, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            connection.send(_error(INVALID_REQUEST, "Invalid JSON"))
            return
        if not isinstance(message, dict):
            connection.send(_error(INVALID_REQUEST, "Invalid request"))
            return
        request_id = message.get("id")
        method = message.get("method")
        params = message.get("params")
        if method not in ("SUBSCRIBE", "UNSUBSCRIBE") or not isinstance(params, list):
            connection.send(_error(INVALID_REQUEST, "Invalid request", request_id))
            return
        signature = message.get("signature")
        signed_at: int | None = None
        if isinstance(signature, list) and len(signature) == 4:
            with contextlib.suppress(TypeError, ValueError):
                signed_at = int(signature[2])
        self.received.append(
            ReceivedMessage(
                connection.number,
                method,
                tuple(str(p) for p in params),
                signed_at,
                asyncio.get_running_loop().time(),
            )
        )
        if method == "UNSUBSCRIBE":
            for stream in params:
                if isinstance(stream, str):
                    connection.public.discard(stream)
                    connection.private.pop(stream, None)
            return
        private: list[str] = []
        for stream in params:
            if isinstance(stream, str) and self.is_public_stream(stream):
                connection.public.add(stream)
            elif isinstance(stream, str) and self.is_private_stream(stream):
                private.append(stream)
            else:
                connection.send(_error(INVALID_STREAM, "Invalid stream", request_id))
        if not private:
            return
        try:
            api_key = self._verifier.authenticate_subscription(signature)
        except AuthError as exc:
            code = INVALID_SIGNATURE if "signature" in exc.message.lower() else AUTH_FAILED
            connection.send(_error(code, exc.message, request_id))
            return
        for stream in private:
            connection.private[stream] = api_key
            if stream == "account.balanceUpdate" and self._engine is not None:
                # No snapshot is sent (as on the exchange); later changes are compared to this.
                self._balances_sent[api_key] = self._balance_state(api_key)
            if stream.startswith("account.positionUpdate"):
                symbol = stream.split(".", 2)[2] if stream.count(".") >= 2 else None
                for position in self.position_snapshot(api_key, symbol):
                    snapshot = {key: value for key, value in position.items() if key != "e"}
                    connection.send({"stream": stream, "data": snapshot})

    # -- engine events -----------------------------------------------------------------------

    def publish(self, kind: str, key: str, payload: _Frame) -> None:
        """Engine callback: fan one event out to every socket subscribed to its stream.

        Private kinds (key = account) go to ``account.<kind>`` and, when the payload names a
        symbol, ``account.<kind>.<symbol>``; public kinds (key = symbol) to ``<kind>.<symbol>``,
        and ``depth`` to every depth variant. Trades also feed the kline streams.
        """
        if kind == "balanceUpdate":
            self._engine_sends_balances = True
        elif kind == "orderUpdate" and not self._engine_sends_balances:
            # Balances change with orders: derive account.balanceUpdate once the engine's
            # operation is complete (an engine that sends its own is used instead).
            try:
                asyncio.get_running_loop().call_soon(self._derive_balances, key)
            except RuntimeError:  # called outside the event loop: nothing can be waiting
                self._derive_balances(key)
        if kind in _PRIVATE_KINDS:
            streams = [f"account.{kind}"]
            if isinstance(payload.get("s"), str) and kind not in _UNSCOPED_PRIVATE:
                streams.append(f"account.{kind}.{payload['s']}")
            self._fan_out(streams, payload, account=key)
            return
        if kind == "depth":
            payload = self._depth_faults(key, payload)
            if payload:
                self._fan_out([f"depth.{key}"], payload, None)
                self._aggregate_depth(key, payload)
            return
        if kind == "ticker":
            self._tickers[key] = payload
        # The liquidation stream is one for all markets.
        stream = "liquidation" if kind == "liquidation" else f"{kind}.{key}"
        self._fan_out([stream], payload, account=None)
        if kind == "trade":
            self._on_trade(key, payload)

    def _fan_out(
        self, streams: list[str], payload: _Frame, account: str | None, forced: bool = False
    ) -> int:
        if self._stalled and not forced:
            return 0
        sent = 0
        for connection in self._live:
            for stream in streams:
                public = account is None and stream in connection.public
                private = stream in connection.private and account in (
                    None,
                    connection.private[stream],
                )
                if public or private:
                    connection.send({"stream": stream, "data": payload})
                    sent += 1
        return sent

    def _depth_faults(self, symbol: str, payload: _Frame) -> _Frame:
        if self._drop_depth.get(symbol):
            self._drop_depth[symbol] -= 1
            return {}
        if symbol in self._cross_depth and self._engine is not None:
            self._cross_depth.discard(symbol)
            _, ask = self._engine.best_bid_ask(symbol)
            if ask is not None:
                payload = {**payload, "b": [*payload.get("b", []), [str(ask[0]), "1"]]}
        return payload

    # -- balances --------------------------------------------------------------------------

    def _balance_state(self, account: str) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
        assert self._engine is not None
        return {
            asset: (held["available"], held["locked"], held["staked"])
            for asset, held in self._engine.balances(account).items()
        }

    def _derive_balances(self, account: str) -> None:
        sent = self._balances_sent.get(account)
        if self._engine_sends_balances or self._engine is None or sent is None:
            return
        if not any(c.private.get("account.balanceUpdate") == account for c in self._live):
            return
        now_us = time.time_ns() // 1000
        for asset, state in self._balance_state(account).items():
            if sent.get(asset) == state:
                continue
            sent[asset] = state
            available, locked, staked = (format(value, "f") for value in state)
            payload = {"e": "balanceUpdate", "E": now_us, "T": now_us, "a": asset,
                       "A": available, "L": locked, "S": staked}
            self._fan_out(["account.balanceUpdate"], payload, account=account)

    # -- aggregated depth ----------------------------------------------------------------

    def _aggregate_depth(self, symbol: str, payload: _Frame) -> None:
        """Merge a delta into each subscribed aggregated variant, sent when its period ends."""
        for speed in _DEPTH_SPEEDS[1:]:
            stream = f"depth.{speed}{symbol}"
            if not self.subscribers(stream):
                continue
            merged = self._merged.get(stream)
            if merged is None:
                merged = self._merged[stream] = {
                    **payload,
                    "a": {},
                    "b": {},
                }
                period = int(speed.rstrip("ms.")) / 1000 * self.depth_period_scale
                loop = asyncio.get_running_loop()
                self._flushes[stream] = loop.call_later(period, self._flush_depth, stream)
            for side in ("a", "b"):
                for price, quantity in payload.get(side, []):
                    merged[side][price] = quantity  # absolute quantities: the newest wins
            merged["u"], merged["E"], merged["T"] = payload["u"], payload["E"], payload["T"]

    def _flush_depth(self, stream: str) -> None:
        self._flushes.pop(stream, None)
        merged = self._merged.pop(stream, None)
        if merged is None:
            return
        for side in ("a", "b"):
            merged[side] = [[p, q] for p, q in sorted(merged[side].items(), key=_price_key)]
        self._fan_out([stream], merged, account=None)

    # -- ticker and klines -------------------------------------------------------------------

    def _start_pusher(self) -> None:
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.create_task(self._push_tickers())

    async def _push_tickers(self) -> None:
        while self._live:
            await asyncio.sleep(self.ticker_interval)
            for symbol in sorted(self._symbols):
                stream = f"ticker.{symbol}"
                if self.subscribers(stream):
                    self._fan_out([stream], self._ticker(symbol), account=None)

    def _ticker(self, symbol: str) -> _Frame:
        now_us = time.time_ns() // 1000
        known = self._tickers.get(symbol)
        if known is not None:
            return {**known, "E": now_us}
        last = str(self._engine.last_price(symbol)) if self._engine is not None else "0"
        return {
            "e": "ticker",
            "E": now_us,
            "s": symbol,
            "o": last,
            "c": last,
            "h": last,
            "l": last,
            "v": "0",
            "V": "0",
            "n": 0,
        }

    def _on_trade(self, symbol: str, trade: _Frame) -> None:
        seconds = int(trade.get("T") or time.time_ns() // 1000) // 1_000_000
        price, quantity = Decimal(str(trade["p"])), Decimal(str(trade["q"]))
        for interval, width in _KLINE_SECONDS.items():
            stream = f"kline.{interval}.{symbol}"
            if not self.subscribers(stream):
                continue
            start = seconds - seconds % width
            candle = self._candles.get((interval, symbol))
            if candle is not None and candle.start != start:
                self._fan_out([stream], self._kline(symbol, width, candle, closed=True), None)
                candle = None
            if candle is None:
                candle = _Candle(start, price, price, price, price)
                self._candles[(interval, symbol)] = candle
            candle.high, candle.low = max(candle.high, price), min(candle.low, price)
            candle.close = price
            candle.volume += quantity
            candle.trades += 1
            self._fan_out([stream], self._kline(symbol, width, candle, closed=False), None)

    @staticmethod
    def _kline(symbol: str, width: int, candle: _Candle, *, closed: bool) -> _Frame:
        return {
            "e": "kline",
            "E": time.time_ns() // 1000,
            "s": symbol,
            "t": _naive_iso(candle.start),
            "T": _naive_iso(candle.start + width),
            "o": str(candle.open),
            "c": str(candle.close),
            "h": str(candle.high),
            "l": str(candle.low),
            "v": str(candle.volume),
            "n": candle.trades,
            "X": closed,
        }

    # -- shutdown ----------------------------------------------------------------------------

    async def close_all(self, code: int = WSCloseCode.GOING_AWAY, message: bytes = b"") -> int:
        """Close every open socket (as the exchange does on shutdown); return how many."""
        connections = list(self._live)
        for connection in connections:
            await connection.ws.close(code=code, message=message)
        return len(connections)

    async def aclose(self) -> None:
        """Close every socket and stop the ticker pusher."""
        await self.close_all()
        for handle in self._flushes.values():
            handle.cancel()
        self._flushes.clear()
        self._merged.clear()
        pusher, self._pusher = self._pusher, None
        if pusher is not None and not pusher.done():
            pusher.cancel()
            await asyncio.wait({pusher})
