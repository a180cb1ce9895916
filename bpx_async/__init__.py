"""bpx_async: the asyncio SDK for the Backpack Exchange REST and WebSocket APIs.

>>> from bpx_async import AsyncClient
>>> async def main() -> None:
...     async with AsyncClient() as client:
...         ticker = await client.markets.ticker("SOL_USDC")
"""

from ._version import __version__
from .book import BookState, OrderBook, OrderBooks
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
    CredentialsError,
    InsufficientFundsError,
    InvalidOrderError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseValidationError,
    ServerError,
    ServiceUnavailableError,
    TransportError,
)
from .resources.orders import MAX_BATCH_SIZE, BatchError
from .signing import Signer
from .streams import (
    BookNotReadyError,
    InvalidStreamError,
    Stream,
    StreamAuthError,
    StreamClosedError,
    StreamConnectError,
    StreamError,
    StreamErrorEvent,
    StreamOptions,
    StreamOverflowError,
    StreamReset,
    StreamSubscribeError,
    decode,
)

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
    "BookNotReadyError",
    "BookState",
    "BpxError",
    "ClientClosedError",
    "ConflictError",
    "ConnectionFailedError",
    "CredentialsError",
    "Endpoint",
    "InsufficientFundsError",
    "InvalidOrderError",
    "InvalidStreamError",
    "NotFoundError",
    "OrderBook",
    "OrderBooks",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResponseValidationError",
    "ServerError",
    "ServiceUnavailableError",
    "Signer",
    "Stream",
    "StreamAuthError",
    "StreamClosedError",
    "StreamConnectError",
    "StreamError",
    "StreamErrorEvent",
    "StreamOptions",
    "StreamOverflowError",
    "StreamReset",
    "StreamSubscribeError",
    "TransportError",
    "__version__",
    "decode",
]
