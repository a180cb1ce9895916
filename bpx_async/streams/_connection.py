"""The client's one WebSocket: connect, (re)subscribe with fresh signatures, read, dispatch,
keep alive, and reconnect with capped, jittered backoff.

One reader task per connection dispatches each frame on its envelope ``stream`` to the
consumers of that stream (user :class:`~bpx_async.streams.Stream` objects and order-book
managers). Consumers never block the reader: each decides in ``deliver`` what to do with an
event (a bounded queue, or an order book applying a delta in place).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import aiohttp

from ..errors import CredentialsError
from ..signing import Signer
from ._names import is_private, parse_stream
from .errors import (
    InvalidStreamError,
    StreamAuthError,
    StreamClosedError,
    StreamConnectError,
    StreamSubscribeError,
)
from .events import StreamErrorEvent, StreamItem, StreamReset, decode, decode_payload

__all__ = ["StreamConnection", "StreamOptions", "StreamStats"]

logger = logging.getLogger("bpx_async.streams")

#: Error codes the exchange (or the fake) uses for refused signatures.
_AUTH_CODES = frozenset({4001, 4003})
_INVALID_STREAM = 4006


@dataclass(frozen=True)
class StreamOptions:
    """Timing knobs of a client's WebSocket (seconds). Change them with
    ``client.streams.configure(...)``; they apply from the next wait on.

    * ``backoff_base``/``backoff_cap``: reconnect delay is uniform in
      ``[0, min(cap, base * 2**attempt)]`` (full jitter).
    * ``stable_after``: a connection that lived this long resets the attempt counter, and a
      Close from the server after it reconnects at once (an accept-then-close server backs off).
    * ``ping_interval``/``pong_timeout``: our own heartbeat; a missing pong reconnects.
    * ``silence_timeout``: with public streams, no data for this long reconnects (None: off).
    * ``canary``: with public streams, also subscribe a hidden ``ticker.<symbol>`` (pushed every
      second) so that silence is measurable.
    * ``subscribe_grace``: how long a subscribe call waits for an error frame (the exchange
      acknowledges a good SUBSCRIBE with silence).
    * ``connect_timeout``: one connection attempt; ``open_timeout``: how long entering
      ``client.stream(...)`` waits for the first connection; ``close_timeout``: closing handshake.
    """

    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    stable_after: float = 10.0
    ping_interval: float = 20.0
    pong_timeout: float = 10.0
    silence_timeout: float | None = 15.0
    canary: bool = True
    subscribe_grace: float = 0.5
    connect_timeout: float = 10.0
    open_timeout: float = 30.0
    close_timeout: float = 2.0


@dataclass
class StreamStats:
    """Counters of one connection, for monitoring and tests."""

    connects: int = 0
    failed_connects: int = 0
    disconnects: int = 0
    #: The last reconnect delays chosen (seconds), newest last.
    delays: deque[float] = field(default_factory=lambda: deque(maxlen=100))
    #: Why the connection dropped, newest last.
    reasons: deque[str] = field(default_factory=lambda: deque(maxlen=100))
    error_frames: int = 0
    bad_frames: int = 0


class Consumer(Protocol):
    """What the connection needs from whoever receives events."""

    def deliver(self, item: StreamItem) -> None: ...

    def disconnected(self, reason: str) -> None: ...

    def connection_closed(self) -> None: ...


class _Dropped(Exception):
    """The socket is gone; ``server_close`` when the exchange closed it with a Close frame."""

    def __init__(self, reason: str, server_close: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.server_close = server_close


class StreamConnection:
    """One WebSocket shared by every stream and order book of a client.

    It runs only while some consumer is attached: the first ``attach`` starts it, the last
    ``detach`` closes the socket and awaits its tasks. ``client.stream(...)`` and
    ``client.order_book(...)`` use it; most users never touch it except to ``configure`` it.
    """

    def __init__(
        self,
        *,
        session: Callable[[], aiohttp.ClientSession],
        url: str,
        signer: Signer | None,
        window: int,
        clock: Callable[[], int],
    ) -> None:
        self._session = session
        self.url = url
        self._signer = signer
        self._window = window
        self._clock = clock
        self.options = StreamOptions()
        self.stats = StreamStats()
        #: The jitter source of the backoff (replaceable, e.g. seeded, in tests).
        self.random = random.Random()
        self._consumers: dict[Consumer, set[str]] = {}
        self._routes: dict[str, set[Consumer]] = {}
        self._wanted: dict[str, int] = {}  # stream -> how many consumers want it
        self._on_server: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None  # set while subscribed & live
        self._connected: asyncio.Event | None = None
        self._lock: asyncio.Lock | None = None
        self._grace: asyncio.Future[StreamErrorEvent] | None = None
        self._last_data = 0.0
        self._last_pong = 0.0
        self._closed = False
        self._last_error: BaseException | None = None

    def configure(self, **knobs: Any) -> StreamOptions:
        """Replace some :class:`StreamOptions` values; returns the new options."""
        self.options = replace(self.options, **knobs)
        return self.options

    @property
    def connected(self) -> bool:
        return self._ws is not None

    @property
    def subscriptions(self) -> frozenset[str]:
        """The streams subscribed on the exchange right now (the canary included)."""
        return frozenset(self._on_server)

    # -- consumers ---------------------------------------------------------------------------

    def attach(self, consumer: Consumer) -> None:
        """Register a consumer (with no streams yet) and start the connection if needed."""
        if self._closed:
            raise StreamClosedError("this client is closed; create a new one")
        self._consumers.setdefault(consumer, set())
        if self._task is None or self._task.done():
            self._connected = asyncio.Event()
            self._lock = asyncio.Lock()
            self._task = asyncio.create_task(self._run(), name="bpx-websocket")

    async def detach(self, consumer: Consumer) -> None:
        """Drop a consumer and its subscriptions; the last one closes the connection."""
        streams = self._consumers.get(consumer)
        if streams is None:
            return
        if len(self._consumers) == 1:  # the last one: closing the socket says it all
            self._release(consumer, list(streams))
            self._consumers.pop(consumer, None)
            await self._stop()
            return
        if streams:
            with contextlib.suppress(StreamSubscribeError):
                await self.unsubscribe(consumer, list(streams))
        self._consumers.pop(consumer, None)

    async def wait_connected(self, timeout: float | None = None) -> None:
        """Wait until the socket is open and subscribed; :class:`StreamConnectError` if not."""
        if self._connected is None:
            raise StreamClosedError("the connection is not running")
        limit = self.options.open_timeout if timeout is None else timeout
        try:
            await asyncio.wait_for(self._connected.wait(), limit)
        except asyncio.TimeoutError:
            cause = f": {type(self._last_error).__name__}: {self._last_error}" if (
                self._last_error is not None
            ) else ""
            raise StreamConnectError(
                f"no WebSocket connection to {self.url} within {limit:g}s{cause}"
            ) from None

    def check_names(self, streams: Iterable[str]) -> None:
        """Refuse unknown names and private streams without keys, before anything is sent."""
        for name in streams:
            parse_stream(name)
            if is_private(name) and self._signer is None:
                raise CredentialsError(
                    f"{name} is a private stream: pass api_secret or use AsyncClient.from_env()"
                )

    async def subscribe(self, consumer: Consumer, streams: Iterable[str]) -> None:
        """Add streams to a consumer; a stream new to the socket is SUBSCRIBEd.

        Names are checked first (nothing is sent for a bad one). When the socket is live, the
        call waits ``subscribe_grace`` for an error frame and raises it as a
        :class:`StreamSubscribeError`, undoing this call's subscriptions.
        """
        names = list(dict.fromkeys(streams))
        self.check_names(names)
        mine = self._consumers.get(consumer)
        if mine is None:
            raise StreamClosedError("this stream is closed")
        added = [name for name in names if name not in mine]
        for name in added:
            mine.add(name)
            self._routes.setdefault(name, set()).add(consumer)
            self._wanted[name] = self._wanted.get(name, 0) + 1
        try:
            await self._sync(check=True)
        except StreamSubscribeError:
            self._release(consumer, added)
            await self._sync(check=False)
            raise

    async def unsubscribe(self, consumer: Consumer, streams: Iterable[str]) -> None:
        """Remove streams from a consumer; UNSUBSCRIBE goes out when nobody wants them."""
        mine = self._consumers.get(consumer, set())
        self._release(consumer, [name for name in streams if name in mine])
        await self._sync(check=False)

    def _release(self, consumer: Consumer, names: Iterable[str]) -> None:
        mine = self._consumers.get(consumer, set())
        for name in names:
            mine.discard(name)
            routes = self._routes.get(name)
            if routes is not None:
                routes.discard(consumer)
                if not routes:
                    del self._routes[name]
            count = self._wanted.get(name, 0) - 1
            if count > 0:
                self._wanted[name] = count
            else:
                self._wanted.pop(name, None)

    # -- subscriptions on the socket ---------------------------------------------------------

    def _desired(self) -> set[str]:
        desired = set(self._wanted)
        if self.options.canary:
            # The oldest public stream picks the canary, so it stays put while that one lives.
            for name in self._wanted:
                parsed = parse_stream(name)
                if not parsed.private and parsed.symbol is not None:
                    desired.add(f"ticker.{parsed.symbol}")
                    break
        return desired

    async def _sync(self, *, check: bool) -> None:
        """Make the socket's subscriptions match what the consumers want."""
        if self._lock is None:
            return
        async with self._lock:
            ws = self._ws
            if ws is None:
                return  # the next connection subscribes everything wanted
            await self._send_changes(ws, check=check)

    async def _send_changes(self, ws: aiohttp.ClientWebSocketResponse, *, check: bool) -> None:
        desired = self._desired()
        added = sorted(desired - self._on_server)
        removed = sorted(self._on_server - desired)
        try:
            if removed:
                await self._send(ws, "UNSUBSCRIBE", removed)
                self._on_server.difference_update(removed)
            public = [name for name in added if not is_private(name)]
            private = [name for name in added if is_private(name)]
            for group in (public, private):
                if group:
                    await self._subscribe_group(ws, group, check=check)
        except (ConnectionError, aiohttp.ClientError, RuntimeError, asyncio.TimeoutError) as exc:
            # The socket died under us: the reader notices, and the next connection
            # subscribes everything wanted.
            logger.debug("send failed (%s); resubscribing after reconnect", exc)

    async def _subscribe_group(
        self, ws: aiohttp.ClientWebSocketResponse, group: list[str], *, check: bool
    ) -> None:
        loop = asyncio.get_running_loop()
        if check:
            self._grace = loop.create_future()
        try:
            await self._send(ws, "SUBSCRIBE", group)
            self._on_server.update(group)
            if not check or self._grace is None:
                return
            try:
                error = await asyncio.wait_for(
                    asyncio.shield(self._grace), self.options.subscribe_grace
                )
            except asyncio.TimeoutError:
                return  # silence: accepted
        finally:
            self._grace = None
        self._on_server.difference_update(group)
        raise _subscribe_error(error, tuple(group))

    async def _send(
        self, ws: aiohttp.ClientWebSocketResponse, method: str, names: list[str]
    ) -> None:
        message: dict[str, Any] = {"method": method, "params": names}
        if any(is_private(name) for name in names) and self._signer is not None:
            # Signed at the moment it is sent: a fresh timestamp on every (re)subscribe.
            message["signature"] = self._signer.ws_signature(
                timestamp=self._clock(), window=self._window
            )
        await asyncio.wait_for(
            ws.send_str(json.dumps(message, separators=(",", ":"))), self.options.close_timeout
        )

    # -- the connection loop -----------------------------------------------------------------

    def backoff(self, attempt: int) -> float:
        """Full-jitter delay before reconnect attempt ``attempt`` (1, 2, ...)."""
        ceiling = min(self.options.backoff_cap, self.options.backoff_base * 2 ** min(attempt, 30))
        return self.random.uniform(0, ceiling)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        # This run's own state: a run being stopped must not touch the next one's.
        connected, lock = self._connected, self._lock
        assert connected is not None and lock is not None
        attempt = 0
        down_since: float | None = None
        reason = ""
        this_run = asyncio.current_task()
        # A run ends when it is no longer the connection's run, even if the cancellation that
        # stopped it was lost (asyncio.wait_for before 3.12 can swallow one that races a result).
        while self._task is this_run:
            try:
                ws = await asyncio.wait_for(
                    self._session().ws_connect(
                        self.url,
                        autoping=False,  # pings and pongs are answered and watched here
                        heartbeat=None,
                        **_ws_timeout(self.options.close_timeout),
                        max_msg_size=16 * 1024 * 1024,
                    ),
                    self.options.connect_timeout,
                )
            except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
                self._last_error = exc
                self.stats.failed_connects += 1
                attempt += 1
                await self._pause(attempt, f"connect failed: {type(exc).__name__}")
                continue
            connected_at = loop.time()
            self.stats.connects += 1
            self._last_data = self._last_pong = connected_at
            server_close = False
            try:
                async with lock:
                    self._on_server = set()
                    await self._send_changes(ws, check=False)
                    self._ws = ws
                if down_since is not None:
                    self._broadcast_reset(reason, connected_at - down_since)
                connected.set()
                await self._serve(ws)
            except _Dropped as dropped:
                reason, server_close = dropped.reason, dropped.server_close
            except Exception as exc:  # a bug must not end the connection for good
                logger.exception("WebSocket connection failed unexpectedly")
                reason = f"internal error: {type(exc).__name__}: {exc}"
            finally:
                if self._ws is ws:
                    self._ws = None
                    self._on_server = set()
                connected.clear()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ws.close(), self.options.close_timeout)
            down_since = loop.time()
            self.stats.disconnects += 1
            self.stats.reasons.append(reason)
            logger.warning("WebSocket dropped (%s); reconnecting", reason)
            for consumer in list(self._consumers):
                consumer.disconnected(reason)
            stable = down_since - connected_at >= self.options.stable_after
            if stable:
                attempt = 0
            if stable and server_close:
                self.stats.delays.append(0.0)
                continue  # the exchange is shutting this server down: go elsewhere now
            attempt += 1
            await self._pause(attempt, reason)

    async def _pause(self, attempt: int, why: str) -> None:
        delay = self.backoff(attempt)
        self.stats.delays.append(delay)
        logger.info("WebSocket reconnect attempt %d in %.2fs (%s)", attempt, delay, why)
        await asyncio.sleep(delay)

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Read and watch one socket until it is dead; raises :class:`_Dropped`."""
        reader = asyncio.create_task(self._read(ws), name="bpx-websocket-reader")
        watchdog = asyncio.create_task(self._watch(ws), name="bpx-websocket-watchdog")
        try:
            done, _ = await asyncio.wait({reader, watchdog}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (reader, watchdog):
                task.cancel()
            await asyncio.wait({reader, watchdog})
        # Read every finished task's outcome (so none is reported as never retrieved).
        errors = [error for task in done if (error := task.exception()) is not None]
        for error in errors:
            if isinstance(error, _Dropped):
                raise error
        if errors:  # e.g. a ping or pong written into a dead socket
            raise _Dropped(f"{type(errors[0]).__name__}: {errors[0]}")
        raise _Dropped("connection ended")  # pragma: no cover - both tasks only raise

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        loop = asyncio.get_running_loop()
        while True:
            message = await ws.receive()
            kind = message.type
            if kind is aiohttp.WSMsgType.TEXT:
                self._on_text(message.data, loop.time())
            elif kind is aiohttp.WSMsgType.BINARY:
                self._on_text(message.data.decode("utf-8", errors="replace"), loop.time())
            elif kind is aiohttp.WSMsgType.PING:
                await asyncio.wait_for(ws.pong(message.data), self.options.close_timeout)
            elif kind is aiohttp.WSMsgType.PONG:
                self._last_pong = loop.time()
            elif kind is aiohttp.WSMsgType.CLOSE:
                raise _Dropped(f"server closed the connection (code {message.data})", True)
            elif kind is aiohttp.WSMsgType.ERROR:
                raise _Dropped(f"connection error: {message.data!r}")
            else:  # CLOSING / CLOSED
                code = ws.close_code
                raise _Dropped(f"connection lost (code {code})" if code else "connection lost")

    async def _watch(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Heartbeat and data-silence watchdog for one socket."""
        loop = asyncio.get_running_loop()
        ping_sent: float | None = None
        next_ping = loop.time() + self.options.ping_interval
        while True:
            options = self.options
            limits = [options.ping_interval, options.pong_timeout]
            if options.silence_timeout:
                limits.append(options.silence_timeout)
            await asyncio.sleep(max(0.005, min(limits) / 4))
            now = loop.time()
            if ping_sent is not None and self._last_pong >= ping_sent:
                ping_sent = None
            if ping_sent is not None and now - ping_sent > options.pong_timeout:
                raise _Dropped(f"no pong within {options.pong_timeout:g}s")
            if (
                options.silence_timeout
                and self._has_public()
                and now - self._last_data > options.silence_timeout
            ):
                raise _Dropped(f"no data for {options.silence_timeout:g}s")
            if now >= next_ping:
                next_ping = now + options.ping_interval
                if ping_sent is None:
                    ping_sent = now
                    await asyncio.wait_for(ws.ping(), options.close_timeout)

    def _has_public(self) -> bool:
        return any(not is_private(name) for name in self._on_server)

    def _on_text(self, text: str, now: float) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            self.stats.bad_frames += 1
            logger.warning("WebSocket frame is not JSON: %.200r", text)
            return
        if not isinstance(frame, dict):
            self.stats.bad_frames += 1
            return
        stream, data = frame.get("stream"), frame.get("data")
        if isinstance(stream, str) and isinstance(data, dict):
            self._last_data = now
            consumers = self._routes.get(stream)
            if consumers:
                event = decode_payload(stream, data)
                for consumer in list(consumers):
                    consumer.deliver(event)
            return
        if "error" in frame:
            self._on_error(frame)
            return
        logger.debug("WebSocket control frame ignored: %.200r", frame)

    def _on_error(self, frame: dict[str, Any]) -> None:
        error = decode(frame)
        assert isinstance(error, StreamErrorEvent)
        self.stats.error_frames += 1
        if self._grace is not None and not self._grace.done():
            self._grace.set_result(error)
            return
        logger.warning("WebSocket error frame: code %s: %s", error.code, error.message)
        self._broadcast(lambda _streams: error)

    def _broadcast_reset(self, reason: str, downtime: float) -> None:
        for consumer, streams in list(self._consumers.items()):
            consumer.deliver(StreamReset(frozenset(streams), reason, downtime))

    def _broadcast(self, make: Callable[[frozenset[str]], StreamItem]) -> None:
        for consumer, streams in list(self._consumers.items()):
            consumer.deliver(make(frozenset(streams)))

    # -- shutdown ----------------------------------------------------------------------------

    async def _stop(self) -> None:
        task, self._task = self._task, None
        while task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=1.0)
        self._ws = None
        self._on_server = set()

    async def aclose(self) -> None:
        """Close the socket and refuse new consumers (the client's ``aclose`` calls this)."""
        self._closed = True
        for consumer in list(self._consumers):
            consumer.connection_closed()
        self._consumers.clear()
        self._routes.clear()
        self._wanted.clear()
        await self._stop()


def _ws_timeout(close_timeout: float) -> dict[str, Any]:
    # aiohttp 3.11 replaced the float ``timeout`` of ws_connect by ClientWSTimeout.
    ws_timeout = getattr(aiohttp, "ClientWSTimeout", None)
    if ws_timeout is None:  # pragma: no cover - aiohttp < 3.11
        return {"timeout": close_timeout}
    return {"timeout": ws_timeout(ws_receive=None, ws_close=close_timeout)}


def _subscribe_error(error: StreamErrorEvent, streams: tuple[str, ...]) -> StreamSubscribeError:
    text = f"SUBSCRIBE {', '.join(streams)} refused: {error.message} (code {error.code})"
    if error.code == _INVALID_STREAM:
        return InvalidStreamError(text, code=error.code, streams=streams)
    if error.code in _AUTH_CODES or "signature" in error.message.lower():
        return StreamAuthError(text, code=error.code, streams=streams)
    return StreamSubscribeError(text, code=error.code, streams=streams)
