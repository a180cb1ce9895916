# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Assets and collateral parameters (public)."""

from __future__ import annotations

import builtins

from ..endpoints import assets as ep
from ..models.assets import CollateralSummary, MarketAsset
from ._base import Resource, operation

__all__ = ["Assets"]


class Assets(Resource):
    """Assets and collateral parameters (public)."""

    __slots__ = ()

    # ``builtins.list`` below: inside this class ``list`` names the method.
    @operation(ep.LIST)
    async def list(self, *, country: str | None = None) -> builtins.list[MarketAsset]:
        """Every asset with its token on each blockchain; ``country`` (ISO 3166-1 alpha-2, e.g.
        ``"FR"``) keeps only what is available there. ``GET /api/v1/assets``.
        """

    @operation(ep.COLLATERAL)
    async def collateral(self) -> builtins.list[CollateralSummary]:
        """Collateral parameters (IMF, MMF and haircut functions) of every asset.

        ``GET /api/v1/collateral``.
        """
