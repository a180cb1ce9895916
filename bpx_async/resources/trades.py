# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Recent and historical public trades."""

from __future__ import annotations

from ..endpoints import trades as ep
from ..models.trades import Trade
from ._base import Resource, operation

__all__ = ["Trades"]


class Trades(Resource):
    """Recent and historical public trades."""

    __slots__ = ()

    @operation(ep.RECENT)
    async def recent(self, symbol: str, *, limit: int | None = None) -> list[Trade]:
        """The latest public trades of ``symbol`` (``limit`` 1..1000, default 100).

        ``GET /api/v1/trades``.
        """

    @operation(ep.HISTORY)
    async def history(
        self, symbol: str, *, limit: int | None = None, offset: int | None = None
    ) -> list[Trade]:
        """Older public trades of ``symbol``, paged with ``limit`` (1..1000) and
        ``offset``. Counts against the 30/min historical-data budget.
        ``GET /api/v1/trades/history``.
        """
