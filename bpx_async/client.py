"""``AsyncClient``: the facade users hold: session lifecycle, ``from_env``, options, resources.

Every operation goes through :meth:`AsyncClient.request` into the engine
(:mod:`bpx_async._pipeline`), which validates, serializes, signs, sends, maps errors and validates
the answer.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any, Literal, ParamSpec, TypeVar, overload
from urllib.parse import urlsplit

import aiohttp

from ._pipeline import (
    Check,
    Pipeline,
    PreparedRequest,
    RawResponse,
    RequestHook,
    RetryPolicy,
    ServerClock,
    Session,
    capture_raw,
    normalize_timeout,
)
from ._ratelimit import RateLimiter
from ._version import __version__
from .book import OrderBook, OrderBooks
from .endpoints._spec import Endpoint
from .errors import ClientClosedError, CredentialsError, InsecureURLError
from .resources import (
    Account,
    Assets,
    BorrowLend,
    Capital,
    History,
    Markets,
    Orders,
    Positions,
    Rfq,
    Strategies,
    System,
    Trades,
    Vaults,
)
from .signing import MAX_WINDOW_MS, Signer
from .streams import OverflowPolicy, Stream, StreamConnection
from .streams._stream import DEFAULT_MAXSIZE
from .tracking import OrderTracker

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "DEFAULT_WS_URL", "AsyncClient"]

T = TypeVar("T")
P = ParamSpec("P")

DEFAULT_BASE_URL = "https://api.backpack.exchange"
DEFAULT_WS_URL = "wss://ws.backpack.exchange"
#: A trading default: a request that has not completed in 10 s is better failed than awaited
#: (aiohttp's own default is 5 minutes). Waiting for a free connection and connecting are bounded
#: by ``connect``. Override per client, or per call with ``with_options``.
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)
DEFAULT_WINDOW_MS = 5000

_ENV_KEY_NAMES = ("BPX_API_KEY", "PUBLIC_KEY")
_ENV_SECRET_NAMES = ("BPX_API_SECRET", "SECRET_KEY")


def _system_clock_ms() -> int:
    return time.time_ns() // 1_000_000


_as_timeout = normalize_timeout


def _check_url(url: str, secure: str, plain: str, what: str) -> str:
    """``url`` if it uses ``secure`` (https/wss), or ``plain`` towards this machine only."""
    parts = urlsplit(url)
    if parts.scheme == secure and parts.hostname:
        return url
    if parts.scheme == plain and parts.hostname and _is_loopback(parts.hostname):
        return url
    raise InsecureURLError(
        f"{what} must be a {secure}:// URL (plain {plain}:// only to 127.0.0.1, ::1 or "
        f"localhost), got {url!r}"
    )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_window(window: int) -> int:
    if isinstance(window, bool) or not isinstance(window, int) or not 0 < window <= MAX_WINDOW_MS:
        raise ValueError(f"window must be an integer of milliseconds in 1..{MAX_WINDOW_MS}")
    return window


class AsyncClient:
    """Asyncio client for the Backpack Exchange REST API.

    Use it as an async context manager so its HTTP session is closed::

        async with AsyncClient() as client:                 # public data needs no keys
            ticker = await client.markets.ticker("SOL_USDC")
        async with AsyncClient.from_env() as client:        # BPX_API_KEY / BPX_API_SECRET or .env
            balances = await client.capital.balances()

    ``api_secret`` is the base64 Ed25519 seed; ``api_key`` (the base64 public key) is derived
    from it when omitted and must match it when given. ``window`` is the X-Window in ms (max 60000).
    ``base_url``/``ws_url`` must be ``https://``/``wss://`` (plain only towards this machine).
    ``timeout`` is seconds or an :class:`aiohttp.ClientTimeout`. A ``session`` passed in is used and
    never closed by the client. ``clock`` returns the current time in ms (for tests).

    Reliability knobs (see the README, "Reliability"): ``max_retries`` / ``retry`` (safe requests
    only), ``rate_limiter`` (None: the exchange's budgets; ``False``: off; or a shared
    :class:`RateLimiter`), ``time_sync_interval`` (seconds between clock resyncs, None: only when
    asked or on expiry), ``auto_client_id`` (give orders a clientId), ``max_response_bytes``,
    ``max_connections`` (pool size and in-flight bound), ``on_request`` (a per-attempt hook).
    """

    def __init__(
        self,
        api_key: str | None = None,
        api_secret: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        ws_url: str = DEFAULT_WS_URL,
        window: int = DEFAULT_WINDOW_MS,
        timeout: float | aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], int] | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        rate_limiter: RateLimiter | Literal[False] | None = None,
        time_sync_interval: float | None = None,
        auto_client_id: bool = True,
        max_response_bytes: int = 32 * 1024 * 1024,
        max_connections: int = 100,
        on_request: RequestHook | None = None,
    ) -> None:
        self.ws_url = _check_url(ws_url, "wss", "ws", "ws_url")
        retry = retry or RetryPolicy()
        if max_retries is not None:
            retry = RetryPolicy(max_retries, retry.initial_delay, retry.max_delay)
        self._pipeline = Pipeline(
            Session(session, f"bpx_async/{__version__}", max_connections),
            self._make_signer(api_key, api_secret),
            base_url=_check_url(base_url, "https", "http", "base_url").rstrip("/"),
            window=_check_window(window),
            timeout=_as_timeout(timeout),
            clock=clock or _system_clock_ms,
            retry=retry,
            limiter=None if rate_limiter is False else rate_limiter or RateLimiter(),
            server_clock=ServerClock(time_sync_interval),
            auto_client_id=auto_client_id,
            max_response_bytes=max_response_bytes,
            on_request=on_request,
        )
        self._is_view = False
        # The one WebSocket of this client (and its with_options views); opened on first use.
        # Private subscriptions are signed with the exchange's clock as estimated by sync_time.
        self._streams = StreamConnection(
            session=self._pipeline.session.get,
            url=self.ws_url,
            signer=self._pipeline.signer,
            window=self._pipeline.window,
            clock=self._pipeline.now_ms,
        )
        self._init_resources()

    def _init_resources(self) -> None:
        self.system = System(self)
        self.assets = Assets(self)
        self.markets = Markets(self)
        self.trades = Trades(self)
        self.borrow_lend = BorrowLend(self)
        self.vaults = Vaults(self)
        self.account = Account(self)
        self.capital = Capital(self)
        self.orders = Orders(self)
        self.positions = Positions(self)
        self.history = History(self)
        self.rfq = Rfq(self)
        self.strategies = Strategies(self)

    @staticmethod
    def _make_signer(api_key: str | None, api_secret: str | None) -> Signer | None:
        if api_secret is None:
            if api_key is not None:
                raise CredentialsError("api_key was given without api_secret; both are needed")
            return None
        try:
            signer = Signer.from_secret(api_secret)
        except ValueError as exc:
            raise CredentialsError(str(exc)) from None
        if api_key is not None and api_key.strip() != signer.api_key:
            raise CredentialsError("api_key does not belong to api_secret")
        return signer

    @classmethod
    def from_env(cls, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> AsyncClient:
        """Build a client with keys from the environment, falling back to a ``.env`` file.

        Reads ``BPX_API_KEY`` / ``BPX_API_SECRET`` (or ``PUBLIC_KEY`` / ``SECRET_KEY``, the names
        in Backpack's own guide). Real environment variables win over the file. ``path`` names the
        file; by default the nearest ``.env`` from the working directory up is used.
        """
        from dotenv import dotenv_values, find_dotenv

        file_values = dotenv_values(path if path is not None else find_dotenv(usecwd=True))

        def lookup(names: tuple[str, ...]) -> str | None:
            for name in names:
                value = os.environ.get(name) or file_values.get(name)
                if value:
                    return value
            return None

        secret = lookup(_ENV_SECRET_NAMES)
        if secret is None:
            raise CredentialsError(
                "no API secret found: set BPX_API_SECRET (and optionally BPX_API_KEY) "
                "in the environment or a .env file"
            )
        return cls(lookup(_ENV_KEY_NAMES), secret, **kwargs)

    def with_options(
        self,
        *,
        timeout: float | aiohttp.ClientTimeout | None = None,
        window: int | None = None,
        max_retries: int | None = None,
    ) -> AsyncClient:
        """A view of this client with other defaults, sharing its session, keys, rate limiter
        and clock offset.

        ``await client.with_options(timeout=2).orders.execute(...)`` sets a timeout for one call.
        Closing a view only retires the view; the session stays open until the original client
        is closed (which ends every view too).
        """
        view = object.__new__(AsyncClient)
        view.ws_url = self.ws_url
        view._pipeline = self._pipeline.view(
            timeout=None if timeout is None else _as_timeout(timeout),
            window=None if window is None else _check_window(window),
            retry=None
            if max_retries is None
            else RetryPolicy(
                max_retries, self._pipeline.retry.initial_delay, self._pipeline.retry.max_delay
            ),
        )
        view._is_view = True
        view._streams = self._streams
        view._init_resources()
        return view

    @property
    def base_url(self) -> str:
        """The REST base URL, without a trailing slash."""
        return self._pipeline.base_url

    @property
    def window(self) -> int:
        """The X-Window (ms) of signed requests."""
        return self._pipeline.window

    @property
    def timeout(self) -> aiohttp.ClientTimeout:
        """The default timeout of a call."""
        return self._pipeline.timeout

    @property
    def retry(self) -> RetryPolicy:
        """When and how failed safe requests are repeated."""
        return self._pipeline.retry

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The request budgets (shared with views), or None when disabled."""
        return self._pipeline.limiter

    def now_ms(self) -> int:
        """The exchange's clock as this client estimates it (local clock + measured offset), in
        ms: the timestamp to sign anything with, e.g. a private WebSocket subscription."""
        return self._pipeline.now_ms()

    def http_session(self) -> aiohttp.ClientSession:
        """The aiohttp session this client (and its views) sends with, opened on first use in
        the running loop; e.g. for a WebSocket connection. It stays the client's to close."""
        if self._pipeline.closed:
            raise ClientClosedError("this AsyncClient view is closed")
        return self._pipeline.session.get()

    @property
    def clock_offset_ms(self) -> int:
        """The exchange's clock minus the local one, as last measured (0 before any sync)."""
        return self._pipeline.server_clock.offset_ms

    async def sync_time(self, samples: int = 5) -> int:
        """Measure the exchange's clock offset and apply it to every later signed timestamp.

        Takes the median of ``samples`` ``GET /api/v1/time`` readings, each corrected by half
        its round trip. Returns the offset in ms (exchange minus local). Views share it.
        """
        return await self._pipeline.sync_time(samples)

    @property
    def api_key(self) -> str | None:
        """The public API key, or None for a client without keys."""
        signer = self._pipeline.signer
        return signer.api_key if signer else None

    @property
    def signer(self) -> Signer | None:
        """The request signer (None without keys); used by the WebSocket client too."""
        return self._pipeline.signer

    @property
    def closed(self) -> bool:
        """Whether this client (or view) can no longer send."""
        return self._pipeline.closed or self._pipeline.session.closed

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self.base_url!r}, api_key={self.api_key!r})"

    async def __aenter__(self) -> AsyncClient:
        if self._pipeline.closed:
            raise ClientClosedError("this AsyncClient view is closed")
        self._pipeline.session.get()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the WebSocket and the HTTP session (unless passed in). Safe to call twice.

        On a ``with_options`` view this retires only the view: the session belongs to the
        client the view was made from.
        """
        self._pipeline.closed = True
        if not self._is_view:
            await self._streams.aclose()
            await self._pipeline.session.close()

    # --- streams ----------------------------------------------------------------------------

    @property
    def streams(self) -> StreamConnection:
        """The client's WebSocket connection (``client.streams.configure(...)`` tunes it)."""
        return self._streams

    def stream(
        self,
        streams: list[str] | tuple[str, ...] = (),
        *,
        overflow: OverflowPolicy = "error",
        maxsize: int = DEFAULT_MAXSIZE,
    ) -> Stream:
        """A consumer of ``streams`` on the client's shared WebSocket (``async with`` it)."""
        return Stream(self._streams, streams, overflow=overflow, maxsize=maxsize)

    def order_books(
        self, symbols: list[str] | tuple[str, ...] = (), **options: Any
    ) -> OrderBooks:
        """Local order books for ``symbols`` on the shared WebSocket (``async with`` it);
        ``options`` are those of :class:`~bpx_async.book.OrderBooks` (``speed``, ``limit`` ...)."""
        return OrderBooks(self, symbols, **options)

    @contextlib.asynccontextmanager
    async def order_book(self, symbol: str, **options: Any) -> AsyncIterator[OrderBook]:
        """One local order book: ``async with client.order_book("SOL_USDC") as book``."""
        async with OrderBooks(self, [symbol], **options) as books:
            yield books[symbol]

    def order_tracker(self, **options: Any) -> OrderTracker:
        """An :class:`~bpx_async.tracking.OrderTracker` placing and cancelling through this
        client (``async with client.order_tracker() as tracker``); ``options`` are its knobs
        (``stream``, ``deadline_margin_ms``, ``reconcile_interval`` ...)."""
        return OrderTracker(self, **options)

    # --- entry points into the engine -----------------------------------------------------

    def prepare(self, endpoint: Endpoint[Any], params: Any = None) -> PreparedRequest:
        """Validate and serialize ``params`` for ``endpoint``; raises before anything is sent."""
        return self._pipeline.prepare(endpoint, params)

    @overload
    async def request(
        self,
        endpoint: Endpoint[T],
        params: Any = None,
        *,
        timeout: float | aiohttp.ClientTimeout | None = None,
        raw: Literal[False] = False,
        check: Check | None = None,
        max_retries: int | None = None,
    ) -> T: ...

    @overload
    async def request(
        self,
        endpoint: Endpoint[T],
        params: Any = None,
        *,
        timeout: float | aiohttp.ClientTimeout | None = None,
        raw: Literal[True],
        check: Check | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[T]: ...

    async def request(
        self,
        endpoint: Endpoint[T],
        params: Any = None,
        *,
        timeout: float | aiohttp.ClientTimeout | None = None,
        raw: bool = False,
        check: Check | None = None,
        max_retries: int | None = None,
    ) -> T | RawResponse[T]:
        """Run one operation through the pipeline and return its typed result.

        With ``raw=True`` the answer comes back as a :class:`RawResponse` (status, headers,
        bytes) whose ``parse()`` validates it only when asked. ``check`` is an extra test of the
        validated result (None = fine, else the complaint raised as ResponseValidationError).
        ``max_retries`` overrides the client's for this call.
        """
        result: T | RawResponse[T] = await self._pipeline.request(
            endpoint,
            params,
            timeout=None if timeout is None else _as_timeout(timeout),
            raw=raw,
            check=check,
            max_retries=max_retries,
        )
        return result

    async def raw(
        self, call: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> RawResponse[T]:
        """Run any operation and return its raw answer, with the typed result on ``parse()``::

            answer = await client.raw(client.markets.ticker, "SOL_USDC")
            answer.status, answer.headers, answer.content   # always available
            ticker = answer.parse()   # the Ticker, or the ResponseValidationError it raised

        For an operation that makes several requests (a batch of more than 20 orders, every
        page of a history) the raw part is that of the last request.
        """
        return await capture_raw(lambda: call(*args, **kwargs))
