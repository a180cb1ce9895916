"""``FakeExchange``: an offline Backpack exchange on 127.0.0.1 (aiohttp REST + WebSocket).

Ties together the matching engine, signature checks, public and private endpoints, the
WebSocket hub, fault injection and a log of received requests, for SDK tests and demos.
"""

from __future__ import annotations

import base64
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from multidict import MultiDict

from ._auth import KeyRing, Verifier
from ._engine import EngineError, MatchingEngine
from ._faults import Faults, fault_middleware
from ._http import ParamError, error_response, text_error
from ._markets import DEFAULT_ASSETS, DEFAULT_MARKETS, AssetSpec, MarketSpec
from ._private import PrivateApi
from ._public import PublicApi
from ._ratelimit import RateLimits, rate_limit_middleware
from ._ws import WebSocketHub

__all__ = ["FakeExchange", "RecordedRequest"]

HOST = "127.0.0.1"  # never reachable from another machine
WS_PATH = "/ws"
_REDACTED = "<redacted>"
_SECRET_HEADERS = frozenset({"x-signature", "authorization", "cookie"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake exchange received it (signature values redacted)."""

    method: str
    path: str
    query: MultiDict[str]
    headers: dict[str, str]
    body: str
    received_ms: int = field(compare=False)

    def json(self) -> Any:
        """The body parsed as JSON (None when there is no body)."""
        return json.loads(self.body) if self.body else None


def _generated_keypair() -> tuple[str, str]:
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(public).decode(), base64.b64encode(seed).decode()


def _assets_for(markets: Iterable[MarketSpec], known: Iterable[AssetSpec]) -> list[AssetSpec]:
    by_symbol = {asset.symbol: asset for asset in known}
    wanted: list[str] = []
    for spec in markets:
        for symbol in (spec.base_symbol, spec.quote_symbol):
            if symbol not in wanted:
                wanted.append(symbol)
    return [
        by_symbol.get(symbol)
        or AssetSpec(symbol, symbol, 8, "Solana", None, Decimal(1), Decimal(1), Decimal(0))
        for symbol in sorted(wanted)
    ]


class FakeExchange:
    """An in-process fake Backpack exchange for tests.

    >>> async with FakeExchange() as fx:                                 # doctest: +SKIP
    ...     api_key, secret = fx.add_account({"USDC": "10000"})
    ...     client = MyClient(base_url=fx.base_url, ws_url=fx.ws_url, ...)

    ``clock_offset_ms`` skews the server clock (``/time``, signature freshness, engine
    timestamps, rate-limit windows, the ticker's 24 h window); ``faults`` injects failures;
    ``rate_limits`` applies the exchange's request budgets (off unless ``rate_limits=True``);
    ``cancel_delay`` turns cancels into 202 answers executed later; ``requests`` keeps the
    latest ``request_log_size`` requests received (0 keeps none); ``set_mark_price`` and
    ``settle_funding`` drive perpetual positions.
    """

    def __init__(
        self,
        *,
        markets: Iterable[MarketSpec] = DEFAULT_MARKETS,
        assets: Iterable[AssetSpec] = DEFAULT_ASSETS,
        seed_liquidity: bool = True,
        window_limit_ms: int = 60_000,
        port: int = 0,
        maker_fee: Decimal = Decimal("0.0002"),
        taker_fee: Decimal = Decimal("0.0005"),
        request_log_size: int = 10_000,
        rate_limits: bool = False,
        funding_schedule: bool = False,
    ) -> None:
        if request_log_size < 0:
            raise ValueError("request_log_size must not be negative")
        market_list = tuple(markets)
        self.clock_offset_ms = 0
        self.engine = MatchingEngine(
            market_list, now_us=self.now_us, maker_fee=maker_fee, taker_fee=taker_fee
        )
        if seed_liquidity:
            self.engine.seed_liquidity()
        self.faults = Faults()
        #: The exchange's request budgets (2,000 a minute; 30 for historical market data);
        #: off unless ``rate_limits=True`` or ``fx.rate_limits.enabled = True``.
        self.rate_limits = RateLimits(enabled=rate_limits)
        #: Settle funding every 8 h of the server clock (checked on each request), so moving
        #: ``clock_offset_ms`` past a funding time pays it. Off: ``settle_funding()`` only.
        self.funding_schedule = funding_schedule
        #: The latest ``request_log_size`` requests received, oldest first (a ring: older
        #: entries are dropped so a long run does not grow without bound).
        self.requests: deque[RecordedRequest] = deque(maxlen=request_log_size)
        self.keys = KeyRing()
        self.verifier = Verifier(self.keys, clock_ms=self.now_ms, window_limit_ms=window_limit_ms)
        self._public = PublicApi(self.engine, _assets_for(market_list, assets), self.now_ms)
        self._private = PrivateApi(self.engine, self.verifier)
        self._hub = WebSocketHub(
            self.engine.markets, self.verifier, engine=self.engine, faults=self.faults
        )
        # Subscribing to account.positionUpdate sends the open positions first (as the exchange).
        self._hub.position_snapshot = self._position_snapshot
        self._port = port
        self._runner: web.AppRunner | None = None
        self._bound_port: int | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def _position_snapshot(self, account: str, symbol: str | None) -> list[dict[str, Any]]:
        return [
            position
            for position in self.engine.position_snapshot(account)
            if symbol is None or position.get("s") == symbol
        ]

    # -- clock -------------------------------------------------------------------------------

    def now_ms(self) -> int:
        """The server clock in milliseconds, including ``clock_offset_ms``."""
        return time.time_ns() // 1_000_000 + self.clock_offset_ms

    def now_us(self) -> int:
        """The server clock in microseconds, including ``clock_offset_ms``."""
        return time.time_ns() // 1_000 + self.clock_offset_ms * 1_000

    # -- accounts ----------------------------------------------------------------------------

    def add_account(
        self, balances: Mapping[str, str | Decimal] | None = None, *, api_key: str | None = None
    ) -> tuple[str, str]:
        """Register an account and credit ``balances``; return ``(api_key, secret)``.

        Without ``api_key`` a fresh Ed25519 key pair is generated and both halves (base64) are
        returned. With ``api_key`` (a base64 public key whose secret the caller holds) that key
        is registered and the returned secret is ``""``.
        """
        secret = ""
        if api_key is None:
            api_key, secret = _generated_keypair()
        elif api_key in self.keys:
            raise ValueError("this API key is already registered")
        self.keys.add(api_key)
        for asset, quantity in (balances or {}).items():
            self.fund(api_key, asset, quantity)
        return api_key, secret

    def fund(self, api_key: str, asset: str, quantity: str | Decimal) -> None:
        """Credit ``quantity`` of ``asset`` to a registered account's available balance."""
        if api_key not in self.keys:
            raise KeyError("unknown API key; call add_account first")
        self.engine.deposit(api_key, asset, Decimal(quantity))

    # -- edge cases --------------------------------------------------------------------------

    @property
    def cancel_delay(self) -> float | None:
        """When set (seconds), order cancels answer 202 with no body, as the exchange does
        when a cancel is accepted but not yet executed, and take effect that much later (the
        final state then arrives by WebSocket and REST). None (default) cancels at once."""
        return self._private.cancel_delay

    @cancel_delay.setter
    def cancel_delay(self, seconds: float | None) -> None:
        if seconds is not None and seconds < 0:
            raise ValueError("cancel_delay must be None or a non-negative number of seconds")
        self._private.cancel_delay = seconds

    # -- perpetuals --------------------------------------------------------------------------

    def set_mark_price(
        self, symbol: str, price: str | Decimal, *, index_price: str | Decimal | None = None
    ) -> None:
        """Move the mark (and optionally index) price: positions, ``markPrice`` streams and
        mark-price triggers follow at once."""
        index = None if index_price is None else Decimal(index_price)
        self.engine.set_mark_price(symbol, Decimal(price), index_price=index)

    def settle_funding(
        self, symbol: str | None = None, *, rate: str | Decimal | None = None
    ) -> int:
        """Settle one funding interval now (every perpetual when ``symbol`` is None) at
        ``rate`` or the market's current rate; return how many positions were settled."""
        return self.engine.settle_funding(symbol, None if rate is None else Decimal(rate))

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._bound_port is None:
            raise RuntimeError("FakeExchange is not running; call start() first")
        return self._bound_port

    @property
    def base_url(self) -> str:
        """REST base URL, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        """WebSocket URL, e.g. ``ws://127.0.0.1:54321/ws``."""
        return f"ws://{HOST}:{self.port}{WS_PATH}"

    @property
    def running(self) -> bool:
        return self._runner is not None

    def _application(self) -> web.Application:
        app = web.Application(
            middlewares=[
                self._record,
                self._funding_clock,
                rate_limit_middleware(self.rate_limits, self.now_ms),
                fault_middleware(self.faults),
                self._errors,
            ]
        )
        app.router.add_routes(self._public.routes())
        app.router.add_routes(self._private.routes())
        app.router.add_get(WS_PATH, self._hub.handle)
        app.on_shutdown.append(self._close_websockets)
        return app

    async def start(self) -> None:
        """Bind to 127.0.0.1 (``port``, 0 = any free port) and start serving."""
        if self._runner is not None:
            return
        # Stop is bounded: handlers still running after 2 s (e.g. a long delay fault) are
        # cancelled rather than waited for.
        runner = web.AppRunner(self._application(), access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, HOST, self._port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self.faults.reset_abort()
        if self.funding_schedule:
            self.engine.settle_due_funding()  # starts the schedule at the next funding time
        self._runner = runner
        self._bound_port = runner.addresses[0][1]
        self._unsubscribe = self.engine.subscribe(self._hub.publish)

    async def stop(self) -> None:
        """Close WebSockets and connections, then stop listening. Safe to call twice."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._private.drop_deferred()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.faults.abort_delays()
        await self._hub.aclose()
        await runner.cleanup()

    async def __aenter__(self) -> FakeExchange:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def disconnect_websockets(self, code: int = 1001) -> int:
        """Close every client WebSocket with ``code`` (to test reconnects); return how many."""
        return await self._hub.close_all(code=code)

    @property
    def ws(self) -> WebSocketHub:
        """The WebSocket hub: its fault hooks (``kill``, ``stall``, ``refuse`` ...) and records."""
        return self._hub

    @property
    def websocket_count(self) -> int:
        """How many WebSocket clients are connected."""
        return self._hub.connection_count

    async def _close_websockets(self, app: web.Application) -> None:
        await self._hub.close_all()

    # -- middlewares -------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        raw = await request.read() if request.can_read_body else b""
        headers = {
            name: _REDACTED if name.lower() in _SECRET_HEADERS else value
            for name, value in request.headers.items()
        }
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=MultiDict(request.query),
                headers=headers,
                body=raw.decode("utf-8", errors="replace"),
                received_ms=self.now_ms(),
            )
        )
        return await handler(request)

    @web.middleware
    async def _funding_clock(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.funding_schedule:
            self.engine.settle_due_funding()
        return await handler(request)

    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ParamError as exc:
            return text_error(f"Bad Request {exc}")
        except EngineError as exc:
            return error_response(exc.status, exc.code, exc.message)
        except web.HTTPNotFound:
            return error_response(404, "RESOURCE_NOT_FOUND", "Not found")
        except web.HTTPMethodNotAllowed:
            return error_response(405, "INVALID_CLIENT_REQUEST", "Method not allowed")
        except (ArithmeticError, ValueError) as exc:
            # A value the handlers did not anticipate is still the client's fault: the
            # exchange answers 400, never a 500 with a traceback.
            return error_response(
                400, "INVALID_CLIENT_REQUEST", f"Invalid request: {type(exc).__name__}"
            )
