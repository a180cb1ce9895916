"""``Stream``: one consumer of the client's WebSocket, an async iterator over typed events.

Each stream has its own bounded queue, so a slow consumer never slows the reader or the other
consumers; what happens when the queue is full is the stream's overflow policy.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from types import TracebackType
from typing import Literal, get_args

from ._connection import StreamConnection
from ._names import is_private
from .errors import StreamClosedError, StreamOverflowError
from .events import EventsDropped, StreamErrorEvent, StreamItem, StreamReset

__all__ = ["OverflowPolicy", "Stream"]

#: ``error``: the iterator raises :class:`StreamOverflowError` (the only policy allowed for
#: ``account.*`` streams: an order update must never be lost silently); ``drop_oldest``: the
#: oldest events go and an :class:`EventsDropped` marker says how many; ``latest``: only the
#: newest event per stream is kept (right for bookTicker, ticker, markPrice).
OverflowPolicy = Literal["error", "drop_oldest", "latest"]
_POLICIES = frozenset(get_args(OverflowPolicy))
DEFAULT_MAXSIZE = 1000


class Stream:
    """Typed events of some streams, from the client's shared WebSocket.

    >>> async with client.stream(["trade.SOL_USDC"]) as stream:  # doctest: +SKIP
    ...     async for event in stream:
    ...         ...

    Besides data events the iterator yields :class:`StreamReset` after a reconnect (events
    were lost), :class:`StreamErrorEvent` for error frames nobody was waiting for, and
    :class:`EventsDropped` under ``drop_oldest``. Leaving ``async with`` (or ``aclose()``)
    unsubscribes what no other consumer uses and, for the last consumer, closes the socket.
    """

    def __init__(
        self,
        connection: StreamConnection,
        streams: Iterable[str] = (),
        *,
        overflow: OverflowPolicy = "error",
        maxsize: int = DEFAULT_MAXSIZE,
    ) -> None:
        if overflow not in _POLICIES:
            raise ValueError(f"overflow must be one of {sorted(_POLICIES)}, got {overflow!r}")
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValueError("maxsize must be a positive integer")
        self._connection = connection
        self.overflow: OverflowPolicy = overflow
        self._initial = list(dict.fromkeys(streams))
        self._check(self._initial)
        self.maxsize = maxsize
        self._queue: deque[StreamItem] = deque()
        self._latest: dict[str, StreamItem] = {}
        self._dropped = 0
        self._overflowed = False
        self._waiter: asyncio.Future[None] | None = None
        self._streams: set[str] = set()
        self._state: Literal["new", "open", "closed"] = "new"

    def _check(self, names: Iterable[str]) -> None:
        names = list(names)
        self._connection.check_names(names)
        for name in names:
            if is_private(name) and self.overflow != "error":
                raise ValueError(
                    f"{name}: account streams only take overflow='error' (never lose an update)"
                )

    @property
    def streams(self) -> frozenset[str]:
        """The streams this consumer is subscribed to."""
        return frozenset(self._streams)

    @property
    def connection(self) -> StreamConnection:
        return self._connection

    def __repr__(self) -> str:
        return f"Stream({sorted(self._streams)!r}, overflow={self.overflow!r}, {self._state})"

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Stream:
        if self._state != "new":
            raise StreamClosedError("a Stream can be entered only once")
        self._state = "open"
        self._connection.attach(self)
        try:
            await self._connection.wait_connected()
            if self._initial:
                await self.subscribe(*self._initial)
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
        """Unsubscribe and stop iterating; the last consumer closes the socket. Idempotent."""
        if self._state == "closed":
            return
        self._state = "closed"
        self._streams.clear()
        self._wake()
        await self._connection.detach(self)

    async def subscribe(self, *streams: str) -> None:
        """Add streams at run time (see :meth:`StreamConnection.subscribe` for errors)."""
        self._open_or_raise()
        self._check(streams)
        new = [name for name in streams if name not in self._streams]
        self._streams.update(new)
        try:
            await self._connection.subscribe(self, streams)
        except BaseException:
            self._streams.difference_update(new)
            raise

    async def unsubscribe(self, *streams: str) -> None:
        """Stop receiving streams; the exchange is told once no consumer wants them."""
        self._open_or_raise()
        self._streams.difference_update(streams)
        for name in streams:
            self._latest.pop(name, None)
        await self._connection.unsubscribe(self, streams)

    def _open_or_raise(self) -> None:
        if self._state != "open":
            raise StreamClosedError("use the stream inside `async with client.stream(...)`")

    # -- the consumer side the connection calls ----------------------------------------------

    def deliver(self, item: StreamItem) -> None:
        if self._state == "closed" or self._overflowed:
            return
        stream = getattr(item, "stream", None)
        if isinstance(item, (StreamReset, StreamErrorEvent)) or stream is None:
            self._queue.append(item)  # control events are never dropped
        elif self.overflow == "latest":
            self._latest.pop(stream, None)
            self._latest[stream] = item
        elif len(self._queue) >= self.maxsize:
            if self.overflow == "drop_oldest":
                self._drop_oldest_data()
                self._queue.append(item)
            else:
                self._overflowed = True
                self._queue.clear()
        else:
            self._queue.append(item)
        self._wake()

    def _drop_oldest_data(self) -> None:
        for index, queued in enumerate(self._queue):
            if not isinstance(queued, (StreamReset, StreamErrorEvent)):
                del self._queue[index]
                self._dropped += 1
                return

    def disconnected(self, reason: str) -> None:
        """Nothing to do: a :class:`StreamReset` follows once the connection is back."""

    def connection_closed(self) -> None:
        """The client was closed: iteration ends once the queue is drained."""
        self._state = "closed"
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # -- iteration ---------------------------------------------------------------------------

    def __aiter__(self) -> Stream:
        return self

    async def __anext__(self) -> StreamItem:
        if self._state == "new":
            raise StreamClosedError("iterate the stream inside `async with client.stream(...)`")
        while True:
            if self._overflowed:
                raise StreamOverflowError(
                    f"consumer of {sorted(self._streams)} fell more than {self.maxsize} "
                    "events behind; events were lost (overflow='error')"
                )
            if self._dropped:
                count, self._dropped = self._dropped, 0
                return EventsDropped(count)
            if self._queue:
                return self._queue.popleft()
            if self._latest:
                stream = next(iter(self._latest))
                return self._latest.pop(stream)
            if self._state != "open":
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def pending(self) -> int:
        """How many events wait in this consumer's queue."""
        return len(self._queue) + len(self._latest)
