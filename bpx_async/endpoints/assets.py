"""Endpoint records of the Assets group (REFERENCE.md section 3, Assets)."""

from __future__ import annotations

from ..models.assets import AssetsRequest, CollateralSummary, MarketAsset
from ._spec import Endpoint

LIST: Endpoint[list[MarketAsset]] = Endpoint(
    name="assets.list",
    method="GET",
    path="/api/v1/assets",
    instruction=None,
    request=AssetsRequest,
    response=list[MarketAsset],
    doc="Assets and their tokens per blockchain, optionally for one country.",
)
COLLATERAL: Endpoint[list[CollateralSummary]] = Endpoint(
    name="assets.collateral",
    method="GET",
    path="/api/v1/collateral",
    instruction=None,
    request=None,
    response=list[CollateralSummary],
    doc="Collateral parameters (IMF/MMF and haircut functions) of every asset.",
)
