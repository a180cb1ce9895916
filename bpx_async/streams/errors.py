"""Errors of the WebSocket streams and the local order book (all are :class:`BpxError`).

::

    BpxError
    └── StreamError                 base of the streams' errors
        ├── StreamConnectError          no connection could be opened in time
        ├── StreamClosedError           the stream was used after it was closed
        ├── StreamOverflowError         a consumer fell behind with the ``error`` policy
        ├── BookNotReadyError           an order book was read while not LIVE (a RuntimeError)
        └── StreamSubscribeError        the exchange refused a SUBSCRIBE (``code``, ``message``)
            ├── InvalidStreamError          unknown name (checked locally) or code 4006
            └── StreamAuthError             bad or expired signature (codes 4001, 4003)
"""

from __future__ import annotations

from ..errors import BpxError

__all__ = [
    "BookNotReadyError",
    "InvalidStreamError",
    "StreamAuthError",
    "StreamClosedError",
    "StreamConnectError",
    "StreamError",
    "StreamOverflowError",
    "StreamSubscribeError",
]


class StreamError(BpxError):
    """Base class of the WebSocket streams' errors."""


class StreamConnectError(StreamError):
    """The WebSocket could not be opened within the open timeout."""


class StreamClosedError(StreamError, RuntimeError):
    """The stream (or its client) was used after it was closed."""


class StreamOverflowError(StreamError):
    """This consumer's queue overflowed under the ``error`` policy: events were lost."""


class BookNotReadyError(StreamError, RuntimeError):
    """The order book is not LIVE (syncing or resyncing); its contents cannot be trusted."""


class StreamSubscribeError(StreamError):
    """The exchange answered a SUBSCRIBE with an error frame.

    ``code`` and ``message`` come from the frame (``None`` for a locally refused name);
    ``streams`` are the names of the refused message.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        streams: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.streams = streams


class InvalidStreamError(StreamSubscribeError, ValueError):
    """An unknown stream name (refused before sending) or the exchange's code 4006."""


class StreamAuthError(StreamSubscribeError):
    """The exchange refused a private subscription's signature (codes 4001, 4003)."""
