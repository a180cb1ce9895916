"""WebSocket side of the fake exchange: SUBSCRIBE/UNSUBSCRIBE, signed private streams and
``{"stream","data"}`` frames fed by the matching engine's events (REFERENCE 7).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from ._auth import AuthError, Verifier

__all__ = ["WebSocketHub"]

#: Error codes of the fake's error frames. 4006 is the one captured from the real exchange;
#: the others are the fake's own (the real ones are undocumented).
INVALID_REQUEST = 4000
AUTH_FAILED = 4001
INVALID_STREAM = 4006

_DEPTH_SPEEDS = ("", "200ms.", "600ms.", "1000ms.")
_KLINE_INTERVALS = frozenset(
    {
        "1s",
        "1m",
        "3m",
        "5m",
        "15m",
        "30m",
        "1h",
        "2h",
        "4h",
        "6h",
        "8h",
        "12h",
        "1d",
        "3d",
        "1w",
        "1month",
    }
)
#: Valid public streams the fake accepts but never feeds.
_SILENT_PREFIXES = ("markPrice.", "ticker.", "openInterest.")
_PRIVATE_KINDS = ("account.orderUpdate", "account.positionUpdate", "account.rfqUpdate")

_Frame = dict[str, Any]


@dataclass(eq=False)
class _Connection:
    ws: web.WebSocketResponse
    public: set[str] = field(default_factory=set)
    #: private stream -> the API key whose signature opened it
    private: dict[str, str] = field(default_factory=dict)
    outbox: asyncio.Queue[_Frame | None] = field(default_factory=asyncio.Queue)

    def send(self, frame: _Frame) -> None:
        self.outbox.put_nowait(frame)

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


class WebSocketHub:
    """All WebSocket connections of one fake exchange and their subscriptions."""

    def __init__(self, symbols: Collection[str], verifier: Verifier) -> None:
        self._symbols = frozenset(symbols)
        self._verifier = verifier
        self._live: set[_Connection] = set()

    @property
    def connection_count(self) -> int:
        return len(self._live)

    def is_public_stream(self, stream: str) -> bool:
        for kind in ("trade.", "bookTicker.", *_SILENT_PREFIXES):
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
            return interval in _KLINE_INTERVALS and symbol in self._symbols
        return stream == "liquidation"

    def is_private_stream(self, stream: str) -> bool:
        for kind in _PRIVATE_KINDS:
            if stream == kind:
                return True
            if stream.startswith(kind + "."):
                return stream[len(kind) + 1 :] in self._symbols
        return False

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        # A short close timeout keeps shutdown quick when a client stops reading.
        ws = web.WebSocketResponse(timeout=2.0)
        await ws.prepare(request)
        connection = _Connection(ws)
        self._live.add(connection)
        writer = asyncio.create_task(connection.write_loop())
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._on_text(connection, message.data)
                elif message.type == WSMsgType.BINARY:
                    connection.send(_error(INVALID_REQUEST, "Binary frames are not supported"))
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
            api_key = self._verifier.authenticate_subscription(message.get("signature"))
        except AuthError as exc:
            connection.send(_error(AUTH_FAILED, exc.message, request_id))
            return
        for stream in private:
            connection.private[stream] = api_key

    def publish(self, kind: str, key: str, payload: dict[str, Any]) -> None:
        """Engine callback: fan one event out to every socket subscribed to its stream."""
        if kind == "orderUpdate":
            symbol = str(payload.get("s", ""))
            for connection in self._live:
                for stream in ("account.orderUpdate", f"account.orderUpdate.{symbol}"):
                    if connection.private.get(stream) == key:
                        connection.send({"stream": stream, "data": payload})
            return
        if kind == "depth":
            streams = [f"depth.{speed}{key}" for speed in _DEPTH_SPEEDS]
        elif kind in ("trade", "bookTicker"):
            streams = [f"{kind}.{key}"]
        else:
            return
        for connection in self._live:
            for stream in streams:
                if stream in connection.public:
                    connection.send({"stream": stream, "data": payload})

    async def close_all(self, code: int = WSCloseCode.GOING_AWAY, message: bytes = b"") -> int:
        """Close every open socket (as the exchange does on shutdown); return how many."""
        connections = list(self._live)
        for connection in connections:
            await connection.ws.close(code=code, message=message)
        return len(connections)
