"""The request engine: validate -> serialize once -> sign exactly that -> send -> map errors ->
validate the response.

:class:`Pipeline` holds everything a request needs (session, signer, URL, window, timeout, clock)
and imports no resource: the facade in ``client.py`` builds one per client and per
``with_options`` view, and resource methods reach it through ``AsyncClient.request``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import aiohttp
from pydantic import ValidationError

from .endpoints._spec import Endpoint
from .errors import (
    BpxError,
    ClientClosedError,
    ConnectionFailedError,
    CredentialsError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseValidationError,
    TransportError,
    api_error_from_response,
)
from .signing import Signer, sorted_pairs

__all__ = ["Check", "Pipeline", "PreparedRequest", "RawResponse", "Session", "capture_raw"]

T = TypeVar("T")

#: A check of a validated result: None when it is fine, else what is wrong with it. The
#: pipeline turns a complaint into :class:`ResponseValidationError` with the raw body.
Check = Callable[[Any], "str | None"]

_JSON_CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A request after validation and serialization: exactly what is signed and sent."""

    method: str
    path: str
    query: list[tuple[str, str]]
    body: bytes | None
    #: The parameter set handed to the signer (the same objects the query/body were built from).
    signed_params: Any


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


class Session:
    """The aiohttp session shared by a client and its ``with_options`` views.

    Only the client that created it closes it, and only if it was not passed in.
    """

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


class Pipeline:
    """Runs operations for one client (or one ``with_options`` view of it)."""

    __slots__ = ("base_url", "clock", "closed", "session", "signer", "timeout", "window")

    def __init__(
        self,
        session: Session,
        signer: Signer | None,
        *,
        base_url: str,
        window: int,
        timeout: aiohttp.ClientTimeout,
        clock: Callable[[], int],
    ) -> None:
        self.session = session
        self.signer = signer
        self.base_url = base_url
        self.window = window
        self.timeout = timeout
        self.clock = clock
        #: Set when this view (not necessarily the shared session) was closed.
        self.closed = False

    def view(self, *, timeout: aiohttp.ClientTimeout | None, window: int | None) -> Pipeline:
        """A pipeline sharing this one's session and state, with other defaults."""
        return Pipeline(
            self.session,
            self.signer,
            base_url=self.base_url,
            window=self.window if window is None else window,
            timeout=self.timeout if timeout is None else timeout,
            clock=self.clock,
        )

    # -- validate and serialize ----------------------------------------------------------

    def prepare(self, endpoint: Endpoint[Any], params: Any = None) -> PreparedRequest:
        """Validate and serialize ``params`` for ``endpoint``; raises before anything is sent."""
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
        if endpoint.has_body:
            body = None if wire is None else _dump_json(wire)
            return PreparedRequest(endpoint.method, endpoint.path, [], body, wire)
        query = sorted_pairs(wire) if wire else []
        return PreparedRequest(endpoint.method, endpoint.path, query, None, wire)

    # -- sign ----------------------------------------------------------------------------

    def auth_headers(self, endpoint: Endpoint[Any], prepared: PreparedRequest) -> dict[str, str]:
        """Signature headers for a prepared request, timestamped now (empty when unsigned)."""
        if endpoint.auth != "signed":
            return {}
        if self.signer is None:
            raise CredentialsError(
                f"{endpoint.name} is signed: pass api_secret or use AsyncClient.from_env()"
            )
        assert endpoint.instruction is not None  # guaranteed by Endpoint.__post_init__
        return self.signer.sign(
            endpoint.instruction,
            prepared.signed_params,
            timestamp=self.clock(),
            window=self.window,
        )

    # -- send ----------------------------------------------------------------------------

    async def request(
        self,
        endpoint: Endpoint[T],
        params: Any = None,
        *,
        timeout: aiohttp.ClientTimeout | None = None,
        raw: bool = False,
        check: Check | None = None,
    ) -> Any:
        """Run one operation: its typed result, or a :class:`RawResponse` with ``raw``."""
        prepared = self.prepare(endpoint, params)
        if self.closed:
            raise ClientClosedError("this AsyncClient view is closed")
        session = self.session.get()
        headers = self.auth_headers(endpoint, prepared)
        if prepared.body is not None:
            headers["Content-Type"] = _JSON_CONTENT_TYPE
        method, path = prepared.method, prepared.path
        try:
            async with session.request(
                method,
                self.base_url + path,
                params=prepared.query or None,
                data=prepared.body,
                headers=headers,
                timeout=self.timeout if timeout is None else timeout,
            ) as response:
                body = await response.read()
                status = response.status
                response_headers = response.headers
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
        if status >= 400:
            raise api_error_from_response(
                status=status,
                body=body,
                method=method,
                path=path,
                headers=dict(response_headers),
            )
        capture = _CAPTURE.get()
        if raw or capture is not None:
            answer: RawResponse[T] = RawResponse(
                status=status,
                headers=response_headers,
                content=body,
                method=method,
                path=path,
                parse=lambda: read_result(endpoint, status, body, check),
            )
            if raw:
                return answer
            capture.last = answer  # type: ignore[union-attr]
        return read_result(endpoint, status, body, check)


# -- validate the response ---------------------------------------------------------------


def read_result(endpoint: Endpoint[T], status: int, body: bytes, check: Check | None) -> T:
    """The typed result of a 2xx answer, or :class:`ResponseValidationError`."""
    result: Any
    if (
        endpoint.allow_no_content and status in (202, 204) and not body.strip()
    ) or endpoint.kind == "empty":
        return None  # type: ignore[return-value]
    if endpoint.kind == "text":
        result = body.decode("utf-8", errors="replace").strip()
    else:
        try:
            result = endpoint.response_adapter.validate_json(body)
        except ValidationError as exc:
            raise _unexpected(endpoint, body, _describe(exc)) from None
    if check is not None:
        complaint = check(result)
        if complaint is not None:
            raise _unexpected(endpoint, body, complaint)
    return result  # type: ignore[no-any-return]


def _unexpected(endpoint: Endpoint[Any], body: bytes, problem: str) -> ResponseValidationError:
    return ResponseValidationError(
        f"{endpoint.name}: unexpected response: {problem}",
        body=body,
        method=endpoint.method,
        path=endpoint.path,
    )


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
