# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""System status, ping, server time and wallets (public)."""

from __future__ import annotations

from .._pipeline import milliseconds_text
from ..endpoints import system as ep
from ..models.system import Status, Wallet
from ._base import Resource, documents, operation

__all__ = ["System"]


class System(Resource):
    """System status, ping, server time and wallets (public)."""

    __slots__ = ()

    @operation(ep.STATUS)
    async def status(self) -> Status:
        """Exchange status (``Ok`` or ``Maintenance``). ``GET /api/v1/status``."""

    @operation(ep.PING)
    async def ping(self) -> str:
        """``"pong"`` when the API is reachable. ``GET /api/v1/ping`` (answers text)."""

    @documents(ep.TIME)
    async def time(self) -> int:
        """The server clock in milliseconds since the epoch. ``GET /api/v1/time`` (answers text)."""
        text: str = await self._client.request(ep.TIME, check=milliseconds_text)
        return int(text)

    @operation(ep.WALLETS)
    async def wallets(self) -> list[Wallet]:
        """The exchange's deposit wallets. ``GET /api/v1/wallets``."""
