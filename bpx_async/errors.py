"""The exceptions bpx_async raises, one tree rooted at :class:`BpxError`.

::

    BpxError
    ├── CredentialsError          signed call without keys, or keys that do not match
    ├── ClientClosedError         the client was used after aclose()
    ├── RequestValidationError    bad input; raised before anything is sent (also a ValueError)
    ├── ResponseValidationError   a 2xx body the response model rejects (keeps the raw body)
    ├── BatchError                a batch sent as several requests failed part-way (keeps results)
    ├── TransportError            no HTTP answer at all
    │   ├── ConnectionFailedError     could not connect / connection dropped
    │   └── RequestTimeoutError       the timeout elapsed
    └── APIError                  the API answered with an HTTP error status
        ├── BadRequestError           400
        │   ├── InsufficientFundsError    INSUFFICIENT_FUNDS, INSUFFICIENT_MARGIN
        │   └── InvalidOrderError         INVALID_ORDER, INVALID_PRICE, INVALID_QUANTITY
        ├── AuthenticationError       401, INVALID_SIGNATURE, UNAUTHORIZED, bad signature, expired
        ├── PermissionDeniedError     403
        ├── NotFoundError             404
        ├── ConflictError             409
        ├── RateLimitError            429 (``retry_after`` seconds when the server said)
        └── ServerError               5xx
            └── ServiceUnavailableError   503, MAINTENANCE

Every :class:`APIError` carries ``status``, ``code`` and ``message`` (from the JSON error body, or
the plain text the API sometimes sends), the raw ``body`` bytes, and the request's ``method`` and
``path``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
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
    "CredentialsError",
    "InsufficientFundsError",
    "InvalidOrderError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResponseValidationError",
    "ServerError",
    "ServiceUnavailableError",
    "TransportError",
    "api_error_from_response",
]


class BpxError(Exception):
    """Base class of every exception raised by bpx_async."""


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


class TransportError(BpxError):
    """No HTTP response was received (connection problem or timeout)."""

    def __init__(self, message: str, *, method: str, path: str) -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class ConnectionFailedError(TransportError):
    """Connecting failed, or the connection broke before a full response arrived."""


class RequestTimeoutError(TransportError):
    """The request did not complete within its timeout."""


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
        super().__init__(f"{status} {method} {path}: {label}")


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


class RateLimitError(APIError):
    """HTTP 429. ``retry_after`` is the server's Retry-After in seconds, when given."""

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("Retry-After") or self.headers.get("retry-after")
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None


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
        cls = AuthenticationError
    if cls is None:
        cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIError
    return cls(
        status=status,
        code=code,
        message=message,
        body=body,
        method=method,
        path=path,
        headers=headers,
    )
