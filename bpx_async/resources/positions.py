# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Open futures positions of the account (signed). Closed positions are in
``client.history``.
"""

from __future__ import annotations

import builtins

from ..endpoints import positions as ep
from ..models.enums import MarketType
from ..models.positions import FuturePosition
from ._base import Resource, operation

__all__ = ["Positions"]


class Positions(Resource):
    """Open futures positions."""

    __slots__ = ()

    @operation(ep.LIST)
    async def list(
        self, symbol: str | None = None, market_type: MarketType | str | None = None
    ) -> builtins.list[FuturePosition]:
        """The account's open futures positions, optionally for one market or market type.

        The spec documents HTTP 404 "Position not found" (raised as
        :class:`~bpx_async.errors.NotFoundError`), e.g. when ``symbol`` has no open position.
        ``GET /api/v1/position``.
        """
