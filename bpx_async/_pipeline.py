"""The request engine: validate -> serialize once -> sign exactly that -> send -> map errors ->
validate the response.

:class:`Pipeline` holds everything a request needs (session, signer, URL, window, timeout, clock)
and imports no resource: the facade in ``client.py`` builds one per client and per
``with_options`` view; resource methods await its :meth:`Pipeline.request` directly (the
client's ``request`` is the same call for code outside the package).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import random
import statistics
import time
from collections import deque
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

import aiohttp
import msgspec
from aiohttp import hdrs
from pydantic import BaseModel, ValidationError
from yarl import URL

from ._deadlines import Deadlines
from ._paramcache import PreparedCache, cache_key, shape_key
from ._ratelimit import RateLimiter
from .endpoints._spec import Endpoint
from .endpoints.system import TIME
from .errors import (
    APIError,
    BpxError,
    ClientClosedError,
    ConnectionFailedError,
    ConnectionLostError,
    CredentialsError,
    EventLoopError,
    RateLimitError,
    RedirectError,
    RequestExpiredError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseTimeoutError,
    ResponseTooLargeError,
    ResponseValidationError,
    TransportError,
    UnreadableResultError,
    api_error_from_response,
    shorten,
)
from .models._base import RequestModel, value_checks
from .signing import Signer, sorted_pairs

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "Check",
    "Pipeline",
    "PreparedRequest",
    "RawResponse",
    "RequestEvent",
    "RequestHook",
    "RetryPolicy",
    "ServerClock",
    "Session",
    "capture_raw",
    "milliseconds_text",
    "normalize_timeout",
]

T = TypeVar("T")
E = TypeVar("E", bound=BpxError)

_log = logging.getLogger("bpx_async")
_DEBUG = logging.DEBUG
# Module globals rather than attribute lookups on the path of every call.
_get_running_loop = asyncio.get_running_loop
_perf_counter = time.perf_counter
_current_task = asyncio.current_task
# A library logs only where the application configured logging (never via logging.lastResort).
_log.addHandler(logging.NullHandler())
#: The logger's own answers to "is this level on?", which :meth:`logging.Logger.isEnabledFor`
#: fills and ``setLevel``/``logging.disable`` clear (``Logger._cache``, CPython 3.7+): read here
#: without a Python call on every request, and asked properly when it has no answer.
_log_cache = getattr(_log, "_cache", None)
_log_levels: dict[int, bool] = _log_cache if isinstance(_log_cache, dict) else {}

#: A check of a validated result: None when it is fine, else what is wrong with it. The
#: pipeline turns a complaint into :class:`ResponseValidationError` with the raw body.
Check = Callable[[Any], "str | None"]

_JSON_CONTENT_TYPE = "application/json; charset=utf-8"
#: aiohttp's own case-insensitive header key: looked up without folding the case again.
_CONTENT_LENGTH = hdrs.CONTENT_LENGTH


class PreparedRequest(NamedTuple):
    """A request after validation and serialization: exactly what is signed and sent.

    A GET's is shared by every call with the same parameters (the pipeline caches it), so it is
    immutable (a named tuple: also the cheapest record to build, once per order).
    """

    method: str
    path: str
    query: list[tuple[str, str]]
    body: bytes | None
    #: The parameter set handed to the signer (the same objects the query/body were built from).
    signed_params: Any
    #: The full URL, query included, encoded once here (what aiohttp would build from ``query``).
    url: URL
    #: The ``clientId`` of each order in the request (for errors a bot reconciles with).
    client_ids: tuple[int, ...] = ()


#: Builds a :class:`PreparedRequest` from a tuple of all its fields: ``tuple.__new__`` itself,
#: without the named tuple's ``__new__`` (a Python function around it).
_new_prepared: Callable[[type[PreparedRequest], tuple[Any, ...]], PreparedRequest] = tuple.__new__


class RawResponse(Generic[T]):
    """The HTTP answer of one call, before (or beside) the typed result.

    ``status``, ``headers`` and ``content`` (the body bytes) are always there; :meth:`parse`
    gives the typed result (validated on first call, then cached) or raises the
    :class:`ResponseValidationError` the typed call would have raised, so a field the models do
    not yet understand never hides the data.
    """

    __slots__ = (
        "_error",
        "_parse",
        "_parsed",
        "_result",
        "content",
        "headers",
        "method",
        "path",
        "status",
    )

    def __init__(
        self,
        *,
        status: int,
        headers: Mapping[str, str],
        content: bytes,
        method: str,
        path: str,
        parse: Callable[[], T],
    ) -> None:
        self.status = status
        self.headers = headers
        self.content = content
        self.method = method
        self.path = path
        self._parse = parse
        self._parsed = False
        self._result: T | None = None
        self._error: BpxError | None = None

    def parse(self) -> T:
        """The typed result (what the call returns without ``raw``)."""
        if not self._parsed:
            try:
                self._result = self._parse()
            except BpxError as exc:
                self._error = exc
            self._parsed = True
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]

    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON, with no model involved."""
        return json.loads(self.content)

    def _settle(self, result: Any = None, error: BpxError | None = None) -> RawResponse[Any]:
        self._result, self._error, self._parsed = result, error, True
        return self

    def __repr__(self) -> str:
        return f"<RawResponse {self.status} {self.method} {self.path} {len(self.content)} bytes>"


class _Capture:
    """Collects the raw answers of the calls made inside :func:`capture_raw`."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: RawResponse[Any] | None = None


_CAPTURE: ContextVar[_Capture | None] = ContextVar("bpx_async_capture", default=None)


async def capture_raw(call: Callable[[], Any]) -> RawResponse[Any]:
    """Run ``call()`` (an operation) and return the raw answer of its (last) HTTP request,
    settled with the operation's own result, or with the validation error it raised."""
    capture = _Capture()
    token = _CAPTURE.set(capture)
    try:
        result = await call()
    except ResponseValidationError as exc:
        if capture.last is None:
            raise
        return capture.last._settle(error=exc)
    finally:
        _CAPTURE.reset(token)
    if capture.last is None:
        raise BpxError("the call made no HTTP request, so there is no raw response")
    return capture.last._settle(result)


# -- knobs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before repeating a request that is safe to repeat.

    Attempt ``n`` (1-based) that failed waits a random time in ``[0, min(max_delay,
    initial_delay * 2 ** (n - 1))]`` ("full jitter"); a 429 waits its ``Retry-After`` instead,
    unless that is longer than ``max_delay``, in which case the :class:`RateLimitError` is raised
    at once rather than sleeping for minutes. ``max_retries=0`` disables retries.
    """

    max_retries: int = 2
    initial_delay: float = 0.25
    max_delay: float = 8.0

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise ValueError("max_retries must be an integer")
        if self.max_retries < 0 or self.initial_delay < 0 or self.max_delay < 0:
            raise ValueError("max_retries and the delays must not be negative")

    def backoff(self, attempt: int) -> float:
        return random.uniform(0.0, min(self.max_delay, self.initial_delay * 2 ** (attempt - 1)))


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One attempt of one call, as given to the ``on_request`` hook (and logged at DEBUG).

    ``status`` is the HTTP status (None when no answer came); ``error`` what the attempt raised;
    ``retry_in`` the seconds until the next attempt (None when this was the last).
    """

    endpoint: str
    method: str
    path: str
    attempt: int
    status: int | None
    latency_ms: float
    error: BpxError | None
    retry_in: float | None


#: ``on_request`` hook: called after every attempt. Exceptions it raises are logged, not raised.
RequestHook = Callable[[RequestEvent], None]

#: Default bound of the wait for a free connection and of connecting, in seconds.
DEFAULT_CONNECT_TIMEOUT = 5.0


def normalize_timeout(timeout: float | aiohttp.ClientTimeout) -> aiohttp.ClientTimeout:
    """A :class:`aiohttp.ClientTimeout` whose connect phase is always bounded.

    A number is the total in seconds. Whatever is given, ``connect`` (the bound on waiting for a
    connection slot and connecting) defaults to at most 5 s. No ``sock_read`` is added: its timer
    is re-armed on every read of the body.
    """
    if isinstance(timeout, aiohttp.ClientTimeout):
        if timeout.connect is not None:
            return timeout
        total = timeout.total
        return aiohttp.ClientTimeout(
            total=total,
            connect=min(total, DEFAULT_CONNECT_TIMEOUT) if total else DEFAULT_CONNECT_TIMEOUT,
            sock_read=timeout.sock_read,
            sock_connect=timeout.sock_connect,
            ceil_threshold=timeout.ceil_threshold,
        )
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError("timeout must be a positive number of seconds or an aiohttp.ClientTimeout")
    return aiohttp.ClientTimeout(
        total=float(timeout), connect=min(float(timeout), DEFAULT_CONNECT_TIMEOUT)
    )


def split_timeout(timeout: aiohttp.ClientTimeout) -> tuple[aiohttp.ClientTimeout, float | None]:
    """``timeout`` without its total, and the total (None if there is none): the pipeline
    bounds the total with :class:`~bpx_async._deadlines.Deadlines` and hands aiohttp the rest."""
    total = timeout.total
    if total is None or total <= 0:
        return timeout, None
    untimed = aiohttp.ClientTimeout(
        total=None,
        connect=timeout.connect,
        sock_read=timeout.sock_read,
        sock_connect=timeout.sock_connect,
        ceil_threshold=timeout.ceil_threshold,
    )
    return untimed, float(total)


# -- shared state of a client and its views ------------------------------------------------


class _Gate:
    """At most ``size`` requests in flight; waiters are served first come, first served.

    Sized to the connection pool, so aiohttp itself never queues a request: the wait happens
    here, bounded, before the request is signed.
    """

    __slots__ = ("free", "waiters")

    def __init__(self, size: int) -> None:
        #: Slots nobody holds. The pipeline takes one in place when ``free`` and no ``waiters``
        #: (what :meth:`try_acquire` does) and returns it in place when nobody waits.
        self.free = size
        self.waiters: deque[asyncio.Future[bool]] = deque()

    def try_acquire(self) -> bool:
        """Take a free slot without waiting; False if there is none (or others queue for one)."""
        if self.free > 0 and not self.waiters:
            self.free -= 1
            return True
        return False

    async def acquire(self, timeout: float) -> bool:
        """Take a slot; False if none was free within ``timeout`` seconds."""
        if self.try_acquire():
            return True
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        self.waiters.append(waiter)
        expiry = loop.call_later(timeout, _expire, waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result():
                self.release()  # the slot arrived as we were cancelled: pass it on
            raise
        finally:
            expiry.cancel()

    def release(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)  # the slot goes straight to the next waiter
                return
        self.free += 1


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)


class Session:
    """The aiohttp session (and its request gate) shared by a client and its views.

    Only the client that created it closes it, and only if it was not passed in. It belongs to
    the event loop it was first used in.
    """

    __slots__ = (
        "closed",
        "deadlines",
        "direct",
        "gate",
        "loop",
        "max_connections",
        "owned",
        "session",
        "user_agent",
    )

    def __init__(
        self, session: aiohttp.ClientSession | None, user_agent: str, max_connections: int = 100
    ) -> None:
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise ValueError("max_connections must be a positive integer")
        if max_connections < 1:
            raise ValueError("max_connections must be a positive integer")
        self.session = session
        self.owned = session is None
        self.closed = False
        self.user_agent = user_agent
        self.max_connections = max_connections
        self.loop: asyncio.AbstractEventLoop | None = None
        self.gate: _Gate | None = None
        #: Requests are sent by the session's own ``_request`` coroutine (see :func:`_direct`).
        self.direct = False
        #: The total time of every request of this session (made with the event loop).
        self.deadlines: Deadlines | None = None

    def get(self) -> aiohttp.ClientSession:
        if self.closed:
            raise ClientClosedError("this AsyncClient is closed; create a new one")
        loop = asyncio.get_running_loop()
        if self.loop is None:
            self.loop = loop
            if self.session is None:
                # Created here, inside the running event loop, never at construction time.
                self.session = aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=self.max_connections, ttl_dns_cache=300),
                    # aiohttp's own case-folded key: copied into every request without
                    # folding it again (about 1% of a small GET's CPU, measured).
                    headers={hdrs.USER_AGENT: self.user_agent},
                )
            self.gate = _Gate(_pool_size(self.session))
            self.direct = _direct(self.session)
            self.deadlines = Deadlines(loop)
        elif loop is not self.loop:
            raise EventLoopError(
                "this AsyncClient was first used in another event loop; an aiohttp session "
                "cannot move between loops: create one client per loop (e.g. per asyncio.run)"
            )
        assert self.session is not None
        return self.session

    async def close(self) -> None:
        self.closed = True
        session, self.session = self.session, None
        if session is not None and self.owned:
            await session.close()


def _direct(session: aiohttp.ClientSession) -> bool:
    """Whether requests may go to ``session._request`` itself rather than ``session.request``.

    aiohttp's ``ClientSession.request`` (3.9 to 3.14) only wraps the ``_request`` coroutine in a
    context manager that is then awaited: three Python calls and one more level of delegation on
    every resumption, about 4% of a small GET's client CPU at concurrency 50 (measured side by
    side). Awaiting ``_request`` directly sends exactly the same request. Only a session whose
    ``request`` is aiohttp's own qualifies: a subclass that overrides it (to trace or change
    requests) is always called through it. ``_request`` is looked up on every call, so a mock
    that patches it (aioresponses) still sees every request.
    """
    direct = getattr(type(session), "_request", None)
    return type(session).request is aiohttp.ClientSession.request and inspect.iscoroutinefunction(
        direct
    )


def _pool_size(session: aiohttp.ClientSession) -> int:
    connector = session.connector
    limits = [n for n in (getattr(connector, "limit", 0), getattr(connector, "limit_per_host", 0))]
    bounded = [n for n in limits if n]
    return min(bounded) if bounded else 1_000_000


class ServerClock:
    """The estimated offset of the exchange's clock from the local one, shared by a client's
    views. ``offset_ms`` is added to every timestamp that is signed."""

    __slots__ = ("_lock", "generation", "offset_ms", "resync_every", "synced_at")

    def __init__(self, resync_every: float | None = None) -> None:
        if resync_every is not None and not resync_every > 0:
            raise ValueError("time_sync_interval must be a positive number of seconds or None")
        self.offset_ms = 0
        self.synced_at: float | None = None  # monotonic seconds of the last sync
        self.resync_every = resync_every
        self.generation = 0
        self._lock: asyncio.Lock | None = None

    def lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    def due(self) -> bool:
        every = self.resync_every
        return every is not None and (
            self.synced_at is None or time.monotonic() - self.synced_at >= every
        )


_ORDER_INSTRUCTIONS = frozenset({"orderExecute"})
_SAFE_METHODS = frozenset({"GET"})
_RETRY_STATUSES = frozenset({429, 502, 503, 504})

if hasattr(aiohttp, "ConnectionTimeoutError"):  # aiohttp >= 3.10 tells connect timeouts apart
    _CONNECT_TIMEOUTS: tuple[type[BaseException], ...] = (aiohttp.ConnectionTimeoutError,)
else:  # pragma: no cover - older aiohttp: a connect timeout counts as "may have been sent"
    _CONNECT_TIMEOUTS = ()


class _Route:
    """What a pipeline needs of one endpoint on every call, worked out once per base URL."""

    __slots__ = (
        "decode",
        "has_body",
        "historical",
        "instruction",
        "order",
        "order_model",
        "serialize",
        "signed",
        "url",
        "validate",
        "value_checks",
    )

    def __init__(self, endpoint: Endpoint[Any], base_url: str) -> None:
        self.signed = endpoint.auth == "signed"
        self.instruction = endpoint.instruction
        #: Its requests carry orders: each gets a generated clientId unless it has one.
        self.order = endpoint.instruction in _ORDER_INSTRUCTIONS
        request = endpoint.request
        #: One order per request, by a model with a client_id field: a generated id can join
        #: the parameters before validation.
        self.order_model = (
            self.order
            and isinstance(request, type)
            and issubclass(request, BaseModel)
            and "client_id" in request.model_fields
        )
        adapter = endpoint.request_adapter
        #: The request adapter's core validator and serializer themselves (None without
        #: parameters): the TypeAdapter methods only forward their default options.
        self.validate = None if adapter is None else adapter.validator.validate_python
        self.serialize = None if adapter is None else adapter.serializer.to_python
        self.has_body = endpoint.has_body
        #: A body model's value fields and their checks (``_paramcache.shape_key``), or None:
        #: its requests are then validated whole every time.
        self.value_checks = (
            value_checks(request)
            if self.has_body
            and isinstance(request, type)
            and issubclass(request, RequestModel)
            and request.value_fields
            else None
        )
        self.historical = endpoint.historical_data
        #: The URL without a query (a body's request goes to exactly this).
        self.url = URL(base_url + endpoint.path)
        #: Reads a 200 answer of a JSON operation (which is never "no content"): the decoder
        #: itself, without :func:`read_result`'s questions. None for other kinds.
        self.decode = endpoint.decode_json if endpoint.kind == "json" else None


# -- the engine ------------------------------------------------------------------------------


class Pipeline:
    """Runs operations for one client (or one ``with_options`` view of it)."""

    __slots__ = (
        "auto_client_id",
        "base_url",
        "clock",
        "closed",
        "limiter",
        "max_response_bytes",
        "on_request",
        "prepared_cache",
        "retry",
        "routes",
        "server_clock",
        "session",
        "shape_cache",
        "signer",
        "split",
        "timeout",
        "window",
    )

    def __init__(
        self,
        session: Session,
        signer: Signer | None,
        *,
        base_url: str,
        window: int,
        timeout: aiohttp.ClientTimeout,
        clock: Callable[[], int],
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        server_clock: ServerClock | None = None,
        auto_client_id: bool = True,
        max_response_bytes: int = 32 * 1024 * 1024,
        on_request: RequestHook | None = None,
        prepared_cache: PreparedCache[PreparedRequest] | None = None,
        shape_cache: PreparedCache[dict[str, Any]] | None = None,
        routes: dict[Endpoint[Any], _Route] | None = None,
    ) -> None:
        if not isinstance(max_response_bytes, int) or max_response_bytes < 1:
            raise ValueError("max_response_bytes must be a positive integer")
        self.session = session
        self.signer = signer
        self.base_url = base_url
        self.window = window
        self.timeout = timeout
        #: ``split_timeout(timeout)``, worked out once.
        self.split = split_timeout(timeout)
        self.clock = clock
        self.retry = retry or RetryPolicy()
        self.limiter = limiter
        self.server_clock = server_clock or ServerClock()
        self.auto_client_id = auto_client_id
        self.max_response_bytes = max_response_bytes
        self.on_request = on_request
        #: Prepared GETs by parameter set, shared with views (same base URL, same rules).
        self.prepared_cache = PreparedCache() if prepared_cache is None else prepared_cache
        #: Validated bodies by shape (``_paramcache.shape_key``), shared with views likewise.
        self.shape_cache: PreparedCache[dict[str, Any]] = (
            PreparedCache() if shape_cache is None else shape_cache
        )
        #: Per-endpoint flags and URL, built on first use and shared with views (same base URL).
        self.routes: dict[Endpoint[Any], _Route] = {} if routes is None else routes
        #: Set when this view (not necessarily the shared session) was closed.
        self.closed = False

    def view(
        self,
        *,
        timeout: aiohttp.ClientTimeout | None = None,
        window: int | None = None,
        retry: RetryPolicy | None = None,
    ) -> Pipeline:
        """A pipeline sharing this one's session, limiter and clock, with other defaults."""
        return Pipeline(
            self.session,
            self.signer,
            base_url=self.base_url,
            window=self.window if window is None else window,
            timeout=self.timeout if timeout is None else timeout,
            clock=self.clock,
            retry=self.retry if retry is None else retry,
            limiter=self.limiter,
            server_clock=self.server_clock,
            auto_client_id=self.auto_client_id,
            max_response_bytes=self.max_response_bytes,
            on_request=self.on_request,
            prepared_cache=self.prepared_cache,
            shape_cache=self.shape_cache,
            routes=self.routes,
        )

    def now_ms(self) -> int:
        """The exchange's clock as estimated here: the local clock plus the measured offset."""
        return self.clock() + self.server_clock.offset_ms

    # -- validate and serialize ----------------------------------------------------------

    def prepare(self, endpoint: Endpoint[Any], params: Any = None) -> PreparedRequest:
        """Validate and serialize ``params`` for ``endpoint``; raises before anything is sent.

        An order without a ``client_id`` gets a random uint32 one here (unless the client was
        made with ``auto_client_id=False``), once, before the first attempt.

        A GET with a repeated identical parameter set is served from a bounded cache (the rules
        are in ``_paramcache``). A body is never reused whole: a model that declares value fields
        (an order) is validated once per shape, and each call's own values (its clientId among
        them) are checked and put into a copy of that body.
        """
        route = self.routes.get(endpoint) or self._route(endpoint)
        if route.has_body:
            return self._prepare(endpoint, route, params)
        key = cache_key(params)
        cached = self.prepared_cache.lookup((endpoint, key))
        return cached or self._prepare_and_keep(endpoint, route, params, key)

    def _prepare_and_keep(
        self, endpoint: Endpoint[Any], route: _Route, params: Any, key: tuple[Any, ...] | None
    ) -> PreparedRequest:
        """A GET the cache does not hold: prepared, and kept when ``key`` (:func:`cache_key`)
        says its parameters may be."""
        prepared = self._prepare(endpoint, route, params)
        if key is not None:
            self.prepared_cache.put(endpoint, key, prepared)
        return prepared

    def _route(self, endpoint: Endpoint[Any]) -> _Route:
        route = self.routes[endpoint] = _Route(endpoint, self.base_url)
        return route

    def _prepare(self, endpoint: Endpoint[Any], route: _Route, params: Any) -> PreparedRequest:
        validate, serialize = route.validate, route.serialize
        client_ids: tuple[int, ...] | None = None
        if validate is None or serialize is None:
            if params:
                raise RequestValidationError(
                    f"{endpoint.name} takes no parameters", endpoint=endpoint.name
                )
            wire: Any = None
        else:
            generate = self.auto_client_id and route.order
            if (
                generate
                and route.order_model
                and type(params) is dict
                and "client_id" not in params
                and "clientId" not in params
            ):
                # Drawn before validation, so the model is built once (no copy to add it).
                drawn = _new_client_id()
                params = {**params, "client_id": drawn}
                client_ids = (drawn,)
                generate = False
            shape = None
            if route.value_checks is not None and type(params) is dict:
                shape = shape_key(params, route.value_checks)  # None: refused or not cacheable
                if shape is not None:
                    template = self.shape_cache.lookup((endpoint, shape[0]))
                    if template is not None:
                        # Validated once for this shape: the body with this call's own values.
                        wire = template.copy()
                        for name, value in shape[1]:
                            wire[name] = value
                        return self._body_request(endpoint, route, wire, client_ids)
            try:
                model = validate({} if params is None else params)
            except ValidationError as exc:
                raise RequestValidationError(
                    f"{endpoint.name}: {_describe(exc)}", endpoint=endpoint.name
                ) from None
            if generate:
                model = _with_client_ids(model)  # a model, a list, or clientId=None given
            wire = serialize(model, mode="json", by_alias=True, exclude_none=True)
            if (
                shape is not None
                and not generate  # an id added after validation is this call's alone
                and len({name for name, _ in shape[1]}) == len(shape[1])  # no name and alias
            ):
                self.shape_cache.put(endpoint, shape[0], wire.copy())
        if route.has_body:
            return self._body_request(endpoint, route, wire, client_ids)
        if client_ids is None:
            client_ids = _client_ids(wire)
        url = route.url
        query = sorted_pairs(wire) if wire else []
        if query:
            url = url.extend_query(query)
        # tuple.__new__ itself: the named tuple's own __new__ is a Python function around it.
        return _new_prepared(
            PreparedRequest, (endpoint.method, endpoint.path, query, None, wire, url, client_ids)
        )

    @staticmethod
    def _body_request(
        endpoint: Endpoint[Any], route: _Route, wire: Any, client_ids: tuple[int, ...] | None
    ) -> PreparedRequest:
        """The prepared request of a body's wire form (the body is exactly these values)."""
        if client_ids is None:
            client_ids = _client_ids(wire)
        body = None if wire is None else _dump_json(wire)
        return _new_prepared(
            PreparedRequest, (endpoint.method, endpoint.path, [], body, wire, route.url, client_ids)
        )

    # -- sign ----------------------------------------------------------------------------

    def auth_headers(
        self, endpoint: Endpoint[Any], prepared: PreparedRequest, timestamp: int
    ) -> dict[str, str]:
        """Signature headers for a prepared request at ``timestamp`` (empty when unsigned)."""
        if endpoint.auth != "signed":
            return {}
        if self.signer is None:
            raise CredentialsError(
                f"{endpoint.name} is signed: pass api_secret or use AsyncClient.from_env()"
            )
        assert endpoint.instruction is not None  # guaranteed by Endpoint.__post_init__
        return self.signer.sign(
            endpoint.instruction, prepared.signed_params, timestamp=timestamp, window=self.window
        )

    # -- the loop: one attempt per turn --------------------------------------------------

    async def request(
        self,
        endpoint: Endpoint[T],
        params: Any = None,
        *,
        timeout: aiohttp.ClientTimeout | None = None,
        raw: bool = False,
        check: Check | None = None,
        max_retries: int | None = None,
    ) -> Any:
        """Run one operation: its typed result, or a :class:`RawResponse` with ``raw``.

        Each turn of the loop is one attempt: take the budget, then a connection slot (neither
        awaits anything when free, the common case); sign; send; read the bounded answer; read
        the result. A failure is planned (retry after a delay, or raise) in one place. The
        attempt is written out here rather than in a method of its own: every call pays for
        each coroutine and call on its way, and this is the path of every call.
        """
        route = self.routes.get(endpoint) or self._route(endpoint)
        if route.has_body:
            prepared = self._prepare(endpoint, route, params)
        else:
            # A repeated GET's prepared request straight from the cache (the common case).
            key = cache_key(params)
            cached = self.prepared_cache.lookup((endpoint, key))
            prepared = cached or self._prepare_and_keep(endpoint, route, params, key)
        signed = route.signed
        if signed and self.signer is None:
            self.auth_headers(endpoint, prepared, 0)  # raises CredentialsError, nothing sent
        if self.closed:
            raise ClientClosedError("this AsyncClient view is closed")
        shared = self.session
        session = shared.session
        if session is None or shared.closed or shared.loop is not _get_running_loop():
            session = shared.get()  # creates the session, or raises what is wrong
        gate, deadlines = shared.gate, shared.deadlines
        assert gate is not None and deadlines is not None  # made with the session
        if timeout is None:
            timeout, (untimed, total) = self.timeout, self.split
        else:
            untimed, total = split_timeout(timeout)
        limiter = self.limiter
        attempt = 0
        resynced = False
        while True:
            attempt += 1
            started = _perf_counter()
            status: int | None = None
            deadline: int | None = None
            try:
                # A retry's backoff, the budget, a resync or the pool may make this attempt
                # wait; the client may be closed meanwhile (checked once a slot is taken).
                waited = attempt > 1
                if limiter is not None:
                    historical = route.historical
                    budget = limiter.historical if historical else limiter.standard
                    if (budget_wait := budget.reserve()) > 0.0:
                        await limiter.wait(budget_wait, historical)
                        waited = True
                if signed and self.server_clock.due():
                    await self._resync("periodic", quiet=True)  # before a slot: it needs one
                    waited = True
                if gate.free > 0 and not gate.waiters:
                    gate.free -= 1  # gate.try_acquire(), in place
                else:
                    await self._wait_for_slot(gate, timeout, prepared)
                    waited = True
                try:
                    if waited and (session.closed or self.closed):
                        method, path = prepared.method, prepared.path
                        raise ClientClosedError(f"{method} {path}: not sent: the client was closed")
                    # Signed only now, when the request can go out: the timestamp is never stale.
                    headers: dict[str, str] | None = None  # None: aiohttp merges no headers
                    if signed:
                        assert self.signer is not None and route.instruction is not None
                        timestamp = self.clock() + self.server_clock.offset_ms  # now_ms()
                        headers = self.signer.sign(
                            route.instruction,
                            prepared.signed_params,
                            timestamp=timestamp,
                            window=self.window,
                        )
                        deadline = timestamp + self.window
                    if prepared.body is not None:
                        headers = headers or {}
                        headers["Content-Type"] = _JSON_CONTENT_TYPE
                    # The total is the shared deadlines' (one timer per tick, see _deadlines);
                    # aiohttp gets the rest of the timeout. Outside a task, aiohttp's own timer.
                    task = None if total is None else _current_task()
                    if task is not None and total is not None:
                        due = deadlines.arm(task, total)
                    try:
                        try:
                            # Awaited, not ``async with``: the same request and release without
                            # the context manager's four coroutines (4% of a small GET's CPU).
                            send = session._request if shared.direct else session.request
                            response = await send(
                                prepared.method,
                                prepared.url,
                                data=prepared.body,
                                headers=headers,
                                timeout=timeout if task is None else untimed,
                                allow_redirects=False,
                            )
                            try:
                                status = response.status
                                answer_headers: Mapping[str, str] = response.headers
                                length = answer_headers.get(_CONTENT_LENGTH)
                                if length is not None and int(length) <= self.max_response_bytes:
                                    body = await response.read()
                                else:
                                    body = await self._read_body(
                                        response, length, prepared, deadline
                                    )
                            finally:
                                response.release()
                        except asyncio.CancelledError:
                            if task is None or not deadlines.expired(task):
                                raise  # the caller's cancellation, never a deadline's
                            raise asyncio.TimeoutError from None  # as aiohttp's total raises it
                        finally:
                            if task is not None:
                                deadlines.disarm(due, task)
                    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                        hint = _reconcile_hint(prepared, deadline)
                        lost = _transport_error(exc, prepared.method, prepared.path, hint)
                        raise self._tag(lost, prepared, deadline) from None
                finally:
                    if gate.waiters:
                        gate.release()  # the slot goes to the next in line
                    else:
                        gate.free += 1
                if status >= 300:
                    error = self._status_error(endpoint, status, answer_headers, body)
                    raise self._tag(error, prepared, deadline)
                try:
                    if raw or _CAPTURE.get() is not None:
                        result = self._raw_answer(
                            endpoint, status, answer_headers, body, raw, check
                        )
                    elif status == 200 and route.decode is not None and check is None:
                        result = route.decode(body)
                    else:
                        result = read_result(endpoint, status, body, check)
                except ValidationError as exc:  # from route.decode: as read_result reports it
                    raise self._tag(
                        _unexpected(endpoint, body, _describe(exc)), prepared, deadline
                    ) from None
                except BpxError as exc:
                    raise self._tag(exc, prepared, deadline) from None
            except BpxError as exc:
                retries = self.retry.max_retries if max_retries is None else max_retries
                delay = await self._plan_retry(endpoint, exc, attempt, retries, resynced)
                resynced = resynced or isinstance(exc, RequestExpiredError)
                self._report(endpoint, attempt, started, status, exc, delay)
                if delay is None:
                    raise
                if delay > 0:
                    await asyncio.sleep(delay)
                continue
            # The logger's cached answer first (a request pays no Python call for it).
            debug = _log_levels.get(_DEBUG)
            if (
                self.on_request is not None
                or debug
                or (debug is None and _log.isEnabledFor(_DEBUG))
            ):
                self._report(endpoint, attempt, started, status, None, None)
            return result

    async def _wait_for_slot(
        self, gate: _Gate, timeout: aiohttp.ClientTimeout, prepared: PreparedRequest
    ) -> None:
        """Wait for a connection slot, at most the connect timeout; raise if none came."""
        pool_wait = timeout.connect or DEFAULT_CONNECT_TIMEOUT
        if not await gate.acquire(pool_wait):
            method, path = prepared.method, prepared.path
            raise self._tag(
                RequestTimeoutError(
                    f"{method} {path}: not sent: no connection was free within "
                    f"{pool_wait:g} s ({self.session.max_connections} requests in flight)",
                    method=method,
                    path=path,
                    request_sent=False,
                ),
                prepared,
                None,
            )

    async def _read_body(
        self,
        response: aiohttp.ClientResponse,
        length: str | None,
        prepared: PreparedRequest,
        deadline: int | None,
    ) -> bytes:
        """A body of unknown length, read until it ends or grows past ``max_response_bytes``
        (then it is not kept); a declared ``length`` is over the cap already."""
        cap = self.max_response_bytes
        method, path = prepared.method, prepared.path
        if length is None:
            buffer = bytearray()
            async for chunk in response.content.iter_any():
                buffer += chunk
                if len(buffer) > cap:
                    break
            else:
                return bytes(buffer)
        raise self._tag(
            ResponseTooLargeError(
                f"{method} {path}: the answer is longer than max_response_bytes={cap}",
                body=b"",
                method=method,
                path=path,
            ),
            prepared,
            deadline,
        )

    def _status_error(
        self, endpoint: Endpoint[Any], status: int, headers: Mapping[str, str], body: bytes
    ) -> APIError:
        method, path = endpoint.method, endpoint.path
        error = api_error_from_response(
            status=status, body=body, method=method, path=path, headers=dict(headers)
        )
        if isinstance(error, RedirectError):
            error.args = (
                f"{status} {method} {path}: redirect to {shorten(str(error.location))} refused: "
                "bpx_async never follows redirects (a signed request must reach only its host)",
            )
        elif isinstance(error, RateLimitError) and self.limiter is not None:
            after = error.retry_after
            if after:
                self.limiter.pause(after, endpoint.historical_data)
                _log.warning("%s %s: 429, budget paused %.3g s", method, path, after)
        return error

    def _raw_answer(
        self,
        endpoint: Endpoint[T],
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        raw: bool,
        check: Check | None,
    ) -> Any:
        """The :class:`RawResponse` of a ``raw`` call; inside :func:`capture_raw`, the typed
        result, with the raw answer kept for the capture."""
        answer: RawResponse[T] = RawResponse(
            status=status,
            headers=headers,
            content=body,
            method=endpoint.method,
            path=endpoint.path,
            parse=lambda: read_result(endpoint, status, body, check),
        )
        if raw:
            return answer
        capture = _CAPTURE.get()
        assert capture is not None
        capture.last = answer
        return read_result(endpoint, status, body, check)

    # -- failures ----------------------------------------------------------------------------

    async def _plan_retry(
        self,
        endpoint: Endpoint[Any],
        exc: BpxError,
        attempt: int,
        retries: int,
        resynced: bool,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to raise ``exc``."""
        safe = endpoint.method in _SAFE_METHODS
        if isinstance(exc, RequestExpiredError):
            if resynced:
                return None
            offset = await self._resync("a request was rejected as expired")
            if offset is None:
                return None
            exc.offset_ms = offset
            if safe and attempt <= retries:
                return 0.0
            exc.args = (
                f"{exc.args[0]} (clock skew: the exchange's clock is {offset:+d} ms from this "
                "machine's, measured just now; later requests use the correction)",
            )
            return None
        if attempt > retries:
            return None
        if isinstance(exc, TransportError):
            if not exc.request_sent or safe:
                return self.retry.backoff(attempt)
            return None
        if safe and isinstance(exc, APIError) and exc.status in _RETRY_STATUSES:
            if isinstance(exc, RateLimitError) and exc.retry_after is not None:
                after = exc.retry_after
                if after > self.retry.max_delay:
                    return None  # the server asks for longer than we would sleep: raise
                return after
            return self.retry.backoff(attempt)
        return None

    @staticmethod
    def _tag(exc: E, prepared: PreparedRequest, deadline: int | None) -> E:
        """Attach what a bot needs to reconcile: the order's client ids and the deadline."""
        if prepared.client_ids:
            exc.client_ids = prepared.client_ids
            if len(prepared.client_ids) == 1:
                exc.client_id = prepared.client_ids[0]
        exc.deadline_ms = deadline
        return exc

    # -- clock skew ----------------------------------------------------------------------------

    async def sync_time(self, samples: int = 5) -> int:
        """Measure the exchange's clock offset; apply it to every later timestamp; return it."""
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
            raise ValueError("samples must be a positive integer")
        offsets = []
        for _ in range(samples):
            sent = time.time_ns()
            text = await self.request(TIME, max_retries=1, check=milliseconds_text)
            received = time.time_ns()
            midpoint_ms = (sent + received) // 2_000_000
            local_at_midpoint = self.clock() - (received // 1_000_000 - midpoint_ms)
            offsets.append(int(text) - local_at_midpoint)
        offset = int(statistics.median(offsets))
        clock = self.server_clock
        clock.offset_ms, clock.synced_at = offset, time.monotonic()
        clock.generation += 1
        return offset

    async def _resync(self, reason: str, *, quiet: bool = False) -> int | None:
        """Sync the clock once for everyone waiting on it; the offset, or None if that failed.

        A failed sync is logged and leaves the offset as it was (a periodic one is tried again
        after the next interval).
        """
        clock = self.server_clock
        seen = clock.generation
        async with clock.lock():
            if clock.generation == seen:
                before = clock.offset_ms
                try:
                    offset = await self.sync_time(samples=3)
                except BpxError as exc:
                    clock.synced_at = time.monotonic()
                    _log.warning("clock resync (%s) failed: %s", reason, type(exc).__name__)
                    return None
                log = _log.debug if quiet else _log.warning
                log("clock resync (%s): offset %+d ms (was %+d ms)", reason, offset, before)
        return clock.offset_ms

    # -- logging and the hook --------------------------------------------------------------

    def _report(
        self,
        endpoint: Endpoint[Any],
        attempt: int,
        started: float,
        status: int | None,
        error: BpxError | None,
        retry_in: float | None,
    ) -> None:
        hook = self.on_request
        debug = _log.isEnabledFor(logging.DEBUG)
        if hook is None and not debug and retry_in is None:
            return
        latency_ms = (time.perf_counter() - started) * 1000
        if status is None and isinstance(error, APIError):
            status = error.status
        if debug:
            _log.debug(
                "%s %s -> %s in %.1f ms (attempt %d)%s",
                endpoint.method,
                endpoint.path,
                status if status is not None else type(error).__name__,
                latency_ms,
                attempt,
                "" if error is None else f": {type(error).__name__}",
            )
        if retry_in is not None:
            _log.warning(
                "%s %s: attempt %d failed (%s); retrying in %.3g s",
                endpoint.method,
                endpoint.path,
                attempt,
                status if status is not None else type(error).__name__,
                retry_in,
            )
        if hook is not None:
            event = RequestEvent(
                endpoint.name,
                endpoint.method,
                endpoint.path,
                attempt,
                status,
                latency_ms,
                error,
                retry_in,
            )
            try:
                hook(event)
            except Exception:
                _log.exception("the on_request hook raised; ignored")


def _new_client_id() -> int:
    """A random uint32 clientId (never 0), uniform over 1 .. 2**32-1."""
    while True:
        drawn = random.getrandbits(32)  # a sixth of randrange's cost
        if drawn:
            return drawn


def _with_client_ids(model: Any) -> Any:
    if isinstance(model, list):
        return [_with_client_ids(item) for item in model]
    if isinstance(model, BaseModel) and getattr(model, "client_id", 0) is None:
        return model.model_copy(update={"client_id": _new_client_id()})
    return model


def _client_ids(wire: Any) -> tuple[int, ...]:
    if isinstance(wire, dict):
        found = wire.get("clientId")
        return (found,) if isinstance(found, int) else ()
    if isinstance(wire, list):
        return tuple(
            item["clientId"]
            for item in wire
            if isinstance(item, dict) and isinstance(item.get("clientId"), int)
        )
    return ()


def _transport_error(
    exc: aiohttp.ClientError | asyncio.TimeoutError, method: str, path: str, hint: str
) -> TransportError:
    """The typed error for an aiohttp failure: was the request provably not sent?

    Connecting failed or timed out: not sent. Anything after the connection was made (a
    timeout waiting for the answer, a dropped connection): it may have been processed.
    """
    where = f"{method} {path}"
    if isinstance(exc, _CONNECT_TIMEOUTS):  # before TimeoutError: they are subclasses
        return RequestTimeoutError(
            f"{where}: not sent: connecting timed out", method=method, path=path, request_sent=False
        )
    if isinstance(exc, asyncio.TimeoutError):
        return ResponseTimeoutError(
            f"{where}: may have been processed: no answer in time after sending{hint}",
            method=method,
            path=path,
        )
    detail = f"{type(exc).__name__}: {shorten(str(exc))}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ConnectionFailedError(
            f"{where}: not sent: {detail}", method=method, path=path, request_sent=False
        )
    if isinstance(exc, aiohttp.InvalidURL):
        return TransportError(
            f"{where}: not sent: {detail}", method=method, path=path, request_sent=False
        )
    return ConnectionLostError(
        f"{where}: may have been processed: the connection broke after sending ({detail}){hint}",
        method=method,
        path=path,
    )


def _reconcile_hint(prepared: PreparedRequest, deadline: int | None) -> str:
    parts = []
    if prepared.client_ids:
        parts.append("clientId " + ",".join(map(str, prepared.client_ids)))
    if deadline is not None:
        parts.append(f"accepted by the exchange until {deadline} ms")
    return f" ({'; '.join(parts)})" if parts else ""


def milliseconds_text(text: str) -> str | None:
    """A :data:`Check` for the server time: ASCII digits only."""
    return None if text.isascii() and text.isdigit() else "expected milliseconds as digits"


# -- validate the response ---------------------------------------------------------------


def read_result(endpoint: Endpoint[T], status: int, body: bytes, check: Check | None) -> T:
    """The typed result of a 2xx answer, or :class:`ResponseValidationError`."""
    result: Any
    kind = endpoint.kind
    if kind == "empty" or (status in (202, 204) and endpoint.allow_no_content and not body.strip()):
        return None  # type: ignore[return-value]
    if kind == "text":
        result = body.decode("utf-8", errors="replace").strip()
    else:
        try:
            result = endpoint.decode_json(body)
        except ValidationError as exc:
            raise _unexpected(endpoint, body, _describe(exc)) from None
    if check is not None:
        complaint = check(result)
        if complaint is not None:
            raise _unexpected(endpoint, body, complaint)
    return result  # type: ignore[no-any-return]


def _unexpected(endpoint: Endpoint[Any], body: bytes, problem: str) -> ResponseValidationError:
    if endpoint.method in _SAFE_METHODS:
        return ResponseValidationError(
            f"{endpoint.name}: unexpected response: {problem}",
            body=body,
            method=endpoint.method,
            path=endpoint.path,
        )
    # The exchange answered 2xx to a write: it probably acted, but we cannot tell how.
    return UnreadableResultError(
        f"{endpoint.name}: may have been processed: unexpected response: {problem}",
        body=body,
        method=endpoint.method,
        path=endpoint.path,
    )


#: Compact UTF-8 JSON, byte for byte what ``json.dumps(value, separators=(",", ":"),
#: ensure_ascii=False).encode()`` gives (lone surrogates raise UnicodeEncodeError in both),
#: several times faster.
_dump_json = msgspec.json.Encoder().encode


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
