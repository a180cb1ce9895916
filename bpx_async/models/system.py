"""Response models of the System group (status, wallets)."""

from __future__ import annotations

from ._base import BpxModel, OpenEnum
from .enums import SystemStatus

__all__ = ["Status", "Wallet"]


class Status(BpxModel):
    """``GET /api/v1/status``: ``Ok`` or ``Maintenance``, with an optional message."""

    status: OpenEnum[SystemStatus]
    message: str | None = None


class Wallet(BpxModel):
    """An exchange deposit wallet: blockchain and address."""

    blockchain: str
    address: str
