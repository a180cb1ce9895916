"""bpx_async: the asyncio SDK for the Backpack Exchange REST API.

>>> from bpx_async import AsyncClient
>>> async def main() -> None:
...     async with AsyncClient() as client:
...         ticker = await client.markets.ticker("SOL_USDC")
"""

from ._pipeline import RawResponse, RequestEvent, RetryPolicy
from ._ratelimit import RateLimiter
from ._version import __version__
from .client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, DEFAULT_WS_URL, AsyncClient
from .endpoints import ENDPOINTS, Endpoint
from .errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    BpxError,
    ClientClosedError,
    ConflictError,
    ConnectionFailedError,
    ConnectionLostError,
    CredentialsError,
    EventLoopError,
    InsecureURLError,
    InsufficientFundsError,
    InvalidOrderError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    RequestExpiredError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseTimeoutError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
    ServiceUnavailableError,
    TransportError,
    UnreadableResultError,
)
from .resources.orders import MAX_BATCH_SIZE, BatchError
from .signing import Signer

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WS_URL",
    "ENDPOINTS",
    "MAX_BATCH_SIZE",
    "APIError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "BatchError",
    "BpxError",
    "ClientClosedError",
    "ConflictError",
    "ConnectionFailedError",
    "ConnectionLostError",
    "CredentialsError",
    "Endpoint",
    "EventLoopError",
    "InsecureURLError",
    "InsufficientFundsError",
    "InvalidOrderError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiter",
    "RawResponse",
    "RedirectError",
    "RequestEvent",
    "RequestExpiredError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResponseTimeoutError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailableError",
    "Signer",
    "TransportError",
    "UnreadableResultError",
    "__version__",
]
