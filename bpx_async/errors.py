"""The exceptions bpx_async raises, one tree rooted at :class:`BpxError`.

::

    BpxError
    ├── CredentialsError          signed call without keys, or keys that do not match
    ├── ClientClosedError         the client was used after aclose()
    ├── RequestValidationError    bad input; raised before anything is sent (also a ValueError)
    ├── EventLoopError            the client was used from another event loop than its own
    ├── InsecureURLError          base_url/ws_url not https/wss (plain only to loopback)
    ├── ResponseValidationError   a 2xx body the response model rejects (keeps the raw body)
    ├── BatchError                a batch sent as several requests failed part-way (keeps results)
    │   ├── ResponseTooLargeError     the body exceeded ``max_response_bytes``
    │   └── UnreadableResultError     (also OutcomeUnknownError) unreadable 2xx to a write
    ├── TransportError            no HTTP answer at all; ``request_sent`` says if it went out
    │   ├── ConnectionFailedError     could not connect (not sent) / connection dropped
    │   │   └── ConnectionLostError       (also OutcomeUnknownError) dropped after sending
    │   └── RequestTimeoutError       the timeout elapsed (not sent: pool wait, connect)
    │       └── ResponseTimeoutError      (also OutcomeUnknownError) no answer after sending
    ├── OutcomeUnknownError       the request went out and may have been processed
    └── APIError                  the API answered with an HTTP error status
        ├── RedirectError             3xx: never followed (``location`` names the target)
        ├── BadRequestError           400
        │   ├── InsufficientFundsError    INSUFFICIENT_FUNDS, INSUFFICIENT_MARGIN
        │   └── InvalidOrderError         INVALID_ORDER, INVALID_PRICE, INVALID_QUANTITY
        ├── AuthenticationError       401, INVALID_SIGNATURE, UNAUTHORIZED, bad signature, expired
        │   └── RequestExpiredError       the timestamp was outside the window (clock skew)
        ├── PermissionDeniedError     403
        ├── NotFoundError             404
        ├── ConflictError             409
        ├── RateLimitError            429 (``retry_after`` seconds when the server said)
        └── ServerError               5xx
            └── ServiceUnavailableError   503, MAINTENANCE

Every :class:`APIError` carries ``status``, ``code`` and ``message`` (from the JSON error body, or
the plain text the API sometimes sends), the raw ``body`` bytes, and the request's ``method`` and
``path``. Messages are cut to a readable length; ``body`` keeps at most 64 KiB.

Errors of signed calls also carry ``deadline_ms``: the request's timestamp plus its window on the
exchange's clock, after which the exchange can no longer accept it. Errors of order calls carry
the order's ``client_id`` (``client_ids`` for a batch) so that a bot can reconcile.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models.orders import BatchOrderResult

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "BatchError",
    "BpxError",
    "ClientClosedError",
    "ConflictError",
    "ConnectionFailedError",
    "ConnectionLostError",
    "CredentialsError",
    "EventLoopError",
    "InsecureURLError",
    "InsufficientFundsError",
    "InvalidOrderError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RequestExpiredError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResponseTimeoutError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "ServiceUnavailableError",
    "TransportError",
    "UnreadableResultError",
    "api_error_from_response",
]


class BpxError(Exception):
    """Base class of every exception raised by bpx_async."""

    #: The ``clientId`` of the order the failed call placed, cancelled or queried.
    client_id: int | None = None
    #: Every ``clientId`` of a failed batch, in order.
    client_ids: tuple[int, ...] = ()
    #: ``timestamp + window`` of the failed signed request, in ms on the exchange's clock: after
    #: it the exchange no longer accepts that request.
    deadline_ms: int | None = None


class CredentialsError(BpxError, ValueError):
    """Keys are missing for a signed endpoint, malformed, or do not belong together."""


class ClientClosedError(BpxError, RuntimeError):
    """The client was used after it was closed."""


class RequestValidationError(BpxError, ValueError):
    """The request parameters failed validation; nothing was sent."""

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint


class ResponseValidationError(BpxError):
    """A 2xx response did not match the response model. ``body`` keeps the raw bytes."""

    def __init__(self, message: str, *, body: bytes, method: str, path: str) -> None:
        super().__init__(message)
        self.body = body
        self.method = method
        self.path = path


class BatchError(BpxError):
    """A batch sent as several requests failed part-way; what was already answered is kept.

    ``results`` holds the answers received before the failure, in input order (each with its
    ``index``). The orders at ``failed_indices`` were in the request that raised ``cause``: after
    a timeout or a dropped connection the exchange may still have placed them, so check with
    ``orders.open()`` before resending. The orders at ``unsent_indices`` were never sent.
    """

    def __init__(
        self,
        message: str,
        *,
        results: list[BatchOrderResult],
        failed_indices: range,
        unsent_indices: range,
        cause: BpxError,
    ) -> None:
        super().__init__(message)
        self.results = results
        self.failed_indices = failed_indices
        self.unsent_indices = unsent_indices
        self.cause = cause


class ResponseTooLargeError(ResponseValidationError):
    """The answer was longer than the client's ``max_response_bytes``; ``body`` is its start."""


class TransportError(BpxError):
    """No HTTP response was received (connection problem or timeout).

    ``request_sent`` is False when the request provably never left (DNS, refused connection,
    TLS, no free connection in time): nothing can have been processed. When True the exchange
    may have received and processed it (the error is then also an :class:`OutcomeUnknownError`).
    """

    def __init__(
        self, message: str, *, method: str, path: str, request_sent: bool = True
    ) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.request_sent = request_sent


class ConnectionFailedError(TransportError):
    """Connecting failed, or the connection broke before a full response arrived."""


class RequestTimeoutError(TransportError):
    """The request did not complete within its timeout."""


# --- outcome of requests that went out ------------------------------------------------------


class OutcomeUnknownError(BpxError):
    """The request went out and may have been processed; the client cannot tell.

    Never retried automatically for POST/PATCH/DELETE. Check the state (for an order: by its
    ``client_id``, e.g. ``orders.get(symbol, client_id=...)``; before ``deadline_ms`` passes the
    exchange may still be processing it) before sending again.
    """

    request_sent = True


class ConnectionLostError(ConnectionFailedError, OutcomeUnknownError):
    """The connection broke after the request was sent: it may have been processed."""


class ResponseTimeoutError(RequestTimeoutError, OutcomeUnknownError):
    """No (complete) answer in time after the request was sent: it may have been processed."""


class UnreadableResultError(ResponseValidationError, OutcomeUnknownError):
    """A POST/PATCH/DELETE was answered 2xx with a body that cannot be read: the exchange
    probably acted, but what it did is unknown."""


class InsecureURLError(BpxError, ValueError):
    """``base_url`` is not ``https://`` (or ``ws_url`` not ``wss://``), and not towards this
    machine either: signed requests would travel in clear text. Raised at construction."""


class EventLoopError(BpxError, RuntimeError):
    """The client was used from an event loop other than the one it first ran in."""


class APIError(BpxError):
    """The API answered with an HTTP error status."""

    def __init__(
        self,
        *,
        status: int,
        code: str | None,
        message: str,
        body: bytes,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.body = body
        self.method = method
        self.path = path
        self.headers: dict[str, str] = dict(headers or {})
        label = f"{code}: {message}" if code else message
        super().__init__(f"{status} {method} {path}: {shorten(label)}")


class BadRequestError(APIError):
    """HTTP 400: the exchange rejected the request."""


class InsufficientFundsError(BadRequestError):
    """Not enough balance or margin for the request."""


class InvalidOrderError(BadRequestError):
    """The order was refused (invalid order, price or quantity)."""


class AuthenticationError(APIError):
    """The request was not authenticated: bad signature, unknown key, expired timestamp."""


class PermissionDeniedError(APIError):
    """HTTP 403."""


class NotFoundError(APIError):
    """HTTP 404: e.g. the order is not open, no such position."""


class ConflictError(APIError):
    """HTTP 409."""


class RedirectError(APIError):
    """A 3xx answer. Redirects are never followed: a signed request must reach only the host it
    was made for. ``location`` is the ``Location`` header (None when absent)."""

    @property
    def location(self) -> str | None:
        return self.headers.get("Location") or self.headers.get("location")


class RequestExpiredError(AuthenticationError):
    """The exchange judged the timestamp outside the window: usually clock skew. ``offset_ms``
    is the exchange's clock minus the local one as measured right after (None if unmeasured)."""

    offset_ms: int | None = None


class RateLimitError(APIError):
    """HTTP 429. ``retry_after`` is the server's Retry-After in seconds, when given."""

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("Retry-After") or self.headers.get("retry-after")
        return None if value is None else parse_retry_after(value)


class ServerError(APIError):
    """HTTP 5xx."""


class ServiceUnavailableError(ServerError):
    """HTTP 503 or code MAINTENANCE: the exchange is under maintenance."""


_BY_CODE: dict[str, type[APIError]] = {
    "INSUFFICIENT_FUNDS": InsufficientFundsError,
    "INSUFFICIENT_MARGIN": InsufficientFundsError,
    "INVALID_ORDER": InvalidOrderError,
    "INVALID_PRICE": InvalidOrderError,
    "INVALID_QUANTITY": InvalidOrderError,
    "INVALID_SIGNATURE": AuthenticationError,
    "UNAUTHORIZED": AuthenticationError,
    "TOO_MANY_REQUESTS": RateLimitError,
    "MAINTENANCE": ServiceUnavailableError,
}

_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}

# The exchange reports some authentication failures as 400 INVALID_CLIENT_REQUEST with one
# of these messages, so they are matched on the text as well as the code.
_AUTH_MESSAGES = ("signature", "expired", "x-timestamp", "x-window", "api key")


# --- bounds ------------------------------------------------------------------------------

#: Longest text an exception message quotes from an answer (the rest stays on ``.body``).
MAX_MESSAGE_CHARS = 300
#: Most bytes of an error answer kept on ``APIError.body``.
MAX_ERROR_BODY = 64 * 1024


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


def parse_retry_after(value: str) -> float | None:
    """A ``Retry-After`` value in seconds: delta-seconds or an HTTP date; None if unreadable."""
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if seconds != seconds or seconds == float("inf"):  # NaN or infinite
        return None
    return max(seconds, 0.0)


def _parse_error_body(body: bytes) -> tuple[str | None, str]:
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data: Any = json.loads(text)
    except ValueError:
        return None, text
    if isinstance(data, dict):
        code = data.get("code")
        message = data.get("message")
        return (
            str(code) if code is not None else None,
            str(message) if message is not None else text,
        )
    return None, text


def api_error_from_response(
    *, status: int, body: bytes, method: str, path: str, headers: Mapping[str, str] | None = None
) -> APIError:
    """Build the most specific :class:`APIError` for an error response."""
    code, message = _parse_error_body(body)
    if not message:
        message = f"HTTP {status}"
    cls: type[APIError] | None = _BY_CODE.get(code or "")
    lowered = message.lower()
    if cls is None and status in (400, 401) and any(m in lowered for m in _AUTH_MESSAGES):
        cls = RequestExpiredError if "expired" in lowered else AuthenticationError
    if cls is None:
        cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIError
    if 300 <= status < 400:
        cls = RedirectError  # whatever its body says: it is not the exchange's answer
    return cls(
        status=status,
        code=code,
        message=shorten(message, MAX_ERROR_BODY),
        body=body[:MAX_ERROR_BODY],
        method=method,
        path=path,
        headers=headers,
    )
