"""bpx_async: the asyncio SDK for the Backpack Exchange REST API.

>>> from bpx_async import AsyncClient
>>> async def main() -> None:
...     async with AsyncClient() as client:
...         ticker = await client.markets.ticker("SOL_USDC")
"""

from ._version import __version__
from .client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, DEFAULT_WS_URL, AsyncClient
from .endpoints import ENDPOINTS, Endpoint
from .errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    BatchError,
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
from .resources.orders import MAX_BATCH_SIZE
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
    "CredentialsError",
    "Endpoint",
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
    "Signer",
    "TransportError",
    "__version__",
]
