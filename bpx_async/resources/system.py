"""System status, ping, server time and wallets (public)."""

from __future__ import annotations

from .._pipeline import milliseconds_text
from ..endpoints import system as ep
from ..models.system import Status, Wallet
from ._base import Resource

__all__ = ["System"]


class System(Resource):
    """System status, ping, server time and wallets (public)."""

    __slots__ = ()

    async def status(self) -> Status:
        """Exchange status (``Ok`` or ``Maintenance``). ``GET /api/v1/status``."""
        return await self._client.request(ep.STATUS)

    async def ping(self) -> str:
        """``"pong"`` when the API is reachable. ``GET /api/v1/ping`` (answers text)."""
        return await self._client.request(ep.PING)

    async def time(self) -> int:
        """The server clock in milliseconds since the epoch. ``GET /api/v1/time`` (answers text)."""
        text: str = await self._client.request(ep.TIME, check=milliseconds_text)
        return int(text)

    async def wallets(self) -> list[Wallet]:
        """The exchange's deposit wallets. ``GET /api/v1/wallets``."""
        return await self._client.request(ep.WALLETS)
