"""Response models of the System group: exchange status and the exchange's deposit wallets.

``/ping`` and ``/time`` answer plain text and need no model.
"""

from __future__ import annotations

from ._base import BpxModel, OpenEnum
from .enums import Blockchain, SystemStatus

__all__ = ["Status", "Wallet"]


class Status(BpxModel):
    """``GET /api/v1/status``: ``Ok`` or ``Maintenance``, with an optional message."""

    status: OpenEnum[SystemStatus]
    message: str | None = None


class Wallet(BpxModel):
    """An exchange deposit wallet: blockchain and address."""

    blockchain: OpenEnum[Blockchain] | None = None
    address: str | None = None
