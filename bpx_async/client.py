"""``AsyncClient``: the aiohttp session's lifecycle and the one request pipeline.

Every operation goes through :meth:`AsyncClient.request`: validate the parameters with the
endpoint's request model -> serialize them once -> sign exactly what is sent -> send -> map HTTP
errors to exceptions -> validate the answer with the response model.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

import aiohttp
from pydantic import ValidationError
from yarl import URL

from ._paramcache import PreparedCache, cache_key
from ._version import __version__
from .endpoints._spec import Endpoint
from .errors import (
    ClientClosedError,
    ConnectionFailedError,
    CredentialsError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseValidationError,
    TransportError,
    api_error_from_response,
)
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
from .signing import MAX_WINDOW_MS, Signer, sorted_pairs

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "DEFAULT_WS_URL", "AsyncClient"]

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.backpack.exchange"
DEFAULT_WS_URL = "wss://ws.backpack.exchange"
#: A trading default: a request that has not completed in 10 s is better failed than awaited
#: (aiohttp's own default is 5 minutes). Override per client, or per call with ``with_options``.
#: No ``sock_read`` timer (``total`` already bounds the read): aiohttp re-arms it on every chunk
#: of the body, a cost paid per call; the connect timer only runs when a socket is opened.
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=10, sock_connect=5)
DEFAULT_WINDOW_MS = 5000

_JSON_CONTENT_TYPE = "application/json; charset=utf-8"
_ENV_KEY_NAMES = ("BPX_API_KEY", "PUBLIC_KEY")
_ENV_SECRET_NAMES = ("BPX_API_SECRET", "SECRET_KEY")


def _system_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def _as_timeout(timeout: float | aiohttp.ClientTimeout) -> aiohttp.ClientTimeout:
    if isinstance(timeout, aiohttp.ClientTimeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError("timeout must be a positive number of seconds or an aiohttp.ClientTimeout")
    return aiohttp.ClientTimeout(total=float(timeout))


def _check_window(window: int) -> int:
    if isinstance(window, bool) or not isinstance(window, int) or not 0 < window <= MAX_WINDOW_MS:
        raise ValueError(f"window must be an integer of milliseconds in 1..{MAX_WINDOW_MS}")
    return window


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A request after validation and serialization: exactly what is signed and sent.

    Shared by every call with the same parameters (the client caches it): never mutate it.
    """

    method: str
    path: str
    query: list[tuple[str, str]]
    body: bytes | None
    #: The parameter set handed to the signer (the same objects the query/body were built from).
    signed_params: Any
    #: The full URL, query included, encoded once here (what aiohttp would build from ``query``).
    url: URL


class _Connection:
    """The aiohttp session shared by a client and its ``with_options`` copies."""

    __slots__ = ("closed", "owned", "session", "user_agent")

    def __init__(self, session: aiohttp.ClientSession | None, user_agent: str) -> None:
        self.session = session
        self.owned = session is None
        self.closed = False
        self.user_agent = user_agent

    def get(self) -> aiohttp.ClientSession:
        if self.closed:
            raise ClientClosedError("this AsyncClient is closed; create a new one")
        if self.session is None:
            # Created here, inside the running event loop, never at construction time.
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=100, ttl_dns_cache=300),
                headers={"User-Agent": self.user_agent},
            )
        return self.session

    async def close(self) -> None:
        self.closed = True
        session, self.session = self.session, None
        if session is not None and self.owned:
            await session.close()


class AsyncClient:
    """Asyncio client for the Backpack Exchange REST API.

    Use it as an async context manager so its HTTP session is closed::

        async with AsyncClient() as client:                 # public data needs no keys
            ticker = await client.markets.ticker("SOL_USDC")
        async with AsyncClient.from_env() as client:        # BPX_API_KEY / BPX_API_SECRET or .env
            balances = await client.capital.balances()

    ``api_secret`` is the base64 Ed25519 seed; ``api_key`` (the base64 public key) is derived
    from it when omitted and must match it when given. ``window`` is the X-Window in ms (max 60000).
    ``timeout`` is seconds or an :class:`aiohttp.ClientTimeout`. A ``session`` passed in is used and
    never closed by the client. ``clock`` returns the current time in ms (for tests).
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
    ) -> None:
        self._signer = self._make_signer(api_key, api_secret)
        self.base_url = base_url.rstrip("/")
        self.ws_url = ws_url
        self.window = _check_window(window)
        self.timeout = _as_timeout(timeout)
        self._clock = clock or _system_clock_ms
        self._conn = _Connection(session, f"bpx_async/{__version__}")
        self._prepared: PreparedCache[PreparedRequest] = PreparedCache()
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
    ) -> AsyncClient:
        """A view of this client with other defaults, sharing its session and keys.

        ``await client.with_options(timeout=2).orders.execute(...)`` sets a timeout for one call.
        Closing the original closes the view's session too.
        """
        clone = object.__new__(AsyncClient)
        clone.__dict__.update(self.__dict__)
        if timeout is not None:
            clone.timeout = _as_timeout(timeout)
        if window is not None:
            clone.window = _check_window(window)
        clone._init_resources()
        return clone

    @property
    def api_key(self) -> str | None:
        """The public API key, or None for a client without keys."""
        return self._signer.api_key if self._signer else None

    @property
    def signer(self) -> Signer | None:
        """The request signer (None without keys); used by the WebSocket client too."""
        return self._signer

    @property
    def closed(self) -> bool:
        return self._conn.closed

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self.base_url!r}, api_key={self.api_key!r})"

    async def __aenter__(self) -> AsyncClient:
        self._conn.get()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP session (unless it was passed in). Safe to call twice."""
        await self._conn.close()

    # --- the pipeline -----------------------------------------------------------------------

    def prepare(self, endpoint: Endpoint[Any], params: Any = None) -> PreparedRequest:
        """Validate and serialize ``params`` for ``endpoint``; raises before anything is sent.

        A repeated identical parameter set is served from a bounded cache (see ``_paramcache``).
        """
        key = cache_key(params)
        if key is None:
            return self._prepare(endpoint, params)
        key = (self.base_url, key)  # the prepared URL includes it, and it is a public attribute
        prepared = self._prepared.get(endpoint, key)
        if prepared is None:
            prepared = self._prepare(endpoint, params)
            self._prepared.put(endpoint, key, prepared)
        return prepared

    def _prepare(self, endpoint: Endpoint[Any], params: Any) -> PreparedRequest:
        adapter = endpoint.request_adapter
        if adapter is None:
            if params:
                raise RequestValidationError(
                    f"{endpoint.name} takes no parameters", endpoint=endpoint.name
                )
            wire: Any = None
        else:
            try:
                model = adapter.validate_python({} if params is None else params)
            except ValidationError as exc:
                raise RequestValidationError(
                    f"{endpoint.name}: {_describe(exc)}", endpoint=endpoint.name
                ) from None
            wire = adapter.dump_python(model, mode="json", by_alias=True, exclude_none=True)
        url = URL(self.base_url + endpoint.path)
        if endpoint.has_body:
            body = None if wire is None else _dump_json(wire)
            return PreparedRequest(endpoint.method, endpoint.path, [], body, wire, url)
        query = sorted_pairs(wire) if wire else []
        if query:
            url = url.extend_query(query)
        return PreparedRequest(endpoint.method, endpoint.path, query, None, wire, url)

    def auth_headers(self, endpoint: Endpoint[Any], prepared: PreparedRequest) -> dict[str, str]:
        """Signature headers for a prepared request, timestamped now (empty when unsigned)."""
        if endpoint.auth != "signed":
            return {}
        if self._signer is None:
            raise CredentialsError(
                f"{endpoint.name} is signed: pass api_secret or use AsyncClient.from_env()"
            )
        assert endpoint.instruction is not None  # guaranteed by Endpoint.__post_init__
        return self._signer.sign(
            endpoint.instruction,
            prepared.signed_params,
            timestamp=self._clock(),
            window=self.window,
        )

    async def request(
        self,
        endpoint: Endpoint[T],
        params: Any = None,
        *,
        timeout: float | aiohttp.ClientTimeout | None = None,
    ) -> T:
        """Run one operation through the pipeline and return its typed result."""
        prepared = self.prepare(endpoint, params)
        session = self._conn.get()
        headers = self.auth_headers(endpoint, prepared)
        if prepared.body is not None:
            headers["Content-Type"] = _JSON_CONTENT_TYPE
        method, path = prepared.method, prepared.path
        try:
            async with session.request(
                method,
                prepared.url,
                data=prepared.body,
                headers=headers or None,  # None: aiohttp skips merging with the defaults
                timeout=self.timeout if timeout is None else _as_timeout(timeout),
            ) as response:
                raw = await response.read()
                status = response.status
                if status >= 400:
                    raise api_error_from_response(
                        status=status,
                        body=raw,
                        method=method,
                        path=path,
                        headers=dict(response.headers),
                    )
        except asyncio.TimeoutError:
            raise RequestTimeoutError(
                f"{method} {path} timed out", method=method, path=path
            ) from None
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            raise ConnectionFailedError(
                f"{method} {path}: {type(exc).__name__}: {exc}", method=method, path=path
            ) from None
        except aiohttp.ClientError as exc:
            raise TransportError(
                f"{method} {path}: {type(exc).__name__}: {exc}", method=method, path=path
            ) from None
        return self._read(endpoint, status, raw)

    @staticmethod
    def _read(endpoint: Endpoint[T], status: int, raw: bytes) -> T:
        result: Any
        if (
            endpoint.allow_no_content and status in (202, 204) and not raw.strip()
        ) or endpoint.kind == "empty":
            result = None
        elif endpoint.kind == "text":
            result = raw.decode("utf-8", errors="replace").strip()
        else:
            try:
                result = endpoint.decode_json(raw)
            except ValidationError as exc:
                raise ResponseValidationError(
                    f"{endpoint.name}: unexpected response: {_describe(exc)}",
                    body=raw,
                    method=endpoint.method,
                    path=endpoint.path,
                ) from None
        return result  # type: ignore[no-any-return]


def _dump_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _describe(exc: ValidationError, limit: int = 5) -> str:
    """A short, value-free summary of a pydantic error (inputs are not echoed)."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:limit]:
        where = ".".join(str(p) for p in error["loc"]) or "(root)"
        parts.append(f"{where}: {error['msg']}")
    more = exc.error_count() - limit
    if more > 0:
        parts.append(f"... and {more} more")
    return "; ".join(parts)
