"""WebSocket streams: the client's shared connection, consumers, typed events and ``decode``.

>>> async with client.stream(["depth.SOL_USDC", "account.orderUpdate"]) as stream:  # doctest: +SKIP
...     async for event in stream:
...         ...
"""

from ._connection import StreamConnection, StreamOptions, StreamStats
from ._names import StreamName, parse_stream
from ._stream import OverflowPolicy, Stream
from .errors import (
    BookNotReadyError,
    InvalidStreamError,
    StreamAuthError,
    StreamClosedError,
    StreamConnectError,
    StreamError,
    StreamOverflowError,
    StreamSubscribeError,
)
from .events import (
    BalanceUpdate,
    BookTicker,
    DepthUpdate,
    EventsDropped,
    Kline,
    Liquidation,
    MarkPrice,
    OpenInterest,
    OrderUpdate,
    PositionUpdate,
    RfqUpdate,
    StreamErrorEvent,
    StreamEvent,
    StreamItem,
    StreamReset,
    Ticker,
    Trade,
    UnknownEvent,
    decode,
)

__all__ = [
    "BalanceUpdate",
    "BookNotReadyError",
    "BookTicker",
    "DepthUpdate",
    "EventsDropped",
    "InvalidStreamError",
    "Kline",
    "Liquidation",
    "MarkPrice",
    "OpenInterest",
    "OrderUpdate",
    "OverflowPolicy",
    "PositionUpdate",
    "RfqUpdate",
    "Stream",
    "StreamAuthError",
    "StreamClosedError",
    "StreamConnectError",
    "StreamConnection",
    "StreamError",
    "StreamErrorEvent",
    "StreamEvent",
    "StreamItem",
    "StreamName",
    "StreamOptions",
    "StreamOverflowError",
    "StreamReset",
    "StreamStats",
    "StreamSubscribeError",
    "Ticker",
    "Trade",
    "UnknownEvent",
    "decode",
    "parse_stream",
]
