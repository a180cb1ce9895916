"""The local order book: one :class:`OrderBook` per depth stream name, kept in step with the
exchange from a REST snapshot plus the stream's deltas, and :class:`OrderBooks`, which keeps
many of them on the client's one WebSocket.

The sync procedure (https://docs.backpack.exchange/, "Depth" stream):

1. Subscribe and buffer deltas (bounded; overflow restarts the sync).
2. On the first buffered delta fetch ``GET /api/v1/depth`` in its own task (never in the reader).
3. A snapshot older than the buffer (``lastUpdateId < U - 1`` of the first delta) is fetched
   again after a jittered delay.
4. Deltas with ``u <= lastUpdateId`` are dropped; the first kept one must straddle
   (``U <= lastUpdateId + 1 <= u``).
5. Each ``[price, qty]`` sets the level, or removes it when the quantity is zero (any form:
   ``"0"``, ``"0.000"``); prices are ``Decimal`` keys, so ``"18.70"`` and ``"18.7"`` are one level.
6. Then ``U == previous u + 1`` for every delta; a duplicate (``u <= last``) is ignored and
   anything else is a gap: **this book only** resyncs.
7. A crossed book (best bid >= best ask) resyncs; so does every reconnect.

:class:`OrderBook` itself does no I/O: ``on_delta`` and ``on_snapshot`` are the whole machine,
and :class:`OrderBooks` does the subscribing and the snapshot fetching around it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from bisect import bisect_left, insort
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from decimal import Decimal
from enum import Enum
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from .errors import BpxError
from .models.markets import Depth
from .streams._names import DEPTH_SPEEDS, parse_stream
from .streams.errors import BookNotReadyError, InvalidStreamError, StreamClosedError
from .streams.events import DepthUpdate, StreamErrorEvent, StreamItem, StreamReset

if TYPE_CHECKING:
    from .client import AsyncClient

__all__ = ["BookState", "OrderBook", "OrderBooks", "SnapshotOutcome"]

logger = logging.getLogger("bpx_async.book")

Level = tuple[Decimal, Decimal]
#: What :meth:`OrderBook.on_snapshot` made of a snapshot.
SnapshotOutcome = Literal["live", "stale", "ignored"]


class BookState(str, Enum):
    """``SYNCING`` (first sync) -> ``LIVE`` -> ``RESYNCING`` (after a gap, a crossed book, a
    reconnect ...) -> ``LIVE``. Only a LIVE book can be read."""

    SYNCING = "SYNCING"
    LIVE = "LIVE"
    RESYNCING = "RESYNCING"


class _Side:
    """Price levels of one side: a dict for quantities and a sorted list of prices, so an
    update is a hash lookup plus a bisection and the best price is an index."""

    __slots__ = ("levels", "prices")

    def __init__(self) -> None:
        self.levels: dict[Decimal, Decimal] = {}
        self.prices: list[Decimal] = []  # ascending

    def set(self, price: Decimal, quantity: Decimal) -> None:
        if quantity:  # Decimal zero in any form ("0", "0.000") is false
            if price not in self.levels:
                insort(self.prices, price)
            self.levels[price] = quantity
        elif price in self.levels:
            del self.levels[price]
            del self.prices[bisect_left(self.prices, price)]

    def clear(self) -> None:
        self.levels.clear()
        self.prices.clear()

    def load(self, levels: Iterable[Level]) -> None:
        self.clear()
        for price, quantity in levels:
            if quantity:
                self.levels[price] = quantity
        self.prices = sorted(self.levels)


class OrderBook:
    """A local order book for one depth stream (``depth.SOL_USDC`` or ``depth.200ms.SOL_USDC``).

    Read it only while :attr:`state` is LIVE: the accessors raise :class:`BookNotReadyError`
    otherwise (the ``*_or_none`` ones return None). ``version`` grows on every change;
    ``await wait_update(after=version)`` wakes on the next one (changes in between coalesce).
    The snapshot has at most ``limit`` levels a side, so prices below :attr:`known_bid_floor`
    and above :attr:`known_ask_ceiling` are unknown until a delta touches them.
    """

    def __init__(self, stream: str, *, max_buffer: int = 1000) -> None:
        parsed = parse_stream(stream)
        if parsed.kind != "depth" or parsed.symbol is None:
            raise InvalidStreamError(f"an order book needs a depth stream, got {stream!r}")
        self.stream = stream
        self.symbol = parsed.symbol
        self.max_buffer = max_buffer
        self.state = BookState.SYNCING
        #: Why the book last left LIVE (None before the first sync).
        self.reason: str | None = None
        #: How often the book resynced, per reason (gap, crossed, reconnect, overflow).
        self.resyncs: Counter[str] = Counter()
        #: Snapshots taken, and stale ones among them.
        self.snapshots = 0
        self.stale_snapshots = 0
        self.last_update_id: int | None = None
        self.version = 0
        self.known_bid_floor: Decimal | None = None
        self.known_ask_ceiling: Decimal | None = None
        self._bids = _Side()
        self._asks = _Side()
        self._buffer: deque[DepthUpdate] = deque()
        self._straddle = False  # the next applied delta is the first after a snapshot
        self._changed: asyncio.Event | None = None
        #: ``time.monotonic()`` when the book last left LIVE (or was created).
        self.not_live_since = time.monotonic()

    def __repr__(self) -> str:
        return f"OrderBook({self.stream!r}, {self.state.value}, version={self.version})"

    # -- reading -----------------------------------------------------------------------------

    def _live(self) -> None:
        if self.state is not BookState.LIVE:
            why = f" ({self.reason})" if self.reason else ""
            raise BookNotReadyError(f"{self.stream} is {self.state.value}{why}, not LIVE")

    @property
    def is_live(self) -> bool:
        return self.state is BookState.LIVE

    @property
    def best_bid(self) -> Level | None:
        """``(price, quantity)`` of the best bid, None for an empty side."""
        self._live()
        return self._best(self._bids, -1)

    @property
    def best_ask(self) -> Level | None:
        """``(price, quantity)`` of the best ask, None for an empty side."""
        self._live()
        return self._best(self._asks, 0)

    @staticmethod
    def _best(side: _Side, index: int) -> Level | None:
        if not side.prices:
            return None
        price = side.prices[index]
        return price, side.levels[price]

    @property
    def mid(self) -> Decimal | None:
        """``(best bid + best ask) / 2``; None when a side is empty."""
        bid, ask = self.best_bid, self.best_ask
        return None if bid is None or ask is None else (bid[0] + ask[0]) / 2

    @property
    def spread(self) -> Decimal | None:
        bid, ask = self.best_bid, self.best_ask
        return None if bid is None or ask is None else ask[0] - bid[0]

    def best_bid_or_none(self) -> Level | None:
        """The best bid, or None when the book is not LIVE (or the side is empty)."""
        return self.best_bid if self.is_live else None

    def best_ask_or_none(self) -> Level | None:
        return self.best_ask if self.is_live else None

    def top(self, n: int = 10) -> tuple[list[Level], list[Level]]:
        """The best ``n`` levels: ``(bids best first, asks best first)``."""
        self._live()
        bids = [(p, self._bids.levels[p]) for p in reversed(self._bids.prices[-n:])] if n else []
        asks = [(p, self._asks.levels[p]) for p in self._asks.prices[:n]]
        return bids, asks

    def bids(self) -> Iterator[Level]:
        """Every known bid, best first."""
        self._live()
        return ((p, self._bids.levels[p]) for p in reversed(self._bids.prices))

    def asks(self) -> Iterator[Level]:
        """Every known ask, best first."""
        self._live()
        return ((p, self._asks.levels[p]) for p in self._asks.prices)

    # -- waiting -----------------------------------------------------------------------------

    def _event(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def _bump(self) -> None:
        self.version += 1
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait_update(self, after: int, timeout: float | None = None) -> int:
        """Wait until :attr:`version` exceeds ``after``; returns the new version.

        Raises ``asyncio.TimeoutError`` after ``timeout`` seconds.
        """

        async def wait() -> None:
            while self.version <= after:
                await self._event().wait()

        await asyncio.wait_for(wait(), timeout)
        return self.version

    async def wait_synced(self, timeout: float | None = None) -> None:
        """Wait until the book is LIVE; raises ``asyncio.TimeoutError`` after ``timeout``."""

        async def wait() -> None:
            while not self.is_live:
                await self._event().wait()

        await asyncio.wait_for(wait(), timeout)

    # -- the sync machine (no I/O) -----------------------------------------------------------

    @property
    def wants_snapshot(self) -> bool:
        """True when deltas are buffered and a REST snapshot should be fetched."""
        return not self.is_live and bool(self._buffer)

    @property
    def first_buffered(self) -> DepthUpdate | None:
        return self._buffer[0] if self._buffer else None

    def resync(self, reason: str) -> None:
        """Leave LIVE (or restart a sync): contents are unknown until the next snapshot."""
        self.resyncs[reason] += 1
        self.reason = reason
        self.state = BookState.SYNCING if self.last_update_id is None else BookState.RESYNCING
        self.not_live_since = time.monotonic()
        self._buffer.clear()
        self._straddle = False
        logger.info("order book %s resyncs: %s", self.stream, reason)
        self._bump()

    def on_delta(self, delta: DepthUpdate) -> None:
        """Buffer (while syncing) or apply one depth message."""
        first, last = delta.first_update_id, delta.last_update_id
        if first is None or last is None:
            return  # not a sequenced depth message
        if not self.is_live:
            if len(self._buffer) >= self.max_buffer:
                self.resync("overflow")
            self._buffer.append(delta)
            return
        assert self.last_update_id is not None
        if last <= self.last_update_id:
            return  # duplicate
        expected = self.last_update_id + 1
        fits = first <= expected <= last if self._straddle else first == expected
        if not fits:
            self.resync("gap")
            self._buffer.append(delta)
            return
        self._straddle = False
        self._apply(delta)
        self._bump()

    def _apply(self, delta: DepthUpdate) -> None:
        for price, quantity in delta.asks:
            self._asks.set(price, quantity)
        for price, quantity in delta.bids:
            self._bids.set(price, quantity)
        self.last_update_id = delta.last_update_id
        bids, asks = self._bids.prices, self._asks.prices
        if bids and asks and bids[-1] >= asks[0]:
            self.resync("crossed")

    def on_snapshot(self, snapshot: Depth) -> SnapshotOutcome:
        """Use a REST snapshot: ``live`` (synced), ``stale`` (older than the buffer: fetch again)
        or ``ignored`` (not needed, or the buffer did not continue it: the sync restarted).

        With nothing buffered (a quiet market) the snapshot is taken as it is; the next delta
        must then straddle its id, or the book resyncs.
        """
        if self.is_live or snapshot.last_update_id is None:
            return "ignored"
        self.snapshots += 1
        snapshot_id = snapshot.last_update_id
        head = self._buffer[0] if self._buffer else None
        if head is not None and snapshot_id < (head.first_update_id or 0) - 1:
            self.stale_snapshots += 1
            return "stale"
        self._bids.load(snapshot.bids)
        self._asks.load(snapshot.asks)
        self.known_bid_floor = min(self._bids.prices, default=None)
        self.known_ask_ceiling = max(self._asks.prices, default=None)
        self.last_update_id = snapshot_id
        pending = [d for d in self._buffer if (d.last_update_id or 0) > snapshot_id]
        self._buffer.clear()
        self.state = BookState.LIVE
        self._straddle = True
        for delta in pending:
            self.on_delta(delta)
            if not self.is_live:
                return "ignored"
        # With nothing pending, the next live delta must straddle the snapshot id.
        if self.is_live:
            self._bump()
            return "live"
        return "ignored"  # pragma: no cover - on_delta already reported


class OrderBooks:
    """Order books for many symbols on the client's one WebSocket.

    >>> async with client.order_books(["SOL_USDC", "BTC_USDC"]) as books:  # doctest: +SKIP
    ...     sol = books["SOL_USDC"]
    ...     await sol.wait_synced(timeout=10)

    ``speed`` picks the depth variant (None: real time, or ``"200ms"``, ``"600ms"``,
    ``"1000ms"``); ``limit`` the snapshot's levels a side (exchange default 1000). A stale
    snapshot is fetched again after a jittered delay growing from ``snapshot_delay`` to
    ``snapshot_delay_cap``; after ``snapshot_attempts`` tries each further failure is logged
    as an error (and counted in ``snapshot_failures``) while it keeps trying at the cap.
    ``snapshot_when_idle``: a book that has not been LIVE for this many seconds and has no delta
    to start from (a quiet market) fetches a snapshot anyway (None: only on a delta).
    """

    def __init__(
        self,
        client: AsyncClient,
        symbols: Iterable[str] = (),
        *,
        speed: str | None = None,
        limit: int | None = None,
        snapshot_attempts: int = 5,
        snapshot_delay: float = 0.25,
        snapshot_delay_cap: float = 5.0,
        max_buffer: int = 1000,
        snapshot_when_idle: float | None = 1.0,
    ) -> None:
        if speed is not None and speed not in DEPTH_SPEEDS:
            raise ValueError(f"speed must be None or one of {DEPTH_SPEEDS}, got {speed!r}")
        self._client = client
        self._connection = client.streams
        self.speed = speed
        self.limit = limit
        self.snapshot_attempts = snapshot_attempts
        self.snapshot_delay = snapshot_delay
        self.snapshot_delay_cap = snapshot_delay_cap
        self.max_buffer = max_buffer
        self.snapshot_when_idle = snapshot_when_idle
        self.snapshot_failures = 0
        self.last_error: BaseException | StreamErrorEvent | None = None
        self._initial = [self.stream_name(symbol) for symbol in symbols]
        self._books: dict[str, OrderBook] = {}
        self._fetchers: dict[str, asyncio.Task[None]] = {}
        self._idle_watch: asyncio.Task[None] | None = None
        self._cancelled: set[asyncio.Task[None]] = set()  # cancelled on a drop, awaited at close
        self._open = False

    def stream_name(self, symbol: str, speed: str | None = None) -> str:
        """``depth.<symbol>`` or ``depth.<speed>.<symbol>`` (a full depth name is kept)."""
        if symbol.startswith("depth."):
            return symbol
        chosen = speed if speed is not None else self.speed
        return f"depth.{chosen}.{symbol}" if chosen else f"depth.{symbol}"

    def __getitem__(self, key: str) -> OrderBook:
        book = self._books.get(key) or self._books.get(self.stream_name(key))
        if book is None:
            raise KeyError(key)
        return book

    def __iter__(self) -> Iterator[OrderBook]:
        return iter(list(self._books.values()))

    def __len__(self) -> int:
        return len(self._books)

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> OrderBooks:
        self._open = True
        self._connection.attach(self)
        try:
            await self._connection.wait_connected()
            await self._add([stream for stream in self._initial if stream not in self._books])
            if self.snapshot_when_idle is not None:
                self._idle_watch = asyncio.create_task(
                    self._watch_idle(self.snapshot_when_idle), name="bpx-books-idle"
                )
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop every snapshot task, unsubscribe, and release the socket. Idempotent."""
        if not self._open:
            return
        self._open = False
        watch, self._idle_watch = self._idle_watch, None
        if watch is not None:
            watch.cancel()
            await asyncio.wait({watch})
        await self._cancel_fetchers(list(self._fetchers))
        if self._cancelled:
            await asyncio.wait(set(self._cancelled))
        self._books.clear()
        await self._connection.detach(self)

    async def add(self, symbol: str, *, speed: str | None = None) -> OrderBook:
        """Start keeping a book (``symbol`` or a full depth stream name); returns it."""
        if not self._open:
            raise StreamClosedError("use the books inside `async with client.order_books(...)`")
        stream = self.stream_name(symbol, speed)
        if stream not in self._books:
            await self._add([stream])
        return self._books[stream]

    async def _add(self, streams: list[str]) -> None:
        # One SUBSCRIBE (and one wait for an error frame) for all of them.
        for stream in streams:
            self._books[stream] = OrderBook(stream, max_buffer=self.max_buffer)
        try:
            await self._connection.subscribe(self, streams)
        except BaseException:
            for stream in streams:
                self._books.pop(stream, None)
            raise

    async def remove(self, symbol: str) -> None:
        """Stop keeping a book (unsubscribes when no other consumer wants the stream)."""
        stream = self[symbol].stream
        await self._cancel_fetchers([stream])
        self._books.pop(stream, None)
        await self._connection.unsubscribe(self, [stream])

    async def _cancel_fetchers(self, streams: list[str]) -> None:
        tasks = [task for s in streams if (task := self._fetchers.pop(s, None)) is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    # -- consumer side (called by the connection's reader) -----------------------------------

    def deliver(self, item: StreamItem) -> None:
        if isinstance(item, DepthUpdate):
            book = self._books.get(item.stream)
            if book is None:
                return
            book.on_delta(item)
            if book.wants_snapshot:
                self._start_fetch(book)
        elif isinstance(item, StreamErrorEvent):
            self.last_error = item
        elif isinstance(item, StreamReset):
            for book in self._books.values():  # already resyncing since the drop
                if book.is_live:
                    book.resync("reconnect")

    def disconnected(self, reason: str) -> None:
        for stream, task in list(self._fetchers.items()):
            task.cancel()
            self._cancelled.add(task)
            task.add_done_callback(self._cancelled.discard)
            del self._fetchers[stream]
        for book in self._books.values():
            book.resync("reconnect")

    def connection_closed(self) -> None:
        """The client was closed: stop fetching (``aclose`` still awaits the tasks)."""
        self.disconnected("client closed")

    def _start_fetch(self, book: OrderBook, *, idle: bool = False) -> None:
        if book.stream not in self._fetchers:
            self._fetchers[book.stream] = asyncio.create_task(
                self._fetch(book, idle=idle), name=f"bpx-snapshot-{book.stream}"
            )

    async def _watch_idle(self, idle: float) -> None:
        """Sync books of quiet markets, which get no delta to start from."""
        while True:
            await asyncio.sleep(idle / 4)
            if not self._connection.connected:
                continue
            now = time.monotonic()
            for book in list(self._books.values()):
                quiet = not book.is_live and not book.wants_snapshot
                if quiet and now - book.not_live_since >= idle:
                    self._start_fetch(book, idle=True)

    async def _fetch(self, book: OrderBook, *, idle: bool = False) -> None:
        """Fetch snapshots until ``book`` no longer wants one (LIVE, or closed)."""
        delay = self.snapshot_delay
        attempt = 0
        try:
            while not book.is_live and (book.wants_snapshot or (idle and attempt == 0)):
                attempt += 1
                try:
                    snapshot = await self._client.markets.depth(book.symbol, limit=self.limit)
                except BpxError as exc:
                    self.last_error = exc
                    outcome: SnapshotOutcome | Literal["failed"] = "failed"
                else:
                    outcome = book.on_snapshot(snapshot)
                if outcome in ("live", "ignored"):
                    continue  # LIVE, or the sync restarted and wants a newer snapshot
                if attempt >= self.snapshot_attempts:
                    self.snapshot_failures += 1
                    logger.error(
                        "order book %s: no usable snapshot after %d attempts (%s); retrying",
                        book.stream,
                        attempt,
                        outcome,
                    )
                await asyncio.sleep(random.uniform(delay / 2, delay))
                delay = min(self.snapshot_delay_cap, delay * 2)
        finally:
            # No await between the last check and this: a delta arriving later starts a new task.
            if self._fetchers.get(book.stream) is asyncio.current_task():
                del self._fetchers[book.stream]
